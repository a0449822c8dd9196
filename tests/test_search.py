"""Search in real Chromium: tiers of bundles answer exactly as one Pagefind index would, with
filters (a site's own kinds of term among them), a date sort, the input focused and nothing
moving as results arrive."""

from __future__ import annotations

import functools
import json
import random
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page

from newsgen.build.run import BuildOptions, build
from newsgen.content.kinds import AUTHOR, SECTION
from newsgen.model import Article, Body, RenderedArticle
from newsgen.outputs import records, tiers
from newsgen.store import cache

import golden
from conftest import article
from test_browser import QuietHandler, browser  # noqa: F401 - the fixture is used by name

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
CONFIG = "title: Test Gazette\nbase_url: https://gazette.example.org\ntimezone: Europe/Berlin\n"
LABEL = "Words to find in headlines, stories and bylines"


@pytest.fixture
def small_tiers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tiers of 3, 6, 12… articles, so that a handful of articles spans several bundles."""
    monkeypatch.setattr(tiers, "HEAD", 3)
    monkeypatch.setattr(tiers, "GROWTH", 2)


@pytest.fixture
def served() -> Iterator[Callable[[Path], str]]:
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


def finished(page: Page) -> None:
    page.locator("#search-status").filter(has_text="found").wait_for(timeout=60_000)
    while page.locator("#search-more").is_visible():
        count = page.locator(".search-result").count()
        page.locator("#search-more").click()
        page.wait_for_function(f"document.querySelectorAll('.search-result').length > {count}")
    if not page.locator("#search-status").inner_text().startswith("Nothing"):
        page.locator(".search-result").first.wait_for(timeout=60_000)
        total = int(page.locator("#search-status").inner_text().split()[0])
        page.wait_for_function(f"document.querySelectorAll('.search-result').length >= {total}")


def results(page: Page, base: str, query: str) -> list[str]:
    """Open /search/?<query> as a link would; the headlines of every result, in order."""
    page.goto(f"{base}/search/?{query}")
    finished(page)
    return page.locator(".search-result h2").all_inner_texts()


def found_by(page: Page, base: str, words: str) -> list[str]:
    """Search through the page's own form, as a reader types."""
    page.goto(base + "/search/")
    page.get_by_label(LABEL).fill(words)
    page.get_by_role("button", name="Search").click()
    finished(page)
    return page.locator(".search-result h2").all_inner_texts()


ONE_INDEX = """async ([words]) => {
  const listing = await (await fetch("/pagefind/tiers.json")).json();
  if (listing.tiers.length !== 1) throw new Error("not one index");
  const pagefind = await import(`/pagefind/${listing.runtime}/pagefind.js`);
  const index = pagefind.createInstance({basePath: `/pagefind/${listing.tiers[0].bundle}/`,
    baseUrl: "/", noWorker: true, ranking: {metaWeights: {title: 5, date: 0}}});
  const out = {};
  for (const word of words) {
    const found = await index.search(word);
    out[word] = await Promise.all(found.results.map(async (r) => (await r.data()).meta.title));
  }
  return out;
}"""


def one_index(page: Page, base: str, queries: list[str]) -> dict[str, list[str]]:
    """Pagefind's own answers from a site built in one bundle, without newsgen's page."""
    page.goto(base + "/search/")
    answer: dict[str, list[str]] = page.evaluate(ONE_INDEX, [queries])
    return answer


def clean_copy(root: Path, target: Path) -> Path:
    """The same sources built --full into `target`: one bundle, no history."""
    target.mkdir()
    shutil.copy(root / "newsgen.yaml", target)
    shutil.copytree(root / "articles", target / "articles")
    build(BuildOptions(root=target, now=NOW, full=True, jobs=1))
    return target


def layout(root: Path) -> list[tuple[int, int]]:
    listing = json.loads((root / "site/pagefind/tiers.json").read_text(encoding="utf-8"))
    return [(tier["level"], len(tier["masked"])) for tier in listing["tiers"]]


