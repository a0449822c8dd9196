"""Copy static files into /static/: the theme's first, then the site's static/ over them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from newsgen import urls
from newsgen.config import Config
from newsgen.model import OutputFile

THEME_STATIC = Path(__file__).parent / "theme" / "static"


def collect(config: Config) -> Iterator[OutputFile]:
    for name, path in static_files(config).items():
        yield OutputFile(urls.output_path(urls.STATIC + name), path.read_bytes())


def static_files(config: Config) -> dict[str, Path]:
    """Name under /static/ -> source file, sorted by name; a README.md is a note, not published."""
    files: dict[str, Path] = {}
    for folder in (THEME_STATIC, config.static_dir):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                parts = path.relative_to(folder).parts
                if path.is_file() and not any(p.startswith(".") for p in parts):
                    files["/".join(parts)] = path
    files.pop("README.md", None)
    return dict(sorted(files.items()))
