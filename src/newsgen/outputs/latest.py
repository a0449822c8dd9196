"""/latest/: the newest stories, a small page that article pages show beside the story (the
"Latest" rail, in an iframe on wide screens).

A page of its own, so that a new story re-renders this page alone, not every article page of
the archive; the rail needs no JavaScript.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import jinja2

from newsgen.content import urls
from newsgen.model import PlannedFile, RenderedArticle, Unit, input_digest
from newsgen.plan.archive import SitePlan

LATEST_COUNT = 6  # as many as the rail shows without scrolling
TEMPLATE = "latest.html"


def unit(site: SitePlan, env: jinja2.Environment, site_key: str) -> Unit:
    latest = site.entries[:LATEST_COUNT]
    signature = tuple(_link(entry) for entry in latest)

    def files() -> Iterator[PlannedFile]:
        key = input_digest((site_key, TEMPLATE, urls.LATEST, signature))
        yield PlannedFile(urls.output_path(urls.LATEST), key, partial(_render, env, latest))

    return Unit("latest page", signature, files)


def _link(entry: RenderedArticle) -> str:
    article = entry.article
    return f"{article.title}\0{article.url}\0{article.date.isoformat()}\0{article.date_only}"


def _render(env: jinja2.Environment, latest: tuple[RenderedArticle, ...]) -> bytes:
    return env.get_template(TEMPLATE).render(latest=latest).encode("utf-8")
