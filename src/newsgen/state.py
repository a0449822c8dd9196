"""What the last good build saw, so that a build of an unchanged site returns at once.

The inputs are fingerprinted from file stats (modification time, size, inode) of every
article, template and static file, newsgen.yaml's bytes and the build options. Time matters
too: the site also changes when a scheduled article falls due or an article leaves the news
sitemap, so the state says until when it stays valid.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from newsgen import __version__
from newsgen.config import CONFIG_FILE, Config
from newsgen.writer import write_json

STATE_FILE = "state.json"


@dataclass(frozen=True, slots=True)
class Counts:
    """The figures of the last build's report, shown again when nothing changed."""

    articles: int
    pages: int
    feeds: int
    files: int
    drafts: int
    scheduled: int
    next_due: str | None


@dataclass(frozen=True, slots=True)
class BuildState:
    inputs: str
    output: str  # fingerprint of the output folder's files: nobody touched the site since
    valid_from: str  # the clock of that build
    valid_until: str | None  # when time alone changes the site
    counts: Counts

    def still_valid(self, inputs: str, output_dir: Path, now: datetime) -> bool:
        if inputs != self.inputs or _folder_fingerprint(output_dir) != self.output:
            return False
        if now < datetime.fromisoformat(self.valid_from):
            return False
        return self.valid_until is None or now < datetime.fromisoformat(self.valid_until)


def fingerprint(config: Config, options: tuple[object, ...]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((__version__, options)).encode())
    try:
        digest.update((config.root / CONFIG_FILE).read_bytes())
    except OSError:
        return ""
    for folder in (config.articles_dir, config.templates_dir, config.static_dir):
        digest.update(_folder_fingerprint(folder).encode())
    return digest.hexdigest()


def read(config: Config) -> BuildState | None:
    try:
        data = json.loads((config.state_dir / STATE_FILE).read_text(encoding="utf-8"))
        return BuildState(
            inputs=data["inputs"],
            output=data["output"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            counts=Counts(**data["counts"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no state, or a damaged one: build normally


def save(
    config: Config,
    *,
    inputs: str,
    output_dir: Path,
    now: datetime,
    valid_until: datetime | None,
    counts: Counts,
) -> None:
    state = BuildState(
        inputs,
        _folder_fingerprint(output_dir),
        now.isoformat(),
        valid_until.isoformat() if valid_until else None,
        counts,
    )
    write_json(config.state_dir / STATE_FILE, asdict(state))


def _folder_fingerprint(folder: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for line in sorted(_stats(folder)):
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()


def _stats(folder: Path) -> list[str]:
    """'path mtime size inode' for every file below `folder` (os.scandir: no extra reads)."""
    lines: list[str] = []
    pending = [str(folder)]
    while pending:
        try:
            entries = list(os.scandir(pending.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
            else:
                try:
                    status = entry.stat()
                except OSError:  # a dangling link: the build reports it
                    lines.append(f"{entry.path} unreadable")
                    continue
                lines.append(f"{entry.path} {status.st_mtime_ns} {status.st_size} {status.st_ino}")
    return lines
