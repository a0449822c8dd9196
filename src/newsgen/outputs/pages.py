"""Render every HTML page of the plan through the Jinja environment, one page at a time.

Pages are yielded as they are rendered so the writer can stream them to disk. Structured data
(JSON-LD) is built here as a dict and serialised safely for a <script> block.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import jinja2

from newsgen.content import urls
from newsgen.content.config import Config
from newsgen.content.kinds import AUTHOR, SECTION, terms_of_kinds
from newsgen.model import PlannedFile, RenderedArticle, Unit, input_digest
from newsgen.outputs.cards import card_image
from newsgen.outputs.corrections import correction_comments
from newsgen.outputs.profiles import person, publisher
from newsgen.outputs.templates import machine_time
from newsgen.plan import front
from newsgen.plan.archive import ArticlePage, Link, Listing, ListingGroup, SitePlan

# Characters that could end a <script> block or break JavaScript parsing of JSON.
_SCRIPT_SAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def render(
    site: SitePlan, env: jinja2.Environment, config: Config, site_key: str
) -> Iterator[PlannedFile]:
    """Every page, planned with a key of what it shows."""
    for unit in units(site, env, config, site_key):
        yield from unit.files()


def units(site: SitePlan, env: jinja2.Environment, config: Config, site_key: str) -> Iterator[Unit]:
    """Every page as units of pages that change together. Each page's key covers what it
    shows plus `site_key` (settings and templates), so a change to either re-renders it."""
    # The navigation shows section names only; with their counts in every key, one new
    # article would re-render every page of the site.
    nav = site.nav

    def planned(
        url: str, key: tuple[object, ...], template: str, language: str = "", **context: Any
    ) -> PlannedFile:
        # Each page speaks one language (`edition` in templates): its words, dates, title,
        # navigation and links to its own front page, archive, search and feeds.
        edition = site.edition_of(language)
        common = {"canonical_url": url, "sections": edition.sections, "edition": edition.language}
        render_page = partial(_render, env, template, {**common, **context})
        return PlannedFile(
            urls.output_path(url), input_digest((site_key, nav, template, url, key)), render_page
        )

    def article(index: int) -> Iterator[PlannedFile]:
        page = site.article_page(index)
        yield planned(
            page.entry.article.url,
            _article_key(page),
            "article.html",
            language=page.entry.article.language,
            page=page,
            entry=page.entry,
            json_ld=LazyJsonLd(page, config),
        )

    def listing(group: ListingGroup) -> Iterator[PlannedFile]:
        for page in group.pages(site.per_page):
            blocks = front.front_sections(site, page) if front.is_front_page(page) else ()
            key = (*_listing_key(page), front.front_key(blocks))
            yield planned(
                page.url, key, "list.html", page.language, listing=page, front_sections=blocks
            )

    # Each article is linked from about seven pages (neighbours, related, translations):
    # its link's signature is made once, not once per link.
    links: dict[int, str | None] = {}
    # What each unit reads is declared (Unit.reads): an article page reads its own article's
    # record; listings, indexes and the archive read views and the plan alone.
    for index, entry in enumerate(site.entries):
        yield Unit(
            f"article {entry.article.source}",
            partial(_article_signature, site, index, links),
            partial(article, index),
            reads=frozenset((entry.article.source,)),
        )
    for group in site.listing_groups:
        yield Unit(
            f"listing {group.group.url}",
            partial(_listing_signature, site, group),
            partial(listing, group),
            reads=frozenset(),
        )
    for term_index in site.term_indexes:
        terms_key = tuple(map(_link, term_index.terms))
        yield Unit(
            f"index {term_index.url}",
            terms_key,
            partial(
                _one,
                planned,
                term_index.url,
                terms_key,
                "terms.html",
                language=term_index.language,
                index=term_index,
            ),
            reads=frozenset(),
        )
    for number, edition in enumerate(site.editions):
        code = edition.language.code
        # The default language's units keep the names they had before languages.
        suffix = f" {code}" if number else ""
        archive_key = tuple((_link(y.year), tuple(map(_link, y.months))) for y in edition.archive)
        yield Unit(
            f"archive{suffix}",
            archive_key,
            partial(
                _one,
                planned,
                edition.archive_url,
                archive_key,
                "archive.html",
                language=code,
                years=edition.archive,
            ),
            reads=frozenset(),
        )
        yield Unit(
            f"search page{suffix}",
            (),
            partial(_one, planned, edition.search_url, (), "search.html", language=code),
            reads=frozenset(),
        )
    yield Unit(
        "not found", (), partial(_one, planned, urls.NOT_FOUND, (), "404.html"), reads=frozenset()
    )
    for redirect in site.redirects:
        target = (redirect.url, redirect.target)
        yield Unit(
            f"redirect {redirect.url}",
            target,
            partial(
                _one,
                planned,
                redirect.url,
                target,
                "redirect.html",
                language=redirect.language,
                redirect=redirect,
                canonical_url=redirect.target,
            ),
            reads=frozenset(),
        )


def _one(
    planned: Callable[..., PlannedFile],
    url: str,
    key: tuple[object, ...],
    template: str,
    **context: Any,
) -> Iterator[PlannedFile]:
    yield planned(url, key, template, **context)


def _article_signature(
    site: SitePlan, index: int, links: dict[int, str | None]
) -> tuple[object, ...]:
    """What an article page shows, read straight from the plan: its article, its neighbours'
    titles and its related articles (the term and period links follow from the article).
    `links`: the `_link_signature`s made so far in this build, by the entry's id (every
    entry lives as long as the build)."""

    def link(entry: RenderedArticle | None) -> str | None:
        found = links.get(id(entry))
        if found is None and entry is not None:
            found = links[id(entry)] = _link_signature(entry)
        return found

    signature: tuple[object, ...] = (
        site.entries[index].digest,
        link(site.newer(index)),
        link(site.older(index)),
        tuple(map(link, site.related[index])),
    )
    if site.translations[index]:
        signature = (*signature, tuple(map(link, site.translations[index])))
    return signature


def _link_signature(entry: RenderedArticle | None) -> str | None:
    """What a link to another article shows: its title, URL and date (not its body, so that a
    body edit does not re-render every page that links to the article)."""
    if entry is None:
        return None
    article = entry.article
    return f"{article.title}\0{article.url}\0{article.date.isoformat()}\0{article.language}"


def _listing_signature(site: SitePlan, group: ListingGroup) -> tuple[object, ...]:
    signature = _group_signature(group)
    if group.group.kind == "home":  # the front page also shows each section's latest
        blocks = front.front_sections(site, None, group.group.language)
        signature = (*signature, front.front_key(blocks))
    return signature


def _group_signature(group: ListingGroup) -> tuple[object, ...]:
    return (
        group.group.kind,
        group.group.name,
        group.group.url,
        group.stable,
        _link(group.newer),
        _link(group.older),
        tuple(map(_link, group.parents)),
        group.feed.page_url if group.feed else None,
        tuple(r.view for r in group.group.articles),
    )


def _render(env: jinja2.Environment, template: str, context: dict[str, Any]) -> bytes:
    return env.get_template(template).render(**context).encode("utf-8")


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
    declared = (link for block in page.terms for link in block.links)
    terms = tuple(map(_link, (*page.tags, *page.authors, *filter(None, [page.section]), *declared)))
    translations = tuple(
        (r.article.title, r.article.url, r.article.language) for r in page.versions
    )
    return page.entry.digest, neighbours, related, terms, translations


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
        tuple(r.view for r in listing.articles),
        # Only an author's first page shows the count: other pages stay as they were.
        listing.total if listing.kind == "author" and not listing.previous_url else None,
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
        "datePublished": machine_time(article.date, article.date_only),
        "dateModified": machine_time(article.modified, article.modified_date_only),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "publisher": publisher(config),
        "inLanguage": article.language,
    }
    if page.authors:
        prefix = config.edition(article.language).prefix
        data["author"] = [person(link.title, config, prefix) for link in page.authors]
    card = card_image(article, config, page.entry)
    if card:
        data["image"] = [card.url]
    if article.section:
        data["articleSection"] = article.section
    keywords = terms_of_kinds(
        (kind for kind in config.term_kinds if kind not in (SECTION, AUTHOR)), article
    )
    if keywords:  # tags, then the site's own kinds; section and authors have their own keys
        data["keywords"] = list(keywords)
    if article.dateline:
        data["locationCreated"] = {"@type": "Place", "name": article.dateline}
    if article.corrections:
        data["correction"] = correction_comments(article, url)
    return json.dumps(data, ensure_ascii=False, indent=1).translate(_SCRIPT_SAFE)
