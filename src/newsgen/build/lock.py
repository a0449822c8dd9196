"""One build at a time per site: a lock file in .newsgen/ that holds the writer's pid.

Every build takes it before it reads the build state or the cache and keeps it until the site
and the cache are written; serve's rebuilds take the same lock, since they share the cache.
The lock is a POSIX record lock (fcntl): the kernel drops it when its process ends, however it
ends, so a lock left by a killed build is simply taken over, and it is not inherited by the
worker processes a build forks, which could outlive a killed build.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newsgen.errors import NewsgenError, WriteFailed
from newsgen.safefile import Folder

LOCK_FILE = "build.lock"


class BuildLocked(NewsgenError):
    """Another newsgen process is building the same site."""


@contextmanager
def holding(state_dir: Path, writing: str, *, wait: bool = False) -> Iterator[None]:
    """Hold the site's build lock; `writing` names what this build writes, for the message
    another build shows. Without `wait`, a lock held by another process raises BuildLocked."""
    try:
        with Folder.open(state_dir, create=True) as folder:
            descriptor = _open_lock_file(folder)
    except OSError as exc:
        raise WriteFailed(
            f"cannot take the build lock .newsgen/{LOCK_FILE}: {exc.strerror or exc}"
        ) from exc
    try:
        _lock(descriptor, wait)
        # Who holds it, for the message of a build that finds it taken.
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n{writing}\n".encode(), 0)
        with contextlib.suppress(OSError), Folder.open(state_dir) as folder:
            folder.remove_temporaries()  # of a build that was killed: this one writes now
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _open_lock_file(folder: Folder) -> int:
    """The lock file, opened without following a link and never anything but a regular file:
    a link or a FIFO planted at its name is removed and a file made in its place (the lock
    holds nothing but a pid, so nothing is lost), never truncated through."""
    while True:
        try:
            descriptor = os.open(
                LOCK_FILE,
                os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                dir_fd=folder.descriptor,
            )
        except FileNotFoundError:
            with contextlib.suppress(FileExistsError):  # another build made it meanwhile
                folder.create_named(LOCK_FILE, b"")
            continue
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise
            folder.unlink(LOCK_FILE, missing_ok=True)  # a link: removed, not followed
            continue
        if stat.S_ISREG(os.fstat(descriptor).st_mode):
            return descriptor
        os.close(descriptor)
        folder.unlink(LOCK_FILE, missing_ok=True)


def _lock(descriptor: int, wait: bool) -> None:
    while True:
        try:
            fcntl.lockf(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            return
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EAGAIN):
                raise WriteFailed(f"cannot take the build lock: {exc.strerror or exc}") from exc
            if wait:
                continue  # interrupted by a signal: wait again
            raise BuildLocked(_held_by(descriptor)) from None


def _held_by(descriptor: int) -> str:
    # The holder writes its pid just after locking: give it a moment if the file is empty.
    for _ in range(20):
        lines = os.pread(descriptor, 4096, 0).decode("utf-8", "replace").splitlines()
        if len(lines) >= 2 and lines[0].isdigit():
            return (
                f"another newsgen build (pid {lines[0]}) is writing {lines[1]}; "
                "wait for it to finish"
            )
        time.sleep(0.01)
    return "another newsgen build is writing this site; wait for it to finish"
