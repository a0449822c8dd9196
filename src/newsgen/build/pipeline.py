"""The stages of a build in order: articles (through the cache), selection, plan, pages and
feeds, sitemaps, search, write. build.py decides whether to run them at all.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

import jinja2

from newsgen import __version__
from newsgen.build import collect, inventory, parallel, stamps, writer
from newsgen.build.explain import Explainer
from newsgen.build.resident import Resident
from newsgen.build.writer import RenderMany
from newsgen.content import authors, images, notices
from newsgen.content.config import STATE_DIR, Config
from newsgen.errors import BuildFailed, NewsgenError, Problem, WriteFailed
from newsgen.model import OutputFile, PlannedFile, RenderedArticle, Unit, input_digest
from newsgen.options import BuildOptions
from newsgen.outputs import assets, corrections, feeds, latest, pages, sitemaps, variants
from newsgen.outputs.cards import svg_warnings
from newsgen.outputs.fragments import Fragments
from newsgen.outputs.messages import load as load_messages
from newsgen.outputs.messages import missing_warnings
from newsgen.outputs.search import outputs as search_outputs
from newsgen.outputs.templates import make_environment, template_problem, templates_fingerprint
from newsgen.plan import archive
from newsgen.store import db, memo, state
from newsgen.store.cache import ArticleCache, CachedArticle, StatKey, settings_fingerprint

SCHEDULE_FILE = "schedule.json"
# The store's meta row holding the key of the last inventory found sound.
INVENTORY_META = "inventory"


@dataclass(frozen=True, slots=True)
class Outcome:
    counts: state.Counts
    written: writer.WriteReport
    warnings: tuple[Problem, ...]
    cache_hits: int
    valid_until: datetime | None  # when time alone will change the site
    explained: tuple[str, ...] = ()  # build --explain: the decisions about one output
    # Warnings of this build alone (its store, its cache, its writer), not about the sources:
    # a build that has any is not trusted to stand for the next one.
    events: tuple[Problem, ...] = ()


def run(
    config: Config,
    output: Path,
    now: datetime,
    options: BuildOptions,
    *,
    store: sqlite3.Connection,
    remade: str | None = None,
    stats: Mapping[str, StatKey] | None = None,
) -> Outcome:
    """Build into `output` with the `store` (`remade`: the warning of a store made anew);
    `stats` (by path) are the articles' stats already taken."""
    return _run(config, output, now, options, store=store, remade=remade, stats=stats or {})


