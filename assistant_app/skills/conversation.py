"""Greetings, small talk, jokes, time, date and help."""
from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

from rapidfuzz import fuzz, process

from nlu.normalize import find_holiday, parse_date, parse_duration
from nlu.normalize.datetimes import MONTHS, WEEKDAYS

from ..dialogue.state import Frame
from ..formatting import format_date, format_duration, format_time, join_words, plural
from .alarms import as_date
from .base import Outcome, Skill, SkillContext

_OFFSET = re.compile(r"\b(?:in|after|from now|later|ago|before|will it be|was it)\b", re.I)
"""Words that make a duration in "what time is it" a shift of the clock ("in 3 hours")."""
_PAST = re.compile(r"\b(?:ago|before now|was it)\b", re.I)
_SHIFT_ONLY = re.compile(r"(?:\w+|an?) (?:days?|weeks?|months?|years?)", re.I)
_SINCE = re.compile(r"\b(?:since|ago)\b", re.I)
"""A count back to the last one ("how long ago was easter"), not forward to the next."""
_LEADING_LINK = re.compile(r"^(?:days?\s+)?(?:since|until|till|til|'til|to)\s+", re.I)
"""Words of the question the date span sometimes starts with ("days until friday")."""
_CALENDAR_NAME = re.compile(r"\b(?:" + "|".join(MONTHS + WEEKDAYS) + r")\b", re.I)
_IN_WEEKS = re.compile(r"\bhow many weeks\b|\bweeks (?:until|till|to|since|ago|left)\b", re.I)
_HOW_LONG = re.compile(r"\bhow (?:many (?:days|weeks|more days)|long)\b|\bdays? (?:until|till|to go|left)\b", re.I)


class Jokes:
    """A shipped collection, told in a shuffled order so none repeats until all are told."""

    def __init__(self, path: Path, seed: int | None = None) -> None:
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        self.jokes = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
        self._random = random.Random(seed)
        self._queue: list[str] = []

    def next(self) -> str | None:
        if not self.jokes:
            return None
        if not self._queue:
            self._queue = self._random.sample(self.jokes, len(self.jokes))
        return self._queue.pop()


def _day_span(days: int, question: str) -> str:
    """A count of days as "20 days", or as "2 weeks and 6 days" when the question counts weeks."""
    weeks, rest = divmod(days, 7)
    if not _IN_WEEKS.search(question) or not weeks:
        return plural(days, "day")
    return join_words([plural(weeks, "week")] + ([plural(rest, "day")] if rest else []))


class ConversationSkill(Skill):
    name = "small talk"
    summary = "chat a little, tell jokes, and tell the time and date"
    example = "tell me a joke"
    intents = ("greet", "goodbye", "thanks", "smalltalk.identity", "smalltalk.wellbeing", "joke",
               "time.now", "date.query", "help")

    def __init__(self, jokes: Jokes, skills: list[Skill]) -> None:
        self.jokes = jokes
        self.skills = skills

    def handle(self, frame: Frame, ctx: SkillContext) -> Outcome:
        if frame.intent in ("greet", "goodbye", "thanks", "smalltalk.identity", "smalltalk.wellbeing"):
            return Outcome(ctx.say(frame.intent))
        return super().handle(frame, ctx)

    def joke(self, frame: Frame, ctx: SkillContext) -> Outcome:
        joke = self.jokes.next()
        return Outcome(joke or ctx.say("joke.none"))

    def time_now(self, frame: Frame, ctx: SkillContext) -> Outcome:
        now = ctx.now()
        seconds = parse_duration(ctx.utterance) if _OFFSET.search(ctx.utterance) else None
        if not seconds or seconds > 10 * 365 * 86400:
            return Outcome(ctx.say("time.now", time=format_time(now)))
        past = bool(_PAST.search(ctx.utterance))
        moment = now + dt.timedelta(seconds=-seconds if past else seconds)
        when = format_time(moment)
        if moment.date() != now.date():
            when += f" {format_date(moment.date(), now.date())}"
        return Outcome(ctx.say("time.was" if past else "time.will_be",
                               duration=format_duration(seconds), time=when))

    def date_query(self, frame: Frame, ctx: SkillContext) -> Outcome:
        today = ctx.now().date()
        day = as_date(frame.slots.get("date"))
        if "date" in frame.slots and day is None:
            if parse_duration(frame.texts.get("date", "")):  # "what was it 2 hours ago": a clock question
                return self.time_now(frame, ctx)
            return Outcome(ctx.say("date.unknown", date=frame.texts.get("date", "")), puzzled=True)
        if day is None or day == today:
            return Outcome(ctx.say("date.today", date=f"{today.strftime('%A, %B')} {today.day}, {today.year}"))
        spoken = frame.texts.get("date", "")
        holiday = find_holiday(spoken)  # named as such: "Christmas", not "days until christmas"
        said = _LEADING_LINK.sub("", spoken)
        named = _CALENDAR_NAME.sub(lambda name: name.group(0).capitalize(), said)
        what = holiday or named or format_date(day, today)
        if day > today and _SINCE.search(ctx.utterance):
            # "how many days since halloween": the last one; the date slot alone reads as the next
            day = parse_date(f"last {said}", ctx.now()) or day
        full = f"{day.strftime('%A, %B')} {day.day}, {day.year}"
        if _HOW_LONG.search(ctx.utterance):  # "how many days until christmas"
            key = "date.days_until" if day > today else "date.days_since"
            return Outcome(ctx.say(key, what=what, span=_day_span(abs((day - today).days), ctx.utterance), date=full))
        if not holiday and _SHIFT_ONLY.fullmatch(spoken):  # "what day is it in 10 days": the span left out "in"
            return Outcome(ctx.say("date.in", what=spoken, date=full))
        if day.strftime("%A").lower() in what.lower():  # "saturday": not "Saturday is Saturday, ..."
            return Outcome(ctx.say("date.that_day", date=full))
        return Outcome(ctx.say("date.other" if day > today else "date.past", what=what, date=full))

    def topic_help(self, topic: str, ctx: SkillContext) -> Outcome | None:
        """How to use the skill the topic names ("reminders", "how do I set a reminder"), or None."""
        names = {s.name: s for s in self.skills if s.name}
        best = process.extractOne(topic.lower(), list(names), scorer=fuzz.WRatio, score_cutoff=70)
        if not best:
            return None
        skill = names[best[0]]
        return Outcome(ctx.say("help.topic", name=skill.name, summary=skill.summary, example=skill.example))

    def help(self, frame: Frame, ctx: SkillContext) -> Outcome:
        topic = str(frame.slots.get("topic", "")).strip()
        helped = self.topic_help(topic, ctx) if topic else None
        if helped:
            return helped
        summaries = [s.summary for s in self.skills if s.summary and s is not self]
        return Outcome(ctx.say("help.all", skills="; ".join(summaries)))
