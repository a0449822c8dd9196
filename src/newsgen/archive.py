"""Plan the site: which articles are published, and every page, listing, feed and redirect.

The plan is pure data; rendering happens in pages.py, feeds.py and sitemaps.py. Two things that
would be written to one path are an error here, before anything is rendered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from newsgen import urls
from newsgen.config import CONFIG_FILE, Config
from newsgen.errors import BuildFailed, Problem
from newsgen.model import Group, RenderedArticle
from newsgen.periods import group_by_period
from newsgen.related import related_articles
from newsgen.templates import MONTHS
from newsgen.terms import KINDS, group_by_term

PERIOD_KINDS = ("year", "month", "day")
INDEX_TITLES = {"section": "Sections", "tag": "Tags", "author": "Authors"}


@dataclass(frozen=True, slots=True)
class Selection:
    """What a build publishes, and what it holds back and why."""

    published: tuple[RenderedArticle, ...]
    drafts: int
    scheduled: int
    next_due: datetime | None  # when the earliest held-back future article becomes due


@dataclass(frozen=True, slots=True)
class Link:
    title: str
    url: str
    count: int = 0  # articles behind the link, where a page shows counts


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed definition; feeds.py renders it as RSS, Atom and JSON Feed."""

    title: str
    page_url: str  # the listing the feed belongs to
    articles: tuple[RenderedArticle, ...]

    @property
    def rss_url(self) -> str:
        return urls.feed_url(self.page_url, urls.RSS_FEED)

    @property
    def atom_url(self) -> str:
        return urls.feed_url(self.page_url, urls.ATOM_FEED)

    @property
    def json_url(self) -> str:
        return urls.feed_url(self.page_url, urls.JSON_FEED)


@dataclass(frozen=True, slots=True)
class Listing:
    """One page of a paginated list of articles: the front page, a period or a term."""

    kind: str  # "home", or a Group kind
    title: str
    url: str
    number: int  # 1-based
    count: int  # pages in this listing
    articles: tuple[RenderedArticle, ...]
    previous_url: str | None  # newer articles
    next_url: str | None  # older articles
    feed: Feed | None
    newer: Link | None = None  # the next period with articles (date archives only)
    older: Link | None = None
    parents: tuple[Link, ...] = ()  # a day's month and year, a month's year
    stable: bool = False  # numbered from the oldest page (config pagination: stable)


@dataclass(frozen=True, slots=True)
class ArticlePage:
    entry: RenderedArticle
    day: Link
    month: Link
    year: Link
    section: Link | None
    tags: tuple[Link, ...]
    authors: tuple[Link, ...]
    older: RenderedArticle | None
    newer: RenderedArticle | None
    related: tuple[RenderedArticle, ...]


@dataclass(frozen=True, slots=True)
class TermIndex:
    """/sections/, /tags/ or /authors/: every term of a kind with its article count."""

    kind: str
    title: str
    url: str
    terms: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class ArchiveYear:
    year: Link
    months: tuple[Link, ...]  # newest first


@dataclass(frozen=True, slots=True)
class Redirect:
    url: str  # the old address
    target: str  # the article's URL
    source: str  # the article file that asked for it
    position: tuple[int, int]  # of its 'aliases' key


@dataclass(frozen=True, slots=True)
class SitePlan:
    articles: tuple[ArticlePage, ...]  # newest first
    listings: tuple[Listing, ...]
    term_indexes: tuple[TermIndex, ...]
    archive: tuple[ArchiveYear, ...]  # newest first
    feeds: tuple[Feed, ...]
    redirects: tuple[Redirect, ...]
    sections: tuple[Link, ...]  # for the navigation bar

    @property
    def entries(self) -> tuple[RenderedArticle, ...]:
        return tuple(page.entry for page in self.articles)

    @property
    def page_count(self) -> int:
        """HTML pages: articles, listings, indexes, redirects, the archive, search and 404."""
        return (
            len(self.articles)
            + len(self.listings)
            + len(self.term_indexes)
            + len(self.redirects)
            + 3
        )

    @property
    def feed_count(self) -> int:
        """Feed files: RSS, Atom and JSON Feed for every feed."""
        return 3 * len(self.feeds)


def select(
    articles: Iterable[RenderedArticle], *, drafts: bool, future: bool, now: datetime
) -> Selection:
    """What is published: drafts only with `drafts`, articles after `now` only with `future`."""
    published: list[RenderedArticle] = []
    draft_count = 0
    due: list[datetime] = []
    for rendered in articles:
        article = rendered.article
        if article.draft and not drafts:
            draft_count += 1
        elif article.date > now and not future:
            due.append(article.date)
        else:
            published.append(rendered)
    return Selection(tuple(published), draft_count, len(due), min(due, default=None))


