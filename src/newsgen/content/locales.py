"""Dates spelled out in a page's language: English in newsgen's own AP style (as every site
had before languages), every other language through Babel's CLDR patterns.

Pure: the same moment and language give the same text, whatever the machine's locale.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale

# Spelled out here so output never depends on the machine's locale.
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
# Associated Press abbreviations: short months are spelled out.
SHORT_MONTHS = (
    "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.",
    "Dec.",
)  # fmt: skip


def is_english(code: str) -> bool:
    """English of any region keeps newsgen's AP style ("Nov. 24, 2026, 9:30 AM"), so sites
    built before languages existed keep their bytes; so does a language CLDR does not know
    (its dates would otherwise be CLDR's English, unlike newsgen's). An empty code is the
    default: English."""
    return not code or code.split("-", maxsplit=1)[0].lower() == "en" or known_locale(code) is None


@functools.lru_cache(maxsize=64)
def known_locale(code: str) -> Locale | None:
    """The CLDR locale of a BCP 47 code: fr-CA, else fr; None for a language CLDR lacks.
    (Babel is imported only here: an English site, the usual one, does not load its tables.)"""
    from babel import Locale, UnknownLocaleError  # noqa: PLC0415

    for candidate in (code, code.split("-", maxsplit=1)[0]):
        try:
            return Locale.parse(candidate, sep="-")
        except (UnknownLocaleError, ValueError):
            continue
    return None


def babel_locale(code: str) -> Locale:
    """The CLDR locale of a language that is not English style (see is_english)."""
    found = known_locale(code)
    if found is None:
        raise ValueError(f"no CLDR data for {code!r}; dates in it are English")
    return found


def month_name(month: int, code: str) -> str:
    """'November', 'novembre': the month as it stands alone."""
    if is_english(code):
        return MONTHS[month - 1]
    return str(babel_locale(code).months["stand-alone"]["wide"][month])


def month_year(year: int, month: int, code: str) -> str:
    """'November 2026', 'novembre 2026'."""
    if is_english(code):
        return f"{MONTHS[month - 1]} {year}"
    from babel.dates import format_date  # noqa: PLC0415

    return format_date(date(year, month, 1), "LLLL y", locale=babel_locale(code))


def long_date(day: date, code: str) -> str:
    """'November 24, 2026', '24 novembre 2026'."""
    if is_english(code):
        return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"
    from babel.dates import format_date  # noqa: PLC0415

    return format_date(day, "long", locale=babel_locale(code))


def short_date(day: date, code: str) -> str:
    """'Nov. 24, 2026', '24 nov. 2026'."""
    if is_english(code):
        return f"{SHORT_MONTHS[day.month - 1]} {day.day}, {day.year}"
    from babel.dates import format_date  # noqa: PLC0415

    return format_date(day, "medium", locale=babel_locale(code))


def time_of_day(local: datetime, code: str) -> str:
    """'9:15 AM', '09 h 15': the wall-clock time of a moment already in the site's zone."""
    if is_english(code):
        hour = local.hour % 12 or 12
        return f"{hour}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"
    from babel.dates import format_time  # noqa: PLC0415

    return format_time(local.time(), "short", locale=babel_locale(code))


def gmt_offset(moment: datetime) -> str:
    """'GMT', 'GMT+1', 'GMT-3:30', 'GMT+5:45'."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = round(offset.total_seconds() / 60)
    if minutes == 0:
        return "GMT"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"GMT{sign}{hours}" + (f":{rest:02d}" if rest else "")


def language_name(code: str) -> str:
    """A language as its own speakers name it, for links to translations: 'Français (Canada)'."""
    found = known_locale(code)
    name = str(found.get_display_name() or code) if found else code
    return name[:1].upper() + name[1:]
