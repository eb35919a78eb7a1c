"""Arithmetic from words ("fifteen percent of eighty") evaluated safely with simpleeval."""
from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

from simpleeval import SimpleEval

from nlu.normalize import words_to_digits

from ..dialogue.state import Frame
from ..formatting import format_number
from .base import Outcome, Skill, SkillContext

_N = r"(-?\d+(?:\.\d+)?)"
_PERCENT = r"(?:%|percent|per cent)"
_FRACTIONS = {"third": 3, "3rd": 3, "quarter": 4, "4th": 4, "fifth": 5, "5th": 5, "tenth": 10, "10th": 10}
"""Fractions as said, and as number words turn them ("a third" -> "a 3rd")."""
_MULTIPLES = {"double": 2, "twice": 2, "triple": 3}
_FUNCTIONS = ("sqrt", "cbrt", "factorial", "round", "pi")
_CURRENCY = re.compile(r"[$€£]|\b(?:dollars?|euros?|bucks|cents?)\b", re.I)
_WORD_OPERATORS = [
    (r"\bmultiplied by\b|\btimes\b|\bx\b|×", "*"),
    (r"\bdivided by\b|\bover\b|÷", "/"),
    (r"\bplus\b|\badded to\b", "+"),
    (r"\bminus\b|\bless\b|\btake away\b", "-"),
    (r"\bto the power of\b|\braised to(?: the power of)?\b|\^", "**"),
    (r"\bmod(?:ulo)?\b", "%"),
]
_REWRITES = [
    (rf"\b(?:the )?square root of {_N}", r"sqrt(\1)"),
    (rf"\b(?:the )?cube root of {_N}", r"cbrt(\1)"),
    (rf"{_N} to the {_N}(?:st|nd|rd|th)(?: power)?", r"(\1**\2)"),  # "2 to the 10th"
    (rf"\bround(?: off)? {_N} to {_N} (?:decimal places?|decimals?|places?|digits?)\b", r"round(\1, \2)"),
    (rf"\bround(?: off)? {_N}", r"round(\1)"),
    (rf"\bdivide {_N} by {_N}", r"(\1/\2)"),
    (rf"\bmultiply {_N} by {_N}", r"(\1*\2)"),
    (rf"\badd {_N} (?:and|to) {_N}", r"(\1+\2)"),
    (rf"\bsubtract {_N} from {_N}", r"(\2-\1)"),
    (rf"\b(?:halve|half) {_N}", r"(\1/2)"),
    (rf"\bsquare {_N}", r"(\1**2)"),
    (rf"{_N} squared\b", r"(\1**2)"),
    (rf"{_N} cubed\b", r"(\1**3)"),
    # "20 % off 50" is 40; "50 plus 20 %" is 60, as a calculator's percent key does
    (rf"{_N}\s*{_PERCENT} off(?: of)? {_N}", r"(\2*(1-\1/100))"),
    # "an 18% tip on 64", "tip of 15 percent on 80", "the tip on 80 at 15 percent"
    (rf"\b(?:an? )?{_N}\s*{_PERCENT} (?:tip|gratuity|tax|vat|discount|commission)(?: on| for| of)? {_N}",
     r"(\1/100*\2)"),
    (rf"\b(?:tip|tax|vat|discount)(?: of)? {_N}\s*{_PERCENT} (?:on|for|of) {_N}", r"(\1/100*\2)"),
    (rf"\b(?:tip|tax|vat|discount) (?:on|for) {_N} at {_N}\s*{_PERCENT}", r"(\2/100*\1)"),
    (rf"(?:\ban? )?{_N}\s+(?:bill|check|cheque|meal|total) at {_N}\s*{_PERCENT}", r"(\2/100*\1)"),
    (rf"{_N}\s*(?:\+|plus) {_N}\s*{_PERCENT}", r"(\1*(1+\2/100))"),
    (rf"{_N}\s*(?:-|minus|less) {_N}\s*{_PERCENT}", r"(\1*(1-\2/100))"),
    (rf"{_N}\s*(?:%|percent|per cent) of {_N}", r"(\1/100*\2)"),
    (rf"{_N}\s*(?:%|percent|per cent)", r"(\1/100)"),
    (rf"\bhalf of {_N}", r"(\1/2)"),
    (rf"(?:\b{_N}\s+|\b(?:a|one)\s+)?\b({'|'.join(_FRACTIONS)})s? of {_N}",
     lambda m: f"({m.group(1) or 1}/{_FRACTIONS[m.group(2)]}*{m.group(3)})"),
    (rf"\b(double|twice|triple) {_N}", lambda m: f"({_MULTIPLES[m.group(1)]}*{m.group(2)})"),
    (rf"{_N}\s*factorial", r"factorial(\1)"),  # not "5!": typed "!" is emphasis more often
    (rf"\bfactorial of {_N}", r"factorial(\1)"),
]
_FILLER = re.compile(r"^(?:what(?:'s| is)|how much is|calculate|compute|work out|tell me|"
                     r"can you|could you|please|solve)\s+", re.I)


