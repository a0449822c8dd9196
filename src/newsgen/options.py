"""The options of one build, shared by `build`, `check`, `serve` and the pipeline.

A module of its own so that the pipeline needs nothing from build.py, which imports it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsgen.build.resident import Resident

# The years newsgen handles, for article dates and the build's clock. Wide of the calendar's
# ends, so that no time zone conversion, offset or news-sitemap window can overflow.
FIRST_YEAR, LAST_YEAR = 1000, 9998


@dataclass(frozen=True, slots=True)
class BuildOptions:
    root: Path
    drafts: bool = False  # publish articles marked `draft: true`
    future: bool = False  # publish articles dated after `now`
    now: datetime | None = None  # the build's clock; None means the current time
    force: bool = False  # write into an output folder that holds files newsgen did not write
    output: Path | None = None  # write here instead of the configured output_dir (serve does)
    full: bool = False  # read and render every article again, ignoring the build cache
    # Called with (files done, files planned) while the site is written; output is unaffected.
    progress: Callable[[int, int], None] | None = field(default=None, compare=False)
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)  # processes for Markdown
    wait: bool = False  # wait for another build of the site to finish instead of failing
    # An output path or URL whose rebuild decisions the build reports (build --explain).
    explain: str | None = None
    # What a serving process keeps between builds (build/resident.py); None for a cold build.
    resident: Resident | None = field(default=None, compare=False)
    # Return at once when no source changed and every file is in place. serve turns it off
    # once, after a start that took that path, to fill its memory (`resident`) for the edits.
    fast_path: bool = True
