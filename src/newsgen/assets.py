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
                parts = path.relative_to(folder).parts
                if path.is_file() and not any(p.startswith(".") for p in parts):
                    files["/".join(parts)] = path
    for name, path in sorted(files.items()):
        yield OutputFile(urls.output_path(urls.STATIC + name), path.read_bytes())
