"""The bilingual golden site in real Chromium: every hreflang link of every page resolves, the
French search page finds French stories only (and the English one English stories only), and
axe-core finds no violations on the French pages."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, sync_playwright
from test_theme_browser import axe_violations

import golden
from static_host import Host, static_host
from test_browser import CHROMIUM_ARGS

FRENCH_PAGES = {
    "front page": "/fr-ca/",
    "article with a translation": (
        "/fr-ca/2026/11/23/le-traversier-reprend-du-service-sur-la-rive-nord/"
    ),
    "article without one": "/fr-ca/2026/11/21/la-glace-arrive-tot-dans-la-baie/",
    "section": "/fr-ca/sections/politique/",
    "month, second page": "/fr-ca/2026/11/page/2/",
    "tag index": "/fr-ca/tags/",
    "archive": "/fr-ca/archive/",
    "search": "/fr-ca/search/",
    "author": "/fr-ca/authors/claire-tremblay/",
    "latest rail": "/fr-ca/latest/",
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
def bilingue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return golden.build_copy("bilingue", tmp_path_factory.mktemp("bilingue"))


@pytest.fixture(scope="module")
def host(bilingue: Path) -> Iterator[Host]:
    with static_host(bilingue) as served:
        yield served


def test_every_hreflang_link_resolves_to_a_page_in_its_language(
    browser: Browser, bilingue: Path, host: Host
) -> None:
    page = browser.new_page()
    checked = 0
    for path in sorted(bilingue.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for hreflang, href in re.findall(
            r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', text
        ):
            target = urlsplit(href).path
            response = page.goto(host.url + target)
            assert response is not None and response.status == 200, (path, href)
            lang = page.evaluate("document.documentElement.lang")
            assert hreflang in {"x-default", lang}, (path, hreflang, lang)
            # A translation links back: the page it names lists the page we came from.
            back = page.locator(f'link[rel="alternate"][hreflang="{lang}"]').get_attribute("href")
            assert back == href
            checked += 1
    page.close()
    # Three stories are translated: each of their six pages names three alternates.
    assert checked == 18


@pytest.mark.parametrize(
    "search",
    [
        (
            "/fr-ca/search/",
            "traversier",
            "Le traversier reprend du service sur la rive nord",
            "Ferry",
        ),
        ("/search/", "ferry", "Ferry service returns to the north shore", "traversier"),
        # A word of both languages: each page finds its own language's story alone.
        (
            "/fr-ca/search/",
            "112",
            "Le gardien du phare prend sa retraite après quarante ans",
            "keeper",
        ),
        ("/search/", "112", "Lighthouse keeper retires after forty years", "gardien"),
    ],
)
def test_search_finds_stories_of_the_page_language_only(
    browser: Browser, host: Host, search: tuple[str, str, str, str]
) -> None:
    """(search page, words, the one headline found, a word of the other language's story)"""
    path, query, found, absent = search
    page = browser.new_page()
    page.goto(f"{host.url}{path}?q={query}")
    first = page.locator(".search-result h2 a").first
    first.wait_for(timeout=15_000)
    page.wait_for_function("document.getElementById('search-status').textContent !== ''")
    titles = page.locator(".search-result h2 a").all_text_contents()
    assert titles == [found]
    # What the script says is in the page's language too.
    status = page.locator("#search-status").inner_text()
    french = path.startswith("/fr-ca/")
    said = f"1 article trouvé pour « {query} »." if french else f"1 article found for “{query}”."
    assert status == said
    assert absent.lower() not in page.locator("#search-results").inner_text().lower()
    # The section menu offers this language's sections only.
    sections = page.locator("select[name=section] option").all_text_contents()
    page.close()
    english = {"Transport (2)", "Politics (1)", "People (1)"}
    in_french = {"Transports (1)", "Politique (1)", "Portraits (1)", "Environnement (1)"}
    assert set(sections[1:]) == (in_french if french else english)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_axe_finds_no_violations_on_the_french_pages(
    browser: Browser, host: Host, scheme: str, width: int
) -> None:
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        color_scheme=scheme,  # type: ignore[arg-type]
    )
    page = context.new_page()
    problems = {}
    for name, path in FRENCH_PAGES.items():
        page.goto(host.url + path)
        assert page.evaluate("document.documentElement.lang") == "fr-CA", name
        if violations := axe_violations(page):
            problems[name] = violations
    context.close()
    assert problems == {}
