"""What a long-running process (`newsgen serve`) keeps in memory from one build to the next.

A build from the command line starts cold: it reads the store, compiles the templates and loads
the teasers. A resident build starts from the last one's values instead: the decoded articles,
the plan memo, the plan itself, the compiled templates and the teasers, each used only while
what it was made for is unchanged (settings fingerprint, output folder and manifest, the
published articles' views, templates, context); and the entries of its last write into each
output folder, trusted while that folder's manifest is the one it wrote: its files are taken as
in place without an lstat each, since the preview folder is newsgen's own. The store stays the
truth: everything here is also there, and a build without it is the same build.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from newsgen.build.manifest import Written
from newsgen.content.config import Config
from newsgen.model import RenderedArticle
from newsgen.outputs.fragments import Fragments
from newsgen.plan import archive
from newsgen.plan.archive import SitePlan
from newsgen.store import db, memo
from newsgen.store.cache import CachedArticle
from newsgen.store.memo import PlanMemo


@dataclass
class Resident:
    """Mutable on purpose, owned by one serving process; a build updates it only once the
    site and the store are committed."""

    state_dir: Path | None = None
    store: sqlite3.Connection | None = None
    articles: tuple[str, dict[str, CachedArticle]] | None = None  # (settings fingerprint, …)
    memos: dict[str, PlanMemo] = field(default_factory=dict)  # by output folder
    environment: tuple[tuple[Config, str], jinja2.Environment] | None = None
    fragments: Fragments | None = None
    # The last plan, by what it was made from (archive.plan_key), and the key of the last
    # inventory found sound (the plan's key and the static files).
    site_plan: tuple[str, SitePlan] | None = None
    planned_for: str | None = None  # the output folder of the build that made site_plan
    inventory: str | None = None
    # By output folder: the manifest entries (with stamps) its last write left, and the
    # manifest's stat then. Forgotten when a write begins, kept again once it succeeded.
    written: dict[str, tuple[tuple[int, int, int], Mapping[str, Written]]] = field(
        default_factory=dict
    )

    def connect(self, state_dir: Path) -> tuple[sqlite3.Connection, str | None]:
        """The store, opened once for the life of the process."""
        if self.store is None or self.state_dir != state_dir:
            self.close()
            self.store, warning = db.connect(state_dir)
            self.state_dir = state_dir
            return self.store, warning
        return self.store, None

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
        self.store = None

    def remember(
        self,
        *,
        articles: tuple[str, dict[str, CachedArticle]],
        memo: tuple[str, PlanMemo],
        environment: tuple[tuple[Config, str], jinja2.Environment],
        fragments: Fragments,
        site_plan: tuple[str, SitePlan],
        inventory: str,
    ) -> None:
        """Keep what a build made, once its site and the store are committed."""
        self.articles, self.environment, self.fragments = articles, environment, fragments
        self.memos[memo[0]] = memo[1]
        self.site_plan, self.inventory = site_plan, inventory
        self.planned_for = memo[0]

    def trusted(self, output: str, manifest: Path) -> Mapping[str, Written] | None:
        """The entries the last write into `output` left, if its `manifest` is still the one
        written then: nothing else wrote the folder since."""
        kept = self.written.get(output)
        if kept is None or kept[0] == (0, 0, 0) or kept[0] != memo.manifest_stamp(manifest):
            return None
        return kept[1]

    def cached_articles(self, fingerprint: str) -> dict[str, CachedArticle] | None:
        if self.articles is None or self.articles[0] != fingerprint:
            return None
        return self.articles[1]

    def templates(self, config: Config, fingerprint: str) -> jinja2.Environment | None:
        """The environment compiled for these settings and template files, if it is kept."""
        if self.environment is None or self.environment[0] != (config, fingerprint):
            return None
        return self.environment[1]

    def plan(self, key: str, current: Mapping[str, RenderedArticle]) -> SitePlan | None:
        """The last plan, made from the same views, with `current`'s versions of its articles."""
        if self.site_plan is None or self.site_plan[0] != key:
            return None
        return archive.with_versions(self.site_plan[1], current)

    def teasers(self, context: str) -> Fragments | None:
        if self.fragments is None or self.fragments.context != context:
            return None
        return self.fragments