def story(title: str, day: int, body: str, **fields: str) -> str:
    return article(title=title, date=f"2026-11-{day:02d}", body=body, **fields)


def test_rare_numbers_and_names_find_exactly_their_articles_across_tiers(
    browser: Browser,  # noqa: F811
    make_site: Callable[..., Path],
    served: Callable[[Path], str],
    small_tiers: None,
    tmp_path: Path,
) -> None:
    root = make_site(
        {
            "articles/a.md": story("Bridge toll", 1, "The toll rose to 76 cents."),
            "articles/b.md": story("Rates", 2, "Inflation was 7.6 percent."),
            "articles/c.md": story("Chief speaks", 3, "Chief Okon spoke at the quay."),
            "articles/d.md": story("Family fair", 4, "The Okon family ran the fair."),
        },
        config=CONFIG,
    )
    build(BuildOptions(root=root, now=NOW))
    (root / "articles/e.md").write_text(story("Vote count", 5, "There were 763 votes."))
    build(BuildOptions(root=root, now=NOW))
    (root / "articles/c.md").write_text(story("Chief speaks", 3, "The chief spoke at the quay."))
    (root / "articles/f.md").write_text(story("Elder", 6, "Elder Okonkwo said so."))
    build(BuildOptions(root=root, now=NOW))
    # A sealed tier of four with one superseded copy (the old c), and a head of three.
    assert layout(root) == [(1, 1), (0, 0)]
    page = browser.new_page()
    base = served(root / "site")
    # The sealed tier has no "763" and would answer with "76" (and "7.6"): not shown.
    assert results(page, base, "q=763") == ["Vote count"]
    assert results(page, base, "q=okonkwo") == ["Elder"]  # the tier's "okon" is not shown
    assert sorted(results(page, base, "q=okon")) == ["Elder", "Family fair"]  # old c masked
    # No article has a word starting "7634": like one index, the longest prefix found stands.
    assert results(page, base, "q=7634") == ["Vote count"]
    clean = clean_copy(root, tmp_path / "clean")
    queries = ["763", "76", "7.6", "okon", "okonkwo", "chief", "quay", "7634", "okonkwos"]
    expected = one_index(page, served(clean / "site"), queries)
    for query in queries:
        assert sorted(results(page, base, f"q={quote(query)}")) == sorted(expected[query]), query
    page.close()


VOCABULARY = ["harbor", "ferry", "1893", "1894", "18", "Okafor", "Okaf", "tidewater", "tide"]


def random_story(rng: random.Random, number: int) -> str:
    words = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randrange(1, 5)))
    return story(f"Story {number}", rng.randrange(1, 28), f"Filler text {words}.")


@pytest.mark.usefixtures("small_tiers")
@pytest.mark.parametrize("seed", [1, 2])
def test_random_edit_sequences_give_the_result_sets_of_one_index(
    browser: Browser,  # noqa: F811
    make_site: Callable[..., Path],
    served: Callable[[Path], str],
    tmp_path: Path,
    seed: int,
) -> None:
    rng = random.Random(seed)
    root = make_site({f"articles/s{n}.md": random_story(rng, n) for n in range(8)}, config=CONFIG)
    build(BuildOptions(root=root, now=NOW))
    page = browser.new_page()
    base = served(root / "site")
    queries = [*(w.lower() for w in VOCABULARY), "189", "18935", "okafors", "harbor ferry",
               "tide 1893", "okaf harbor"]  # fmt: skip
    seen = set()
    for step in range(5):
        for _ in range(rng.randrange(1, 4)):
            names = sorted(p.name for p in (root / "articles").iterdir())
            kind = rng.choice(["add", "add", "edit", "delete"])
            if kind == "add" or len(names) < 3:
                name = f"t{step}-{rng.randrange(10**6)}.md"
                (root / "articles" / name).write_text(random_story(rng, rng.randrange(1000)))
            elif kind == "edit":
                target = root / "articles" / rng.choice(names)
                target.write_text(random_story(rng, rng.randrange(1000)))
            else:
                (root / "articles" / rng.choice(names)).unlink()
        build(BuildOptions(root=root, now=NOW))
        seen.add(tuple(layout(root)))
        clean = clean_copy(root, tmp_path / f"clean-{step}")
        expected = one_index(page, served(clean / "site"), queries)
        for query in queries:
            got = results(page, base, f"q={quote(query)}")
            assert sorted(got) == sorted(expected[query]), (step, query, layout(root))
            # The --full build's own page agrees too.
            assert sorted(results(page, served(clean / "site"), f"q={quote(query)}")) == sorted(
                expected[query]
            )
    # The sequences did exercise several bundles and masked copies.
    assert any(len(shape) > 1 for shape in seen)
    page.close()


