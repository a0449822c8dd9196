"""Sitemaps for search engines: /sitemap.xml (an index of parts past the URL limit), the Google
News sitemap of the last two days, and /robots.txt naming both.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from functools import partial

from newsgen.content import urls
from newsgen.content.config import Config
from newsgen.model import OutputFile, PlannedFile, RenderedArticle, Unit, input_digest
from newsgen.plan.archive import SitePlan

# Google News takes articles of the last two days, at most 1,000 per sitemap.
NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000
_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
_XHTML_NS = "http://www.w3.org/1999/xhtml"


def escape(text: str, quotes: bool = False) -> str:
    """XML character data (and with `quotes`, an attribute in double quotes). Not through
    xml.sax.saxutils, which imports urllib.request: 30 ms of every build that renders."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quotes else text


# A sitemap entry: its URL, when its content last changed (where known), and the
# (hreflang, URL) of each language version of a translated article, x-default last.
Entry = tuple[str, datetime | None, tuple[tuple[str, str], ...]]


def units(site: SitePlan, config: Config, now: datetime, plan_key: str) -> Iterator[Unit]:
    """The sitemaps and robots.txt, one unit: they show the plan (whose key `plan_key` is: the
    settings and every published article's view) and which articles are in the news window,
    nothing else. A body edit keeps both, so the sitemaps are not made again."""
    signature = ("sitemaps", plan_key, _news_sources(site.entries, now))
    yield Unit("sitemaps", signature, partial(_planned, site, config, now, signature))


def _planned(
    site: SitePlan, config: Config, now: datetime, signature: object
) -> Iterator[PlannedFile]:
    made = functools.cache(lambda: {f.path: f.content for f in render(site, config, now)})
    names = (urls.SITEMAP, *part_urls(site, config), urls.NEWS_SITEMAP, urls.ROBOTS)
    for url in names:
        path = urls.output_path(url)
        key = input_digest((signature, path))
        yield PlannedFile(path, key, partial(_content, made, path))


def _content(made: Callable[[], dict[str, bytes]], path: str) -> bytes:
    return made()[path]


def _news_sources(articles: Sequence[RenderedArticle], now: datetime) -> tuple[str, ...]:
    """The articles the news sitemap lists at `now` (see _news_sitemap), by source."""
    return tuple(r.article.source for r in articles if now - NEWS_WINDOW <= r.article.date <= now)[
        :NEWS_LIMIT
    ]


def render(site: SitePlan, config: Config, now: datetime) -> Iterator[OutputFile]:
    entries = sorted(_entries(site))
    limit = config.sitemap_max_urls
    if len(entries) <= limit:
        yield _file(urls.SITEMAP, _urlset(entries, config))
    else:
        parts = [entries[start : start + limit] for start in range(0, len(entries), limit)]
        index: list[tuple[str, datetime | None]] = []
        for number, part in enumerate(parts, start=1):
            url = sitemap_part_url(number)
            yield _file(url, _urlset(part, config))
            newest = max((lastmod for _, lastmod, _ in part if lastmod), default=None)
            index.append((url, newest))
        yield _file(urls.SITEMAP, _sitemap_index(index, config))
    yield _file(urls.NEWS_SITEMAP, _news_sitemap(site.entries, config, now))
    yield _file(urls.ROBOTS, robots_txt(config))


def news_window_ends(articles: Sequence[RenderedArticle], now: datetime) -> datetime | None:
    """When the news sitemap next changes by time alone: an article leaves it, or (published
    early with --future) an article's date comes and it enters it."""
    return min(
        (
            r.article.date + NEWS_WINDOW if r.article.date <= now else r.article.date
            for r in articles
            if now - NEWS_WINDOW <= r.article.date
        ),
        default=None,
    )


