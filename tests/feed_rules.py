"""The rules of RFC 4287 (Atom), RSS 2.0 and JSON Feed 1.1 that feed validators enforce, as
functions from a feed's bytes and its own URL to a list of broken rules (empty when valid).

feedparser accepts feeds that break these rules (an Atom entry with no author anywhere, a
relative link, a pubDate on the wrong weekday), so tests check them here, one by one.
"""

from __future__ import annotations

import email.utils
import json
import re
from collections import Counter
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import lxml.etree
import lxml.html

ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"

# RFC 3339 section 5.6 date-time: a full date, a full time, and Z or a numeric offset.
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
# RFC 822 section 5 as RSS 2.0 uses it, with the four-digit year validators insist on.
RFC822 = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}:\d{2} ([+-]\d{4}|GMT|UT)"
)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Characters RFC 3987 never allows in an IRI.
NOT_IN_IRI = re.compile(r'[\s<>"{}|\\^`\x00-\x1f\x7f]')
# An end tag of an HTML element: what makes a validator take plain text for HTML.
HTML_END_TAG = re.compile(r"</(a|b|i|p|em|strong|div|span|script|br|img|code|pre|ul|li)>", re.I)


def atom_problems(data: bytes, own_url: str) -> list[str]:
    feed = lxml.etree.fromstring(data)
    problems: list[str] = []
    if feed.tag != f"{ATOM}feed":
        return [f"root element is {feed.tag}, not atom:feed"]
    problems += _exactly_one(feed, ("id", "title", "updated"), "feed")
    problems += _iri(feed.findtext(f"{ATOM}id"), "feed id")
    problems += _rfc3339(feed.findtext(f"{ATOM}updated"), "feed updated")
    problems += _text_construct(feed.find(f"{ATOM}title"), "feed title")
    feed_has_author = _has_author(feed)
    links = feed.findall(f"{ATOM}link")
    selves = [link.get("href") for link in links if link.get("rel") == "self"]
    if selves != [own_url]:
        problems.append(f"feed self links {selves}, expected exactly [{own_url!r}]")
    if not [link for link in links if link.get("rel", "alternate") == "alternate"]:
        problems.append("feed has no link rel=alternate")
    for link in links:
        problems += _absolute(link.get("href"), "feed link")
    ids = []
    for number, entry in enumerate(feed.findall(f"{ATOM}entry"), start=1):
        where = f"entry {number}"
        problems += _exactly_one(entry, ("id", "title", "updated"), where)
        ids.append(entry.findtext(f"{ATOM}id"))
        problems += _iri(entry.findtext(f"{ATOM}id"), f"{where} id")
        problems += _text_construct(entry.find(f"{ATOM}title"), f"{where} title")
        for name in ("updated", "published"):
            if entry.find(f"{ATOM}{name}") is not None:
                problems += _rfc3339(entry.findtext(f"{ATOM}{name}"), f"{where} {name}")
        if not feed_has_author and not _has_author(entry):
            problems.append(f"{where} has no author, and neither has the feed (RFC 4287 4.1.1)")
        entry_links = entry.findall(f"{ATOM}link")
        if not [link for link in entry_links if link.get("rel", "alternate") == "alternate"]:
            problems.append(f"{where} has no link rel=alternate")
        for link in entry_links:
            problems += _absolute(link.get("href"), f"{where} link")
        for name in ("summary", "content"):
            element = entry.find(f"{ATOM}{name}")
            if element is not None:
                problems += _text_construct(element, f"{where} {name}")
        problems += _media(entry, where)
    problems += [f"duplicate entry id {i}" for i, n in Counter(ids).items() if n > 1]
    return problems


def rss_problems(data: bytes, own_url: str) -> list[str]:
    rss = lxml.etree.fromstring(data)
    problems: list[str] = []
    if rss.tag != "rss" or rss.get("version") != "2.0":
        return ["root element is not <rss version='2.0'>"]
    channel = rss.find("channel")
    if channel is None:
        return ["no channel"]
    for name in ("title", "link", "description"):
        if not (channel.findtext(name) or "").strip():
            problems.append(f"channel has no {name}")
    problems += _absolute(channel.findtext("link"), "channel link")
    selves = [
        link.get("href") for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"
    ]
    if selves != [own_url]:
        problems.append(f"channel atom:link rel=self {selves}, expected [{own_url!r}]")
    for name in ("pubDate", "lastBuildDate"):
        if channel.find(name) is not None:
            problems += _rfc822(channel.findtext(name), f"channel {name}")
    image = channel.find("image")
    if image is not None:
        problems += _absolute(image.findtext("url"), "channel image url")
        if image.findtext("link") != channel.findtext("link"):
            problems.append("channel image link differs from the channel link")
    guids = []
    for number, item in enumerate(channel.findall("item"), start=1):
        problems += _rss_item(item, f"item {number}")
        guids.append(item.findtext("guid"))
    problems += [f"duplicate guid {g}" for g, n in Counter(guids).items() if g and n > 1]
    problems += _plain_text_escapes(data)
    return problems


def _rss_item(item: Any, where: str) -> list[str]:
    problems = []
    if not item.findtext("title") and not item.findtext("description"):
        problems.append(f"{where} has neither title nor description")
    problems += _absolute(item.findtext("link"), f"{where} link")
    guid = item.find("guid")
    # A guid is a permalink unless it says otherwise, and a permalink is a URL.
    if guid is not None and guid.get("isPermaLink", "true") == "true":
        problems += _absolute(guid.text, f"{where} guid (isPermaLink)")
    if item.find("pubDate") is not None:
        problems += _rfc822(item.findtext("pubDate"), f"{where} pubDate")
    for name in ("description", CONTENT_ENCODED):
        problems += _html_urls(item.findtext(name), f"{where} {name}")
    return problems + _media(item, where)