def newest_first(articles: Iterable[RenderedArticle]) -> tuple[RenderedArticle, ...]:
    """Newest first; the source path breaks ties so the order never depends on file system order."""
    by_source = sorted(articles, key=lambda r: r.article.source)
    return tuple(sorted(by_source, key=lambda r: r.article.date, reverse=True))


def plan(rendered: Iterable[RenderedArticle], config: Config) -> SitePlan:
    articles = newest_first(rendered)
    periods = group_by_period(articles)
    terms = {kind: group_by_term(articles, kind) for kind in KINDS}
    home_feed = Feed(config.title, urls.HOME, articles[: config.feeds.items])
    feeds = [home_feed]
    home = Group("home", config.title, urls.HOME, articles)
    stable = config.pagination == "stable"
    listings = list(paginate(home, config.per_page, home_feed, stable=stable))
    for kind in PERIOD_KINDS:
        listings.extend(_period_listings(periods[kind], config.per_page, stable))
    for kind in KINDS:
        for group in terms[kind]:
            feed = Feed(
                f"{group.name} · {config.title}", group.url, group.articles[: config.feeds.items]
            )
            feeds.append(feed)
            listings.extend(paginate(group, config.per_page, feed))
    site = SitePlan(
        articles=_article_pages(articles),
        listings=tuple(listings),
        term_indexes=tuple(
            TermIndex(kind, INDEX_TITLES[kind], urls.TERM_INDEXES[kind], _links(terms[kind]))
            for kind in KINDS
        ),
        archive=_archive_years(periods),
        feeds=tuple(feeds),
        redirects=tuple(
            Redirect(
                urls.alias_url(alias),
                r.article.url,
                r.article.source,
                r.article.position("aliases"),
            )
            for r in articles
            for alias in r.article.aliases
        ),
        sections=_links(terms["section"]),
    )
    check_collisions(site)
    return site


def paginate(
    group: Group,
    per_page: int,
    feed: Feed | None,
    *,
    stable: bool = False,
    newer: Link | None = None,
    older: Link | None = None,
    parents: tuple[Link, ...] = (),
) -> tuple[Listing, ...]:
    """Split a group's listing into pages, front page first; an empty listing has one page."""
    pages = _stable_pages(group, per_page) if stable else _newest_pages(group, per_page)
    return tuple(
        Listing(
            kind=group.kind,
            title=group.name,
            url=url,
            number=number,
            count=len(pages),
            articles=articles,
            previous_url=pages[index - 1][1] if index > 0 else None,
            next_url=pages[index + 1][1] if index + 1 < len(pages) else None,
            feed=feed,
            newer=newer,
            older=older,
            parents=parents,
            stable=stable,
        )
        for index, (number, url, articles) in enumerate(pages)
    )


Page = tuple[int, str, tuple[RenderedArticle, ...]]  # number, URL, articles


