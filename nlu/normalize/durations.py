"""Spoken durations -> seconds ("an hour and a half" -> 5400)."""
from __future__ import annotations

import re

from .numbers import as_number, words_to_digits

_UNIT_SECONDS = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400, "week": 604800, "weeks": 604800,
}
_UNIT = r"(?:weeks?|days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)"
_REWRITES = [
    (re.compile(r"\b(?:three|3) quarters? of an? hour\b"), "0.75 hour"),
    (re.compile(r"\b(?:a |one )?quarter (?:of an? |an? )?hour\b"), "0.25 hour"),
    (re.compile(r"\bhalf (?:an? )?(" + _UNIT + r")\b"), r"0.5 \1"),
    (re.compile(r"\ban? (" + _UNIT + r")\b"), r"1 \1"),
    (re.compile(r"\b(\d+(?:\.\d+)?) (" + _UNIT + r") and a half\b"), r"\1.5 \2"),
    (re.compile(r"(\d+)h(\d+)\b"), r"\1 h \2 m"),  # 1h30
]
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(" + _UNIT + r")\b")


def parse_duration(text: str) -> int | None:
    """Seconds in a spoken or typed duration, or None when it names none."""
    # text2num reads "second" as the ordinal "2nd"; as a unit it is a "sec"
    cleaned = re.sub(r"(?<=\w)-(?=\w)", " ", text)  # "5-minute", "twenty-five", "half-hour"
    cleaned = re.sub(r"\b(?:more|extra|additional)\s+", "", cleaned, flags=re.IGNORECASE)  # "5 more minutes"
    cleaned = words_to_digits(re.sub(r"\bseconds?\b", "secs", cleaned, flags=re.IGNORECASE))
    for pattern, replacement in _REWRITES:
        cleaned = pattern.sub(replacement, cleaned)
    cleaned = re.sub(r"(\d+)\.5\.5", r"\1.5", cleaned)
    total, found = 0.0, False
    for amount, unit in _AMOUNT.findall(cleaned):
        total += float(amount) * _UNIT_SECONDS[unit]
        found = True
    if not found:
        # "1:30" as minutes:seconds or hours:minutes is ambiguous; only m:ss is accepted
        clock = re.fullmatch(r"\s*(\d+):(\d{2})\s*", cleaned)
        if not clock:
            return None
        total = int(clock.group(1)) * 60 + int(clock.group(2))
    # absurd lengths ("999…9 minutes") stay huge but finite, so callers can say "too long"
    return as_number(round(min(total, 1e12))) if total > 0 else None
