"""Unit conversion with pint."""
from __future__ import annotations

import functools
import re

from nlu.normalize import parse_number, words_to_digits

from ..dialogue.state import Frame
from ..formatting import format_number
from .base import Outcome, Skill, SkillContext

# Spoken names pint does not know as such.
_UNIT_NAMES = {
    "celsius": "degC", "centigrade": "degC", "degrees celsius": "degC", "°c": "degC", "c": "degC",
    "fahrenheit": "degF", "degrees fahrenheit": "degF", "°f": "degF", "f": "degF",
    "kelvin": "kelvin", "kelvins": "kelvin",
    "km/h": "km/hour", "kph": "km/hour", "kmh": "km/hour", "kilometers per hour": "km/hour",
    "kilometres per hour": "km/hour", "miles per hour": "mph", "mph": "mph",
    "lbs": "lb", "lb": "lb", "ozs": "oz", "fl oz": "floz", "fluid ounces": "floz",
    "cc": "cm**3", "mls": "ml", "kgs": "kg", "kilo": "kg", "kilos": "kg", "k": "km", "kms": "km",
    "metres": "meter", "litres": "liter",
    "centimetres": "centimeter", "millimetres": "millimeter", "kilometres": "kilometer",
    "tbsp": "tablespoon", "tsp": "teaspoon", "sq ft": "ft**2", "square feet": "ft**2",
    "square meters": "m**2", "square metres": "m**2", "mb": "megabyte", "gb": "gigabyte",
    "kb": "kilobyte", "tb": "terabyte", "megs": "megabyte", "gigs": "gigabyte",
}
_NUMBER_WITH_UNIT = re.compile(r"^(\d+(?:\.\d+)?)\s*([^\d\s].*)$")
"""An amount that holds its unit as well: "10k", "5km", "12 oz"."""
_IRREGULAR_PLURALS = {"foot": "feet", "inch": "inches", "degree": "degrees", "century": "centuries"}


class ConversionError(ValueError):
    pass


_CURRENCIES = frozenset("""dollar euro yen yuan renminbi rupee peso franc krona krone kroner won ruble rouble
lira real rand zloty forint shekel baht ringgit dirham riyal usd eur gbp jpy cny inr chf cad aud sterling buck
bitcoin""".split())


def is_currency(text: str) -> bool:
    """Money, which needs exchange rates from the internet (a "pound" is a weight unless beside money)."""
    words = re.findall(r"[a-z$€£¥]+", text.lower())
    return any(w.rstrip("s") in _CURRENCIES or w in ("$", "€", "£", "¥") for w in words)


@functools.lru_cache(maxsize=1)
def registry():
    import pint  # loading the unit definitions takes a moment; only on first use

    return pint.UnitRegistry(autoconvert_offset_to_baseunit=True)


def unit_of(text: str):
    name = re.sub(r"^(?:the|a|an|some)\s+", "", text.strip().lower()).strip(" ?.")
    name = _UNIT_NAMES.get(name, name)
    units = registry()
    try:
        return units.parse_units(name)
    except Exception:
        singular = re.sub(r"(?<=[a-z])(?:es|s)$", "", name)
        for candidate in (singular, name.rstrip("s"), singular.replace(" ", "_")):  # "fluid ounces"
            try:
                return units.parse_units(_UNIT_NAMES.get(candidate, candidate))
            except Exception:
                continue
    raise ConversionError(f"unknown unit {text!r}")


def spoken_unit(unit, amount: float) -> str:
    """pint's unit name as said aloud: "kilometer / hour" -> "kilometers per hour"."""
    words = str(unit).replace("_", " ").replace(" / ", " per ").replace(" ** 2", " squared").split()
    head = words.index("per") if "per" in words else len(words)  # "kilometers per hour"
    while head > 1 and words[head - 1] in ("squared", "cubed"):  # "feet squared"
        head -= 1
    noun = 0 if words[:1] == ["degree"] else head - 1  # "degrees Celsius", but "fluid ounces"
    if amount != 1 and words and words[noun] not in ("kelvin",):
        words[noun] = _IRREGULAR_PLURALS.get(words[noun], words[noun] if words[noun].endswith("s")
                                             else words[noun] + "s")
    return " ".join(words)