def spread_site(make_site: Callable[..., Path]) -> Path:
    """Nine articles by two reporters in two sections, two with a rare bird in the body."""
    files = {}
    for day in range(1, 9):
        body = f"Ordinary story number {day}."
        if day == 2:
            body += " A kittiwake nested on the pier."
        if day == 8:
            body += " The kittiwake count rose again."
        files[f"articles/d{day}.md"] = article(
            title=f"Harbor day {day}",
            date=f"2026-11-0{day}T0{day}:00:00",
            body=body,
            author="Ada Lindqvist" if day % 2 else "Ben Okafor",
            section="Local" if day < 5 else "Politics",
        )
    files["articles/d9.md"] = article(
        title="Kittiwake season opens", date="2026-11-09", body="Birds.", author="Carla Mendes"
    )
    return make_site(files, config=CONFIG)


def test_a_search_across_tiers_shows_one_ranked_list(
    browser: Browser,  # noqa: F811
    make_site: Callable[..., Path],
    served: Callable[[Path], str],
    small_tiers: None,
) -> None:
    root = spread_site(make_site)
    build(BuildOptions(root=root, now=NOW))
    (root / "articles/d8.md").write_text(
        (root / "articles/d8.md").read_text().replace("rose again", "rose again, kittiwake")
    )
    build(BuildOptions(root=root, now=NOW))
    assert layout(root) == [(2, 1), (0, 0)]
    page = browser.new_page()
    found = found_by(page, served(root / "site"), "kittiwake")
    # The headline match ranks first, then the body matches, from both bundles.
    assert found[0] == "Kittiwake season opens"
    assert sorted(found[1:]) == ["Harbor day 2", "Harbor day 8"]
    assert page.locator("#search-status").inner_text() == "3 articles found for “kittiwake”."
    page.close()


def test_filters_and_the_date_sort_work_from_a_link(
    browser: Browser,  # noqa: F811
    make_site: Callable[..., Path],
    served: Callable[[Path], str],
    small_tiers: None,
) -> None:
    root = spread_site(make_site)
    build(BuildOptions(root=root, now=NOW))
    (root / "articles/d3.md").write_text(
        (root / "articles/d3.md").read_text().replace("Ordinary", "Extraordinary")
    )
    build(BuildOptions(root=root, now=NOW))
    base = served(root / "site")
    page = browser.new_page()
    newest = [f"Harbor day {day}" for day in (8, 7, 6, 5, 4, 3, 2, 1)]
    assert results(page, base, "q=harbor&sort=date") == newest
    assert results(page, base, "q=harbor&section=Local&sort=date") == newest[4:]
    assert page.locator("select[name=section]").input_value() == "Local"
    assert page.locator("select[name=sort]").input_value() == "date"
    assert results(page, base, "q=story&byline=Ben+Okafor&sort=date") == [
        "Harbor day 8", "Harbor day 6", "Harbor day 4", "Harbor day 2",
    ]  # fmt: skip
    assert results(page, base, "q=harbor&year=2025") == []
    assert results(page, base, "section=Politics") == newest[:4]  # no words: newest first
    # Choosing a filter on the page searches again and puts it in the address.
    page.goto(base + "/search/?q=ordinary")
    finished(page)
    page.locator("select[name=byline]").select_option("Ada Lindqvist")
    page.wait_for_url("**/search/?q=ordinary&byline=Ada+Lindqvist", timeout=60_000)
    finished(page)
    texts = page.locator(".search-result h2").all_inner_texts()
    assert sorted(texts) == ["Harbor day 1", "Harbor day 5", "Harbor day 7"]  # 3 now reads
    page.close()


