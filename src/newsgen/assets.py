"""Copy static files into /static/: the theme's first, then the site's static/ over them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from newsgen import urls
from newsgen.config import Config
from newsgen.model import OutputFile
from newsgen.templates import THEME_STATIC


def collect(config: Config) -> Iterator[OutputFile]:
    files: dict[str, Path] = {}
    for folder in (THEME_STATIC, config.static_dir):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                relative = path.relative_to(folder)
                if path.is_file() and not any(p.startswith(".") for p in relative.parts):
                    files[relative.as_posix()] = path
    for relative, path in sorted(files.items()):
        yield OutputFile(urls.output_path(urls.STATIC + relative), path.read_bytes())
