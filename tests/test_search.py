"""Search: segments indexed incrementally, merged in real Chromium into one ranked list."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from newsgen.build.run import BuildOptions, build
from newsgen.model import Article, Body, RenderedArticle
from newsgen.outputs import segments

import golden
from conftest import article
from test_browser import QuietHandler, browser  # noqa: F401 - the fixture is used by name

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
CONFIG = "title: Test Gazette\nbase_url: https://gazette.example.org\ntimezone: Europe/Berlin\n"


def boundary_names(count: int) -> list[str]:
    """File names of articles that end a segment, so a small site spans several."""
    names = (f"b{number}.md" for number in range(100_000))
    size = segments.SEGMENT_SIZE
    return [n for n in names if segments.source_hash(f"articles/{n}") % size == 0][:count]


def spread_site(make_site: Callable[..., Path]) -> Path:
    """Nine articles over three segments: each boundary article closes one."""
    first, second = boundary_names(2)
    files = {}
    for day in range(1, 10):
        name = {3: first, 6: second}.get(day, f"d{day}.md")
        body = f"Ordinary story number {day}."
        if day == 2:
            body += " A kittiwake nested on the pier."
        if day == 8:
            body += " The kittiwake count rose again."
        files[f"articles/{name}"] = article(
            title=f"Harbor day {day}",
            date=f"2026-11-0{day}",
            body=body,
            author="Ada Lindqvist" if day % 2 else "Ben Okafor",
            section="Local" if day < 5 else "Politics",
        )
    files["articles/d9.md"] = article(
        title="Kittiwake season opens", date="2026-11-09", body="Birds.", author="Carla Mendes"
    )
    return make_site(files, config=CONFIG)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Callable[[Path], str]]:
    servers: list[ThreadingHTTPServer] = []

    def serve(site: Path) -> str:
        handler = functools.partial(QuietHandler, directory=str(site))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def results(page: Page, base: str, words: str) -> list[str]:
    """Search through the page's own form; the headlines of the results, in order."""
    page.goto(base + "/search/")
    page.get_by_label("Words to find in headlines, stories and bylines").fill(words)
    page.get_by_role("button", name="Search").click()
    status = page.locator("#search-status")
    status.filter(has_text="found for").wait_for(timeout=10_000)
    return page.locator(".search-result h2").all_inner_texts()


def test_a_search_across_segments_shows_one_ranked_list(
    browser: Browser,  # noqa: F811
    make_site: Callable[..., Path],
    served: Callable[[Path], str],
) -> None:
    root = spread_site(make_site)
    build(BuildOptions(root=root, now=NOW))
    listing = (root / "site/pagefind/segments.json").read_text(encoding="utf-8")
    assert listing.count('"', listing.index("[")) == 2 * 3  # three segments
    page = browser.new_page()
    found = results(page, served(root / "site"), "kittiwake")
    # In three bundles; the headline match ranks first, then the two body matches.
    assert found[0] == "Kittiwake season opens"
    assert sorted(found[1:]) == ["Harbor day 2", "Harbor day 8"]
    assert page.locator("#search-results").count() == 1
    assert page.locator("#search-status").inner_text() == "3 articles found for “kittiwake”."
    page.close()


def test_a_byline_finds_the_authors_articles_with_date_and_section(
    browser: Browser,  # noqa: F811
    make_site: Callable[..., Path],
    served: Callable[[Path], str],
) -> None:
    root = spread_site(make_site)
    build(BuildOptions(root=root, now=NOW))
    page = browser.new_page()
    found = results(page, served(root / "site"), "Okafor")
    assert sorted(found) == [f"Harbor day {day}" for day in (2, 4, 6, 8)]
    meta = page.locator(".search-result", has_text="Harbor day 6").locator(".search-result-meta")
    assert meta.inner_text() == "November 6, 2026 · Politics · By Ben Okafor"
    assert meta.locator("time").get_attribute("datetime") == "2026-11-06"
    page.close()


def test_a_query_in_the_address_runs_on_load_and_typing_updates_it(
    browser: Browser,  # noqa: F811
    make_site: Callable[..., Path],
    served: Callable[[Path], str],
) -> None:
    root = spread_site(make_site)
    build(BuildOptions(root=root, now=NOW))
    base = served(root / "site")
    page = browser.new_page()
    page.goto(base + "/search/?q=kittiwake%20pier")
    page.locator(".search-result").first.wait_for(timeout=10_000)
    assert page.locator(".search-result h2").first.inner_text() == "Harbor day 2"
    box = page.get_by_label("Words to find in headlines, stories and bylines")
    assert box.input_value() == "kittiwake pier"
    box.fill("season")
    page.wait_for_url("**/search/?q=season", timeout=10_000)
    page.locator(".search-result", has_text="Kittiwake season opens").wait_for(timeout=10_000)
    page.close()


def test_markup_in_a_story_stays_text_in_the_results(
    browser: Browser,  # noqa: F811
    golden_site: Path,
    served: Callable[[Path], str],
) -> None:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    found = results(page, served(golden_site), "guillemots")
    assert found == ["Lighthouse keepers log a rare winter visitor"]
    found = results(page, served(golden_site), "alert")
    assert 'Election night: "Smith & Sons" <lead> the count' in found
    assert page.locator(".search-result-excerpt script").count() == 0
    assert dialogs == []
    page.close()


