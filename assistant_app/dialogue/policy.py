"""The dialogue policy: from an interpretation and the state, decide what to do and say.

Frame-based: a request missing a required slot keeps its frame open and asks for
the slot; a yes/no question keeps it open until confirmed; unsure interpretations
are confirmed or answered from the knowledge base instead of being acted on."""
from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import replace
from typing import Callable

from nlu.normalize import parse_date, parse_duration, parse_level, parse_time
from nlu.normalize.numbers import words_to_digits
from nlu.types import Interpretation

from ..skills.base import Outcome, Skill, SkillContext
from .language import other_language
from .state import DialogueState, Frame, Response

log = logging.getLogger(__name__)

# Intents that change something: confirmed first when the NLU is unsure.
ACTIONS = {"timer.set", "timer.cancel", "alarm.set", "alarm.cancel", "reminder.set", "reminder.cancel",
           "list.add", "list.remove", "note.create", "app.open", "web.search", "media.play",
           "media.pause", "media.next", "media.previous", "volume.set", "volume.up", "volume.down",
           "volume.mute"}
# An answer to "when?" may name a time, a date or a delay.
COMPATIBLE_SLOTS = {"time": ("time", "date", "duration"), "duration": ("duration",), "level": ("level",)}
TYPED_SLOTS = {"time", "date", "duration", "level"}
# Intents whose words could well be the free text just asked for ("buy milk", "play jazz").
CONTENT_INTENTS = {"out_of_scope", "list.add", "list.remove", "note.create", "reminder.set",
                   "web.search", "media.play", "app.open"}
NEW_COMMAND_CONFIDENCE = 0.95
# An answer to "what time?" is a delay only when it says so ("in 20 minutes"); "7:15" is a clock time.
_DELAY_WORDS = re.compile(r"\b(?:sec(?:ond)?s?|min(?:ute)?s?|h(?:ou)?rs?|hours?|days?|weeks?)\b", re.I)
REQUEST = "_request"  # frame slot holding the request's own words while "did you mean ...?" is asked
# The words an answer to "when?", "how long?" or "what level?" is made of; anything else is more.
_WHEN_WORDS = re.compile(
    r"\b(?:at|in|on|for|by|around|about|a|an|the|and|of|half|quarter|past|to|till|after|before|"
    r"o'?clock|[ap]\.? ?m\.?|noon|midday|midnight|morning|afternoon|evening|night|tonight|today|"
    r"tomorrow|next|this|coming|week|weekend|month|year|secs?|seconds?|mins?|minutes?|hrs?|hours?|"
    r"days?|weeks?|percent|st|nd|rd|th|please|um+|uh+|er+|ok(?:ay)?|yes|yeah|so|well|make it|say|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|january|february|march|april|may|june|july|"
    r"august|september|october|november|december)\b", re.I)
_ANSWER_FILLER = re.compile(r"^(?:(?:um+|uh+|er+|well|ok(?:ay)?|so|yes|yeah|please|just|it's|it is|"
                            r"call it|make it|add|put|to|about|that|for|the|say|it should say)\b[\s,]*)+", re.I)


# "another one" after a joke: the same again, not the next track or a repeat of that joke.
_ANOTHER = re.compile(r"^(?:(?:tell me |give me |ok(?:ay)?,? )?another(?: one| joke)?|one more(?: joke)?|more)"
                      r"(?: please)?[.!]?$", re.I)
# "actually, make that 7", "no, change it to 8:30", "make it 15 minutes instead": a new time or
# length for the timer, alarm or reminder the previous turn set.
_CORRECTION = re.compile(
    r"^(?:(?:actually|no|sorry|oops|wait|hmm|oh|um+|uh+)[\s,]+)*(?:make (?:that|it)|change (?:that|it) to|"
    r"move (?:that|it) to|set (?:that|it) (?:to|for)|(?:i meant|i mean|no)\s*,?(?: at| for)?)\s+(.+?)"
    r"(?:,?\s+instead)?(?:,?\s+please)?[.!]?$", re.I)
_SETTERS = ("timer.set", "alarm.set", "reminder.set")
_CORRECTABLE = _SETTERS + ("timer.query", "alarm.query", "reminder.query")
"""After these, "make it 7" changes the one event the turn set or told of."""
_HOW_TO = re.compile(r"^\s*how (?:do|can|would|should|could) (?:i|you|we)\b", re.I)
_MORE_OF_THE_SAME = re.compile(r"^(?:oh,?\s+)?(?:and|also|plus|and also)\s+(.+?)(?:\s+too|\s+as well)?[.!]?$", re.I)


