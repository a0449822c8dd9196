"""Copy static files into /static/: the theme's first, then the site's static/ over them.

Nothing from outside the site folder is published: links are refused as contained.py says.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from newsgen.content import urls
from newsgen.content.config import Config
from newsgen.content.contained import files_inside
from newsgen.errors import BuildFailed
from newsgen.model import OutputFile
from newsgen.safefile import read_regular

THEME_STATIC = Path(__file__).parent.parent / "theme" / "static"


def collect(config: Config) -> Iterator[OutputFile]:
    for name, path in static_files(config).items():
        yield OutputFile(urls.output_path(urls.STATIC + name), read_regular(path))


def static_files(config: Config) -> dict[str, Path]:
    """Name under /static/ -> source file, sorted by name; a README.md is a note, not published.
    Raises BuildFailed for a link in static/ that leads out of the site folder or to a folder."""
    found, problems = files_inside(config.static_dir, config.root)
    if problems:
        raise BuildFailed(problems)
    theme = sorted(THEME_STATIC.rglob("*")) if THEME_STATIC.is_dir() else []
    files: dict[str, Path] = {}
    for folder, paths in ((THEME_STATIC, theme), (config.static_dir, found)):
        for path in paths:
            parts = path.relative_to(folder).parts
            if path.is_file() and not any(p.startswith(".") for p in parts):
                files["/".join(parts)] = path
    files.pop("README.md", None)
    return dict(sorted(files.items()))
