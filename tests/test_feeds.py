"""Feeds read back by feedparser, a real feed reader library."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import feedparser
import pytest

from newsgen.build import BuildOptions, build

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
    titles = [entry.title for entry in feed.entries]
    assert titles[0] == "Market day returns to the square"  # newest first
    assert titles[1] == 'Election night: "Smith & Sons" <lead> the count'


@pytest.mark.parametrize("name", FEEDS)
def test_every_url_in_a_feed_is_absolute(tmp_path: Path, name: str) -> None:
    output = golden.build_copy("basic", tmp_path)
    # The oldest article has relative links and images; make sure it is in the feed.
    config = output.parent / "newsgen.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("items: 3", "items: 10"), encoding="utf-8"
    )
    build(BuildOptions(root=output.parent, now=golden.NOW))
    feed = feedparser.parse((output / name).read_bytes())
    harbor = next(e for e in feed.entries if e.title.startswith("Harbor reopens"))
    html = harbor.content[0].value
    urls = re.findall(r'(?:href|src)="([^"]*)"', html)
    assert "https://courier.example.com/2025/06/02/council-passes-budget/" in urls
    assert "https://courier.example.com/static/quay.svg" in urls
    assert all(url.startswith("https://") for url in urls), urls
    assert all(link.href.startswith("https://") for link in feed.feed.links)


def test_feeds_do_not_depend_on_the_build_time(tmp_path: Path) -> None:
    first = golden.tree(golden.build_copy("basic", tmp_path / "a"))
    later_output = golden.build_copy("basic", tmp_path / "b")
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
