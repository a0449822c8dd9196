"""`newsgen build`: load the config, skip the work when nothing changed since the last good
build and its files are all in place, else run the pipeline (pipeline.py) and remember what
it saw.

Every stage's problems end the build before anything is written, and the writer only touches
the output folder once everything rendered.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from newsgen.build import lock, stamps, writer
from newsgen.content.config import Config, load_config
from newsgen.errors import Problem
from newsgen.options import BuildOptions
from newsgen.store import db, state

__all__ = ["BuildOptions", "BuildReport", "build"]  # BuildOptions lives in options.py


@dataclass(frozen=True, slots=True)
class BuildReport:
    articles: int
    pages: int
    feeds: int
    drafts: int  # held back as drafts
    scheduled: int  # held back as dated after `now`
    next_due: datetime | None
    warnings: tuple[Problem, ...]
    write: writer.WriteReport
    output_dir: str
    seconds: float
    cache_hits: int = 0  # articles taken from the build cache, not read again
    explained: tuple[str, ...] = ()  # build --explain: why an output was or was not rebuilt
    # Nothing to build: no source changed (by their stat) and every file of the last build was
    # found in place with the stat it was left with. Nothing else was read or rendered.
    up_to_date: bool = False


def build(options: BuildOptions) -> BuildReport:
    started = time.perf_counter()
    config = load_config(options.root)
    output = options.output or config.output_path
    writer.check_output_dir(config, output)
    shown = f"{config.output_dir}/" if options.output is None else str(output)
    with lock.holding(config.state_dir, shown, wait=options.wait):
        return _build_locked(options, config, output, started)


def _build_locked(
    options: BuildOptions, config: Config, output: Path, started: float
) -> BuildReport:
    # A commit that a kill or a power cut interrupted is finished before anything else.
    recovery = writer.recover(output)
    if options.resident is not None:  # serve: the store stays open between builds
        store, remade = options.resident.connect(config.state_dir)
    else:
        store, remade = db.connect(config.state_dir)
    try:
        return _build_with(
            options, config, output, started=started, recovery=recovery, store=store, remade=remade
        )
    finally:
        if options.resident is None:
            store.close()


def _build_with(
    options: BuildOptions,
    config: Config,
    output: Path,
    *,
    started: float,
    recovery: writer.Recovery | None,
    store: sqlite3.Connection,
    remade: str | None,
) -> BuildReport:
    now = options.now or datetime.now(UTC)
    inputs = sources_fingerprint(config, options, output)
    skip = options.full or recovery is not None or not options.fast_path
    previous = None if skip else state.read(config, output)
    if (
        previous is not None
        and remade is None
        and previous.still_valid(inputs, output / writer.MANIFEST, now)
        and _in_place(store, output, previous.counts.files)
    ):
        report = _unchanged(previous, options, config, started)
        if options.explain:
            why = "no source, template, setting or option changed since the last build: kept"
            report = dataclasses.replace(report, explained=(f"{options.explain}: {why}",))
        return report
    # Imported only now: a build that has nothing to do should not spend a tenth of a
    # second importing Jinja, markdown-it and feedgen.
    from newsgen.build import pipeline  # noqa: PLC0415

    outcome = pipeline.run(
        config, output, now, options, store=store, remade=remade, stats=inputs.stats
    )
    if not outcome.events:  # else the next build runs in full
        state.save(
            config,
            output,
            inputs=inputs,
            manifest=output / writer.MANIFEST,
            now=now,
            valid_until=outcome.valid_until,
            counts=outcome.counts,
            warnings=tuple(w for w in outcome.warnings if w not in outcome.events),
        )
    return _report(
        outcome.counts,
        options,
        config,
        started,
        warnings=(*(recovery.warnings if recovery else ()), *outcome.warnings),
        written=outcome.written,
        cache_hits=outcome.cache_hits,
        explained=outcome.explained,
    )


def sources_fingerprint(config: Config, options: BuildOptions, output: Path) -> state.Inputs:
    """What a build into `output` with `options` is made from, for the fast path: the sources'
    stats, the options that change the site and the output folder."""
    return state.fingerprint(config, (options.drafts, options.future, str(output.resolve())))


def _in_place(store: sqlite3.Connection, output: Path, files: int) -> bool:
    """Whether all `files` of the last build are in `output` as it left them: one lstat each
    against the stamps kept in the store. A file missing or touched, or no stamps, means the
    pipeline runs, and makes again what is not there."""
    return stamps.in_place(output, stamps.Kept(store, output)) == files


def _unchanged(
    previous: state.BuildState, options: BuildOptions, config: Config, started: float
) -> BuildReport:
    counts = previous.counts
    written = writer.WriteReport(counts.files, 0, counts.files, 0)  # each one checked in place
    report = _report(
        counts,
        options,
        config,
        started,
        warnings=previous.warnings,  # what the sources still say
        written=written,
        cache_hits=0,  # nothing was taken from the cache: nothing was read
    )
    return dataclasses.replace(report, up_to_date=True)


def _report(
    counts: state.Counts,
    options: BuildOptions,
    config: Config,
    started: float,
    *,
    warnings: tuple[Problem, ...],
    written: writer.WriteReport,
    cache_hits: int,
    explained: tuple[str, ...] = (),
) -> BuildReport:
    return BuildReport(
        articles=counts.articles,
        pages=counts.pages,
        feeds=counts.feeds,
        drafts=counts.drafts,
        scheduled=counts.scheduled,
        next_due=datetime.fromisoformat(counts.next_due) if counts.next_due else None,
        warnings=warnings,
        write=written,
        output_dir=str(options.output) if options.output else config.output_dir,
        seconds=time.perf_counter() - started,
        cache_hits=cache_hits,
        explained=explained,
    )
