"""Shared by the tests of `newsgen import`: a fresh site, an import into it, and a build of it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from newsgen.build.run import BuildOptions, BuildReport, build
from newsgen.importers.run import ImportOptions, ImportReport, run_import

FIXTURES = Path(__file__).parent / "import_fixtures"
# Permalinks unlike any other generator's, so that every old URL needs a redirect.
SITE_CONFIG = """\
title: Imported Gazette
base_url: https://imported.example.org
timezone: Europe/London
permalink: /stories/{year}/{slug}/
"""
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def new_site(folder: Path, config: str = SITE_CONFIG) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "newsgen.yaml").write_text(config, encoding="utf-8")
    return folder


def import_into(root: Path, *paths: Path, **options: object) -> ImportReport:
    return run_import(ImportOptions(root=root, paths=paths, **options))  # type: ignore[arg-type]


def build_all(root: Path) -> BuildReport:
    """Build drafts and future articles too, so that every imported article is rendered."""
    return build(BuildOptions(root=root, drafts=True, future=True, now=NOW, jobs=1))


def articles(root: Path) -> dict[str, str]:
    """Every article file of the site: {path below articles/: text}."""
    folder = root / "articles"
    return {p.relative_to(folder).as_posix(): p.read_text("utf-8") for p in folder.rglob("*.md")}


def redirect_target(site: Path, alias: str) -> str:
    """The URL that the redirect page written for `alias` sends the browser to."""
    relative = alias.lstrip("/")
    page = site / (relative + "index.html" if alias.endswith("/") else relative)
    text = page.read_text("utf-8")
    marker = 'http-equiv="refresh" content="0; url='
    start = text.index(marker) + len(marker)
    return text[start : text.index('"', start)]
