"""This repository's own archive: the article from the seed text, built as the README promises."""

from __future__ import annotations

from pathlib import Path

import feedparser

ARTICLE_URL = (
    "/2026/11/24/trumps-venezuela-strategy-aims-to-pressure-putin-and-shift-dynamics-in-ukraine/"
)


def test_front_page_links_to_the_example_article(example_site: Path) -> None:
    front = (example_site / "index.html").read_text(encoding="utf-8")
    assert f'href="{ARTICLE_URL}"' in front


def test_example_article_has_its_dateline_section_and_no_comment_residue(
    example_site: Path,
) -> None:
    page = (example_site / ARTICLE_URL.strip("/") / "index.html").read_text(encoding="utf-8")
    assert '<p class="dateline">ANCHORAGE, Alaska —</p>' in page
    assert '<a href="/sections/world/">World</a></p>' in page
    assert "<p>In a bold geopolitical maneuver" in page
    assert page.count("<p>") >= 8  # the body is paragraphs, not one block
    assert "Leave a Reply" not in page
    assert (
        '<time datetime="2026-11-24"><a href="/2026/11/">November</a> '
        '<a href="/2026/11/24/">24</a>, <a href="/2026/">2026</a></time>'
    ) in page


def test_example_feeds_carry_the_article(example_site: Path) -> None:
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse((example_site / name).read_bytes())
        assert feed.bozo == 0
        assert [e.link for e in feed.entries] == ["https://ledger.example.org" + ARTICLE_URL]
