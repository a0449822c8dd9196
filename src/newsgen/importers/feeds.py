"""RSS, Atom and JSON Feed files: each entry becomes a record.

RSS and Atom are read by feedparser (every dialect, RFC 822 and ISO dates, HTML sanitised);
JSON Feed, which feedparser does not read, is plain JSON with a published schema. An entry's
categories become tags (a feed has no notion of section); its link becomes an alias.
"""

from __future__ import annotations

import calendar
import html
import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser

from newsgen.errors import BuildFailed, Problem
from newsgen.importers.markup import to_markdown
from newsgen.importers.record import ArticleRecord, Skipped, SourceResult


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
    title = _plain(entry.get("title", ""))
    if not title:
        return Skipped(_note(where, "skipped: an entry with no title"), "untitled")
    contents = entry.get("content") or []
    summary_html = entry.get("summary", "")
    content_html = contents[0].get("value", "") if contents else summary_html
    body, notes = to_markdown(content_html)
    summary = _plain(summary_html) if contents and summary_html else None
    published = _moment(entry, "published")
    updated = _moment(entry, "updated")
    authors = [a.get("name", "").strip() for a in entry.get("authors", []) if a.get("name")]
    tags = [(t.get("label") or t.get("term") or "").strip() for t in entry.get("tags", [])]
    images = [m.get("url", "") for m in entry.get("media_thumbnail", []) or []] + [
        e.get("href", "") for e in entry.get("enclosures", []) if _is_image(e)
    ]
    link = entry.get("link", "")
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
        image=next((i for i in images if i), None),
        aliases=(link,) if link else (),
        warnings=notes,
    )


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
        title = _plain(str(item.get("title") or "")) if isinstance(item, dict) else ""
        if not title:
            skipped.append(Skipped(_note(where, "skipped: an item with no title"), "untitled"))
            continue
        content = item.get("content_html") or _text_as_html(item.get("content_text") or "")
        body, notes = to_markdown(content)
        published = _iso(item.get("date_published"))
        updated = _iso(item.get("date_modified"))
        link = str(item.get("url") or "")
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
                summary=str(item.get("summary") or "").strip() or None,
                image=item.get("image") or item.get("banner_image") or None,
                aliases=(link,) if link else (),
                warnings=notes,
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


def _is_image(enclosure: Mapping[str, Any]) -> bool:
    return str(enclosure.get("type", "")).startswith("image/")


def _note(where: Problem, message: str) -> Problem:
    return Problem(where.path, where.line, where.column, message)