def test_added_edited_and_deleted_articles_are_found_or_gone_after_incremental_builds(
    browser: Browser,  # noqa: F811
    make_site: Callable[..., Path],
    served: Callable[[Path], str],
    tmp_path: Path,
) -> None:
    root = spread_site(make_site)
    build(BuildOptions(root=root, now=NOW))
    base = served(root / "site")
    page = browser.new_page()
    cached = set((root / ".newsgen/search").iterdir())

    new = root / "articles/new.md"
    new.write_text(article(title="Puffins return", date="2026-11-20", body="Many puffins."))
    build(BuildOptions(root=root, now=NOW))
    assert results(page, base, "puffins") == ["Puffins return"]
    # Only the newest segment was indexed again: the other two bundles were kept.
    assert len(cached - set((root / ".newsgen/search").iterdir())) == 1

    old = root / "articles/d4.md"
    old.write_text(old.read_text().replace("Ordinary story", "Extraordinary cormorant story"))
    build(BuildOptions(root=root, now=NOW))
    assert results(page, base, "cormorant") == ["Harbor day 4"]
    assert "Harbor day 4" not in results(page, base, "ordinary")

    (root / "articles/d9.md").unlink()
    build(BuildOptions(root=root, now=NOW))
    assert sorted(results(page, base, "kittiwake")) == ["Harbor day 2", "Harbor day 8"]
    assert results(page, base, "season") == []
    page.close()

    clean = tmp_path / "clean"
    clean.mkdir()
    shutil.copy(root / "newsgen.yaml", clean)
    shutil.copytree(root / "articles", clean / "articles")
    build(BuildOptions(root=clean, now=NOW, full=True, jobs=1))
    assert everything(root / "site") == everything(clean / "site")


def test_an_archive_without_articles_says_there_is_nothing_to_search(
    browser: Browser,  # noqa: F811
    make_site: Callable[..., Path],
    served: Callable[[Path], str],
) -> None:
    root = make_site({"articles/draft.md": article(draft="true")}, config=CONFIG)
    build(BuildOptions(root=root, now=NOW))
    assert sorted(p.name for p in (root / "site/pagefind").iterdir()) == ["segments.json"]
    page = browser.new_page()
    page.goto(served(root / "site") + "/search/?q=anything")
    status = page.locator("#search-status", has_text="The archive has nothing to search yet.")
    status.wait_for(timeout=10_000)
    page.close()


def test_without_search_there_is_no_index_and_no_cache(make_site: Callable[..., Path]) -> None:
    root = spread_site(make_site)
    (root / "newsgen.yaml").write_text(CONFIG + "search: false\n", encoding="utf-8")
    build(BuildOptions(root=root, now=NOW))
    assert not (root / "site/pagefind").exists()
    assert not (root / ".newsgen/search").exists()


def everything(folder: Path) -> dict[str, bytes]:
    """The whole site, search bundles included."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != golden.MANIFEST
    }


def rendered(source: str, day: int, text: str = "") -> RenderedArticle:
    date = datetime(2026, 1, 1, tzinfo=UTC).replace(day=day)
    entry = Article(source, "T", date, date, "t", f"/{source}/", "", 1)
    return RenderedArticle(entry, Body(text or "<p>x</p>"), "", "", 1, digest=source + text)


def test_an_edit_changes_one_segment_and_an_addition_only_its_neighbours() -> None:
    names = [f"articles/s{number}.md" for number in range(1000)]
    articles = [rendered(name, number % 28 + 1) for number, name in enumerate(names)]
    before = segments.split(articles, salt="v")
    assert 8 <= len(before) <= 40
    assert max(len(part.articles) for part in before) <= segments.SEGMENT_LIMIT
    edited = [*articles[:300], rendered(names[300], 300 % 28 + 1, "<p>y</p>"), *articles[301:]]
    after = segments.split(edited, salt="v")
    assert len({p.key for p in before} ^ {p.key for p in after}) == 2  # one out, one in
    for number in range(50):
        new = rendered(f"articles/new{number}.md", number % 28 + 1)
        added = segments.split([*articles, new], salt="v")
        assert len({p.key for p in before} - {p.key for p in added}) <= 2
    assert segments.split(reversed(articles), salt="v") == before  # order of input is irrelevant


def test_records_escape_their_text_and_carry_the_byline_as_metadata() -> None:
    date = datetime(2026, 3, 14, 8, 30, tzinfo=UTC)
    entry = Article(
        "articles/a.md", 'Smith & "Sons" <lead>', date, date, "a", "/a/", "", 1,
        authors=("Ada Lindqvist", "Ben <Okafor>"), section="Local & World",
    )  # fmt: skip
    html = segments.record(RenderedArticle(entry, Body("<p>Text.</p>"), "", "", 1), "en")
    assert "<h1>Smith &amp; &quot;Sons&quot; &lt;lead&gt;</h1>" in html
    byline = "Ada Lindqvist, Ben &lt;Okafor&gt;"
    assert f'data-pagefind-meta="byline[content]" content="{byline}"' in html
    assert 'data-pagefind-meta="section[content]" content="Local &amp; World"' in html
    assert 'data-pagefind-meta="date[content]" content="2026-03-14"' in html
    assert "<p>Text.</p></main>" in html
