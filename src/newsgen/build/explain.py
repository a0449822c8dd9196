"""`newsgen build --explain PATH`: why one output was or was not rebuilt, one line per decision.

The decisions are the build's own: whether the last plan is compared at all (plan), whether the
declaration that makes the output changed (memo.changed_files records it), and whether the
writer found its bytes changed. Nothing here decides anything.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from newsgen.build import writer
from newsgen.content import urls
from newsgen.content.config import Config
from newsgen.options import BuildOptions
from newsgen.store import memo


@dataclass(slots=True)
class Explainer:
    path: str  # in the output folder
    output: Path
    lines: list[str] = field(default_factory=list)
    before: str | None = None  # digest of the file before the build

    @classmethod
    def of(
        cls,
        options: BuildOptions,
        config: Config,
        output: Path,
        previous: memo.PlanMemo | None,
        context: str,
    ) -> Explainer | None:
        if not options.explain:
            return None
        explainer = cls(output_path(options.explain, config), output)
        explainer.lines.append(_plan_decision(options, previous, context, output))
        explainer.before = _digest_of(output / explainer.path)
        return explainer

    def finish(self, unit_decisions: list[str]) -> tuple[str, ...]:
        """Every line, once the site is written."""
        return (
            *self.lines,
            *(unit_decisions or [f"{self.path}: {self._not_declared()}"]),
            self._write_decision(_digest_of(self.output / self.path)),
        )

    def _not_declared(self) -> str:
        if (self.output / self.path).is_file():
            return "made on every build (search, static files, image variants); kept if unchanged"
        return "no output of this build has this path"

    def _write_decision(self, after: str | None) -> str:
        if after is None:
            return f"{self.path}: not in the output folder"
        if self.before == after:
            return f"{self.path}: bytes unchanged: the file on disk was kept"
        return f"{self.path}: written: " + ("its bytes changed" if self.before else "new")


def output_path(asked: str, config: Config) -> str:
    """The output path that `build --explain` names: a path in the output folder (with or
    without the folder's name) or a site URL."""
    if asked.startswith("/"):
        return urls.output_path(asked) if asked.endswith("/") else asked.lstrip("/")
    return asked.removeprefix(f"{config.output_dir}/")


def _plan_decision(
    options: BuildOptions, previous: memo.PlanMemo | None, context: str, output: Path
) -> str:
    if options.full:
        return "plan: --full renders every output again"
    if previous is None:
        return "plan: no earlier plan for this output folder: every output is rendered"
    if previous.context != context:
        return (
            "plan: settings, templates, the section list or options changed since the last "
            "build: every output is rendered"
        )
    if not memo.belongs(previous, context, output / writer.MANIFEST):
        return "plan: the output folder was written since the last plan: every output is rendered"
    return "plan: the last build's plan is compared output by output"


def _digest_of(path: Path) -> str | None:
    try:
        return hashlib.blake2b(path.read_bytes()).hexdigest()
    except OSError:
        return None
