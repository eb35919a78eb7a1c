"""Number words -> numbers ("twenty three" -> 23), via text2num."""
from __future__ import annotations

import re

from text_to_num import alpha2digit

_FRACTIONS = {"half": 0.5, "a half": 0.5, "a quarter": 0.25, "quarter": 0.25,
              "three quarters": 0.75, "a third": 1 / 3}
_QUANTIFIERS = [(re.compile(r"\ba couple(?: of)?\b"), "2"), (re.compile(r"\ba few\b"), "3"),
                (re.compile(r"\ba dozen\b"), "12"), (re.compile(r"\bdozen\b"), "12")]
_A_NUMBER = re.compile(r"\ban? (\d)")  # "a 100" (from "a hundred") -> "100"
_AND_A_HALF = re.compile(r"(\d+(?:\.\d+)?) and a half\b")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def words_to_digits(text: str) -> str:
    """Lower-case `text` and write its number words as digits, keeping other words."""
    text = text.lower().replace("’", "'").strip()
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # 1,000 -> 1000
    text = alpha2digit(text, "en", threshold=0)
    text = _A_NUMBER.sub(r"\1", text)
    for pattern, digits in _QUANTIFIERS:
        text = pattern.sub(digits, text)
    return _AND_A_HALF.sub(lambda m: _format(float(m.group(1)) + 0.5), text)


def _format(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def as_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(float(value), 6)


def parse_number(text: str) -> int | float | None:
    """The number a phrase names: "twenty three" -> 23, "3.5" -> 3.5, "half" -> 0.5."""
    cleaned = words_to_digits(re.sub(r"\b(?:minus|negative)\s+", "-", text.lower()))
    cleaned = re.sub(r"-\s+(?=\d)", "-", cleaned).strip(" .?!")
    if cleaned in _FRACTIONS:
        return _FRACTIONS[cleaned]
    cleaned = re.sub(r"^(?:an?|one) (?=\d)", "", cleaned)
    match = _NUMBER.search(cleaned)
    return as_number(float(match.group())) if match else None


_LEVEL_WORDS = {"max": 100, "maximum": 100, "full": 100, "all the way up": 100, "loudest": 100,
                "half": 50, "halfway": 50, "half way": 50, "zero": 0, "off": 0, "min": 0,
                "minimum": 0, "quarter": 25, "a quarter": 25}


def parse_level(text: str) -> int | None:
    """A volume level in percent: "seventy percent" -> 70, "half" -> 50, "7 out of 10" -> 70."""
    cleaned = words_to_digits(text).strip(" .?!%")
    cleaned = re.sub(r"\s*(?:percent|per cent|%)$", "", cleaned).strip()
    if cleaned in _LEVEL_WORDS:
        return _LEVEL_WORDS[cleaned]
    out_of = re.match(r"(\d+(?:\.\d+)?) (?:out of|of) (\d+)$", cleaned)
    if out_of and float(out_of.group(2)) > 0:
        return round(100 * float(out_of.group(1)) / float(out_of.group(2)))
    number = parse_number(cleaned)
    if number is None:
        return None
    return max(0, min(100, round(number)))
