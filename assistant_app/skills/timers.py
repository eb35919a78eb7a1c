"""Countdown timers, several at once, told apart by label."""
from __future__ import annotations

import re
import time

from rapidfuzz import fuzz

from nlu.normalize import parse_duration
from nlu.types import Interpretation

from ..dialogue.state import Frame
from ..formatting import format_duration, format_time_left, join_words
from ..storage import ScheduledEvent
from .base import Outcome, Skill, SkillContext
from .choosing import choose_events, confirm_first

MAX_TIMER_SECONDS = 7 * 86400
EXTEND = "_extend"  # frame slot: the request adds time to a running timer (kept while asking which)
# "add 2 minutes to the pasta timer", "give the eggs 3 more minutes", "another 5 minutes on it",
# "extend the timer by a minute": more time on a running timer, not a new one.
_UNITS = r"(?:minutes?|seconds?|hours?|mins?|secs?)"
_EXTENDING = re.compile(
    r"\b(?:extend|lengthen|prolong)\b"
    r"|\b(?:add|put|stick|give)\b.*\b(?:to|on|onto)\s+(?:the|my|that|this|it)\b(?!\s+(?:list|clock|calendar))"
    rf"|\b(?:more|extra)\s+{_UNITS}\b|\banother\s+(?:\w+\s+)?{_UNITS}\b|\b{_UNITS}\s+(?:more|longer)\b",
    re.I)

# "set a timer for 10 minutes and another one for 20": two timers in one request
_AND_ANOTHER = re.compile(r"\band (?:another(?: one)?|a second(?: one)?|one more)(?: timer)?\s+(?:for\s+)?(.+)$", re.I)

_PAUSING = re.compile(r"\b(?:pause|hold|freeze|suspend)\b", re.I)


def timer_name(event: ScheduledEvent) -> str:
    """"pasta timer", or "12-minute timer" for one without a label."""
    if event.label:
        return f"{event.label} timer"
    length = re.sub(r"\b(\d+) (second|minute|hour|day)s?\b", r"\1-\2", format_duration(event.seconds or 0))
    return f"{length} timer"


def match_label(events: list[ScheduledEvent], label: str | None) -> list[ScheduledEvent]:
    """Events whose label (or length, for unlabelled timers) matches what the user said."""
    if not label:
        return events
    label = label.lower().removesuffix(" timer").removesuffix(" one").strip()
    scored = [(max(fuzz.ratio(label, e.label.lower()), fuzz.partial_ratio(label, timer_name(e).lower())), e)
              for e in events]
    best = max((s for s, _ in scored), default=0)
    return [e for s, e in scored if s >= 80 and s == best]


