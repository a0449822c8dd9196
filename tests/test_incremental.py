"""After any sequence of edits, additions, deletions, renames and template or config changes,
an incremental build is byte-identical to a clean build of the same sources."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
import time
import unittest.mock
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from newsgen.build.resident import Resident
from newsgen.build.run import BuildOptions, build
from newsgen.errors import BuildFailed
from newsgen.store import cache

import golden
from conftest import article

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
CONFIG = ("title: Test Gazette\nbase_url: https://gazette.example.org\ntimezone: Europe/Berlin\n"
          "search: false\nper_page: {per_page}\npagination: {pagination}\n")  # fmt: skip
TITLES = ["Harbor reopens", "Council vote", "Storm warning", "Ferry news", "Market day",
          "School roof", "Bridge closed", "Festival opens"]  # fmt: skip
TAGS = ["Harbor", "harbor", "Council", "Weather", "Roads"]
# A second language: articles move into and out of it, get translations, and the site gains
# and loses its `languages:` (an article in fr-CA is then an error, in both builds alike).
LANGUAGES = (
    "",
    "languages:\n  - code: en\n  - code: fr-CA\n    title: La Gazette\n",
    # French becomes the default: articles without 'language' move, English goes under /en/.
    "languages:\n  - code: fr-CA\n    title: La Gazette\n  - code: en\n",
)

# A kind of term of the site's own: added, changed (folder, feeds), renamed on the same key,
# removed (an article that still has `series:` is then an error, in both builds alike).
TAXONOMIES = (
    "",
    "taxonomies:\n  series:\n    singular: Series\n",
    "taxonomies:\n  series:\n    path: /serials/\n    feeds: false\n",
    "taxonomies:\n  run:\n    key: series\n",
)

operation = st.one_of(
    st.tuples(
        st.just("edit"), st.integers(0, 20), st.sampled_from(["body", "title", "tags", "date"])
    ),
    st.tuples(st.just("add"), st.integers(0, 7), st.integers(1, 28)),
    st.tuples(st.just("delete"), st.integers(0, 20)),
    st.tuples(st.just("rename"), st.integers(0, 20)),
    st.tuples(st.just("touch"), st.integers(0, 20)),
    st.tuples(st.just("correct"), st.integers(0, 20)),
    st.tuples(st.just("picture"), st.integers(0, 3)),
    st.tuples(st.just("template"), st.integers(0, 2)),
    st.tuples(st.just("config"), st.integers(2, 3), st.sampled_from(["newest", "stable"])),
    st.tuples(st.just("nothing")),
    st.tuples(st.just("store"), st.sampled_from(["delete", "older", "damaged"])),
    st.tuples(st.just("preview")),
    st.tuples(st.just("language"), st.integers(0, 20)),
    st.tuples(st.just("translate"), st.integers(0, 20)),
    st.tuples(st.just("languages"), st.integers(0, 2)),
    st.tuples(st.just("catalogue"), st.integers(0, 2)),
    st.tuples(st.just("taxonomy"), st.integers(0, 3)),
    st.tuples(st.just("series"), st.integers(0, 20)),
)


class Clock:
    """Distinct, past modification times, as a real editing session has them."""

    def __init__(self) -> None:
        self.next = time.time_ns() - 3600 * 10**9

    def stamp(self, path: Path) -> None:
        self.next += 10 * 10**9
        os.utime(path, ns=(self.next, self.next))


def write(path: Path, text: str, clock: Clock) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    clock.stamp(path)


class Session:
    """A site being edited: each operation changes its sources as an editor would."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.clock = Clock()
        self.counter = 100
        self.bilingual = 1  # which of LANGUAGES
        self.kinds = 0  # which of TAXONOMIES
        self.settings = CONFIG.format(per_page=2, pagination="newest")

    def apply(self, step: tuple[Any, ...]) -> None:
        getattr(self, step[0])(*step[1:])

    def _pick(self, number: int) -> Path | None:
        files = sorted((self.root / "articles").glob("*.md"))
        return files[number % len(files)] if files else None

    def _fresh(self) -> int:
        self.counter += 1
        return self.counter

    def edit(self, number: int, field: str) -> None:
        path = self._pick(number)
        if path is None:
            return
        text, fresh = path.read_text(encoding="utf-8"), self._fresh()
        if field == "body":
            text += f"\nMore words {fresh}.\n"
        elif field == "title":
            text = text.replace("title: ", f"title: Updated {fresh} ", 1)
        elif field == "tags":
            lines = [line for line in text.split("\n") if not line.startswith("tags:")]
            lines.insert(1, f"tags: [{TAGS[fresh % len(TAGS)]}]")
            text = "\n".join(lines)
        else:
            text = text.replace("date: 2026-", "date: 2025-", 1)
        write(path, text, self.clock)

    def add(self, title: int, day: int) -> None:
        fresh = self._fresh()
        text = article(
            title=f"{TITLES[title]} {fresh}",
            date=f"2026-11-{day:02d}",
            body=f"Story {fresh}. See [the other](/2026/11/0{fresh % 9 + 1}/x/).",
            tags=f"[{TAGS[fresh % len(TAGS)]}, {TAGS[(fresh + 2) % 5]}]",
            section=["Local", "Politics"][fresh % 2],
        )
        write(self.root / "articles" / f"a{fresh}.md", text, self.clock)

    def correct(self, number: int) -> None:
        """A correction (or one more) dated as its article: never before it, nor in the future
        of a published article. /corrections/, its feeds and the dates of the article move."""
        path = self._pick(number)
        if path is None:
            return
        text, fresh = path.read_text(encoding="utf-8"), self._fresh()
        day = text.split("date: ", 1)[1].split("\n", 1)[0]
        entry = f"  - date: {day}\n    text: Correction {fresh}.\n"
        if "corrections:\n" in text:
            text = text.replace("corrections:\n", "corrections:\n" + entry, 1)
        else:
            text = text.replace("\n---\n", "\ncorrections:\n" + entry + "---\n", 1)
        write(path, text, self.clock)

    def picture(self, choice: int) -> None:
        """Replace the lead image of s0 (and the body image of s1) with one of other
        dimensions, or remove it: widths, heights and variants follow, as in a clean build."""
        path = self.root / "static/lead.png"
        if choice == 3:
            path.unlink(missing_ok=True)
            return
        width, height = ((300, 200), (1000, 700), (1500, 600))[choice]
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (width, height), (20 * choice, 90, 120)).save(path, "PNG")
        self.clock.stamp(path)

    def delete(self, number: int) -> None:
        path = self._pick(number)
        if path is not None:
            path.unlink()

    def rename(self, number: int) -> None:
        path = self._pick(number)
        if path is not None:
            path.rename(path.with_name(f"renamed-{self._fresh()}.md"))

    def touch(self, number: int) -> None:
        path = self._pick(number)
        if path is not None:
            self.clock.stamp(path)

    def template(self, choice: int) -> None:
        footer = self.root / "templates/footer.html"
        if choice == 2:
            footer.unlink(missing_ok=True)
        else:
            write(footer, f'<footer class="site-footer"><p>{choice}</p></footer>\n', self.clock)

    def config(self, per_page: int, pagination: str) -> None:
        self.settings = CONFIG.format(per_page=per_page, pagination=pagination)
        self.write_config()

    def write_config(self) -> None:
        text = self.settings + LANGUAGES[self.bilingual] + TAXONOMIES[self.kinds]
        write(self.root / "newsgen.yaml", text, self.clock)

    def languages(self, choice: int) -> None:
        """The site gains or loses its second language, or changes its default."""
        self.bilingual = choice
        self.write_config()

    def taxonomy(self, choice: int) -> None:
        """The site's own kind of term comes, changes or goes."""
        self.kinds = choice
        self.write_config()

    def series(self, number: int) -> None:
        """An article joins a series, or leaves it."""
        path = self._pick(number)
        if path is None:
            return
        text = path.read_text(encoding="utf-8")
        if "series: " in text:
            text = "\n".join(line for line in text.split("\n") if not line.startswith("series: "))
        else:
            text = text.replace(
                "title: ", f"series: [Harbor Watch, Run {self._fresh() % 2}]\ntitle: ", 1
            )
        write(path, text, self.clock)

    def catalogue(self, choice: int) -> None:
        """The site's own French words: added, changed, or removed (the theme's come back)."""
        path = self.root / "templates/locales/fr-CA.po"
        if choice == 2:
            path.unlink(missing_ok=True)
        else:
            write(path, f'msgid "Archive"\nmsgstr "Archives {choice}"\n', self.clock)

    def language(self, number: int) -> None:
        """An article moves to the other language (its URL, listings and feeds move)."""
        path = self._pick(number)
        if path is None:
            return
        text = path.read_text(encoding="utf-8")
        if "language: fr-CA\n" in text:
            text = text.replace("language: fr-CA\n", "", 1)
        else:
            text = text.replace("title: ", "language: fr-CA\ntitle: ", 1)
        write(path, text, self.clock)

    def translate(self, number: int) -> None:
        """A French translation of an article, sharing its translation_key (given to the
        original if it had none): both pages gain hreflang links, the sitemap alternates."""
        path = self._pick(number)
        if path is None:
            return
        text, fresh = path.read_text(encoding="utf-8"), self._fresh()
        if "translation_key:" not in text:
            text = text.replace("title: ", f"translation_key: k{fresh}\ntitle: ", 1)
            write(path, text, self.clock)
        key = text.split("translation_key: ", 1)[1].split("\n", 1)[0]
        date = text.split("date: ", 1)[1].split("\n", 1)[0]
        translation = article(
            title=f"Traduction {fresh}",
            date=date,
            body=f"Texte {fresh}.",
            language="fr-CA",
            translation_key=key,
            section="Politique",
        )
        write(self.root / "articles" / f"t{fresh}.md", translation, self.clock)

    def nothing(self) -> None:
        pass

    def store(self, how: str) -> None:
        """The build store deleted, left by an older newsgen, or damaged."""
        path = self.root / ".newsgen/store.sqlite"
        if how == "delete":
            for name in ("store.sqlite", "store.sqlite-wal", "store.sqlite-shm"):
                (self.root / ".newsgen" / name).unlink(missing_ok=True)
        elif how == "older" and path.exists():
            with contextlib.closing(sqlite3.connect(path)) as store:
                store.execute("PRAGMA user_version = 0")
        elif path.exists():
            with path.open("r+b") as file:
                file.seek(100)
                file.write(b"\xff" * 4000)

    def preview(self) -> None:
        """A build into a second output folder, as serve makes, sharing the store. Sources
        that a build refuses (two translations of one language with one key) fail it as they
        fail the build after this step, which is compared with a clean build's failure."""
        with contextlib.suppress(BuildFailed):
            build(BuildOptions(root=self.root, now=NOW, jobs=1, output=self.root / "preview"))


