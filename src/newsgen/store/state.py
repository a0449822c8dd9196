"""What the last good build saw, so that a build of an unchanged site returns at once.

The inputs are fingerprinted from file stats (modification and change times, size, inode) of
every article, template and static file, newsgen.yaml's and authors.yaml's bytes and the build
options. Time matters too: the site also changes when a scheduled article falls due or an
article leaves the news sitemap, so the state says until when it stays valid.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from newsgen import __version__
from newsgen.content.authors import AUTHORS_FILE
from newsgen.content.config import CONFIG_FILE, Config
from newsgen.content.contained import is_utf8
from newsgen.errors import Problem
from newsgen.safefile import read_regular, write_file
from newsgen.store.cache import RACY_NS

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
    # Content digests of sources modified so shortly before the scan that a later change in
    # the same time stamp tick would not show in their stat (see cache.RACY_NS), as git does.
    racy: dict[str, str]
    # The output manifest's stat: no other build wrote the site since. The build then checks
    # that the files it wrote are as it left them, by their stamps (build/stamps.py).
    output: str
    valid_from: str  # the clock of that build
    valid_until: str | None  # when time alone changes the site
    counts: Counts
    # The build's warnings about the sources, shown again by every build that changes nothing.
    warnings: tuple[Problem, ...] = ()

    def still_valid(self, inputs: Inputs, manifest: Path, now: datetime) -> bool:
        """Whether nothing changed: the sources (`inputs`), the output folder's `manifest`
        (no other build wrote it since) and the time."""
        if inputs.digest != self.inputs or _manifest_fingerprint(manifest) != self.output:
            return False
        for path, digest in self.racy.items():
            if (inputs.racy.get(path) or _content_digest(path)) != digest:
                return False
        if now < datetime.fromisoformat(self.valid_from):
            return False
        return self.valid_until is None or now < datetime.fromisoformat(self.valid_until)


@dataclass(frozen=True, slots=True)
class Inputs:
    digest: str
    racy: dict[str, str]  # path -> content digest of the sources too new to trust by stat
    # The stat of every file below the articles folder, by path (os.path.join of the folder's
    # path and the names): the build reuses them instead of a second stat of each article.
    stats: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)


def fingerprint(config: Config, options: tuple[object, ...]) -> Inputs:
    racy_after = time.time_ns() - RACY_NS
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((__version__, options)).encode())
    try:
        digest.update(read_regular(config.root / CONFIG_FILE))
    except OSError:
        return Inputs("", {})
    try:  # the author profiles, beside it: read whole, as newsgen.yaml is
        digest.update(b"\0" + (config.root / AUTHORS_FILE).read_bytes())
    except FileNotFoundError:
        digest.update(b"\0no profiles")
    except OSError:
        return Inputs("", {})
    racy: dict[str, str] = {}
    stats: dict[str, tuple[int, int, int, int]] = {}
    for folder in (config.articles_dir, config.templates_dir, config.static_dir):
        lines, recent = _stats(folder, racy_after, stats if folder == config.articles_dir else {})
        # Each path as seen from the site folder, however the site folder was given (-s .,
        # -s /srv/site): a build of the same sources named another way takes the fast path.
        spelled = os.fspath(folder)
        named = os.path.relpath(spelled, config.root)
        for line in sorted(lines):
            relative = named + line[len(spelled) :]
            digest.update(os.fsencode(relative) + b"\n")  # names may not be UTF-8
        # A name that is not UTF-8 cannot go into JSON; no build uses such a file anyway.
        racy.update((path, _content_digest(path)) for path in recent if is_utf8(path))
    return Inputs(digest.hexdigest(), racy, stats)


def location(config: Config, output: Path) -> Path:
    """The state of builds into `output`: the site's is state.json; another folder's (the
    preview) has its own, so that a build of one does not make the other's next build run in
    full."""
    if output.resolve() == config.output_path.resolve():
        return config.state_dir / STATE_FILE
    name = hashlib.blake2b(os.fsencode(output.resolve()), digest_size=8).hexdigest()
    return config.state_dir / f"state-{name}.json"


def read(config: Config, output: Path) -> BuildState | None:
    try:
        # Not through a link, and never a FIFO planted at the name: the read would wait forever.
        data = json.loads(read_regular(location(config, output), follow=False))
        return BuildState(
            inputs=data["inputs"],
            racy=dict(data["racy"]),
            output=data["output"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            counts=Counts(**data["counts"]),
            warnings=tuple(_problem(item) for item in data.get("warnings", [])),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no state, or a damaged one: build normally


def save(
    config: Config,
    output: Path,
    *,
    inputs: Inputs,
    manifest: Path,
    now: datetime,
    valid_until: datetime | None,
    counts: Counts,
    warnings: tuple[Problem, ...] = (),
) -> None:
    state = BuildState(
        inputs.digest,
        inputs.racy,
        _manifest_fingerprint(manifest),
        now.isoformat(),
        valid_until.isoformat() if valid_until else None,
        counts,
        warnings,
    )
    with contextlib.suppress(OSError):  # without it the next build just does the work again
        text = json.dumps(asdict(state), sort_keys=True, separators=(",", ":"))
        write_file(location(config, output), text.encode("utf-8"))


def _problem(item: object) -> Problem:
    """A warning as asdict wrote it: [path, line, column, message, hint]."""
    if not isinstance(item, dict):
        raise TypeError("not a warning")
    line, column = item["line"], item["column"]
    if not (isinstance(line, int) and isinstance(column, int)):
        raise TypeError("not a position")
    return Problem(str(item["path"]), line, column, str(item["message"]), str(item["hint"]))


def _content_digest(path: str) -> str:
    try:
        # Never a FIFO or a device: the read would wait forever. The build reports them.
        return hashlib.sha256(read_regular(path)).hexdigest()
    except OSError:
        return "unreadable"


def _manifest_fingerprint(manifest: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    try:
        status = manifest.stat()
    except OSError:
        return "no manifest"
    digest.update(f"{status.st_mtime_ns} {status.st_size} {status.st_ino}".encode())
    return digest.hexdigest()


def _stats(
    folder: Path, racy_after_ns: int, found: dict[str, tuple[int, int, int, int]]
) -> tuple[list[str], list[str]]:
    """'path mtime ctime size inode' for every file below `folder` (os.scandir: no extra reads),
    and the paths of files changed after `racy_after_ns`; each file's stat also goes into
    `found`."""
    lines: list[str] = []
    recent: list[str] = []
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
                stat = status.st_mtime_ns, status.st_ctime_ns, status.st_size, status.st_ino
                found[entry.path] = stat
                lines.append(f"{entry.path} {stat[0]} {stat[1]} {stat[2]} {stat[3]}")
                if max(status.st_mtime_ns, status.st_ctime_ns) >= racy_after_ns:
                    recent.append(entry.path)
    return lines, recent
