"""Teasers rendered once per article and reused by every listing that shows it.

A listing page joins fragments: `teaser(entry, **options)` in a template returns the article's
teaser.html, rendered once per (article digest, options) and kept in the store's `fragments`
table under the templates' and settings' key, so a later build renders only the teasers of new
and edited articles. A teaser shows its article and the options alone (teaser.html sees
`entry`, its options and the environment's globals, not the page around it), which is what
makes it reusable.

A build reads only the keys of the stored teasers, and the HTML of those that a page it renders
shows: an edit re-renders few listings, and reading every teaser would cost more than them.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from newsgen.model import PlannedFile, RenderedArticle
from newsgen.store import db

TEMPLATE = "teaser.html"

Key = tuple[str, str]  # article digest, options as JSON


class Fragments:
    """The teasers of one build: those read from the store, and those rendered since."""

    def __init__(self, env: jinja2.Environment, context: str) -> None:
        self.env = env
        self.context = context  # settings and templates: fragments made under others are stale
        self.known: dict[Key, Markup] = {}
        self.fresh: dict[Key, Markup] = {}
        self.stored: set[Key] = set()  # in the store, their HTML not read yet
        self.reader = _Reader("")

    def teaser(self, entry: RenderedArticle, **options: Any) -> Markup:
        key = (entry.digest, _options_key(options))
        html = self.known.get(key)
        if html is None and key in self.stored:
            html = self.reader.read(f"{self.context} {key[0]} {key[1]}")
            if html is not None:
                self.known[key] = html
        if html is None:
            html = Markup(self.env.get_template(TEMPLATE).render(entry=entry, **options))
            self.known[key] = self.fresh[key] = html
        return html

    def load(self, store: sqlite3.Connection) -> None:
        """The keys of every fragment the store keeps for this context."""
        self.known.clear()
        self.stored.clear()
        try:
            rows = store.execute(
                "SELECT key FROM fragments WHERE key >= ? AND key < ?",
                (self.context + " ", self.context + "!"),
            )
            for (key,) in rows:
                digest, _, options = str(key)[len(self.context) + 1 :].partition(" ")
                self.stored.add((digest, options))
        except sqlite3.Error:
            self.stored.clear()  # only ever an optimisation

    def attach(self, store: sqlite3.Connection) -> None:
        """Read stored teasers from `store` (a serving process opens it anew for each build)."""
        try:
            self.reader = _Reader(_file_of(store), store)
        except sqlite3.Error:
            self.reader = _Reader("")

    def clear(self) -> None:
        """Forget every teaser: --full renders them all again."""
        self.known.clear()
        self.stored.clear()

    def has(self, key: Key) -> bool:
        return key in self.known or key in self.stored

    def missing(self, entries: Iterable[RenderedArticle]) -> list[PlannedFile]:
        """The teasers of `entries` that listings will ask for and that are not known yet
        (each article's plain teaser, and those of its section's and its authors' pages), as
        renderings that the writer's renderer can share out to all cores (see `add`)."""
        wanted = []
        for entry in entries:
            for options in variants(entry):
                key = (entry.digest, _options_key(options))
                if not self.has(key):
                    wanted.append(PlannedFile(" ".join(key), "", _Render(self.env, entry, options)))
        return wanted

    def add(self, rendered: Sequence[PlannedFile], contents: Sequence[bytes]) -> None:
        for planned, content in zip(rendered, contents, strict=True):
            digest, _, options = planned.path.partition(" ")
            key = (digest, options)
            self.known[key] = self.fresh[key] = Markup(content.decode("utf-8"))

    def save(
        self,
        store: sqlite3.Connection,
        published: Iterable[RenderedArticle],
        dropped: Iterable[str],
        *,
        sweep: bool = False,
    ) -> None:
        """Keep the fragments rendered in this build, and drop those of `dropped` digests (the
        articles' versions this build replaced or removed). Under new settings or templates,
        or with `sweep`, every fragment of another context or of an article no longer
        published goes: a look at every row, which a build of one edit need not pay."""
        live = {entry.digest for entry in published}
        prefix = self.context + " "
        try:
            with db.transaction(store):
                if sweep or db.meta(store, "fragments") != self.context:
                    stale = [
                        key
                        for (key,) in store.execute("SELECT key FROM fragments")
                        if not str(key).startswith(prefix)
                        or str(key)[len(prefix) :].partition(" ")[0] not in live
                    ]
                    store.executemany("DELETE FROM fragments WHERE key = ?", ((k,) for k in stale))
                    db.set_meta(store, "fragments", self.context)
                else:
                    # Keys are "context digest options": a digest's rows are one range.
                    store.executemany(
                        "DELETE FROM fragments WHERE key >= ? AND key < ?",
                        ((f"{prefix}{d} ", f"{prefix}{d}!") for d in set(dropped) - live),
                    )
                store.executemany(
                    "INSERT OR REPLACE INTO fragments VALUES (?, ?)",
                    (
                        (f"{prefix}{digest} {options}", str(html))
                        for (digest, options), html in self.fresh.items()
                        if digest in live
                    ),
                )
            self.fresh.clear()
        except sqlite3.Error:
            return
        self.fresh.clear()


class _Reader:
    """Stored teasers read one by one, by key. A forked worker opens the store anew: a SQLite
    connection must not be used across fork."""

    def __init__(self, file: str, store: sqlite3.Connection | None = None) -> None:
        self.file = file  # "" for a store in memory: nothing to read from another process
        self.store = store
        self.pid = os.getpid()

    def read(self, key: str) -> Markup | None:
        try:
            if self.pid != os.getpid():
                self.store = _open_read_only(self.file) if self.file else None
                self.pid = os.getpid()
            if self.store is None:
                return None
            row = self.store.execute("SELECT html FROM fragments WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None  # rendered instead
        return Markup(str(row[0])) if row is not None else None


def _file_of(store: sqlite3.Connection) -> str:
    for _, name, file in store.execute("PRAGMA database_list"):
        if name == "main":
            return str(file or "")
    return ""


def _open_read_only(file: str) -> sqlite3.Connection:
    uri = Path(file).as_uri() + "?mode=ro"  # as a URI, its characters escaped
    connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
    connection.execute("PRAGMA trusted_schema = OFF")
    return connection


def _options_key(options: dict[str, Any]) -> str:
    # A build asks for tens of thousands of keys, nearly all of a few kinds of options.
    if not options:
        return "{}"
    try:
        return _options_json(tuple(sorted(options.items())))
    except TypeError:  # an option a template gave as a list or a mapping
        return json.dumps(options, sort_keys=True)


@functools.lru_cache(maxsize=4096)
def _options_json(items: tuple[tuple[str, Any], ...]) -> str:
    return json.dumps(dict(items), sort_keys=True)


def variants(entry: RenderedArticle) -> list[dict[str, Any]]:
    """The options list.html gives an article's teaser outside the front page: none; on its
    section's page, no section; on an author's page, not that author in the byline."""
    article = entry.article
    found: list[dict[str, Any]] = [{}]
    if article.section:
        found.append({"teaser_omit_section": True})
    found.extend({"teaser_omit_author": name} for name in article.authors)
    return found


class _Render:
    """A teaser as bytes: work for the renderer's workers."""

    def __init__(self, env: jinja2.Environment, entry: RenderedArticle, options: Any) -> None:
        self.env = env
        self.entry = entry
        self.options = options

    def __call__(self) -> bytes:
        template = self.env.get_template(TEMPLATE)
        return template.render(entry=self.entry, **self.options).encode("utf-8")
