"""/latest/: the newest stories, a small page that article pages show beside the story (the
"Latest" rail, in an iframe on wide screens).

A page of its own, so that a new story re-renders this page alone, not every article page of
the archive; the rail needs no JavaScript.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from functools import partial

import jinja2

from newsgen.content import urls
from newsgen.content.config import Language
from newsgen.model import PlannedFile, RenderedArticle, Unit, input_digest
from newsgen.plan.archive import SitePlan

LATEST_COUNT = 6  # as many as the rail shows without scrolling
TEMPLATE = "latest.html"


def units(site: SitePlan, env: jinja2.Environment, site_key: str) -> Iterator[Unit]:
    """One page per language, of its own newest stories: a French story's rail is French."""
    for number, edition in enumerate(site.editions):
        code = edition.language.code
        own = (entry for entry in site.entries if entry.article.language == code)
        latest = tuple(itertools.islice(own, LATEST_COUNT))
        url = edition.language.prefix + urls.LATEST
        # The default language's unit keeps the name it had before languages.
        name = "latest page" + (f" {code}" if number else "")
        signature = tuple(_link(entry) for entry in latest)
        files = partial(_files, url, latest, edition.language, env, site_key)
        yield Unit(name, signature, files)


def _files(
    url: str,
    latest: tuple[RenderedArticle, ...],
    language: Language,
    env: jinja2.Environment,
    site_key: str,
) -> Iterator[PlannedFile]:
    key = input_digest((site_key, TEMPLATE, url, tuple(_link(entry) for entry in latest)))
    yield PlannedFile(urls.output_path(url), key, partial(_render, env, latest, language))


def _link(entry: RenderedArticle) -> str:
    article = entry.article
    return f"{article.title}\0{article.url}\0{article.date.isoformat()}\0{article.date_only}"


def _render(
    env: jinja2.Environment, latest: tuple[RenderedArticle, ...], language: Language
) -> bytes:
    return env.get_template(TEMPLATE).render(latest=latest, edition=language).encode("utf-8")