# "5 feet 10 inches", "2 pounds and 3 ounces": the amount's unit, then a second amount and unit.
_COMPOUND = re.compile(r"^(?P<first>[a-z ]+?)\s+(?:and\s+)?(?P<amount>\d+(?:\.\d+)?)\s+(?P<second>[a-z ]+)$")


def convert(amount: float, from_unit: str, to_unit: str) -> tuple[float, str, str]:
    """(result, spoken from-unit, spoken to-unit); `from_unit` may hold a second amount and
    unit of its own ("feet 10 inches")."""
    target = unit_of(to_unit)
    compound = _COMPOUND.match(words_to_digits(from_unit.strip().lower()))
    units = registry()
    try:
        if compound:
            first, second = unit_of(compound["first"]), unit_of(compound["second"])
            quantity = units.Quantity(amount, first) + units.Quantity(float(compound["amount"]), second)
            spoken = (f"{spoken_unit(first, amount)} {format_number(float(compound['amount']))} "
                      f"{spoken_unit(second, float(compound['amount']))}")
        else:
            source = unit_of(from_unit)
            quantity, spoken = units.Quantity(amount, source), spoken_unit(source, amount)
        result = quantity.to(target).magnitude
    except ConversionError:
        raise
    except Exception as error:
        raise ConversionError(f"cannot convert {from_unit} to {to_unit}") from error
    return float(result), spoken, spoken_unit(target, result)


class ConverterSkill(Skill):
    name = "unit conversion"
    summary = "convert units: length, weight, volume, temperature, speed and more"
    example = "how many grams in 2 pounds"
    intents = ("convert.units",)

    def convert_units(self, frame: Frame, ctx: SkillContext) -> Outcome:
        from_unit, to_unit = frame.slots.get("from_unit"), frame.slots.get("to_unit")
        amount = frame.slots.get("amount", 1)
        amount_text = frame.texts.get("amount", "").strip().lower()
        glued = _NUMBER_WITH_UNIT.match(amount_text)
        if glued and not from_unit:  # "how far is 10k in miles"
            amount, from_unit = glued.group(1), glued.group(2)
        split = _NUMBER_WITH_UNIT.match(words_to_digits(amount_text))
        if split and from_unit and re.search(r"\s\d+(?:\.\d+)?$", split.group(2)):
            # "[5 feet 10](amount) [inches](from_unit)": one compound amount, as convert() reads it
            amount, from_unit = split.group(1), f"{split.group(2)} {from_unit}"
        previous = ctx.state.last_conversion if ctx.state.last_intent == "convert.units" else None
        if previous and (not from_unit or not to_unit):  # "and in liters?" goes on from the last one
            if not from_unit and "amount" not in frame.slots:
                amount = previous["amount"]
            from_unit, to_unit = from_unit or previous["from_unit"], to_unit or previous["to_unit"]
        if not from_unit or not to_unit:
            return Outcome(ctx.say("convert.missing"), puzzled=True)
        if is_currency(str(from_unit)) or is_currency(str(to_unit)):
            return Outcome(ctx.say("convert.currency", from_unit=from_unit, to_unit=to_unit))
        amount = amount if isinstance(amount, (int, float)) else parse_number(str(amount))
        if amount is None:
            amount = 1
        try:
            result, source, target = convert(float(amount), str(from_unit), str(to_unit))
        except ConversionError:
            return Outcome(ctx.say("convert.failed", from_unit=from_unit, to_unit=to_unit), puzzled=True)
        ctx.state.last_conversion = {"amount": amount, "from_unit": str(from_unit), "to_unit": str(to_unit)}
        return Outcome(ctx.say("convert.result", amount=format_number(amount), from_unit=source,
                               result=format_number(result), to_unit=target),
                       ({"type": "convert.result", "value": result},))
