"""The single source of every URL and output path of a site.

URLs are site-relative and end in '/' for pages ("pretty URLs": /x/ is written to x/index.html).
Every path segment derived from user text passes through `slugify_segment`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import datetime
from urllib.parse import urlsplit

from slugify import slugify

from newsgen.content.kinds import TermKind

HOME = "/"
NOT_FOUND = "/404.html"
ARCHIVE = "/archive/"
CORRECTIONS = "/corrections/"  # every correction of the archive, with its own feeds
LATEST = "/latest/"  # the newest stories, shown beside each article (not in the sitemap)
SEARCH = "/search/"
SEARCH_BUNDLE = "/pagefind/"
SITEMAP = "/sitemap.xml"
NEWS_SITEMAP = "/news-sitemap.xml"
ROBOTS = "/robots.txt"
JSON_FEED = "feed.json"
RSS_FEED = "feed.xml"
ATOM_FEED = "atom.xml"
STATIC = "/static/"
WELL_KNOWN = ".well-known"  # static/.well-known/ is published at the site's root (RFC 8615)
_SAFE_SEGMENT = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


@functools.lru_cache(maxsize=65536)
def slugify_segment(text: str) -> str:
    """A lowercase ASCII path segment: 'Nicolás Maduro!' -> 'nicolas-maduro'; may be empty."""
    return str(slugify(text, max_length=80, word_boundary=True, save_order=True))


def is_safe_segment(segment: str) -> bool:
    """Lowercase letters and digits joined by single '-' or '_': no dots, slashes or spaces."""
    return _SAFE_SEGMENT.match(segment) is not None


def article_url(pattern: str, local_date: datetime, slug: str, section: str | None) -> str:
    return pattern.format(
        year=f"{local_date.year:04d}",
        month=f"{local_date.month:02d}",
        day=f"{local_date.day:02d}",
        slug=slug,
        section=slugify_segment(section or "") or "news",
    )


def year_url(year: int) -> str:
    return f"/{year:04d}/"


def month_url(year: int, month: int) -> str:
    return f"/{year:04d}/{month:02d}/"


def day_url(year: int, month: int, day: int) -> str:
    return f"/{year:04d}/{month:02d}/{day:02d}/"


def term_url(kind: TermKind, name: str) -> str:
    """/tags/venezuela/ for the tag 'Venezuela'; every spelling of a term has the same URL."""
    return f"{kind.folder}{slugify_segment(name)}/"


def alias_url(alias: str) -> str:
    """An alias without a file extension is a folder, like every page: /old/story -> /old/story/."""
    last = alias.rstrip("/").rsplit("/", 1)[-1]
    return alias if alias.endswith("/") or "." in last else f"{alias}/"


def paginated(first_page_url: str, number: int) -> str:
    """The URL of page `number` (1-based) of a listing whose first page is `first_page_url`."""
    return first_page_url if number == 1 else f"{first_page_url}page/{number}/"


def feed_url(listing_url: str, name: str) -> str:
    return f"{listing_url}{name}"


def output_path(url: str) -> str:
    """Where a URL's file lives under the output folder: /a/b/ -> a/b/index.html."""
    relative = url.lstrip("/")
    return f"{relative}index.html" if url.endswith("/") else relative


def collision_key(path: str) -> str:
    """Paths that would land on one file on a case-insensitive or normalising file system."""
    return unicodedata.normalize("NFC", path).casefold()


def absolute(base_url: str, url: str) -> str:
    return f"{base_url}{url}" if url.startswith("/") else url


def base_path(base_url: str) -> str:
    """The path a site is published under: '/news' for https://example.org/news, '' at a
    host's root. Site paths stay the same; only the links on its pages carry the prefix."""
    return urlsplit(base_url).path.rstrip("/")


def href(prefix: str, url: str) -> str:
    """A site path as a link on the site's pages: /2026/ -> /news/2026/ under /news.
    Other sites' URLs, relative links and protocol-relative URLs pass unchanged."""
    return f"{prefix}{url}" if url.startswith("/") and not url.startswith("//") else url


def term_key(name: str) -> str:
    """What makes two spellings one term: case is ignored, and Turkish dotted capital I (U+0130)
    and dotless small i (U+0131) count as I and i, as in their URL slugs: 'Istanbul' spelled
    with either is the same tag as 'istanbul'."""
    folded = unicodedata.normalize("NFC", name).casefold()
    return folded.replace("i\u0307", "i").replace("\u0131", "i")
