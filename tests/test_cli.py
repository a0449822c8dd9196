"""The command line: exit codes, output, and tracebacks only with --debug."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from conftest import Run, article


def test_build_prints_a_one_line_summary(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site(
        {"articles/a.md": article(), "articles/b.md": article(title="B", draft="true")}
    )
    result = run_cli("build", "-s", str(root), "--now", "2026-11-24T12:00:00+00:00")
    assert result.code == 0
    lines = result.out.splitlines()
    # The article, the front page, its day, month and year, three term indexes, the archive
    # index, search, 404, corrections and latest pages; RSS, Atom and JSON Feed of the site and
    # of the corrections; sitemaps, robots, CSS, Pagefind.
    pattern = (
        r"Built 1 article into site/: 13 pages, 6 feeds, (\d+) files "
        r"\(\1 written, 0 unchanged, 0 removed\) in \d+\.\d\d s, "
        r"0 of 2 articles from the cache$"
    )
    assert re.match(pattern, lines[0]), lines[0]
    assert lines[1] == "Held back 1 draft and 0 scheduled articles"


def test_quiet_prints_nothing(make_site: Callable[..., Path], run_cli: Callable[..., Run]) -> None:
    root = make_site({"articles/a.md": article()})
    assert run_cli("build", "-q", "-s", str(root)) == Run(0, "", "")


def test_usage_errors_exit_2(run_cli: Callable[..., Run]) -> None:
    assert run_cli().code == 2
    for bad in (["build", "--now", "tomorrow"], ["build", "--now", "2026-11-24T12:00"]):
        try:
            run_cli(*bad)
        except SystemExit as exit_:
            assert exit_.code == 2
        else:
            raise AssertionError(f"{bad} was accepted")


def test_missing_config_is_a_clear_error(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    result = run_cli("build", "-s", str(tmp_path))
    assert result.code == 1
    assert result.err.startswith("newsgen.yaml:1:1: no newsgen.yaml in this folder\n")


def test_traceback_only_with_debug(make_site: Callable[..., Path]) -> None:
    root = make_site({"articles/a.md": "---\ntitle: [\n---\n"})
    plain = subprocess.run(
        [sys.executable, "-m", "newsgen", "build", "-s", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    debug = subprocess.run(
        [sys.executable, "-m", "newsgen", "--debug", "build", "-s", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert plain.returncode == 1
    assert "Traceback" not in plain.stderr
    assert "articles/a.md:3:1: invalid YAML" in plain.stderr
    assert "Traceback" in debug.stderr
    assert "BuildFailed" in debug.stderr
