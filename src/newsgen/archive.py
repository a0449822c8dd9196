"""Plan the site: which articles are published, every listing page and feed, and where each goes.

The plan is pure data; rendering happens in pages.py and feeds.py. Two things that would be
written to one path are an error here, before anything is rendered.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from newsgen import urls
from newsgen.config import Config
from newsgen.errors import BuildFailed, Problem
from newsgen.model import Article, RenderedArticle


@dataclass(frozen=True, slots=True)
class Selection:
    """What a build publishes, and what it holds back and why."""

    published: tuple[Article, ...]
    drafts: int
    scheduled: int
    next_due: datetime | None  # when the earliest held-back future article becomes due


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed definition; feeds.py renders it in every format."""

    title: str
    page_url: str  # the listing the feed belongs to
    rss_url: str
    atom_url: str
    articles: tuple[RenderedArticle, ...]


@dataclass(frozen=True, slots=True)
class Listing:
    """One page of a paginated list of articles."""

    title: str
    url: str
    number: int  # 1-based
    count: int  # pages in this listing
    articles: tuple[RenderedArticle, ...]
    previous_url: str | None  # newer articles
    next_url: str | None  # older articles
    feed: Feed | None


@dataclass(frozen=True, slots=True)
class SitePlan:
    articles: tuple[RenderedArticle, ...]  # newest first
    listings: tuple[Listing, ...]
    feeds: tuple[Feed, ...]


def select(articles: Iterable[Article], *, drafts: bool, future: bool, now: datetime) -> Selection:
    """What is published: drafts only with `drafts`, articles after `now` only with `future`."""
    published: list[Article] = []
    draft_count = 0
    due: list[datetime] = []
    for article in articles:
        if article.draft and not drafts:
            draft_count += 1
        elif article.date > now and not future:
            due.append(article.date)
        else:
            published.append(article)
    return Selection(tuple(published), draft_count, len(due), min(due, default=None))


def newest_first(articles: Iterable[RenderedArticle]) -> tuple[RenderedArticle, ...]:
    """Newest first; the source path breaks ties so the order never depends on file system order."""
    by_source = sorted(articles, key=lambda r: r.article.source)
    return tuple(sorted(by_source, key=lambda r: r.article.date, reverse=True))


def plan(rendered: Iterable[RenderedArticle], config: Config) -> SitePlan:
    articles = newest_first(rendered)
    feed = Feed(
        title=config.title,
        page_url=urls.HOME,
        rss_url=urls.feed_url(urls.HOME, urls.RSS_FEED),
        atom_url=urls.feed_url(urls.HOME, urls.ATOM_FEED),
        articles=articles[: config.feeds.items],
    )
    listings = paginate(config.title, urls.HOME, articles, config.per_page, feed)
    site = SitePlan(articles, listings, (feed,))
    check_collisions(site)
    return site


def paginate(
    title: str,
    first_url: str,
    articles: Sequence[RenderedArticle],
    per_page: int,
    feed: Feed | None,
) -> tuple[Listing, ...]:
    """Split a listing into pages; an empty listing still has its first page."""
    count = max(1, -(-len(articles) // per_page))
    return tuple(
        Listing(
            title=title,
            url=urls.paginated(first_url, number),
            number=number,
            count=count,
            articles=tuple(articles[(number - 1) * per_page : number * per_page]),
            previous_url=urls.paginated(first_url, number - 1) if number > 1 else None,
            next_url=urls.paginated(first_url, number + 1) if number < count else None,
            feed=feed,
        )
        for number in range(1, count + 1)
    )


def check_collisions(site: SitePlan) -> None:
    """Every output path must come from exactly one source, also on case-folding file systems."""
    owners: dict[str, tuple[str, str]] = {}
    problems: list[Problem] = []
    for url, source in _outputs(site):
        path = urls.output_path(url)
        key = urls.collision_key(path)
        if key in owners:
            other_path, other_source = owners[key]
            problems.append(
                Problem(
                    source,
                    1,
                    1,
                    f"writes {path}, which {other_source} writes too"
                    + (f" (as {other_path})" if other_path != path else ""),
                    "give one of them a different 'slug' or date",
                )
            )
        else:
            owners[key] = (path, source)
    if problems:
        raise BuildFailed(problems)


def _outputs(site: SitePlan) -> Iterable[tuple[str, str]]:
    """(url, source) of every page and feed; built-in pages name 'newsgen' as their source."""
    yield urls.NOT_FOUND, "the built-in 404 page"
    for listing in site.listings:
        yield listing.url, f"the listing {listing.title!r}"
    for feed in site.feeds:
        yield feed.rss_url, f"the feed of {feed.page_url}"
        yield feed.atom_url, f"the feed of {feed.page_url}"
    for rendered in site.articles:
        yield rendered.article.url, rendered.article.source
