"""Spoken dates and clock times -> ISO local dates and date-times.

Relative expressions ("tomorrow", "next friday", "half past six") are resolved
against `now`; a time without a date is the next time that clock time comes."""
from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Iterator

from dateutil.relativedelta import relativedelta

from .holidays import Rule, find_holiday, fixed_date, holiday_date
from .numbers import words_to_digits

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
_MONTH = {name: i + 1 for i, name in enumerate(MONTHS)}
_MONTH.update({name[:3]: i + 1 for i, name in enumerate(MONTHS)})
_MONTH["sept"] = 9
_MONTH_RE = "|".join(sorted(_MONTH, key=len, reverse=True))
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?"
_SAME_DAY = ("today", "tonight", "this morning", "this afternoon", "this evening", "now")


def _clean(text: str) -> str:
    text = words_to_digits(text)
    text = re.sub(r"[,.?!]+(?=\s|$)", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _next_yearly(on: Rule, today: dt.date) -> dt.date | None:
    """The next time (today included) a yearly date comes ("feb 29": in the next leap year);
    None if it never does."""
    return next((day for day in _occurrences(on, range(today.year, today.year + 9)) if day >= today), None)


def _occurrences(on: Rule, years: Iterable[int]) -> Iterator[dt.date]:
    """The yearly date in each of `years` that has it (February 29 only in leap years)."""
    for year in years:
        try:
            yield on(year)
        except ValueError:
            continue


def _weekday(text: str, today: dt.date) -> dt.date | None:
    match = re.search(r"\b(next|this|coming|on|last|past)?\s*(" + "|".join(WEEKDAYS) + r")\b", text)
    if not match:
        return None
    if match.group(1) in ("last", "past"):  # "last friday": the latest one before today
        return today - dt.timedelta(days=(today.weekday() - WEEKDAYS.index(match.group(2))) % 7 or 7)
    ahead = (WEEKDAYS.index(match.group(2)) - today.weekday()) % 7
    if ahead == 0 and match.group(1) == "next":
        ahead = 7
    if "after next" in text:
        ahead += 7
    return today + dt.timedelta(days=ahead)


_YEAR = re.compile(r"\b(1[6-9]\d\d|2[01]\d\d)\b")
"""A year said with a date ("July 4th 1976", "christmas 2030")."""


_LAST = re.compile(r"\b(?:last|past)\b")


def _in_year(on: Rule, text: str, today: dt.date) -> dt.date | None:
    """A yearly date (`on`: year -> date) in the year the text names, else the last time it came
    ("last christmas", as "last friday" is read), else the next time it comes."""
    year = _YEAR.search(text)
    if year:
        return next(_occurrences(on, [int(year.group(1))]), None)
    if _LAST.search(text):
        return next((day for day in _occurrences(on, range(today.year, today.year - 9, -1)) if day < today), None)
    return _next_yearly(on, today)


def _month_day(text: str, today: dt.date) -> dt.date | None:
    for pattern, month_group, day_group in (
        (rf"\b({_MONTH_RE})\s+(?:the\s+)?{_ORDINAL}\b", 1, 2),
        (rf"\b{_ORDINAL}\s+(?:of\s+)?({_MONTH_RE})\b", 2, 1),
    ):
        match = re.search(pattern, text)
        if match:
            month, day = _MONTH[match.group(month_group)], int(match.group(day_group))
            return _in_year(fixed_date(month, day), text, today)
    return None


def _numeric(text: str, today: dt.date) -> dt.date | None:
    iso = re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", text)
    if iso:
        try:
            return dt.date(*map(int, iso.groups()))
        except ValueError:
            return None
    slashed = re.search(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b", text)  # month/day, US style
    if slashed:
        month, day, year = slashed.groups()
        if year:
            try:
                return dt.date(int(year) + (2000 if len(year) == 2 else 0), int(month), int(day))
            except ValueError:
                return None
        return _next_yearly(fixed_date(int(month), int(day)), today)
    day_only = re.fullmatch(rf"(?:the\s+)?{_ORDINAL}", text)
    if day_only:  # "the 5th": this month, or next month once it has passed
        day = int(day_only.group(1))
        for months_ahead in (0, 1, 2):
            first = today.replace(day=1) + relativedelta(months=months_ahead)
            try:
                candidate = first.replace(day=day)
            except ValueError:
                continue
            if candidate >= today:
                return candidate
    return None


def _relative(text: str, today: dt.date) -> dt.date | None:
    if "day after tomorrow" in text:
        return today + dt.timedelta(days=2)
    if re.search(r"\b(tomorrow|tmrw|tomorow)\b", text):
        return today + dt.timedelta(days=1)
    if re.search(r"\b(this|next|the) weekend\b", text):
        ahead = (5 - today.weekday()) % 7
        return today + dt.timedelta(days=ahead + (7 if "next" in text and ahead else 0))
    if "yesterday" in text:
        return today - dt.timedelta(days=1)
    shift = re.search(r"\b(in )?(\d+|an?) (day|week|month|year)s?( ago| from (?:now|today))?\b", text)
    # "in 3 days", "a week ago", "2 weeks from today", or a date slot of just "10 days" (its "in"
    # is left out of the span)
    if shift and (shift.group(1) or shift.group(4) or shift.group(0) == text):
        count = 1 if shift.group(2) in ("a", "an") else int(shift.group(2))
        sign = -1 if shift.group(4) == " ago" else 1
        return today + relativedelta(**{shift.group(3) + "s": sign * count})
    if any(re.search(rf"\b{word}\b", text) for word in _SAME_DAY):
        return today
    for phrase, delta in (("next week", relativedelta(weeks=1)), ("next month", relativedelta(months=1)),
                          ("next year", relativedelta(years=1)), ("a week from today", relativedelta(weeks=1))):
        if phrase in text:
            return today + delta
    return None


def parse_date(text: str, now: dt.datetime | None = None) -> dt.date | None:
    """The calendar date a phrase names, or None."""
    today = (now or dt.datetime.now()).date()
    cleaned = _clean(text)
    holiday = find_holiday(cleaned)
    if holiday:
        return _in_year(functools.partial(holiday_date, holiday), cleaned, today)
    for finder in (_relative, _month_day, _weekday, _numeric):
        found = finder(cleaned, today)
        if found:
            return found
    return None


_PART_OF_DAY = [(r"\b(?:in the morning|this morning|a ?m)\b", "am"),
                (r"\b(?:in the afternoon|this afternoon|in the evening|this evening|at night|tonight|p ?m)\b", "pm")]


def _clock(text: str) -> tuple[int, int, str | None] | None:
    """(hour, minute, 'am'|'pm'|None) from a cleaned clock-time phrase."""
    text = re.sub(r"\b(\d{1,2})\s*([ap])\s*\.?\s*m\b\.?", r"\1 \2m", text)
    text = re.sub(r"\bo'? ?clock\b", "", text)
    meridiem = next((m for pattern, m in _PART_OF_DAY if re.search(pattern, text)), None)
    if re.search(r"\b(noon|midday)\b", text):
        return 12, 0, "pm"
    if "midnight" in text:
        return 0, 0, "am"
    relative = re.search(r"\b(half|quarter|\d{1,2})(?: minutes?)? (past|after|to|till|before) (\d{1,2})\b", text)
    if relative:
        minutes = {"half": 30, "quarter": 15}.get(relative.group(1)) or int(relative.group(1))
        hour = int(relative.group(3))
        if relative.group(2) in ("to", "till", "before"):
            hour, minutes = (hour - 1) % 24, 60 - minutes
        return hour, minutes, meridiem
    clock = re.search(r"\b(\d{1,2})(?:[:.h ](\d{2}))?\b", text)
    if not clock:
        return None
    return int(clock.group(1)), int(clock.group(2) or 0), meridiem


def part_of_day(text: str) -> str | None:
    """"morning", "afternoon", "evening" or "night" when a date phrase names one ("tonight")."""
    words = set(re.findall(r"[a-z]+", text.lower()))
    words |= {"night"} if "tonight" in words else set()
    return next((part for part in ("morning", "afternoon", "evening", "night") if part in words), None)


def parse_time(text: str, date: dt.date | None = None, now: dt.datetime | None = None,
               day_part: str | None = None) -> dt.datetime | None:
    """The moment a clock-time phrase names, on `date` or the next time it comes. `day_part`
    (`part_of_day` of the date's words: "this afternoon" ... "at 3") settles a bare hour."""
    now = (now or dt.datetime.now()).replace(microsecond=0)
    cleaned = _clean(text)
    compact = re.fullmatch(r"(\d{3,4})\s*(.*)", cleaned)
    if compact:  # "630 pm" -> "6:30 pm"
        digits = compact.group(1)
        cleaned = f"{digits[:-2]}:{digits[-2:]} {compact.group(2)}".strip()
    parsed = _clock(cleaned)
    if parsed is None:
        return None
    hour, minute, meridiem = parsed
    if meridiem is None and day_part and 1 <= hour <= 11:
        # "tonight at 1" may be 1 AM: at night only 5-11 are surely evening hours
        meridiem = "am" if day_part == "morning" else None if day_part == "night" and hour < 5 else "pm"
    if hour > 23 or minute > 59 or (meridiem and hour > 12):
        return None
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    candidates = [hour] if meridiem or hour == 0 or hour > 12 else [hour, (hour + 12) % 24]
    if date is not None and date != now.date():
        # a day ahead with an hour like "7": morning for 6-11, afternoon for 1-5
        chosen = candidates[0] if len(candidates) == 1 or 6 <= hour <= 11 or hour == 12 else candidates[1]
        return dt.datetime.combine(date, dt.time(chosen, minute))
    day = date or now.date()
    for offset in (0, 1):
        for candidate in sorted(candidates):
            moment = dt.datetime.combine(day + dt.timedelta(days=offset), dt.time(candidate, minute))
            if moment > now:
                return moment
    return None
