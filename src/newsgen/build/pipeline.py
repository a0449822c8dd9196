"""The stages of a build in order: articles (through the cache), selection, plan, pages and
feeds, sitemaps, search, write. build.py decides whether to run them at all.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

import jinja2

from newsgen import __version__
from newsgen.build import collect, inventory, parallel, writer
from newsgen.content.config import Config
from newsgen.errors import BuildFailed, Problem, WriteFailed
from newsgen.model import OutputFile, PlannedFile, input_digest
from newsgen.options import BuildOptions
from newsgen.outputs import assets, feeds, pages, sitemaps
from newsgen.outputs.cards import svg_warnings
from newsgen.outputs.search import outputs as search_outputs
from newsgen.outputs.templates import make_environment, template_problem, templates_fingerprint
from newsgen.plan import archive
from newsgen.store import memo, state
from newsgen.store.cache import ArticleCache, settings_fingerprint

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
    memo_file = memo.memo_path(config.state_dir, output)
    page_key, feed_key = site_key(config), settings_key(config)
    previous = None if options.full else memo.load_any(memo_file)
    site = archive.plan(selection.published, config, previous.related if previous else None)
    nav = tuple((section.title, section.url) for section in site.sections)
    # The memo file is already one per output folder (see memo_path).
    context = memo.context(page_key, nav, options.drafts, options.future)
    if previous is not None and not memo.belongs(previous, context, output / writer.MANIFEST):
        previous = None
    inventory.verify(inventory.outputs(site, config))
    env = make_environment(config, keep_compiled=True)
    units = itertools.chain(
        pages.units(site, env, config, page_key), feeds.units(site, config, feed_key)
    )
    sorted_units = memo.Sorted([], {})
    try:
        intact = writer.intact_check(output)
        changed = memo.changed_files(units, previous, sorted_units, intact)
        outputs = _outputs(changed, site, config, now, options, output=output)
        if options.progress is not None:
            outputs = _reporting(outputs, site.page_count + site.feed_count, options.progress)
        written = writer.write(
            outputs,
            output,
            force=options.force,
            keep=sorted_units.kept,
            render_many=parallel.renderer(options.jobs),
            verify=options.full,
        )
    except jinja2.TemplateError as exc:
        raise BuildFailed([template_problem(exc, config.root)]) from exc
    memo.save(
        memo_file,
        memo.PlanMemo(
            context,
            memo.manifest_stamp(output / writer.MANIFEST),
            sorted_units.remembered,
            site.related_memo,
        ),
    )
    if loaded.changed:
        # Without reuse (--full) every shard is written again, dropping stale ones.
        sources = loaded.changed if not options.full else None
        cache.save(loaded.entries, sources, loaded.dropped_bodies)
    if options.output is None:  # a preview (serve) says nothing of the published site
        _write_schedule(config, selection, now)
    counts = state.Counts(
        articles=len(site.entries),
        pages=site.page_count,
        feeds=site.feed_count,
        files=written.files,
        drafts=selection.drafts,
        scheduled=selection.scheduled,
        next_due=selection.next_due.isoformat() if selection.next_due else None,
    )
    changes = [selection.next_due, sitemaps.news_window_ends(site.entries, now)]
    valid_until = min((moment for moment in changes if moment), default=None)
    warnings = (
        *loaded.warnings,
        *written.warnings,
        *svg_warnings(r.article for r in selection.published),
    )
    return Outcome(counts, written, warnings, loaded.cache_hits, valid_until)


def _outputs(
    changed: Iterator[PlannedFile],
    site: archive.SitePlan,
    config: Config,
    now: datetime,
    options: BuildOptions,
    *,
    output: Path,
) -> Iterator[OutputFile | PlannedFile]:
    search = (
        search_outputs(site.entries, config, options.jobs, reuse=not options.full, output=output)
        if config.search
        else ()
    )
    return itertools.chain(
        _template_errors(changed, config.root),
        sitemaps.render(site, config, now),
        assets.collect(config),
        search,
    )


def _template_errors(outputs: Iterator[PlannedFile], root: Path) -> Iterator[PlannedFile]:
    """Template errors as BuildFailed, raised where the writer renders pages: a missing
    template is an OSError to Python, which the writer would take for a disk failure."""
    try:
        for planned in outputs:
            yield PlannedFile(planned.path, planned.key, partial(_render, planned.render, root))
    except jinja2.TemplateError as exc:
        raise BuildFailed([template_problem(exc, root)]) from exc


def _render(render: Callable[[], bytes], root: Path) -> bytes:
    try:
        return render()
    except jinja2.TemplateError as exc:
        raise BuildFailed([template_problem(exc, root)]) from exc


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
