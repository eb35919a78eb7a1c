"""Holidays people ask about by name, fixed ("christmas") and movable ("thanksgiving",
"easter"), with the date each falls on in a given year (US customs where countries differ)."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from dateutil.easter import easter
from dateutil.relativedelta import MO, SU, TH, relativedelta

Rule = Callable[[int], dt.date]


def fixed_date(month: int, day: int) -> Rule:
    """The same month and day every year (ValueError in a year without it: February 29)."""
    return lambda year: dt.date(year, month, day)


def _weekday_of(month: int, weekday: relativedelta) -> Rule:
    """The nth (or, counting from the month's end, the last) given weekday of a month."""
    start = 31 if weekday.n < 0 else 1  # only May's last Monday is counted from the end
    return lambda year: dt.date(year, month, start) + relativedelta(weekday=weekday)


HOLIDAYS: dict[str, Rule] = {
    "New Year's Day": fixed_date(1, 1), "Martin Luther King Jr. Day": _weekday_of(1, MO(+3)),
    "Groundhog Day": fixed_date(2, 2), "Valentine's Day": fixed_date(2, 14),
    "Presidents' Day": _weekday_of(2, MO(+3)), "St. Patrick's Day": fixed_date(3, 17),
    "April Fools' Day": fixed_date(4, 1), "Good Friday": lambda year: easter(year) - dt.timedelta(days=2),
    "Easter": easter, "Easter Monday": lambda year: easter(year) + dt.timedelta(days=1),
    "Earth Day": fixed_date(4, 22), "Mother's Day": _weekday_of(5, SU(+2)),
    "Memorial Day": _weekday_of(5, MO(-1)), "Father's Day": _weekday_of(6, SU(+3)),
    "Juneteenth": fixed_date(6, 19), "Independence Day": fixed_date(7, 4), "Labor Day": _weekday_of(9, MO(+1)),
    "Halloween": fixed_date(10, 31), "Veterans Day": fixed_date(11, 11), "Thanksgiving": _weekday_of(11, TH(+4)),
    "Christmas Eve": fixed_date(12, 24), "Christmas": fixed_date(12, 25), "Boxing Day": fixed_date(12, 26),
    "New Year's Eve": fixed_date(12, 31),
}

_OTHER_NAMES = {
    "New Year's Day": ["new year", "new years", "new years day"], "Christmas": ["xmas", "christmas day"],
    "Martin Luther King Jr. Day": ["martin luther king day", "mlk day"],
    "Presidents' Day": ["presidents day", "president's day"],
    "St. Patrick's Day": ["saint patrick's day", "st patrick's day", "st patricks day", "st. patricks day",
                          "saint patricks day", "paddy's day"],
    "April Fools' Day": ["april fool's day", "april fools day", "april fools"],
    "Easter": ["easter sunday"], "Independence Day": ["fourth of july", "4th of july"],
    "Mother's Day": ["mothers day", "mother day"], "Father's Day": ["fathers day", "father day"],
    "Labor Day": ["labour day"], "Veterans Day": ["veteran's day", "veterans' day"],
    "Thanksgiving": ["thanksgiving day"], "Valentine's Day": ["valentines day", "valentine day", "valentine's"],
    "New Year's Eve": ["new years eve"],
}
_NAMES = {name.lower(): name for name in HOLIDAYS}
_NAMES.update({other: name for name, others in _OTHER_NAMES.items() for other in others})
_NAME_RE = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(_NAMES, key=len, reverse=True)) + r")(?!\w)")


def find_holiday(text: str) -> str | None:
    """The holiday a phrase names ("how many days till thanksgiving" -> "Thanksgiving"), or None."""
    match = _NAME_RE.search(text.lower().replace("’", "'"))
    return _NAMES[match.group(1)] if match else None


def holiday_date(name: str, year: int) -> dt.date:
    """The day `name` (a key of HOLIDAYS) falls on in `year`."""
    return HOLIDAYS[name](year)
