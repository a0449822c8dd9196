"""One build at a time per site: a lock file in .newsgen/ that holds the writer's pid.

Every build takes it before it reads the build state or the cache and keeps it until the site
and the cache are written; serve's rebuilds take the same lock, since they share the cache.
The lock is a POSIX record lock (fcntl): the kernel drops it when its process ends, however it
ends, so a lock left by a killed build is simply taken over, and it is not inherited by the
worker processes a build forks, which could outlive a killed build.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newsgen.errors import NewsgenError, WriteFailed

LOCK_FILE = "build.lock"


class BuildLocked(NewsgenError):
    """Another newsgen process is building the same site."""


@contextmanager
def holding(state_dir: Path, writing: str, *, wait: bool = False) -> Iterator[None]:
    """Hold the site's build lock; `writing` names what this build writes, for the message
    another build shows. Without `wait`, a lock held by another process raises BuildLocked."""
    path = state_dir / LOCK_FILE
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise WriteFailed(
            f"cannot take the build lock .newsgen/{LOCK_FILE}: {exc.strerror or exc}"
        ) from exc
    try:
        _lock(descriptor, wait)
        # Who holds it, for the message of a build that finds it taken.
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n{writing}\n".encode(), 0)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


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
