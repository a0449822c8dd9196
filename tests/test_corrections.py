"""Corrections and updates in the open: front matter, the article's notice boxes, JSON-LD
CorrectionComment, dateModified / lastmod / feed dates, and /corrections/ with its feeds."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import feedparser
import lxml.html
import pytest

from newsgen.build.run import BuildOptions, build
from newsgen.check import check
from newsgen.content.config import parse_config
from newsgen.content.loader import ArticleInvalid, parse_article
from newsgen.content.markdown import make_markdown, render_article
from newsgen.errors import BuildFailed

import golden
from conftest import BASIC_CONFIG, Run
from feed_rules import atom_problems, json_feed_problems, rss_problems

CONFIG = parse_config(BASIC_CONFIG, Path("/site"))
BASE = "https://gazette.example.org"
CONFIG_NO_SEARCH = BASIC_CONFIG + "search: false\n"

CORRECTED = """\
---
title: Harbor reopens
date: 2026-11-20 09:00
slug: harbor
corrections:
  - date: 2026-11-22
    text: The mayor's name is *Ada*, not Ida.
  - date: 2026-11-21 10:00
    text: An earlier version gave the wrong date.
updates:
  - date: 2026-11-21 12:00
    text: Adds the council's reaction.
---

The harbor reopened.
"""

PLAIN = """\
---
title: Ferry news
date: 2026-11-23 08:00
slug: ferry
updated: 2026-11-23 09:00
---

The ferry runs.
"""


def errors(text: str) -> list[str]:
    with pytest.raises(ArticleInvalid) as caught:
        parse_article(text, "articles/a.md", CONFIG)
    return [str(problem) for problem in caught.value.problems]


def test_corrections_and_updates_are_read_oldest_first_and_rendered() -> None:
    article = parse_article(CORRECTED, "articles/a.md", CONFIG)
    assert [(n.kind, n.date.isoformat(), n.date_only, n.line) for n in article.corrections] == [
        ("correction", "2026-11-21T10:00:00+01:00", False, 8),
        ("correction", "2026-11-22T00:00:00+01:00", True, 6),
    ]
    assert [n.text for n in article.updates] == ["Adds the council's reaction."]
    rendered, _ = render_article(make_markdown(False), article)
    assert (
        rendered.article.corrections[1].html
        == "<p>The mayor's name is <em>Ada</em>, not Ida.</p>\n"
    )
    # The latest of 'updated', corrections and updates is when the article last changed.
    assert article.modified.isoformat() == "2026-11-22T00:00:00+01:00"
    assert article.modified_date_only


def test_every_problem_with_corrections_is_reported_at_its_line() -> None:
    text = """\
---
title: T
date: 2026-11-20 09:00
corrections:
  - date: 2026-11-19
    text: Before the article.
  - text: No date.
  - date: 2026-11-21
    txt: A typo.
  - Just text
updates: An update.
---

