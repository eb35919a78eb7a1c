"""The Assistant engine: text in, Response out; alerts out as they fire. No Qt here."""
from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from time import monotonic
from typing import Callable, Sequence

from nlu import Interpretation, Parser
from nlu.parser import default_model_dir, speech_model_dir

from . import paths
from .dialogue.policy import Policy
from .dialogue.responses import Responses
from .dialogue.state import DialogueState, Response
from .formatting import format_duration, format_moment, join_words
from .knowledge import KnowledgeBase, about_the_asker, find_note
from .scheduler import Scheduler
from .settings import Settings
from .skills.alarms import AlarmSkill
from .skills.apps import AppSkill, WebSearchSkill
from .skills.base import Outcome, Skill, SkillContext
from .skills.calculator import CalculatorSkill
from .skills.conversation import ConversationSkill, Jokes
from .skills.converter import ConverterSkill
from .skills.lists import ListSkill, NoteSkill
from .skills.media import MediaSkill, VolumeSkill
from .skills.reminders import ReminderSkill
from .skills.system import SystemSkill
from .skills.timers import TimerSkill, timer_name
from .storage import ScheduledEvent, Store

log = logging.getLogger(__name__)
STATE_KEY = "dialogue"
MAX_INPUT_CHARS = 1000
PARSE_REUSE_SECONDS = 10.0
"""How long a parse is reused for the same words: a spoken request judged whole at a pause is
the turn a moment later. Not longer: a parse reads dates and times against the clock ("at 7"
is the next 7 o'clock), so the same words tomorrow mean another moment."""


@dataclass(frozen=True)
class Alert:
    """A timer, alarm or reminder going off, or one found missed at start-up."""

    id: int
    kind: str  # timer | alarm | reminder
    label: str
    message: str
    missed: bool
    due_at: float

    def to_json(self) -> dict:
        return {"event": f"{self.kind}.{'missed' if self.missed else 'fired'}", "id": self.id,
                "label": self.label or None, "message": self.message,
                "due_at": dt.datetime.fromtimestamp(self.due_at).isoformat(timespec="seconds")}


