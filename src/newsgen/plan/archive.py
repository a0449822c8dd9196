"""Plan the site: which articles are published, and every page, listing, feed and redirect.

The plan is pure data; rendering happens in pages.py, feeds.py and sitemaps.py. inventory.py
lists and checks every path the plan writes, before anything is rendered.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from newsgen.content import urls
from newsgen.content.config import Config, Language
from newsgen.content.kinds import AUTHOR, SECTION, TAG, TermKind
from newsgen.content.locales import month_name, month_year
from newsgen.model import Group, RenderedArticle, input_digest
from newsgen.plan.corrections import Correction, corrections
from newsgen.plan.periods import group_by_period
from newsgen.plan.related import RelatedMemo, related_articles
from newsgen.plan.terms import group_by_term
from newsgen.plan.translations import translations

PERIOD_KINDS = ("year", "month", "day")


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
    language: str = ""  # the code of its articles' language; "" the site's default

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
    total: int = 0  # articles in the whole listing (an author page shows the count)
    language: str = ""  # the code of the page's language; "" the site's default


@dataclass(frozen=True, slots=True)
class TermLinks:
    """An article's terms of one of the site's own kinds (config `taxonomies:`)."""

    kind: str  # the kind's name: "series"
    label: str  # its word for one term: "Series"
    links: tuple[Link, ...]


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
    # The article in every language it is published in, itself included, in the site's order
    # of languages; () when it has no translation.
    versions: tuple[RenderedArticle, ...] = ()
    # Its terms of each of the site's own kinds it has, in the order the site declares them.
    terms: tuple[TermLinks, ...] = ()

    @property
    def translations(self) -> tuple[RenderedArticle, ...]:
        return tuple(version for version in self.versions if version is not self.entry)


@dataclass(frozen=True, slots=True)
class TermIndex:
    """/sections/, /tags/, /authors/ or a declared kind's folder: every term of a kind with
    its article count."""

    kind: str
    title: str
    url: str
    terms: tuple[Link, ...]
    language: str = ""


@dataclass(frozen=True, slots=True)
class ArchiveYear:
    year: Link
    months: tuple[Link, ...]  # newest first


@dataclass(frozen=True, slots=True)
class Edition:
    """One language's own pages besides its listings: the navigation's sections, /archive/ and
    /search/, under the language's prefix (none for the default language)."""

    language: Language
    sections: tuple[Link, ...]  # for the navigation bar
    archive: tuple[ArchiveYear, ...]  # newest first

    @property
    def archive_url(self) -> str:
        return self.language.prefix + urls.ARCHIVE

    @property
    def search_url(self) -> str:
        return self.language.prefix + urls.SEARCH


@dataclass(frozen=True, slots=True)
class Redirect:
    url: str  # the old address
    target: str  # the article's URL
    source: str  # the article file that asked for it
    position: tuple[int, int]  # of its 'aliases' key
    language: str = ""  # the article's: the redirect page speaks it