def clean_build(root: Path, workdir: Path) -> Path:
    copy = workdir / "clean"
    shutil.rmtree(copy, ignore_errors=True)
    copy.mkdir()
    shutil.copy(root / "newsgen.yaml", copy)
    for folder in ("articles", "templates", "static"):
        if (root / folder).is_dir():
            shutil.copytree(root / folder, copy / folder)
    build(BuildOptions(root=copy, now=NOW, full=True, jobs=1))
    return copy / "site"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation, min_size=1, max_size=6), st.booleans())
# Images replaced by others of other sizes, removed and put back; corrections added.
@example([("picture", 1), ("picture", 2), ("correct", 0), ("picture", 3), ("picture", 0)], False)
# A translation, its original moved into its language (a clash), and back; then one language.
@example([("translate", 0), ("language", 0), ("language", 0), ("languages", 0)], False)
# The default language changes: cached articles must not keep their old language or URL.
@example([("translate", 1), ("languages", 2), ("languages", 1)], False)
@example([("translate", 1), ("edit", 1, "title"), ("delete", 1), ("language", 2)], True)
@example([("language", 0), ("catalogue", 0), ("catalogue", 1), ("catalogue", 2)], True)
@example([("translate", 0), ("delete", 16), ("translate", 0), ("preview",)], False)
# A kind of term added, an article filed under it, the kind's folder and feeds changed, the kind
# renamed on the same key (cached articles must not keep the old name's terms), then removed.
@example(
    [
        ("taxonomy", 1),
        ("series", 0),
        ("taxonomy", 2),
        ("taxonomy", 3),
        ("series", 0),
        ("taxonomy", 0),
    ],
    True,
)
def test_incremental_builds_equal_clean_builds(
    steps: list[tuple[Any, ...]], resident_builds: bool
) -> None:
    """Cold builds as the command line runs them, or resident ones as serve runs them.

    Every write gets a time stamp of its own (Clock), so the cache may trust a file's stat at
    once: without that, a file saved in the last two seconds is read again (cache.RACY_NS),
    here every file, and the cache's and a serving process's kept articles, and the outputs
    they let a build skip, would go untested."""
    with tempfile.TemporaryDirectory() as folder, unittest.mock.patch.object(cache, "RACY_NS", 0):
        workdir = Path(folder)
        root = workdir / "site-src"
        session = Session(root)
        clock = session.clock
        session.write_config()
        for number, title in enumerate(TITLES[:4]):
            write(
                root / "articles" / f"s{number}.md",
                article(
                    title=title,
                    date=f"2026-11-0{number + 1}",
                    tags=f"[{TAGS[number]}]",
                    body=f"Body {number}."
                    + ("\n\n![Lead](/static/lead.png)" if number == 1 else ""),
                    **({"image": "/static/lead.png"} if number == 0 else {}),
                ),
                clock,
            )
        resident = Resident() if resident_builds else None
        build(BuildOptions(root=root, now=NOW, jobs=1, resident=resident))
        for step in steps:
            session.apply(step)
            try:
                build(BuildOptions(root=root, now=NOW, jobs=1, resident=resident))
            except Exception as incremental_error:
                try:
                    clean_build(root, workdir)
                except Exception as clean_error:
                    assert str(clean_error) == str(incremental_error)
                    continue
                raise
            clean = golden.tree(clean_build(root, workdir))
            assert golden.tree(root / "site") == clean, step
            if step[0] == "preview":
                assert golden.tree(root / "preview") == clean, step
        if resident is not None:
            resident.close()


def test_a_change_within_one_time_stamp_tick_is_not_missed(tmp_path: Path) -> None:
    """Two saves of the same size in the same modification time: the stat cannot tell."""
    root = tmp_path / "site-src"
    root.mkdir()
    (root / "newsgen.yaml").write_text(
        CONFIG.format(per_page=2, pagination="newest"), encoding="utf-8"
    )
    source = root / "articles/a.md"
    source.parent.mkdir()
    source.write_text(article(title="Harbor", body="Version A."), encoding="utf-8")
    stamp = source.stat().st_mtime_ns
    build(BuildOptions(root=root, now=NOW, jobs=1))
    source.write_text(article(title="Harbor", body="Version B."), encoding="utf-8")
    os.utime(source, ns=(stamp, stamp))  # same size, same stat: only the content differs
    build(BuildOptions(root=root, now=NOW, jobs=1))
    page = (root / "site/2026/11/20/harbor/index.html").read_text(encoding="utf-8")
    assert "Version B." in page
