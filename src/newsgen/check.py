"""`newsgen check`: every problem a build would find, plus broken links between articles and
pages of the site, without writing anything.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import jinja2

from newsgen.build import collect, inventory
from newsgen.build.pipeline import render_failure, settings_key, site_key
from newsgen.content import authors, images, notices
from newsgen.content.config import Config, load_config
from newsgen.content.contained import files_inside
from newsgen.content.links import broken_links
from newsgen.content.markdown import make_markdown
from newsgen.errors import BuildFailed, Problem
from newsgen.model import RenderedArticle
from newsgen.options import BuildOptions
from newsgen.outputs import assets, corrections, feeds, latest, messages, pages, sitemaps
from newsgen.outputs.cards import svg_warnings
from newsgen.outputs.templates import make_environment, template_problem
from newsgen.plan import archive, translations
from newsgen.store.cache import settings_fingerprint


@dataclass(frozen=True, slots=True)
class CheckReport:
    articles: int
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]


def check(options: BuildOptions) -> CheckReport:
    config = load_config(options.root)  # its problems end the check: nothing else can run
    # No cache: a check writes nothing, and bodies stay in memory.
    loaded = collect.load(config, None, options.jobs, settings_fingerprint(config))
    # Links out, links to folders, FIFOs and devices in templates/ and static/, as a build
    # finds them (articles/ is collect's).
    folders = [
        problem
        for folder in (config.templates_dir, config.static_dir)
        for problem in files_inside(folder, config.root)[1]
    ]
    problems = [*loaded.problems, *folders]
    if not folders:
        env = make_environment(config)
        problems.extend(_template_syntax(env, config))
        if not problems:
            problems.extend(_check_site(config, loaded.articles, options, env))
    unique = sorted(set(problems), key=lambda p: (p.path, p.line, p.column, p.message))
    now = options.now or datetime.now(UTC)
    published = archive.select(
        loaded.articles, drafts=options.drafts, future=options.future, now=now
    ).published
    # A missing body image is already a problem (a broken link): not a warning again.
    problem_lines = {(p.path, p.line) for p in unique}
    skipped = () if folders else assets.static_files(config).skipped
    warnings = (
        *loaded.warnings,
        *skipped,
        *svg_warnings(r.article for r in loaded.articles),
        *authors.unused(config.profiles, (r.article for r in published)),
        *(
            w
            for w in images.missing(published, config.static_dir)
            if (w.path, w.line) not in problem_lines
        ),
        *translations.orphans((r.article for r in loaded.articles), config.editions[0].code),
        *messages.missing_warnings(messages.load(config), config),
    )
    return CheckReport(len(loaded.articles) + len(loaded.problems), tuple(unique), warnings)


def _check_site(
    config: Config,
    articles: tuple[RenderedArticle, ...],
    options: BuildOptions,
    env: jinja2.Environment,
) -> Iterator[Problem]:
    now = options.now or datetime.now(UTC)
    selection = archive.select(articles, drafts=options.drafts, future=options.future, now=now)
    if not options.future:
        yield from notices.future_problems((r.article for r in selection.published), now)
    try:
        site = archive.plan(selection.published, config)
    except BuildFailed as exc:
        yield from exc.problems
        return
    written = inventory.outputs(site, config)
    unwritable = list(inventory.problems_of(written))
    if unwritable:
        yield from unwritable
        return
    try:
        # Render everything a build renders, into nothing, for errors only rendering shows.
        for planned in itertools.chain(
            pages.render(site, env, config, site_key(config)),
            feeds.render(site, config, settings_key(config)),
            (
                planned
                for unit in (
                    *corrections.units(site, env, config, site_key(config), settings_key(config)),
                    *latest.units(site, env, site_key(config)),
                )
                for planned in unit.files()
            ),
        ):
            try:
                planned.render()
            except jinja2.TemplateError:
                raise  # a missing template is an OSError too, and the template's problem
            except OSError as exc:
                raise render_failure(exc, planned.path, config.root) from exc
        for _ in sitemaps.render(site, config, now):
            pass
    except jinja2.TemplateError as exc:
        yield template_problem(exc, config.root)
    yield from broken_links(
        (r.article for r in selection.published),
        make_markdown(config.allow_html),
        written,
        config.base_url,
    )


def _template_syntax(env: jinja2.Environment, config: Config) -> Iterator[Problem]:
    for name in env.list_templates(filter_func=lambda name: name.endswith(".html")):
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            yield template_problem(exc, config.root)
