"""Shared fixtures: inline mini-sites, the CLI run in-process, and the golden site built once."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsgen.build.run import BuildOptions, build
from newsgen.cli import main

import golden

BASIC_CONFIG = """\
title: Test Gazette
base_url: https://gazette.example.org
timezone: Europe/Berlin
"""

SiteFiles = Mapping[str, str | bytes]


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """Write a site from {relative path: text or bytes}; newsgen.yaml defaults to BASIC_CONFIG."""

    def make(files: SiteFiles, config: str | None = BASIC_CONFIG) -> Path:
        root = tmp_path / "site-src"
        root.mkdir(exist_ok=True)
        everything: dict[str, str | bytes] = dict(files)
        if config is not None:
            everything.setdefault("newsgen.yaml", config)
        for relative, content in everything.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return make


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run `newsgen ARGS` in-process and capture what it printed."""

    def run(*args: str) -> Run:
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def article(
    title: str = "A title", date: str = "2026-11-20", body: str = "Body text.", **fields: str
) -> str:
    """Article text with the given front matter lines (values written as given)."""
    lines = [f"title: {title}", f"date: {date}", *(f"{k}: {v}" for k, v in fields.items())]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n"


@pytest.fixture(scope="session")
def golden_builds(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Build a golden site by name, at most once per test session; read-only for tests."""
    built: dict[str, Path] = {}

    def build_once(name: str) -> Path:
        if name not in built:
            built[name] = golden.build_copy(name, tmp_path_factory.mktemp(name))
        return built[name]

    return build_once


@pytest.fixture(scope="session")
def golden_site(golden_builds: Callable[[str], Path]) -> Path:
    """The 'courier' golden site, built once per test session; read-only for tests."""
    return golden_builds("courier")


@pytest.fixture(scope="session", params=golden.GOLDEN_SITES)
def each_golden_site(request: pytest.FixtureRequest, golden_builds: Callable[[str], Path]) -> Path:
    """Every golden site in turn (tests/golden.py lists them), each built once per session."""
    name: str = request.param
    return golden_builds(name)


REPOSITORY = Path(__file__).parent.parent


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository's own archive, built once per test session; read-only for tests."""
    root = tmp_path_factory.mktemp("example")
    shutil.copy(REPOSITORY / "newsgen.yaml", root)
    shutil.copytree(REPOSITORY / "articles", root / "articles")
    shutil.copytree(REPOSITORY / "templates", root / "templates")
    build(BuildOptions(root=root))
    return root / "site"
