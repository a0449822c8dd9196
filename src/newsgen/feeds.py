"""Render each planned `Feed` as RSS 2.0 and Atom 1.0 (through feedgen) and as JSON Feed 1.1.

Deterministic: a feed's date is its newest entry's, never the build time, and entries keep the
plan's order. Every URL, including those inside article bodies, is absolute.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Any

from feedgen.feed import FeedGenerator

from newsgen import urls
from newsgen.archive import Feed, SitePlan
from newsgen.config import Config
from newsgen.markdown import absolutize
from newsgen.model import PlannedFile, RenderedArticle, input_digest

# An empty feed still needs a date; a fixed one keeps the output reproducible.
EMPTY_FEED_DATE = datetime(1970, 1, 1, tzinfo=UTC)


def render(site: SitePlan, config: Config, site_key: str) -> Iterator[PlannedFile]:
    """Each feed in three formats, planned with a key of its entries and the settings."""
    for feed in site.feeds:
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
    return bytes(feed.rss_str(pretty=True) if name == "rss" else feed.atom_str(pretty=True))


def json_feed(feed: Feed, config: Config) -> bytes:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of the same entries."""
    data: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": urls.absolute(config.base_url, feed.page_url),
        "feed_url": urls.absolute(config.base_url, feed.json_url),
        "language": config.language,
    }
    if config.description:
        data["description"] = config.description
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
        "content_html": absolutize(rendered.html if full else rendered.summary_html, link),
        "summary": rendered.summary_text,
        "date_published": article.date.isoformat(),
        "date_modified": _modified(rendered).isoformat(),
    }
    if article.authors:
        item["authors"] = [
            {"name": name, "url": urls.absolute(config.base_url, urls.term_url("author", name))}
            for name in article.authors
        ]
    if article.section or article.tags:
        item["tags"] = [term for term in (article.section, *article.tags) if term]
    if article.image:
        item["image"] = urls.absolute(config.base_url, article.image)
    return item


def _generator(feed: Feed, config: Config) -> FeedGenerator:
    generator = FeedGenerator()
    generator.load_extension("dc")
    generator.id(urls.absolute(config.base_url, feed.page_url))
    generator.title(feed.title)
    generator.description(config.description or config.title)
    generator.language(config.language)
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
    terms = [{"term": term} for term in filter(None, (article.section, *article.tags))]
    if terms:
        entry.category(terms)
    entry.summary(absolutize(rendered.summary_html, link), type="html")
    if config.feeds.content == "full":
        entry.content(absolutize(rendered.html, link), type="html")


def _modified(rendered: RenderedArticle) -> datetime:
    return rendered.article.updated or rendered.article.date
