"""The default theme's pieces that need no browser: dates and times, the pager, image sizes,
links under a sub-path, the front page's hierarchy, and what the 404 page tells robots."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from newsgen.build.run import BuildOptions, build
from newsgen.content import urls
from newsgen.content.images import image_size
from newsgen.content.markdown import make_markdown
from newsgen.outputs.pager import page_links
from newsgen.outputs.templates import clock, date_time, gmt_offset, short_date_time

from conftest import article

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
# The smallest valid PNG header imagesize reads: signature, IHDR of 640 x 360.
PNG_640_360 = (
    bytes.fromhex("89504e470d0a1a0a0000000d4948445200000280000001680802000000") + b"\0" * 16
)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2025, 6, 3, 7, 15, tzinfo=UTC), "9:15 AM GMT+2, June 3, 2025"),
        (datetime(2025, 1, 3, 11, 59, tzinfo=UTC), "12:59 PM GMT+1, January 3, 2025"),
        (datetime(2025, 1, 3, 23, 5, tzinfo=UTC), "12:05 AM GMT+1, January 4, 2025"),
    ],
)
def test_date_time_is_in_the_site_zone_with_its_offset(moment: datetime, expected: str) -> None:
    assert date_time(moment, BERLIN) == expected


def test_offsets_are_written_in_hours_and_minutes() -> None:
    def at(minutes: int) -> datetime:
        return datetime(2026, 1, 1, tzinfo=timezone(timedelta(minutes=minutes)))

    assert [gmt_offset(at(m)) for m in (0, 60, 330, 345, -210, -600)] == [
        "GMT", "GMT+1", "GMT+5:30", "GMT+5:45", "GMT-3:30", "GMT-10",
    ]  # fmt: skip
    assert clock(datetime(2026, 11, 24, 3, 45, tzinfo=UTC), ZoneInfo("Asia/Kolkata")) == (
        "9:15 AM GMT+5:30"
    )


def test_short_date_time_abbreviates_months_as_news_style_does() -> None:
    assert short_date_time(datetime(2026, 9, 29, 8, 0, tzinfo=UTC), BERLIN) == (
        "Sept. 29, 2026, 10:00 AM"
    )
    assert short_date_time(datetime(2026, 6, 1, 10, 30, tzinfo=UTC), BERLIN) == (
        "June 1, 2026, 12:30 PM"
    )


def _labels(links: tuple[object, ...]) -> str:
    return " ".join(f"[{p.label}]" if p.current else p.label for p in links)  # type: ignore[attr-defined]


def test_pager_links_first_last_and_neighbours_with_gaps() -> None:
    assert _labels(page_links("/", 1, 10, front=True, stable=False)) == "[1] 2 3 … 10"
    middle = page_links("/tags/x/page/5/", 5, 10, front=False, stable=False)
    assert _labels(middle) == "1 … 3 4 [5] 6 7 … 10"
    assert middle[0].url == "/tags/x/" and middle[-1].url == "/tags/x/page/10/"
    assert _labels(page_links("/page/2/", 2, 2, front=False, stable=False)) == "1 [2]"


def test_stable_full_pages_link_only_pages_that_cannot_change() -> None:
    assert _labels(page_links("/", 10, 10, front=True, stable=True)) == "[Latest] 9 8 … 1"
    assert _labels(page_links("/page/5/", 5, 10, front=False, stable=True)) == (
        "Latest 6 [5] 4 3 … 1"
    )
    # Page 5's pager is the same whether 10 or 50 pages follow it.
    assert page_links("/page/5/", 5, 10, front=False, stable=True) == page_links(
        "/page/5/", 5, 50, front=False, stable=True
    )


def test_image_size_reads_files_in_static_only(tmp_path: Path) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (static / "a.png").write_bytes(PNG_640_360)
    (static / "b.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="20.4" height="10"/>'
    )
    (static / "c.png").write_bytes(b"not an image")
    (tmp_path / "secret.png").write_bytes(PNG_640_360)
    (static / "link.png").symlink_to(tmp_path / "secret.png")
    assert image_size(static, "a.png") == (640, 360)
    assert image_size(static, "a.png?v=2") == (640, 360)
    assert image_size(static, "b.svg") == (20, 10)
    assert image_size(static, "c.png") is None
    assert image_size(static, "missing.png") is None
    assert image_size(static, "../secret.png") is None
    assert image_size(static, "link.png") is None


def test_href_prefixes_site_paths_only() -> None:
    assert urls.base_path("https://example.org/news/") == "/news"
    assert urls.base_path("https://example.org") == ""
    assert [urls.href("/news", u) for u in ("/", "/a/", "//cdn.example/x", "https://x/", "a/")] == [
        "/news/", "/news/a/", "//cdn.example/x", "https://x/", "a/",
    ]  # fmt: skip


def test_article_bodies_link_site_paths_under_the_sub_path() -> None:
    md = make_markdown(False, "/news")
    html = md.render("[a](/2026/x/) [b](https://example.org/) ![c](/static/c.png) [d](#n)")
    assert 'href="/news/2026/x/"' in html
    assert 'href="https://example.org/"' in html
    assert 'src="/news/static/c.png"' in html
    assert 'href="#n"' in html


SUB_PATH_CONFIG = """\
title: Test Gazette
base_url: https://gazette.example.org/news
timezone: Europe/Berlin
per_page: 5
"""


def test_front_page_ranks_stories_and_shows_each_sections_latest(
    make_site: Callable[..., Path],
) -> None:
    files = {
        f"articles/{n}.md": article(
            title=f"Story {n}",
            date=f"2026-11-{n + 1:02d} 10:00",
            section="Local" if n % 2 else "Sports",
            **({"image": "/static/p.png", "image_alt": "A pier"} if n == 8 else {}),
        )
        for n in range(9)
    }
    root = make_site({**files, "static/p.png": PNG_640_360}, SUB_PATH_CONFIG)
    build(BuildOptions(root=root, now=NOW))
    tree = lxml.html.fromstring((root / "site/index.html").read_bytes())
    lead = tree.xpath("//article[contains(@class, 'teaser-lead')]")[0]
    assert lead.xpath(".//h2//text()") == ["Story 8"]
    assert lead.xpath(".//img/@src") == ["/news/static/p.png"]
    assert lead.xpath(".//img/@width") == ["640"]
    secondary = tree.xpath("//div[@class='front-secondary']//h2//text()")
    assert secondary == ["Story 7", "Story 6", "Story 5"]
    # The page shows stories 8 to 4; the section blocks show the older ones only.
    blocks = {
        "".join(s.xpath("./h2//text()")): s.xpath(".//li/a/text()")
        for s in tree.xpath("//section[@class='front-section']")
    }
    assert blocks == {"Local": ["Story 3", "Story 1"], "Sports": ["Story 2", "Story 0"]}
    page_two = (root / "site/page/2/index.html").read_text(encoding="utf-8")
    assert "front-section" not in page_two and "teaser-lead" not in page_two
    hrefs = tree.xpath("//@href | //@src")
    assert all(h.startswith(("/news/", "https://", "#")) for h in hrefs), hrefs


def test_article_shows_time_caption_credit_and_image_size(
    make_site: Callable[..., Path],
) -> None:
    text = article(
        title="Pier opens",
        date="2026-06-03 09:15",
        updated="2026-06-03T18:40:00+00:00",
        image="/static/p.png",
        image_alt="The pier",
        image_caption="The pier at dawn.",
        image_credit='"Photo: A. Rao"',
    )
    root = make_site({"articles/a.md": text, "static/p.png": PNG_640_360})
    build(BuildOptions(root=root, now=NOW))
    page = (root / "site/2026/06/03/pier-opens/index.html").read_text(encoding="utf-8")
    tree = lxml.html.fromstring(page)
    times = tree.xpath("//p[@class='story-meta']//time")
    assert [t.get("datetime") for t in times] == [
        "2026-06-03T09:15:00+02:00",
        "2026-06-03T20:40:00+02:00",
    ]
    assert re.sub(r"\s+", " ", times[0].text_content()) == "9:15 AM GMT+2, June 3, 2026"
    assert times[1].text_content() == "8:40 PM GMT+2, June 3, 2026"
    figure = tree.xpath("//figure[@class='story-image']")[0]
    assert figure.xpath("./img/@width") == ["640"] and figure.xpath("./img/@height") == ["360"]
    assert figure.xpath("string(./figcaption)") == "The pier at dawn. Photo: A. Rao"


def test_not_found_page_is_not_canonical_and_not_indexed(golden_site: Path) -> None:
    tree = lxml.html.fromstring((golden_site / "404.html").read_bytes())
    assert tree.xpath("//link[@rel='canonical']") == []
    assert tree.xpath("//meta[@name='robots']/@content") == ["noindex"]


def test_every_page_has_a_favicon_and_a_skip_link_to_main(golden_site: Path) -> None:
    assert (golden_site / "static/favicon.svg").is_file()
    for path in (golden_site / "index.html", golden_site / "archive/index.html"):
        tree = lxml.html.fromstring(path.read_bytes())
        assert tree.xpath("//link[@rel='icon']/@href") == ["/static/favicon.svg"]
        assert tree.xpath("//body/a[1]/@href") == ["#content"]
        assert tree.xpath("//main/@id") == ["content"]


def test_example_site_footer_note_sits_inside_the_footer(example_site: Path) -> None:
    tree = lxml.html.fromstring((example_site / "index.html").read_bytes())
    assert tree.xpath("//footer//p[@class='footer-note']")
    assert tree.xpath("//body/div") == []


def test_a_day_without_a_time_shows_no_time(make_site: Callable[..., Path]) -> None:
    root = make_site({"articles/a.md": article(title="Quiet day", date="2026-06-03")})
    build(BuildOptions(root=root, now=NOW))
    page = lxml.html.fromstring((root / "site/2026/06/03/quiet-day/index.html").read_bytes())
    shown = page.xpath("string(//p[@class='story-meta']//time)")
    assert re.sub(r"\s+", " ", shown) == "June 3, 2026"
    front = lxml.html.fromstring((root / "site/index.html").read_bytes())
    assert front.xpath("string(//p[@class='teaser-meta']/time)") == "June 3, 2026"


def test_a_full_stable_page_keeps_its_bytes_as_articles_arrive(
    make_site: Callable[..., Path],
) -> None:
    config = (
        "title: T\nbase_url: https://t.example\ntimezone: UTC\nper_page: 2\npagination: stable\n"
    )
    files = {
        f"articles/{n}.md": article(title=f"Story {n}", date=f"2026-01-{n + 1:02d}")
        for n in range(5)
    }
    root = make_site(files, config)
    build(BuildOptions(root=root, now=NOW))
    first = (root / "site/page/1/index.html").read_bytes()
    assert b'aria-current="page"' in first and b"Latest" in first
    for n in range(5, 9):  # two more full pages
        (root / f"articles/{n}.md").write_text(
            article(title=f"Story {n}", date=f"2026-01-{n + 1:02d}"), encoding="utf-8"
        )
    build(BuildOptions(root=root, now=NOW))
    assert (root / "site/page/4/index.html").is_file()
    assert (root / "site/page/1/index.html").read_bytes() == first
