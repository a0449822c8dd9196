"""Render each planned `Feed` as RSS 2.0 and Atom 1.0 (through feedgen) and as JSON Feed 1.1.

Deterministic: a feed's date is its newest entry's, never the build time, and entries keep the
plan's order. Every URL, including those inside article bodies, is absolute. The publication is
each feed's author, so an entry without a byline still has one (RFC 4287, section 4.1.1).
The lead image travels as Media RSS (`media:content`, `media:thumbnail`), which feed readers
show as the entry's picture, and with the dateline at the top of the content, which every
reader shows; an `enclosure` would need the file's length and reads as a download.
"""

from __future__ import annotations

import functools
import html
import json
import mimetypes
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from newsgen.content import urls
from newsgen.content.config import Config, is_svg
from newsgen.content.kinds import AUTHOR, terms_of_kinds
from newsgen.content.markdown import absolutize
from newsgen.model import Article, PlannedFile, RenderedArticle, Unit, input_digest
from newsgen.outputs.cards import image_url
from newsgen.plan.archive import Feed, SitePlan

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator

# An empty feed still needs a date; a fixed one keeps the output reproducible.
EMPTY_FEED_DATE = datetime(1970, 1, 1, tzinfo=UTC)

# RSS elements that hold plain text. The RSS Advisory Board's profile asks for "&" and "<" in
# them as hexadecimal character references, or feed validators take the text for HTML.
_RSS_TEXT = re.compile(rb"(<(title|category|dc:creator)>)([^<]*)(</\2>)")
_RSS_TEXT_ESCAPES = ((b"&amp;", b"&#x26;"), (b"&lt;", b"&#x3C;"))


def render(site: SitePlan, config: Config, site_key: str) -> Iterator[PlannedFile]:
    """Each feed in three formats, planned with a key of its entries and the settings."""
    for unit in units(site, config, site_key):
        yield from unit.files()


def units(site: SitePlan, config: Config, site_key: str) -> Iterator[Unit]:
    """One unit per feed: its three formats change together."""
    for feed in site.feeds:
        signature = (feed.title, feed.page_url, tuple(r.digest for r in feed.articles))
        yield Unit(
            f"feed {feed.page_url}",
            signature,
            partial(_files, feed, config, site_key),
            reads=frozenset(r.article.source for r in feed.articles),
        )


def _files(feed: Feed, config: Config, site_key: str) -> Iterator[PlannedFile]:
    key = input_digest(
        (site_key, feed.title, feed.page_url, tuple(r.digest for r in feed.articles))
    )
    generator = functools.cache(partial(_generator, feed, config))
    for url, name in ((feed.rss_url, "rss"), (feed.atom_url, "atom")):
        yield PlannedFile(
            urls.output_path(url),
            f"{key}-{name}",
            partial(_xml_feed, generator, name, url, feed.page_url, config),
        )
    yield PlannedFile(
        urls.output_path(feed.json_url), f"{key}-json", partial(json_feed, feed, config)
    )


def _xml_feed(
    generator: Callable[[], FeedGenerator], name: str, url: str, page_url: str, config: Config
) -> bytes:
    feed = generator()
    feed.link(href=urls.absolute(config.base_url, url), rel="self", replace=True)
    feed.link(href=urls.absolute(config.base_url, page_url), rel="alternate")
    if name == "atom":
        return bytes(feed.atom_str(pretty=True))
    return rss_bytes(feed)


def rss_bytes(feed: FeedGenerator) -> bytes:
    """The feed as RSS 2.0, with plain-text elements escaped as the RSS profile asks."""
    return _RSS_TEXT.sub(_hex_references, bytes(feed.rss_str(pretty=True)))


def _hex_references(match: re.Match[bytes]) -> bytes:
    text = match[3]
    for entity, reference in _RSS_TEXT_ESCAPES:
        text = text.replace(entity, reference)
    return match[1] + text + match[4]


