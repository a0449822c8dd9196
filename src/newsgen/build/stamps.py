"""What newsgen keeps for itself about the files of an output folder: each file's stat once in
place (modification and change times, inode), as git's index keeps it, so that a later build
trusts a file whose stat still matches after one lstat, and notices one edited by hand.

Stamps are of this machine and this folder, not of the sources, so they live in .newsgen/ (one
JSON file per output folder), never in the output folder a deploy uploads. Each stamp names the
content digest it vouches for: it is trusted only for a manifest entry of that same digest.
Without stamps (.newsgen/ deleted, the site moved) every file is checked by its content.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

from newsgen.build.manifest import NO_STAMP, Written, safe_relative
from newsgen.filememo import FileMemo, file_stat
from newsgen.safefile import read_regular, write_file

FOLDER = "stamps"
VERSION = 1

Stamp = tuple[int, int, int]  # st_mtime_ns, st_ctime_ns, st_ino
# An output path and the content digest its stamp vouches for, with the stamp.
Stamps = Mapping[str, tuple[str, Stamp]]


def location(state_dir: Path, output_dir: Path) -> Path:
    """The stamps file of `output_dir`: named by its resolved path, so a moved site has none."""
    name = hashlib.blake2b(os.fsencode(output_dir.resolve()), digest_size=16).hexdigest()
    return state_dir / FOLDER / f"{name}.json"


def read(path: Path | None) -> Stamps:
    """The stamps kept at `path` (None: none are kept); none if there are none or they do not
    read as stamps (a damaged file only costs a content check of each file)."""
    if path is None:
        return {}
    stat = file_stat(path)
    if stat is None:
        return {}
    stamps = _parsed.get(path, stat)
    if stamps is None:
        stamps = _read(path)
        _parsed.put(path, stat, stamps)
    return stamps


# A build reads the stamps twice (to keep units as they are, then to write), and a serving
# process reads what its last build wrote.
_parsed: FileMemo[Stamps] = FileMemo()


def _read(path: Path) -> Stamps:
    try:
        data = json.loads(read_regular(path, follow=False))
        files = data["files"] if data["version"] == VERSION else {}
        kept: dict[str, tuple[str, Stamp]] = {}
        # Only the shape and the paths are checked (half the cost of a no-op build's check
        # otherwise): a digest or number of another type never equals a file's, so such a
        # stamp vouches for nothing.
        for relative, (digest, mtime, ctime, inode) in files.items():
            if safe_relative(relative) is None:
                return {}
            kept[relative] = (digest, (mtime, ctime, inode))
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}
    return kept


def save(path: Path | None, files: Mapping[str, Written], known: Stamps) -> None:
    """Keep the stamps of `files` at `path` (None: keep none) if they differ from the `known`
    ones. A file that cannot be written is skipped: the next build checks each file's content."""
    stamps = {relative: (w.sha256, w.stamp) for relative, w in files.items()}
    if path is None or stamps == known:
        return
    entries = {relative: [digest, *stamp] for relative, (digest, stamp) in stamps.items()}
    text = json.dumps({"files": entries, "version": VERSION}, separators=(",", ":"))
    try:
        write_file(path, text.encode("utf-8"), root=path.parent.parent)
    except OSError:
        return
    _parsed.wrote(path, stamps)


def apply(files: Mapping[str, Written], known: Stamps) -> dict[str, Written]:
    """`files` (a manifest's entries) with the stamps that vouch for their digest."""
    stamped: dict[str, Written] = {}
    for relative, w in files.items():
        found = known.get(relative)
        stamp = found[1] if found is not None and found[0] == w.sha256 else NO_STAMP
        stamped[relative] = Written(w.sha256, w.size, w.key, stamp)
    return stamped


def in_place(output_dir: Path, known: Stamps) -> int | None:
    """How many files the stamps name, if every one of them is in `output_dir` with the stat
    it was left with (one lstat each); None as soon as one is missing or was touched."""
    if not known:
        return None
    base = str(output_dir)
    for relative, (_, stamp) in known.items():
        try:
            status = os.lstat(f"{base}/{relative}")  # not Path: 20,000 a build
        except (OSError, ValueError):
            return None
        if (status.st_mtime_ns, status.st_ctime_ns, status.st_ino) != stamp:
            return None
    return len(known)
