"""Slot value normalisation: durations to seconds, dates and times to ISO, numbers to numbers."""
from __future__ import annotations

import datetime as dt
from typing import Any

from .datetimes import parse_date, parse_time, part_of_day
from .durations import parse_duration
from .holidays import find_holiday, holiday_date
from .numbers import parse_level, parse_number, words_to_digits

__all__ = [
    "find_holiday",
    "holiday_date",
    "normalize_slots",
    "parse_date",
    "parse_duration",
    "parse_level",
    "parse_number",
    "parse_time",
    "part_of_day",
    "words_to_digits",
]


def normalize_slots(spans: dict[str, str], now: dt.datetime | None = None) -> dict[str, Any]:
    """Normalised values for slot texts; a slot that cannot be normalised keeps its text."""
    now = now or dt.datetime.now()
    values: dict[str, Any] = {}
    date = parse_date(spans["date"], now) if "date" in spans else None
    for name, text in spans.items():
        value: Any = None
        if name == "duration":
            value = parse_duration(text)
        elif name == "date":
            value = date.isoformat() if date else None
        elif name == "time":
            moment = parse_time(text, date, now, part_of_day(spans.get("date", "")))
            value = moment.isoformat() if moment else None
        elif name == "amount":
            value = parse_number(text)
        elif name == "level":
            value = parse_level(text)
        values[name] = text if value is None else value
    return values