def json_feed(feed: Feed, config: Config) -> bytes:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of the same entries."""
    edition = config.edition(feed.language)
    data: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": urls.absolute(config.base_url, feed.page_url),
        "feed_url": urls.absolute(config.base_url, feed.json_url),
        "language": edition.code,
        "authors": [_publication(config, feed)],
    }
    if edition.description:
        data["description"] = edition.description
    data["items"] = [_json_item(rendered, config) for rendered in feed.articles]
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _json_item(rendered: RenderedArticle, config: Config) -> dict[str, Any]:
    article = rendered.article
    link = urls.absolute(config.base_url, article.url)
    full = config.feeds.content == "full"
    item: dict[str, Any] = {
        "id": link,
        "url": link,
        "title": article.title,
        "content_html": _lead_html(rendered, config)
        + absolutize(rendered.html if full else rendered.summary_html, link),
        "summary": rendered.summary_text,
        "date_published": article.date.isoformat(),
        "date_modified": _modified(rendered).isoformat(),
    }
    if article.authors:
        item["authors"] = [
            {
                "name": name,
                "url": urls.absolute(
                    config.base_url,
                    config.edition(article.language).prefix + urls.term_url(AUTHOR, name),
                ),
            }
            for name in article.authors
        ]
    categories = _categories(article, config)
    if categories:
        item["tags"] = list(categories)
    if article.image:
        item["image"] = image_url(article, config)
    return item


def _categories(article: Article, config: Config) -> tuple[str, ...]:
    """The entry's categories: its terms of every kind but author (bylines have fields of
    their own), kind by kind in the table's order: section, tags, then the site's kinds."""
    return terms_of_kinds((kind for kind in config.term_kinds if kind is not AUTHOR), article)


def _publication(config: Config, feed: Feed) -> dict[str, str]:
    """The publication in the feed's language: its title and front page."""
    edition = config.edition(feed.language)
    return {
        "name": edition.title,
        "url": urls.absolute(config.base_url, edition.prefix + urls.HOME),
    }


def _lead_html(rendered: RenderedArticle, config: Config) -> str:
    """The lead image and the dateline, as the article page shows them above the body."""
    article = rendered.article
    parts = []
    image = image_url(article, config)
    if image:
        alt = html.escape(article.image_alt or "")
        parts.append(f'<figure><img src="{html.escape(image)}" alt="{alt}"></figure>\n')
    if article.dateline:
        parts.append(f'<p class="dateline">{html.escape(article.dateline)} —</p>\n')
    return "".join(parts)


def _generator(feed: Feed, config: Config) -> FeedGenerator:
    # Imported here: a build that renders no feed does not pay for feedgen and lxml.
    from feedgen.feed import FeedGenerator  # noqa: PLC0415

    generator = FeedGenerator()
    generator.load_extension("dc")
    generator.load_extension("media")
    generator.id(urls.absolute(config.base_url, feed.page_url))
    generator.title(feed.title)
    publication = _publication(config, feed)
    edition = config.edition(feed.language)
    generator.author(name=publication["name"], uri=publication["url"])
    if config.logo and not is_svg(config.logo):  # RSS images are GIF, JPEG or PNG
        generator.logo(urls.absolute(config.base_url, config.logo))
    generator.description(edition.description or edition.title)
    generator.language(edition.code)
    generator.generator("newsgen")
    newest = max((_modified(r) for r in feed.articles), default=EMPTY_FEED_DATE)
    generator.updated(newest)
    generator.lastBuildDate(newest)
    for rendered in feed.articles:
        _add_entry(generator, rendered, config)
    return generator


def _add_entry(generator: FeedGenerator, rendered: RenderedArticle, config: Config) -> None:
    article = rendered.article
    link = urls.absolute(config.base_url, article.url)
    entry = generator.add_entry(order="append")
    entry.id(link)
    entry.guid(link, permalink=True)
    entry.title(article.title)
    entry.link(href=link)
    entry.published(article.date)
    entry.updated(_modified(rendered))
    if article.authors:
        # One call each: feedgen rebuilds its whole list on every call.
        entry.author([{"name": name} for name in article.authors])
        entry.dc.dc_creator(list(article.authors))
    terms = [{"term": term} for term in _categories(article, config)]
    if terms:
        entry.category(terms)
    lead = _lead_html(rendered, config)
    if config.feeds.content == "full":
        entry.summary(absolutize(rendered.summary_html, link), type="html")
        entry.content(lead + absolutize(rendered.html, link), type="html")
    else:
        entry.summary(lead + absolutize(rendered.summary_html, link), type="html")
    image = image_url(article, config)
    if image:
        kind = mimetypes.guess_type(urlsplit(image).path)[0]
        media = {"url": image, "medium": "image", **({"type": kind} if kind else {})}
        entry.media.content(media, group=None)
        entry.media.thumbnail({"url": image}, group=None)


def _modified(rendered: RenderedArticle) -> datetime:
    return rendered.article.modified
