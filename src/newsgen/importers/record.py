"""What every importer yields: plain article records and the notes (warnings, skips) on them.

No IO and no policy here: the writer decides paths, slugs and what counts as already imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from newsgen.errors import Problem

Moment = datetime | date  # a bare date is a day in the site's time zone


@dataclass(frozen=True, slots=True)
class Link:
    """A link in a record's body to another imported article, whose new URL is not known yet."""

    mark: str  # the word standing in the body where the URL goes
    target: str  # the import id (source_id) of the article linked to; "" if none was found
    original: str  # what the source said, put back if the target is not imported


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """One article as read from a source, before it has a file of its own."""

    title: str
    body: str  # Markdown
    source: Problem  # where it came from: path, line, column and a short description
    source_id: str  # stable across runs: how a second import recognises it
    date: Moment | None = None
    updated: Moment | None = None
    authors: tuple[str, ...] = ()
    section: str | None = None
    tags: tuple[str, ...] = ()
    summary: str | None = None
    slug: str | None = None
    dateline: str | None = None
    image: str | None = None
    draft: bool = False
    aliases: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    former_ids: tuple[str, ...] = ()  # ids an earlier newsgen gave it: also "already imported"
    # The source's language of the article, where it says (Hugo, Pelican, WordPress with
    # Polylang or WPML), and the key its translations share; the writer keeps them when the
    # site has that language among its `languages:`.
    language: str | None = None
    translation_key: str | None = None
    # The source's default language: an article in another one, on a site without that
    # language, becomes an article of its own with the language after its slug (oh-yeah-fr).
    source_default_language: str | None = None


@dataclass(frozen=True, slots=True)
class AuthorRecord:
    """A person behind a byline, as a source describes them: an authors.yaml entry to be."""

    name: str  # the byline, as the source's articles are imported with it
    source: Problem  # where it came from
    role: str | None = None
    bio: str | None = None  # Markdown (or plain text)
    image: str | None = None
    url: str | None = None
    links: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Skipped:
    """Something a source holds that is not imported, and why (counted by `reason`)."""

    where: Problem  # the message says what it was
    reason: str  # short and shared, such as "a page" or "a comment"


@dataclass(frozen=True, slots=True)
class SourceResult:
    """What reading one source gave: records, things skipped, and source-wide warnings."""

    records: tuple[ArticleRecord, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    warnings: tuple[Problem, ...] = field(default=())
    authors: tuple[AuthorRecord, ...] = ()  # profiles the source has (authors.yaml)
