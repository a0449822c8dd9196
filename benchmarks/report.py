"""The benchmark's figures and the Markdown report: a same-run table per size, then the targets.

Each cell is a median (min-max). newsgen's cells also give the ratio to Hugo and to Hugo +
Pagefind measured in the same run (for adding an article with stable pagination, Hugo's only
add-one figure; for the serve scenarios, `hugo server`'s). The targets are issue 15's, set for
10,000 articles, with its second set for 100,000; every size gets its own verdicts, each ratio
taken from that size's run. Over several sizes, a table gives the time per article, and says
whether time grows linearly with N.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from measure import Measured

SCENARIOS = {
    "cold": "cold build",
    "noop": "no-op rebuild",
    "edit": "edit one article's body",
    "add": "add one article (pagination: newest)",
    "add-stable": "add one article (pagination: stable)",
    "template": "template change (article.html)",
    "serve-start": "preview server (`newsgen serve`, `hugo server`): start on a built archive",
    "serve-edit": "preview server (`newsgen serve`, `hugo server`): a saved edit served",
}
TITLES = {
    "newsgen": "newsgen (search on)",
    "newsgen-nosearch": "newsgen (search off)",
    "hugo": "Hugo",
    "hugo-pagefind": "Hugo + Pagefind",
    "pelican": "Pelican",
}
MB = 1024 * 1024


@dataclass
class Result:
    """One tool's figures at one size: seconds per scenario, peak bytes per scenario."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    peak_bytes: dict[str, list[int]] = field(default_factory=dict)
    pages: int = 0
    failed: str = ""  # the error that stopped this tool's measurements, if one did

    def record(self, scenario: str, measured: Measured) -> None:
        self.add(scenario, measured.seconds)
        self.peak_bytes.setdefault(scenario, []).append(measured.peak_bytes)

    def add(self, scenario: str, seconds: float) -> None:
        self.seconds.setdefault(scenario, []).append(seconds)

    def median(self, scenario: str) -> float | None:
        values = self.seconds.get(scenario)
        return statistics.median(values) if values else None

    def peak(self, scenarios: tuple[str, ...]) -> int | None:
        values = [v for s in scenarios for v in self.peak_bytes.get(s, [])]
        return max(values) if values else None

    def raw(self) -> dict[str, object]:
        return {
            "seconds": self.seconds,
            "peak_bytes": self.peak_bytes,
            "pages": self.pages,
            "failed": self.failed,
        }

    @classmethod
    def from_raw(cls, raw: dict[str, Any]) -> Result:
        return cls(
            dict(raw["seconds"]), dict(raw["peak_bytes"]), int(raw["pages"]), raw.get("failed", "")
        )


def seconds(value: float) -> str:
    return f"{value:.3f} s" if value < 1 else f"{value:.2f} s"


def megabytes(value: int | None) -> str:
    return "not measured" if value is None else f"{value / MB:,.0f} MB"


ABOUT = """\
Measured by `benchmarks/run.py` on its generated corpus: 600-1,200 words of Markdown per
article over ten years, 50 authors, 300 tags, 12 sections. newsgen runs with its default
`newsgen.yaml` (search on, as a new site has it) and with `search: false`. Hugo builds the same
pages where it has them (articles with related articles and newer/older links; front page,
section, tag and author pages paginated by 10; RSS, Atom and JSON Feed site-wide and per term;
a sitemap; no date archives), and "Hugo + Pagefind" then runs Pagefind's binary over Hugo's
article pages, timed as one step, since a newsroom's site needs its search index. Each tool
builds its own copy of the corpus and the tools take turns run by run. Figures are medians
(min-max); ratios are to Hugo and to Hugo + Pagefind in the same run. Peak memory is that of
the whole process tree: the summed RSS of the build and all its children, sampled from /proc
every 20 ms (an upper bound: pages shared between processes count once per process). `newsgen
serve` and `hugo server` (its defaults: rendering to disk, fast render mode) run side by side on
the same corpus and are timed over HTTP on 127.0.0.1: start-up on a built archive until the
front page answers; a saved edit (one article's body) until the article's page shows the new
text: for newsgen, fetched when its live-reload event arrives; for Hugo, polled every 10 ms.
"""


