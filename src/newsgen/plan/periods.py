"""Group published articles by year, month and day in the site's time zone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from newsgen.content import urls
from newsgen.content.locales import long_date, month_year
from newsgen.model import Group, RenderedArticle


def group_by_period(
    articles: Sequence[RenderedArticle], prefix: str = "", language: str = "", words: str = ""
) -> dict[str, tuple[Group, ...]]:
    """{'year': ..., 'month': ..., 'day': ...}, each newest first, from newest-first articles
    of one `language`: URLs under its `prefix`, names in `words` (Language.words)."""
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
            Group("year", str(year), prefix + urls.year_url(year), tuple(items), language)
            for year, items in years.items()
        ),
        "month": tuple(
            Group(
                "month",
                month_year(year, month, words),
                prefix + urls.month_url(year, month),
                tuple(items),
                language,
            )
            for (year, month), items in months.items()
        ),
        "day": tuple(
            Group(
                "day",
                long_date(date(year, month, day), words),
                prefix + urls.day_url(year, month, day),
                tuple(items),
                language,
            )
            for (year, month, day), items in days.items()
        ),
    }
