"""What every skill gets and gives back."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable

from nlu.types import Interpretation

from ..dialogue.responses import Responses
from ..dialogue.state import DialogueState, Frame
from ..settings import Settings
from ..storage import Store


@dataclass(frozen=True)
class Outcome:
    """A skill's answer: a reply, what it did, and maybe a question back."""

    reply: str
    actions: tuple[dict[str, Any], ...] = ()
    ask: str | None = None
    """A slot to ask for, or "confirm" for a yes/no question about `frame`."""
    frame: Frame | None = None
    """The frame to keep open while asking."""
    puzzled: bool = False
    """The skill could not make sense of the details ("which day is 'bin day'?"): an answer
    from the user's knowledge base, if it has one, serves better."""


@dataclass
class SkillContext:
    store: Store
    responses: Responses
    state: DialogueState
    settings: Settings
    utterance: str = ""
    clock: Callable[[], dt.datetime] = dt.datetime.now
    on_schedule_change: Callable[[], None] = lambda: None
    stop_ringing: Callable[[], list[int]] = list
    """Silences ringing alerts; returns their ids."""

    def say(self, key: str, **values: Any) -> str:
        return self.responses.say(key, **values)

    def phrase(self, key: str, **values: Any) -> str:
        return self.responses.phrase(key, **values)

    def now(self) -> dt.datetime:
        return self.clock()

    def mentions_all(self) -> bool:
        return bool(re.search(r"\b(all|every|everything|each)\b", self.utterance.lower()))

    def once_only(self, what: str) -> str:
        """A sentence to add when the request asks for a repeat ("every weekday"), which
        alarms and reminders cannot do yet: it happens once. Else ""."""
        repeating = re.search(r"\b(?:every|daily|weekdays|weekly|each (?:day|morning|evening|night|week))\b",
                              self.utterance.lower())
        return " " + self.say("repeat.unsupported", what=what) if repeating else ""


class Skill:
    """One area of things the assistant can do."""

    name: str = ""
    """Name used by help, e.g. "timers"."""
    summary: str = ""
    """What help says it does, e.g. "set, check and cancel timers"."""
    example: str = ""
    """An example request for help."""
    intents: tuple[str, ...] = ()

    def asks_first(self, frame: Frame, ctx: SkillContext) -> bool:
        """Whether handling `frame` starts with the skill's own yes/no question, or changes
        nothing at all (either then stands in for the policy's vaguer "did you mean ...?")."""
        return False

    def answer_unparsed(self, frame: Frame, awaiting: str, interpretation: Interpretation,
                        ctx: SkillContext) -> Outcome | None:
        """The skill's own reading of an answer to its question ("For how long?") that the
        parser found nothing in; None: the policy goes on as with any answer."""
        return None

    def handle(self, frame: Frame, ctx: SkillContext) -> Outcome:
        method = getattr(self, frame.intent.replace(".", "_"))
        return method(frame, ctx)
