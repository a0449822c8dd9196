"""Watch a site's sources (articles/, templates/, static/, newsgen.yaml,
authors.yaml) with watchfiles.

Only source changes count: the output folder, newsgen's own .newsgen/ and editors' swap and
backup files never trigger a rebuild.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import watchfiles

from newsgen.content.authors import AUTHORS_FILE
from newsgen.content.config import CONFIG_FILE, SOURCE_DIRS

# Short enough that a saved article shows in the browser within about a second.
DEBOUNCE_MS = 150
READY_POLL_MS = 200
_EDITOR_LEFTOVERS = (".swp", ".swx", ".tmp", "~")


def _root_filter(root: Path) -> Callable[[watchfiles.Change, str], bool]:
    """In the site's folder itself: its settings files, and source folders made or removed."""
    is_source = source_filter(root)
    names = {CONFIG_FILE, AUTHORS_FILE, *SOURCE_DIRS}

    def wanted(change: watchfiles.Change, raw_path: str) -> bool:
        path = Path(raw_path)
        return path.parent == root and path.name in names and is_source(change, raw_path)

    return wanted


def source_filter(root: Path) -> Callable[[watchfiles.Change, str], bool]:
    """True for a change to a file that the build reads."""
    root = root.resolve()
    sources = tuple(root / name for name in SOURCE_DIRS)
    config = root / CONFIG_FILE
    profiles = root / AUTHORS_FILE

    def is_source(_change: watchfiles.Change, raw_path: str) -> bool:
        path = Path(raw_path)
        if path.name.startswith((".#", ".")) or path.name.endswith(_EDITOR_LEFTOVERS):
            return False
        return path in (config, profiles) or any(path.is_relative_to(folder) for folder in sources)

    return is_source


def watch_sources(
    root: Path, stop: threading.Event, on_ready: Callable[[], None]
) -> Iterator[set[str]]:
    """Yield the set of changed source paths after each burst of changes, until `stop`.

    `on_ready` is called once the watches are in place: a change saved before then is missed.

    Only the source folders are watched in depth; the site's own folder is watched alone (for
    newsgen.yaml, authors.yaml and a source folder made or removed). Watching it in depth
    would also watch the output folder and .newsgen/preview/: at 100,000 articles, 200,000
    folders, past the system's limit of watches. When a source folder appears or goes, the
    watches are made again."""
    root = root.resolve()
    announced = False
    while not stop.is_set():
        folders = [root / name for name in SOURCE_DIRS if (root / name).is_dir()]
        rounds = _Round(stop)
        watches = [([root], False, _root_filter(root))]
        if folders:
            watches.append((folders, True, source_filter(root)))
        watchers = [threading.Thread(target=rounds.run, args=w, daemon=True) for w in watches]
        for watcher in watchers:
            watcher.start()
        try:
            while not rounds.over.is_set() or not rounds.changes.empty():
                try:
                    item = rounds.changes.get(timeout=0.05)
                except queue.Empty:
                    if not announced and rounds.ready == len(watchers):
                        announced = True
                        on_ready()
                    continue
                if isinstance(item, BaseException):
                    raise item
                changed = {path for path in item if Path(path) != root}
                if any(
                    Path(path).parent == root and Path(path).name in SOURCE_DIRS for path in changed
                ):
                    rounds.over.set()  # a source folder came or went: watch again
                if changed:
                    yield changed
        finally:
            rounds.over.set()
            for watcher in watchers:
                watcher.join()


class _Round:
    """The watches of one set of source folders, run on threads into one queue."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self.over = threading.Event()  # set by the caller, or when `stop` is
        self.changes: queue.Queue[set[str] | BaseException] = queue.Queue()
        self.ready = 0
        self._lock = threading.Lock()

    def run(
        self,
        paths: list[Path],
        recursive: bool,
        wanted: Callable[[watchfiles.Change, str], bool],
    ) -> None:
        first = True
        try:
            for changes in watchfiles.watch(
                *paths,
                watch_filter=wanted,
                debounce=DEBOUNCE_MS,
                step=50,
                stop_event=_Either(self.stop, self.over),
                recursive=recursive,
                # The first (empty) yield on timeout tells that the watches are registered.
                yield_on_timeout=True,
                rust_timeout=READY_POLL_MS,
            ):
                if first:
                    first = False
                    with self._lock:
                        self.ready += 1
                if changes:
                    self.changes.put({path for _, path in changes})
        except BaseException as exc:  # handed to the generator, which raises it
            self.changes.put(exc)
        finally:
            if self.stop.is_set():
                self.over.set()


class _Either:
    """An event that is set when either of two is: what watchfiles polls to stop."""

    def __init__(self, one: threading.Event, other: threading.Event) -> None:
        self.one, self.other = one, other

    def is_set(self) -> bool:
        return self.one.is_set() or self.other.is_set()
