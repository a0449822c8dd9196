"""Split the published articles into search segments, and write each article's search record.

Pure functions of the current article set: a clean build and any incremental build cut the same
segments, so their search bundles are the same bytes. Boundaries are content-defined (as in
rsync or backup tools): in date order, a segment ends after an article whose source path hashes
below a threshold. An edit re-indexes its own segment only; an addition or deletion moves at most
the boundaries next to it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from newsgen.model import RenderedArticle, input_digest

# Articles per segment on average: Pagefind indexes ~100 records in a fraction of a second, and
# a 10,000-article archive still makes few enough bundles for the browser to merge quickly.
SEGMENT_SIZE = 100
# No segment grows past this, whatever the hashes say.
SEGMENT_LIMIT = 4 * SEGMENT_SIZE
# Bumped whenever the record HTML below changes, so cached bundles are indexed again.
RECORD_FORMAT = 1


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of articles in date order that Pagefind indexes as one bundle."""

    key: str  # digest of everything the bundle depends on; also its folder name
    articles: tuple[RenderedArticle, ...]


def split(articles: Iterable[RenderedArticle], salt: str) -> tuple[Segment, ...]:
    """Articles in date order (source path breaks ties), cut into segments; `salt` names what
    else the bundles depend on (indexer version, language)."""
    ordered = sorted(articles, key=lambda r: (r.article.date, r.article.source))
    runs: list[list[RenderedArticle]] = [[]]
    for entry in ordered:
        runs[-1].append(entry)
        if _is_boundary(entry.article.source) or len(runs[-1]) >= SEGMENT_LIMIT:
            runs.append([])
    return tuple(Segment(_segment_key(run, salt), tuple(run)) for run in runs if run)


def _is_boundary(source: str) -> bool:
    digest = hashlib.blake2b(source.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % SEGMENT_SIZE == 0


def _segment_key(run: list[RenderedArticle], salt: str) -> str:
    # An article's digest covers its source bytes and the settings, so its URL and record too.
    return input_digest((RECORD_FORMAT, salt, tuple(entry.digest for entry in run)))


def record(entry: RenderedArticle, language: str) -> str:
    """The document Pagefind indexes for one article: its headline and body, with the byline,
    section and date as metadata (searchable, and shown with each result)."""
    article = entry.article
    meta = {
        "date": article.local_date.date().isoformat(),
        "section": article.section or "",
        "byline": ", ".join(article.authors),
    }
    head = "".join(
        f'<meta data-pagefind-meta="{name}[content]" content="{escape(value)}">'
        for name, value in meta.items()
        if value
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(language)}"><head><meta charset="utf-8">'
        f"<title>{escape(article.title)}</title>{head}</head>\n"
        f"<body><main data-pagefind-body><h1>{escape(article.title)}</h1>\n"
        f"{entry.html}</main></body></html>\n"
    )
