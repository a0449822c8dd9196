"""The archive as a reader uses it: every article reachable by date, section, tag and author,
and every listing showing exactly the articles that belong to it."""

from __future__ import annotations

import html
import itertools
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import pytest

from newsgen.build.run import BuildOptions, build

import golden
from conftest import BASIC_CONFIG, article
from oracle import listing_titles, published, read_articles, site_zone

SOURCES = golden.SITES / "courier"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip


def article_pages(site: Path) -> dict[str, lxml.html.HtmlElement]:
    """Title -> parsed page, for every article page of the built site."""
    pages = {}
    for path in site.rglob("index.html"):
        text = path.read_text(encoding="utf-8")
        if "data-pagefind-body" in text:
            tree = lxml.html.fromstring(text)
            pages[tree.xpath("string(//h1)")] = tree
    return pages


def test_every_published_article_has_a_page_and_nothing_else_does(golden_site: Path) -> None:
    sources = read_articles(SOURCES)
    expected = {a.title for a in published(sources, golden.NOW)}
    assert len(expected) == 40
    assert set(article_pages(golden_site)) == expected
    everything = "".join(
        html.unescape(p.read_text(encoding="utf-8"))
        for p in golden_site.rglob("*")
        if p.suffix in (".html", ".xml", ".json")
    )
    for held_back in {a.title for a in sources} - expected:
        assert held_back not in everything


def test_each_article_links_to_its_date_section_tags_and_authors_and_they_link_back(
    golden_site: Path,
) -> None:
    sources = {a.title: a for a in published(read_articles(SOURCES), golden.NOW)}
    zone = site_zone(SOURCES)
    members: dict[str, set[str]] = defaultdict(set)  # listing URL -> titles linking to it
    for title, tree in article_pages(golden_site).items():
        source = sources[title]
        local = source.date.astimezone(zone)
        date_links = tree.xpath("//article//time[1]/a")
        assert [a.text for a in date_links] == [
            MONTHS[local.month - 1],
            str(local.day),
            str(local.year),
        ]
        section = tree.xpath("//p[@class='story-section']/a")
        assert [a.text for a in section] == ([source.section] if source.section else [])
        tags = tree.xpath("//ul[@class='story-tags']//a")
        assert [a.text.casefold() for a in tags] == [t.casefold() for t in source.tags]
        authors = tree.xpath("//span[@class='byline']/a")
        assert [a.text for a in authors] == list(source.authors)
        for link in [*date_links, *section, *tags, *authors]:
            members[link.get("href")].add(title)
    assert len(members) > 60
    for url, titles in members.items():
        shown = listing_titles(golden_site, url)
        assert set(shown) == titles, url
        assert len(shown) == len(titles), f"{url} shows an article twice"


def test_term_indexes_and_the_archive_count_what_the_listings_show(golden_site: Path) -> None:
    for index in ("sections", "tags", "authors", "archive"):
        tree = lxml.html.fromstring((golden_site / index / "index.html").read_bytes())
        counted = tree.xpath("//main//a[following-sibling::span[@class='count']]")
        assert counted, index
        for link in counted:
            count = int(link.getnext().text)
            assert len(listing_titles(golden_site, link.get("href"))) == count, link.get("href")
    archive = (golden_site / "archive/index.html").read_text(encoding="utf-8")
    assert [int(y) for y in re.findall(r'<h2 id="year-(\d+)">', archive)] == [2026, 2025, 2024]


def test_period_links_skip_empty_periods(golden_site: Path) -> None:
    june = lxml.html.fromstring((golden_site / "2026/06/index.html").read_bytes())
    nav = {a.text: a.get("href") for a in june.xpath("//nav[@class='period-nav']/a")}
    # No article was published in July 2026.
    assert nav == {"← May 2026": "/2026/05/", "August 2026 →": "/2026/08/"}
    first_day = lxml.html.fromstring((golden_site / "2024/01/15/index.html").read_bytes())
    nav = {a.text: a.get("href") for a in first_day.xpath("//nav[@class='period-nav']/a")}
    assert nav == {"February 3, 2024 →": "/2024/02/03/"}
    crumbs = [a.get("href") for a in first_day.xpath("//nav[@class='breadcrumbs']/a")]
    assert crumbs == ["/archive/", "/2024/", "/2024/01/"]


def test_terms_are_case_insensitive_and_shown_in_their_most_common_spelling(
    golden_site: Path,
) -> None:
    tree = lxml.html.fromstring((golden_site / "tags/budget/index.html").read_bytes())
    assert tree.xpath("string(//h1)") == "Budget"
    assert "Council passes budget" in listing_titles(golden_site, "/tags/budget/")
    assert not (golden_site / "tags/budget-2").exists()


def test_newer_and_older_links_follow_publication_time(golden_site: Path) -> None:
    sources = sorted(published(read_articles(SOURCES), golden.NOW), key=lambda a: a.date)
    pages = article_pages(golden_site)
    for older, newer in itertools.pairwise(sources):
        older_page, newer_page = pages[older.title], pages[newer.title]
        assert older_page.xpath("string(//a[@rel='next'])").endswith(newer.title)
        assert newer_page.xpath("string(//a[@rel='prev'])").endswith(older.title)


def test_related_articles_share_tags_or_section(golden_site: Path) -> None:
    sources = {a.title: a for a in published(read_articles(SOURCES), golden.NOW)}
    checked = 0
    for title, tree in article_pages(golden_site).items():
        related = [a.text for a in tree.xpath("//aside[@class='related']//a")]
        assert title not in related
        for other in related:
            shared = {t.casefold() for t in sources[title].tags} & {
                t.casefold() for t in sources[other].tags
            }
            assert shared or sources[title].section == sources[other].section
            checked += 1
    assert checked > 40


@pytest.mark.parametrize("url", ["/sections/local/", "/tags/harbor/", "/authors/ada-lindqvist/"])
def test_term_pages_announce_their_own_feeds(golden_site: Path, url: str) -> None:
    tree = lxml.html.fromstring((golden_site / url.strip("/") / "index.html").read_bytes())
    alternates = {link.get("href") for link in tree.xpath("//head/link[@rel='alternate']")}
    for name in ("feed.xml", "atom.xml", "feed.json"):
        assert url + name in alternates
        assert (golden_site / url.strip("/") / name).is_file()


def test_a_row_in_the_kinds_table_gives_pages_an_index_feeds_and_a_label(
    make_site: Callable[..., Path],
) -> None:
    """A kind is one row: planning, URLs and templates read it, nothing lists kinds again. A
    site's `taxonomies:` entry is such a row."""
    root = make_site(
        {
            "articles/a.md": article(title="Harbor", desk="Metro"),
            "articles/b.md": article(title="Ferry", date="2026-11-21", desk="Metro"),
        },
        config=BASIC_CONFIG + "taxonomies:\n  desk:\n    path: /desks/\n    plural: Desks\n",
    )
    build(BuildOptions(root=root, now=datetime(2026, 11, 24, tzinfo=UTC), jobs=1))
    page = (root / "site/desks/metro/index.html").read_text("utf-8")
    assert '<p class="listing-kind">Desk</p>' in page
    assert page.count('<article class="teaser') == 2
    assert "/desks/metro/" in (root / "site/desks/index.html").read_text("utf-8")
    for feed in ("feed.xml", "atom.xml", "feed.json"):
        assert (root / "site/desks/metro" / feed).is_file()
