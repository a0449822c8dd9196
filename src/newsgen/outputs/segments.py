"""Split the published articles into search segments, and write each article's search record.

Pure functions of the current article set: a clean build and any incremental build cut the same
segments, so their search bundles are the same bytes. Boundaries are content-defined (as in
rsync or backup tools): in date order, a segment ends after an article whose source path hash
is a multiple of SEGMENT_SIZE. An edit re-indexes its own segment only; an addition or deletion
changes the segment it falls in, and at most moves the boundary next to it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from newsgen.model import RenderedArticle, input_digest

# Articles per segment on average: a trade. Pagefind needs ~3.5 ms of CPU per article, so an
# edit re-indexes its segment in 0.2-0.7 s; the search page pays ~12 ms per bundle it merges
# when it opens (a 10,000-article archive makes ~126), then a search takes tens of ms.
SEGMENT_SIZE = 100
# A longer run is cut in two after its article with the smallest hash, again until none is
# longer: the cut depends on the run's own articles, so an insertion moves no other boundary.
SEGMENT_LIMIT = 2 * SEGMENT_SIZE
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
    runs: list[list[tuple[int, RenderedArticle]]] = [[]]
    for entry in ordered:
        weight = source_hash(entry.article.source)
        runs[-1].append((weight, entry))
        if weight % SEGMENT_SIZE == 0:
            runs.append([])
    pieces = [piece for run in runs if run for piece in _cut(run)]
    return tuple(Segment(_segment_key(piece, salt), piece) for piece in pieces)


def _cut(run: list[tuple[int, RenderedArticle]]) -> list[tuple[RenderedArticle, ...]]:
    if len(run) <= SEGMENT_LIMIT:
        return [tuple(entry for _, entry in run)]
    at = min(range(len(run) - 1), key=lambda index: run[index][0]) + 1
    return _cut(run[:at]) + _cut(run[at:])


def source_hash(source: str) -> int:
    """An article's weight in the cutting: a segment ends at a multiple of SEGMENT_SIZE."""
    return int.from_bytes(hashlib.blake2b(source.encode(), digest_size=8).digest(), "big")


def _segment_key(run: tuple[RenderedArticle, ...], salt: str) -> str:
    # An article's digest covers its source bytes and the settings, so its URL and record too.
    return input_digest((RECORD_FORMAT, salt, tuple((r.article.source, r.digest) for r in run)))


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
