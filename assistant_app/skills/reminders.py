"""Reminders about a task, at a time, on a date or after a delay."""
from __future__ import annotations

import datetime as dt
import re

from rapidfuzz import fuzz

from nlu.normalize import part_of_day

from ..dialogue.state import Frame
from ..formatting import format_moment, join_words
from ..storage import ScheduledEvent
from .alarms import as_date, as_datetime, days_meant, moment_of, none_found, on_days
from .base import Outcome, Skill, SkillContext
from .choosing import choose_events, confirm_first

MORNING = dt.time(9, 0)  # a reminder "on Friday" with no time is for the morning
PART_OF_DAY_TIMES = {"morning": MORNING, "afternoon": dt.time(15, 0), "evening": dt.time(18, 0),
                     "night": dt.time(20, 0)}
"""A date said with a part of the day ("tonight", "tomorrow afternoon") and no clock time."""
LUNCH = dt.time(12, 0)


def clean_task(task: str) -> str:
    """Speak the task back in the user's own person: "call my mom" -> "call your mom"."""
    task = re.sub(r"^(?:to|that|about)\s+", "", task.strip(" .!?"), flags=re.I)
    swaps = {"my": "your", "me": "you", "i": "you", "i'm": "you're", "myself": "yourself", "mine": "yours"}
    return " ".join(swaps.get(w.lower(), w) for w in task.split())


def reminder_moment(frame: Frame, now: dt.datetime) -> dt.datetime | None:
    seconds = frame.slots.get("duration")
    if isinstance(seconds, (int, float)) and seconds > 0:
        return now + dt.timedelta(seconds=seconds)
    moment = as_datetime(frame.slots.get("time"))
    if moment is not None:
        return moment
    day = as_date(frame.slots.get("date"))
    if day is not None:
        said = frame.texts.get("date", "")
        part = part_of_day(said)
        at = PART_OF_DAY_TIMES[part] if part else LUNCH if re.search(r"\blunch\b", said, re.I) else MORNING
        moment = dt.datetime.combine(day, at)
        return moment if moment > now else now + dt.timedelta(hours=1)
    return None


def match_task(reminders: list[ScheduledEvent], task: str) -> list[ScheduledEvent]:
    task = clean_task(task).lower()
    scored = [(fuzz.partial_ratio(task, r.label.lower()), r) for r in reminders]
    best = max((s for s, _ in scored), default=0)
    return [r for s, r in scored if s >= 75 and s == best]


class ReminderSkill(Skill):
    name = "reminders"
    summary = "remind you of things at a time or after a while"
    example = "remind me to call mom at 5 pm"
    intents = ("reminder.set", "reminder.query", "reminder.cancel")

    def reminder_set(self, frame: Frame, ctx: SkillContext) -> Outcome:
        task = clean_task(str(frame.slots.get("task", ""))) or self._task_meant(ctx)
        if not task:
            return Outcome(ctx.say("reminder.ask_task"), ask="task", frame=frame)
        now = ctx.now()
        moment = reminder_moment(frame, now)
        if moment is None:
            key = "reminder.ask_time" if not ({"time", "date", "duration"} & set(frame.texts)) \
                else "reminder.bad_time"
            return Outcome(ctx.say(key, task=task), ask="time", frame=frame)
        if moment <= now:
            return Outcome(ctx.say("reminder.in_past", when=format_moment(moment, now)), ask="time",
                           frame=Frame(frame.intent, {"task": frame.slots["task"]}, {"task": task}))
        event = ctx.store.add_event("reminder", task, moment.timestamp())
        ctx.on_schedule_change()
        ctx.state.last_event_id = event.id
        return Outcome(ctx.say("reminder.set", task=task, when=format_moment(moment, now))
                       + ctx.once_only("reminders"),
                       ({"type": "reminder.set", "id": event.id, "at": moment.isoformat(), "task": task},))

    @staticmethod
    def _task_meant(ctx: SkillContext) -> str:
        """"Remind me about it again at 6", or "remind me again in 10 minutes" when one rang: the
        task of the reminder just set, talked about or rung."""
        if not re.search(r"\b(?:it|that|this|again)\b", ctx.utterance, re.I):
            return ""
        event = ctx.store.event(ctx.state.last_event_id) if ctx.state.last_event_id else None
        return event.label if event and event.kind == "reminder" else ""  # also one that has rung

    def reminder_query(self, frame: Frame, ctx: SkillContext) -> Outcome:
        every = ctx.store.active_events("reminder")
        reminders = on_days(every, days_meant(frame, ctx.now().date()))
        if not reminders:
            return none_found("reminder", frame, ctx, bool(every))
        if len(reminders) == 1:  # "move it to 7" then means this one
            ctx.state.last_event_id = reminders[0].id
        now = ctx.now()
        items = join_words([f"{r.label} at {format_moment(moment_of(r), now)}" for r in reminders[:10]])
        return Outcome(ctx.say("reminder.list", count=len(reminders), items=items,
                               s="" if len(reminders) == 1 else "s"))

    def reminder_cancel(self, frame: Frame, ctx: SkillContext) -> Outcome:
        reminders = ctx.store.active_events("reminder")
        if not reminders:
            return Outcome(ctx.say("reminder.none"))
        task = frame.slots.get("task")
        named = (lambda events: match_task(events, str(task))) if task else None
        chosen, how = choose_events(frame, ctx, reminders, named)
        if how == "ambiguous":
            names = join_words([r.label for r in reminders[:5]], "or")
            return Outcome(ctx.say("reminder.which", names=names), ask="task", frame=frame)
        if not chosen:
            return Outcome(ctx.say("reminder.not_found", task=clean_task(str(task))))
        several = "_all" if len(chosen) > 1 else ""
        if not frame.confirmed:  # deleting a reminder loses what the user asked to remember
            names = join_words([("to " if several else "") + r.label for r in chosen[:5]])
            return confirm_first(frame, chosen, ctx.say(f"reminder.confirm_cancel{several}", names=names,
                                                        count=len(chosen)))
        ctx.store.set_event_status([r.id for r in chosen], "cancelled")
        ctx.on_schedule_change()
        return Outcome(ctx.say(f"reminder.cancelled{several}", names=join_words([r.label for r in chosen[:5]]),
                               count=len(chosen)),
                       tuple({"type": "reminder.cancelled", "id": r.id} for r in chosen))
