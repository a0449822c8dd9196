"""An import's files: which source files below a folder may be read, their text, and the one
way an article file is written (whole, new, inside the site).

The build's rules hold here too: a link is followed only to a file inside the folder being
imported, never to a folder; a name that is not UTF-8 is refused; bytes that are not UTF-8 are
reported at their line, column and byte offset, never replaced silently.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from newsgen.content.contained import is_utf8
from newsgen.errors import Problem
from newsgen.importers.record import Skipped


def files_below(
    folder: Path, tree: Path, suffixes: tuple[str, ...]
) -> tuple[list[Path], tuple[Skipped, ...]]:
    """The visible files below `folder` ending in one of `suffixes`, in order; and each that
    cannot be read safely, skipped with the reason. As in the build (contained.py), a link is
    followed only to a file inside `tree`, the folder being imported, never to a folder; and a
    name that is not UTF-8 cannot become a path, a URL or an id."""
    files: list[Path] = []
    problems: list[Skipped] = []
    real_tree = tree.resolve()
    if folder != tree and (folder.is_symlink() or not folder.resolve().is_relative_to(real_tree)):
        return [], (_refused(folder, "is a link to a folder; newsgen does not follow it"),)
    for here, subfolders, names in os.walk(folder):  # never descends through links
        visible = sorted(n for n in subfolders if not n.startswith("."))
        subfolders[:] = []
        for name in visible:
            path = Path(here) / name
            if not is_utf8(name):
                problems.append(_refused(path, "the name is not valid UTF-8; rename it"))
            elif path.is_symlink():
                problems.append(_refused(path, "is a link to a folder; newsgen does not follow it"))
            else:
                subfolders.append(name)
        for name in sorted(names):
            path = Path(here) / name
            if name.startswith(".") or not name.lower().endswith(suffixes):
                continue
            if not is_utf8(name):
                problems.append(_refused(path, "the name is not valid UTF-8; rename it"))
            elif path.is_symlink() and not path.resolve().is_relative_to(real_tree):
                problems.append(
                    _refused(path, f"is a link to a file outside {shown_path(tree)}; not imported")
                )
            elif path.is_file():
                files.append(path)
    return files, tuple(problems)


def _refused(path: Path, message: str) -> Skipped:
    return Skipped(Problem(shown_path(path), 1, 1, f"skipped: {message}"), "unsafe file")


def shown_path(path: Path) -> str:
    """A path as printable text: bytes that are not UTF-8 appear as \\xNN."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def decode(data: bytes, shown: str) -> tuple[str, Problem | None]:
    """UTF-8 text (a BOM dropped, newlines made LF), and a warning where it was not UTF-8:
    each undecodable byte becomes U+FFFD, and the first is located."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        count = data.decode("utf-8-sig", errors="replace").count("\ufffd") - data.decode(
            "utf-8-sig", errors="ignore"
        ).count("\ufffd")
        warning = Problem(
            shown,
            line,
            column,
            f"invalid UTF-8 at byte {exc.start}: {count} undecodable byte sequence(s) "
            "became U+FFFD (\ufffd)",
            "save the source as UTF-8 and import it again for the original characters",
        )
        text = data.decode("utf-8-sig", errors="replace")
        return text.replace("\r\n", "\n").replace("\r", "\n"), warning
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


# Temporary files of an import: hidden (the loader skips names starting with '.'), and removed
# by the next import if a kill left one behind.
_TEMPORARY_PREFIX = ".newsgen-import-"


def create_new(path: Path, data: bytes, root: Path) -> str | None:
    """Write a new file whole or not at all; None, or why it was not written.

    The bytes go to a hidden temporary file beside it, flushed to disk, then hard-linked to
    the name: the link fails if the name exists, so nothing is ever overwritten, and a kill
    or a full disk leaves at most a temporary file (removed by the next import), never a
    truncated article that a re-run would take for imported.
    """
    folder = path.parent
    inside = root.resolve()
    existing = next(f for f in (folder, *folder.parents) if f.exists() or f.is_symlink())
    if not existing.resolve().is_relative_to(inside):  # not even a folder made out there
        return OUTSIDE
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not folder.resolve().is_relative_to(inside):
            return OUTSIDE
        temporary = folder / f"{_TEMPORARY_PREFIX}{os.getpid()}-{path.name}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        return f"could not be written: {exc.strerror or exc}"
    try:
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            _link_new(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    except FileExistsError:  # created by someone else since we looked
        return APPEARED
    except OSError as exc:
        return f"could not be written: {exc.strerror or exc}"
    return None


# Why create_new wrote nothing, when it is about this one file (anything else is an OSError's
# reason, such as a full disk, that stops the import).
APPEARED = "appeared while importing; it was left alone"
OUTSIDE = "was not written: its folder is a link to outside the site folder"


def _link_new(temporary: Path, path: Path) -> None:
    try:
        os.link(temporary, path)
    except OSError as exc:
        # File systems without hard links: rename, after looking (the import holds the lock).
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        if path.exists() or path.is_symlink():
            raise FileExistsError(errno.EEXIST, "exists", str(path)) from None
        temporary.rename(path)


def remove_temporaries(articles_dir: Path) -> None:
    """Temporary files a killed import left behind (the caller holds the site's lock)."""
    if not articles_dir.is_dir():
        return
    for here, subfolders, names in os.walk(articles_dir):
        subfolders[:] = [n for n in subfolders if not n.startswith(".")]
        for name in names:
            if name.startswith(_TEMPORARY_PREFIX):
                (Path(here) / name).unlink(missing_ok=True)