def _leading_question(interpretation: Interpretation) -> bool:
    """A question (nothing is done by answering it) that the parser is unsure of but reads
    as clearly likelier (by half again) than anything else: worth answering when no written
    answer fits."""
    intent, runner_up = interpretation.intent, max((p for _, p in interpretation.alternatives), default=0.0)
    return (intent != "out_of_scope" and intent not in ACTIONS and not intent.startswith("dialog.")
            and interpretation.confidence >= 1.5 * runner_up)


def answer_text(text: str) -> str:
    """The content of a short answer: "um, to water the plants." -> "water the plants"."""
    return _ANSWER_FILLER.sub("", text.strip()).strip(" .!?,")


def said_date(text: str, now: dt.datetime | None = None) -> dt.date | None:
    """The day an answer names; a bare number ("7", to "what time?") names an hour, not the 7th."""
    return parse_date(text, now) if re.search(r"[^\W\d_]{3,}", text) else None


def clock_time(text: str, day: dt.date | None, now: dt.datetime | None = None) -> dt.datetime | None:
    """The moment a time answer names on `day` (its day words already read into `day`)."""
    return parse_time(re.sub(r"\b(?:today|tomorrow|tonight)\b", "", text), day, now)


def frame_day(frame: Frame) -> dt.date | None:
    """The day the frame already holds ("tomorrow", said before the time)."""
    given = frame.slots.get("date")
    return dt.date.fromisoformat(given) if isinstance(given, str) else None


