"""What the last build planned, in the store's `outputs` and `units` tables, so that a build after
a small change plans and renders only the units (model.Unit) whose signatures changed, and keeps
every other unit's files as they are.

The memo is saved after a build has written the site, stamped with the output manifest it
belongs to, one per output folder (a preview and the published site do not evict each other).
It is used only for the same settings, templates and options, and only while the manifest is the
one it was saved with; otherwise, or when it cannot be read, every unit is planned, as in a clean
build. Only the units that changed are written again.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from newsgen import __version__
from newsgen.model import PlannedFile, Unit, input_digest
from newsgen.plan.related import RelatedMemo, Traits
from newsgen.store import db


@dataclass(frozen=True, slots=True)
class Remembered:
    signature: str  # a digest of the unit's signature: the memo stays small to read
    paths: tuple[str, ...]  # the files the unit wrote


@dataclass(frozen=True, slots=True)
class PlanMemo:
    context: str  # digest of what every unit depends on: see `context`
    manifest: tuple[int, int, int]  # stat of the output manifest written with this plan
    units: dict[str, Remembered]
    related: RelatedMemo = field(default_factory=RelatedMemo)
    plan: str = ""  # the key of the plan the units were made from (archive.plan_key)
    # The article cache's generation holding the records they were made from; "" if unknown.
    articles: str = ""


@dataclass(slots=True)
class Sorted:
    """The outcome of comparing this build's units with the memo."""

    kept: list[str]  # files of unchanged units: neither planned nor rendered
    remembered: dict[str, Remembered]  # the next memo's units
    explain: str | None = None  # an output path whose decision is recorded in `explained`
    explained: list[str] = field(default_factory=list)


def context(*parts: object) -> str:
    """A digest of what every unit depends on besides its signature (settings, templates,
    the navigation and options; the memo is already one per output folder)."""
    return hashlib.blake2b(repr((__version__, parts)).encode(), digest_size=16).hexdigest()


def output_key(output_dir: Path) -> str:
    """The name of an output folder's memo."""
    return str(output_dir.resolve())


def manifest_stamp(manifest: Path) -> tuple[int, int, int]:
    try:
        status = manifest.stat()
    except OSError:
        return (0, 0, 0)
    return status.st_mtime_ns, status.st_size, status.st_ino


def load(store: sqlite3.Connection, output: str) -> PlanMemo | None:
    """The memo of `output`, whatever it belongs to (see `belongs`); None if there is none or
    it does not read as one."""
    try:
        row = store.execute(
            "SELECT context, manifest, related, plan, articles FROM outputs WHERE output = ?",
            (output,),
        ).fetchone()
        if row is None:
            return None
        units = {
            str(name): Remembered(str(signature), _paths(paths))
            for name, signature, paths in store.execute(
                "SELECT name, signature, paths FROM units WHERE output = ?", (output,)
            )
        }
        mtime, size, inode = (int(value) for value in json.loads(row[1]))
        return PlanMemo(
            str(row[0]), (mtime, size, inode), units, _related(row[2]), str(row[3]), str(row[4])
        )
    except (sqlite3.Error, ValueError, TypeError, KeyError, AttributeError):
        return None  # the memo is only ever an optimisation


def belongs(memo: PlanMemo, expected_context: str, manifest: Path) -> bool:
    """Whether `memo` was made in this context for the manifest now on disk. (Its related
    articles are valid in any context: they depend on the articles alone.)"""
    stamp = manifest_stamp(manifest)
    return memo.context == expected_context and memo.manifest == stamp != (0, 0, 0)