def _run(
    config: Config,
    output: Path,
    now: datetime,
    options: BuildOptions,
    *,
    store: sqlite3.Connection,
    remade: str | None,
    stats: Mapping[str, StatKey],
) -> Outcome:
    resident = options.resident or Resident()  # a cold build keeps nothing in memory
    fingerprint = settings_fingerprint(config)
    cache = ArticleCache(store, config.state_dir / "cache", fingerprint)
    kept_articles = resident.cached_articles(fingerprint)
    loaded = _articles(config, options, cache, kept_articles, stats)
    selection = _select(loaded, options, now)
    memo_key = memo.output_key(output)
    feed_key, templates = settings_key(config), templates_fingerprint(config)
    page_key = input_digest((feed_key, templates))  # as site_key
    previous = None
    if not options.full:
        previous = resident.memos.get(memo_key) or memo.load(store, memo_key)
    site, plan_key, kept_plan = _plan(selection, config, resident, previous, feed_key)
    nav = site.nav  # every language's
    context = memo.context(page_key, nav, options.drafts, options.future)
    explainer = Explainer.of(options, config, output, previous, context)
    if previous is not None and not memo.belongs(previous, context, output / writer.MANIFEST):
        previous = None
    same_plan = _same_plan(
        loaded, previous, plan_key=plan_key, kept=kept_plan, resident=resident, output=memo_key
    )
    read_again = loaded.changed if same_plan else None
    inventory_key = _verify_inventory(
        site, config, plan_key, resident, None if options.full else store
    )
    env = resident.templates(config, templates) or make_environment(config)
    render_many = parallel.renderer(options.jobs)
    fragments = _teasers(
        store,
        resident.teasers(page_key) or Fragments(env, page_key),
        site.entries,
        root=config.root,
        render_many=render_many,
        reuse=not options.full,
        read_again=read_again,
    )
    units = itertools.chain(
        pages.units(site, env, config, page_key),
        feeds.units(site, config, feed_key),
        corrections.units(site, env, config, page_key, feed_key),
        latest.units(site, env, page_key),
        sitemaps.units(site, config, now, plan_key),
    )
    sorted_units = memo.Sorted([], {}, explainer.path if explainer else None)
    written = _write(
        units,
        previous,
        sorted_units,
        site=site,
        config=config,
        options=options,
        output=output,
        store=store,
        remade=remade,
        resident=resident,
        render_many=render_many,
        read_again=read_again,
    )
    generation = loaded.basis
    if loaded.changed:
        # Without reuse (--full) every row is written again, dropping stale ones.
        sources = loaded.changed if not options.full else None
        saved = cache.save(loaded.entries, sources, loaded.dropped_bodies)
        # The rows are now this build's records, unless it read the others from a serving
        # process's memory instead of from them.
        generation = saved if kept_articles is None or options.full else ""
    # Saved after the cache: a memo naming a generation was made from that generation's rows.
    manifest_stamp = memo.manifest_stamp(output / writer.MANIFEST)
    planned = memo.PlanMemo(
        context,
        manifest_stamp,
        sorted_units.remembered,
        site.related_memo,
        plan=plan_key,
        articles=generation,
    )
    memo.save(store, memo_key, planned, previous)
    fragments.save(store, site.entries, loaded.dropped_bodies, sweep=options.full)
    # The site and the store are committed: what they hold may now stand in for them.
    resident.remember(
        articles=(fingerprint, loaded.entries),
        memo=(memo_key, planned),
        environment=((config, templates), env),
        fragments=fragments,
        site_plan=(plan_key, site),
        inventory=inventory_key,
    )
    resident.written[memo_key] = (manifest_stamp, written.entries)
    if options.output is None:  # a preview (serve) says nothing of the published site
        _write_schedule(config, selection, now)
    counts = _counts(site, selection, written)
    changes = [selection.next_due, sitemaps.news_window_ends(site.entries, now)]
    valid_until = min((moment for moment in changes if moment), default=None)
    warnings = (
        *([Problem(".newsgen/" + db.STORE_FILE, 1, 1, remade)] if remade else []),
        *loaded.warnings,
        *assets.static_files(config).skipped,
        *written.warnings,
        *svg_warnings(r.article for r in selection.published),
        *authors.unused(config.profiles, (r.article for r in selection.published)),
        *images.missing(selection.published, config.static_dir),
        *missing_warnings(load_messages(config), config),
    )
    explained = explainer.finish(sorted_units.explained) if explainer else ()
    events = (*(w for w in warnings if w.path.startswith(STATE_DIR)), *written.warnings)
    return Outcome(counts, written, warnings, loaded.cache_hits, valid_until, explained, events)


