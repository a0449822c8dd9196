"""The article cache, in the store's `articles` table: parsed and rendered articles, so that an
unchanged article is never read, parsed or rendered twice.

An entry is found by its file's stat (modification and change times, size, inode), as git's
index does; any change to those means the file is read again. The change time (ctime) cannot be
set back by a program, so an edit that keeps the size and restores the modification time is
still seen. Rendered bodies are kept one HTML file each under .newsgen/cache/bodies/ and read
only when a page needs them. Every entry stands alone: one that cannot be decoded, or whose body
file is gone, is a miss for that article alone. Entries made for other settings are dropped.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from newsgen import __version__
from newsgen.content.config import Config
from newsgen.model import Body, RenderedArticle
from newsgen.safefile import write_file
from newsgen.store import db, records

# 3: articles carry image caption, credit and size;
# 4: sharded, with the cache's folder, and ctime in stats; 5: rows of the store;
# 6: with the listing view's digest; 7: corrections, updates and body images;
# 8: each article's language and translation key;
# 9: the terms of the site's own kinds (config `taxonomies:`)
CACHE_FORMAT = 9
# File systems stamp modification times in coarse ticks (up to seconds on some): a file saved
# twice within one tick keeps its stat. As git does, a stat is trusted only for a file that
# was this much older than the moment it was read.
RACY_NS = 2_000_000_000
_DIGEST = re.compile(r"[0-9a-f]{64}")
# The meta row naming the rows' generation: a plan memo made from these very records says so
# (memo.PlanMemo.articles), so that a build knows what it read again since that plan.
GENERATION = "articles-generation"

# st_mtime_ns, st_ctime_ns, st_size, st_ino of a source file.
StatKey = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class CachedArticle:
    stat: StatKey  # of the source when it was read
    rendered: RenderedArticle  # its body lives in the cache's bodies/ folder
    read_at_ns: int  # wall clock when the source was read

    def still_fresh(self, stat: StatKey) -> bool:
        # Trusted only if the last change was well before the read (see RACY_NS).
        return stat == self.stat and max(stat[0], stat[1]) < self.read_at_ns - RACY_NS


def settings_fingerprint(config: Config) -> str:
    """What shapes a parsed and rendered article besides its own text."""
    # base_url: under a sub-path, bodies' links to site paths carry its path.
    parts = (
        __version__,
        CACHE_FORMAT,
        config.timezone.key,
        config.permalink,
        config.allow_html,
        config.base_url,
        # An article's language and its URL's prefix: the codes, the default first.
        tuple(language.code for language in config.editions),
        # The site's own kinds of term: the front-matter key each is read from, by name.
        tuple((kind.name, kind.keys) for kind in config.taxonomies),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def article_digest(fingerprint: str, data: bytes) -> str:
    return hashlib.sha256(fingerprint.encode() + b"\0" + data).hexdigest()


def stat_key(path: Path) -> StatKey:
    status = path.stat()
    return status.st_mtime_ns, status.st_ctime_ns, status.st_size, status.st_ino


class ArticleCache:
    def __init__(self, store: sqlite3.Connection, folder: Path, fingerprint: str) -> None:
        # Absolute, since bodies are found by path: a build run from another folder must
        # find them.
        self.store = store
        self.fingerprint = fingerprint
        self.bodies = Bodies(str(folder.resolve() / "bodies"))

    def load(self) -> tuple[dict[str, CachedArticle], str | None, str]:
        """The cached articles by source path, a warning if entries were dropped, and the
        cache's generation ("" if unknown): it changes whenever `save` writes a row."""
        if db.meta(self.store, "articles") != self.fingerprint:
            return {}, None, ""  # another version or other settings: every entry is stale
        generation = db.meta(self.store, GENERATION) or ""
        entries: dict[str, CachedArticle] = {}
        damaged = 0
        # One listing of the bodies' folders, not a stat per article: a third of a second
        # at 10,000 articles.
        kept = self.bodies.kept()
        rows = self.store.execute("SELECT source, stat, read_at, digest, record FROM articles")
        for source, stat, read_at, digest, record in rows:
            try:
                body = self.bodies.path(digest)
                if digest not in kept:
                    continue  # a body deleted by hand: read this article again
                rendered = records.decode(record, Body(path=body))
                entries[source] = CachedArticle(_stat(stat), rendered, int(read_at))
            except (records.RecordDamaged, ValueError, TypeError):
                damaged += 1
        if damaged:
            warning = f"ignored {damaged} damaged build cache entries; read them again"
            return entries, warning, generation
        return entries, None, generation

    def save(
        self,
        entries: dict[str, CachedArticle],
        changed: Iterable[str] | None = None,
        dropped_bodies: Iterable[str] = (),
    ) -> str:
        """Keep `entries` for the next build: only the rows of `changed` sources (all when None)
        are written again. Return the cache's new generation, "" when it could not be written
        (it is then skipped)."""
        if any(entry.rendered.body.path is None for entry in entries.values()):
            return ""  # some bodies could not be stored: a partial cache is not worth keeping
        everything = changed is None or db.meta(self.store, "articles") != self.fingerprint
        sources = sorted(entries) if everything or changed is None else sorted(changed)
        generation = os.urandom(8).hex()
        try:
            with db.transaction(self.store):
                db.set_meta(self.store, GENERATION, generation)
                if everything:
                    self.store.execute("DELETE FROM articles")
                    db.set_meta(self.store, "articles", self.fingerprint)
                for source in sources:
                    entry = entries.get(source)
                    if entry is None:
                        self.store.execute("DELETE FROM articles WHERE source = ?", (source,))
                        continue
                    self.store.execute(
                        "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?)",
                        (
                            source,
                            json.dumps(entry.stat),
                            entry.read_at_ns,
                            entry.rendered.digest,
                            records.encode(entry.rendered),
                        ),
                    )
            keep = {entry.rendered.digest for entry in entries.values()}
            # When every row was written again (other settings, another version, --full),
            # the bodies of the old rows are known to no row: without a sweep they would stay
            # on disk for good, and every later build would list them.
            orphans = self.bodies.kept() - keep if everything else set(dropped_bodies) - keep
            for digest in orphans:
                Path(self.bodies.path(digest)).unlink(missing_ok=True)
        except (OSError, sqlite3.Error):
            return ""
        return generation


