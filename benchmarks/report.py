"""The benchmark's figures and the Markdown report: a same-run table per size, then the targets.

Each cell is a median (min-max). newsgen's cells also give the ratio to Hugo and to Hugo +
Pagefind measured in the same run (for adding an article with stable pagination, Hugo's only
add-one figure). Targets are those of 10,000 articles; every size gets its own verdicts.
"""

from __future__ import annotations

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
    "serve-start": "`newsgen serve` start-up on a built archive",
    "serve-edit": "`newsgen serve`: a saved edit visible",
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
serve` is timed over HTTP on 127.0.0.1: start-up until the front page answers, with the build
cache warm; a saved edit until the live-reload event arrives and the page, fetched then,
shows the new text.
"""


def render(results: dict[int, dict[str, Result]], machine: str) -> str:
    parts = [ABOUT, f"Machine: {machine}.", ""]
    for size, tools in results.items():
        parts.append(table(size, tools))
        if any(key.startswith("newsgen") for key in tools):
            parts.append(targets(size, results))
    if len(results) > 1:
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


# A target's verdict on one size's results (None: not measured) and the figures behind it.
Check = Callable[[dict[str, Result]], tuple[bool | None, str]]


@dataclass(frozen=True)
class Target:
    scenario: str
    goal: str
    check: Check


def _under(key: str, scenario: str, limit: float) -> Check:
    def check(tools: dict[str, Result]) -> tuple[bool | None, str]:
        value = tools[key].median(scenario) if key in tools else None
        if value is None:
            return None, ""
        return value < limit, seconds(value)

    return check


def _against(key: str, scenario: str, other: str, factor: float) -> Check:
    def check(tools: dict[str, Result]) -> tuple[bool | None, str]:
        value = tools[key].median(scenario) if key in tools else None
        base = tools[other].median(scenario) if other in tools else None
        if value is None or base is None:
            return None, ""
        figures = f"{seconds(value)} against {TITLES[other]}'s {seconds(base)}"
        return value <= factor * base, f"{figures} ({value / base:.2f}x)"

    return check


def _memory(key: str, limit_mb: float) -> Check:
    def check(tools: dict[str, Result]) -> tuple[bool | None, str]:
        peak = tools[key].peak(("cold",)) if key in tools else None
        if peak is None:
            return None, ""
        return peak < limit_mb * MB, megabytes(peak)

    return check


TARGETS = (
    Target("add one article, `pagination: stable`, search on", "< 0.5 s",
           _under("newsgen", "add-stable", 0.5)),
    Target("add one article, `pagination: newest`, search on", "< 1.5 s",
           _under("newsgen", "add", 1.5)),
    Target("edit one article's body, search on", "< 0.5 s", _under("newsgen", "edit", 0.5)),
    Target("no-op rebuild (search on)", "< 0.2 s", _under("newsgen", "noop", 0.2)),
    Target("`newsgen serve`: a saved edit visible in the browser", "< 1 s",
           _under("newsgen", "serve-edit", 1.0)),
    Target("`newsgen serve` start-up on an already built archive", "< 2 s",
           _under("newsgen", "serve-start", 2.0)),
    Target("cold build, search off", "≤ 0.8 x Hugo's cold build",
           _against("newsgen-nosearch", "cold", "hugo", 0.8)),
    Target("cold build, search on", "≤ Hugo + Pagefind over Hugo's article pages",
           _against("newsgen", "cold", "hugo-pagefind", 1.0)),
    Target("template change (article.html), search on", "≤ Hugo's rebuild",
           _against("newsgen", "template", "hugo", 1.0)),
    Target("peak memory of the whole process tree, cold, search on", "< 300 MB",
           _memory("newsgen", 300)),
)  # fmt: skip


def targets(size: int, results: dict[int, dict[str, Result]]) -> str:
    tools = results[size]
    lines = [f"Targets (set for 10,000 articles), at {size:,} articles:", ""]
    lines += ["| scenario | target | result |", "|---|---|---|"]
    for target in TARGETS:
        met, figures = target.check(tools)
        verdict = {True: "**met**", False: "**not met**", None: "not measured"}[met]
        lines.append(
            f"| {target.scenario} | {target.goal} | {verdict}{': ' if figures else ''}{figures} |"
        )
    if size >= 100_000:
        lines.append(_hundred_thousand(size, results))
    return "\n".join(lines) + "\n"


def _hundred_thousand(size: int, results: dict[int, dict[str, Result]]) -> str:
    """The 100,000-article row: add-one (stable) < 1 s, peak < 1.5 GB, time linear in N."""
    tools = results[size]
    news = tools.get("newsgen")
    if news is None:
        return f"| {size:,} articles | measured | not measured (newsgen not run) |"
    add = news.median("add-stable")
    peak = news.peak(("cold",))
    checks = [
        (add is not None and add < 1, f"add-one (stable) {seconds(add) if add else 'n/a'} < 1 s"),
        (peak is not None and peak < 1.5 * 1024 * MB, f"peak {megabytes(peak)} < 1.5 GB"),
    ]
    linear = _linearity(results)
    if linear:
        checks.append(linear)
    met = all(ok for ok, _ in checks)
    verdict = "**met**" if met else "**not met**"
    cold = news.median("cold")
    cold_text = f"cold {seconds(cold)}; " if cold else ""
    figures = cold_text + "; ".join(f"{text} ({'yes' if ok else 'no'})" for ok, text in checks)
    return (
        f"| {size:,} articles: cold, add-one, peak memory | add-one (stable) < 1 s; "
        f"time linear in N; peak < 1.5 GB | {verdict}: {figures} |"
    )


def _linearity(results: dict[int, dict[str, Result]]) -> tuple[bool, str] | None:
    """Cold build seconds per 1,000 articles, size by size: linear if the largest size costs
    at most 1.25x per article what the next smaller measured size costs."""
    per_k = {}
    for size, tools in sorted(results.items()):
        cold = tools["newsgen"].median("cold") if "newsgen" in tools else None
        if cold:
            per_k[size] = cold / size * 1000
    if len(per_k) < 2:
        return None
    sizes = sorted(per_k)
    ratio = per_k[sizes[-1]] / per_k[sizes[-2]]
    text = ", ".join(f"{per_k[s]:.2f} s per 1,000 at {s:,}" for s in sizes)
    return ratio <= 1.25, f"cold time linear in N: {text}"


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