DESKS = "taxonomies:\n  desk:\n    path: /desks/\n    singular: Desk\n    plural: Desks\n"


def desk_site(make_site: Callable[..., Path], filter_line: str = "    filter: true\n") -> Path:
    """Six stories on the Metro desk, the Night desk or both, and one on none; `desk` is a
    kind of the site's own, a search filter unless `filter_line` says otherwise."""
    files = {}
    for day in range(1, 7):
        desks = ("[Metro]", "[Night]", "[Metro, Night]")[day % 3]
        files[f"articles/d{day}.md"] = story(f"Harbor day {day}", day, "A story.", desk=desks)
    files["articles/d7.md"] = story("Harbor day 7", 7, "A story without a desk.")
    return make_site(files, config=CONFIG + DESKS + filter_line)


def test_a_kind_of_the_sites_own_filters_results_from_a_link_and_from_its_menu(
    browser: Browser,  # noqa: F811
    make_site: Callable[..., Path],
    served: Callable[[Path], str],
    small_tiers: None,
) -> None:
    root = desk_site(make_site)
    build(BuildOptions(root=root, now=NOW))
    (root / "articles/d3.md").write_text(story("Harbor day 3", 3, "An edited story.", desk="Metro"))
    build(BuildOptions(root=root, now=NOW))
    assert len(layout(root)) == 2  # the filter answers from every bundle
    base = served(root / "site")
    page = browser.new_page()
    metro = ["Harbor day 6", "Harbor day 5", "Harbor day 3", "Harbor day 2"]
    assert results(page, base, "desk=Metro") == metro  # no words: newest first
    assert results(page, base, "q=story&desk=Night&sort=date") == [
        "Harbor day 5", "Harbor day 4", "Harbor day 2", "Harbor day 1",
    ]  # fmt: skip
    assert page.locator("select[name=desk]").input_value() == "Night"
    assert results(page, base, "q=edited&desk=Night") == []
    # The menu lists the desks with their counts; choosing one searches again.
    page.goto(base + "/search/?q=story")
    finished(page)
    menu = page.locator("select[name=desk]")
    assert menu.locator("option").all_inner_texts() == ["All Desks", "Metro (4)", "Night (4)"]
    menu.select_option("Metro")
    page.wait_for_url("**/search/?q=story&desk=Metro", timeout=60_000)
    finished(page)
    assert sorted(page.locator(".search-result h2").all_inner_texts()) == sorted(metro)
    page.close()


