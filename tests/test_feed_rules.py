"""Every feed of every golden site and of the example archive keeps the rules of RFC 4287,
RSS 2.0 and JSON Feed 1.1 (tests/feed_rules.py), and is read cleanly by feedparser; each rule
is shown to catch the mistake it is there for."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest

from newsgen.content.config import load_config

import golden
from feed_rules import atom_problems, json_feed_problems, rss_problems

RULES: dict[str, Callable[[bytes, str], list[str]]] = {
    "atom.xml": atom_problems,
    "feed.xml": rss_problems,
    "feed.json": json_feed_problems,
}


def feeds_of(site: Path) -> dict[str, Path]:
    """Each feed of a built site by its own absolute URL."""
    base = load_config(site.parent).base_url
    found = {
        f"{base}/{path.relative_to(site).as_posix()}": path
        for name in RULES
        for path in site.rglob(name)
    }
    assert len(found) >= 3 * 5, "every site has a front page feed and term feeds"
    return found


def test_every_feed_of_every_golden_site_keeps_the_rules(each_golden_site: Path) -> None:
    broken = {
        url: problems
        for url, path in feeds_of(each_golden_site).items()
        if (problems := RULES[path.name](path.read_bytes(), url))
    }
    assert broken == {}


def test_every_feed_of_the_example_archive_keeps_the_rules(example_site: Path) -> None:
    broken = {
        url: problems
        for url, path in feeds_of(example_site).items()
        if (problems := RULES[path.name](path.read_bytes(), url))
    }
    assert broken == {}


def test_feedparser_reads_every_feed_of_every_golden_site(each_golden_site: Path) -> None:
    for url, path in feeds_of(each_golden_site).items():
        if path.name == "feed.json":
            continue
        feed = feedparser.parse(path.read_bytes())
        assert feed.bozo == 0, (url, feed.get("bozo_exception"))
        assert feed.version == ("atom10" if path.name == "atom.xml" else "rss20"), url
        assert feed.entries, url
        for entry in feed.entries:
            assert entry.title and entry.link and entry.published_parsed, url
            if path.name == "atom.xml":  # the byline, else the publication: never nobody
                assert entry.get("author") or feed.feed.get("author"), url


# Each rule, broken on purpose in a small valid feed, is reported.
ATOM_FEED = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>https://n.example/</id>
  <title>N</title>
  <updated>2026-11-23T06:15:00-09:00</updated>
  <author><name>N</name></author>
  <link href="https://n.example/atom.xml" rel="self"/>
  <link href="https://n.example/" rel="alternate"/>
  <entry>
    <id>https://n.example/a/</id>
    <title>A &amp; B</title>
    <updated>2026-11-23T06:15:00-09:00</updated>
    <link href="https://n.example/a/"/>
    <content type="html">&lt;p&gt;&lt;a href="https://n.example/b/"&gt;b&lt;/a&gt;&lt;/p&gt;</content>
  </entry>
</feed>
"""

RSS_FEED = """<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:atom="http://www.w3.org/2005/Atom" version="2.0">
  <channel>
    <title>N</title>
    <link>https://n.example/</link>
    <description>News</description>
    <atom:link href="https://n.example/feed.xml" rel="self"/>
    <item>
      <title>A &#x26; B</title>
      <link>https://n.example/a/</link>
      <description>&lt;p&gt;&lt;img src="https://n.example/i.png" alt=""&gt;&lt;/p&gt;</description>
      <guid isPermaLink="true">https://n.example/a/</guid>
      <pubDate>Mon, 23 Nov 2026 06:15:00 -0900</pubDate>
    </item>
  </channel>
</rss>
"""

JSON_FEED = """{"version": "https://jsonfeed.org/version/1.1", "title": "N",
 "home_page_url": "https://n.example/", "feed_url": "https://n.example/feed.json",
 "items": [{"id": "https://n.example/a/", "url": "https://n.example/a/", "title": "A",
  "content_html": "<p>A</p>", "date_published": "2026-11-23T06:15:00-09:00"}]}"""


