"""Render every HTML page of the plan through the Jinja environment, one page at a time.

Pages are yielded as they are rendered so the writer can stream them to disk. Structured data
(JSON-LD) is built here as a dict and serialised safely for a <script> block.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial
from typing import Any

import jinja2

from newsgen import front, urls
from newsgen.archive import ArticlePage, Link, Listing, SitePlan
from newsgen.config import Config
from newsgen.model import PlannedFile, input_digest

# Characters that could end a <script> block or break JavaScript parsing of JSON.
_SCRIPT_SAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def render(
    site: SitePlan, env: jinja2.Environment, config: Config, site_key: str
) -> Iterator[PlannedFile]:
    """Every page, planned with a key of what it shows; `site_key` covers settings and
    templates, so a change to either re-renders every page."""
    # The navigation shows section names only; with their counts in every key, one new
    # article would re-render every page of the site.
    nav = tuple((section.title, section.url) for section in site.sections)
    common = {"sections": site.sections}

    def planned(url: str, key: tuple[object, ...], template: str, **context: Any) -> PlannedFile:
        page = env.get_template(template)
        render_page = partial(_render, page, {"canonical_url": url, **common, **context})
        return PlannedFile(
            urls.output_path(url), input_digest((site_key, nav, template, url, key)), render_page
        )

    for page in site.articles:
        yield planned(
            page.entry.article.url,
            _article_key(page),
            "article.html",
            page=page,
            entry=page.entry,
            json_ld=LazyJsonLd(page, config),
        )
    for listing in site.listings:
        blocks = front.front_sections(site, listing) if front.is_front_page(listing) else ()
        key = (*_listing_key(listing), front.front_key(blocks))
        yield planned(listing.url, key, "list.html", listing=listing, front_sections=blocks)
    for index in site.term_indexes:
        yield planned(index.url, tuple(map(_link, index.terms)), "terms.html", index=index)
    archive_key = tuple((_link(y.year), tuple(map(_link, y.months))) for y in site.archive)
    yield planned(urls.ARCHIVE, archive_key, "archive.html", years=site.archive)
    yield planned(urls.SEARCH, (), "search.html")
    yield planned(urls.NOT_FOUND, (), "404.html")
    for redirect in site.redirects:
        yield PlannedFile(
            urls.output_path(redirect.url),
            input_digest((site_key, "redirect.html", redirect.url, redirect.target)),
            partial(
                _render,
                env.get_template("redirect.html"),
                {"redirect": redirect, "canonical_url": redirect.target},
            ),
        )


def _render(template: jinja2.Template, context: dict[str, Any]) -> bytes:
    return template.render(**context).encode("utf-8")


class LazyJsonLd:
    """An article's JSON-LD, made only if its page is rendered (templates print it with str)."""

    def __init__(self, page: ArticlePage, config: Config) -> None:
        self.page = page
        self.config = config

    def __str__(self) -> str:
        return news_article_json_ld(self.page, self.config)


def _article_key(page: ArticlePage) -> tuple[object, ...]:
    neighbours = tuple(
        (r.article.title, r.article.url) if r else None for r in (page.newer, page.older)
    )
    related = tuple((r.article.title, r.article.url, r.article.date) for r in page.related)
    # Term links carry their display spelling, which other articles can change.
    terms = tuple(map(_link, (*page.tags, *page.authors, *filter(None, [page.section]))))
    return page.entry.digest, neighbours, related, terms


def _listing_key(listing: Listing) -> tuple[object, ...]:
    return (
        listing.kind,
        listing.title,
        listing.number,
        listing.count,
        listing.previous_url,
        listing.next_url,
        _link(listing.newer),
        _link(listing.older),
        tuple(map(_link, listing.parents)),
        listing.feed.page_url if listing.feed else None,
        tuple(r.digest for r in listing.articles),
    )


def _link(link: Link | None) -> tuple[str, str, int] | None:
    return (link.title, link.url, link.count) if link else None


def news_article_json_ld(page: ArticlePage, config: Config) -> str:
    """schema.org NewsArticle for search engines, as JSON that is safe inside <script>."""
    article = page.entry.article
    url = urls.absolute(config.base_url, article.url)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": page.entry.summary_text,
        "datePublished": article.date.isoformat(),
        "dateModified": (article.updated or article.date).isoformat(),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "publisher": {
            "@type": "Organization",
            "name": config.title,
            "url": urls.absolute(config.base_url, urls.HOME),
        },
        "inLanguage": config.language,
    }
    if page.authors:
        data["author"] = [
            {"@type": "Person", "name": link.title, "url": urls.absolute(config.base_url, link.url)}
            for link in page.authors
        ]
    if article.image:
        data["image"] = [urls.absolute(config.base_url, article.image)]
    if article.section:
        data["articleSection"] = article.section
    if article.tags:
        data["keywords"] = list(article.tags)
    if article.dateline:
        data["locationCreated"] = {"@type": "Place", "name": article.dateline}
    return json.dumps(data, ensure_ascii=False, indent=1).translate(_SCRIPT_SAFE)
