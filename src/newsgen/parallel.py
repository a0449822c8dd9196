"""Render planned files on all cores: each batch is shared out to forked worker processes,
which see the planned files (and the templates they close over) without pickling them.

The bytes of a file never depend on the process that rendered it, and results keep the
batch's order, so the output is the same whatever --jobs.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from multiprocessing.connection import Connection

from newsgen.model import PlannedFile
from newsgen.writer import RenderMany

# Below this many files in a batch, forking costs more than it saves.
PARALLEL_THRESHOLD = 48


def renderer(jobs: int) -> RenderMany | None:
    """A function rendering a batch on `jobs` processes; None (render in turn) for one job or
    where fork is not available."""
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return lambda batch: render_batch(batch, jobs)


def render_batch(batch: Sequence[PlannedFile], jobs: int) -> list[bytes]:
    if len(batch) < PARALLEL_THRESHOLD:
        return [planned.render() for planned in batch]
    context = multiprocessing.get_context("fork")
    shares = [range(start, len(batch), jobs) for start in range(jobs)]
    workers = []
    for share in shares[1:]:
        receiving, sending = context.Pipe(duplex=False)
        process = context.Process(target=_render_share, args=(batch, share, sending))
        process.start()
        sending.close()
        workers.append((share, receiving, process))
    results: list[bytes] = [b""] * len(batch)
    try:
        for index in shares[0]:  # this process renders a share too
            results[index] = batch[index].render()
        for share, receiving, _ in workers:
            outcome = receiving.recv()
            if isinstance(outcome, BaseException):
                raise outcome
            for index, content in zip(share, outcome, strict=True):
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


def _render_share(batch: Sequence[PlannedFile], share: range, sending: Connection) -> None:
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
