"""A site's own kinds of term (`taxonomies:` in newsgen.yaml): pages, indexes, feeds, sitemap
entries and article links as tags have them, feed categories and JSON-LD keywords, search
filters for kinds with `filter: true`, config problems reported at once with positions, and
incremental builds equal to clean ones as kinds come and go."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import lxml.html
import pytest

from newsgen.build.run import BuildOptions, build
from newsgen.content.config import parse_config
from newsgen.content.loader import parse_article
from newsgen.model import Body, RenderedArticle
from newsgen.outputs import records as search_records
from newsgen.store import cache, records

import golden
from conftest import BASIC_CONFIG, Run, article

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
TAXONOMIES = """\
search: false
taxonomies:
  series:
    key: series
    path: /series/
    singular: Series
    plural: Series
  desk:
    path: /desks/
    singular: Desk
    plural: Desks
    feeds: false
"""
ARTICLES = {
    "articles/a.md": article(title="Harbor reopens", series="Harbor Watch", desk="[Metro, Night]"),
    "articles/b.md": article(title="Ferry returns", date="2026-11-21", series="[harbor watch]"),
    "articles/c.md": article(title="Council vote", date="2026-11-22", tags="[Council]"),
}


def built(make_site: Callable[..., Path], extra: str = "") -> Path:
    root = make_site(ARTICLES, config=BASIC_CONFIG + TAXONOMIES + extra)
    build(BuildOptions(root=root, now=NOW, jobs=1))
    return root / "site"


def page(site: Path, url: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / url.strip("/") / "index.html").read_bytes())


def test_each_term_has_a_listing_with_its_articles_and_label(
    make_site: Callable[..., Path],
) -> None:
    site = built(make_site)
    series = page(site, "/series/harbor-watch/")
    assert series.xpath("string(//p[@class='listing-kind'])") == "Series"
    # Both spellings are one term, as for tags; the newer article first.
    assert series.xpath("//article[contains(@class, 'teaser')]//h2//a/text()") == [
        "Ferry returns",
        "Harbor reopens",
    ]
    desk = page(site, "/desks/night/")
    assert desk.xpath("string(//p[@class='listing-kind'])") == "Desk"
    assert desk.xpath("//article[contains(@class, 'teaser')]//h2//a/text()") == ["Harbor reopens"]


def test_term_listings_are_paginated_like_the_others(make_site: Callable[..., Path]) -> None:
    site = built(make_site, "per_page: 1\n")
    assert page(site, "/series/harbor-watch/").xpath("//link[@rel='next']/@href") == [
        "/series/harbor-watch/page/2/"
    ]
    second = page(site, "/series/harbor-watch/page/2/")
    assert second.xpath("//article[contains(@class, 'teaser')]//h2//a/text()") == ["Harbor reopens"]


def test_each_kind_has_an_index_of_its_terms(make_site: Callable[..., Path]) -> None:
    site = built(make_site)
    desks = page(site, "/desks/")
    assert desks.xpath("string(//h1)") == "Desks"
    links = desks.xpath("//ul[@class='term-index']/li/a")
    assert [(a.get("href"), a.text) for a in links] == [
        ("/desks/metro/", "Metro"),
        ("/desks/night/", "Night"),
    ]
    series = page(site, "/series/")
    assert series.xpath("string(//ul[@class='term-index']/li/span[@class='count'])") == "2"


def test_a_kind_with_feeds_has_feeds_per_term_that_readers_parse(
    make_site: Callable[..., Path],
) -> None:
    site = built(make_site)
    for name, version in (("feed.xml", "rss20"), ("atom.xml", "atom10")):
        feed = feedparser.parse((site / "series/harbor-watch" / name).read_bytes())
        assert feed.bozo == 0, feed.get("bozo_exception")
        assert feed.version == version
        assert feed.feed.title == "Harbor Watch · Test Gazette"
        assert [e.title for e in feed.entries] == ["Ferry returns", "Harbor reopens"]
    json_feed = json.loads((site / "series/harbor-watch/feed.json").read_bytes())
    assert [item["title"] for item in json_feed["items"]] == ["Ferry returns", "Harbor reopens"]
    alternates = page(site, "/series/harbor-watch/").xpath("//head/link[@rel='alternate']/@href")
    assert "/series/harbor-watch/feed.xml" in alternates


def test_a_kind_without_feeds_makes_no_feed_files_nor_links(
    make_site: Callable[..., Path],
) -> None:
    site = built(make_site)
    assert not [p for p in (site / "desks").rglob("*") if p.is_file() and p.name != "index.html"]
    metro = page(site, "/desks/metro/")
    # The site's own feeds are announced on every page; the desk's would be beside them.
    assert all(
        not href.startswith("/desks/")
        for href in metro.xpath("//head/link[@rel='alternate']/@href")
    )
    assert not metro.xpath("//p[@class='listing-feeds']")


def test_the_sitemap_lists_the_term_pages_and_indexes(make_site: Callable[..., Path]) -> None:
    site = built(make_site)
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    base = "https://gazette.example.org"
    for url in ("/series/", "/series/harbor-watch/", "/desks/", "/desks/metro/", "/desks/night/"):
        assert f"<loc>{base}{url}</loc>" in sitemap


def test_an_article_page_links_its_terms_of_each_kind(make_site: Callable[..., Path]) -> None:
    site = built(make_site)
    story = page(site, "/2026/11/20/harbor-reopens/")
    blocks = story.xpath("//div[contains(@class, 'story-terms')]")
    shown = [
        (
            block.xpath("string(p[@class='story-terms-label'])"),
            [(a.get("href"), a.text) for a in block.xpath(".//a")],
        )
        for block in blocks
    ]
    assert shown == [
        ("Series", [("/series/harbor-watch/", "Harbor Watch")]),
        ("Desk", [("/desks/metro/", "Metro"), ("/desks/night/", "Night")]),
    ]
    council = page(site, "/2026/11/22/council-vote/")
    assert not council.xpath("//div[contains(@class, 'story-terms')]")


# One article with a term of every kind: section, tags, author, series and desk.
FILED = article(
    title="Night ferry",
    date="2026-11-23",
    section="Local",
    tags="[Ferries, Weather]",
    author="Ada Lindqvist",
    series="Harbor Watch",
    desk="[Metro, Night]",
)
# Its terms as categories: every kind but author, in the table's order (section, tags, then
# the site's kinds as declared; desk has no feeds of its own, but its terms are categories).
CATEGORIES = ["Local", "Ferries", "Weather", "Harbor Watch", "Metro", "Night"]
# The desk a search filter (with feeds), the series not.
FILTERED = TAXONOMIES.replace("feeds: false", "filter: true")


def test_feed_entries_carry_the_terms_of_every_kind_but_author(
    make_site: Callable[..., Path],
) -> None:
    root = make_site({"articles/n.md": FILED}, config=BASIC_CONFIG + TAXONOMIES)
    build(BuildOptions(root=root, now=NOW, jobs=1))
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse((root / "site" / name).read_bytes())
        assert feed.bozo == 0, feed.get("bozo_exception")
        (entry,) = feed.entries
        assert [tag.term for tag in entry.tags] == CATEGORIES, name
        assert entry.author == "Ada Lindqvist"
    (item,) = json.loads((root / "site/feed.json").read_bytes())["items"]
    assert item["tags"] == CATEGORIES
    assert [author["name"] for author in item["authors"]] == ["Ada Lindqvist"]


def test_json_ld_keywords_are_the_tags_then_the_terms_of_the_sites_kinds(
    make_site: Callable[..., Path],
) -> None:
    root = make_site({**ARTICLES, "articles/n.md": FILED}, config=BASIC_CONFIG + TAXONOMIES)
    build(BuildOptions(root=root, now=NOW, jobs=1))

    def json_ld(url: str) -> dict[str, object]:
        (script,) = page(root / "site", url).xpath("//script[@type='application/ld+json']/text()")
        data: dict[str, object] = json.loads(script)
        return data

    night = json_ld("/2026/11/23/night-ferry/")
    assert night["articleSection"] == "Local"
    assert night["keywords"] == ["Ferries", "Weather", "Harbor Watch", "Metro", "Night"]
    # An article with terms of the site's kinds alone has them as its keywords.
    harbor = json_ld("/2026/11/20/harbor-reopens/")
    assert harbor["keywords"] == ["Harbor Watch", "Metro", "Night"]
    assert "articleSection" not in harbor
    assert json_ld("/2026/11/22/council-vote/")["keywords"] == ["Council"]


def test_a_kind_with_filter_is_in_the_search_records(tmp_path: Path) -> None:
    config = parse_config(BASIC_CONFIG + FILTERED, tmp_path)
    assert [kind.name for kind in config.search_filters] == ["section", "author", "desk"]
    parsed = parse_article(FILED, "articles/n.md", config)
    entry = RenderedArticle(parsed, Body("<p>Body.</p>"), "", "", 2)
    html = search_records.record(entry, "en", config.search_filters)
    filters = lxml.html.fromstring(html).xpath("//meta[@data-pagefind-filter]")
    assert [(m.get("data-pagefind-filter"), m.get("content")) for m in filters] == [
        ("section[content]", "Local"),
        ("author[content]", "Ada Lindqvist"),
        ("desk[content]", "Metro"),
        ("desk[content]", "Night"),
        ("year[content]", "2026"),
        ("when[content]", "2026-11-22T23:00:00Z"),  # midnight in Berlin
    ]


def test_a_kind_with_filter_has_a_menu_of_its_terms_on_the_search_page(
    make_site: Callable[..., Path],
) -> None:
    config = BASIC_CONFIG + FILTERED.replace("search: false\n", "")
    root = make_site({**ARTICLES, "articles/n.md": FILED}, config=config)
    build(BuildOptions(root=root, now=NOW, jobs=1))
    site = root / "site"
    facets = json.loads((site / "pagefind/tiers.json").read_bytes())["facets"]
    assert facets["desk"] == [["Metro", 2], ["Night", 2]]
    assert facets["section"] == [["Local", 1]]
    assert "series" not in facets  # no `filter: true`
    search = page(site, "/search/")
    (select,) = search.xpath("//select[@data-filter]")
    assert (select.get("name"), select.get("data-filter")) == ("desk", "desk")
    assert select.getparent().text_content().split() == ["Desk", "All", "Desks"]
    assert [o.get("value") for o in select.xpath("option")] == [""]
    # The fields before it and after it are the page's own, in their order.
    names = search.xpath("//form[@id='search-form']//select/@name")
    assert names == ["section", "byline", "year", "desk", "sort"]


def test_each_language_has_its_own_term_pages(make_site: Callable[..., Path]) -> None:
    languages = "languages:\n  - code: en\n  - code: fr-CA\n    title: La Gazette\n"
    root = make_site(
        {
            **ARTICLES,
            "articles/fr.md": article(title="Le port", language="fr-CA", series="Le port"),
        },
        config=BASIC_CONFIG + TAXONOMIES + languages,
    )
    build(BuildOptions(root=root, now=NOW, jobs=1))
    site = root / "site"
    french = page(site, "/fr-ca/series/le-port/")
    assert french.xpath("//article[contains(@class, 'teaser')]//h2//a/text()") == ["Le port"]
    assert (site / "fr-ca/series/le-port/feed.xml").is_file()
    assert "/fr-ca/series/le-port/" in (site / "fr-ca/series/index.html").read_text("utf-8")
    assert "le-port" not in (site / "series/index.html").read_text("utf-8")
    assert not (site / "series/le-port").exists()


def test_config_problems_are_reported_at_once_with_positions(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    config = BASIC_CONFIG + (
        "taxonomies:\n"  # line 4
        "  series:\n"
        "    colour: blue\n"
        "  tag:\n"
        "    path: /topics/\n"
        "  desk:\n"  # line 9
        "    key: series\n"
        "    path: /tags/desks/\n"
        "  region:\n"
        "    path: /2026/\n"
        "  era:\n"  # line 14
        "    path: /series/\n"
        "  edition:\n"
        "    key: title\n"
        "    feeds: maybe\n"
    )
    root = make_site({"articles/a.md": article()}, config=config)
    result = run_cli("build", "-s", str(root))
    assert result.code == 1
    assert "Traceback" not in result.err
    assert result.err == (
        "newsgen.yaml:6:5: unknown key 'taxonomies.series.colour'\n"
        "newsgen.yaml:7:3: 'taxonomies.tag' clashes with newsgen's own kind 'tag'\n"
        "hint: give the kind another name\n"
        "newsgen.yaml:10:5: 'taxonomies.desk' reads the front-matter key 'series', as "
        "'taxonomies.series' does\n"
        "hint: give each kind its own 'key'\n"
        "newsgen.yaml:11:5: 'taxonomies.desk.path' /tags/desks/ clashes with newsgen's own "
        "folder /tags/\n"
        "hint: give the kind another 'path'\n"
        "newsgen.yaml:13:5: 'taxonomies.region.path' /2026/ is inside the date archive (2026)\n"
        "newsgen.yaml:15:5: 'taxonomies.era.path' /series/ clashes with 'taxonomies.series' "
        "folder /series/\n"
        "hint: give the kind another 'path'\n"
        "newsgen.yaml:17:5: 'taxonomies.edition' would read the front-matter key 'title', "
        "which newsgen reads itself\n"
        "hint: give it another 'key'\n"
        "newsgen.yaml:18:5: 'taxonomies.edition.feeds' must be true or false, not str\n"
        "error: build failed with 8 problems; nothing was written\n"
    )


def test_filter_problems_are_reported_at_once_with_positions(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    config = BASIC_CONFIG + (
        "taxonomies:\n"  # line 4
        "  series:\n"
        "    filter: maybe\n"
        "  sort:\n"
        "    filter: true\n"
        "  desk:\n"  # line 9
        "    filter: 1\n"
        "  when:\n"
        "    key: time_of_day\n"
        "    filter: false\n"  # a kind named as the search page's own is fine unfiltered
    )
    root = make_site({"articles/a.md": article()}, config=config)
    result = run_cli("build", "-s", str(root))
    assert result.code == 1
    assert result.err == (
        "newsgen.yaml:6:5: 'taxonomies.series.filter' must be true or false, not str\n"
        "newsgen.yaml:8:5: 'taxonomies.sort.filter': the search page has a 'sort' of its own\n"
        "hint: give the kind another name; 'key' and 'path' keep its front matter and pages\n"
        "newsgen.yaml:10:5: 'taxonomies.desk.filter' must be true or false, not the number 1\n"
        "error: build failed with 3 problems; nothing was written\n"
    )


def test_a_path_in_a_language_folder_is_refused(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    config = BASIC_CONFIG + (
        "languages:\n  - code: en\n  - code: fr-CA\ntaxonomies:\n  beat:\n    path: /fr-ca/beats/\n"
    )
    result = run_cli("build", "-s", str(make_site({}, config=config)))
    assert result.code == 1
    assert result.err.startswith(
        "newsgen.yaml:9:5: 'taxonomies.beat.path' /fr-ca/beats/ clashes with the language "
        "fr-CA's folder /fr-ca/\n"
    )


def test_a_front_matter_value_that_is_not_text_or_a_list_is_refused(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    text = "---\ntitle: Ferry\ndate: 2026-11-21\nseries: 5\ndesk: {a: 1}\n---\n\nBody.\n"
    root = make_site({"articles/a.md": text}, config=BASIC_CONFIG + TAXONOMIES)
    result = run_cli("build", "-s", str(root))
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "articles/a.md:4:1: 'series' must be text or a list of text\n"
        "articles/a.md:5:1: 'desk' must be text or a list of text\n"
        "error: build failed with 2 problems; nothing was written\n"
    )


def test_a_declared_key_is_unknown_to_a_site_that_does_not_declare_it(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site({"articles/a.md": article(series="Harbor Watch")})
    result = run_cli("build", "-s", str(root))
    assert result.code == 1
    assert "articles/a.md:4:1: unknown key 'series'" in result.err


def test_the_cache_keeps_an_articles_declared_terms(tmp_path: Path) -> None:
    config = parse_config(BASIC_CONFIG + TAXONOMIES, tmp_path)
    parsed = parse_article(ARTICLES["articles/a.md"], "articles/a.md", config)
    assert parsed.terms == {"series": ("Harbor Watch",), "desk": ("Metro", "Night")}
    rendered = RenderedArticle(parsed, Body("<p>Body.</p>"), "", "", 2)
    decoded = records.decode(records.encode(rendered), rendered.body)
    assert decoded.article == parsed
    assert list(decoded.article.terms) == ["series", "desk"]


def test_newsgen_new_writes_terms_of_declared_kinds(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site({}, config=BASIC_CONFIG + TAXONOMIES)
    result = run_cli(
        "new", "Night ferry", "-s", str(root), "--now", "2026-11-24T12:00:00+00:00",
        "--term", "series=Harbor Watch", "--term", "desk=Metro", "--term", "desk=Night",
    )  # fmt: skip
    assert result.code == 0, result.err
    text = (root / result.out.strip()).read_text("utf-8")
    assert 'series: ["Harbor Watch"]\ndesk: ["Metro", "Night"]\n' in text
    build(BuildOptions(root=root, now=NOW, jobs=1))
    assert (root / "site/desks/night/index.html").is_file()
    unknown = run_cli("new", "Other", "-s", str(root), "--term", "beat=Courts")
    assert unknown.code != 0
    assert "no kind of term 'beat'; its own kinds are series, desk" in unknown.err


def clean_tree(root: Path, workdir: Path) -> dict[str, bytes]:
    copy = workdir / "clean"
    shutil.rmtree(copy, ignore_errors=True)
    copy.mkdir()
    shutil.copy(root / "newsgen.yaml", copy)
    shutil.copytree(root / "articles", copy / "articles")
    build(BuildOptions(root=copy, now=NOW, full=True, jobs=1))
    return golden.tree(copy / "site")


def test_incremental_builds_equal_clean_builds_as_kinds_and_terms_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kind added, a term given to one article, the kind's folder, feeds and words changed,
    another kind added, the first removed once no article uses its key."""
    # Trust every stat at once, so that the cached articles are used between the steps (the
    # edits are far apart in time here): a setting they were parsed with must not leak.
    monkeypatch.setattr(cache, "RACY_NS", 0)
    root = tmp_path / "site-src"
    (root / "articles").mkdir(parents=True)
    stamp = [time.time_ns() - 3600 * 10**9]

    def write(relative: str, text: str) -> None:
        path = root / relative
        path.write_text(text, encoding="utf-8")
        stamp[0] += 10 * 10**9  # distinct past stamps, as a real editing session has them
        os.utime(path, ns=(stamp[0], stamp[0]))

    base = BASIC_CONFIG + "search: false\nper_page: 1\n"
    write("newsgen.yaml", base)
    write("articles/a.md", article(title="Harbor reopens"))
    write("articles/b.md", article(title="Ferry returns", date="2026-11-21"))
    write("articles/c.md", article(title="Council vote", date="2026-11-22"))
    build(BuildOptions(root=root, now=NOW, jobs=1))
    steps = [
        ("newsgen.yaml", base + "taxonomies:\n  series:\n"),
        ("articles/a.md", article(title="Harbor reopens", series="Harbor Watch")),
        ("newsgen.yaml", base + "taxonomies:\n  series:\n    path: /serials/\n    feeds: false\n"),
        # Renamed, read from the same key: cached articles must not keep the old name's terms.
        ("newsgen.yaml", base + "taxonomies:\n  serial:\n    key: series\n"),
        ("articles/c.md", article(title="Council vote", date="2026-11-22", series="Council")),
        ("newsgen.yaml", base + "taxonomies:\n  series:\n    singular: Run\n  desk: {}\n"),
        ("articles/c.md", article(title="Council vote", date="2026-11-22", desk="Politics")),
        ("articles/a.md", article(title="Harbor reopens")),
        ("newsgen.yaml", base + "taxonomies:\n  desk: {}\n"),
    ]
    for relative, text in steps:
        write(relative, text)
        build(BuildOptions(root=root, now=NOW, jobs=1))
        assert golden.tree(root / "site") == clean_tree(root, tmp_path), (relative, text)
