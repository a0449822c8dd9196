"""After any sequence of edits, additions, deletions, renames and template or config changes,
an incremental build is byte-identical to a clean build of the same sources."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsgen.build import BuildOptions, build

import golden
from conftest import article

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
CONFIG = ("title: Test Gazette\nbase_url: https://gazette.example.org\ntimezone: Europe/Berlin\n"
          "search: false\nper_page: {per_page}\n")  # fmt: skip
TITLES = ["Harbor reopens", "Council vote", "Storm warning", "Ferry news", "Market day",
          "School roof", "Bridge closed", "Festival opens"]  # fmt: skip
TAGS = ["Harbor", "harbor", "Council", "Weather", "Roads"]

operation = st.one_of(
    st.tuples(
        st.just("edit"), st.integers(0, 20), st.sampled_from(["body", "title", "tags", "date"])
    ),
    st.tuples(st.just("add"), st.integers(0, 7), st.integers(1, 28)),
    st.tuples(st.just("delete"), st.integers(0, 20)),
    st.tuples(st.just("rename"), st.integers(0, 20)),
    st.tuples(st.just("touch"), st.integers(0, 20)),
    st.tuples(st.just("template"), st.integers(0, 2)),
    st.tuples(st.just("config"), st.integers(2, 3)),
    st.tuples(st.just("nothing")),
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


def apply(step: tuple[Any, ...], root: Path, clock: Clock, counter: list[int]) -> None:
    files = sorted((root / "articles").glob("*.md"))
    kind = step[0]
    if kind in ("edit", "delete", "rename", "touch") and not files:
        return
    if kind == "edit":
        path = files[int(step[1]) % len(files)]
        text = path.read_text(encoding="utf-8")
        field = step[2]
        if field == "body":
            text += f"\nMore words {counter[0]}.\n"
        elif field == "title":
            text = text.replace("title: ", f"title: Updated {counter[0]} ", 1)
        elif field == "tags":
            lines = [line for line in text.split("\n") if not line.startswith("tags:")]
            lines.insert(1, f"tags: [{TAGS[counter[0] % len(TAGS)]}]")
            text = "\n".join(lines)
        else:
            text = text.replace("date: 2026-", "date: 2025-", 1)
        counter[0] += 1
        write(path, text, clock)
    elif kind == "add":
        number = counter[0]
        counter[0] += 1
        title = f"{TITLES[int(step[1])]} {number}"
        body = f"Story {number}. See [the other](/2026/11/0{number % 9 + 1}/x/)."
        write(
            root / "articles" / f"a{number}.md",
            article(
                title=title,
                date=f"2026-11-{int(step[2]):02d}",
                body=body,
                tags=f"[{TAGS[number % len(TAGS)]}, {TAGS[(number + 2) % 5]}]",
                section=["Local", "Politics"][number % 2],
            ),
            clock,
        )
    elif kind == "delete":
        files[int(step[1]) % len(files)].unlink()
    elif kind == "rename":
        path = files[int(step[1]) % len(files)]
        path.rename(path.with_name(f"renamed-{counter[0]}.md"))
        counter[0] += 1
    elif kind == "touch":
        clock.stamp(files[int(step[1]) % len(files)])
    elif kind == "template":
        footers = [
            '<footer class="site-footer"><p>One</p></footer>\n',
            '<footer class="site-footer"><p>Two</p></footer>\n',
        ]
        footer = root / "templates/footer.html"
        if int(step[1]) == 2:
            footer.unlink(missing_ok=True)
        else:
            write(footer, footers[int(step[1])], clock)
    elif kind == "config":
        write(root / "newsgen.yaml", CONFIG.format(per_page=step[1]), clock)


def clean_build(root: Path, workdir: Path) -> Path:
    copy = workdir / "clean"
    shutil.rmtree(copy, ignore_errors=True)
    copy.mkdir()
    shutil.copy(root / "newsgen.yaml", copy)
    for folder in ("articles", "templates"):
        if (root / folder).is_dir():
            shutil.copytree(root / folder, copy / folder)
    build(BuildOptions(root=copy, now=NOW, full=True, jobs=1))
    return copy / "site"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation, min_size=1, max_size=6))
def test_incremental_builds_equal_clean_builds(steps: list[tuple[Any, ...]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        root = workdir / "site-src"
        clock = Clock()
        write(root / "newsgen.yaml", CONFIG.format(per_page=2), clock)
        for number, title in enumerate(TITLES[:4]):
            write(
                root / "articles" / f"s{number}.md",
                article(
                    title=title,
                    date=f"2026-11-0{number + 1}",
                    tags=f"[{TAGS[number]}]",
                    body=f"Body {number}.",
                ),
                clock,
            )
        build(BuildOptions(root=root, now=NOW, jobs=1))
        counter = [100]
        for step in steps:
            apply(step, root, clock, counter)
            try:
                build(BuildOptions(root=root, now=NOW, jobs=1))
            except Exception as incremental_error:
                try:
                    clean_build(root, workdir)
                except Exception as clean_error:
                    assert str(clean_error) == str(incremental_error)
                    continue
                raise
            assert golden.tree(root / "site") == golden.tree(clean_build(root, workdir)), step


def test_a_change_within_one_time_stamp_tick_is_not_missed(tmp_path: Path) -> None:
    """Two saves of the same size in the same modification time: the stat cannot tell."""
    root = tmp_path / "site-src"
    root.mkdir()
    (root / "newsgen.yaml").write_text(CONFIG.format(per_page=2), encoding="utf-8")
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
