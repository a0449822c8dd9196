"""What newsgen keeps for itself about the files of an output folder: each file's stat once in
place (modification and change times, inode), as git's index keeps it, so that a later build
trusts a file whose stat still matches after one lstat, and notices one edited by hand.

Stamps are of this machine and this folder, not of the sources, so they live in the store under
.newsgen/ (the `stamps` table, one row per file, by the output folder's resolved path), never
in the output folder a deploy uploads. A build writes only the rows that changed: after one
edit, a few rows, not the whole site's. Each stamp names the content digest it vouches for: it
is trusted only for a manifest entry of that same digest. Without stamps (.newsgen/ deleted,
the site moved) every file is checked by its content.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path

from newsgen.build.manifest import NO_STAMP, Written, safe_relative
from newsgen.store import db

Stamp = tuple[int, int, int]  # st_mtime_ns, st_ctime_ns, st_ino
# An output path and the content digest its stamp vouches for, with the stamp.
Stamps = Mapping[str, tuple[str, Stamp]]


class Kept:
    """The stamps of one output folder in `store` (None: none are kept), read once."""

    def __init__(self, store: sqlite3.Connection | None, output_dir: Path) -> None:
        self.store = store
        self.output = str(output_dir.resolve())  # a moved site has none
        self._known: dict[str, tuple[str, Stamp]] | None = None
        self._damaged = False  # rows that do not read as stamps: all are written again
        self._entries: Mapping[str, Written] = {}  # the entries the rows were seeded from

    def read(self) -> Stamps:
        """The stamps kept; none if there are none or they do not read as stamps (damaged
        rows only cost a content check of each file)."""
        if self._known is None:
            self._known = self._read()
        return self._known

    def seed(self, entries: Mapping[str, Written]) -> None:
        """Take the stamps of `entries` as the rows kept, unread: what this process wrote
        last. An entry saved again as the same object is then known unchanged at once."""
        self._known = {relative: (w.sha256, w.stamp) for relative, w in entries.items()}
        self._damaged, self._entries = False, entries

    def _read(self) -> dict[str, tuple[str, Stamp]]:
        if self.store is None:
            return {}
        kept: dict[str, tuple[str, Stamp]] = {}
        try:
            rows = self.store.execute(
                "SELECT path, digest, mtime, ctime, inode FROM stamps WHERE output = ?",
                (self.output,),
            )
            # Only the paths are checked: a digest or number of another type never equals a
            # file's, so such a stamp vouches for nothing.
            for path, digest, mtime, ctime, inode in rows:
                if safe_relative(path) is None:
                    self._damaged = True
                    return {}
                kept[path] = (digest, (mtime, ctime, inode))
        except sqlite3.Error:
            self._damaged = True
            return {}
        return kept

    def save(self, files: Mapping[str, Written]) -> None:
        """Keep the stamps of `files`, writing only the rows that differ from those read. Rows
        that cannot be written are skipped: the next build checks each file's content."""
        if self.store is None:
            return
        known, seeded = self.read(), self._entries
        changed = [
            (self.output, relative, w.sha256, *w.stamp)
            for relative, w in files.items()
            if seeded.get(relative) is not w and known.get(relative) != (w.sha256, w.stamp)
        ]
        gone = [(self.output, relative) for relative in known.keys() - files.keys()]
        if changed or gone or self._damaged:
            try:
                with db.transaction(self.store):
                    if self._damaged:
                        self.store.execute("DELETE FROM stamps WHERE output = ?", (self.output,))
                    self.store.executemany(
                        "INSERT OR REPLACE INTO stamps VALUES (?, ?, ?, ?, ?, ?)", changed
                    )
                    self.store.executemany("DELETE FROM stamps WHERE output = ? AND path = ?", gone)
            except sqlite3.Error:
                self._known = None  # read again: the rows are as they were
                return
        # Read again if asked: the rows are now those of `files`.
        self._known, self._damaged, self._entries = None, False, {}


def apply(files: Mapping[str, Written], known: Stamps) -> dict[str, Written]:
    """`files` (a manifest's entries) with the stamps that vouch for their digest."""
    stamped: dict[str, Written] = {}
    for relative, w in files.items():
        found = known.get(relative)
        stamp = found[1] if found is not None and found[0] == w.sha256 else NO_STAMP
        stamped[relative] = Written(w.sha256, w.size, w.key, stamp)
    return stamped


def in_place(output_dir: Path, kept: Kept) -> int | None:
    """How many files `kept` names, if every one of them is in `output_dir` with the stat it
    was left with (one lstat each); None as soon as one is missing or was touched. The rows
    are read as they are checked, without their digests: the check of a build that has
    nothing to do."""
    if kept.store is None:
        return None
    base = str(output_dir)
    count = 0
    try:
        rows = kept.store.execute(
            # A path that could leave the folder is no file of it: the count then falls short.
            "SELECT path, mtime, ctime, inode FROM stamps WHERE output = ? "
            "AND path NOT LIKE '%..%' AND path NOT LIKE '/%'",
            (kept.output,),
        )
        for relative, mtime, ctime, inode in rows:
            try:
                status = os.lstat(f"{base}/{relative}")  # not Path: 30,000 a build
            except (OSError, ValueError, TypeError):
                return None
            if (status.st_mtime_ns, status.st_ctime_ns, status.st_ino) != (mtime, ctime, inode):
                return None
            count += 1
    except sqlite3.Error:
        return None
    return count or None
