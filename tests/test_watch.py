"""serve's watcher: the sources in depth, never the output folder or .newsgen/ (whose folders,
at 100,000 articles, pass the system's limit of watches)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsgen.serve.watch import watch_sources


def _inotify_watches() -> int:
    """The inotify watches this process holds, as the kernel lists them."""
    count = 0
    for info in Path("/proc/self/fdinfo").iterdir():
        try:
            text = info.read_text(encoding="utf-8")
        except OSError:
            continue
        count += sum(line.startswith("inotify wd:") for line in text.splitlines())
    return count


@pytest.fixture
def watching(tmp_path: Path) -> Iterator[tuple[Path, list[set[str]], threading.Event]]:
    root = tmp_path / "site-src"
    (root / "articles/2026").mkdir(parents=True)
    (root / "newsgen.yaml").write_text("title: T\n", encoding="utf-8")
    for output in ("site", ".newsgen/preview"):
        for number in range(200):
            (root / output / f"{number}").mkdir(parents=True)
    seen: list[set[str]] = []
    stop, ready = threading.Event(), threading.Event()

    def run() -> None:
        for changed in watch_sources(root, stop, on_ready=ready.set):
            seen.append(changed)

    thread = threading.Thread(target=run, daemon=True)
    before = _inotify_watches()
    thread.start()
    assert ready.wait(10), "the watcher never said it was ready"
    yield root, seen, stop
    assert _inotify_watches() - before < 20
    stop.set()
    thread.join(10)
    assert not thread.is_alive()


def _wait_for(seen: list[set[str]], path: Path) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if any(str(path) in changed for changed in seen):
            return True
        time.sleep(0.05)
    return False


def test_the_watches_cover_the_sources_not_the_output_folders(
    watching: tuple[Path, list[set[str]], threading.Event],
) -> None:
    root, seen, _ = watching
    story = root.resolve() / "articles/2026/story.md"
    story.write_text("---\ntitle: A\n---\n", encoding="utf-8")
    assert _wait_for(seen, story)
    config = root.resolve() / "newsgen.yaml"
    replacement = root / "newsgen.yaml.new"
    replacement.write_text("title: U\n", encoding="utf-8")
    replacement.replace(config)  # as editors save: a new file renamed over the old
    assert _wait_for(seen, config)
    (root / "site/0/index.html").write_text("output", encoding="utf-8")
    time.sleep(0.5)
    assert not any("site/0" in path for changed in seen for path in changed)


def test_a_source_folder_made_while_serving_is_watched_in_depth(
    watching: tuple[Path, list[set[str]], threading.Event],
) -> None:
    root, seen, _ = watching
    (root / "static").mkdir()
    time.sleep(1)  # the watches are made again
    image = root.resolve() / "static/photos/lead.png"
    image.parent.mkdir()
    time.sleep(0.5)
    image.write_bytes(b"png")
    assert _wait_for(seen, image)
