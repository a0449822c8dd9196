"""Pages a reader expects, in the built HTML: the current section marked, the standfirst,
share links, the Latest rail's page, year pages by month, section pages without their kicker,
the front page's WebSite JSON-LD, no empty descriptions, no invented midnights, a search box
on the 404 page and an input that takes the focus on the search page."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import lxml.html
import pytest

from newsgen.build.run import BuildOptions, build

import golden
from conftest import BASIC_CONFIG, article

BASE = "https://gazette.example.org"


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    root = make_site(
        {
            "articles/a.md": article(
                title="Harbor reopens",
                slug="harbor",
                date="2026-10-05 09:00",
                section="Local",
                summary="The quay is open again after four months.",
            ),
            "articles/b.md": article(
                title="Council vote", slug="vote", date="2026-11-20", section="Politics"
            ),
            "articles/c.md": article(
                title="Ferry news", slug="ferry", date="2026-11-21 08:00", section="Local"
            ),
        },
        config=BASIC_CONFIG + "search: true\n",
    )
    build(BuildOptions(root=root, now=golden.NOW))
    return root / "site"


def tree(site: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / path).read_bytes())


def text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def json_ld(page: lxml.html.HtmlElement) -> dict[str, object]:
    (script,) = page.xpath("//script[@type='application/ld+json']/text()")
    data: dict[str, object] = json.loads(script)
    return data


def current(page: lxml.html.HtmlElement) -> list[tuple[str, str]]:
    return [
        (a.text, a.get("aria-current"))
        for a in page.xpath("//nav[@class='site-nav']//a")
        if a.get("aria-current")
    ]


def test_the_masthead_marks_where_the_reader_is(site: Path) -> None:
    assert current(tree(site, "index.html")) == [("Front page", "page")]
    assert current(tree(site, "sections/local/index.html")) == [("Local", "page")]
    assert current(tree(site, "2026/11/21/ferry/index.html")) == [("Local", "true")]
    assert current(tree(site, "archive/index.html")) == [("Archive", "page")]
    assert current(tree(site, "2026/index.html")) == []


def test_the_summary_is_the_standfirst_under_the_headline(site: Path) -> None:
    page = tree(site, "2026/10/05/harbor/index.html")
    (header,) = page.xpath("//header[@class='story-header']")
    assert [child.get("class") for child in header][1:3] == ["story-title", "standfirst"]
    assert text(header.xpath("p[@class='standfirst']")[0]) == (
        "The quay is open again after four months."
    )
    # A summary taken from the first paragraph would repeat it: no standfirst then.
    assert tree(site, "2026/11/21/ferry/index.html").xpath("//p[@class='standfirst']") == []


def test_share_links_need_no_javascript(site: Path) -> None:
    page = tree(site, "2026/11/21/ferry/index.html")
    links = page.xpath("//div[@class='share']//a")
    url = "https%3A//gazette.example.org/2026/11/21/ferry/"
    assert [(a.text, a.get("href")) for a in links] == [
        ("Email", f"mailto:?subject=Ferry%20news&body={url}"),
        ("Bluesky", f"https://bsky.app/intent/compose?text=Ferry%20news%20{url}"),
        ("X", f"https://x.com/intent/post?url={url}&text=Ferry%20news"),
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={url}"),
        ("LinkedIn", f"https://www.linkedin.com/sharing/share-offsite/?url={url}"),
        ("WhatsApp", f"https://wa.me/?text=Ferry%20news%20{url}"),
    ]
    assert page.xpath("//script[not(@type='application/ld+json')]") == []


def test_the_latest_rail_shows_the_newest_stories_from_a_page_of_its_own(site: Path) -> None:
    article_page = tree(site, "2026/11/21/ferry/index.html")
    (frame,) = article_page.xpath("//aside[@class='latest-rail']/iframe")
    assert (frame.get("src"), frame.get("title")) == ("/latest/", "Latest stories")
    latest = tree(site, "latest/index.html")
    assert latest.xpath("//base/@target") == ["_top"]
    assert latest.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert [a.text for a in latest.xpath("//ol//a")] == [
        "Ferry news",
        "Council vote",
        "Harbor reopens",
    ]
    assert "/latest/" not in (site / "sitemap.xml").read_text()


def test_a_year_page_groups_its_stories_by_month(site: Path) -> None:
    page = tree(site, "2026/index.html")
    headings = [
        (h.xpath("string(a/@href)"), text(h)) for h in page.xpath("//h2[@class='listing-month']")
    ]
    assert headings == [("/2026/11/", "November 2026"), ("/2026/10/", "October 2026")]
    order = [e.get("class") or e.tag for e in page.xpath("//main/h2 | //main/article")]
    assert order == ["listing-month", "teaser ", "teaser ", "listing-month", "teaser "]
    assert tree(site, "2026/11/index.html").xpath("//h2[@class='listing-month']") == []


def test_a_section_page_does_not_repeat_its_kicker(site: Path) -> None:
    section = tree(site, "sections/local/index.html")
    assert section.xpath("//p[@class='teaser-section']") == []
    front = tree(site, "2026/index.html")
    assert [text(p) for p in front.xpath("//p[@class='teaser-section']")] == [
        "Local",
        "Politics",
        "Local",
    ]


def test_the_front_page_describes_the_site_and_its_search(site: Path) -> None:
    data = json_ld(tree(site, "index.html"))
    assert data == {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": "Test Gazette",
        "url": f"{BASE}/",
        "inLanguage": "en",
        "publisher": {"@type": "NewsMediaOrganization", "name": "Test Gazette", "url": f"{BASE}/"},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": f"{BASE}/search/?q={{search_term_string}}",
            },
            "query-input": "required name=search_term_string",
        },
    }
    publisher = json_ld(tree(site, "2026/11/21/ferry/index.html"))["publisher"]
    assert publisher == {
        "@type": "NewsMediaOrganization",
        "name": "Test Gazette",
        "url": f"{BASE}/",
    }


def test_no_empty_description_tags_without_a_site_description(site: Path) -> None:
    front = tree(site, "index.html")
    for name in ("description", "og:description", "twitter:description"):
        assert front.xpath(f"//meta[@name='{name}' or @property='{name}']") == [], name
    story = tree(site, "2026/11/21/ferry/index.html")
    assert story.xpath("//meta[@name='description']/@content") == ["Body text."]


def test_a_story_dated_without_a_time_of_day_has_no_invented_midnight(site: Path) -> None:
    page = tree(site, "2026/11/20/vote/index.html")
    data = json_ld(page)
    assert (data["datePublished"], data["dateModified"]) == ("2026-11-20", "2026-11-20")
    assert page.xpath("//meta[@property='article:published_time']/@content") == ["2026-11-20"]
    assert page.xpath("//p[@class='story-meta']//time/@datetime") == ["2026-11-20"]
    timed = json_ld(tree(site, "2026/11/21/ferry/index.html"))
    assert timed["datePublished"] == "2026-11-21T08:00:00+01:00"


def test_the_404_page_has_a_search_box_and_the_search_page_focuses_its_input(site: Path) -> None:
    missing = tree(site, "404.html")
    (form,) = missing.xpath("//form[@role='search']")
    assert (form.get("action"), form.xpath("input/@name")) == ("/search/", ["q"])
    search = tree(site, "search/index.html")
    assert search.xpath("//input[@id='search-input']/@autofocus") == [""]
