"""How replies say durations, times, dates, numbers and lists of things."""
from __future__ import annotations

import datetime as dt
import math
from typing import Sequence


def plural(count: float, word: str) -> str:
    number = format_number(count)
    return f"{number} {word}" if count == 1 else f"{number} {word}s"


def format_number(value: float) -> str:
    """12 -> "12", 3.14159 -> "3.14", 1234567 -> "1,234,567", 0.000123 -> "0.000123"."""
    if isinstance(value, bool):
        return str(value)
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    magnitude = abs(value)
    if magnitude >= 1e15 or magnitude < 1e-4:
        return f"{value:.4g}"
    text = f"{value:,.4f}" if magnitude < 1 else f"{value:,.2f}"
    return text.rstrip("0").rstrip(".")


def join_words(items: Sequence[str], conjunction: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def format_duration(seconds: float) -> str:
    """5400 -> "1 hour and 30 minutes"; 45 -> "45 seconds"."""
    seconds = int(round(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [plural(n, unit) for n, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"),
                                             (secs, "second")) if n]
    return join_words(parts) if parts else "0 seconds"


def format_time_left(seconds: float) -> str:
    """What a countdown shows: whole seconds rounded up (4:59.6 left reads "5 minutes"), and
    from ten minutes on, whole minutes ("1 hour and 15 minutes", not "... and 59 seconds")."""
    left = math.ceil(max(0.0, seconds) - 0.05)  # the moment it takes to answer is not worth a second
    return format_duration(round(left / 60) * 60 if left >= 600 else left)


def format_time(moment: dt.datetime | dt.time) -> str:
    """18:30 -> "6:30 PM"; 12:00 -> "noon"."""
    if moment.hour == 12 and moment.minute == 0:
        return "noon"
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    hour = moment.hour % 12 or 12
    suffix = "AM" if moment.hour < 12 else "PM"
    return f"{hour}:{moment.minute:02d} {suffix}" if moment.minute else f"{hour} {suffix}"


def format_date(day: dt.date, today: dt.date | None = None) -> str:
    """"today", "tomorrow", "Friday", or "Friday, December 4"."""
    today = today or dt.date.today()
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    if 1 < delta < 7:
        return day.strftime("%A")
    text = f"{day.strftime('%A, %B')} {day.day}"
    return text if day.year == today.year else f"{text}, {day.year}"


def format_moment(moment: dt.datetime, now: dt.datetime | None = None) -> str:
    """"6:30 AM tomorrow", "5 PM on Friday, December 4"."""
    now = now or dt.datetime.now()
    day = format_date(moment.date(), now.date())
    if day in ("today", "tomorrow", "yesterday"):
        return f"{format_time(moment)} {day}"
    return f"{format_time(moment)} on {day}"