class CalculationError(ValueError):
    pass


def _factorial(value: float) -> float:
    """n! for whole n up to 170 (beyond, a float overflows; and a huge n would hang)."""
    if value != int(value) or not 0 <= value <= 170:
        raise CalculationError(f"no factorial of {value}")
    return float(math.factorial(int(value)))


def _round(value: float, digits: float = 0) -> float:
    if digits != int(digits) or not 0 <= digits <= 15:
        raise CalculationError(f"cannot round to {digits} places")
    # half up, as people round ("2.5" is 3), not Python's half to even
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-int(digits)), rounding=ROUND_HALF_UP))


def to_arithmetic(text: str) -> str:
    """Words to an arithmetic expression: "twenty three times four" -> "23 * 4"."""
    expression = _CURRENCY.sub("", words_to_digits(text).replace("−", "-"))
    while _FILLER.search(expression):
        expression = _FILLER.sub("", expression)
    for pattern, replacement in _REWRITES:
        expression = re.sub(pattern, replacement, expression)
    for pattern, operator in _WORD_OPERATORS:
        expression = re.sub(pattern, f" {operator} ", expression)
    expression = re.sub(r"\b(?:and|the|equals?|is|by)\b|[?=!]", " ", expression)
    return " ".join(expression.split())


def compute(text: str) -> float:
    expression = to_arithmetic(text)
    if not expression or not re.search(r"\d", expression) or re.search(r"[a-z]{2,}", re.sub(
            rf"\b(?:{'|'.join(_FUNCTIONS)})\b", "", expression)):
        raise CalculationError(f"not arithmetic: {text!r}")
    evaluator = SimpleEval(functions={"sqrt": math.sqrt, "cbrt": lambda v: math.copysign(abs(v) ** (1 / 3), v),
                                      "factorial": _factorial, "round": _round},
                           names={"pi": math.pi})
    try:
        value = evaluator.eval(expression)
    except ZeroDivisionError as error:
        raise CalculationError("division by zero") from error
    except Exception as error:  # simpleeval raises many kinds for bad or unsafe input
        raise CalculationError(f"cannot evaluate {expression!r}: {error}") from error
    if isinstance(value, complex) or not isinstance(value, (int, float)) or math.isnan(value):
        raise CalculationError(f"no real result for {expression!r}")
    return float(value)


_PREVIOUS = re.compile(r"\b(?:that|it|this|the (?:result|answer|total))\b", re.I)
_OPERATOR_FIRST = re.compile(r"^(?:\*\*|[*/+%-])")


def with_previous(text: str, previous: float) -> str | None:
    """A follow-up on the last answer with that answer put in ("and times 3" -> "12 times 3",
    "divide that by 2" -> "divide 12 by 2"); None when the text is not a follow-up."""
    number = repr(previous).removesuffix(".0")
    if _PREVIOUS.search(text):
        return _PREVIOUS.sub(number, text, count=1)
    rest = re.sub(r"^(?:and|now|then|ok(?:ay)?|so)[\s,]+", "", text.strip(), flags=re.I)
    rest = re.sub(r"^divide(?:d)? by\b", "divided by", rest, flags=re.I)
    if _OPERATOR_FIRST.match(to_arithmetic(rest)) or re.match(r"(?:squared|cubed|factorial)\b", rest, re.I):
        return f"{number} {rest}"
    return None


class CalculatorSkill(Skill):
    name = "calculator"
    summary = "do arithmetic, percentages, powers and roots"
    example = "what is 15 percent of 80"
    intents = ("calc.compute",)

    def calc_compute(self, frame: Frame, ctx: SkillContext) -> Outcome:
        text = str(frame.slots.get("expression") or ctx.utterance)
        previous = ctx.state.last_result if ctx.state.last_intent == "calc.compute" else None
        # the whole utterance: the span may have left out the operator ("and [times 3]")
        follow_up = with_previous(ctx.utterance or text, previous) if previous is not None else None
        try:
            value = compute(follow_up or text)
        except CalculationError as error:
            key = "calc.divide_by_zero" if "zero" in str(error) else "calc.failed"
            return Outcome(ctx.say(key, expression=text), puzzled=key == "calc.failed")
        if math.isinf(value) or abs(value) > 1e300:
            return Outcome(ctx.say("calc.too_big"))
        ctx.state.last_result = value
        result = format_number(value)
        key = "calc.result" if frame.slots.get("expression") or follow_up else "calc.result_bare"
        return Outcome(ctx.say(key, expression=(follow_up or text).strip(" ?"), result=result),
                       ({"type": "calc.result", "value": value},))
