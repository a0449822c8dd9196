"""The writer's records in the output folder, read as untrusted input: the manifest of the files
newsgen wrote, and the journal of a commit in progress.

Anyone who can write to the output folder can write these files too, so nothing in them is
obeyed unless it names a file path inside the output folder; other entries are reported and
ignored. Reading and writing the records is all this module does; writer.py acts on them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from newsgen.filememo import FileMemo, file_stat
from newsgen.safefile import TEMPORARY_PREFIX, LinkRefused, NotRegularFile, read_regular, write_file

MANIFEST = ".newsgen-manifest.json"
JOURNAL = ".newsgen-journal.json"
STAGING_PREFIX = ".newsgen-staging-"
# 4: no stamps; they are of the machine, not of the sources, and live in .newsgen/ (stamps.py).
MANIFEST_VERSION = 4
RESERVED = (MANIFEST, JOURNAL, f"{MANIFEST}.tmp", f"{JOURNAL}.tmp")
NO_STAMP = (0, 0, 0)


@dataclass(frozen=True, slots=True)
class Written:
    """What the manifest knows of a file newsgen wrote."""

    sha256: str
    size: int  # -1 when unknown
    key: str = ""  # the PlannedFile key it was made from, if any
    # st_mtime_ns, st_ctime_ns and st_ino once in place, as git's index keeps them: a file
    # whose stat still matches is intact; zeros when unknown. Kept in .newsgen/ (stamps.py),
    # never written to the output folder: only what is a function of the sources goes there.
    stamp: tuple[int, int, int] = NO_STAMP


@dataclass(frozen=True, slots=True)
class Manifest:
    files: dict[str, Written]
    # Set after an interrupted commit was finished: the next write checks the content of every
    # file, since a power cut may have lost some of what was renamed into place.
    verify: bool = False
    ignored: tuple[str, ...] = ()  # entries that do not name a file inside the output folder
    version: int = MANIFEST_VERSION  # an older one is written anew, in this version's form


@dataclass(frozen=True, slots=True)
class Journal:
    """A commit in progress: written before the first file moves, removed after the last."""

    staging: str  # the staging folder's name, inside the output folder
    moves: tuple[tuple[str, str], ...]  # (path in the site, staged file's name)
    stale: tuple[str, ...]  # files of the previous build to remove
    # The manifest entries this commit adds or changes. With the previous manifest, which
    # stays in place until the commit is done, they make the manifest of the new build: a
    # journal of one edit is a few rows, not the whole site's.
    files: dict[str, Written]


class DamagedRecord(Exception):
    """The manifest or journal exists but cannot be read as one."""


# Paths that pass every check below at once: plain ASCII segments that do not start with a
# dot (so none is '.', '..', a record's name or a staging folder). A site has 20,000.
_PLAIN_SEGMENT = r"[\w~+,=@-][\w.~+,=@-]*"
_PLAIN_PATH = re.compile(f"(?:{_PLAIN_SEGMENT}/)*{_PLAIN_SEGMENT}", re.ASCII)


def safe_relative(path: object) -> str | None:
    """`path` if it is a normalised relative path inside the output folder that is not one of
    the writer's own records; else None."""
    if isinstance(path, str) and _PLAIN_PATH.fullmatch(path):
        return path
    if not isinstance(path, str) or not path or "\\" in path or "\x00" in path:
        return None
    pure = PurePosixPath(path)
    if (
        pure.is_absolute()
        or pure.as_posix() != path  # "a//b", "a/./b", "./a" and a trailing slash
        or any(part in ("..", ".") for part in pure.parts)
        or pure.parts[0] in RESERVED
        or pure.parts[0].startswith((STAGING_PREFIX, TEMPORARY_PREFIX))
    ):
        return None
    return path


# A build reads the manifest twice (to trust what it keeps, then to write), and a serving
# process reads what its last build wrote.
_parsed: FileMemo[Manifest] = FileMemo()


def read_manifest(output_dir: Path) -> Manifest | None:
    """The manifest, None if there is none; DamagedRecord if it cannot be read as one."""
    path = output_dir / MANIFEST
    stat = file_stat(path)
    manifest = _parsed.get(path, stat)
    if manifest is None:
        manifest = _read_manifest(output_dir)
        if manifest is not None:
            _parsed.put(path, stat, manifest)
    return manifest


