"""Written reply -> the words a person would say: "It's 7:30 PM." -> "It's seven thirty PM."

English rules; for other voices only the clean-up runs and espeak-ng reads the digits itself.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable

from .numbers import (
    MONEY_PATTERN,
    NUMBER,
    UNIT_PATTERN,
    integer_words,
    money_words,
    number_words,
    ordinal_words,
    unit_words,
    year_words,
)
from .text import clean

log = logging.getLogger(__name__)

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
_MONTH_BY_ABBREVIATION = {name[:3]: name for name in MONTHS} | {"Sept": "September"}
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|" \
         r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?:\.(?=\s*\d))?"
_WEEKDAYS = {"Mon": "Monday", "Tue": "Tuesday", "Tues": "Tuesday", "Wed": "Wednesday",
             "Thu": "Thursday", "Thur": "Thursday", "Thurs": "Thursday", "Fri": "Friday",
             "Sat": "Saturday", "Sun": "Sunday"}

ABBREVIATIONS = [  # (pattern, spoken); "Dr." and "St." are decided by context in _title()
    (r"\be\.g\.", "for example"), (r"\bi\.e\.", "that is"),
    (r"\betc\.(?=\s*$|\s+[A-Z])", "et cetera."),
    (r"\betc\.", "et cetera"), (r"\bapprox\.", "approximately"), (r"\bvs?\.", "versus"),
    (r"\bMr\.", "Mister"), (r"\bMrs\.", "Missus"), (r"\bMs\.", "Miz"), (r"\bProf\.", "Professor"),
    (r"\bJr\.", "Junior"), (r"\bSr\.", "Senior"), (r"\bMt\.", "Mount"), (r"\bAve\.", "Avenue"),
    (r"\bRd\.", "Road"), (r"\b[Nn]o\.(?=\s*\d)", "number"), (r"\bw/o\b", "without"),
    (r"\bw/(?=\s)", "with"),
    (r"(?<=\d)\s?[x×*]\s?(?=\d)", " times "), (r"(?<=\d)\s+[/÷]\s+(?=\d)", " divided by "),
    (r"(?<=\d)\s+[-−]\s+(?=\d)", " minus "), (r"\b24/7\b", "twenty-four seven"),
]
_ABBREVIATIONS = [(re.compile(pattern), spoken) for pattern, spoken in ABBREVIATIONS]
SYMBOLS = [  # whatever is left once numbers are words
    ("&", " and "), ("+", " plus "), ("=", " equals "), ("−", " minus "),
    ("±", " plus or minus "),
    ("×", " times "), ("÷", " divided by "), ("@", " at "), ("#", " number "), ("~", " about "),
    ("^", " to the power of "), ("<", " less than "), (">", " greater than "), ("%", " percent "),
    ("°", " degrees "), ("/", " "),
]
_FRACTIONS = {2: ("half", "halves"), 4: ("quarter", "quarters")}


def normalize(text: str, language: str = "en-us") -> str:
    """The text to hand a voice: markup and emoji gone, numbers, dates and units in words."""
    english = language.lower().startswith("en")
    text = clean(text, latin_only=english)
    if not english or not text:
        return text
    for step in _STEPS:
        try:
            text = step(text)
        except Exception:  # a rule's bug must cost one rule, not the whole reply
            log.exception("text normalisation step failed on %r", text[:80])
    for symbol, words in SYMBOLS:
        text = text.replace(symbol, words)
    return re.sub(r"\s+([,.!?;:])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()


def _sub(pattern: str, replace: Callable[[re.Match[str]], str] | str, flags: int = 0
         ) -> Callable[[str], str]:
    compiled = re.compile(pattern, flags)
    return lambda text: compiled.sub(replace, text)


def _abbreviations(text: str) -> str:
    for pattern, spoken in _ABBREVIATIONS:
        text = pattern.sub(spoken, text)
    return re.sub(r"\b(Dr|St)\.", _title, text)


def _title(match: re.Match[str]) -> str:
    """ "Dr. Smith" -> Doctor, "Elm Dr." -> Drive; "St. Louis" -> Saint, "Main St." -> Street."""
    after = match.string[match.end():match.end() + 40].split()
    title, place = {"Dr": ("Doctor", "Drive"), "St": ("Saint", "Street")}[match.group(1)]
    if after and after[0][:1].isupper():
        return title  # a title stands before a name
    return place if after else place + "."  # the abbreviation's dot also ended the sentence


def _day_and_year(day: str, year: str | None) -> str:
    return ordinal_words(int(day)) + (f", {year_words(int(year))}" if year else "")


def _iso_date(match: re.Match[str]) -> str:
    year, month, day = (int(part) for part in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return match.group(0).replace("-", " ")
    return f"{MONTHS[month - 1]} {ordinal_words(day)}, {year_words(year)}"


def _month_day(match: re.Match[str]) -> str:
    month, day, year = match.groups()
    if not 1 <= int(day) <= 31:
        return match.group(0)
    return f"{_MONTH_BY_ABBREVIATION.get(month, month)} {_day_and_year(day, year)}"


def _day_month(match: re.Match[str]) -> str:
    day, month, year = match.groups()
    if not 1 <= int(day) <= 31:
        return match.group(0)
    return f"the {ordinal_words(int(day))} of {_MONTH_BY_ABBREVIATION.get(month, month)}" + (
        f", {year_words(int(year))}" if year else "")


def _clock(match: re.Match[str]) -> str:
    """ "7:30 pm" -> "seven thirty PM"; "18:05" -> "six oh five PM"; "12:00" -> "twelve o'clock"."""
    hour_text, minute_text, seconds, suffix = match.groups()
    hour, minute = int(hour_text), int(minute_text or 0)
    if hour > 24 or minute > 59:
        return match.group(0).replace(":", " ")
    if suffix:
        suffix = suffix[0].upper() + "M"
    elif hour > 12 or (hour_text.startswith("0") and len(hour_text) == 2) or hour in (0, 24):
        # A 24-hour clock time: people say it the 12-hour way.
        if hour % 24 == 0 and minute == 0 and not seconds:
            return "midnight"
        suffix = "AM" if hour % 24 < 12 else "PM"
        hour = hour % 12 or 12
    words = integer_words(str(hour))
    if minute:
        words += (" oh " if minute < 10 else " ") + integer_words(str(minute))
    elif not suffix:
        words += " o'clock"
    if seconds:
        words += f" and {integer_words(seconds)} second{'s' if int(seconds) != 1 else ''}"
    tail = match.string[match.end():]
    # "a.m." at a sentence end also ended the sentence: keep that full stop.
    ends = match.group(0).endswith(".") and (not tail.strip() or tail.lstrip()[:1].isupper())
    return f"{words} {suffix}" + ("." if ends else "") if suffix else words


def _scientific(match: re.Match[str]) -> str:
    """ "1.2e+15" (the calculator's huge numbers) -> "one point two times ten to the fifteen"."""
    mantissa, sign, exponent = match.groups()
    minus = "minus " if sign == "-" else ""
    power = integer_words(exponent.lstrip("0") or "0")
    return f"{number_words(mantissa)} times ten to the {minus}{power}"


def _ordinal(match: re.Match[str]) -> str:
    return ordinal_words(match.group(1))


def _fraction(match: re.Match[str]) -> str:
    """ "3/4" -> "three quarters", "1/3" -> "one third", "7/12" -> "seven over twelve"."""
    top, bottom = int(match.group(1)), int(match.group(2))
    if not 0 < top < bottom <= 10:
        return f"{integer_words(match.group(1))} over {integer_words(match.group(2))}"
    one, many = _FRACTIONS.get(bottom, (ordinal_words(bottom), ordinal_words(bottom) + "s"))
    return f"{integer_words(str(top))} {one if top == 1 else many}"


def _number(match: re.Match[str]) -> str:
    sign, number = match.groups()
    if re.fullmatch(r"\d+(?:\.\d+){2,}", number):  # versions, IP addresses: "1.2.3"
        words = " point ".join(integer_words(part) for part in number.split("."))
    else:
        words = number_words(number, negative=bool(sign))
    text, start, end = match.string, match.start(), match.end()
    # "b12" -> "b twelve": glued letters would merge into one unreadable word.
    before = " " if start and text[start - 1].isalpha() else ""
    after = " " if end < len(text) and text[end].isalpha() else ""
    return before + words + after


_STEPS: list[Callable[[str], str]] = [
    _abbreviations,
    _sub(r"°\s+([CF])\b", r"°\1"),
    _sub(r"\b(Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\.?(?=,?\s+(?:" + _MONTH + r"|\d))",
         lambda m: _WEEKDAYS[m.group(1)]),
    _sub(r"(?<![\d.])(\d(?:\.\d+)?)e([+-]?)(\d+)\b", _scientific),
    _sub(r"\b(\d{4})-(\d{2})-(\d{2})(?:T(?=\d))?", _iso_date),
    _sub(r"\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b(?![:\d]|\.\d)(?:,?\s+(\d{4})\b)?",
         _month_day),
    _sub(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?:,?\s+(\d{4})\b)?", _day_month),
    _sub(r"(?<![\d:.])(\d{1,2}):(\d{2})(?::(\d{2}))?(?!\d)(?:\s?([aApP])\.?\s?[mM]\b\.?)?", _clock),
    _sub(r"(?<![\d:.,])(\d{1,2})()()\s?([aApP])\.?\s?[mM]\b\.?", _clock),
    _sub(r"\b(\d{1,2})h(\d{2})(?:m(?:in)?)?\b", lambda m: f"{m.group(1)} h {m.group(2)} min"),
    _sub(MONEY_PATTERN.pattern, money_words),
    _sub(r"(?<=\d)(?:-|\s?–\s?)(?=\d)", " to "),  # "5-10 minutes": a range
    _sub(UNIT_PATTERN.pattern, unit_words),
    _sub(rf"(?<![\w.,])({NUMBER})(?:st|nd|rd|th)\b", _ordinal, re.IGNORECASE),
    _sub(r"(?<![\w./])(\d{1,3})\s?[/⁄]\s?(\d{1,3})(?![\w/])", _fraction),
    _sub(r"\b(in|since|until|till|from|by|before|after|year|of)\s+(1[1-9]\d\d|20\d\d)\b(?![.,]\d)",
         lambda m: f"{m.group(1)} {year_words(int(m.group(2)))}", re.IGNORECASE),
    # A minus sign only where it cannot be a hyphen ("COVID-19"); "b12" -> "b twelve".
    _sub(r"(?:(?<![^\s(\[])([-−]))?(?<![\d.])(\d+(?:\.\d+){2,}|" + NUMBER + r")", _number),
    _sub(r"(?<=[a-z])\.(?=[a-z])", " dot "),  # "example.com"
]
