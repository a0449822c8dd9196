"""The one Jinja environment: the site's templates/ first, then the default theme.

Autoescape is on and undefined names are errors. A default template stays reachable as
`newsgen/<name>`, so a site's override can extend the template it replaces.
"""

from __future__ import annotations

import hashlib
import os
import traceback
from datetime import datetime
from pathlib import Path

import jinja2

from newsgen import urls
from newsgen.cards import card_image
from newsgen.config import Config
from newsgen.errors import Problem
from newsgen.periods import MONTHS

THEME = Path(__file__).parent / "theme"
THEME_TEMPLATES = THEME / "templates"


def make_environment(config: Config) -> jinja2.Environment:
    theme = jinja2.FileSystemLoader(THEME_TEMPLATES)
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(config.templates_dir),
            jinja2.PrefixLoader({"newsgen": theme}),
            theme,
        ]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # A build renders with the templates it started with: no stat of the file per page.
        auto_reload=False,
    )
    env.filters["long_date"] = long_date
    env.filters["iso"] = datetime.isoformat
    env.globals["site"] = config
    env.globals["absolute"] = lambda url: urls.absolute(config.base_url, url)
    env.globals["card_image"] = lambda article: card_image(article, config)
    return env


def templates_fingerprint(config: Config) -> str:
    """A digest of every template file a site can use: its own and the theme's."""
    digest = hashlib.blake2b(digest_size=16)
    for folder in (config.templates_dir, THEME_TEMPLATES):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                digest.update(os.fsencode(path.relative_to(folder).as_posix()) + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def long_date(moment: datetime) -> str:
    """'November 24, 2026': spelled out here so output never depends on the machine's locale."""
    return f"{MONTHS[moment.month - 1]} {moment.day}, {moment.year}"


def template_problem(exc: jinja2.TemplateError, root: Path) -> Problem:
    """Locate a template error: Jinja marks syntax errors, and runtime errors in its traceback."""
    filename: str | None = None
    line = 1
    if isinstance(exc, jinja2.TemplateSyntaxError):
        filename, line = exc.filename, exc.lineno
    else:
        # Jinja rewrites tracebacks so that template frames carry the template file and line.
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.filename.endswith(".html"):
                filename, line = frame.filename, frame.lineno or 1
    message = (
        f"no template named {exc.name!r}"
        if isinstance(exc, jinja2.TemplateNotFound)
        else exc.message
    )
    return Problem(_display_path(filename, root), line, 1, f"template error: {message}")


def _display_path(filename: str | None, root: Path) -> str:
    if filename is None:
        return "templates"
    path = Path(filename).resolve()
    for base, shown in ((root.resolve(), ""), (THEME.resolve().parent, "newsgen/")):
        if path.is_relative_to(base):
            return shown + path.relative_to(base).as_posix()
    return filename
