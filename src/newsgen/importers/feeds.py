"""RSS, Atom and JSON Feed files: each entry becomes a record.

RSS and Atom are read by feedparser (every dialect, RFC 822 and ISO dates, HTML sanitised);
JSON Feed, which feedparser does not read, is plain JSON with a published schema. An entry's
categories become tags (a feed has no notion of section); its link becomes an alias. An entry
that is only an excerpt is reported as one (and loses WordPress's "The post … appeared first
on …" line); one without a title is titled with its first words; enclosures and attachments
(podcasts, files, further images) become links at the end of the body, each reported.
"""

from __future__ import annotations

import calendar
import html
import json
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser

from newsgen.errors import BuildFailed, Problem
from newsgen.importers.markup import first_words, to_markdown
from newsgen.importers.record import ArticleRecord, Skipped, SourceResult

# WordPress (and Yoast) end each feed entry with "The post <a>X</a> appeared first on <a>Y</a>."
_APPEARED_FIRST = re.compile(
    r"<p>\s*The post .{0,500}? appeared first on .{0,500}?</p>\s*$", re.DOTALL | re.IGNORECASE
)
# How excerpts end: "[…]", "[...]", "Continue reading", "Read more".
_EXCERPT_END = re.compile(
    r"(?:\[(?:…|&#8230;|&hellip;|\.\.\.)\]|continue reading|read more)\W*$", re.IGNORECASE
)


def read_feed(data: bytes, shown: str) -> SourceResult:
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return _read_json_feed(data, shown)
    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    if parsed.get("bozo") and not parsed.entries:
        exc = parsed.get("bozo_exception")
        line = getattr(exc, "getLineNumber", lambda: 1)() or 1
        column = (getattr(exc, "getColumnNumber", lambda: 0)() or 0) + 1
        raise BuildFailed([Problem(shown, line, column, f"not a readable feed: {exc}")])
    records: list[ArticleRecord] = []
    skipped: list[Skipped] = []
    for number, entry in enumerate(parsed.entries, 1):
        where = Problem(shown, 1, 1, f"entry {number}")
        record = _xml_entry(entry, where)
        if isinstance(record, Skipped):
            skipped.append(record)
        else:
            records.append(record)
    return SourceResult(records=tuple(records), skipped=tuple(skipped))


def _xml_entry(entry: Any, where: Problem) -> ArticleRecord | Skipped:
    notes: list[str] = []
    contents = entry.get("content") or []
    summary_html = entry.get("summary", "")
    content_html = contents[0].get("value", "") if contents else summary_html
    link = entry.get("link", "")
    content_html = _without_appeared_first(content_html, bool(contents), link, notes)
    body, body_notes = to_markdown(content_html)
    title = _plain(entry.get("title", "")) or first_words(body, notes)
    if not title:
        return Skipped(_note(where, "skipped: an entry with no title and no text"), "empty")
    summary = _plain(summary_html) if contents and summary_html else None
    published = _moment(entry, "published")
    updated = _moment(entry, "updated")
    authors = [a.get("name", "").strip() for a in entry.get("authors", []) if a.get("name")]
    tags = [(t.get("label") or t.get("term") or "").strip() for t in entry.get("tags", [])]
    thumbnails = [m.get("url", "") for m in entry.get("media_thumbnail", []) or []]
    enclosures = [
        (str(e.get("href", "")), str(e.get("type", "")), str(e.get("title", "")))
        for e in entry.get("enclosures", [])
        if e.get("href")
    ]
    image, body = _with_enclosures(thumbnails, enclosures, body, notes)
    return ArticleRecord(
        title=title,
        body=body,
        source=_note(where, f"entry {title!r}"),
        source_id=f"feed:{entry.get('id') or link or title}",
        date=published or updated,
        updated=updated if published and updated and updated > published else None,
        authors=tuple(dict.fromkeys(authors)),
        tags=tuple(dict.fromkeys(t for t in tags if t)),
        summary=summary if summary and summary != _plain(content_html) else None,
        image=image,
        aliases=(link,) if link else (),
        warnings=(*notes, *body_notes),
    )


def _without_appeared_first(content: str, full: bool, link: str, notes: list[str]) -> str:
    """The entry's HTML without WordPress's closing credit line; an excerpt is reported."""
    found = _APPEARED_FIRST.search(content)
    if found is not None:
        content = content[: found.start()]
    if not full and (found is not None or _EXCERPT_END.search(_plain(content))):
        where = f"; the full text is at {link}" if link else ""
        notes.append(f"the feed holds only an excerpt of this entry{where}")
    return content


