"""Scraped pages: plain text files (headline line, one paragraph a line) and HTML pages.

HTML pages go through trafilatura, which finds the article among navigation, comments and
footers and reads the title, date and author from the page's metadata. Both kinds then lose
trailing boilerplate ("Leave a Reply", share buttons) and have a leading dateline recognised.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from newsgen.errors import Problem
from newsgen.importers.files import decode
from newsgen.importers.markup import to_markdown
from newsgen.importers.record import ArticleRecord, Skipped, SourceResult

# Whole lines (case-insensitive) that scraped pages end with; `--boilerplate` adds more.
DEFAULT_BOILERPLATE = (
    r"leave a (reply|comment)",
    r"(share|like) this:?",
    r"(click to )?(share|print|email)( on| to)? .{0,40}",
    r"(facebook|twitter|x|linkedin|e-?mail|print|whatsapp|reddit|telegram|pinterest|tumblr"
    r"|pocket|threads|bluesky|mastodon|more)",
    r"related( posts| articles| stories)?:?",
    r"loading(\.\.\.|…)?",
    r"(\d+ )?comments?( \(\d+\))?:?",
    r"you must be logged in to post a comment\.?",
    r"your email address will not be published\..*",
    r"required fields are marked \*",
    r"(cancel|post) (reply|comment)",
    r"comments are closed\.?",
    r"(posted in|filed under|tagged|categories|tags):? .{0,200}",
)
_DATE_IN_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
# "ANCHORAGE, Alaska — In a bold move": a place, then an em or en dash (or "--").
_DATELINE = re.compile(r"^(?P<place>[^\u2014\u2013\n]{2,80}?)\s+(?:\u2014|\u2013|--)\s+(?=\S)")


def boilerplate_patterns(extra: Sequence[str]) -> tuple[re.Pattern[str], ...]:
    """The default patterns and the user's, each matching a whole line, ignoring case."""
    return tuple(re.compile(rf"(?:{p})", re.IGNORECASE) for p in (*DEFAULT_BOILERPLATE, *extra))


def read_text(
    data: bytes, path: Path, shown: str, boilerplate: Sequence[re.Pattern[str]]
) -> SourceResult:
    """A text page: the first line is the headline, every other line a paragraph."""
    text, decoding = _decode(data, shown)
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    lines = _without_trailing(lines, boilerplate)
    if len(lines) < 2:
        where = Problem(shown, 1, 1, "skipped: no headline and body (an empty page?)")
        return SourceResult(skipped=(Skipped(where, "empty"),))
    title, paragraphs = lines[0], lines[1:]
    dateline, paragraphs[0] = split_dateline(paragraphs[0])
    html_text = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    body, notes = to_markdown(html_text)
    record = ArticleRecord(
        title=title,
        body=body,
        source=Problem(shown, 1, 1, "a text page"),
        source_id=_content_id(data),
        date=_date_from_name(path),
        dateline=dateline,
        warnings=notes,
    )
    return SourceResult(records=(record,), warnings=decoding)


def read_html(
    data: bytes, path: Path, shown: str, boilerplate: Sequence[re.Pattern[str]]
) -> SourceResult:
    """An HTML page: trafilatura extracts the article and its metadata."""
    import trafilatura  # noqa: PLC0415 - heavy, and only HTML pages need it

    page, decoding = _decode(data, shown)
    found = trafilatura.bare_extraction(page, with_metadata=True)
    content = trafilatura.extract(
        page,
        output_format="html",
        include_images=True,
        include_links=True,
        include_formatting=True,
        include_comments=False,
    )
    title = (getattr(found, "title", None) or "").strip() if found is not None else ""
    if not content or not title:
        where = Problem(shown, 1, 1, "skipped: no article text or headline found in the page")
        return SourceResult(skipped=(Skipped(where, "empty"),))
    body, notes = to_markdown(content)
    paragraphs = _without_trailing(body.strip().split("\n\n"), boilerplate)
    if paragraphs and paragraphs[0].lstrip("# ").strip() == title:
        paragraphs = paragraphs[1:]  # the headline again, as the page's <h1>
    dateline = None
    if paragraphs:
        dateline, paragraphs[0] = split_dateline(paragraphs[0])
    author = (getattr(found, "author", None) or "").strip()
    record = ArticleRecord(
        title=title,
        body="\n\n".join(paragraphs) + "\n",
        source=Problem(shown, 1, 1, "an HTML page"),
        source_id=_content_id(data),
        date=_page_date(getattr(found, "date", None)) or _date_from_name(path),
        authors=tuple(a.strip() for a in author.split(";") if a.strip()),
        summary=(getattr(found, "description", None) or "").strip() or None,
        dateline=dateline,
        warnings=notes,
    )
    return SourceResult(records=(record,), warnings=decoding)


def split_dateline(paragraph: str) -> tuple[str | None, str]:
    """('ANCHORAGE, Alaska', 'In a bold…') from 'ANCHORAGE, Alaska — In a bold…'.

    The place must start with a word in capitals, as wire-style datelines do, so that a
    sentence with a dash in it is left alone.
    """
    match = _DATELINE.match(paragraph)
    if match is None:
        return None, paragraph
    place = match.group("place").strip()
    first_word = re.split(r"[\s,(]", place, maxsplit=1)[0]
    if len(first_word) < 2 or not first_word.isupper():
        return None, paragraph
    return place, paragraph[match.end() :]


def _without_trailing(lines: list[str], patterns: Sequence[re.Pattern[str]]) -> list[str]:
    kept = list(lines)
    while kept and (
        not kept[-1].strip()
        or any(p.fullmatch(kept[-1].strip().strip("#*_ ").strip()) for p in patterns)
    ):
        kept.pop()
    return kept


def _decode(data: bytes, shown: str) -> tuple[str, tuple[Problem, ...]]:
    """UTF-8, else Windows-1252 (as old scrapes often are), said in a warning at the first
    byte that is not UTF-8; bytes neither can read become U+FFFD, also said."""
    text, problem = decode(data, shown)
    if problem is None:
        return text, ()
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return text, (problem,)
    message = problem.message.split(":", 1)[0] + "; the page was read as Windows-1252"
    warning = Problem(problem.path, problem.line, problem.column, message)
    return text.replace("\r\n", "\n").replace("\r", "\n"), (warning,)


def _date_from_name(path: Path) -> date | None:
    match = _DATE_IN_NAME.match(path.name)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _page_date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _content_id(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()[:32]
