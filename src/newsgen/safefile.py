"""The one way newsgen touches files: it creates them exclusively, never through a link, and
renames them into place; it reads regular files only.

A `Folder` is a folder opened once; everything below it is reached relative to its descriptor
with O_NOFOLLOW, so a link planted below it (at a temporary name, a record, a folder on the
way) is refused, never followed, and swapping a folder for a link after it was opened changes
nothing. New files get random names and O_CREAT|O_EXCL|O_NOFOLLOW, then reach their final name
by rename, which replaces a link there instead of writing through it. The folder a caller
opens by path (the output folder, .newsgen/) is the user's setting and may itself be a link.

`read_regular` is the one check that a source is a regular file before it is read: a FIFO or a
device is an error naming it, never a read that waits forever.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TEMPORARY_PREFIX = ".newsgen-tmp-"
_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
# A writer of 20,000 files in 10,000 folders keeps this many open at once, no more.
OPEN_FOLDERS = 32


class LinkRefused(OSError):
    """A path that newsgen would write or read through is a link, or is not what it must be."""

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(errno.ELOOP, reason, str(path))
        self.reason = reason


class NotRegularFile(OSError):
    """A file that is not a regular file (a FIFO, a device, a socket) was to be read."""

    def __init__(self, path: str | Path, kind: str) -> None:
        super().__init__(errno.EINVAL, f"it is {kind}, not a regular file", str(path))
        self.kind = kind


def kind_of(mode: int) -> str:
    """'a FIFO', 'a character device'...: what a file that is not a regular one is."""
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a link"),
    ):
        if test(mode):
            return name
    return "a regular file" if stat.S_ISREG(mode) else "not a file"


def irregular(path: Path) -> str | None:
    """What `path` is if it is not a regular file (links followed), e.g. 'a FIFO (named
    pipe)'; None for a regular file or one that does not exist. Nothing is opened."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    return None if stat.S_ISREG(mode) else kind_of(mode)


