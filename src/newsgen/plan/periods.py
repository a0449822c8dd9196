"""Group published articles by year, month and day in the site's time zone."""

from __future__ import annotations

from collections.abc import Sequence

from newsgen.content import urls
from newsgen.model import Group, RenderedArticle

# Spelled out here so output never depends on the machine's locale.
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def group_by_period(articles: Sequence[RenderedArticle]) -> dict[str, tuple[Group, ...]]:
    """{'year': ..., 'month': ..., 'day': ...}, each newest first, from newest-first articles."""
    years: dict[int, list[RenderedArticle]] = {}
    months: dict[tuple[int, int], list[RenderedArticle]] = {}
    days: dict[tuple[int, int, int], list[RenderedArticle]] = {}
    for rendered in articles:
        moment = rendered.article.local_date
        years.setdefault(moment.year, []).append(rendered)
        months.setdefault((moment.year, moment.month), []).append(rendered)
        days.setdefault((moment.year, moment.month, moment.day), []).append(rendered)
    return {
        "year": tuple(
            Group("year", str(year), urls.year_url(year), tuple(items))
            for year, items in years.items()
        ),
        "month": tuple(
            Group("month", f"{MONTHS[month - 1]} {year}", urls.month_url(year, month), tuple(items))
            for (year, month), items in months.items()
        ),
        "day": tuple(
            Group(
                "day",
                f"{MONTHS[month - 1]} {day}, {year}",
                urls.day_url(year, month, day),
                tuple(items),
            )
            for (year, month, day), items in days.items()
        ),
    }