def render(results: dict[int, dict[str, Result]], machine: str) -> str:
    parts = [ABOUT, f"Machine: {machine}.", ""]
    for size, tools in results.items():
        parts.append(table(size, tools))
        if any(key.startswith("newsgen") for key in tools):
            parts.append(targets(size, results))
    if len(results) > 1:
        parts.append(linearity(results))
        parts.append(growth(results))
    return "\n".join(parts)


def table(size: int, tools: dict[str, Result]) -> str:
    lines = [f"### {size:,} articles", ""]
    lines.append("| scenario | " + " | ".join(TITLES[key] for key in tools) + " |")
    lines.append("|---|" + "---|" * len(tools))
    for scenario, title in SCENARIOS.items():
        cells = [_cell(scenario, key, tools) for key in tools]
        if any(cell != "n/a" for cell in cells):
            lines.append(f"| {title} | " + " | ".join(cells) + " |")
    rebuilds = ("noop", "edit", "add", "add-stable", "template")
    rows: dict[str, Callable[[Result], str]] = {
        "peak memory, cold build": lambda r: megabytes(r.peak(("cold",))),
        "peak memory, rebuilds": lambda r: megabytes(r.peak(rebuilds)),
        "peak memory, preview server start": lambda r: megabytes(r.peak(("serve-start",))),
        "HTML pages": lambda r: f"{r.pages:,}",
    }
    if any(result.failed for result in tools.values()):
        rows["failed, then left out"] = lambda r: _first_line(r.failed) or "no"
    for title, show in rows.items():
        lines.append(f"| {title} | " + " | ".join(show(r) for r in tools.values()) + " |")
    return "\n".join(lines) + "\n"


def _first_line(text: str) -> str:
    return text.splitlines()[0].replace("|", "/") if text else ""


def _cell(scenario: str, key: str, tools: dict[str, Result]) -> str:
    values = tools[key].seconds.get(scenario)
    if not values:
        return "n/a"
    median = statistics.median(values)
    text = f"{seconds(median)} ({min(values):.2f}-{max(values):.2f})"
    if key.startswith("newsgen"):
        reference = "add" if scenario == "add-stable" else scenario
        for other in ("hugo", "hugo-pagefind"):
            base = tools[other].median(reference) if other in tools else None
            if base:
                text += f", {median / base:.2f}x {TITLES[other]}"
    return text


# A verdict (None: not measured) and the figures behind it.
Verdict = tuple[bool | None, str]
# A target's verdict on the results of one size.
Check = Callable[[dict[str, Result]], Verdict]


@dataclass(frozen=True)
class Target:
    scenario: str
    goal: str
    check: Check


def _under(key: str, scenario: str, limit: float) -> Check:
    def check(tools: dict[str, Result]) -> Verdict:
        value = tools[key].median(scenario) if key in tools else None
        if value is None:
            return None, ""
        return value < limit, seconds(value)

    return check


def _against(key: str, scenario: str, other: str, factor: float, strict: bool = False) -> Check:
    """`key`'s median at most (or, `strict`, under) `factor` times `other`'s, same run."""

    def check(tools: dict[str, Result]) -> Verdict:
        value = tools[key].median(scenario) if key in tools else None
        base = tools[other].median(scenario) if other in tools else None
        if value is None:
            return None, ""
        if base is None:
            return None, f"{seconds(value)}; {TITLES[other]} not measured"
        figures = f"{seconds(value)} against {TITLES[other]}'s {seconds(base)}"
        met = value < factor * base if strict else value <= factor * base
        return met, f"{figures} ({value / base:.3f}x)"

    return check


def _both(*checks: Check) -> Check:
    """Met when every check is met; not met when one is not; else not measured."""

    def check(tools: dict[str, Result]) -> Verdict:
        verdicts = [one(tools) for one in checks]
        said = {True: " (yes)", False: " (no)", None: ""}
        figures = "; ".join(f"{text}{said[met]}" for met, text in verdicts if text)
        if any(met is False for met, _ in verdicts):
            return False, figures
        if any(met is None for met, _ in verdicts):
            return None, figures
        return True, figures

    return check


def _memory(key: str, limit_mb: float) -> Check:
    def check(tools: dict[str, Result]) -> Verdict:
        peak = tools[key].peak(("cold",)) if key in tools else None
        if peak is None:
            return None, ""
        return peak < limit_mb * MB, megabytes(peak)

    return check