def read_regular(path: Path | str, *, follow: bool = True) -> bytes:
    """The bytes of `path`, which must be a regular file (NotRegularFile otherwise, before any
    read). O_NONBLOCK makes even the open of a FIFO return at once; fstat then decides."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow:
            raise LinkRefused(path, "it is a link") from None
        raise
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise NotRegularFile(path, kind_of(status.st_mode))
        chunks = []
        while chunk := os.read(descriptor, max(status.st_size + 1, 1 << 16)):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


class Folder:
    """An open folder. Names given to its methods are single path segments inside it."""

    def __init__(self, descriptor: int, path: Path) -> None:
        self.descriptor, self.path = descriptor, path

    @classmethod
    def open(cls, path: Path, *, create: bool = False) -> Folder:
        """The folder at `path` (which may be a link: it is the user's setting), made with
        its parents if `create`."""
        if create:
            path.mkdir(parents=True, exist_ok=True)
        return cls(os.open(path, _FOLDER_FLAGS), path)

    def close(self) -> None:
        if self.descriptor >= 0:
            os.close(self.descriptor)
            self.descriptor = -1

    def __enter__(self) -> Folder:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def folder(self, relative: str, *, create: bool = False) -> Folder:
        """The folder `relative` ('a/b') below this one, each part opened without following a
        link (LinkRefused for a link, NotADirectoryError for a file); made if `create`."""
        current = self
        try:
            for part in relative.split("/"):
                if part in ("", ".", ".."):
                    raise LinkRefused(self.path / relative, f"{part!r} is not a folder name")
                deeper = current._child(part, create=create)
                if current is not self:
                    current.close()
                current = deeper
        except BaseException:
            if current is not self:
                current.close()
            raise
        return current if current is not self else Folder(os.dup(self.descriptor), self.path)

    def _child(self, name: str, *, create: bool) -> Folder:
        path = self.path / name
        flags = _FOLDER_FLAGS | os.O_NOFOLLOW
        try:
            return Folder(os.open(name, flags, dir_fd=self.descriptor), path)
        except FileNotFoundError:
            if not create:
                raise
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR) and self.is_link(name):
                raise LinkRefused(path, "it is a link; newsgen never goes through a link") from None
            raise
        # Made meanwhile, or a dangling link: opened (or refused) next.
        with contextlib.suppress(FileExistsError):
            os.mkdir(name, 0o777, dir_fd=self.descriptor)
        return self._child(name, create=False)

    def is_link(self, name: str) -> bool:
        try:
            return stat.S_ISLNK(os.lstat(name, dir_fd=self.descriptor).st_mode)
        except OSError:
            return False

    def lstat(self, name: str) -> os.stat_result:
        return os.lstat(name, dir_fd=self.descriptor)

    def create(self, data: bytes, *, prefix: str = TEMPORARY_PREFIX, durable: bool = False) -> str:
        """A new file holding `data`, under a random name that did not exist; its name."""
        while True:
            name = prefix + os.urandom(8).hex()
            try:
                descriptor = os.open(name, _CREATE_FLAGS, 0o666, dir_fd=self.descriptor)
                break
            except FileExistsError:  # a name taken (or planted): draw another
                continue
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
            if durable:
                os.fsync(descriptor)
        except BaseException:
            os.close(descriptor)
            self.unlink(name, missing_ok=True)
            raise
        os.close(descriptor)
        return name

    def create_named(self, name: str, data: bytes) -> None:
        """A new file `name` holding `data`; FileExistsError if anything (a link too) is there."""
        descriptor = os.open(name, _CREATE_FLAGS, 0o666, dir_fd=self.descriptor)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
        finally:
            os.close(descriptor)

    def write(self, name: str, data: bytes, *, durable: bool = False) -> None:
        """Replace `name` with a file holding `data`, atomically: a new file under a random
        name renamed over it (a link at `name` is replaced, not followed). `durable` flushes
        the file and the folder to the disk, so that it survives a power cut."""
        temporary = self.create(data, durable=durable)
        try:
            os.rename(temporary, name, src_dir_fd=self.descriptor, dst_dir_fd=self.descriptor)
        except BaseException:
            self.unlink(temporary, missing_ok=True)
            raise
        if durable:
            os.fsync(self.descriptor)

    def rename(self, name: str, target: Folder, target_name: str) -> None:
        """Move `name` (not followed if a link) to `target_name` in `target`, replacing a file
        or link there."""
        os.rename(name, target_name, src_dir_fd=self.descriptor, dst_dir_fd=target.descriptor)

    def unlink(self, name: str, *, missing_ok: bool = False) -> None:
        try:
            os.unlink(name, dir_fd=self.descriptor)
        except FileNotFoundError:
            if not missing_ok:
                raise

    def rmdir(self, name: str) -> None:
        os.rmdir(name, dir_fd=self.descriptor)

    def make_folder(self, prefix: str) -> str:
        """A new, empty folder under a random name that did not exist; its name."""
        while True:
            name = prefix + os.urandom(8).hex()
            try:
                os.mkdir(name, 0o700, dir_fd=self.descriptor)
                return name
            except FileExistsError:
                continue

    def read(self, name: str) -> bytes:
        """The bytes of the regular file `name`; LinkRefused for a link, NotRegularFile for a
        FIFO or device."""
        try:
            descriptor = os.open(
                name,
                os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC,
                dir_fd=self.descriptor,
            )
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise LinkRefused(self.path / name, "it is a link") from None
            raise
        with os.fdopen(descriptor, "rb") as file:
            mode = os.fstat(file.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise NotRegularFile(self.path / name, kind_of(mode))
            return file.read()

    def remove_temporaries(self) -> None:
        """Remove the temporary files that a process killed mid-write left here (the caller
        holds the lock that makes it the only writer). Links are removed, never followed."""
        for name in self.names():
            if name.startswith(TEMPORARY_PREFIX):
                with contextlib.suppress(OSError):
                    self.unlink(name)

    def names(self) -> list[str]:
        return os.listdir(self.descriptor)  # noqa: PTH208 (a descriptor, not a path)


class Tree:
    """Folders below one root, opened without following links and kept open a while: a writer
    of many files in few folders opens each folder once."""

    def __init__(self, root: Folder) -> None:
        self.root = root
        self._open: dict[str, Folder] = {}

    def folder(self, relative: str, *, create: bool = False) -> Folder:
        """The folder at `relative` ('' for the root itself); see Folder.folder."""
        if not relative:
            return self.root
        found = self._open.pop(relative, None)
        if found is None:
            parent, _, name = relative.rpartition("/")
            if name in ("", ".", ".."):
                raise LinkRefused(self.root.path / relative, f"{name!r} is not a folder name")
            # Each level is kept open too: the files of a build share their upper folders
            # (2026/, 2026/11/, ...), which are then opened once, not once per file.
            base = self.folder(parent, create=create) if parent else self.root
            found = base._child(name, create=create)
            if len(self._open) >= OPEN_FOLDERS:
                self._open.pop(next(iter(self._open))).close()
        self._open[relative] = found  # most recently used last
        return found

    def forget(self, relative: str) -> None:
        """Close `relative` if open (before it is removed or replaced)."""
        found = self._open.pop(relative, None)
        if found is not None:
            found.close()

    def close(self) -> None:
        for found in self._open.values():
            found.close()
        self._open.clear()


@contextmanager
def tree(path: Path, *, create: bool = False) -> Iterator[Tree]:
    """A Tree rooted at the folder `path`, closed on exit."""
    with Folder.open(path, create=create) as root:
        opened = Tree(root)
        try:
            yield opened
        finally:
            opened.close()


def write_file(path: Path, data: bytes, *, root: Path | None = None, durable: bool = False) -> None:
    """Replace `path` with `data` through Folder.write. Folders between `root` (default: the
    file's own folder, which is made if missing) and the file are made as needed and never
    followed if they are links."""
    base = root if root is not None else path.parent
    relative = path.parent.relative_to(base).as_posix()
    with Folder.open(base, create=True) as top:
        if relative == ".":
            top.write(path.name, data, durable=durable)
            return
        with top.folder(relative, create=True) as folder:
            folder.write(path.name, data, durable=durable)