@dataclass(frozen=True, slots=True)
class Bodies:
    """Rendered bodies, one HTML file each by digest: data only, read when a page needs one.
    Picklable, so that worker processes store the bodies they render."""

    folder: str  # absolute

    def store(self, digest: str, html: str) -> Body:
        """Keep a rendered body on disk and return a Body that reads it back when needed."""
        path = Path(self.path(digest))
        if not path.exists():
            # Created exclusively and renamed into place, never through a planted link.
            write_file(path, html.encode("utf-8"), root=Path(self.folder).parent)
        return Body(path=str(path))

    def kept(self) -> frozenset[str]:
        """The digests of the bodies on disk, as regular files."""
        digests: set[str] = set()
        try:
            shards = list(os.scandir(self.folder))
        except OSError:
            return frozenset()
        for shard in shards:
            if not shard.is_dir(follow_symlinks=False):
                continue
            try:
                with os.scandir(shard.path) as entries:
                    digests.update(
                        entry.name.removesuffix(".html")
                        for entry in entries
                        if entry.name.endswith(".html") and entry.is_file(follow_symlinks=False)
                    )
            except OSError:
                continue
        return frozenset(digests)

    def path(self, digest: str) -> str:
        # A str, not a Path: a cache of 100,000 is made faster. The digest is checked to be
        # hexadecimal, so that a forged row cannot point outside the bodies folder.
        if not _DIGEST.fullmatch(digest):
            raise ValueError("not a digest")
        return f"{self.folder}/{digest[:2]}/{digest}.html"


def _stat(text: str) -> StatKey:
    # json.dumps wrote "[m, c, s, i]": split, not parsed as JSON, at a fifth of the cost.
    if not (text.startswith("[") and text.endswith("]")):
        raise ValueError("not a stat")
    values = text[1:-1].split(",")
    if len(values) != 4:
        raise ValueError("not a stat")
    mtime, ctime, size, inode = (int(value) for value in values)
    return mtime, ctime, size, inode
