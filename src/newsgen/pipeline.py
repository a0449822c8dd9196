"""The stages of a build in order: articles (through the cache), selection, plan, pages and
feeds, sitemaps, search, write. build.py decides whether to run them at all.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from newsgen import __version__, archive, assets, collect, feeds, pages, sitemaps, state, writer
from newsgen.cache import ArticleCache, settings_fingerprint
from newsgen.config import Config
from newsgen.errors import BuildFailed, Problem, WriteFailed
from newsgen.model import OutputFile, PlannedFile, input_digest
from newsgen.search import outputs as search_outputs
from newsgen.templates import make_environment, template_problem, templates_fingerprint

if TYPE_CHECKING:
    from newsgen.build import BuildOptions

SCHEDULE_FILE = "schedule.json"


@dataclass(frozen=True, slots=True)
class Outcome:
    counts: state.Counts
    written: writer.WriteReport
    warnings: tuple[Problem, ...]
    cache_hits: int
    valid_until: datetime | None  # when time alone will change the site


def run(config: Config, output: Path, now: datetime, options: BuildOptions) -> Outcome:
    fingerprint = settings_fingerprint(config)
    cache = ArticleCache(config.state_dir / "cache", fingerprint)
    loaded = collect.load(config, cache, options.jobs, fingerprint, reuse=not options.full)
    if loaded.problems:
        raise BuildFailed(loaded.problems)
    selection = archive.select(
        loaded.articles, drafts=options.drafts, future=options.future, now=now
    )
    site = archive.plan(selection.published, config)
    env = make_environment(config)
    try:
        outputs = _outputs(site, env, config, now)
        if options.progress is not None:
            outputs = _reporting(outputs, site.page_count + site.feed_count, options.progress)
        written = writer.write(outputs, output, force=options.force)
    except jinja2.TemplateError as exc:
        raise BuildFailed([template_problem(exc, config.root)]) from exc
    if loaded.changed:
        cache.save(loaded.entries)
    if options.output is None:  # a preview (serve) says nothing of the published site
        _write_schedule(config, selection, now)
    counts = state.Counts(
        articles=len(site.articles),
        pages=site.page_count,
        feeds=site.feed_count,
        files=written.files,
        drafts=selection.drafts,
        scheduled=selection.scheduled,
        next_due=selection.next_due.isoformat() if selection.next_due else None,
    )
    changes = [selection.next_due, sitemaps.news_window_ends(site.entries, now)]
    valid_until = min((moment for moment in changes if moment), default=None)
    return Outcome(counts, written, loaded.warnings, loaded.cache_hits, valid_until)


def _outputs(
    site: archive.SitePlan, env: jinja2.Environment, config: Config, now: datetime
) -> Iterator[OutputFile | PlannedFile]:
    html = pages.render(site, env, config, site_key(config))
    return itertools.chain(
        html,
        feeds.render(site, config, settings_key(config)),  # feeds use no templates
        sitemaps.render(site, config, now),
        assets.collect(config),
        search_outputs(site.entries, config) if config.search else (),
    )


def _reporting(
    outputs: Iterator[OutputFile | PlannedFile], total: int, progress: Callable[[int, int], None]
) -> Iterator[OutputFile | PlannedFile]:
    for done, output in enumerate(outputs, start=1):
        progress(done, total)
        yield output


def site_key(config: Config) -> str:
    """What every page depends on besides its own content: newsgen, settings, templates."""
    return input_digest((settings_key(config), templates_fingerprint(config)))


def settings_key(config: Config) -> str:
    """What every feed depends on besides its entries: newsgen and the settings."""
    return input_digest((__version__, repr(dataclasses.replace(config, root=Path()))))


def _write_schedule(config: Config, selection: archive.Selection, now: datetime) -> None:
    """Tell a scheduler when to rebuild: kept beside the sources, never published."""
    schedule = {
        "built_for": now.isoformat(),
        "drafts": selection.drafts,
        "scheduled": selection.scheduled,
        "next_due": selection.next_due.isoformat() if selection.next_due else None,
    }
    try:
        writer.write_json(config.state_dir / SCHEDULE_FILE, schedule)
    except OSError as exc:
        raise WriteFailed(
            f"the site was written, but .newsgen/{SCHEDULE_FILE} could not be: "
            f"{exc.strerror or exc}"
        ) from exc
