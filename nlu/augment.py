"""Slot-value substitution: more training sentences from the team's own, with other values in each slot.

Each slot's pool holds the values written in the training data plus generated dates,
times, durations, levels and amounts in the many ways people say them, so slot
boundaries are learnt from the words around a slot, not from memorised values."""
from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence

from .data import Example, spans_from_tags
from .tokens import tokenize

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december"]
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def number_words(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    return number_words(n // 100) + " hundred" + ("" if n % 100 == 0 else " and " + number_words(n % 100))


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _say(n: int, rng: random.Random) -> str:
    return number_words(n) if rng.random() < 0.5 else str(n)


def durations(rng: random.Random) -> str:
    unit = rng.choice(["minutes", "minutes", "mins", "min", "seconds", "secs", "hours", "hrs"])
    n = rng.randint(2, 90) if unit.startswith(("min", "sec")) else rng.randint(2, 12)
    fixed = ["an hour and a half", "half an hour", "a quarter of an hour", "an hour and a quarter",
             "two and a half hours", "a minute", "an hour", "a couple of minutes", "90 secs",
             f"1 hour {rng.randint(5, 55)} minutes",
             (f"{_say(rng.randint(1, 3), rng)} hours and "
              f"{_say(rng.choice([10, 15, 20, 30, 45]), rng)} minutes")]
    return rng.choice(fixed) if rng.random() < 0.3 else f"{_say(n, rng)} {unit}"


def times(rng: random.Random) -> str:
    hour, minute = rng.randint(1, 12), rng.choice([5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55])
    forms = [f"{hour}:{minute:02d}", f"{hour} {rng.choice(['am', 'pm', 'a.m.', 'p.m.'])}",
             f"{hour}:{minute:02d} {rng.choice(['am', 'pm'])}", f"{number_words(hour)} o'clock",
             f"half past {number_words(hour)}", f"quarter past {_say(hour, rng)}",
             f"quarter to {_say(hour, rng)}", f"{_say(rng.choice([5, 10, 20, 25]), rng)} past {_say(hour, rng)}",
             f"{rng.choice([5, 10, 20])} to {hour}", f"{number_words(hour)} {number_words(minute)}",
             f"{hour} in the {rng.choice(['morning', 'afternoon', 'evening'])}",
             f"{hour}:{minute:02d} at night", "noon", "midnight", f"half {number_words(hour)}",
             f"{rng.randint(13, 23)}:{minute:02d}", f"{number_words(hour)} {rng.choice(['am', 'pm'])}"]
    return rng.choice(forms)


def dates(rng: random.Random) -> str:
    day, month, weekday = rng.randint(1, 28), rng.choice(_MONTHS), rng.choice(_WEEKDAYS)
    forms = ["tomorrow", "today", "tonight", "day after tomorrow", weekday, f"next {weekday}",
             f"this {weekday}", f"{ordinal(day)} of {month}", f"{month} {ordinal(day)}", f"{month} {day}",
             f"{weekday} the {ordinal(day)}", ordinal(day), "christmas", "new year's eve", "next week",
             f"{day} {month}", f"{weekday} morning", "tomorrow morning", "tomorrow evening"]
    return rng.choice(forms)


def levels(rng: random.Random) -> str:
    n = rng.choice(range(0, 101, 5))
    return rng.choice([f"{n}", f"{n} percent", f"{n}%", f"{number_words(n)} percent", number_words(n),
                       "half", "max", "maximum"])


def amounts(rng: random.Random) -> str:
    return rng.choice([str(rng.randint(1, 500)), number_words(rng.randint(1, 99)),
                       f"{rng.randint(1, 20)}.{rng.randint(1, 9)}", "a hundred", "half a", "one and a half"])


GENERATORS = {"duration": durations, "time": times, "date": dates, "level": levels, "amount": amounts}


def value_pools(examples: Sequence[Example]) -> dict[str, list[tuple[str, ...]]]:
    pools: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for example in examples:
        for start, end, name in spans_from_tags(example.tags):
            pools[name].add(tuple(w.lower() for w in example.words[start:end]))
    return {name: sorted(values) for name, values in pools.items()}


def substitute(example: Example, pools: dict[str, list[tuple[str, ...]]], rng: random.Random) -> Example:
    """The example with every slot given another value of the same slot."""
    words, tags, position = [], [], 0
    lower = all(w == w.lower() for w in example.words)
    for start, end, name in spans_from_tags(example.tags):
        words += example.words[position:start]
        tags += example.tags[position:start]
        if name in GENERATORS and rng.random() < 0.6:
            value = tuple(t.text for t in tokenize(GENERATORS[name](rng)))
        else:
            value = rng.choice(pools.get(name) or [tuple(example.words[start:end])])
        if not lower and start == 0:
            value = (value[0].capitalize(),) + value[1:]
        words += value
        tags += [f"B-{name}"] + [f"I-{name}"] * (len(value) - 1)
        position = end
    words += example.words[position:]
    tags += example.tags[position:]
    return Example(tuple(words), tuple(tags), example.intent)


def augment(examples: Sequence[Example], copies: int, seed: int = 0) -> list[Example]:
    """`copies` substituted variants of every example that has slots (duplicates dropped)."""
    rng = random.Random(seed)
    pools = value_pools(examples)
    seen = {(e.words, e.intent) for e in examples}
    extra = []
    for example in examples:
        if all(tag == "O" for tag in example.tags):
            continue
        for _ in range(copies):
            variant = substitute(example, pools, rng)
            if (variant.words, variant.intent) not in seen:
                seen.add((variant.words, variant.intent))
                extra.append(variant)
    return extra
