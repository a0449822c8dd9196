"""What the last build planned, so that a build after a small change plans and renders only the
units (model.Unit) whose signatures changed, and keeps every other unit's files as they are.

The memo is saved in the state folder after a build has written the site, stamped with the
output manifest it belongs to. It is used only for the same output folder, settings, templates
and options, and only while the manifest is the one it was saved with; otherwise, or when it
cannot be read, every unit is planned, as in a clean build.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from newsgen import __version__
from newsgen.model import PlannedFile, Unit, input_digest, pickle_by_fields
from newsgen.plan.related import RelatedMemo

_MAGIC = b"newsgen-plan-memo 2\n"


@dataclass(frozen=True, slots=True)
class Remembered:
    signature: str  # a digest of the unit's signature: the memo stays small to read
    paths: tuple[str, ...]  # the files the unit wrote

    __reduce__ = pickle_by_fields


@dataclass(frozen=True, slots=True)
class PlanMemo:
    context: str  # digest of what every unit depends on: see `context`
    manifest: tuple[int, int, int]  # stat of the output manifest written with this plan
    units: dict[str, Remembered]
    related: RelatedMemo = field(default_factory=RelatedMemo)


@dataclass(slots=True)
class Sorted:
    """The outcome of comparing this build's units with the memo."""

    kept: list[str]  # files of unchanged units: neither planned nor rendered
    remembered: dict[str, Remembered]  # the next memo's units


def context(*parts: object) -> str:
    """A digest of what every unit depends on besides its signature (settings, templates,
    the navigation and options; the memo file is already one per output folder)."""
    return hashlib.blake2b(repr((__version__, parts)).encode(), digest_size=16).hexdigest()


def memo_path(state_dir: Path, output_dir: Path) -> Path:
    """One memo per output folder: a preview and the published site do not evict each other."""
    name = hashlib.blake2b(str(output_dir.resolve()).encode(), digest_size=8).hexdigest()
    return state_dir / "plans" / f"{name}.pickle"


def manifest_stamp(manifest: Path) -> tuple[int, int, int]:
    try:
        status = manifest.stat()
    except OSError:
        return (0, 0, 0)
    return status.st_mtime_ns, status.st_size, status.st_ino


def load_any(path: Path) -> PlanMemo | None:
    """The memo at `path`, whatever it belongs to (see `belongs`); None if unreadable."""
    try:
        data = path.read_bytes()
        if not data.startswith(_MAGIC):
            return None
        memo = pickle.loads(data[len(_MAGIC) :])
    except Exception:  # any damage at all: the memo is only ever an optimisation
        return None
    return memo if isinstance(memo, PlanMemo) else None


def belongs(memo: PlanMemo, expected_context: str, manifest: Path) -> bool:
    """Whether `memo` was made in this context for the manifest now on disk. (Its related
    articles are valid in any context: they depend on the articles alone.)"""
    stamp = manifest_stamp(manifest)
    return memo.context == expected_context and memo.manifest == stamp != (0, 0, 0)


def save(path: Path, memo: PlanMemo) -> None:
    """Keep `memo` for the next build; a memo that cannot be written is skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(_MAGIC + pickle.dumps(memo, protocol=5))
        temporary.replace(path)
    except OSError:
        return


def changed_files(
    units: Iterable[Unit],
    previous: PlanMemo | None,
    outcome: Sorted,
    intact: Callable[[Iterable[str]], bool],
) -> Iterator[PlannedFile]:
    """The files of every unit whose signature differs from `previous`, or whose files are not
    `intact` on disk; the paths of the others go to `outcome.kept`. `outcome.remembered` is
    filled for the next memo."""
    known = previous.units if previous is not None else {}
    for unit in units:
        old = known.get(unit.name)
        signature = input_digest(unit.signature)
        if old is not None and old.signature == signature and intact(old.paths):
            outcome.kept.extend(old.paths)
            outcome.remembered[unit.name] = old
            continue
        paths = []
        for planned in unit.files():
            paths.append(planned.path)
            yield planned
        outcome.remembered[unit.name] = Remembered(signature, tuple(paths))