def _with_enclosures(
    thumbnails: list[str], enclosures: list[tuple[str, str, str]], body: str, notes: list[str]
) -> tuple[str | None, str]:
    """The lead image (a thumbnail, else the first image enclosure); every other enclosure,
    which newsgen has no field for, as a link at the end of the body."""
    image = next((t for t in thumbnails if t), None)
    links = []
    for url, kind, label in enclosures:
        if image is None and kind.startswith("image/"):
            image = url
            continue
        name = label or url.rstrip("/").rsplit("/", 1)[-1] or url
        what = kind.split("/", 1)[0] if "/" in kind else "file"
        noun = {"audio": "Audio", "video": "Video", "image": "Image"}.get(what, "File")
        escaped = name.replace("[", "\\[").replace("]", "\\]")
        links.append(f"{noun}: [{escaped}]({url.replace(' ', '%20')})")
        notes.append(f"the enclosure {url} ({kind or 'no type'}) became a link at the end")
    if links:
        body = body.rstrip("\n") + "\n\n" + "\n\n".join(links) + "\n"
    return image, body


def _moment(entry: dict[str, Any], key: str) -> datetime | None:
    """The date as written (its offset kept); feedparser's UTC reading when it is unusual.

    Read with dict.get: feedparser's own get() answers 'updated' with the published date.
    """
    text = dict.get(entry, key)
    if isinstance(text, str) and text.strip():
        for parse in (datetime.fromisoformat, parsedate_to_datetime):
            try:
                moment = parse(text.strip().replace("Z", "+00:00"))
            except (ValueError, TypeError, IndexError):
                continue
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    parsed: time.struct_time | None = dict.get(entry, f"{key}_parsed")
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC) if parsed else None


def _read_json_feed(data: bytes, shown: str) -> SourceResult:
    try:
        feed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line, column = (exc.lineno, exc.colno) if isinstance(exc, json.JSONDecodeError) else (1, 1)
        raise BuildFailed(
            [Problem(shown, line, column, f"not a readable JSON Feed: {exc}")]
        ) from None
    items = feed.get("items") if isinstance(feed, dict) else None
    if not isinstance(items, list):
        raise BuildFailed([Problem(shown, 1, 1, "not a JSON Feed: it has no 'items' list")])
    records: list[ArticleRecord] = []
    skipped: list[Skipped] = []
    feed_authors = _json_authors(feed)
    for number, item in enumerate(items, 1):
        where = Problem(shown, 1, 1, f"item {number}")
        if not isinstance(item, dict):
            skipped.append(Skipped(_note(where, "skipped: an item that is not an object"), "empty"))
            continue
        notes: list[str] = []
        content = item.get("content_html") or _text_as_html(item.get("content_text") or "")
        link = str(item.get("url") or "")
        if not (item.get("content_html") or item.get("content_text")):
            content = _text_as_html(str(item.get("summary") or ""))
            if content:
                where_full = f"; the full text is at {link}" if link else ""
                notes.append(f"the feed holds only an excerpt of this entry{where_full}")
        content = _without_appeared_first(str(content), True, link, notes)
        body, body_notes = to_markdown(content)
        notes.extend(body_notes)
        title = _plain(str(item.get("title") or "")) or first_words(body, notes)
        if not title:
            message = "skipped: an item with no title and no text"
            skipped.append(Skipped(_note(where, message), "empty"))
            continue
        attachments = [
            (str(a.get("url", "")), str(a.get("mime_type", "")), str(a.get("title", "")))
            for a in item.get("attachments", []) or []
            if isinstance(a, dict) and a.get("url")
        ]
        lead = [str(item.get("image") or item.get("banner_image") or "")]
        image, body = _with_enclosures(lead, attachments, body, notes)
        published = _iso(item.get("date_published"))
        updated = _iso(item.get("date_modified"))
        records.append(
            ArticleRecord(
                title=title,
                body=body,
                source=_note(where, f"item {title!r}"),
                source_id=f"feed:{item.get('id') or link or title}",
                date=published or updated,
                updated=updated if published and updated and updated > published else None,
                authors=_json_authors(item) or feed_authors,
                tags=tuple(dict.fromkeys(str(t).strip() for t in item.get("tags", []) if t)),
                summary=(str(item.get("summary") or "").strip() or None)
                if item.get("content_html") or item.get("content_text")
                else None,
                image=image,
                aliases=(link,) if link else (),
                warnings=tuple(notes),
            )
        )
    return SourceResult(records=tuple(records), skipped=tuple(skipped))


def _json_authors(holder: Mapping[str, Any]) -> tuple[str, ...]:
    people = holder.get("authors") or ([holder["author"]] if holder.get("author") else [])
    names = [str(p.get("name", "")).strip() for p in people if isinstance(p, dict)]
    return tuple(n for n in names if n)


def _iso(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _text_as_html(text: str) -> str:
    return "".join(f"<p>{html.escape(p.strip())}</p>" for p in text.split("\n\n") if p.strip())


def _plain(text: str) -> str:
    """Text of a possibly-HTML string: tags dropped, entities decoded, spaces collapsed."""
    if "<" in text or "&" in text:
        from lxml import html as lxml_html  # noqa: PLC0415

        text = lxml_html.fromstring(f"<div>{text}</div>").text_content()
    return " ".join(text.split())


def _note(where: Problem, message: str) -> Problem:
    return Problem(where.path, where.line, where.column, message)