def _newest_pages(group: Group, per_page: int) -> list[Page]:
    """Page 1 is the newest: every page shifts when an article arrives."""
    count = max(1, -(-len(group.articles) // per_page))
    return [
        (
            number,
            urls.paginated(group.url, number),
            group.articles[(number - 1) * per_page : number * per_page],
        )
        for number in range(1, count + 1)
    ]


def _stable_pages(group: Group, per_page: int) -> list[Page]:
    """Pages counted from the oldest article: /page/1/ holds the oldest, and a page once full
    never changes. The front page holds the newest articles, between 1 and per_page of them;
    a new article changes it alone, until it is full and a new page number begins."""
    articles = group.articles
    count = max(1, -(-len(articles) // per_page))
    front = len(articles) - (count - 1) * per_page
    pages: list[Page] = [(count, group.url, articles[:front])]
    for number in range(count - 1, 0, -1):
        start = front + (count - 1 - number) * per_page
        pages.append((number, f"{group.url}page/{number}/", articles[start : start + per_page]))
    return pages


def _period_listings(groups: tuple[Group, ...], per_page: int, stable: bool) -> Iterable[Listing]:
    """Periods are newest first, so a period's neighbours in the tuple skip empty periods."""
    for index, group in enumerate(groups):
        newer = groups[index - 1] if index > 0 else None
        older = groups[index + 1] if index + 1 < len(groups) else None
        yield from paginate(
            group,
            per_page,
            None,
            stable=stable,
            newer=_link(newer) if newer else None,
            older=_link(older) if older else None,
            parents=_parents(group),
        )


def _parents(group: Group) -> tuple[Link, ...]:
    """The year above a month; the year and month above a day."""
    moment = group.articles[0].article.local_date
    year = Link(str(moment.year), urls.year_url(moment.year))
    month = Link(
        f"{MONTHS[moment.month - 1]} {moment.year}", urls.month_url(moment.year, moment.month)
    )
    return {"year": (), "month": (year,), "day": (year, month)}[group.kind]


def _article_pages(articles: tuple[RenderedArticle, ...]) -> tuple[ArticlePage, ...]:
    related = related_articles(articles)
    pages = []
    for index, entry in enumerate(articles):
        article = entry.article
        moment = article.local_date
        pages.append(
            ArticlePage(
                entry=entry,
                day=Link(str(moment.day), urls.day_url(moment.year, moment.month, moment.day)),
                month=Link(MONTHS[moment.month - 1], urls.month_url(moment.year, moment.month)),
                year=Link(str(moment.year), urls.year_url(moment.year)),
                section=(
                    Link(article.section, urls.term_url("section", article.section))
                    if article.section
                    else None
                ),
                tags=tuple(Link(tag, urls.term_url("tag", tag)) for tag in article.tags),
                authors=tuple(
                    Link(name, urls.term_url("author", name)) for name in article.authors
                ),
                older=articles[index + 1] if index + 1 < len(articles) else None,
                newer=articles[index - 1] if index > 0 else None,
                related=related[index],
            )
        )
    return tuple(pages)


def _archive_years(periods: dict[str, tuple[Group, ...]]) -> tuple[ArchiveYear, ...]:
    months_of: dict[str, list[Link]] = {}
    for month in periods["month"]:
        months_of.setdefault(month.url[:6], []).append(_link(month))
    return tuple(ArchiveYear(_link(year), tuple(months_of[year.url])) for year in periods["year"])


def _link(group: Group) -> Link:
    return Link(group.name, group.url, len(group.articles))


def _links(groups: Iterable[Group]) -> tuple[Link, ...]:
    return tuple(_link(group) for group in groups)


def check_collisions(site: SitePlan) -> None:
    """Every output path must come from exactly one source, also on case-folding file systems.

    Built-in pages come first, so a clash is reported at the article or alias that caused it.
    """
    owners: dict[str, tuple[str, str]] = {}
    problems: list[Problem] = []
    for url, what, source, (line, column) in _outputs(site):
        path = urls.output_path(url)
        key = urls.collision_key(path)
        if key in owners:
            other_path, other = owners[key]
            also = f" (as {other_path})" if other_path != path else ""
            problems.append(
                Problem(
                    source,
                    line,
                    column,
                    f"{what} writes {path}, which {other} writes too{also}",
                    "give one of them a different 'slug', date or alias",
                )
            )
        else:
            owners[key] = (path, _owner(what, source))
    if problems:
        raise BuildFailed(problems)


def _owner(what: str, source: str) -> str:
    """How a clash names the file that got a path first: the article, or what and where."""
    if what == "this article":
        return source
    return what if source == CONFIG_FILE else f"{what} in {source}"


def planned_urls(site: SitePlan) -> set[str]:
    """Every URL the plan writes: pages, listings, feeds, redirects and built-in files."""
    return {url for url, *_ in _outputs(site)}


def _outputs(site: SitePlan) -> Iterable[tuple[str, str, str, tuple[int, int]]]:
    """(url, what it is, file to blame, position) of every planned file."""
    for url in (
        urls.NOT_FOUND,
        urls.ARCHIVE,
        urls.SEARCH,
        urls.SITEMAP,
        urls.NEWS_SITEMAP,
        urls.ROBOTS,
        *(index.url for index in site.term_indexes),
        *(listing.url for listing in site.listings),
        *(url for feed in site.feeds for url in (feed.rss_url, feed.atom_url, feed.json_url)),
    ):
        yield url, f"the page {url}", CONFIG_FILE, (1, 1)
    for page in site.articles:
        article = page.entry.article
        # Without a 'slug' key the URL comes from the title, so point there.
        key = "slug" if "slug" in article.positions else "title"
        yield article.url, "this article", article.source, article.position(key)
    for redirect in site.redirects:
        yield redirect.url, f"the alias {redirect.url}", redirect.source, redirect.position
