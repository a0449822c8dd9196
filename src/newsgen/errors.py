"""The user-facing error types: every problem newsgen reports carries a file position.

Stages collect `Problem`s and raise one `BuildFailed` with all of them, so a run reports every
mistake at once. Only `cli.py` prints them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One mistake in the user's sources, at a 1-based line and column of a file."""

    path: str
    line: int
    column: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}:{self.column}: {self.message}"
        return f"{text}\nhint: {self.hint}" if self.hint else text


class NewsgenError(Exception):
    """Base class of every error newsgen reports to the user without a traceback."""


class BuildFailed(NewsgenError):
    """The sources have one or more problems; nothing was written."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(sorted(problems, key=lambda p: (p.path, p.line, p.column)))
        super().__init__("\n".join(str(p) for p in self.problems))


class OutputRefused(NewsgenError):
    """The output directory is unsafe to write to (it is the sources, or holds foreign files)."""


class WriteFailed(NewsgenError):
    """Writing the site failed (disk full, permissions); the previous site is unchanged."""
