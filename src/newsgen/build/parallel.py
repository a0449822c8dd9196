"""Render planned files on all cores: each batch is shared out to forked worker processes,
which see the planned files (and the templates they close over) without pickling them.

The bytes of a file never depend on the process that rendered it, and results keep the
batch's order, so the output is the same whatever --jobs. Every worker newsgen forks (here and
in collect.py) dies with the build that forked it, however the build ends (worker_started).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection

from newsgen.build.writer import RenderMany
from newsgen.errors import NewsgenError
from newsgen.model import PlannedFile

# Below this many files in a batch, forking costs more than it saves.
PARALLEL_THRESHOLD = 48
# The building process writes every file of a batch once all are rendered, which costs about
# a sixth of rendering them (a 10,000-article build, one process): it renders that much less
# than each worker, so that the batch's two halves of work end together.
WRITE_SHARE = 0.15
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
HELD = {signal.SIGINT, signal.SIGTERM}


@contextmanager
def forking() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while workers are forked: Python ignores an exception that a
    signal handler raises inside its fork hooks, so a signal arriving then would be lost and
    the build would go on. Held, it is handled just after."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def worker_started(parent: int) -> None:
    """Run first in every forked worker: make it die with `parent`, the build.

    A build killed with SIGKILL cannot stop its workers; left alone they would wait forever
    for work (or for a reader of their results) while holding the build's stdout and stderr,
    so that `newsgen build | tee log` never ends. Linux kills a worker when its parent dies
    (PR_SET_PDEATHSIG); elsewhere a thread checks for the parent. The worker lets go of the
    build's output at once: what it has to say goes back through its pipe."""
    # Ctrl-C is the build's to handle (a terminal sends it to every worker too), and a
    # terminate() from the build must end a worker quietly, at once.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD)  # held by forking() in the build
    if not _parent_death_signal():
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the build died before the signal was set up
        os._exit(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)


def _parent_death_signal() -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)) == 0
    except (OSError, AttributeError):  # not Linux
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def renderer(jobs: int) -> RenderMany | None:
    """A function rendering a batch on `jobs` processes; None (render in turn) for one job or
    where fork is not available."""
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return lambda batch: render_batch(batch, jobs)


Worker = tuple[Sequence[int], Connection, multiprocessing.process.BaseProcess]


def render_batch(batch: Sequence[PlannedFile], jobs: int) -> list[bytes]:
    if len(batch) < PARALLEL_THRESHOLD:
        return [planned.render() for planned in batch]
    workers = _start_workers(batch, jobs)
    assigned = {index for share, _, _ in workers for index in share}
    results: list[bytes] = [b""] * len(batch)
    try:
        for index in range(len(batch)):  # this process renders what no worker took
            if index not in assigned:
                results[index] = batch[index].render()
        for share, receiving, _ in workers:
            for index, content in zip(share, _answer(receiving), strict=True):
                results[index] = content
    except BaseException:
        for _, _, process in workers:
            process.terminate()
        raise
    finally:
        for _, receiving, process in workers:
            receiving.close()
            process.join()
    return results


def _start_workers(batch: Sequence[PlannedFile], jobs: int) -> list[Worker]:
    """Up to jobs - 1 forked workers, each with its share of the batch (see `grouped_shares`)."""
    context = multiprocessing.get_context("fork")
    workers: list[Worker] = []
    try:
        for share in grouped_shares(batch, jobs)[1:]:
            receiving, sending = context.Pipe(duplex=False)
            process = context.Process(
                target=_render_share, args=(batch, share, sending, os.getpid())
            )
            # Daemonic: a build that exits on Ctrl-C or SIGTERM ends its workers instead of
            # waiting for them (one blocked on a full pipe would wait forever).
            process.daemon = True
            try:
                with forking():
                    process.start()
            except OSError:  # no memory or processes left: this process renders the share
                receiving.close()
                break
            finally:
                sending.close()
            workers.append((share, receiving, process))
    except BaseException:  # Ctrl-C or SIGTERM between two forks: end those already started
        for _, pipe, started in workers:
            started.terminate()
            pipe.close()
            started.join()
        raise
    return workers


def grouped_shares(batch: Sequence[PlannedFile], jobs: int) -> list[list[int]]:
    """`shares` of the batch's files, where files that are made `together` (one after
    another) count as one and go to one process."""
    groups: list[list[int]] = []
    for index, planned in enumerate(batch):
        if planned.together and groups and batch[groups[-1][0]].together == planned.together:
            groups[-1].append(index)
        else:
            groups.append([index])
    return [[i for group in share for i in groups[group]] for share in shares(len(groups), jobs)]


def shares(count: int, jobs: int) -> list[list[int]]:
    """The indices of a batch of `count` files that each of `jobs` processes renders, the
    building process's first: interleaved, so that each gets files of every kind; the
    building process's share is smaller by WRITE_SHARE of a worker's."""
    if jobs <= 1:
        return [list(range(count))]
    mine = max(0.0, (1 - (jobs - 1) * WRITE_SHARE) / jobs)
    found: list[list[int]] = [[] for _ in range(jobs)]
    worker = 0
    for index in range(count):
        if int((index + 1) * mine) > int(index * mine):
            found[0].append(index)
        else:
            found[1 + worker].append(index)
            worker = (worker + 1) % (jobs - 1)
    return found


def _answer(receiving: Connection) -> list[bytes]:
    try:
        outcome = receiving.recv()
    except EOFError:
        raise NewsgenError(
            "a worker process rendering pages ended without an answer (killed, or out of "
            "memory); the previous site is unchanged"
        ) from None
    if isinstance(outcome, BaseException):
        raise outcome
    return list(outcome)


def _render_share(
    batch: Sequence[PlannedFile], share: Sequence[int], sending: Connection, parent: int
) -> None:
    worker_started(parent)
    try:
        outcome: list[bytes] | BaseException = [batch[index].render() for index in share]
    except Exception as exc:  # raised again in the parent, which reports it
        outcome = exc
    try:
        sending.send(outcome)
    except Exception as exc:  # an exception that does not pickle
        sending.send(RuntimeError(f"rendering failed in a worker process: {exc!r}"))
    finally:
        sending.close()
        os._exit(0)  # no atexit handlers or flushes of the parent's buffers in the child