class Assistant:
    """Wires parser -> policy -> skills, with storage, scheduler and knowledge base."""

    def __init__(self, parser: Parser | None = None, data_dir: Path | None = None,
                 config_dir: Path | None = None, seed: int | None = None,
                 speech_parser: Parser | None = None) -> None:
        self.config_dir = config_dir or paths.config_dir()
        self.data_dir = data_dir or paths.data_dir()
        self.notices: list[str] = []
        self.settings, warning = Settings.load(self.config_dir / "settings.json")
        if warning:
            self.notices.append(warning)
        self.store = Store(self.data_dir / "assistant.db")
        self.notices.extend(self.store.notices)
        self.parser = parser or Parser.from_pretrained()
        self._speech_parser = speech_parser
        self._loading_speech_parser = threading.Lock()
        self._parsed: dict[tuple[Parser, str], tuple[float, Interpretation]] = {}
        self.parse_reuse_seconds = PARSE_REUSE_SECONDS
        data = paths.resources_dir() / "data"
        self.responses = Responses.load(data / "responses.json", seed)
        self.knowledge = KnowledgeBase([data / "knowledge", self.config_dir / "knowledge"], self._embed)
        self._encoder = None
        skills: list[Skill] = [TimerSkill(), AlarmSkill(), ReminderSkill(), ListSkill(), NoteSkill(),
                               CalculatorSkill(), ConverterSkill(), AppSkill(), WebSearchSkill(),
                               MediaSkill(), VolumeSkill(), SystemSkill()]
        skills.append(ConversationSkill(Jokes(data / "jokes.txt", seed), skills))
        self.policy = Policy(skills, self._knowledge_answer)
        self.state = DialogueState.from_json(self.store.load_state(STATE_KEY))
        self._turn_lock = threading.Lock()
        self._listeners: list[Callable[[Alert], None]] = []
        self._ringing: dict[int, Alert] = {}
        self._rang_reminder: deque[int] = deque(maxlen=1)  # the scheduler's thread adds, turns take
        self.scheduler = Scheduler(self.store, self._on_event)
        self.missed: list[Alert] = []

    # --- life cycle --------------------------------------------------------------------
    def start(self) -> list[Alert]:
        """Start firing alerts; returns those missed while the assistant was closed."""
        missed = self.scheduler.start()
        self.missed = [self._alert(e, True) for e in missed]
        return self.missed

    def close(self) -> None:
        self.scheduler.stop()
        self.store.close()

    def __enter__(self) -> "Assistant":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def add_listener(self, listener: Callable[[Alert], None]) -> None:
        self._listeners.append(listener)

    # --- turns ---------------------------------------------------------------------------
    def handle_text(self, text: str, parser: Parser | None = None) -> Response:
        """One typed turn, or a transcribed one read by `parser` (the one for speech)."""
        text = (text or "")[:MAX_INPUT_CHARS * 10]
        with self._turn_lock:
            while self._rang_reminder:  # "remind me again in 10 minutes" means the one that rang
                self.state.last_event_id = self._rang_reminder.popleft()
            if not text.strip():
                return Response(self.responses.say("empty"), self.state.awaiting, (),
                                Interpretation("", "out_of_scope", 1.0, {}))
            interpretation = self.parse(text, parser)
            ctx = self._context(interpretation.text)
            response = self.policy.step(interpretation, self.state, ctx)
            try:
                self.store.record_turn(interpretation.text, response.reply, interpretation.intent,
                                       response.to_json(), STATE_KEY, self.state.to_json())
            except Exception as error:  # the reply still reaches the user
                log.error("could not save the turn: %s", error)
            return response

    def sounds_complete(self, text: str, parser: Parser | None = None) -> bool:
        """Whether a partial transcript is a whole request, so listening may end at a short pause."""
        from .dialogue.completeness import sounds_complete

        return sounds_complete(self.parse(text, parser), self.state.awaiting)

    @property
    def speech_parser(self) -> Parser:
        """The parser for transcribed speech (`nlu.parser.speech_model_dir`: trained also on
        what the recognizer hears), loaded on first use; the typed one where it is the same."""
        with self._loading_speech_parser:
            if self._speech_parser is None:
                folder = speech_model_dir()
                self._speech_parser = (self.parser if folder == default_model_dir()
                                       else Parser.from_pretrained(folder))
            return self._speech_parser

    def parse(self, text: str, parser: Parser | None = None) -> Interpretation:
        """`parser`'s reading (default: the typed one), remembered for `parse_reuse_seconds`:
        a spoken request is judged whole on the very words that then make the turn."""
        return self.parse_batch([text], parser)[0]

    def parse_batch(self, texts: Sequence[str],
                    parser: Parser | None = None) -> list[Interpretation]:
        """`parse` of several texts, those not remembered parsed in one batch."""
        parser = parser or self.parser
        now = monotonic()
        remembered = {key: entry for key, entry in self._parsed.items()
                      if now - entry[0] < self.parse_reuse_seconds}
        missing = [text for text in dict.fromkeys(texts) if (parser, text) not in remembered]
        for text, interpretation in zip(missing, parser.parse_batch(missing) if missing else ()):
            remembered[(parser, text)] = (now, interpretation)
        self._parsed = remembered
        return [remembered[(parser, text)][1] for text in texts]

    def _context(self, utterance: str) -> SkillContext:
        return SkillContext(self.store, self.responses, self.state, self.settings, utterance,
                            on_schedule_change=self.scheduler.changed,
                            stop_ringing=self.stop_ringing)

    def _knowledge_answer(self, interpretation: Interpretation) -> Outcome | None:
        """The answer of the knowledge base or of a note of the user's, when either is good."""
        if not any(ch.isalpha() for ch in interpretation.text):
            return None
        try:
            answer = self.knowledge.answer(interpretation.text, self.settings.knowledge_min_score)
        except Exception:
            log.exception("knowledge base lookup failed")
            answer = None
        note = self._find_note(interpretation.text)
        if note and (answer is None or note[1] >= answer.score):  # the user's own note, if as close
            return Outcome(self.responses.say("note.found", text=note[0]), ({"type": "note.found", "text": note[0]},))
        if not answer:
            return None
        return Outcome(answer.answer, ({"type": "knowledge.answer", "question": answer.question,
                                        "score": round(answer.score, 3), "source": answer.source.name},))

    def _find_note(self, question: str) -> tuple[str, float] | None:
        """A note of the user's that answers the question, and how close it is."""
        try:
            notes = [text for text, _ in self.store.notes(limit=500)]
            # "where did I park" asks about the user's own life, which only their notes know:
            # such a question may be a little further from the note that answers it
            least = self.settings.knowledge_min_score - (0.1 if about_the_asker(question) else 0.0)
            return find_note(question, notes, self._embed, least)
        except Exception:
            log.exception("note lookup failed")
            return None

    def _embed(self, texts: list[str]):
        if self._encoder is None:
            from nlu.embeddings import SentenceEncoder

            self._encoder = SentenceEncoder()
        return self._encoder.encode(texts)

    # --- alerts --------------------------------------------------------------------------
    def _alert(self, event: ScheduledEvent, missed: bool) -> Alert:
        when = format_moment(dt.datetime.fromtimestamp(event.due_at))
        if event.kind == "timer":
            key = "alert.timer_missed" if missed else "alert.timer"
            message = self.responses.say(key, name=timer_name(event), when=when,
                                         duration=format_duration(event.seconds or 0))
        elif event.kind == "alarm":
            message = self.responses.say("alert.alarm_missed" if missed else "alert.alarm", when=when)
        else:
            message = self.responses.say("alert.reminder_missed" if missed else "alert.reminder",
                                         task=event.label, when=when)
        return Alert(event.id, event.kind, event.label, message, missed, event.due_at)

    def _on_event(self, event: ScheduledEvent, missed: bool) -> None:
        alert = self._alert(event, missed)
        if not missed:
            self._ringing[alert.id] = alert
            if event.kind == "reminder":  # the next turn takes it up: turns own the state
                self._rang_reminder.append(event.id)
        for listener in list(self._listeners):
            try:
                listener(alert)
            except Exception:
                log.exception("alert listener failed")

    def ringing(self) -> list[Alert]:
        return list(self._ringing.values())

    def stop_ringing(self) -> list[int]:
        """Silence every ringing alert; returns their ids."""
        stopped = list(self._ringing)
        self._ringing.clear()
        return stopped

    def missed_summary(self) -> str | None:
        if not self.missed:
            return None
        return self.responses.say("alert.missed_summary", count=len(self.missed),
                                  items=join_words([a.message for a in self.missed]))