class TimerSkill(Skill):
    name = "timers"
    summary = "set, check and cancel timers, several at once"
    example = "set a pasta timer for 8 minutes"
    intents = ("timer.set", "timer.cancel", "timer.query")

    def asks_first(self, frame: Frame, ctx: SkillContext) -> bool:
        # "pause the timer" read unsure as a cancel: the skill only says it cannot pause, no "did you mean"
        return frame.intent == "timer.cancel" and bool(_PAUSING.search(ctx.utterance))

    def answer_unparsed(self, frame: Frame, awaiting: str, interpretation: Interpretation,
                        ctx: SkillContext) -> Outcome | None:
        """"set a timer" - "For how long?" - "pizza": a bare name (one or two words) is the
        timer's label; the length is asked for again."""
        words = interpretation.text.strip(" .!?").split()
        if (frame.intent != "timer.set" or awaiting != "duration" or "label" in frame.slots
                or not 1 <= len(words) <= 2 or parse_duration(interpretation.text)
                or not all(w.isalpha() for w in words)):
            return None
        label = " ".join(words).lower().removesuffix(" timer")
        return Outcome(ctx.say("timer.ask_duration_named", label=label), ask="duration",
                       frame=frame.with_slot("label", label, label))

    def timer_set(self, frame: Frame, ctx: SkillContext) -> Outcome:
        seconds = frame.slots.get("duration")
        if isinstance(seconds, str) and ctx.utterance:  # a span cut short: "give it [5] more minutes"
            seconds = parse_duration(ctx.utterance) or seconds
        if not isinstance(seconds, (int, float)) or seconds <= 0:
            key = "timer.ask_duration" if "duration" not in frame.texts else "timer.bad_duration"
            return Outcome(ctx.say(key), ask="duration", frame=frame)
        if seconds > MAX_TIMER_SECONDS:
            return Outcome(ctx.say("timer.too_long"), ask="duration", frame=frame)
        running = ctx.store.active_events("timer")
        if running and (EXTEND in frame.slots or _EXTENDING.search(ctx.utterance)):
            return self._extend(frame, ctx, running, int(seconds))
        label = str(frame.slots.get("label", "")).strip().lower().removesuffix(" timer")
        event = ctx.store.add_event("timer", label, time.time() + seconds, int(seconds))
        actions = [{"type": "timer.started", "id": event.id, "seconds": int(seconds), "label": label or None}]
        key = "timer.set_labelled" if label else "timer.set"
        reply = ctx.say(key, duration=format_duration(seconds), label=label)
        second = self._second_length(frame, ctx.utterance)
        if second:
            event = ctx.store.add_event("timer", "", time.time() + second, second)
            actions.append({"type": "timer.started", "id": event.id, "seconds": second, "label": None})
            reply += " " + ctx.say("timer.set_another", duration=format_duration(second))
        ctx.on_schedule_change()
        ctx.state.last_event_id = event.id
        return Outcome(reply, tuple(actions))

    @staticmethod
    def _second_length(frame: Frame, utterance: str) -> int | None:
        """The length of a second timer asked for in the same breath ("... and another for 20
        minutes"), when the first one's length was said before it."""
        second = _AND_ANOTHER.search(utterance)
        said = frame.texts.get("duration", "")
        if not second or not said or utterance.find(said) >= second.start():
            return None
        seconds = parse_duration(second.group(1))
        return int(seconds) if seconds and 0 < seconds <= MAX_TIMER_SECONDS else None

    def _extend(self, frame: Frame, ctx: SkillContext, running: list[ScheduledEvent], seconds: int) -> Outcome:
        label = frame.slots.get("label")
        named = (lambda events: match_label(events, str(label))) if label else None
        chosen, how = choose_events(frame, ctx, running, named)
        if how == "ambiguous" or len(chosen) > 1:
            names = join_words([timer_name(t) for t in chosen or running], "or")
            return Outcome(ctx.say("timer.which", names=names), ask="label",
                           frame=frame.with_slot(EXTEND, True, ""))
        if not chosen:
            names = join_words([timer_name(t) for t in running])
            return Outcome(ctx.say("timer.not_found", label=frame.texts.get("label", "")) + " " +
                           ctx.say("timer.running", names=names))
        extended = ctx.store.extend_event(chosen[0].id, seconds)
        if extended is None:  # it rang in the meantime
            return Outcome(ctx.say("timer.not_found", label=timer_name(chosen[0])))
        ctx.on_schedule_change()
        ctx.state.last_event_id = extended.id
        left = format_time_left(extended.due_at - time.time())
        return Outcome(ctx.say("timer.extended", added=format_duration(seconds), name=timer_name(extended),
                               left=left),
                       ({"type": "timer.extended", "id": extended.id, "seconds": seconds},))

    def timer_cancel(self, frame: Frame, ctx: SkillContext) -> Outcome:
        timers = ctx.store.active_events("timer")
        if not timers:
            return Outcome(ctx.say("timer.none"))
        label = frame.slots.get("label")
        named = (lambda events: match_label(events, str(label))) if label else None
        chosen, how = choose_events(frame, ctx, timers, named)
        if _PAUSING.search(ctx.utterance) and not frame.confirmed:  # a pause is no cancel
            shown = chosen[0] if len(chosen) == 1 else timers[0]
            return Outcome(ctx.say("timer.no_pause", name=timer_name(shown),
                                   left=format_time_left(shown.due_at - time.time())))
        if how == "ambiguous":
            names = join_words([timer_name(t) for t in timers], "or")
            return Outcome(ctx.say("timer.which", names=names), ask="label", frame=frame)
        if not chosen:
            return Outcome(ctx.say("timer.not_found", label=frame.texts.get("label", "")))
        if len(chosen) > 1 and not frame.confirmed:
            return confirm_first(frame, chosen, ctx.say("timer.confirm_cancel_all", count=len(chosen)))
        ctx.store.set_event_status([t.id for t in chosen], "cancelled")
        ctx.on_schedule_change()
        actions = tuple({"type": "timer.cancelled", "id": t.id} for t in chosen)
        if len(chosen) == 1:
            return Outcome(ctx.say("timer.cancelled", name=timer_name(chosen[0])), actions)
        return Outcome(ctx.say("timer.cancelled_all", count=len(chosen)), actions)

    def timer_query(self, frame: Frame, ctx: SkillContext) -> Outcome:
        every = ctx.store.active_events("timer")
        timers = match_label(every, frame.slots.get("label"))
        if not every:
            return Outcome(ctx.say("timer.none"))
        missing = "" if timers else ctx.say("timer.not_found", label=frame.texts.get("label", "")) + " "
        timers = timers or every  # "how long on the eggs" with only a tea timer: say what there is
        now = time.time()
        parts = [f"{format_time_left(t.due_at - now)} left on your {timer_name(t)}" for t in timers]
        ctx.state.last_event_id = timers[0].id
        return Outcome(missing + (ctx.say("timer.status", status=join_words(parts)) if len(parts) > 1 else
                                  parts[0][0].upper() + parts[0][1:] + "."))
