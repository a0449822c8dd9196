"""The one store of what builds remember: .newsgen/store.sqlite (SQLite, from the standard
library), holding data only.

Why SQLite: one file, transactions that survive a kill, rows read and written one at a time (a
build after one new article touches a few rows, not the whole archive), and nothing in it can
run code when read: unlike pickle, a forged file can at worst make a build read every article
again. A store that is damaged, foreign or of another format is set aside and made anew from the
sources, with a warning.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

STORE_FILE = "store.sqlite"
# Bumped whenever a table changes shape: a store of another format is made anew.
# 2: the output files' stamps, which format 1 kept as JSON files in .newsgen/stamps/;
# 3: each output folder's memo says which plan and which cached articles it was made from.
FORMAT = 3
LEFTOVERS = ("stamps",)  # what older formats kept beside the store, removed with them

SCHEMA = {
    # Each article as last read: its file's stat, its parsed and rendered record (JSON).
    "articles": "CREATE TABLE articles (source TEXT PRIMARY KEY, stat TEXT NOT NULL, "
    "read_at INTEGER NOT NULL, digest TEXT NOT NULL, record TEXT NOT NULL)",
    # Per output folder: the context its outputs were made in, the manifest written with them,
    # and the plan and the article cache's generation they were made from.
    "outputs": "CREATE TABLE outputs (output TEXT PRIMARY KEY, context TEXT NOT NULL, "
    "manifest TEXT NOT NULL, related TEXT NOT NULL, plan TEXT NOT NULL, "
    "articles TEXT NOT NULL)",
    # Per output folder: every declared output's signature digest and the files it wrote.
    "units": "CREATE TABLE units (output TEXT NOT NULL, name TEXT NOT NULL, "
    "signature TEXT NOT NULL, paths TEXT NOT NULL, PRIMARY KEY (output, name))",
    # Rendered pieces reused by many pages (teasers), by a key of everything they show.
    "fragments": "CREATE TABLE fragments (key TEXT PRIMARY KEY, html TEXT NOT NULL)",
    # Per output folder: each file's stat once in place, and the digest it vouches for.
    "stamps": "CREATE TABLE stamps (output TEXT NOT NULL, path TEXT NOT NULL, "
    "digest TEXT NOT NULL, mtime INTEGER NOT NULL, ctime INTEGER NOT NULL, "
    "inode INTEGER NOT NULL, PRIMARY KEY (output, path)) WITHOUT ROWID",
    # Settings every row depends on (the article settings' fingerprint).
    "meta": "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
}


class StoreDamaged(Exception):
    """The store file is not a newsgen store of this format."""


def connect(state_dir: Path) -> tuple[sqlite3.Connection, str | None]:
    """The store of `state_dir`, and a warning when an unusable one was made anew. A store
    that cannot be opened at all (a full disk, a read-only folder) is replaced by one in
    memory for this build: the store only ever saves work."""
    path = state_dir / STORE_FILE
    try:
        try:
            return _open(path), None
        except sqlite3.OperationalError:
            raise  # not damage: the file may be fine, so it is kept
        except (sqlite3.DatabaseError, StoreDamaged) as exc:
            reason = str(exc) if isinstance(exc, StoreDamaged) else "it is damaged"
            _remove(path)
            for leftover in LEFTOVERS:
                shutil.rmtree(state_dir / leftover, ignore_errors=True)
            return _open(
                path
            ), f"made the build store anew ({reason}); this build reads every article"
    except (sqlite3.Error, StoreDamaged, OSError) as exc:
        memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        _check_schema(memory)
        return memory, f"cannot use the build store ({exc}); this build keeps nothing for the next"


def _files(path: Path) -> tuple[Path, ...]:
    """The store's file and the ones SQLite keeps beside it."""
    return (path, *(path.with_name(path.name + end) for end in ("-wal", "-shm", "-journal")))


def _unlink_planted(path: Path) -> None:
    """SQLite opens its files by name and would write through a link planted at any of them:
    a link or anything but a regular file there is removed (the link, never its target)."""
    for file in _files(path):
        try:
            mode = file.lstat().st_mode
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(mode):
            file.unlink()


def _remove(path: Path) -> None:
    for file in _files(path):
        with contextlib.suppress(OSError):
            file.unlink()


def _open(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    _unlink_planted(path)
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        # Nothing stored may run code: no functions or views from the file's own schema.
        connection.execute("PRAGMA trusted_schema = OFF")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        _check_schema(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def _check_schema(connection: sqlite3.Connection) -> None:
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    found = {
        name: sql
        for kind, name, sql in connection.execute("SELECT type, name, sql FROM sqlite_master")
        if kind in ("table", "view", "trigger") and not name.startswith("sqlite_")
    }
    if not found and version == 0:
        with transaction(connection):
            for sql in SCHEMA.values():
                connection.execute(sql)
            connection.execute(f"PRAGMA user_version = {FORMAT}")
        return
    if version != FORMAT:
        raise StoreDamaged(f"it is of another newsgen version (format {version})")
    if found != SCHEMA:
        raise StoreDamaged("its tables are not newsgen's")


@contextlib.contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[None]:
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def meta(connection: sqlite3.Connection, key: str) -> str | None:
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_meta(connection: sqlite3.Connection, key: str, value: str) -> None:
    connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
