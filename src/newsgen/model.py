"""The frozen values that flow between pipeline stages: articles, rendered articles, output files.

Nothing here does IO or holds behaviour beyond small derived properties.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


def pickle_by_fields(self: Any) -> tuple[type, tuple[object, ...]]:
    """Pickle as constructor arguments: several times faster to load than the per-field state
    dataclasses pickle by default, which matters for a build cache of 100,000 articles."""
    return type(self), tuple(getattr(self, name) for name in self.__slots__)


@dataclass(frozen=True, slots=True)
class Notice:
    """A correction or an update of an article, published with it (notices.py reads them)."""

    kind: str  # "correction" or "update"
    date: datetime  # timezone-aware, as 'date' is
    date_only: bool  # written without a time of day
    text: str  # Markdown
    html: str  # rendered by markdown.py; "" until then
    line: int  # of its 'date' in the article file
    column: int

    __reduce__ = pickle_by_fields


@dataclass(frozen=True, slots=True)
class Article:
    """One validated article: front matter fields plus its Markdown body."""

    source: str  # path relative to the site folder, with '/' separators
    title: str
    date: datetime  # timezone-aware; the offset written in the file is kept
    local_date: datetime  # the same instant in the site's time zone: URLs, archives, display
    slug: str
    url: str  # site-relative URL, e.g. /2026/11/24/some-slug/
    body: str
    body_line: int  # file line where the body starts, for positions in body problems
    updated: datetime | None = None
    # 'date' (or 'updated') gave a day without a time of day: pages then show no time.
    date_only: bool = False
    updated_date_only: bool = False
    authors: tuple[str, ...] = ()
    section: str | None = None
    tags: tuple[str, ...] = ()
    summary: str | None = None
    dateline: str | None = None
    image: str | None = None
    image_alt: str | None = None
    image_caption: str | None = None
    image_credit: str | None = None
    # Pixel size of a local lead image, read from its file (images.py); None when unknown.
    image_size: tuple[int, int] | None = None
    draft: bool = False
    aliases: tuple[str, ...] = ()
    extra: Mapping[str, object] = field(default_factory=dict)
    corrections: tuple[Notice, ...] = ()  # oldest first
    updates: tuple[Notice, ...] = ()  # oldest first
    # (line, column) of each front matter key, for problems found after loading.
    positions: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    # The BCP 47 code of one of the site's languages (config `languages`, else `language`).
    language: str = "en"
    # Articles sharing it are translations of one another (one per language).
    translation_key: str | None = None
    # The terms of each kind the site declares (config `taxonomies:`), by the kind's name;
    # kinds the article does not use are absent.
    terms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def position(self, key: str) -> tuple[int, int]:
        return self.positions.get(key, (1, 1))

    @property
    def modified(self) -> datetime:
        """The last change readers are told of: 'updated', or a later correction or update.
        JSON-LD dateModified, the sitemap's lastmod and the feeds' updated all use it."""
        return max(
            (self.updated or self.date, *(n.date for n in (*self.corrections, *self.updates)))
        )

    @property
    def modified_date_only(self) -> bool:
        """Whether the time of `modified` was written without a time of day."""
        moment = self.modified
        for notice in (*self.corrections, *self.updates):
            if notice.date == moment:
                return notice.date_only
        if self.updated is not None and self.updated == moment:
            return self.updated_date_only
        return self.date_only

    __reduce__ = pickle_by_fields


@dataclass(frozen=True, slots=True)
class Body:
    """An article's rendered HTML: held in memory, or in the build cache and read on demand,
    so that a build never holds every rendered body at once."""

    text: str | None = None
    path: str | None = None  # a str, not a Path: a cache of 100,000 loads faster

    def read(self) -> str:
        if self.text is not None:
            return self.text
        assert self.path is not None
        with open(self.path, encoding="utf-8") as file:  # noqa: PTH123 - path is a str
            return file.read()

    __reduce__ = pickle_by_fields


@dataclass(frozen=True, slots=True)
class RenderedArticle:
    """An article with its body rendered to HTML, and its summary as HTML and plain text."""

    article: Article
    body: Body
    summary_html: str
    summary_text: str
    words: int
    # Of the source bytes, the settings and newsgen's version: equal digests, equal output.
    digest: str = ""
    # Of what a listing shows of the article (all but its body): a body edit that keeps the
    # summary does not change the listings that show the article.
    view: str = ""
    # Local images of the body: (site path under /static/, file line, column, width, height),
    # the size 0, 0 when unknown. (markdown.py gives every image, collect.py the local ones.)
    images: tuple[tuple[str, int, int, int, int], ...] = ()

    @property
    def html(self) -> str:
        return self.body.read()

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.words)

    __reduce__ = pickle_by_fields


def reading_minutes(words: int) -> int:
    return max(1, round(words / 230))


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One file of the built site: its path relative to the output folder and its bytes."""

    path: str
    content: bytes


@dataclass(frozen=True, slots=True)
class PlannedFile:
    """A file of the built site made only when needed: `key` digests everything its bytes
    depend on, so a file whose key is unchanged since the last build is not made again."""

    path: str
    key: str
    render: Callable[[], bytes]
    # Files planned one after another with the same `together` share work when made (an
    # image's variants, one decoded picture): one process makes them all (parallel.py).
    together: str = ""


@dataclass(frozen=True, slots=True)
class Unit:
    """Files of the site that change together: an article page, all pages of one listing, a
    feed in its three formats. `signature` holds everything the files show, as values whose
    repr() is stable (see input_digest); while it is unchanged since the last build, the
    files need not even be planned (see memo.py). It may be given as a function that makes
    it, called only when the unit is compared.

    `reads` declares which articles' records the signature reads beyond their views (their
    `digest`: the body, what a body edit changes), as their sources; None when it may read
    anything else that changes from build to build. A serving process that kept its plan (no
    view changed) compares only the units that read an article it read again."""

    name: str  # unique in a site: "article articles/2026/x.md", "listing /tags/harbor/"
    signature: object
    files: Callable[[], Iterable[PlannedFile]]
    reads: frozenset[str] | None = None

    def signed(self) -> object:
        """The signature, made now if it was given as a function."""
        return self.signature() if callable(self.signature) else self.signature


def input_digest(parts: object) -> str:
    """A short digest of a file's inputs: tuples of strings, numbers and dates, whose repr()
    is stable from one run to the next."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class Group:
    """A named set of articles with its own listing: a period, a section, a tag or an author."""

    kind: str  # "year", "month", "day", "section", "tag", "author" or a taxonomies: name
    name: str  # as shown: "November 2026", "Politics", "Ada Lindqvist"
    url: str  # the first page of its listing
    articles: tuple[RenderedArticle, ...]  # newest first
    language: str = ""  # the code of the language whose articles it lists; "" the default
