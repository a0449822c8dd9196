"""Pages opened in real headless Chromium (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from conftest import article
from servers import running_server

# Chromium must not try to reach the network: this machine and CI have none.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    assert executable, "Chromium is required: .ci/run installs Debian's chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def served_golden_site(golden_site: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(golden_site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_front_page_lists_headlines_and_leads_to_the_article(
    browser: Browser, served_golden_site: str
) -> None:
    page = browser.new_page()
    page.goto(served_golden_site + "/")
    assert page.title() == "The Harbor Courier"
    headline = page.get_by_role("link", name="Council approves winter road budget")
    assert headline.is_visible()
    headline.click()
    page.wait_for_url("**/2026/11/24/council-approves-winter-road-budget/")
    assert page.locator("h1").inner_text() == "Council approves winter road budget"
    body = page.locator(".story-body")
    assert "extra money for gritting and snow clearing" in body.inner_text()
    assert body.is_visible()
    page.close()


def test_article_page_shows_escaped_title_and_inert_markup(
    browser: Browser, served_golden_site: str
) -> None:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(served_golden_site + "/2026/05/10/election-night-smith-sons-lead-the-count/")
    assert page.locator("h1").inner_text() == 'Election night: "Smith & Sons" <lead> the count'
    assert '<script>alert("not run")</script>' in page.locator(".story-body").inner_text()
    assert page.locator(".story-body a").count() == 0  # the javascript: link is plain text
    assert dialogs == []
    page.close()


def test_a_reader_goes_from_the_archive_to_an_article_and_on_to_its_section(
    browser: Browser, served_golden_site: str
) -> None:
    page = browser.new_page()
    page.goto(served_golden_site + "/archive/")
    page.get_by_role("link", name="March 2025").click()
    page.wait_for_url("**/2025/03/")
    page.get_by_role("link", name="Harbor reopens after winter repairs").click()
    page.wait_for_url("**/2025/03/14/harbor-reopens-after-winter-repairs/")
    page.locator(".story-section").get_by_role("link", name="Local").click()
    page.wait_for_url("**/sections/local/")
    assert page.locator("h1").inner_text() == "Local"
    page.get_by_role("link", name="Older →").click()
    page.wait_for_url("**/sections/local/page/2/")
    assert page.locator(".teaser").count() > 0
    page.close()


def test_live_reload_shows_edits_problems_and_recovery(
    browser: Browser, make_site: Callable[..., Path]
) -> None:
    root = make_site({"articles/a.md": article(title="Harbor news", body="The first version.")})
    source = root / "articles/a.md"
    with running_server(root, "--now", "2026-11-24T12:00:00+00:00") as server:
        page = browser.new_page()
        page.goto(server.url + "/2026/11/20/harbor-news/")
        assert "The first version." in page.locator(".story-body").inner_text()
        page.wait_for_timeout(300)  # let the page connect to the reload channel

        source.write_text(
            article(title="Harbor news", body="The second version."), encoding="utf-8"
        )
        page.locator(".story-body", has_text="The second version.").wait_for(timeout=15_000)

        source.write_text(
            "---\ntitle: Harbor news\ndate: 2026-11-20\ntitle: again\n---\n", encoding="utf-8"
        )
        overlay = page.locator("#newsgen-problems")
        overlay.wait_for(timeout=15_000)
        assert "articles/a.md:4:1: duplicate key 'title'" in overlay.inner_text()
        assert "The second version." in page.locator(".story-body").inner_text()

        source.write_text(article(title="Harbor news", body="The third version."), encoding="utf-8")
        page.locator(".story-body", has_text="The third version.").wait_for(timeout=15_000)
        assert page.locator("#newsgen-problems").count() == 0
        page.close()