def _write(
    units: Iterable[Unit],
    previous: memo.PlanMemo | None,
    sorted_units: memo.Sorted,
    *,
    site: archive.SitePlan,
    config: Config,
    options: BuildOptions,
    output: Path,
    store: sqlite3.Connection,
    remade: str | None,
    resident: Resident,
    render_many: RenderMany | None,
    read_again: frozenset[str] | None,
) -> writer.WriteReport:
    """Render and write what changed since `previous`; `sorted_units` learns what was kept."""
    kept_stamps = stamps.Kept(store, output)  # of the files, in .newsgen/
    key = memo.output_key(output)
    # A serving process trusts the files of its last write in its own preview folder, which
    # nothing else writes, while the manifest and the store are the ones it wrote.
    own = key == memo.output_key(config.preview_dir) and not (options.full or remade)
    trusted = resident.trusted(key, output / writer.MANIFEST) if own else None
    resident.written.pop(key, None)  # until this write has succeeded
    try:
        # A unit whose files' stats all match their stamps is kept as it is.
        intact = writer.intact_check(output, kept_stamps, trusted)
        changed = memo.changed_files(units, previous, sorted_units, intact, read_again)
        outputs = _outputs(changed, site, config, options, output=output)
        if options.progress is not None:
            outputs = _reporting(outputs, site.page_count + site.feed_count, options.progress)
        return writer.write(
            outputs,
            output,
            force=options.force,
            keep=sorted_units.kept,
            render_many=render_many,
            verify=options.full,
            kept_stamps=kept_stamps,
            trusted=trusted,
        )
    except jinja2.TemplateError as exc:
        raise BuildFailed([template_problem(exc, config.root)]) from exc


def _plan(
    selection: archive.Selection,
    config: Config,
    resident: Resident,
    previous: memo.PlanMemo | None,
    settings: str,
) -> tuple[archive.SitePlan, str, bool]:
    """The plan, the key of what it was made from, and whether it is a serving process's last
    plan, kept because every published article's view is the same (a body edit); else it is
    planned anew."""
    key = archive.plan_key(selection.published, settings)
    current = {r.article.source: r for r in selection.published}
    kept = resident.plan(key, current)
    if kept is not None:
        return kept, key, True
    related = previous.related if previous else None
    return archive.plan(selection.published, config, related), key, False


def _same_plan(
    loaded: collect.Loaded,
    previous: memo.PlanMemo | None,
    *,
    plan_key: str,
    kept: bool,
    resident: Resident,
    output: str,
) -> bool:
    """Whether `previous` (a memo that belongs here) was made from this very plan and from
    the records the articles not read again still have: then the articles read again are all
    that can have changed what a unit shows (see memo.changed_files).

    A serving process knows it by identity: it kept its last plan, and the memo is the one its
    last build left (see Resident). A new process knows it from the memo's data: the same plan
    key, and the generation of the article cache it read."""
    if previous is None:
        return False
    if kept and resident.planned_for == output:
        return previous is resident.memos.get(output)
    return bool(loaded.basis) and previous.articles == loaded.basis and previous.plan == plan_key


def _verify_inventory(
    site: archive.SitePlan,
    config: Config,
    plan_key: str,
    resident: Resident,
    store: sqlite3.Connection | None,
) -> str:
    """Check every output path (BuildFailed names the clashes); return the key of what was
    checked. The inventory depends on the plan, the static files and the images' variants (by
    the articles' sized images) alone: it is checked once for each, and the store remembers
    the last key found sound, so a build that changed none of them (a body edit) skips it."""
    static = tuple(sorted((k, str(v)) for k, v in assets.static_files(config).files.items()))
    key = input_digest((plan_key, static, tuple(r.images for r in site.entries)))
    if resident.inventory == key or (store is not None and db.meta(store, INVENTORY_META) == key):
        return key
    inventory.verify(inventory.outputs(site, config))
    if store is not None:
        # Kept at once: the key says this inventory is sound, whatever becomes of the build.
        with contextlib.suppress(sqlite3.Error):
            db.set_meta(store, INVENTORY_META, key)
    return key


def _articles(
    config: Config,
    options: BuildOptions,
    cache: ArticleCache,
    kept: dict[str, CachedArticle] | None,
    stats: Mapping[str, StatKey],
) -> collect.Loaded:
    loaded = collect.load(
        config,
        cache,
        options.jobs,
        cache.fingerprint,
        reuse=not options.full,
        kept=kept,
        stats=stats,
    )
    if loaded.problems:
        raise BuildFailed(loaded.problems)
    return loaded


