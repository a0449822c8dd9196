"""Pages a reader expects, measured in real Chromium: a phone masthead of one row, a
text-only front lead that leaves no column empty, the Latest rail beside a story on a wide
screen (and not loaded on a phone), and the search input focused on load."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from newsgen.build.run import BuildOptions, build

import golden
from conftest import BASIC_CONFIG, article
from static_host import Host, static_host
from test_browser import CHROMIUM_ARGS

SECTIONS = [
    "World", "Politics", "Business", "Local", "Sports", "Culture", "Science", "Health",
    "Opinion", "Weather", "Education", "Transport", "Harbor", "Courts", "Obituaries",
]  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    assert executable, "Chromium is required: .ci/run installs Debian's chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Host]:
    """Fifteen sections, as the archive of the issue had; the newest story has no image."""
    root = tmp_path_factory.mktemp("reader")
    (root / "newsgen.yaml").write_text(BASIC_CONFIG, encoding="utf-8")
    (root / "articles").mkdir()
    for number, section in enumerate(SECTIONS):
        body = " ".join(["A paragraph of the story, long enough to read as one."] * 12)
        text = article(
            title=f"{section} story number {number}",
            slug=f"story-{number}",
            date=f"2026-11-{number + 1:02d} 09:00",
            section=section,
            body=body,
        )
        (root / "articles" / f"s{number}.md").write_text(text, encoding="utf-8")
    build(BuildOptions(root=root, now=golden.NOW))
    with static_host(root / "site") as served:
        yield served


def test_the_phone_masthead_is_one_row_that_scrolls(browser: Browser, host: Host) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 812})
    page.goto(host.url + "/sections/health/")
    nav = page.evaluate(
        """() => {
            const list = document.querySelector(".site-nav ul");
            const tops = new Set([...list.children].map(li => li.getBoundingClientRect().top));
            return {rows: tops.size, height: list.getBoundingClientRect().height,
                    scrolls: list.scrollWidth > list.clientWidth,
                    header: document.querySelector(".masthead").getBoundingClientRect().height};
        }"""
    )
    assert nav["rows"] == 1, nav
    assert nav["scrolls"], nav
    assert nav["header"] < 812 * 0.2, nav  # it took 40% of the first screen
    current = page.locator(".site-nav a[aria-current='page']")
    assert current.inner_text().lower() == "health"
    page.close()


def test_a_text_only_front_lead_leaves_no_column_empty(browser: Browser, host: Host) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(host.url + "/")
    boxes = page.evaluate(
        """() => {
            const box = s => document.querySelector(s).getBoundingClientRect();
            const lead = box(".teaser-lead"), top = box(".front-top");
            const secondary = [...document.querySelectorAll(".front-secondary .teaser")]
                .map(e => e.getBoundingClientRect());
            return {lead: [lead.left, lead.width, lead.bottom], top: [top.left, top.width],
                    secondary: secondary.map(r => [r.top, r.left])};
        }"""
    )
    lead_left, lead_width, lead_bottom = boxes["lead"]
    top_left, top_width = boxes["top"]
    assert (lead_left, lead_width) == (top_left, top_width), boxes  # across the page
    tops = {round(top) for top, _ in boxes["secondary"]}
    assert len(tops) == 1 and min(tops) >= lead_bottom - 1, boxes  # one row, below the lead
    page.close()


@pytest.mark.parametrize(("width", "shown"), [(1280, True), (375, False)])
def test_the_latest_rail_stands_beside_the_story_on_a_wide_screen(
    browser: Browser, host: Host, width: int, shown: bool
) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(host.url + "/2026/11/03/story-2/")
    page.wait_for_load_state("networkidle")
    rail = page.locator(".latest-rail")
    assert rail.is_visible() == shown
    requested = [path for path, _ in host.requests if path.startswith("/latest/")]
    host.requests.clear()
    if shown:
        story = page.locator(".story").bounding_box()
        box = rail.bounding_box()
        assert story and box and box["x"] >= story["x"] + story["width"], (story, box)
        frame = page.frame_locator(".latest-rail iframe")
        assert frame.locator("ol a").first.inner_text() == "Obituaries story number 14"
        assert requested
    else:
        assert requested == []  # hidden, so the lazy frame is never fetched
    page.close()


def test_the_search_input_has_the_focus_on_load(browser: Browser, host: Host) -> None:
    page = browser.new_page()
    page.goto(host.url + "/search/")
    assert page.evaluate("document.activeElement.id") == "search-input"
    page.close()
