"""The one Jinja environment: the site's templates/ first, then the default theme.

Autoescape is on and undefined names are errors. A default template stays reachable as
`newsgen/<name>`, so a site's override can extend the template it replaces. Every error a
template can cause (a division by zero, a template that includes itself, bytes that are not
UTF-8) is a Jinja error naming the template, and a link in templates/ that leads out of the
site folder is refused (contained.py).
"""

from __future__ import annotations

import hashlib
import sys
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import NoReturn

import jinja2

from newsgen import urls
from newsgen.config import Config
from newsgen.contained import files_inside
from newsgen.errors import BuildFailed, Problem

THEME = Path(__file__).parent / "theme"
THEME_TEMPLATES = THEME / "templates"
THEME_STATIC = THEME / "static"


class TemplateFailed(jinja2.TemplateRuntimeError):
    """An error a template caused that is not one of Jinja's own, such as `{{ 1/0 }}`."""


class _Environment(jinja2.Environment):
    def handle_exception(self, source: str | None = None) -> NoReturn:
        """Jinja calls this for any exception while rendering; it rewrites the traceback so
        that template frames carry the template's file and line. Others than Jinja's own
        become TemplateFailed with that traceback, so they are reported like Jinja's."""
        error = sys.exc_info()[1]
        if error is None or isinstance(error, jinja2.TemplateError):
            super().handle_exception(source)
        try:
            super().handle_exception(source)
        except Exception as rewritten:  # the same error, its traceback rewritten
            raise TemplateFailed(_describe(rewritten)).with_traceback(
                rewritten.__traceback__
            ) from None


def _describe(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        return "templates include or extend each other without end"
    return f"{error} ({type(error).__name__})"


class _SiteLoader(jinja2.FileSystemLoader):
    """Reads templates as UTF-8; a file that is not is a syntax error at its first bad byte."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        try:
            return super().get_source(environment, template)
        except jinja2.TemplateNotFound:  # an OSError too: the next loader looks
            raise
        except (UnicodeDecodeError, OSError) as exc:
            found = (Path(folder, *template.split("/")) for folder in self.searchpath)
            filename = str(next((path for path in found if path.is_file()), template))
            line, message = 1, f"cannot read template: {exc}"
            if isinstance(exc, UnicodeDecodeError):
                line = exc.object[: exc.start].count(b"\n") + 1
                message = f"invalid UTF-8 at byte {exc.start}; save the template as UTF-8"
            raise jinja2.TemplateSyntaxError(message, line, template, filename) from None


def make_environment(config: Config) -> jinja2.Environment:
    """The environment; BuildFailed if templates/ holds a link out of the site folder."""
    _, problems = files_inside(config.templates_dir, config.root)
    if problems:
        raise BuildFailed(problems)
    theme = _SiteLoader(THEME_TEMPLATES)
    loader = jinja2.ChoiceLoader(
        [
            _SiteLoader(config.templates_dir),
            jinja2.PrefixLoader({"newsgen": theme}),
            theme,
        ]
    )
    env = _Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["long_date"] = long_date
    env.filters["iso"] = datetime.isoformat
    env.globals["site"] = config
    env.globals["absolute"] = lambda url: urls.absolute(config.base_url, url)
    return env


MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def templates_fingerprint(config: Config) -> str:
    """A digest of every template file a site can use: its own and the theme's."""
    digest = hashlib.blake2b(digest_size=16)
    site = files_inside(config.templates_dir, config.root)[0]  # links out are refused
    theme = sorted(THEME_TEMPLATES.rglob("*"))
    for folder, paths in ((config.templates_dir, site), (THEME_TEMPLATES, theme)):
        for path in paths:
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
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
    return Problem(_display_path(filename, root), line, 1, f"template error: {exc.message}")


def _display_path(filename: str | None, root: Path) -> str:
    if filename is None:
        return "templates"
    path = Path(filename).resolve()
    for base, shown in ((root.resolve(), ""), (THEME.resolve().parent, "newsgen/")):
        if path.is_relative_to(base):
            return shown + path.relative_to(base).as_posix()
    return filename
