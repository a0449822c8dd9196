"""The files of a source folder, never anything from outside the site folder, and only
regular files.

Templates and static files follow the rule articles follow (loader.py): a link to a file is
read only if it leads inside the site folder, and links to folders are reported rather than
followed, so that `ln -s /etc/hostname static/x.txt` publishes nothing. The rule holds for
articles/, templates/ and static/ themselves (`ln -s /etc static` publishes nothing), and a
FIFO, device or socket among the sources is reported, never read (a read would wait forever).
"""

from __future__ import annotations

import os
from pathlib import Path

from newsgen.errors import Problem
from newsgen.safefile import irregular


def is_utf8(name: str) -> bool:
    """Whether a file name (as os gives it, with undecodable bytes as surrogates) is UTF-8:
    only such a name can become a source path, a URL or a line of a fingerprint."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def files_inside(folder: Path, root: Path) -> tuple[list[Path], list[Problem]]:
    """Every file below `folder`, sorted, and a problem for each link that leads out of `root`
    or to a folder. Nothing is read."""
    linked = linked_folder(folder, root)
    if linked is not None:
        return [], [linked]
    if not folder.is_dir():
        return [], []
    real_root = root.resolve()
    files: list[Path] = []
    problems: list[Problem] = []
    for here, subfolders, names in os.walk(folder):  # never descends through links
        for name in sorted(subfolders):
            path = Path(here) / name
            if path.is_symlink():
                problems.append(
                    Problem(
                        _shown(path, root),
                        1,
                        1,
                        "is a link to a folder; newsgen does not follow links to folders",
                        "copy the files here",
                    )
                )
        for name in names:
            path = Path(here) / name
            if path.is_symlink() and not path.resolve().is_relative_to(real_root):
                problems.append(
                    Problem(
                        _shown(path, root),
                        1,
                        1,
                        "is a link to a file outside the site folder; newsgen reads only "
                        "files inside it",
                        "copy the file here",
                    )
                )
            elif (kind := not_regular(path, root)) is not None:
                problems.append(kind)
            elif path.is_file():
                files.append(path)
    return sorted(files), problems


def linked_folder(folder: Path, root: Path) -> Problem | None:
    """A problem if a source folder (articles/, templates/, static/) is itself a link: the
    rule for links to folders below it holds for the folder too."""
    if not folder.is_symlink():
        return None
    return Problem(
        _shown(folder, root),
        1,
        1,
        "is a link to a folder; newsgen does not follow links to folders",
        f"make {folder.name}/ a folder of its own inside the site folder",
    )


def not_regular(path: Path, root: Path) -> Problem | None:
    """The one check that a source is a regular file: a problem naming a FIFO, a device or a
    socket (links followed), which newsgen never opens."""
    kind = irregular(path)
    if kind is None or kind == "a folder":
        return None
    return Problem(
        _shown(path, root),
        1,
        1,
        f"is {kind}, not a regular file; newsgen reads only regular files",
        "remove it, or put a regular file in its place",
    )


def _shown(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
