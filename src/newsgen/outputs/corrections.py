"""The corrections page (/corrections/) and its RSS, Atom and JSON feeds, plus the JSON-LD
`CorrectionComment`s of an article: corrections in the open, for readers and press councils.

Each correction is one feed entry, identified by its place on its article's page, so a reader
subscribed to the feed sees each correction once. Deterministic: the feeds' date is the newest
correction's, never the build time.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from functools import partial
from typing import Any

import jinja2

from newsgen.content import urls
from newsgen.content.config import Config
from newsgen.content.markdown import absolutize
from newsgen.model import Article, PlannedFile, Unit, input_digest
from newsgen.outputs.feeds import EMPTY_FEED_DATE, rss_bytes
from newsgen.plan.archive import Feed, SitePlan
from newsgen.plan.corrections import Correction, anchor

TEMPLATE = "corrections.html"
_TAG = re.compile(r"<[^>]*>")


def units(
    site: SitePlan, env: jinja2.Environment, config: Config, page_key: str, feed_key: str
) -> Iterator[Unit]:
    """The page and the feeds, each keyed as pages and feeds are."""
    yield page_unit(site, env, config, page_key)
    yield feed_unit(site, config, feed_key)


def correction_comments(article: Article, url: str) -> list[dict[str, Any]]:
    """schema.org CorrectionComment of each correction, for the article's NewsArticle."""
    return [
        {
            "@type": "CorrectionComment",
            "url": f"{url}#{anchor(number)}",
            "text": _text(notice.html),
            "datePublished": _date(notice.date.isoformat(), notice.date_only),
        }
        for number, notice in enumerate(article.corrections, start=1)
    ]


def _text(fragment: str) -> str:
    """A correction's HTML as plain text: markup dropped, not turned into spaces as in
    summaries, so that '<em>Ada</em>,' stays 'Ada,'."""
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


def _date(iso: str, date_only: bool) -> str:
    return iso[:10] if date_only else iso


def feed(config: Config) -> Feed:
    """The corrections feed's title and URLs (its entries are corrections, not articles)."""
    return Feed(f"Corrections · {config.title}", urls.CORRECTIONS, ())


def page_unit(site: SitePlan, env: jinja2.Environment, config: Config, site_key: str) -> Unit:
    """/corrections/: keyed by the navigation and what it shows of every correction."""
    nav = tuple((section.title, section.url) for section in site.sections)
    signature = tuple(c.signature for c in site.corrections)

    def files() -> Iterator[PlannedFile]:
        key = input_digest((site_key, nav, TEMPLATE, urls.CORRECTIONS, signature))
        context = {
            "canonical_url": urls.CORRECTIONS,
            "sections": site.sections,
            "corrections": site.corrections,
            "feed": feed(config),
        }
        yield PlannedFile(urls.output_path(urls.CORRECTIONS), key, partial(_page, env, context))

    return Unit("corrections page", signature, files)


def _page(env: jinja2.Environment, context: dict[str, Any]) -> bytes:
    return env.get_template(TEMPLATE).render(**context).encode("utf-8")


def feed_unit(site: SitePlan, config: Config, site_key: str) -> Unit:
    """The three corrections feeds, which change together."""
    items = site.corrections[: config.feeds.items]
    signature = tuple(c.signature for c in items)

    def files() -> Iterator[PlannedFile]:
        key = input_digest((site_key, "corrections", signature))
        about = feed(config)
        for url, render in (
            (about.rss_url, partial(_xml, items, config, "rss")),
            (about.atom_url, partial(_xml, items, config, "atom")),
            (about.json_url, partial(_json, items, config)),
        ):
            yield PlannedFile(urls.output_path(url), f"{key}-{url}", render)

    return Unit("corrections feed", signature, files)


def _title(correction: Correction) -> str:
    return f"Correction: {correction.article.title}"


def _xml(items: tuple[Correction, ...], config: Config, name: str) -> bytes:
    # Imported here, as in feeds.py: a build that renders no feed does not pay for feedgen.
    from feedgen.feed import FeedGenerator  # noqa: PLC0415

    about = feed(config)
    generator = FeedGenerator()
    generator.id(urls.absolute(config.base_url, urls.CORRECTIONS))
    generator.title(about.title)
    home = urls.absolute(config.base_url, urls.HOME)
    generator.author(name=config.title, uri=home)
    generator.description(f"Every correction published by {config.title}")
    generator.language(config.language)
    generator.generator("newsgen")
    self_url = about.atom_url if name == "atom" else about.rss_url
    generator.link(href=urls.absolute(config.base_url, self_url), rel="self")
    generator.link(href=urls.absolute(config.base_url, urls.CORRECTIONS), rel="alternate")
    newest = items[0].notice.date if items else EMPTY_FEED_DATE
    generator.updated(newest)
    generator.lastBuildDate(newest)
    for correction in items:
        link = urls.absolute(config.base_url, correction.url)
        entry = generator.add_entry(order="append")
        entry.id(link)
        entry.guid(link, permalink=True)
        entry.title(_title(correction))
        entry.link(href=link)
        entry.published(correction.notice.date)
        entry.updated(correction.notice.date)
        text = absolutize(correction.notice.html, link)
        # As the article feeds: a summary (RSS description) and the content (content:encoded).
        entry.summary(text, type="html")
        entry.content(text, type="html")
    if name == "atom":
        return bytes(generator.atom_str(pretty=True))
    return rss_bytes(generator)


def _json(items: tuple[Correction, ...], config: Config) -> bytes:
    about = feed(config)
    data: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": about.title,
        "home_page_url": urls.absolute(config.base_url, urls.CORRECTIONS),
        "feed_url": urls.absolute(config.base_url, about.json_url),
        "description": f"Every correction published by {config.title}",
        "language": config.language,
        "authors": [{"name": config.title, "url": urls.absolute(config.base_url, urls.HOME)}],
        "items": [
            {
                "id": (link := urls.absolute(config.base_url, c.url)),
                "url": link,
                "title": _title(c),
                "content_html": absolutize(c.notice.html, link),
                "date_published": c.notice.date.isoformat(),
            }
            for c in items
        ],
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