def _read_manifest(output_dir: Path) -> Manifest | None:
    data = _read_json(output_dir / MANIFEST)
    if data is None:
        return None
    files = data.get("files")
    version = data.get("version")
    if not (
        isinstance(files, dict) and isinstance(version, int) and 0 < version <= MANIFEST_VERSION
    ):
        raise DamagedRecord("it is not a manifest of this newsgen version")
    kept: dict[str, Written] = {}
    ignored: list[str] = []
    for path, value in files.items():
        entry = _entry(value, version)
        relative = safe_relative(path)
        if relative is None or entry is None:
            ignored.append(str(path))
        else:
            kept[relative] = entry
    return Manifest(kept, data.get("verify") is True, tuple(sorted(ignored)), version)


def write_manifest(output_dir: Path, files: dict[str, Written], *, verify: bool = False) -> None:
    """The manifest of `files`: their paths, digests, sizes and keys, a function of the sources
    alone, so that two builds of the same sources write the same bytes."""
    data: dict[str, object] = {"version": MANIFEST_VERSION, "files": _rows(files)}
    if verify:
        data["verify"] = True
    write_json(output_dir / MANIFEST, data, durable=verify)
    _parsed.wrote(output_dir / MANIFEST, Manifest(dict(files), verify))


def read_journal(output_dir: Path) -> Journal | None:
    """The journal of an interrupted commit, None if there is none. A damaged journal reads
    as one with nothing to finish: the commit is still known to have been interrupted."""
    try:
        data = _read_json(output_dir / JOURNAL)
    except DamagedRecord:
        return Journal("", (), (), {})
    if data is None:
        return None
    staging = data.get("staging")
    moves, stale, files = data.get("moves"), data.get("stale"), data.get("files")
    if not isinstance(moves, list) or not isinstance(stale, list) or not isinstance(files, dict):
        return Journal("", (), (), {})
    valid_moves = tuple(
        (relative, name)
        for move in moves
        if isinstance(move, list) and len(move) == 2
        and (relative := safe_relative(move[0])) is not None
        and isinstance(name := move[1], str) and name.isdigit()
    )  # fmt: skip
    entries = {
        relative: entry
        for path, value in files.items()
        if (relative := safe_relative(path)) and (entry := _entry(value, MANIFEST_VERSION))
    }
    staging_ok = isinstance(staging, str) and safe_staging(staging)
    return Journal(
        staging if isinstance(staging, str) and staging_ok else "",
        valid_moves if staging_ok else (),
        tuple(relative for path in stale if (relative := safe_relative(path))),
        entries,
    )


def write_journal(output_dir: Path, journal: Journal) -> None:
    data = {
        "staging": journal.staging,
        "moves": [list(move) for move in journal.moves],
        "stale": list(journal.stale),
        "files": _rows(journal.files),
    }
    write_json(output_dir / JOURNAL, data, durable=True)


def safe_staging(name: str) -> bool:
    return name.startswith(STAGING_PREFIX) and "/" not in name and name not in (".", "..")


def _rows(files: dict[str, Written]) -> dict[str, list[object]]:
    return {path: [w.sha256, w.size, w.key] for path, w in files.items()}


def same_rows(one: dict[str, Written], other: dict[str, Written]) -> bool:
    """Whether two sets of entries make the same manifest (stamps aside)."""
    return _rows(one) == _rows(other)


def _entry(value: object, version: object) -> Written | None:
    if version == 1:
        return Written(value, -1) if isinstance(value, str) else None
    # Versions 2 and 3 (and their journals) carried stamps as three more numbers: they are
    # read, never trusted, since anyone who can write to the output folder can forge them.
    if not isinstance(value, list) or len(value) not in (3, 6):
        return None
    sha, size, key, *stamp = value
    if not (isinstance(sha, str) and isinstance(key, str) and _integer(size)):
        return None
    if not all(_integer(number) for number in stamp):
        return None
    return Written(sha, size, key)


def _integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _read_json(path: Path) -> dict[str, object] | None:
    try:
        # Not through a link, and never a FIFO planted at the name: a record is a file.
        text = read_regular(path, follow=False).decode("utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except LinkRefused:
        raise DamagedRecord("it is a link, not a file newsgen wrote") from None
    except NotRegularFile as exc:
        raise DamagedRecord(f"it is {exc.kind}, not a file newsgen wrote") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DamagedRecord(f"it cannot be read: {exc}") from None
    try:
        data = json.loads(text)
    except ValueError:
        raise DamagedRecord("it is not valid JSON") from None
    if not isinstance(data, dict):
        raise DamagedRecord("it is not a manifest")
    return data


def write_json(path: Path, data: object, *, durable: bool = False) -> None:
    """Replace `path` atomically with `data` as JSON (keys sorted, so the bytes are stable)
    through the safe file primitive: a new file under a random name, renamed over `path`.
    `durable` also flushes it to the disk, so that it survives a power cut."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    write_file(path, (text + "\n").encode("utf-8"), durable=durable)
