"""Render each planned `Feed` as RSS 2.0 and Atom 1.0 through feedgen.

Deterministic: a feed's date is its newest entry's, never the build time, and entries keep the
plan's order. Every URL, including those inside article bodies, is absolute.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from newsgen import urls
from newsgen.archive import Feed, SitePlan
from newsgen.config import Config
from newsgen.markdown import absolutize
from newsgen.model import OutputFile, RenderedArticle

# An empty feed still needs a date; a fixed one keeps the output reproducible.
EMPTY_FEED_DATE = datetime(1970, 1, 1, tzinfo=UTC)


def render(site: SitePlan, config: Config) -> Iterator[OutputFile]:
    for feed in site.feeds:
        generator = _generator(feed, config)
        for url, write in ((feed.rss_url, generator.rss_str), (feed.atom_url, generator.atom_str)):
            generator.link(href=urls.absolute(config.base_url, url), rel="self", replace=True)
            generator.link(href=urls.absolute(config.base_url, feed.page_url), rel="alternate")
            yield OutputFile(urls.output_path(url), write(pretty=True))


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
    for name in article.authors:
        entry.author(name=name)
        entry.dc.dc_creator(name)
    for term in filter(None, (article.section, *article.tags)):
        entry.category(term=term)
    entry.summary(absolutize(rendered.summary_html, link), type="html")
    if config.feeds.content == "full":
        entry.content(absolutize(rendered.html, link), type="html")


def _modified(rendered: RenderedArticle) -> datetime:
    return rendered.article.updated or rendered.article.date
