"""Numbers, money and measurements as English words ("$5.50" -> "five dollars and fifty cents")."""
from __future__ import annotations

import re

from num2words import num2words

NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
"""A written number: 12, 1,234, 3.14 (no sign; callers handle minus)."""

DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

# Abbreviation -> (singular, plural). Matched case-sensitively, right after a number.
UNITS: dict[str, tuple[str, str]] = {
    "km/h": ("kilometer per hour", "kilometers per hour"),
    "kph": ("kilometer per hour", "kilometers per hour"),
    "mph": ("mile per hour", "miles per hour"), "m/s": ("meter per second", "meters per second"),
    "km": ("kilometer", "kilometers"), "m": ("meter", "meters"),
    "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"), "mi": ("mile", "miles"), "ft": ("foot", "feet"),
    "yd": ("yard", "yards"), "kg": ("kilogram", "kilograms"), "g": ("gram", "grams"),
    "mg": ("milligram", "milligrams"), "lb": ("pound", "pounds"), "lbs": ("pound", "pounds"),
    "oz": ("ounce", "ounces"), "l": ("liter", "liters"), "L": ("liter", "liters"),
    "ml": ("milliliter", "milliliters"), "mL": ("milliliter", "milliliters"),
    "gal": ("gallon", "gallons"), "tbsp": ("tablespoon", "tablespoons"),
    "tsp": ("teaspoon", "teaspoons"), "°C": ("degree Celsius", "degrees Celsius"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"), "°": ("degree", "degrees"),
    "%": ("percent", "percent"),
    "h": ("hour", "hours"), "hr": ("hour", "hours"), "hrs": ("hour", "hours"),
    "min": ("minute", "minutes"), "mins": ("minute", "minutes"), "s": ("second", "seconds"),
    "sec": ("second", "seconds"), "secs": ("second", "seconds"),
    "ms": ("millisecond", "milliseconds"),
    "kB": ("kilobyte", "kilobytes"), "KB": ("kilobyte", "kilobytes"),
    "MB": ("megabyte", "megabytes"),
    "GB": ("gigabyte", "gigabytes"), "TB": ("terabyte", "terabytes"), "Hz": ("hertz", "hertz"),
    "kHz": ("kilohertz", "kilohertz"), "MHz": ("megahertz", "megahertz"),
    "GHz": ("gigahertz", "gigahertz"),
    "W": ("watt", "watts"), "kW": ("kilowatt", "kilowatts"),
    "kWh": ("kilowatt hour", "kilowatt hours"),
    "V": ("volt", "volts"), "mAh": ("milliamp hour", "milliamp hours"),
}
_UNIT_ALTERNATION = "|".join(re.escape(unit) for unit in sorted(UNITS, key=len, reverse=True))
UNIT_PATTERN = re.compile(
    rf"(?<![\w.,])([-−]?)({NUMBER})[ \u00a0]?({_UNIT_ALTERNATION})(?![\w/])")

# Symbol -> (singular, plural, hundredth singular, hundredth plural)
CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"), "€": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"), "¥": ("yen", "yen", "sen", "sen"),
}
_SCALE = r"(?:\s?(thousand|million|billion|trillion|[kKmMbB]n?)\b)?"
MONEY_PATTERN = re.compile(
    rf"([-−]?)([$€£¥])\s?({NUMBER}){_SCALE}|(?<![\d.,])([-−]?)({NUMBER})\s?([$€£¥])(?!\d)")
_SCALE_WORDS = {"k": "thousand", "m": "million", "b": "billion", "bn": "billion"}


def integer_words(digits: str) -> str:
    """ "1,234" -> "one thousand two hundred and thirty-four"; "007" -> "zero zero seven"."""
    digits = digits.replace(",", "")
    if len(digits) > 1 and digits.startswith("0") or len(digits) > 15:
        return " ".join(DIGITS[int(d)] for d in digits)  # codes and huge runs: digit by digit
    return num2words(int(digits)).replace(",", "")  # num2words' commas would be read as pauses


def number_words(text: str, negative: bool = False) -> str:
    """ "3.14" -> "three point one four"; decimals digit by digit as people read them."""
    whole, _, fraction = text.partition(".")
    words = integer_words(whole) if whole else "zero"
    if fraction:
        words += " point " + " ".join(DIGITS[int(d)] for d in fraction)
    return f"minus {words}" if negative else words


def is_one(text: str) -> bool:
    return text.replace(",", "") == "1"


def unit_words(match: re.Match[str]) -> str:
    sign, number, unit = match.groups()
    singular, plural = UNITS[unit]
    return f"{number_words(number, bool(sign))} {singular if is_one(number) else plural}"


def money_words(match: re.Match[str]) -> str:
    """ "$5.50" -> "five dollars and fifty cents"; "$1.5m" -> "one point five million dollars"."""
    if match.group(2):
        sign, symbol, number, scale = match.group(1, 2, 3, 4)
    else:
        sign, number, symbol, scale = *match.group(5, 6, 7), None
    one, many, hundredth, hundredths = CURRENCIES[symbol]
    minus = "minus " if sign else ""
    if scale:
        scale = _SCALE_WORDS.get(scale.lower(), scale.lower())
        return f"{minus}{number_words(number)} {scale} {many}"
    whole, _, cents = number.partition(".")
    if len(cents) > 2:  # "$0.125": not an amount anyone pays; read the number
        return f"{minus}{number_words(number)} {many}"
    cents_value = int(cents.ljust(2, "0")) if cents else 0
    parts = []
    if whole.strip("0,") or not cents_value:
        parts.append(f"{integer_words(whole or '0')} {one if is_one(whole) else many}")
    if cents_value:
        parts.append(f"{num2words(cents_value)} {hundredth if cents_value == 1 else hundredths}")
    return minus + " and ".join(parts)


def ordinal_words(number: int | str) -> str:
    digits = str(number).replace(",", "")
    if len(digits) > 15:  # no one says a 16-digit ordinal: read the digits, then "th"
        return integer_words(digits) + "th"
    return num2words(int(digits), to="ordinal").replace(",", "")


def year_words(year: int) -> str:
    """2026 -> "twenty twenty-six", 2005 -> "two thousand and five"."""
    return num2words(year, to="year").replace(",", "")
