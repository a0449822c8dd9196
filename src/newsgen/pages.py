"""Render every HTML page of the plan through the Jinja environment, one page at a time.

Pages are yielded as they are rendered so the writer can stream them to disk.
"""

from __future__ import annotations

from collections.abc import Iterator

import jinja2

from newsgen import urls
from newsgen.archive import SitePlan
from newsgen.model import OutputFile


def render(site: SitePlan, env: jinja2.Environment) -> Iterator[OutputFile]:
    article_page = env.get_template("article.html")
    for entry in site.articles:
        url = entry.article.url
        yield _page(url, article_page.render(entry=entry, canonical_url=url))
    list_page = env.get_template("list.html")
    for listing in site.listings:
        yield _page(listing.url, list_page.render(listing=listing, canonical_url=listing.url))
    not_found = env.get_template("404.html")
    yield _page(urls.NOT_FOUND, not_found.render(canonical_url=urls.NOT_FOUND))


def _page(url: str, html: str) -> OutputFile:
    return OutputFile(urls.output_path(url), html.encode("utf-8"))