def json_feed_problems(data: bytes, own_url: str) -> list[str]:
    feed: dict[str, Any] = json.loads(data)
    problems: list[str] = []
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append(f"version is {feed.get('version')!r}")
    if not isinstance(feed.get("title"), str) or not feed["title"]:
        problems.append("no title")
    if feed.get("feed_url") != own_url:
        problems.append(f"feed_url {feed.get('feed_url')!r}, expected {own_url!r}")
    problems += _absolute(feed.get("home_page_url"), "home_page_url")
    items = feed.get("items")
    if not isinstance(items, list):
        return [*problems, "items is not a list"]
    ids = []
    for number, item in enumerate(items, start=1):
        where = f"item {number}"
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append(f"{where} has no string id")
        ids.append(item.get("id"))
        problems += _absolute(item.get("url"), f"{where} url")
        problems += _rfc3339(item.get("date_published"), f"{where} date_published")
        if "date_modified" in item:
            problems += _rfc3339(item["date_modified"], f"{where} date_modified")
        if not item.get("content_html") and not item.get("content_text"):
            problems.append(f"{where} has neither content_html nor content_text")
        problems += _html_urls(item.get("content_html"), f"{where} content_html")
        if "image" in item:
            problems += _absolute(item["image"], f"{where} image")
        for author in item.get("authors", []):
            if not author.get("name"):
                problems.append(f"{where} has an author with no name")
    problems += [f"duplicate item id {i}" for i, n in Counter(ids).items() if n > 1]
    return problems


def _exactly_one(parent: Any, names: tuple[str, ...], where: str) -> list[str]:
    counts = {name: len(parent.findall(f"{ATOM}{name}")) for name in names}
    return [f"{where} has {n} {name} elements, not one" for name, n in counts.items() if n != 1]


def _has_author(element: Any) -> bool:
    return any(
        (author.findtext(f"{ATOM}name") or "").strip()
        for author in element.findall(f"{ATOM}author")
    )


def _text_construct(element: Any, where: str) -> list[str]:
    """RFC 4287 3.1: text and html constructs hold no child elements; html is escaped markup,
    and plain text does not look like HTML."""
    if element is None:
        return []
    kind = element.get("type", "text")
    problems = []
    if kind not in ("text", "html", "xhtml"):
        problems.append(f"{where} has type {kind!r}")
    if kind in ("text", "html") and len(element):
        problems.append(f"{where} of type {kind} holds child elements: markup not escaped")
    text = element.text or ""
    if kind == "text" and HTML_END_TAG.search(text):
        problems.append(f"{where} is plain text that looks like HTML")
    if kind == "html":
        problems += _html_urls(text, where)
    return problems


def _html_urls(markup: str | None, where: str) -> list[str]:
    """Every link and image inside escaped HTML is absolute: readers show it away from the
    site, and validators warn of relative references."""
    if not markup or not markup.strip():
        return []
    problems = []
    for element in lxml.html.fragments_fromstring(markup):
        if isinstance(element, str):
            continue
        for node in element.iter():
            for attribute in ("href", "src"):
                value = node.get(attribute) if not isinstance(node, str) else None
                if value is not None and not value.startswith("#"):
                    problems += _absolute(value, f"{where} {attribute}")
    return problems


def _media(element: Any, where: str) -> list[str]:
    problems = []
    for name in ("content", "thumbnail"):
        for media in element.iter(f"{MEDIA}{name}"):
            problems += _absolute(media.get("url"), f"{where} media:{name}")
            if name == "content" and media.get("medium") not in (None, "image"):
                problems.append(f"{where} media:content medium {media.get('medium')!r}")
    return problems


def _plain_text_escapes(data: bytes) -> list[str]:
    """The RSS profile's rule that validators apply to plain-text elements: "&" and "<" as
    hexadecimal character references, never as &amp; and &lt;, which read as HTML."""
    problems = []
    pattern = rb"<(title|category|dc:creator)>([^<]*)</\1>"
    for match in re.finditer(pattern, data):
        raw = match[2].decode("utf-8")
        if "&amp;" in raw or "&lt;" in raw:
            problems.append(f"<{match[1].decode()}> escapes & or < as an entity: {raw!r}")
    return problems


def _absolute(url: str | None, where: str) -> list[str]:
    if not url:
        return [f"{where} is missing"]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return [f"{where} is not an absolute URL: {url!r}"]
    return _iri(url, where)


def _iri(value: str | None, where: str) -> list[str]:
    if not value:
        return [f"{where} is missing"]
    if not urlsplit(value).scheme or NOT_IN_IRI.search(value):
        return [f"{where} is not an IRI: {value!r}"]
    return []


def _rfc3339(value: object, where: str) -> list[str]:
    if not isinstance(value, str) or not RFC3339.fullmatch(value):
        return [f"{where} is not an RFC 3339 date-time: {value!r}"]
    datetime.fromisoformat(value)  # a real date: no 31 November
    return []


def _rfc822(value: str | None, where: str) -> list[str]:
    if not value or not RFC822.fullmatch(value):
        return [f"{where} is not an RFC 822 date: {value!r}"]
    moment = email.utils.parsedate_to_datetime(value)
    if WEEKDAYS[moment.weekday()] != value[:3]:
        return [f"{where} names the wrong weekday: {value!r}"]
    return []