# Issue 15's targets: 10,000 articles of the benchmark corpus, default config (search on).
TARGETS = (
    Target("add the newest article, `pagination: newest`",
           "< 1 s and < 0.05 x Hugo's cold build in the same run",
           _both(_under("newsgen", "add", 1.0),
                 lambda tools: _hugo_cold_share(tools, 0.05))),
    Target("add the newest article, `pagination: stable`", "< 0.3 s",
           _under("newsgen", "add-stable", 0.3)),
    Target("edit one article's body", "< 0.3 s", _under("newsgen", "edit", 0.3)),
    Target("no-op", "< 0.1 s", _under("newsgen", "noop", 0.1)),
    Target("`newsgen serve`: a saved edit served",
           "<= 0.2 x `hugo server`'s on the same corpus, in the same run",
           _against("newsgen", "serve-edit", "hugo", 0.2)),
    Target("`newsgen serve`: start on a built archive", "<= 0.1 x `hugo server`'s start",
           _against("newsgen", "serve-start", "hugo", 0.1)),
    Target("cold build, search on", "<= 0.8 x Hugo + Pagefind over Hugo's article pages",
           _against("newsgen", "cold", "hugo-pagefind", 0.8)),
    Target("cold build, search off", "<= 1.0 x Hugo",
           _against("newsgen-nosearch", "cold", "hugo", 1.0)),
)  # fmt: skip
LARGE = 100_000  # the size of the second set of targets
LINEAR_EXPONENT = 1.1  # time ~ N^k with k at most this between two sizes counts as linear


def _hugo_cold_share(tools: dict[str, Result], factor: float) -> Verdict:
    value = tools["newsgen"].median("add") if "newsgen" in tools else None
    base = tools["hugo"].median("cold") if "hugo" in tools else None
    if value is None:
        return None, ""
    if base is None:
        return None, "Hugo's cold build not measured"
    return value < factor * base, (
        f"{value / base:.3f}x Hugo's cold build of {seconds(base)} "
        f"(the limit: {seconds(factor * base)})"
    )


def _memory_target(size: int) -> Target:
    """< 300 MB at 10,000 articles (and fewer), < 1.5 GB above."""
    limit_mb, label = (300, "300 MB") if size <= 10_000 else (1536, "1.5 GB")
    return Target(
        "peak memory, whole process tree, cold (search on)",
        f"< {label} at this size (< 300 MB at 10k; < 1.5 GB at 100k)",
        _memory("newsgen", limit_mb),
    )


def targets(size: int, results: dict[int, dict[str, Result]]) -> str:
    tools = results[size]
    note = "" if size == 10_000 else "; at other sizes they are indicative"
    lines = [f"Issue 15's targets (set for 10,000 articles{note}), at {size:,} articles:", ""]
    lines += _verdicts([*TARGETS, _memory_target(size)], tools)
    if size >= LARGE:
        lines += ["", f"Issue 15's targets for {LARGE:,} articles, at {size:,}:", ""]
        lines += _verdicts(_large_targets(results), tools)
    return "\n".join(lines) + "\n"


def _large_targets(results: dict[int, dict[str, Result]]) -> list[Target]:
    """Issue 15's row for 100,000 articles; linearity is judged over every size measured."""
    return [
        Target("add the newest article, `pagination: stable`", "< 1 s",
               _under("newsgen", "add-stable", 1.0)),
        Target("add the newest article, `pagination: newest`", "< 5 s",
               _under("newsgen", "add", 5.0)),
        Target("time linear in N (newsgen: cold; add the newest, both paginations)",
               f"time ~ N^k, k <= {LINEAR_EXPONENT} from each size measured to the next",
               lambda _: _linear_verdict(results)),
    ]  # fmt: skip


def _verdicts(chosen: list[Target], tools: dict[str, Result]) -> list[str]:
    lines = ["| scenario | target | result |", "|---|---|---|"]
    for target in chosen:
        met, figures = target.check(tools)
        verdict = {True: "**met**", False: "**not met**", None: "not measured"}[met]
        lines.append(
            f"| {target.scenario} | {target.goal} | {verdict}{': ' if figures else ''}{figures} |"
        )
    return lines