def test_turning_a_kinds_filter_on_and_off_builds_what_a_clean_build_does(
    make_site: Callable[..., Path],
    small_tiers: None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """The filter's setting is not in the articles' digests: the search bundles must still be
    indexed again, and the search page and tiers.json rendered again, as a clean build does."""
    monkeypatch.setattr(cache, "RACY_NS", 0)  # the cached articles are used between builds
    root = desk_site(make_site, filter_line="")
    build(BuildOptions(root=root, now=NOW))
    (root / "articles/d3.md").write_text(story("Harbor day 3", 3, "An edited story.", desk="Metro"))
    build(BuildOptions(root=root, now=NOW))
    assert len(layout(root)) == 2
    settings = [
        (DESKS + "    filter: true\n", ["desk"]),
        # Renamed, on the same key and folder: the records' filter takes the new name.
        ("taxonomies:\n  beat:\n    key: desk\n    path: /desks/\n    filter: true\n", ["beat"]),
        (DESKS + "    filter: false\n", []),
    ]
    for step, (taxonomies, filters) in enumerate(settings):
        (root / "newsgen.yaml").write_text(CONFIG + taxonomies, encoding="utf-8")
        build(BuildOptions(root=root, now=NOW))
        clean = clean_copy(root, tmp_path / f"clean-{step}")
        assert everything(root / "site") == everything(clean / "site"), taxonomies
        facets = json.loads((root / "site/pagefind/tiers.json").read_bytes())["facets"]
        assert sorted(facets) == sorted(["author", "section", "year", *filters])


def test_the_input_has_focus_and_results_do_not_move_the_page(
    browser: Browser,  # noqa: F811
    make_site: Callable[..., Path],
    served: Callable[[Path], str],
) -> None:
    root = spread_site(make_site)
    build(BuildOptions(root=root, now=NOW))
    page = browser.new_page()
    page.add_init_script(
        "window.shifts = 0; new PerformanceObserver((list) => { for (const e of list.getEntries())"
        " if (!e.hadRecentInput) window.shifts += e.value; })"
        ".observe({type: 'layout-shift', buffered: true});"
    )
    page.goto(served(root / "site") + "/search/?q=harbor&sort=date")
    finished(page)
    assert page.evaluate("document.activeElement.id") == "search-input"
    page.keyboard.type(" day")
    page.wait_for_url("**/search/?q=harbor+day&sort=date", timeout=60_000)
    page.wait_for_timeout(500)
    assert page.evaluate("window.shifts") == 0
    assert page.locator("select[name=section] option").all_inner_texts() == [
        "All sections", "Local (4)", "Politics (4)",
    ]  # fmt: skip
    page.close()


def test_a_byline_finds_the_authors_articles_with_date_and_section(
    browser: Browser,  # noqa: F811
    make_site: Callable[..., Path],
    served: Callable[[Path], str],
) -> None:
    root = spread_site(make_site)
    build(BuildOptions(root=root, now=NOW))
    page = browser.new_page()
    found = found_by(page, served(root / "site"), "Okafor")
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
    page.locator(".search-result").first.wait_for(timeout=60_000)
    assert page.locator(".search-result h2").first.inner_text() == "Harbor day 2"
    box = page.get_by_label(LABEL)
    assert box.input_value() == "kittiwake pier"
    box.fill("season")
    page.wait_for_url("**/search/?q=season", timeout=60_000)
    page.locator(".search-result", has_text="Kittiwake season opens").wait_for(timeout=60_000)
    page.close()


def test_markup_in_a_story_stays_text_in_the_results(
    browser: Browser,  # noqa: F811
    golden_site: Path,
    served: Callable[[Path], str],
) -> None:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    found = found_by(page, served(golden_site), "guillemots")
    assert found == ["Lighthouse keepers log a rare winter visitor"]
    found = found_by(page, served(golden_site), "alert")
    assert 'Election night: "Smith & Sons" <lead> the count' in found
    assert page.locator(".search-result-excerpt script").count() == 0
    assert dialogs == []
    page.close()


def test_added_edited_and_deleted_articles_are_found_or_gone_after_incremental_builds(
    browser: Browser,  # noqa: F811
    make_site: Callable[..., Path],
    served: Callable[[Path], str],
    small_tiers: None,
    tmp_path: Path,
) -> None:
    root = spread_site(make_site)
    build(BuildOptions(root=root, now=NOW))
    base = served(root / "site")
    page = browser.new_page()
    # The page asks again after each build: with routing on, Chromium's HTTP cache is off, so
    # no file of an earlier build (kept with its old time, so cacheable) answers for the next.
    page.route("**/*", lambda route: route.continue_())
    sealed = {p.name for p in (root / ".newsgen/search").iterdir() if len(p.name) == 32}

    new = root / "articles/new.md"
    new.write_text(article(title="Puffins return", date="2026-11-20", body="Many puffins."))
    build(BuildOptions(root=root, now=NOW))
    assert results(page, base, "q=puffins") == ["Puffins return"]
    # Only a head of one article was indexed: the sealed bundle was kept.
    assert sealed < {p.name for p in (root / ".newsgen/search").iterdir()}

    old = root / "articles/d4.md"
    old.write_text(old.read_text().replace("Ordinary story", "Extraordinary cormorant story"))
    build(BuildOptions(root=root, now=NOW))
    assert results(page, base, "q=cormorant") == ["Harbor day 4"]
    assert "Harbor day 4" not in results(page, base, "q=ordinary")

    (root / "articles/d9.md").unlink()
    build(BuildOptions(root=root, now=NOW))
    assert sorted(results(page, base, "q=kittiwake")) == ["Harbor day 2", "Harbor day 8"]
    assert results(page, base, "q=season") == []
    assert layout(root) == [(2, 2), (0, 0)]

    clean = clean_copy(root, tmp_path / "clean")
    outside = {k: v for k, v in everything(root / "site").items() if "pagefind/" not in k}
    assert outside == {k: v for k, v in everything(clean / "site").items() if "pagefind/" not in k}
    clean_base = served(clean / "site")
    for query in ("q=harbor&sort=date", "q=story&section=Local&sort=date"):
        assert results(page, base, query) == results(page, clean_base, query)
    for query in ("q=kittiwake", "q=ordinary", "q=story&byline=Ada+Lindqvist"):
        assert sorted(results(page, base, query)) == sorted(results(page, clean_base, query))
    page.close()


def test_an_archive_without_articles_says_there_is_nothing_to_search(
    browser: Browser,  # noqa: F811
    make_site: Callable[..., Path],
    served: Callable[[Path], str],
) -> None:
    root = make_site({"articles/draft.md": article(draft="true")}, config=CONFIG)
    build(BuildOptions(root=root, now=NOW))
    assert sorted(p.name for p in (root / "site/pagefind").iterdir()) == ["tiers.json"]
    page = browser.new_page()
    page.goto(served(root / "site") + "/search/?q=anything")
    status = page.locator("#search-status", has_text="The archive has nothing to search yet.")
    status.wait_for(timeout=60_000)
    page.close()


def test_without_search_there_is_no_index_and_no_cache(make_site: Callable[..., Path]) -> None:
    root = spread_site(make_site)
    (root / "newsgen.yaml").write_text(CONFIG + "search: false\n", encoding="utf-8")
    build(BuildOptions(root=root, now=NOW))
    assert not (root / "site/pagefind").exists()
    assert not (root / ".newsgen/search").exists()


def test_the_same_history_gives_the_same_bytes(
    make_site: Callable[..., Path], small_tiers: None, tmp_path: Path
) -> None:
    first = spread_site(make_site)
    second = tmp_path / "again"
    shutil.copytree(first, second)
    for root in (first, second):
        for step in range(4):
            for path in sorted((root / "articles").iterdir())[step::3]:
                path.write_text(article(title=path.stem, body=f"Step {step} text."))
            (root / f"articles/new{step}.md").write_text(article(title=f"New {step}"))
            build(BuildOptions(root=root, now=NOW))
    assert len(layout(first)) > 1
    assert everything(first / "site") == everything(second / "site")


def everything(folder: Path) -> dict[str, bytes]:
    """The whole site, search bundles included."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != golden.MANIFEST
    }


def test_records_escape_their_text_and_carry_filters_and_a_sort() -> None:
    date = datetime(2026, 3, 14, 8, 30, tzinfo=UTC)
    entry = Article(
        "articles/a.md", 'Smith & "Sons" <lead>', date, date, "a", "/a/", "", 1,
        authors=("Ada Lindqvist", "Ben <Okafor>"), section="Local & World",
    )  # fmt: skip
    rendered = RenderedArticle(entry, Body("<p>Text.</p>"), "", "", 1)
    html = records.record(rendered, "en", (SECTION, AUTHOR))
    assert "<h1>Smith &amp; &quot;Sons&quot; &lt;lead&gt;</h1>" in html
    byline = "Ada Lindqvist, Ben &lt;Okafor&gt;"
    assert f'data-pagefind-meta="byline[content]" content="{byline}"' in html
    assert 'data-pagefind-meta="section[content]" content="Local &amp; World"' in html
    assert 'data-pagefind-meta="date[content]" content="2026-03-14"' in html
    assert 'data-pagefind-filter="author[content]" content="Ben &lt;Okafor&gt;"' in html
    assert 'data-pagefind-filter="author[content]" content="Ada Lindqvist"' in html
    assert 'data-pagefind-filter="year[content]" content="2026"' in html
    assert 'data-pagefind-filter="when[content]" content="2026-03-14T08:30:00Z"' in html
    assert 'data-pagefind-sort="date[content]" content="2026-03-14T08:30:00Z /a/"' in html
    assert "<p>Text.</p></main>" in html


def test_a_damaged_search_cache_means_indexing_again_not_a_failure(
    make_site: Callable[..., Path], small_tiers: None
) -> None:
    root = spread_site(make_site)
    build(BuildOptions(root=root, now=NOW))

    def edit(name: str) -> None:
        path = root / "articles" / name
        path.write_text(path.read_text().replace("Ordinary", "Extraordinary"))
        build(BuildOptions(root=root, now=NOW))

    edit("d3.md")
    assert layout(root) == [(2, 1), (0, 0)]
    cache = root / ".newsgen/search"
    (state,) = cache.glob("layout-*.json")
    state.write_text("[not what newsgen writes", encoding="utf-8")
    edit("d5.md")
    assert layout(root) == [(2, 0)]  # no history: one bundle, cold
    edit("d6.md")
    assert layout(root) == [(2, 1), (0, 0)]
    listing = json.loads((root / "site/pagefind/tiers.json").read_text(encoding="utf-8"))
    sealed = cache / listing["tiers"][0]["bundle"]
    (sealed / ".pages").write_text('[["articles/d5.md"]]', encoding="utf-8")
    edit("d7.md")
    # The sealed bundle holds an old copy, so it cannot be indexed again as it was: cold.
    assert layout(root) == [(2, 0)]
    assert json.loads((root / "site/pagefind/tiers.json").read_text())["pages"] == 9


def test_every_bundle_is_requested_at_once_and_the_webassembly_once(
    browser: Browser,  # noqa: F811
    make_site: Callable[..., Path],
    served: Callable[[Path], str],
    small_tiers: None,
) -> None:
    root = spread_site(make_site)
    build(BuildOptions(root=root, now=NOW))
    (root / "articles/d2.md").write_text(
        (root / "articles/d2.md").read_text().replace("Ordinary", "Extraordinary")
    )
    build(BuildOptions(root=root, now=NOW))
    assert len(layout(root)) == 2
    page = browser.new_page()
    # With routing on, Chromium's HTTP cache is off: every fetch the page makes is a request.
    page.route("**/*", lambda route: route.continue_())
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    assert sorted(results(page, served(root / "site"), "q=kittiwake")) == [
        "Harbor day 2", "Harbor day 8", "Kittiwake season opens",
    ]  # fmt: skip
    entries = [n for n, url in enumerate(requested) if "/pagefind-entry.json" in url]
    wasm = [n for n, url in enumerate(requested) if url.endswith(".pagefind")]
    # Each bundle's first request goes out before any answer came back: none waits for the
    # WebAssembly, which is fetched once for all of them.
    assert len(entries) == 2
    assert len(wasm) == 1
    assert max(entries) < wasm[0]
    page.close()
