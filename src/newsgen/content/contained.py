"""The files of a source folder, never anything from outside the site folder.

Templates and static files follow the rule articles follow (loader.py): a link to a file is
read only if it leads inside the site folder, and links to folders are reported rather than
followed, so that `ln -s /etc/hostname static/x.txt` publishes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

from newsgen.errors import Problem


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
            elif path.is_file():
                files.append(path)
    return sorted(files), problems


def _shown(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
