"""The default theme in real Chromium: axe-core finds no accessibility violations on any page
type (light and dark, phone and desktop widths), a site published under a sub-path works under
its prefix, and a story prints on one page without the site's furniture."""

from __future__ import annotations

import re
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

import golden
from static_host import Host, static_host
from test_browser import CHROMIUM_ARGS

AXE = Path(__file__).parent / ".npm/node_modules/axe-core/axe.min.js"
PREFIX = "/news"  # the golden bulletin's base_url is https://bulletin.example.org/news
ARTICLE = "/local/2026/11/new-pier-opens-to-the-public/"
PAGE_TYPES = {
    "front page": "/",
    "older front page": "/page/1/",
    "article with a lead image": ARTICLE,
    "article with a small image": "/sports/2026/11/riverside-xi-win-the-district-final/",
    "section listing": "/sections/local/",
    "month archive": "/2026/11/",
    "term index": "/tags/",
    "archive": "/archive/",
    "search": "/search/",
    "not found": "/no-such-page/",
    "redirect": "/2026/old-landing/",
    "article with corrections and an update": (
        "/business/2026/11/night-market-returns-for-the-festival-season/"
    ),
    "author page with a profile": "/authors/asha-rao/",
    "corrections": "/corrections/",
    "latest stories (the rail's page)": "/latest/",
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    assert executable, "Chromium is required: .ci/run installs Debian's chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def bulletin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The golden bulletin site, built with its search bundle, published under /news."""
    return golden.build_copy("bulletin", tmp_path_factory.mktemp("bulletin"))


@pytest.fixture(scope="module")
def bulletin_host(bulletin: Path) -> Iterator[Host]:
    with static_host(bulletin, PREFIX) as host:
        yield host


def axe_violations(page: Page) -> list[str]:
    assert AXE.is_file(), "axe-core is required: .ci/run installs it into tests/.npm"
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v =>
                `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(" ")).join(", ")}`);
        }"""
    )
    return [str(line) for line in found]


def _without_refresh(route: Route) -> None:
    """A redirect page leaves at once; checking it means keeping it, so its refresh goes."""
    response = route.fetch()
    body = re.sub(r'<meta http-equiv="refresh"[^>]*>\n?', "", response.text())
    route.fulfill(response=response, body=body)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_axe_finds_no_violations_on_any_page_type(
    browser: Browser, bulletin_host: Host, scheme: str, width: int
) -> None:
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        color_scheme=scheme,  # type: ignore[arg-type]
    )
    context.route(re.compile(r".*/2026/old-landing/$"), _without_refresh)
    page = context.new_page()
    problems = {}
    for name, path in PAGE_TYPES.items():
        page.goto(bulletin_host.url + path)
        assert page.evaluate("document.styleSheets.length") >= 1, name
        if violations := axe_violations(page):
            problems[name] = violations
    context.close()
    assert problems == {}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_on_the_repository_example_site(
    browser: Browser, example_site: Path, scheme: str
) -> None:
    """The first site a new user builds, with its own footer template."""
    article = next(example_site.glob("20*/*/*/*/index.html")).parent.relative_to(example_site)
    with static_host(example_site) as host:
        for width in (375, 1280):
            page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)  # type: ignore[arg-type]
            for path in ("/", f"/{article.as_posix()}/"):
                page.goto(host.url + path)
                assert axe_violations(page) == [], (width, path)
                note = page.locator("footer .footer-note")
                assert note.is_visible()
            page.close()


def test_a_sub_path_site_works_under_its_prefix(
    browser: Browser, bulletin: Path, bulletin_host: Host
) -> None:
    """Every page loads its stylesheet, images and icon from under /news, and every link on
    every page leads to a page that exists there."""
    page = browser.new_page()
    pages = sorted(
        p for p in bulletin.rglob("*.html") if not p.is_relative_to(bulletin / "pagefind")
    )
    targets: set[str] = set()
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(bulletin_host.url))
    for path in pages:
        relative = path.relative_to(bulletin).as_posix()
        if 'http-equiv="refresh"' in path.read_text(encoding="utf-8"):
            url = f"{bulletin_host.url}/{relative.removesuffix('index.html')}"
            response = page.request.get(url, max_redirects=0)
            assert response.ok, relative
            refresh = re.search(r'url=([^"]+)"', response.text())
            assert refresh, relative
            targets.add(urljoin(url, refresh.group(1)))
            continue
        page.goto(f"{bulletin_host.url}/{relative.removesuffix('index.html')}")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background != "rgba(0, 0, 0, 0)", f"{relative}: no stylesheet"
        hrefs = page.evaluate(
            """() => [...document.querySelectorAll("a[href], link[href], img[src]")]
                .map(e => e.href || e.src)"""
        )
        targets.update(
            str(h).split("#")[0]
            for h in hrefs
            if str(h).startswith(origin) and "/pagefind/" not in str(h)
        )
    page.close()
    assert targets, "no links found"
    assert all(urlsplit(t).path.startswith(PREFIX + "/") for t in targets), sorted(targets)[:5]
    broken = [t for t in sorted(targets) if _status(t) != 200]
    assert broken == []
    # Pages load everything from under the prefix (the search page's own bundle aside).
    assert [
        f for f in bulletin_host.failures() if "/pagefind/" not in f[0] and "no-such" not in f[0]
    ] == []


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_two_paragraph_story_prints_on_one_page_without_the_site_furniture(
    browser: Browser, bulletin_host: Host
) -> None:
    page = browser.new_page()
    page.goto(bulletin_host.url + ARTICLE)
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => [".site-nav", ".story-tags", ".story-nav", ".related", ".site-footer"]
            .filter(s => document.querySelector(s))
            .map(s => [s, getComputedStyle(document.querySelector(s)).display])"""
    )
    assert len(hidden) == 5
    assert all(display == "none" for _, display in hidden), hidden
    after = page.evaluate(
        """getComputedStyle(document.querySelector(".story-body a"), "::after").content"""
    )
    assert after == '" (/news/local/2026/04/old-landing-closes/)"'
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    page.close()


def test_search_under_the_prefix_finds_articles_and_links_under_it(
    browser: Browser, bulletin_host: Host
) -> None:
    page = browser.new_page()
    page.goto(f"{bulletin_host.url}/search/?q=cooperative")
    link = page.locator(".search-result h2 a").first
    link.wait_for(timeout=15_000)
    assert link.text_content() == "Cooperative bank opens a branch"
    assert urlsplit(str(link.get_attribute("href"))).path.startswith(PREFIX + "/business/")
    page.close()
    assert [f for f in bulletin_host.failures() if "/pagefind/" in f[0]] == []