def test_the_small_feeds_keep_every_rule() -> None:
    assert atom_problems(ATOM_FEED.encode(), "https://n.example/atom.xml") == []
    assert rss_problems(RSS_FEED.encode(), "https://n.example/feed.xml") == []
    assert json_feed_problems(JSON_FEED.encode(), "https://n.example/feed.json") == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("<author><name>N</name></author>", "",
         "entry 1 has no author, and neither has the feed (RFC 4287 4.1.1)"),
        ("<id>https://n.example/a/</id>", "<id>a/</id>", "entry 1 id is not an IRI: 'a/'"),
        ("<updated>2026-11-23T06:15:00-09:00</updated>\n    <link",
         "<updated>2026-11-23 06:15</updated>\n    <link",
         "entry 1 updated is not an RFC 3339 date-time: '2026-11-23 06:15'"),
        ("<title>N</title>", "", "feed has 0 title elements, not one"),
        ('<link href="https://n.example/a/"/>', "", "entry 1 has no link rel=alternate"),
        ('rel="self"', 'rel="related"',
         "feed self links [], expected exactly ['https://n.example/atom.xml']"),
        ("<title>A &amp; B</title>", "<title>A </b> B</title>".replace("</b>", "&lt;/b&gt;"),
         "entry 1 title is plain text that looks like HTML"),
        ('href="https://n.example/b/"', 'href="/b/"',
         "entry 1 content href is not an absolute URL: '/b/'"),
        ("&lt;p&gt;&lt;a", "<p xmlns='http://www.w3.org/1999/xhtml'/>&lt;a",
         "entry 1 content of type html holds child elements: markup not escaped"),
        ("</entry>", "</entry><entry><id>https://n.example/a/</id><title>C</title>"
         "<updated>2026-11-23T06:15:00-09:00</updated><link href='https://n.example/a/'/></entry>",
         "duplicate entry id https://n.example/a/"),
    ],
)  # fmt: skip
def test_each_atom_rule_catches_its_mistake(old: str, new: str, expected: str) -> None:
    assert old in ATOM_FEED
    problems = atom_problems(ATOM_FEED.replace(old, new, 1).encode(), "https://n.example/atom.xml")
    assert expected in problems


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("<description>News</description>", "", "channel has no description"),
        ("<title>A &#x26; B</title>", "<title>A &amp; B</title>",
         "<title> escapes & or < as an entity: 'A &amp; B'"),
        ("Mon, 23 Nov", "Tue, 23 Nov", "item 1 pubDate names the wrong weekday: "
         "'Tue, 23 Nov 2026 06:15:00 -0900'"),
        ("Mon, 23 Nov 2026 06:15:00 -0900", "2026-11-23T06:15:00-09:00",
         "item 1 pubDate is not an RFC 822 date: '2026-11-23T06:15:00-09:00'"),
        ('<guid isPermaLink="true">https://n.example/a/', '<guid isPermaLink="true">a-1',
         "item 1 guid (isPermaLink) is not an absolute URL: 'a-1'"),
        ('src="https://n.example/i.png"', 'src="i.png"',
         "item 1 description src is not an absolute URL: 'i.png'"),
        ('rel="self"', 'rel="alternate"',
         "channel atom:link rel=self [], expected ['https://n.example/feed.xml']"),
        ("<title>A &#x26; B</title>", "", None),  # a description alone is enough
    ],
)  # fmt: skip
def test_each_rss_rule_catches_its_mistake(old: str, new: str, expected: str | None) -> None:
    assert old in RSS_FEED
    problems = rss_problems(RSS_FEED.replace(old, new, 1).encode(), "https://n.example/feed.xml")
    assert problems == ([expected] if expected else [])


def test_an_rss_guid_that_is_no_permalink_need_not_be_a_url() -> None:
    feed = RSS_FEED.replace('<guid isPermaLink="true">https://n.example/a/', "<guid>a-1")
    assert rss_problems(feed.encode(), "https://n.example/feed.xml") == [
        "item 1 guid (isPermaLink) is not an absolute URL: 'a-1'"
    ]
    feed = feed.replace("<guid>", '<guid isPermaLink="false">')
    assert rss_problems(feed.encode(), "https://n.example/feed.xml") == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('"version": "https://jsonfeed.org/version/1.1"', '"version": "1"', "version is '1'"),
        ('"date_published": "2026-11-23T06:15:00-09:00"', '"date_published": "Nov 23"',
         "item 1 date_published is not an RFC 3339 date-time: 'Nov 23'"),
        ('"url": "https://n.example/a/"', '"url": "/a/"',
         "item 1 url is not an absolute URL: '/a/'"),
        ('"id": "https://n.example/a/", ', "", "item 1 has no string id"),
        ('"feed_url": "https://n.example/feed.json"', '"feed_url": "https://n.example/x"',
         "feed_url 'https://n.example/x', expected 'https://n.example/feed.json'"),
    ],
)  # fmt: skip
def test_each_json_feed_rule_catches_its_mistake(old: str, new: str, expected: str) -> None:
    assert old in JSON_FEED
    problems = json_feed_problems(
        JSON_FEED.replace(old, new, 1).encode(), "https://n.example/feed.json"
    )
    assert expected in problems


def test_rss_titles_carry_ampersands_and_angle_brackets_as_references(
    golden_builds: Callable[[str], Path],
) -> None:
    # At least one golden feed has such a title, so the rule above is not checked in vain.
    found = [
        path
        for name in golden.GOLDEN_SITES
        for path in golden_builds(name).rglob("feed.xml")
        if re.search(rb"<title>[^<]*&#x(26|3C);", path.read_bytes())
    ]
    assert found
