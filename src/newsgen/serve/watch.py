"""Watch a site's sources (articles/, templates/, static/, newsgen.yaml,
authors.yaml) with watchfiles.

Only source changes count: the output folder, newsgen's own .newsgen/ and editors' swap and
backup files never trigger a rebuild.
"""

from __future__ import annotations

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
    """
    ready = False
    for changes in watchfiles.watch(
        root.resolve(),
        watch_filter=source_filter(root),
        debounce=DEBOUNCE_MS,
        step=50,
        stop_event=stop,
        # The first (empty) yield on timeout tells that the watches are registered.
        yield_on_timeout=True,
        rust_timeout=READY_POLL_MS,
    ):
        if not ready:
            ready = True
            on_ready()
        if changes:
            yield {path for _, path in changes}
