"""Time a command and the peak memory of its whole process tree.

Peak memory is sampled from /proc every SAMPLE_SECONDS while the command runs: the sum of the
resident set sizes (RSS) of the command and every live descendant at that instant, the highest
sum seen. Pages shared between processes (a forked worker's copy-on-write memory) count once
per process, so the sum is an upper bound. A child that lives shorter than one sample can be
missed by the sampler, so the figure is never below the largest single process of the tree as
the kernel reports it at exit (wait4's ru_maxrss, which covers waited-for descendants).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.02
_PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_bytes: int


class CommandFailed(RuntimeError):
    pass


def run(commands: list[list[str]], cwd: Path) -> Measured:
    """Run `commands` one after another as one timed step; fail on the first that fails."""
    seconds = 0.0
    peak = 0
    for command in commands:
        measured = _run_one(command, cwd)
        seconds += measured.seconds
        peak = max(peak, measured.peak_bytes)
    return Measured(seconds, peak)


def _run_one(command: list[str], cwd: Path) -> Measured:
    log = cwd / ".bench-output.log"
    with log.open("wb") as output:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=output, stderr=subprocess.STDOUT)
        sampler = TreeSampler(process.pid)
        sampler.start()
        # wait4 (not Popen.wait) to get the kernel's resource usage of the finished tree.
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        sampled = sampler.finish()
    if process.returncode:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise CommandFailed(f"{' '.join(command)} exited {process.returncode}:\n{tail}")
    return Measured(elapsed, max(sampled, usage.ru_maxrss * 1024))


class TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and its descendants until told to finish."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak = 0
        self._done = threading.Event()

    def finish(self) -> int:
        self._done.set()
        self.join()
        return self.peak

    def run(self) -> None:
        tree = {self.root}
        known: set[int] = set()  # the first pass reads every process's parent
        while not self._done.is_set():
            current = _pids()
            # A new process belongs to the tree when its parent does; only new pids are read.
            for pid in sorted(current - known):
                if _parent(pid) in tree:
                    tree.add(pid)
            tree &= current | {self.root}
            known = current
            self.peak = max(self.peak, sum(_rss(pid) for pid in tree))
            self._done.wait(SAMPLE_SECONDS)


def _pids() -> set[int]:
    return {int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()}


def _parent(pid: int) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return -1
    # The command name (in parentheses) may hold spaces; the fields after it do not.
    return int(stat[stat.rindex(b")") + 2 :].split()[1])


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_bytes().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0
