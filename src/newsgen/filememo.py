"""Values read from files, kept in memory for as long as the file's stat says it is unchanged.

A build reads some of its own records twice (the manifest, the stamps), and a serving process
reads again every build what the last one wrote (and search's state and page tables, of which
a sealed tier's stay the same for months). Parsing them is a large part of a small build at
10,000 articles. A value is kept with the stat (modification and change times, inode, size)
the file had before it was read, or just after this process wrote it: any later change to the
file, even one that restores its modification time, changes its change time, and the file is
read again. Callers never change the values they get.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")
FileStat = tuple[int, int, int, int]  # st_mtime_ns, st_ctime_ns, st_ino, st_size


def file_stat(path: Path) -> FileStat | None:
    """The stat of `path` itself (a link is not followed); None if there is nothing there."""
    try:
        status = os.lstat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_size


class FileMemo(Generic[T]):
    """The last value read from or written to each of a few files, by the file's stat."""

    def __init__(self, limit: int = 64) -> None:
        self.limit = limit  # names change (a search bundle's is its digest): stay small
        self.values: dict[Path, tuple[FileStat, T]] = {}

    def get(self, path: Path, stat: FileStat | None) -> T | None:
        """The value kept for `path` if `stat` (taken before reading) is the one it had."""
        kept = self.values.get(path)
        return kept[1] if kept is not None and stat is not None and kept[0] == stat else None

    def put(self, path: Path, stat: FileStat | None, value: T) -> None:
        """Keep `value`, read from `path` when it had `stat` (or written by this process)."""
        if stat is None:
            return
        if len(self.values) >= self.limit:
            self.values.clear()
        self.values[path] = (stat, value)

    def wrote(self, path: Path, value: T) -> None:
        """Keep `value`, just written to `path` by this process."""
        self.put(path, file_stat(path), value)
