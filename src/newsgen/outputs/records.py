"""The document Pagefind indexes for one article, made from the cached article, never from its
rendered page. Pure: the same article gives the same bytes, whichever bundle it lands in.
"""

from __future__ import annotations

from datetime import UTC
from html import escape

from newsgen.content.kinds import TermKind
from newsgen.model import RenderedArticle

# Bumped whenever the record HTML below changes, so cached bundles are indexed again.
RECORD_FORMAT = 3


def record(entry: RenderedArticle, language: str, filters: tuple[TermKind, ...]) -> str:
    """Headline and body, searchable; byline, section and date shown with each result; filters
    by the kinds of term in `filters` (`Config.search_filters`: section, author, then the
    site's own) and by year; a sort by publication time. `when` is a filter nobody filters
    by: its value (the UTC time, which sorts as text) rides in the fragment, so the search page
    can interleave tiers newest first without a table of dates."""
    article = entry.article
    meta = {
        "date": article.local_date.date().isoformat(),
        "section": article.section or "",
        "byline": ", ".join(article.authors),
    }
    when = article.date.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    values = [
        *((kind.name, term) for kind in filters for term in kind.terms_of(article)),
        ("year", str(article.local_date.year)),
        ("when", when),
    ]
    head = "".join(
        f'<meta data-pagefind-meta="{name}[content]" content="{escape(value)}">'
        for name, value in meta.items()
        if value
    )
    head += "".join(
        f'<meta data-pagefind-filter="{name}[content]" content="{escape(value)}">'
        for name, value in values
        if value
    )
    # Unique, so that Pagefind numbers the pages of a bundle in one order whatever order it
    # read them in (its page order follows its sort; ties would follow the file system).
    head += f'<meta data-pagefind-sort="date[content]" content="{when} {escape(article.url)}">'
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(language)}"><head><meta charset="utf-8">'
        f"<title>{escape(article.title)}</title>{head}</head>\n"
        f"<body><main data-pagefind-body><h1>{escape(article.title)}</h1>\n"
        f"{entry.html}</main></body></html>\n"
    )