Body.
"""
    assert errors(text) == [
        "articles/a.md:5:5: a correction dated 2026-11-19T00:00:00+01:00 is before the "
        "article's date 2026-11-20T09:00:00+01:00\nhint: date it when the article was changed",
        "articles/a.md:7:5: a correction needs a 'date'\n"
        "hint: for example 'date: 2026-11-25 10:00'",
        "articles/a.md:9:5: unknown key 'corrections.2.txt'\nhint: did you mean "
        "'corrections.2.text'?",
        "articles/a.md:8:5: missing required key 'corrections.2.text'",
        "articles/a.md:10:5: each entry of 'corrections' must be a mapping with 'date' and 'text'",
        "articles/a.md:11:1: 'updates' must be a list of entries with 'date' and 'text'\nhint: "
        "for example:\nupdates:\n  - date: 2026-11-25 10:00\n    text: What changed.",
    ]


def test_a_correction_after_the_build_time_fails_build_and_check_alike(
    make_site: Callable[..., Path],
) -> None:
    late = CORRECTED.replace("date: 2026-11-22", "date: 2026-11-25 08:00")
    root = make_site({"articles/a.md": late}, config=CONFIG_NO_SEARCH)
    expected = (
        "articles/a.md:6:5: this correction is dated 2026-11-25T08:00:00+01:00, after the time "
        "of the build (2026-11-24T12:00:00+00:00)\n"
        "hint: fix the date, or build with --now set to the time it describes"
    )
    with pytest.raises(BuildFailed) as caught:
        build(BuildOptions(root=root, now=golden.NOW))
    assert [str(p) for p in caught.value.problems] == [expected]
    assert not (root / "site").exists()
    report = check(BuildOptions(root=root, now=golden.NOW))
    assert [str(p) for p in report.problems] == [expected]


def test_the_cli_reports_a_correction_before_its_article(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    early = CORRECTED.replace("date: 2026-11-22", "date: 2026-11-02")
    root = make_site({"articles/a.md": early}, config=CONFIG_NO_SEARCH)
    result = run_cli("build", "-s", str(root), "--now", "2026-11-24T12:00:00+00:00")
    assert result.code == 1
    assert "articles/a.md:6:5: a correction dated 2026-11-02T00:00:00+01:00 is before" in (
        result.err
    )


@pytest.fixture
def corrected_site(make_site: Callable[..., Path]) -> Path:
    root = make_site({"articles/a.md": CORRECTED, "articles/b.md": PLAIN}, config=CONFIG_NO_SEARCH)
    build(BuildOptions(root=root, now=golden.NOW))
    return root / "site"


def json_ld(page: Path) -> dict[str, object]:
    tree = lxml.html.fromstring(page.read_bytes())
    (script,) = tree.xpath("//script[@type='application/ld+json']/text()")
    data: dict[str, object] = json.loads(script)
    return data


def test_the_article_shows_its_corrections_and_updates_dated_in_the_site_zone(
    corrected_site: Path,
) -> None:
    page = lxml.html.fromstring((corrected_site / "2026/11/20/harbor/index.html").read_bytes())
    boxes = page.xpath("//section[@id='notices']/div")
    assert [(box.get("id"), " ".join(box.text_content().split())) for box in boxes] == [
        (
            "correction-1",
            "Correction 10:00 AM GMT+1, November 21, 2026 An earlier version gave the wrong date.",
        ),
        ("correction-2", "Correction November 22, 2026 The mayor's name is Ada, not Ida."),
        ("update-1", "Update 12:00 PM GMT+1, November 21, 2026 Adds the council's reaction."),
    ]
    meta = " ".join(page.xpath("string(//p[@class='story-meta'])").split())
    assert "Corrected November 22, 2026" in meta
    # The latest change was dated without a time of day: the day alone.
    assert page.xpath("//meta[@property='article:modified_time']/@content") == ["2026-11-22"]


def test_json_ld_carries_each_correction_and_the_latest_change(corrected_site: Path) -> None:
    data = json_ld(corrected_site / "2026/11/20/harbor/index.html")
    assert data["dateModified"] == "2026-11-22"
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "url": f"{BASE}/2026/11/20/harbor/#correction-1",
            "text": "An earlier version gave the wrong date.",
            "datePublished": "2026-11-21T10:00:00+01:00",
        },
        {
            "@type": "CorrectionComment",
            "url": f"{BASE}/2026/11/20/harbor/#correction-2",
            "text": "The mayor's name is Ada, not Ida.",
            "datePublished": "2026-11-22",
        },
    ]
    assert "correction" not in json_ld(corrected_site / "2026/11/23/ferry/index.html")


def test_sitemap_and_feeds_date_the_article_by_its_latest_change(corrected_site: Path) -> None:
    sitemap = (corrected_site / "sitemap.xml").read_text()
    assert (
        f"<loc>{BASE}/2026/11/20/harbor/</loc><lastmod>2026-11-22T00:00:00+01:00</lastmod>"
        in sitemap
    )
    assert f"<loc>{BASE}/corrections/</loc><lastmod>2026-11-22T00:00:00+01:00</lastmod>" in sitemap
    feed = feedparser.parse((corrected_site / "atom.xml").read_bytes())
    updated = {entry.title: entry.updated for entry in feed.entries}
    assert updated == {
        "Ferry news": "2026-11-23T09:00:00+01:00",
        "Harbor reopens": "2026-11-22T00:00:00+01:00",
    }
    items = json.loads((corrected_site / "feed.json").read_text())["items"]
    assert [item["date_modified"] for item in items] == [
        "2026-11-23T09:00:00+01:00",
        "2026-11-22T00:00:00+01:00",
    ]


def test_the_corrections_page_lists_every_correction_newest_first(corrected_site: Path) -> None:
    page = lxml.html.fromstring((corrected_site / "corrections/index.html").read_bytes())
    items = page.xpath("//ol[@class='corrections']/li")
    assert [
        (item.xpath("string(.//h2/a/@href)"), " ".join(item.text_content().split()))
        for item in items
    ] == [
        (
            "/2026/11/20/harbor/#correction-2",
            "November 22, 2026 Harbor reopens The mayor's name is Ada, not Ida.",
        ),
        (
            "/2026/11/20/harbor/#correction-1",
            "10:00 AM GMT+1, November 21, 2026 Harbor reopens An earlier version gave the wrong "
            "date.",
        ),
    ]
    assert page.xpath("//link[@rel='alternate']/@href")[-3:] == [
        "/corrections/feed.xml",
        "/corrections/atom.xml",
        "/corrections/feed.json",
    ]
    footer = lxml.html.fromstring((corrected_site / "index.html").read_bytes())
    assert footer.xpath("//footer//a[.='Corrections']/@href") == ["/corrections/"]


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_the_corrections_feeds_are_valid_with_one_entry_per_correction(
    corrected_site: Path, name: str
) -> None:
    data = (corrected_site / "corrections" / name).read_bytes()
    own = f"{BASE}/corrections/{name}"
    assert (rss_problems if name == "feed.xml" else atom_problems)(data, own) == []
    feed = feedparser.parse(data)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.feed.title == "Corrections · Test Gazette"
    assert [(e.id, e.link, e.title) for e in feed.entries] == [
        (f"{BASE}/2026/11/20/harbor/#correction-{n}",) * 2 + ("Correction: Harbor reopens",)
        for n in (2, 1)
    ]
    assert all(entry.published_parsed for entry in feed.entries)
    first = feed.entries[0]
    text = first.content[0].value if name == "atom.xml" else first.summary
    assert "<em>Ada</em>" in text


def test_the_corrections_json_feed_is_valid(corrected_site: Path) -> None:
    data = (corrected_site / "corrections/feed.json").read_bytes()
    assert json_feed_problems(data, f"{BASE}/corrections/feed.json") == []
    items = json.loads(data)["items"]
    assert [item["date_published"] for item in items] == [
        "2026-11-22T00:00:00+01:00",
        "2026-11-21T10:00:00+01:00",
    ]


def test_without_corrections_the_page_says_so_and_feeds_are_empty(
    make_site: Callable[..., Path],
) -> None:
    root = make_site({"articles/b.md": PLAIN}, config=CONFIG_NO_SEARCH)
    build(BuildOptions(root=root, now=golden.NOW))
    page = (root / "site/corrections/index.html").read_text()
    assert re.search(r"<p class=\"empty\">No corrections have been published.</p>", page)
    assert feedparser.parse((root / "site/corrections/feed.xml").read_bytes()).entries == []


def test_an_alias_cannot_take_the_corrections_page(make_site: Callable[..., Path]) -> None:
    text = PLAIN.replace("slug: ferry", "slug: ferry\naliases: [/corrections/]")
    root = make_site({"articles/b.md": text}, config=CONFIG_NO_SEARCH)
    with pytest.raises(BuildFailed) as caught:
        build(BuildOptions(root=root, now=golden.NOW))
    assert [str(p).split("\n")[0] for p in caught.value.problems] == [
        "articles/b.md:5:1: the alias /corrections/ writes corrections/index.html, which the "
        "page /corrections/ writes too"
    ]


def test_a_correction_added_later_rebuilds_as_a_clean_build_would(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_site({"articles/a.md": PLAIN, "articles/b.md": CORRECTED}, config=CONFIG_NO_SEARCH)
    build(BuildOptions(root=root, now=golden.NOW, jobs=1))
    corrected = PLAIN.replace(
        "---\n\n", "corrections:\n  - date: 2026-11-24 10:00\n    text: Fixed.\n---\n\n"
    )
    (root / "articles/a.md").write_text(corrected, encoding="utf-8")
    build(BuildOptions(root=root, now=golden.NOW, jobs=1))
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "newsgen.yaml").write_text(CONFIG_NO_SEARCH, encoding="utf-8")
    (clean / "articles").mkdir()
    for name in ("a.md", "b.md"):
        (clean / "articles" / name).write_bytes((root / "articles" / name).read_bytes())
    build(BuildOptions(root=clean, now=golden.NOW, jobs=1, full=True))
    assert golden.tree(root / "site") == golden.tree(clean / "site")
    assert "Ferry news" in (root / "site/corrections/index.html").read_text()
