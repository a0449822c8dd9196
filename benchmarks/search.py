"""The reader's side of search, in Chromium: newsgen's tiers against one Pagefind index.

    PYTHONPATH=src python benchmarks/search.py 10000 /tmp/search-bench [--rounds 5]

Builds the benchmark corpus (corpus.py) with a dozen planted rare tokens twice: once with a
history (a cold build of all but 250 articles, then 101, 101 and 48 added and 20 old ones
edited, each a build: a sealed top tier with 20 superseded copies, a level-one tier of 202 and
a head of 68), once as a copy of that site built in another folder, where its search has no
history (one bundle: one Pagefind index over the same articles, searched by the same page;
the copy brings the build cache along, so only the index is built again). Each query is
opened as /search/?q=… in a fresh browser context (cold cache) on 127.0.0.1, without network
throttling: rare words, common words (best match first), and newest first (a common word
with sort=date, and a section listed without words).
Reported, median of the rounds: time from navigation to the first result on screen, requests
and bytes (transfer sizes from Resource Timing, the page itself included) that finished
before it, false hits (results that one index does not return) and, for common words, the
top ten shared with one index (and, newest first, whether they come in the same order).
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import os
import shutil
import statistics
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import corpus
from playwright.sync_api import Browser, sync_playwright

from newsgen.build.run import BuildOptions, build

NOW = datetime(2026, 12, 1, tzinfo=UTC)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
# Planted tokens: numbers and names in one article each, and words that begin them in others,
# so that a bundle without the token would answer with a prefix (the false hits).
PLANTED = {
    "Case number 763184 was closed.": 1,
    "The fine was 7631 crowns.": 3,
    "Inspector Wojciechowska testified.": 5,
    "Wojciech, her brother, did not.": 7,
    "Docket 55120 remains open.": 11,
    "Ferry 3306 ran late.": 13,
}
LISTED = 200  # results read back: all of a rare word's, the first of a common word's
RARE = ["763184", "7631", "wojciechowska", "55120", "3306", "5512"]
COMMON = ["harbor", "budget", "election climate", "railway", "volunteers"]
NEWEST = ["harbor&sort=date", "&section=Politics"]  # after q=; the second has no words
FIRST_RESULT = """
window.__first = null;
new MutationObserver((_, observer) => {
  if (document.querySelector(".search-result")) {
    window.__first = performance.now(); observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""
BEFORE_FIRST = """() => {
  const first = window.__first;
  const entries = [...performance.getEntriesByType("navigation"),
                   ...performance.getEntriesByType("resource")]
    .filter((e) => e.responseEnd <= first);
  return {ms: first, requests: entries.length,
          bytes: entries.reduce((sum, e) => sum + e.transferSize, 0)};
}"""


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def prepare(size: int, workdir: Path) -> tuple[Path, Path]:
    stories = corpus.stories(size)
    planted = {}
    for text, step in PLANTED.items():
        index = (step * 7919) % size
        story = stories[index]
        planted[index] = dataclasses.replace(story, body=f"{story.body}\n{text}\n")
    stories = [planted.get(n, s) for n, s in enumerate(stories)]
    tiered, single = workdir / "tiered", workdir / "single"
    shutil.rmtree(workdir, ignore_errors=True)
    corpus.write_newsgen(tiered, stories[: size - 250])
    build(BuildOptions(root=tiered, now=NOW))
    for start, end in ((size - 250, size - 149), (size - 149, size - 48), (size - 48, size)):
        corpus.write_newsgen(tiered, stories[start:end])
        build(BuildOptions(root=tiered, now=NOW))
    edited = [stories[(n * 104729) % (size - 250)] for n in range(20)]
    for story in edited:
        fixed = dataclasses.replace(story, body=story.body + "\nCorrection appended.\n")
        corpus.write_newsgen(tiered, [fixed])
    build(BuildOptions(root=tiered, now=NOW))
    one_index(tiered, single)
    return tiered, single


def one_index(tiered: Path, single: Path) -> None:
    """`tiered` copied to `single` and built there: the search layout is remembered per output
    folder, so this build starts it cold, one bundle, as --full would (without rendering every
    page again)."""
    shutil.copytree(tiered, single, symlinks=True)
    build(BuildOptions(root=single, now=NOW))
    listing = json.loads((single / "site/pagefind/tiers.json").read_text(encoding="utf-8"))
    if len(listing["tiers"]) != 1:
        raise SystemExit(f"{single}: {len(listing['tiers'])} bundles, not one index")


def address(query: str) -> str:
    """The search page's query string: "harbor&sort=date" is q=harbor&sort=date."""
    words, _, rest = query.partition("&")
    return "&".join(([f"q={quote(words)}"] if words else []) + ([rest] if rest else []))


def open_search(browser: Browser, base: str, query: str, *, every: bool) -> dict[str, object]:
    """One cold load; with `every`, all results of a rare query are read back too."""
    context = browser.new_context()  # a cold cache for every load
    page = context.new_page()
    page.add_init_script(FIRST_RESULT)
    page.goto(f"{base}/search/?{address(query)}")
    page.locator("#search-status").filter(has_text="found").wait_for(timeout=120_000)
    measured: dict[str, object] = {"ms": None, "requests": None, "bytes": None}
    if not page.locator("#search-status").inner_text().startswith("Nothing"):
        page.wait_for_function("window.__first !== null", timeout=120_000)
        measured = page.evaluate(BEFORE_FIRST)
    status = page.locator("#search-status").inner_text()
    measured["count"] = 0 if status.startswith("Nothing") else int(status.split()[0])
    links = page.locator(".search-result h2 a")
    while every and measured["count"] <= LISTED and page.locator("#search-more").is_visible():
        shown = links.count()
        page.locator("#search-more").click()
        page.wait_for_function(f"document.querySelectorAll('.search-result').length > {shown}")
    measured["urls"] = links.evaluate_all("links => links.map((a) => a.getAttribute('href'))")
    context.close()
    return measured


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int)
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="sites already built in workdir")
    parser.add_argument(
        "--queries", type=lambda text: text.split(","), default=RARE + COMMON + NEWEST,
        help="some of the queries, comma-separated (default: all)",
    )  # fmt: skip
    options = parser.parse_args(argv[1:])
    if options.reuse:
        tiered, single = options.workdir / "tiered", options.workdir / "single"
    else:
        tiered, single = prepare(options.size, options.workdir)
    listing = json.loads((tiered / "site/pagefind/tiers.json").read_text(encoding="utf-8"))
    shape = [(t["level"], t["size"], len(t["masked"])) for t in listing["tiers"]]
    print(f"{options.size} articles; tiers (level, articles, masked): {shape}")
    print(f"start {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {_load()}")
    rows = []
    with (
        sync_playwright() as playwright,
        serving(tiered / "site") as a,
        serving(single / "site") as b,
    ):
        chromium = shutil.which("chromium")
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for query in options.queries:
            runs = {"tiers": [], "one": []}
            for round_ in range(options.rounds):
                for name, base in (("tiers", a), ("one", b)):
                    runs[name].append(open_search(browser, base, query, every=round_ == 0))
            rows.append((query, runs))
        browser.close()
    print(f"end {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {_load()}")
    print(
        "| query | newsgen tiers: first result, requests / KiB, results "
        "| one index: first result, requests / KiB, results | false hits | top 10 shared |"
    )
    print("|---|---|---|---|---|")
    for query, runs in rows:
        cells = []
        for name in ("tiers", "one"):
            done = [r for r in runs[name] if r["ms"] is not None]
            if done:
                ms = statistics.median(r["ms"] for r in done)
                req = statistics.median(r["requests"] for r in done)
                kib = statistics.median(r["bytes"] for r in done) / 1024
                cells.append(f"{ms:.0f} ms, {req:.0f} / {kib:.0f}, {runs[name][0]['count']}")
            else:
                cells.append(f"no result, {runs[name][0]['count']}")
        mine, theirs = runs["tiers"][0], runs["one"][0]
        complete = theirs["count"] <= LISTED
        false = len(set(mine["urls"]) - set(theirs["urls"])) if complete else "n/a"
        shared = len(set(mine["urls"][:10]) & set(theirs["urls"][:10]))
        top = min(10, len(theirs["urls"]))
        order = ""
        if query in NEWEST:
            same = mine["urls"][:10] == theirs["urls"][:10]
            order = ", same order" if same else ", another order"
        print(
            f"| {address(query)} | {cells[0]} | {cells[1]} | {false} | {shared} of {top}{order} |"
        )
    return 0


def _load() -> str:
    return " ".join(f"{n:.1f}" for n in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main(sys.argv))
