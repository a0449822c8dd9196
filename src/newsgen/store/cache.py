"""The persistent build cache in .newsgen/cache/: parsed and rendered articles, so that an
unchanged article is never read, parsed or rendered twice.

An entry is found by its file's stat (modification and change times, size, inode), as git's
index does; any change to those means the file is read again. The change time (ctime) cannot be
set back by a program, so an edit that keeps the size and restores the modification time is
still seen. Rendered bodies are kept one file each and
read only when a page needs them. A cache from another newsgen version, for other settings,
or one that cannot be read is discarded with a warning, never trusted.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from newsgen import __version__
from newsgen.content.config import Config
from newsgen.model import Body, RenderedArticle, pickle_by_fields

# 3: articles carry image caption, credit and size;
# 4: sharded, with the cache's folder, and ctime in stats
CACHE_FORMAT = 5  # 5: articles carry corrections and updates
# The cache is split into shards by source path, so that a build after one new article
# writes one shard again, not the whole cache.
SHARDS = 32
_MAGIC = b"newsgen-cache\n"
# File systems stamp modification times in coarse ticks (up to seconds on some): a file saved
# twice within one tick keeps its stat. As git does, a stat is trusted only for a file that
# was this much older than the moment it was read.
RACY_NS = 2_000_000_000

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

    __reduce__ = pickle_by_fields


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
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def article_digest(fingerprint: str, data: bytes) -> str:
    return hashlib.sha256(fingerprint.encode() + b"\0" + data).hexdigest()


def shard_of(source: str) -> int:
    return zlib.crc32(source.encode()) % SHARDS


def stat_key(path: Path) -> StatKey:
    status = path.stat()
    return status.st_mtime_ns, status.st_ctime_ns, status.st_size, status.st_ino


class ArticleCache:
    def __init__(self, folder: Path, fingerprint: str) -> None:
        # Absolute, since bodies are found by path: a build run from another folder must
        # find them; a cache moved with its site is made again (see load).
        folder = folder.resolve()
        self.folder = folder
        self.fingerprint = fingerprint
        self.bodies = folder / "bodies"

    def _shard(self, number: int) -> Path:
        return self.folder / f"articles-{number:02}.pickle"

    def load(self) -> tuple[dict[str, CachedArticle], str | None]:
        """The cached articles by source path, and a warning if a damaged cache was dropped."""
        entries: dict[str, CachedArticle] = {}
        for number in range(SHARDS):
            try:
                data = self._shard(number).read_bytes()
            except FileNotFoundError:
                continue
            except OSError as exc:
                return {}, f"ignored the build cache: {exc.strerror}"
            try:
                if not data.startswith(_MAGIC):
                    raise ValueError("not a newsgen cache")
                fingerprint, where, shard = pickle.loads(data[len(_MAGIC) :])
                if not isinstance(shard, dict):
                    raise ValueError("not a newsgen cache")
                if where != str(self.folder):
                    fingerprint = None  # moved with its site: its bodies' paths are stale
            except Exception:  # any damage at all: the cache is only ever an optimisation
                return {}, "ignored a damaged build cache; this build reads every article again"
            if fingerprint != self.fingerprint:
                return {}, (
                    "ignored a build cache made by another newsgen version, for other "
                    "settings or in another folder; this build reads every article again"
                )
            entries.update(shard)
        return entries, None

    def save(
        self,
        entries: dict[str, CachedArticle],
        changed: Iterable[str] | None = None,
        dropped_bodies: Iterable[str] = (),
    ) -> None:
        """Keep `entries` for the next build: only the shards holding a `changed` source (all
        when None) are written again. A cache that cannot be written is skipped."""
        if any(entry.rendered.body.path is None for entry in entries.values()):
            return  # some bodies could not be stored: a partial cache is not worth keeping
        shards: list[dict[str, CachedArticle]] = [{} for _ in range(SHARDS)]
        for source, entry in entries.items():
            shards[shard_of(source)][source] = entry
        dirty = range(SHARDS) if changed is None else sorted({shard_of(s) for s in changed})
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for number in dirty:
                path = self._shard(number)
                temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
                shard = (self.fingerprint, str(self.folder), shards[number])
                content = pickle.dumps(shard, protocol=5)
                temporary.write_bytes(_MAGIC + content)
                temporary.replace(path)
            keep = {entry.rendered.digest for entry in entries.values()}
            for digest in set(dropped_bodies) - keep:
                self._body_path(digest).unlink(missing_ok=True)
        except OSError:
            return

    def store_body(self, digest: str, html: str) -> Body:
        """Keep a rendered body on disk and return a Body that reads it back when needed."""
        path = self._body_path(digest)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            temporary.write_text(html, encoding="utf-8")
            temporary.replace(path)
        return Body(path=str(path))

    def _body_path(self, digest: str) -> Path:
        return self.bodies / digest[:2] / f"{digest}.html"