@dataclass(frozen=True, slots=True)
class ListingGroup:
    """A group's whole listing before it is cut into pages; pages are made only when needed,
    so a build that renders few of them does not build them all."""

    group: Group
    feed: Feed | None
    stable: bool  # pagination: stable
    newer: Link | None = None  # the next period with articles (date archives only)
    older: Link | None = None
    parents: tuple[Link, ...] = ()  # a day's month and year, a month's year

    def pages(self, per_page: int) -> tuple[Listing, ...]:
        return paginate(
            self.group,
            per_page,
            self.feed,
            stable=self.stable,
            newer=self.newer,
            older=self.older,
            parents=self.parents,
        )

    def page_count(self, per_page: int) -> int:
        return max(1, -(-len(self.group.articles) // per_page))

    def front_articles(self, per_page: int) -> tuple[RenderedArticle, ...]:
        """The articles of the listing's first page, without making the others."""
        articles = self.group.articles
        if not self.stable:
            return articles[:per_page]
        return articles[: len(articles) - (self.page_count(per_page) - 1) * per_page]

    def spans(self, per_page: int) -> list[Page]:
        """(number, URL, articles) of every page, front page first."""
        if self.stable:
            return _stable_pages(self.group, per_page)
        return _newest_pages(self.group, per_page)

    def page_urls(self, per_page: int) -> tuple[str, ...]:
        """The URL of every page, front page first, without making the pages."""
        count = self.page_count(per_page)
        url = self.group.url
        if self.stable:
            return (url, *(f"{url}page/{number}/" for number in range(count - 1, 0, -1)))
        return tuple(urls.paginated(url, number) for number in range(1, count + 1))


@dataclass(frozen=True, slots=True)
class SitePlan:
    """The plan of every language at once: a language is one more key of each listing, feed,
    index and edition, not a plan of its own (so inventory, memo and writer see one site)."""

    entries: tuple[RenderedArticle, ...]  # published articles, newest first
    related: tuple[tuple[RenderedArticle, ...], ...]  # of each entry
    listing_groups: tuple[ListingGroup, ...]
    term_indexes: tuple[TermIndex, ...]
    editions: tuple[Edition, ...]  # one per language, the default first
    feeds: tuple[Feed, ...]
    redirects: tuple[Redirect, ...]
    per_page: int
    related_memo: RelatedMemo = field(default_factory=RelatedMemo, compare=False)
    corrections: tuple[Correction, ...] = ()  # newest first, for /corrections/ and its feeds
    # Of each entry: the indexes of its newer and older neighbour in its own language.
    neighbours: tuple[tuple[int | None, int | None], ...] = ()
    # Of each entry: every published version of it (see ArticlePage.versions).
    translations: tuple[tuple[RenderedArticle, ...], ...] = ()
    # The site's own kinds of term (config `taxonomies:`), for the links of article pages.
    declared: tuple[TermKind, ...] = ()

    @property
    def sections(self) -> tuple[Link, ...]:
        """The default language's sections: the navigation of pages outside any language."""
        return self.editions[0].sections

    @property
    def archive(self) -> tuple[ArchiveYear, ...]:
        return self.editions[0].archive

    @property
    def nav(self) -> tuple[tuple[str, str], ...]:
        """Every language's navigation (names and URLs): what every page's key depends on."""
        return tuple((s.title, s.url) for edition in self.editions for s in edition.sections)

    def newer(self, index: int) -> RenderedArticle | None:
        found = self.neighbours[index][0]
        return None if found is None else self.entries[found]

    def older(self, index: int) -> RenderedArticle | None:
        found = self.neighbours[index][1]
        return None if found is None else self.entries[found]

    def article_page(self, index: int) -> ArticlePage:
        """The page of entries[index], with its links to periods, terms and neighbours."""
        entry = self.entries[index]
        article = entry.article
        moment = article.local_date
        language = self.edition_of(article.language).language
        prefix = language.prefix
        return ArticlePage(
            entry=entry,
            day=Link(str(moment.day), prefix + urls.day_url(moment.year, moment.month, moment.day)),
            month=Link(
                month_name(moment.month, language.words),
                prefix + urls.month_url(moment.year, moment.month),
            ),
            year=Link(str(moment.year), prefix + urls.year_url(moment.year)),
            section=(
                Link(article.section, prefix + urls.term_url(SECTION, article.section))
                if article.section
                else None
            ),
            tags=tuple(Link(tag, prefix + urls.term_url(TAG, tag)) for tag in article.tags),
            authors=tuple(
                Link(name, prefix + urls.term_url(AUTHOR, name)) for name in article.authors
            ),
            older=self.older(index),
            newer=self.newer(index),
            related=self.related[index],
            versions=self.translations[index],
            terms=tuple(
                TermLinks(
                    kind.name,
                    kind.label,
                    tuple(Link(term, prefix + urls.term_url(kind, term)) for term in terms),
                )
                for kind in self.declared
                if (terms := kind.terms_of(article))
            ),
        )

    def edition_of(self, code: str) -> Edition:
        return next((e for e in self.editions if e.language.code == code), self.editions[0])

    @property
    def articles(self) -> Iterator[ArticlePage]:
        return (self.article_page(index) for index in range(len(self.entries)))

    @property
    def listings(self) -> Iterator[Listing]:
        """Every page of every listing, made one group at a time."""
        for listing_group in self.listing_groups:
            yield from listing_group.pages(self.per_page)

    @property
    def page_count(self) -> int:
        """HTML pages: articles, listings, indexes, redirects, the archive, search and 404."""
        return (
            len(self.entries)
            + sum(group.page_count(self.per_page) for group in self.listing_groups)
            + len(self.term_indexes)
            + len(self.redirects)
            + 3 * len(self.editions)  # each language's archive, search and latest pages
            + 2  # the 404 and corrections pages
        )

    @property
    def feed_count(self) -> int:
        """Feed files: RSS, Atom and JSON Feed for every feed, and for the corrections."""
        return 3 * (len(self.feeds) + 1)


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


def plan(
    rendered: Iterable[RenderedArticle], config: Config, related_memo: RelatedMemo | None = None
) -> SitePlan:
    """The plan of the whole site; `related_memo` (the last build's) spares ranking again the
    related articles that nothing changed. Each language is planned alike from its own
    articles (the default language at the root, the others under their prefix)."""
    articles = newest_first(rendered)
    stable = config.pagination == "stable"
    feeds: list[Feed] = []
    listings: list[ListingGroup] = []
    indexes: list[TermIndex] = []
    editions: list[Edition] = []
    for language in config.editions:
        own = tuple(r for r in articles if r.article.language == language.code)
        edition, own_listings, own_feeds, own_indexes = _edition(own, language, config, stable)
        editions.append(edition)
        listings.extend(own_listings)
        feeds.extend(own_feeds)
        indexes.extend(own_indexes)
    related, memo = related_articles(articles, memo=related_memo)
    site = SitePlan(
        entries=articles,
        related=tuple(related),
        listing_groups=tuple(listings),
        term_indexes=tuple(indexes),
        editions=tuple(editions),
        feeds=tuple(feeds),
        redirects=tuple(
            Redirect(
                urls.alias_url(alias),
                r.article.url,
                r.article.source,
                r.article.position("aliases"),
                r.article.language,
            )
            for r in articles
            for alias in r.article.aliases
        ),
        per_page=config.per_page,
        related_memo=memo,
        corrections=corrections(articles),
        neighbours=_neighbours(articles),
        translations=translations(articles, tuple(e.code for e in config.editions)),
        declared=config.taxonomies,
    )
    return site


def plan_key(published: Iterable[RenderedArticle], settings: str) -> str:
    """What a plan is made from: the settings and each published article's `view` (its front
    matter, summary and reading time: all that planning reads of it)."""
    return input_digest((settings, tuple((r.article.source, r.view) for r in published)))


def with_versions(site: SitePlan, current: Mapping[str, RenderedArticle]) -> SitePlan:
    """`site` with every article in it replaced by its version in `current` (by source), for
    articles whose views are those `site` was planned from (see `plan_key`): the same plan
    `plan` would make, for the cost of one walk instead of grouping and ranking again."""

    # What holds no other version is kept as it is, not copied: after a body edit, nearly all.
    def swap(articles: tuple[RenderedArticle, ...]) -> tuple[RenderedArticle, ...]:
        if all(current[r.article.source] is r for r in articles):
            return articles
        return tuple(current[r.article.source] for r in articles)

    feeds: dict[int, Feed] = {}  # a listing's feed is also in site.feeds: swapped once

    def feed(old: Feed) -> Feed:
        new = feeds.get(id(old))
        if new is None:
            articles = swap(old.articles)
            new = old if articles is old.articles else replace(old, articles=articles)
            feeds[id(old)] = new
        return new

    def listing(old: ListingGroup) -> ListingGroup:
        articles = swap(old.group.articles)
        new_feed = feed(old.feed) if old.feed is not None else None
        if articles is old.group.articles and new_feed is old.feed:
            return old
        return replace(old, group=replace(old.group, articles=articles), feed=new_feed)

    return replace(
        site,
        entries=swap(site.entries),
        related=tuple(map(swap, site.related)),
        listing_groups=tuple(map(listing, site.listing_groups)),
        feeds=tuple(map(feed, site.feeds)),
        corrections=tuple(
            replace(c, article=current[c.article.source].article) for c in site.corrections
        ),
        translations=tuple(map(swap, site.translations)),
    )


def _edition(
    articles: tuple[RenderedArticle, ...], language: Language, config: Config, stable: bool
) -> tuple[Edition, list[ListingGroup], list[Feed], list[TermIndex]]:
    """One language's listings, feeds, term indexes and edition, from its own articles."""
    code, prefix = language.code, language.prefix
    periods = group_by_period(articles, prefix, code, language.words)
    kinds = config.term_kinds
    terms = {kind.name: group_by_term(articles, kind, prefix, code) for kind in kinds}
    home = prefix + urls.HOME
    home_feed = Feed(language.title, home, articles[: config.feeds.items], code)
    feeds = [home_feed]
    listings = [
        ListingGroup(Group("home", language.title, home, articles, code), home_feed, stable)
    ]
    for period in PERIOD_KINDS:
        listings.extend(_period_listings(periods[period], stable, prefix, language.words))
    for kind in kinds:
        for group in terms[kind.name]:
            feed = None
            if kind.feeds:
                feed = Feed(
                    f"{group.name} · {language.title}",
                    group.url,
                    group.articles[: config.feeds.items],
                    code,
                )
                feeds.append(feed)
            listings.append(ListingGroup(group, feed, stable))
    indexes = [
        TermIndex(kind.name, kind.index_title, prefix + kind.folder, _links(terms[kind.name]), code)
        for kind in kinds
    ]
    edition = Edition(language, _links(terms["section"]), _archive_years(periods, prefix))
    return edition, listings, feeds, indexes


def _neighbours(
    articles: tuple[RenderedArticle, ...],
) -> tuple[tuple[int | None, int | None], ...]:
    """Each article's newer and older neighbour among the articles of its own language."""
    last: dict[str, int] = {}
    newer: list[int | None] = []
    older: list[int | None] = [None] * len(articles)
    for index, entry in enumerate(articles):
        previous = last.get(entry.article.language)
        newer.append(previous)
        if previous is not None:
            older[previous] = index
        last[entry.article.language] = index
    return tuple(zip(newer, older, strict=True))


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
            total=len(group.articles),
            language=group.language,
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


def _period_listings(
    groups: tuple[Group, ...], stable: bool, prefix: str, words: str
) -> Iterable[ListingGroup]:
    """Periods are newest first, so a period's neighbours in the tuple skip empty periods."""
    for index, group in enumerate(groups):
        newer = groups[index - 1] if index > 0 else None
        older = groups[index + 1] if index + 1 < len(groups) else None
        yield ListingGroup(
            group,
            None,
            stable,
            newer=_link(newer) if newer else None,
            older=_link(older) if older else None,
            parents=_parents(group, prefix, words),
        )


def _parents(group: Group, prefix: str, words: str) -> tuple[Link, ...]:
    """The year above a month; the year and month above a day."""
    moment = group.articles[0].article.local_date
    year = Link(str(moment.year), prefix + urls.year_url(moment.year))
    month = Link(
        month_year(moment.year, moment.month, words),
        prefix + urls.month_url(moment.year, moment.month),
    )
    return {"year": (), "month": (year,), "day": (year, month)}[group.kind]


def _archive_years(periods: dict[str, tuple[Group, ...]], prefix: str) -> tuple[ArchiveYear, ...]:
    months_of: dict[str, list[Link]] = {}
    for month in periods["month"]:  # /2026/11/ belongs to /2026/ (after the prefix)
        months_of.setdefault(month.url[: len(prefix) + 6], []).append(_link(month))
    return tuple(ArchiveYear(_link(year), tuple(months_of[year.url])) for year in periods["year"])


def _link(group: Group) -> Link:
    return Link(group.name, group.url, len(group.articles))


def _links(groups: Iterable[Group]) -> tuple[Link, ...]:
    return tuple(_link(group) for group in groups)