class Policy:
    def __init__(self, skills: list[Skill],
                 knowledge: Callable[[Interpretation], Outcome | None] = lambda interpretation: None) -> None:
        """`knowledge` answers from the user's knowledge base (or notes), or returns None."""
        self.skills = {intent: skill for skill in skills for intent in skill.intents}
        self.knowledge = knowledge

    def step(self, interpretation: Interpretation, state: DialogueState, ctx: SkillContext) -> Response:
        """Handle one turn; `state` is updated in place."""
        state.expire()
        if state.last_intent == "joke" and state.pending is None and _ANOTHER.match(interpretation.text.strip()):
            interpretation = replace(interpretation, intent="joke", confidence=1.0)  # sure, from context
        intent = interpretation.intent
        if intent == "dialog.repeat":
            reply = state.last_reply or ctx.say("repeat.nothing")
            return Response(reply, state.awaiting, (), interpretation)
        outcome = None
        if intent == "dialog.stop":
            stopped = ctx.stop_ringing()
            outcome = Outcome(ctx.say("stop.ringing" if stopped else "stop.quiet"),
                              tuple({"type": "alert.stopped", "id": i} for i in stopped) + ({"type": "speech.stop"},))
        elif state.pending is not None:
            outcome = self._continue(interpretation, state, ctx)
        elif state.last_intent in _CORRECTABLE and (correction := _CORRECTION.match(interpretation.text.strip())):
            outcome = self._correct(correction.group(1), state, ctx)
            if outcome is not None:  # the turn is the earlier request, set again
                interpretation = replace(interpretation, intent=state.last_intent.replace(".query", ".set"),
                                         slots={})
        if outcome is None:
            outcome = self._new_request(interpretation, state, ctx)
        return self._finish(outcome, interpretation, state)

    def _finish(self, outcome: Outcome, interpretation: Interpretation, state: DialogueState) -> Response:
        if outcome.ask and outcome.frame is not None:
            state.ask(outcome.frame, outcome.ask)
        else:
            state.clear_pending()
        state.last_reply = outcome.reply
        state.last_intent = interpretation.intent
        skill = self.skills.get(interpretation.intent)
        state.last_topic = skill.name if skill else state.last_topic
        awaiting = outcome.ask if outcome.frame is not None else None
        return Response(outcome.reply, awaiting, outcome.actions, interpretation)

    def run(self, frame: Frame, ctx: SkillContext) -> Outcome:
        skill = self.skills.get(frame.intent)
        if skill is None:
            return Outcome(ctx.say("fallback.unknown"))
        try:
            return skill.handle(frame, ctx)
        except Exception:  # one broken skill must not take the conversation down
            log.exception("skill %s failed on %s", skill.name, frame)
            return Outcome(ctx.say("error.skill", skill=skill.name))

    def _continue(self, interpretation: Interpretation, state: DialogueState, ctx: SkillContext
                  ) -> Outcome | None:
        """Use this turn as the answer to the open question, or return None if it is a new request."""
        frame, awaiting, intent = state.pending, state.awaiting, interpretation.intent
        assert frame is not None
        if awaiting == "confirm":
            state.clear_pending()
            if intent == "dialog.confirm":  # the skill hears the request ("cancel all timers"), not "yes"
                request = replace(ctx, utterance=frame.slots.get(REQUEST, ctx.utterance))
                return self.run(Frame(frame.intent, frame.slots, frame.texts, confirmed=True), request)
            if intent in ("dialog.deny", "dialog.cancel"):
                return Outcome(ctx.say("confirm.denied"))
            return None
        if intent in ("dialog.cancel", "dialog.deny"):
            state.clear_pending()
            return Outcome(ctx.say("cancelled"))
        skill = self.skills.get(frame.intent)
        if interpretation.intent == "out_of_scope" and skill is not None:
            own = skill.answer_unparsed(frame, awaiting or "", interpretation, ctx)
            if own is not None:
                return own
        if self._changes_subject(frame, awaiting or "", interpretation):
            state.clear_pending()
            return None
        filled = self._fill(frame, awaiting or "", interpretation)
        if filled is not None:
            state.clear_pending()
            return self.run(filled, ctx)
        if intent not in ("out_of_scope", frame.intent) and \
                interpretation.confidence >= ctx.settings.confirm_below:
            state.clear_pending()
            return None
        return Outcome(ctx.say(f"retry.{awaiting}") if f"retry.{awaiting}" in ctx.responses.templates
                       else ctx.say("retry"), ask=awaiting, frame=frame)

    @staticmethod
    def _changes_subject(frame: Frame, awaiting: str, interpretation: Interpretation) -> bool:
        """An answer is taken as it is, unless it is plainly a new command: "what time is it"
        to "What should I remind you about?", or "what's 10 divided by 2" to "When?", which
        says more than a time would (it holds a number, so it would read as 10 o'clock)."""
        if interpretation.intent == frame.intent or interpretation.confidence < NEW_COMMAND_CONFIDENCE:
            return False
        if awaiting in TYPED_SLOTS:
            return bool(re.search(r"[^\W\d_]", _WHEN_WORDS.sub(" ", words_to_digits(interpretation.text))))
        return interpretation.intent not in CONTENT_INTENTS

    def _fill(self, frame: Frame, awaiting: str, interpretation: Interpretation) -> Frame | None:
        """The pending frame with the awaited slot taken from this answer, if it holds one."""
        names = COMPATIBLE_SLOTS.get(awaiting, (awaiting,))
        # a typed slot counts only when it was normalised (its value is no longer its words)
        found = [n for n in names if n in interpretation.slots and
                 (n not in TYPED_SLOTS or interpretation.slots[n].value != interpretation.slots[n].text)]
        if found:
            for name in found:
                slot = interpretation.slots[name]
                frame = frame.with_slot(name, slot.value, slot.text)
            day = frame_day(frame)
            if "time" in found and "date" not in found and day is not None:
                # "tomorrow", then "at 6:30": the time on the day already given, not the next 6:30
                moment = parse_time(interpretation.slots["time"].text, day)
                frame = frame.with_slot("time", moment.isoformat(), frame.texts["time"]) if moment else frame
            return frame
        text = answer_text(interpretation.text)
        if not text:
            return None
        if awaiting in TYPED_SLOTS:
            return self._fill_typed(frame, awaiting, text)
        return frame.with_slot(awaiting, text, text)

    @staticmethod
    def _fill_typed(frame: Frame, awaiting: str, text: str) -> Frame | None:
        if awaiting == "level":
            level = parse_level(text)
            return None if level is None else frame.with_slot("level", level, text)
        seconds = parse_duration(text)
        if seconds is not None and (awaiting != "time" or _DELAY_WORDS.search(text)):
            return frame.with_slot("duration", seconds, text)
        if awaiting == "time":
            said_day = said_date(text)
            day = said_day or frame_day(frame)  # "tomorrow", then "7:15": 7:15 tomorrow
            moment = clock_time(text, day)
            if moment is not None:
                frame = frame.with_slot("time", moment.isoformat(), text)
                return frame.with_slot("date", day.isoformat(), text) if day else frame
            if said_day is not None:
                return frame.with_slot("date", said_day.isoformat(), text)
        return None

    def fallback(self, interpretation: Interpretation, ctx: SkillContext) -> Outcome:
        """Out of scope: answer from the knowledge base, else say honestly what I can do."""
        answer = self.knowledge(interpretation)
        if answer is not None:
            return answer
        help_skill = self.skills.get("help")  # "how do I set a reminder", read unsure of itself
        if help_skill is not None and _HOW_TO.match(interpretation.text):
            helped = help_skill.topic_help(interpretation.text, ctx)
            if helped:
                return helped
        if other_language(interpretation.text):
            return Outcome(ctx.say("fallback.other_language"))
        return Outcome(ctx.say("fallback", examples=ctx.phrase("capabilities")))

    def _new_request(self, interpretation: Interpretation, state: DialogueState, ctx: SkillContext) -> Outcome:
        intent = interpretation.intent
        unsure = intent == "out_of_scope" or interpretation.confidence < ctx.settings.reject_below
        more = _MORE_OF_THE_SAME.match(interpretation.text)
        if unsure and more and state.last_topic == "lists":  # "and eggs" after adding to a list
            item = more.group(1)
            return self.run(Frame("list.add", {"item": item}, {"item": item}), ctx)
        if unsure and _leading_question(interpretation):  # "how many days until christmas", read unsure
            return self.knowledge(interpretation) or self.run(Frame.from_interpretation(interpretation), ctx)
        if unsure:
            return self.fallback(interpretation, ctx)
        if intent in ("dialog.confirm", "dialog.deny"):
            return Outcome(ctx.say("confirm.nothing"))
        if intent == "dialog.cancel":
            return self._cancel_in_context(state, ctx)
        asked_knowledge = interpretation.confidence < ctx.settings.confirm_below and \
            intent not in ACTIONS and not intent.startswith("dialog.")
        if asked_knowledge:
            answer = self.knowledge(interpretation)  # an unsure read may be a question the user wrote down
            if answer is not None:
                return answer
        frame = Frame.from_interpretation(interpretation)
        skill = self.skills.get(intent)
        if intent in ACTIONS and interpretation.confidence < ctx.settings.confirm_below and \
                not (skill and skill.asks_first(frame, ctx)):
            return Outcome(ctx.say("confirm.unsure", request=ctx.phrase(f"describe.{intent}")),
                           ask="confirm", frame=frame.with_slot(REQUEST, interpretation.text, ""))
        outcome = self.run(frame, ctx)
        if outcome.puzzled and not asked_knowledge:  # not the same lookup twice in one turn
            return self.knowledge(interpretation) or outcome
        return outcome

    def _correct(self, said: str, state: DialogueState, ctx: SkillContext) -> Outcome | None:
        """Set again what the previous turn set, at the time or for the length now said, and
        cancel the first one; None when `said` names no time or length."""
        event = ctx.store.event(state.last_event_id) if state.last_event_id else None
        if event is None or event.status != "active" or event.kind != state.last_intent.partition(".")[0]:
            return None
        if event.kind == "timer":
            seconds = parse_duration(said)
            if not seconds:
                return None
            frame = Frame("timer.set", {"duration": seconds, "label": event.label},
                          {"duration": said, "label": event.label})
        else:
            was = dt.datetime.fromtimestamp(event.due_at)
            day = said_date(said, ctx.now())
            moment = clock_time(said, day or was.date(), ctx.now())
            if moment is None and day is None:
                return None
            moment = moment or dt.datetime.combine(day, was.time())
            slots = {"time": moment.isoformat(), "date": moment.date().isoformat()}
            if event.kind == "reminder":
                slots["task"] = event.label
            texts = {"time": said, **({"task": event.label} if "task" in slots else {})}
            frame = Frame(f"{event.kind}.set", slots, texts)
        ctx.store.set_event_status([event.id], "cancelled")  # first: an alarm at the new time is no duplicate
        outcome = self.run(frame, ctx)
        if not outcome.actions:  # not set (the new time has passed, ...): keep the first one
            ctx.store.restore_event(event.id)
            return outcome
        ctx.on_schedule_change()
        return replace(outcome, reply=ctx.say("corrected") + " " + outcome.reply,
                       actions=({"type": f"{event.kind}.cancelled", "id": event.id},) + outcome.actions)

    def _cancel_in_context(self, state: DialogueState, ctx: SkillContext) -> Outcome:
        """"Cancel it" with nothing pending: stop what rings, else cancel what the previous turn
        set or talked about. Only the previous turn: "never mind" ten turns after a reminder
        was set must not delete it."""
        stopped = ctx.stop_ringing()
        if stopped:
            return Outcome(ctx.say("stop.ringing"), tuple({"type": "alert.stopped", "id": i} for i in stopped))
        recent = ctx.store.event(state.last_event_id) if state.last_event_id else None
        if recent and recent.status == "active" and recent.kind == (state.last_intent or "").partition(".")[0]:
            return self.run(Frame(f"{recent.kind}.cancel", confirmed=True), ctx)
        return Outcome(ctx.say("cancel.nothing"))