def save(store: sqlite3.Connection, output: str, memo: PlanMemo, previous: PlanMemo | None) -> None:
    """Keep `memo` for the next build, writing only the units that differ from `previous` (the
    memo this build started from, if any). A memo that cannot be written is skipped."""
    known = previous.units if previous is not None else None
    try:
        with db.transaction(store):
            if previous is not None and previous.related == memo.related:
                # About 1.5 MB of JSON at 10,000 articles: written again only when it changed.
                store.execute(
                    "UPDATE outputs SET context = ?, manifest = ?, plan = ?, articles = ? "
                    "WHERE output = ?",
                    (memo.context, json.dumps(memo.manifest), memo.plan, memo.articles, output),
                )
            else:
                store.execute(
                    "INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        output,
                        memo.context,
                        json.dumps(memo.manifest),
                        _related_json(memo.related),
                        memo.plan,
                        memo.articles,
                    ),
                )
            if known is None:
                store.execute("DELETE FROM units WHERE output = ?", (output,))
                known = {}
            store.executemany(
                "INSERT OR REPLACE INTO units VALUES (?, ?, ?, ?)",
                (
                    (output, name, unit.signature, json.dumps(unit.paths))
                    for name, unit in memo.units.items()
                    if known.get(name) != unit
                ),
            )
            store.executemany(
                "DELETE FROM units WHERE output = ? AND name = ?",
                ((output, name) for name in known.keys() - memo.units.keys()),
            )
    except sqlite3.Error:
        return


def changed_files(
    units: Iterable[Unit],
    previous: PlanMemo | None,
    outcome: Sorted,
    intact: Callable[[Iterable[str]], bool],
    read_again: frozenset[str] | None = None,
) -> Iterator[PlannedFile]:
    """The files of every unit whose signature differs from `previous`, or whose files are not
    `intact` on disk; the paths of the others go to `outcome.kept`. `outcome.remembered` is
    filled for the next memo.

    `read_again`: when `previous` was made from the same plan (no article's view changed
    since), the sources of the articles read again; a unit that declares it reads none of
    them (Unit.reads) is then unchanged by construction, and is not even signed."""
    known = previous.units if previous is not None else {}
    for unit in units:
        old = known.get(unit.name)
        if (
            read_again is not None
            and old is not None
            and unit.reads is not None
            and unit.reads.isdisjoint(read_again)
            and intact(old.paths)
        ):
            outcome.kept.extend(old.paths)
            outcome.remembered[unit.name] = old
            if outcome.explain in old.paths:
                outcome.explained.append(f"{unit.name}: kept: it shows no article read again")
            continue
        signature = input_digest(unit.signed())
        if old is not None and old.signature == signature and intact(old.paths):
            outcome.kept.extend(old.paths)
            outcome.remembered[unit.name] = old
            if outcome.explain in old.paths:
                outcome.explained.append(f"{unit.name}: kept: what it shows is unchanged")
            continue
        paths = []
        for planned in unit.files():
            paths.append(planned.path)
            yield planned
        outcome.remembered[unit.name] = Remembered(signature, tuple(paths))
        if outcome.explain in paths:
            outcome.explained.append(f"{unit.name}: rendered: {_why(old, signature)}")


def _why(old: Remembered | None, signature: str) -> str:
    if old is None:
        return "not in the last build's plan (new, or no plan to compare with)"
    if old.signature != signature:
        return "what it shows changed (an article, a neighbour, a title or a link)"
    return "its files on disk are not as the last build left them"


def _paths(text: str) -> tuple[str, ...]:
    paths = json.loads(text)
    if not isinstance(paths, list) or not all(isinstance(path, str) for path in paths):
        raise ValueError("not a list of paths")
    return tuple(paths)


def _related_json(memo: RelatedMemo) -> str:
    return json.dumps(
        {
            "count": memo.count,
            "traits": {source: list(traits) for source, traits in memo.traits.items()},
            "related": memo.related,
        },
        separators=(",", ":"),
    )


def _related(text: str) -> RelatedMemo:
    data = json.loads(text)
    traits = {
        str(source): Traits(float(date), tuple(str(tag) for tag in tags), str(section))
        for source, (date, tags, section) in data["traits"].items()
    }
    related = {
        str(source): tuple(str(other) for other in others)
        for source, others in data["related"].items()
    }
    return RelatedMemo(int(data["count"]), traits, related)
