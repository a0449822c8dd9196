"""Feeds read back by feedparser, a real feed reader library."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import feedparser
import pytest

from newsgen.build.run import BuildOptions, build

import golden
from conftest import BASIC_CONFIG, article

FEEDS = ("feed.xml", "atom.xml")


@pytest.mark.parametrize("name", FEEDS)
def test_feed_parses_cleanly_with_complete_entries(golden_site: Path, name: str) -> None:
    feed = feedparser.parse((golden_site / name).read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == ("rss20" if name == "feed.xml" else "atom10")
    assert feed.feed.title == "The Harbor Courier"
    assert len(feed.entries) == 3  # feeds.items in the golden config
    for entry in feed.entries:
        assert entry.id.startswith("https://courier.example.com/")
        assert entry.link == entry.id
        assert entry.title
        assert entry.published_parsed is not None
        assert entry.content[0].value.strip()
    published = [entry.published_parsed for entry in feed.entries]
    assert published == sorted(published, reverse=True)  # newest first
    assert feed.entries[0].title == "Council approves winter road budget"


@pytest.mark.parametrize("name", FEEDS)
def test_markup_in_titles_reaches_the_reader_as_text(golden_site: Path, name: str) -> None:
    feed = feedparser.parse((golden_site / "tags/elections" / name).read_bytes())
    assert feed.bozo == 0
    assert feed.entries[0].title == 'Election night: "Smith & Sons" <lead> the count'
    assert "&lt;script&gt;" in feed.entries[0].content[0].value


@pytest.mark.parametrize("name", FEEDS)
def test_every_url_in_a_feed_is_absolute(golden_site: Path, name: str) -> None:
    # The harbor article has relative links and images, and it is in this tag's feed.
    feed = feedparser.parse((golden_site / "tags/infrastructure" / name).read_bytes())
    harbor = next(e for e in feed.entries if e.title.startswith("Harbor reopens"))
    html = harbor.content[0].value
    found = re.findall(r'(?:href|src)="([^"]*)"', html)
    assert "https://courier.example.com/2025/06/02/council-passes-budget/" in found
    assert "https://courier.example.com/static/quay.svg" in found
    assert all(url.startswith("https://") for url in found), found
    assert all(link.href.startswith("https://") for link in feed.feed.links)


def test_feeds_do_not_depend_on_the_build_time(tmp_path: Path) -> None:
    first = golden.tree(golden.build_copy("courier", tmp_path / "a"))
    later_output = golden.build_copy("courier", tmp_path / "b")
    build(BuildOptions(root=later_output.parent, now=golden.NOW + timedelta(hours=5)))
    later = golden.tree(later_output)
    for name in FEEDS:
        assert first[name] == later[name]


def test_summary_feeds_carry_summaries_not_bodies(make_site: Callable[..., Path]) -> None:
    root = make_site(
        {"articles/a.md": article(body="First paragraph.\n\nSecond paragraph.")},
        config=BASIC_CONFIG + "feeds:\n  content: summary\n",
    )
    build(BuildOptions(root=root, now=golden.NOW))
    for name in FEEDS:
        entry = feedparser.parse((root / "site" / name).read_bytes()).entries[0]
        assert "First paragraph." in entry.summary
        assert "Second paragraph." not in entry.summary
        assert "content" not in entry


def test_an_empty_site_has_valid_empty_feeds(make_site: Callable[..., Path]) -> None:
    root = make_site({})
    build(BuildOptions(root=root, now=golden.NOW))
    for name in FEEDS:
        feed = feedparser.parse((root / "site" / name).read_bytes())
        assert feed.bozo == 0
        assert feed.entries == []
