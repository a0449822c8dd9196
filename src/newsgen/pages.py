"""Render every HTML page of the plan through the Jinja environment, one page at a time.

Pages are yielded as they are rendered so the writer can stream them to disk. Structured data
(JSON-LD) is built here as a dict and serialised safely for a <script> block.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jinja2

from newsgen import urls
from newsgen.archive import ArticlePage, Redirect, SitePlan
from newsgen.config import Config
from newsgen.model import OutputFile

# Characters that could end a <script> block or break JavaScript parsing of JSON.
_SCRIPT_SAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def render(site: SitePlan, env: jinja2.Environment, config: Config) -> Iterator[OutputFile]:
    common = {"sections": site.sections}
    article_page = env.get_template("article.html")
    for page in site.articles:
        url = page.entry.article.url
        yield _page(
            url,
            article_page.render(
                page=page,
                entry=page.entry,
                canonical_url=url,
                json_ld=news_article_json_ld(page, config),
                **common,
            ),
        )
    list_page = env.get_template("list.html")
    for listing in site.listings:
        yield _page(
            listing.url, list_page.render(listing=listing, canonical_url=listing.url, **common)
        )
    terms_page = env.get_template("terms.html")
    for index in site.term_indexes:
        yield _page(index.url, terms_page.render(index=index, canonical_url=index.url, **common))
    yield _page(
        urls.ARCHIVE,
        env.get_template("archive.html").render(
            years=site.archive, canonical_url=urls.ARCHIVE, **common
        ),
    )
    yield _page(
        urls.SEARCH, env.get_template("search.html").render(canonical_url=urls.SEARCH, **common)
    )
    yield _page(
        urls.NOT_FOUND, env.get_template("404.html").render(canonical_url=urls.NOT_FOUND, **common)
    )
    redirect_page = env.get_template("redirect.html")
    for redirect in site.redirects:
        yield _redirect(redirect, redirect_page)


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


def _redirect(redirect: Redirect, template: jinja2.Template) -> OutputFile:
    return _page(redirect.url, template.render(redirect=redirect, canonical_url=redirect.target))


def _page(url: str, html: str) -> OutputFile:
    return OutputFile(urls.output_path(url), html.encode("utf-8"))
