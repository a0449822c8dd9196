"""Run the pipeline in order: config, articles, Markdown, plan, pages and feeds, write.

Reads top to bottom as the stages; every stage's problems end the build before anything is
written, and the writer only touches the output folder once everything rendered.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import jinja2

from newsgen import archive, assets, feeds, loader, pages, sitemaps, writer
from newsgen.config import Config, load_config
from newsgen.errors import BuildFailed, Problem
from newsgen.markdown import make_markdown, render_article
from newsgen.model import Article, OutputFile
from newsgen.search import with_search_index
from newsgen.templates import make_environment, template_problem

SCHEDULE_FILE = "schedule.json"


@dataclass(frozen=True, slots=True)
class BuildOptions:
    root: Path
    drafts: bool = False  # publish articles marked `draft: true`
    future: bool = False  # publish articles dated after `now`
    now: datetime | None = None  # the build's clock; None means the current time
    force: bool = False  # write into an output folder that holds files newsgen did not write
    output: Path | None = None  # write here instead of the configured output_dir (serve does)


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


def build(options: BuildOptions) -> BuildReport:
    started = time.perf_counter()
    config = load_config(options.root)
    output = options.output or config.output_path
    writer.check_output_dir(config, output)
    loaded = loader.load_articles(config)
    if loaded.problems:
        raise BuildFailed(loaded.problems)
    now = options.now or datetime.now(UTC)
    selection, site = plan_site(config, loaded.articles, options, now)
    env = make_environment(config)
    outputs = _outputs(site, env, config, now)
    try:
        written = writer.write(outputs, output, force=options.force)
    except jinja2.TemplateError as exc:
        raise BuildFailed([template_problem(exc, config.root)]) from exc
    if options.output is None:  # a preview (serve) says nothing about the published site
        _write_schedule(config, selection, now)
    return BuildReport(
        articles=len(site.articles),
        pages=len(site.articles)
        + len(site.listings)
        + len(site.term_indexes)
        + len(site.redirects)
        + 3,  # the archive index, search and 404 pages
        feeds=3 * len(site.feeds),
        drafts=selection.drafts,
        scheduled=selection.scheduled,
        next_due=selection.next_due,
        warnings=loaded.warnings,
        write=written,
        output_dir=str(options.output) if options.output else config.output_dir,
        seconds=time.perf_counter() - started,
    )


def plan_site(
    config: Config, articles: Sequence[Article], options: BuildOptions, now: datetime
) -> tuple[archive.Selection, archive.SitePlan]:
    """Choose what is published, render its Markdown, and plan every page of the site."""
    selection = archive.select(articles, drafts=options.drafts, future=options.future, now=now)
    md = make_markdown(config.allow_html)
    rendered = [render_article(md, article) for article in selection.published]
    return selection, archive.plan(rendered, config)


def _outputs(
    site: archive.SitePlan, env: jinja2.Environment, config: Config, now: datetime
) -> Iterator[OutputFile]:
    html = pages.render(site, env, config)
    everything = itertools.chain(
        with_search_index(html) if config.search else html,
        feeds.render(site, config),
        sitemaps.render(site, config, now),
        assets.collect(config),
    )
    return everything


def _write_schedule(config: Config, selection: archive.Selection, now: datetime) -> None:
    """Tell a scheduler when to rebuild: kept beside the sources, never published."""
    writer.write_json(
        config.state_dir / SCHEDULE_FILE,
        {
            "built_for": now.isoformat(),
            "drafts": selection.drafts,
            "scheduled": selection.scheduled,
            "next_due": selection.next_due.isoformat() if selection.next_due else None,
        },
    )