# The rows of the linearity table: (tool, scenario, title); newsgen's first, the verdict's.
PER_ARTICLE = (
    ("newsgen", "cold", "newsgen cold build, search on"),
    ("newsgen", "add", "newsgen add the newest article, `pagination: newest`"),
    ("newsgen", "add-stable", "newsgen add the newest article, `pagination: stable`"),
    ("newsgen-nosearch", "cold", "newsgen cold build, search off"),
    ("newsgen-nosearch", "add", "newsgen (search off) add the newest, `newest`"),
    ("hugo", "cold", "Hugo cold build"),
    ("hugo-pagefind", "cold", "Hugo + Pagefind cold build"),
)
JUDGED = 3  # the first rows of PER_ARTICLE decide "time linear in N"


def _series(results: dict[int, dict[str, Result]], key: str, scenario: str) -> dict[int, float]:
    """Median seconds by size, for the sizes where `key` measured `scenario`."""
    found = {}
    for size, tools in sorted(results.items()):
        value = tools[key].median(scenario) if key in tools else None
        if value is not None:
            found[size] = value
    return found


def _exponents(series: dict[int, float]) -> list[tuple[int, int, float]]:
    """k in time ~ N^k between each measured size and the next."""
    sizes = sorted(series)
    return [
        (a, b, math.log(series[b] / series[a]) / math.log(b / a))
        for a, b in itertools.pairwise(sizes)
        if series[a] > 0 and series[b] > 0
    ]


def _linear_verdict(results: dict[int, dict[str, Result]]) -> Verdict:
    texts = []
    met: bool | None = True
    for key, scenario, title in PER_ARTICLE[:JUDGED]:
        steps = _exponents(_series(results, key, scenario))
        if not steps:
            met = None if met else met
            texts.append(f"{title}: one size only")
            continue
        if any(k > LINEAR_EXPONENT for _, _, k in steps):
            met = False
        texts.append(f"{title}: " + ", ".join(f"k={k:.2f} ({a:,} to {b:,})" for a, b, k in steps))
    return met, "; ".join(texts)


def _per_article(value: float) -> str:
    return f"{value * 1e3:.2f} ms" if value >= 1e-3 else f"{value * 1e6:.1f} µs"


def linearity(results: dict[int, dict[str, Result]]) -> str:
    """Time per article at each size, and how time grows with N between sizes."""
    sizes = sorted(results)
    lines = [
        "Time per article across sizes (median seconds / articles), and k in time ~ N^k from "
        "each size to the next (1: linear; for an add-one build, under 1 is expected):",
        "",
    ]
    lines.append("| scenario | " + " | ".join(f"{s:,}" for s in sizes) + " | growth |")
    lines.append("|---|" + "---|" * (len(sizes) + 1))
    for key, scenario, title in PER_ARTICLE:
        series = _series(results, key, scenario)
        if not series:
            continue
        cells = [
            f"{_per_article(series[s] / s)} ({seconds(series[s])})" if s in series else "n/a"
            for s in sizes
        ]
        steps = _exponents(series)
        growth = ", ".join(f"k={k:.2f}" for _, _, k in steps) or "n/a"
        lines.append(f"| {title} | " + " | ".join(cells) + f" | {growth} |")
    met, _ = _linear_verdict(results)
    verdict = {True: "**met**", False: "**not met**", None: "not measured"}[met]
    lines += [
        "",
        f"Time linear in N (newsgen: cold, and add the newest with both paginations; "
        f"k <= {LINEAR_EXPONENT} from each size to the next): {verdict}.",
    ]
    return "\n".join(lines) + "\n"


def growth(results: dict[int, dict[str, Result]]) -> str:
    """How each newsgen figure grows with N, in one table across sizes."""
    sizes = sorted(results)
    lines = ["newsgen (search on) across sizes:", ""]
    lines.append("| scenario | " + " | ".join(f"{s:,}" for s in sizes) + " |")
    lines.append("|---|" + "---|" * len(sizes))
    for scenario, title in SCENARIOS.items():
        cells = []
        for size in sizes:
            news = results[size].get("newsgen")
            value = news.median(scenario) if news else None
            cells.append(seconds(value) if value is not None else "n/a")
        if any(cell != "n/a" for cell in cells):
            lines.append(f"| {title} | " + " | ".join(cells) + " |")
    peaks = [results[s]["newsgen"].peak(("cold",)) if "newsgen" in results[s] else None
             for s in sizes]  # fmt: skip
    lines.append("| peak memory, cold | " + " | ".join(megabytes(p) for p in peaks) + " |")
    return "\n".join(lines) + "\n"