def _select(loaded: collect.Loaded, options: BuildOptions, now: datetime) -> archive.Selection:
    selection = archive.select(
        loaded.articles, drafts=options.drafts, future=options.future, now=now
    )
    if not options.future:  # with --future, the build previews a later time
        late = tuple(notices.future_problems((r.article for r in selection.published), now))
        if late:
            raise BuildFailed(late)
    return selection


def _counts(
    site: archive.SitePlan, selection: archive.Selection, written: writer.WriteReport
) -> state.Counts:
    return state.Counts(
        articles=len(site.entries),
        pages=site.page_count,
        feeds=site.feed_count,
        files=written.files,
        drafts=selection.drafts,
        scheduled=selection.scheduled,
        next_due=selection.next_due.isoformat() if selection.next_due else None,
    )


def _teasers(
    store: sqlite3.Connection,
    fragments: Fragments,
    entries: tuple[RenderedArticle, ...],
    *,
    root: Path,
    render_many: RenderMany | None,
    reuse: bool,
    read_again: frozenset[str] | None = None,
) -> Fragments:
    """Every published article's teaser, from the store or rendered now on all cores, lent to
    the templates before any page renders (forked workers then share them). With
    `read_again` (see memo.changed_files), the last build's teasers are all there: only
    those of the articles read again can be missing."""
    if not reuse:  # --full renders every teaser again
        fragments.clear()
    elif not fragments.known and not fragments.stored:
        fragments.load(store)
    fragments.attach(store)
    if read_again is not None:
        entries = tuple(entry for entry in entries if entry.article.source in read_again)
    missing = fragments.missing(entries)
    try:
        rendered = render_many(missing) if render_many else [r.render() for r in missing]
    except jinja2.TemplateError as exc:
        raise BuildFailed([template_problem(exc, root)]) from exc
    fragments.add(missing, rendered)
    fragments.env.globals["teaser"] = fragments.teaser
    return fragments


def _outputs(
    changed: Iterator[PlannedFile],
    site: archive.SitePlan,
    config: Config,
    options: BuildOptions,
    *,
    output: Path,
) -> Iterator[OutputFile | PlannedFile]:
    search = (
        search_outputs(site.entries, config, options.jobs, reuse=not options.full, output=output)
        if config.search
        else ()
    )
    resized = variants.planned(variants.used(site.entries, config), config)
    return itertools.chain(
        with_render_errors(changed, config.root, output.name),
        assets.collect(config),
        resized,
        search,
    )


def with_render_errors(
    outputs: Iterator[PlannedFile], root: Path, shown: str
) -> Iterator[PlannedFile]:
    """Template errors as BuildFailed, and files that rendering could not read or write as
    RenderFailed, raised where the writer renders pages: to the writer an OSError would be a
    failure to write the site."""
    try:
        for planned in outputs:
            render = partial(_render, planned.render, root, f"{shown}/{planned.path}")
            yield PlannedFile(planned.path, planned.key, render)
    except jinja2.TemplateError as exc:
        raise BuildFailed([template_problem(exc, root)]) from exc


def _render(render: Callable[[], bytes], root: Path, shown: str) -> bytes:
    try:
        return render()
    except jinja2.TemplateError as exc:
        raise BuildFailed([template_problem(exc, root)]) from exc
    except OSError as exc:
        raise render_failure(exc, shown, root) from exc


class RenderFailed(NewsgenError):
    """A file that rendering a page needed could not be read or written."""


def render_failure(exc: OSError, shown: str, root: Path) -> RenderFailed:
    """What failed and where: the page, the file it needed, and what to do about it."""
    where = str(exc.filename or "")
    hint = ""
    if where and Path(where).is_relative_to(root):
        where = Path(where).relative_to(root).as_posix()
        if where.startswith(".newsgen/"):
            hint = "; `newsgen build --full` makes newsgen's cache again"
    needed = f" ({where})" if where else ""
    return RenderFailed(
        f"cannot render {shown}: {exc.strerror or exc}{needed}; the previous site is "
        f"unchanged{hint}"
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
