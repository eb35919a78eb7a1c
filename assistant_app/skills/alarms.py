"""Alarms at a clock time."""
from __future__ import annotations

import datetime as dt
import re

from ..dialogue.state import Frame
from ..formatting import format_date, format_duration, format_moment, join_words
from ..storage import ScheduledEvent
from .base import Outcome, Skill, SkillContext
from .choosing import choose_events, confirm_first


def as_datetime(value: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def as_date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def moment_of(event: ScheduledEvent) -> dt.datetime:
    return dt.datetime.fromtimestamp(event.due_at)


def days_meant(frame: Frame, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The days the frame's date covers, first included, last not: one day, or the whole
    week, weekend or month the user named ("next week" arrives as one day of it)."""
    words, day = frame.texts.get("date", "").lower(), as_date(frame.slots.get("date"))
    base = day or today  # "this week" may come without a date
    if "weekend" in words:
        start = day or today + dt.timedelta(days=(5 - today.weekday()) % 7)
        return start, start + dt.timedelta(days=2)
    if "week" in words:
        start = base - dt.timedelta(days=base.weekday())
        return start, start + dt.timedelta(days=7)
    if "month" in words:
        start = base.replace(day=1)
        return start, (start + dt.timedelta(days=32)).replace(day=1)
    return (day, day + dt.timedelta(days=1)) if day else None


def on_days(events: list[ScheduledEvent], days: tuple[dt.date, dt.date] | None) -> list[ScheduledEvent]:
    """The events due on `days` (first included, last not); all of them for None."""
    return events if days is None else [e for e in events if days[0] <= moment_of(e).date() < days[1]]


def spoken_days(frame: Frame, today: dt.date) -> str:
    """The days meant as a reply says them: "next week", "tomorrow", "on Friday"."""
    days = days_meant(frame, today)
    if days is None:
        return ""
    if days[1] - days[0] > dt.timedelta(days=1):
        return frame.texts.get("date", "").lower()
    named = format_date(days[0], today)
    return named if named in ("today", "tomorrow", "yesterday") else f"on {named}"


def none_found(kind: str, frame: Frame, ctx: SkillContext, any_at_all: bool) -> Outcome:
    """"You don't have any reminders tomorrow", or, with none on any day, that there are none;
    and what there is of the other kind on those days ("what have I got tomorrow" is either)."""
    now = ctx.now()
    today = now.date()
    when = spoken_days(frame, today) if any_at_all else ""
    reply = ctx.say(f"{kind}.none_when", when=when) if when else ctx.say(f"{kind}.none")
    other = "reminder" if kind == "alarm" else "alarm"
    others = on_days(ctx.store.active_events(other), days_meant(frame, today))
    if others:
        what = join_words([(f"{e.label} at " if e.label and other == "reminder" else "")
                           + format_moment(moment_of(e), now) for e in others[:5]])
        reply += " " + ctx.say(f"{kind}.none_but_{other}s", count=len(others), items=what,
                               s="" if len(others) == 1 else "s")
    return Outcome(reply)


def filter_by_when(events: list[ScheduledEvent], frame: Frame,
                   today: dt.date | None = None) -> list[ScheduledEvent]:
    """Events at the frame's time (clock time, any day) and/or on the days it names."""
    when = as_datetime(frame.slots.get("time"))
    if when is not None:
        events = [e for e in events if moment_of(e).time() == when.time()] or \
                 [e for e in events if moment_of(e).hour % 12 == when.hour % 12 and
                  moment_of(e).minute == when.minute]
    return on_days(events, days_meant(frame, today or dt.date.today()))


_NEXT_ONE = re.compile(r"\bhow (?:long|much time|many hours)\b|\bnext (?:alarm|one)\b|"
                       r"\bwhen(?:'s| is| will| does) (?:my|the) (?:next )?alarm\b", re.I)


class AlarmSkill(Skill):
    name = "alarms"
    summary = "set, list and remove alarms"
    example = "wake me up at 6:30 tomorrow"
    intents = ("alarm.set", "alarm.cancel", "alarm.query")

    def alarm_set(self, frame: Frame, ctx: SkillContext) -> Outcome:
        moment = as_datetime(frame.slots.get("time"))
        seconds = frame.slots.get("duration")
        if moment is None and isinstance(seconds, (int, float)) and seconds > 0:  # "in 20 minutes"
            moment = (ctx.now() + dt.timedelta(seconds=seconds)).replace(microsecond=0)
        if moment is None:
            key = "alarm.ask_time" if "time" not in frame.texts else "alarm.bad_time"
            return Outcome(ctx.say(key), ask="time", frame=frame)
        now = ctx.now()
        if moment <= now:
            return Outcome(ctx.say("alarm.in_past", when=format_moment(moment, now)), ask="time",
                           frame=Frame(frame.intent))
        for existing in ctx.store.active_events("alarm"):
            if abs(existing.due_at - moment.timestamp()) < 30:
                return Outcome(ctx.say("alarm.exists", when=format_moment(moment, now)))
        event = ctx.store.add_event("alarm", "", moment.timestamp())
        ctx.on_schedule_change()
        ctx.state.last_event_id = event.id
        return Outcome(ctx.say("alarm.set", when=format_moment(moment, now)) + ctx.once_only("alarms"),
                       ({"type": "alarm.set", "id": event.id, "at": moment.isoformat()},))

    def alarm_cancel(self, frame: Frame, ctx: SkillContext) -> Outcome:
        alarms = ctx.store.active_events("alarm")
        if not alarms:
            return Outcome(ctx.say("alarm.none"))
        named = (lambda events: filter_by_when(events, frame, ctx.now().date())) \
            if "time" in frame.slots or "date" in frame.slots else None
        chosen, how = choose_events(frame, ctx, alarms, named)
        if how == "ambiguous":
            names = join_words([format_moment(moment_of(a), ctx.now()) for a in alarms], "or")
            return Outcome(ctx.say("alarm.which", names=names), ask="time", frame=frame)
        if not chosen:
            return Outcome(ctx.say("alarm.not_found"))
        if len(chosen) > 1 and not frame.confirmed:
            return confirm_first(frame, chosen, ctx.say("alarm.confirm_cancel_all", count=len(chosen)))
        ctx.store.set_event_status([a.id for a in chosen], "cancelled")
        ctx.on_schedule_change()
        actions = tuple({"type": "alarm.cancelled", "id": a.id} for a in chosen)
        if len(chosen) == 1:
            return Outcome(ctx.say("alarm.cancelled", when=format_moment(moment_of(chosen[0]), ctx.now())),
                           actions)
        return Outcome(ctx.say("alarm.cancelled_all", count=len(chosen)), actions)

    def alarm_query(self, frame: Frame, ctx: SkillContext) -> Outcome:
        every = ctx.store.active_events("alarm")
        alarms = filter_by_when(every, frame, ctx.now().date())
        if not alarms:
            return none_found("alarm", frame, ctx, bool(every))
        now = ctx.now()
        if _NEXT_ONE.search(ctx.utterance):  # "how long until my alarm", "when's my next alarm"
            ctx.state.last_event_id = alarms[0].id
            wait = max(60, round((moment_of(alarms[0]) - now).total_seconds() / 60) * 60)
            return Outcome(ctx.say("alarm.next", when=format_moment(moment_of(alarms[0]), now),
                                   wait=format_duration(wait)))
        if len(alarms) == 1:
            ctx.state.last_event_id = alarms[0].id
        times = join_words([format_moment(moment_of(a), now) for a in alarms])
        return Outcome(ctx.say("alarm.list", count=len(alarms), times=times,
                               s="" if len(alarms) == 1 else "s"))