def part_urls(site: SitePlan, config: Config) -> tuple[str, ...]:
    """The numbered parts sitemap.xml is split into; none when one file holds every URL."""
    # As many as _entries yields, counted without making them.
    count = (
        len(site.entries)
        + sum(group.page_count(site.per_page) for group in site.listing_groups)
        + len(site.term_indexes)
        + 2 * len(site.editions)  # each language's archive and search pages
        + 1  # the corrections page
    )
    limit = config.sitemap_max_urls
    if count <= limit:
        return ()
    return tuple(sitemap_part_url(number) for number in range(1, -(-count // limit) + 1))


def sitemap_part_url(number: int) -> str:
    return f"/sitemap-{number}.xml"


def robots_txt(config: Config) -> str:
    return (
        "User-agent: *\nAllow: /\n\n"
        f"Sitemap: {urls.absolute(config.base_url, urls.SITEMAP)}\n"
        f"Sitemap: {urls.absolute(config.base_url, urls.NEWS_SITEMAP)}\n"
    )


def _entries(site: SitePlan) -> Iterator[Entry]:
    """Every page a reader can land on, with the time its content last changed where known."""
    # Once per article: an article is on a dozen listing pages (front, section, tags, dates).
    modified = {entry.article.source: _modified(entry) for entry in site.entries}
    for entry, versions in zip(site.entries, site.translations, strict=True):
        alternates = tuple((v.article.language, v.article.url) for v in versions)
        if alternates:  # x-default: the first language's version, as on the page
            alternates = (*alternates, ("x-default", alternates[0][1]))
        yield entry.article.url, modified[entry.article.source], alternates
    for group in site.listing_groups:
        for _, url, articles in group.spans(site.per_page):
            yield url, max((modified[r.article.source] for r in articles), default=None), ()
    for index in site.term_indexes:
        yield index.url, None, ()
    for edition in site.editions:
        yield edition.archive_url, None, ()
        yield edition.search_url, None, ()
    yield urls.CORRECTIONS, site.corrections[0].notice.date if site.corrections else None, ()


def _urlset(entries: Sequence[Entry], config: Config) -> str:
    return _locations("urlset", "url", entries, config)


def _sitemap_index(parts: Sequence[tuple[str, datetime | None]], config: Config) -> str:
    return _locations("sitemapindex", "sitemap", [(url, at, ()) for url, at in parts], config)


def _locations(root: str, item: str, entries: Sequence[Entry], config: Config) -> str:
    """A sitemap or sitemap index: one <loc> (and <lastmod> where known) per entry, and the
    language versions of a translated article as xhtml:link alternates, as Google reads them.
    The xhtml namespace is declared only when used: a site in one language keeps its bytes."""
    translated = any(alternates for _, _, alternates in entries)
    namespaces = f' xmlns:xhtml="{_XHTML_NS}"' if translated else ""
    lines = [_HEAD, f'<{root} xmlns="{_SITEMAP_NS}"{namespaces}>\n']
    for url, lastmod, alternates in entries:
        lines.append(f"<{item}><loc>{escape(urls.absolute(config.base_url, url))}</loc>")
        if lastmod is not None:
            lines.append(f"<lastmod>{lastmod.isoformat()}</lastmod>")
        for hreflang, other in alternates:
            address = escape(urls.absolute(config.base_url, other), quotes=True)
            lines.append(
                f'<xhtml:link rel="alternate" hreflang="{escape(hreflang)}" href="{address}"/>'
            )
        lines.append(f"</{item}>\n")
    lines.append(f"</{root}>\n")
    return "".join(lines)


def _news_sitemap(articles: Sequence[RenderedArticle], config: Config, now: datetime) -> str:
    recent = [r.article for r in articles if now - NEWS_WINDOW <= r.article.date <= now]
    lines = [_HEAD, f'<urlset xmlns="{_SITEMAP_NS}" xmlns:news="{_NEWS_NS}">\n']
    for article in recent[:NEWS_LIMIT]:
        # Each article in its own language, under its language's name for the publication.
        edition = config.edition(article.language)
        language = escape(_news_language(article.language))
        lines.append(
            f"<url><loc>{escape(urls.absolute(config.base_url, article.url))}</loc>"
            "<news:news><news:publication>"
            f"<news:name>{escape(edition.title)}</news:name>"
            f"<news:language>{language}</news:language></news:publication>"
            f"<news:publication_date>{article.date.isoformat()}</news:publication_date>"
            f"<news:title>{escape(article.title)}</news:title></news:news></url>\n"
        )
    lines.append("</urlset>\n")
    return "".join(lines)


def _news_language(tag: str) -> str:
    """Google News wants ISO 639 codes, except zh-cn and zh-tw."""
    lowered = tag.lower()
    return lowered if lowered in ("zh-cn", "zh-tw") else lowered.split("-")[0]


def _modified(rendered: RenderedArticle) -> datetime:
    return rendered.article.modified


def _file(url: str, text: str) -> OutputFile:
    return OutputFile(urls.output_path(url), text.encode("utf-8"))
