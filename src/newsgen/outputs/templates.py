"""The one Jinja environment: the site's templates/ first, then the default theme.

Autoescape is on and undefined names are errors. A default template stays reachable as
`newsgen/<name>`, so a site's override can extend the template it replaces. Every error a
template can cause (a division by zero, a template that includes itself, bytes that are not
UTF-8) is a Jinja error naming the template, and a link in templates/ that leads out of the
site folder is refused (contained.py).
"""

from __future__ import annotations

import hashlib
import os
import sys
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import Markup

from newsgen.content import locales, urls
from newsgen.content.authors import find as find_profile
from newsgen.content.config import Config, Language
from newsgen.content.contained import files_inside
from newsgen.content.locales import gmt_offset
from newsgen.content.urls import term_key
from newsgen.errors import BuildFailed, Problem
from newsgen.outputs import variants
from newsgen.outputs.cards import card_image
from newsgen.outputs.fragments import Fragments
from newsgen.outputs.messages import Messages
from newsgen.outputs.messages import load as load_messages
from newsgen.outputs.pager import page_links
from newsgen.outputs.profiles import profile_page_json_ld, website_json_ld

__all__ = ["clock", "date_time", "gmt_offset", "long_date", "make_environment", "short_date_time"]
from newsgen.safefile import irregular

THEME = Path(__file__).parent.parent / "theme"
THEME_TEMPLATES = THEME / "templates"


class TemplateFailed(jinja2.TemplateRuntimeError):
    """An error a template caused that is not one of Jinja's own, such as `{{ 1/0 }}`."""


class _Environment(jinja2.Environment):
    def handle_exception(self, source: str | None = None) -> NoReturn:
        """Jinja calls this for any exception while rendering; it rewrites the traceback so
        that template frames carry the template's file and line. Others than Jinja's own
        become TemplateFailed with that traceback, so they are reported like Jinja's; an
        OSError stays what it is (pipeline.render_failure says what failed)."""
        error = sys.exc_info()[1]
        if error is None or isinstance(error, jinja2.TemplateError):
            super().handle_exception(source)
        if isinstance(error, OSError):
            # A file that rendering needed (a cached body, the compiled-template cache) could
            # not be read or written: no mistake of the template's, so not reported at its line.
            raise error
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
        for folder in self.searchpath:  # a FIFO would make the read wait forever
            path = Path(folder, *template.split("/"))
            kind = irregular(path)
            if kind is not None and kind != "a folder":
                message = f"cannot read template: it is {kind}, not a regular file"
                raise jinja2.TemplateSyntaxError(message, 1, template, str(path))
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
    """The environment; BuildFailed if templates/ holds a link out of the site folder.
    Compiled templates are never kept on disk: Jinja's bytecode cache is marshalled code, and
    nothing read from .newsgen/ may run."""
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
        # A build renders with the templates it started with: no stat of the file per page.
        auto_reload=False,
    )
    _add_language(env, config, load_messages(config))
    env.filters["iso"] = datetime.isoformat
    zone = config.timezone
    env.filters["local"] = lambda moment: moment.astimezone(zone)
    prefix = urls.base_path(config.base_url)
    env.filters["href"] = lambda url: urls.href(prefix, url)
    env.globals["site"] = config
    # '/news' when the site lives under https://example.org/news, '' at a host's root.
    env.globals["base_path"] = prefix
    env.globals["absolute"] = lambda url: urls.absolute(config.base_url, url)
    env.globals["card_image"] = lambda article, entry=None: card_image(article, config, entry)
    env.globals["page_links"] = page_links
    # A listing's kicker: its kind's label (content/kinds.py, or the site's `taxonomies:`),
    # "Archive" for a period.
    labels = {kind.name: kind.label for kind in config.term_kinds}
    env.globals["kind_label"] = lambda kind: labels.get(kind, "Archive")
    # Teasers kept for this environment alone; a build lends them from the store instead.
    env.globals["teaser"] = Fragments(env, "").teaser
    # Author profiles (authors.yaml): a byline's profile or none, and an author page's JSON-LD.
    env.globals["profile"] = lambda name: find_profile(config.profiles, name)
    env.globals["profile_json_ld"] = jinja2.pass_context(
        lambda context, name: profile_page_json_ld(name, config, context.resolve("edition"))
    )
    env.globals["profiles_of"] = lambda links: [
        (link, found) for link in links if (found := find_profile(config.profiles, link.title))
    ]
    env.tests["same_term"] = lambda name, other: term_key(name) == term_key(other or "")
    env.globals["website_json_ld"] = jinja2.pass_context(
        lambda context: website_json_ld(config, context.resolve("edition"))
    )
    # A day written without a time of day is given as the day alone, never an invented midnight.
    env.globals["machine_time"] = machine_time
    # Resized variants of local images (variants.py): the srcset of one format, or "".
    env.globals["srcset"] = lambda image, size, mime: variants.srcset(image, size, mime, prefix)
    env.globals["body_html"] = lambda entry: variants.body_html(entry.html, entry.images, prefix)
    return env


def templates_fingerprint(config: Config) -> str:
    """A digest of every template file a site can use: its own and the theme's."""
    digest = hashlib.blake2b(digest_size=16)
    site = files_inside(config.templates_dir, config.root)[0]  # links out are refused
    theme = sorted(THEME_TEMPLATES.rglob("*"))
    for folder, paths in ((config.templates_dir, site), (THEME_TEMPLATES, theme)):
        for path in paths:
            if path.is_file():
                digest.update(os.fsencode(path.relative_to(folder).as_posix()) + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def machine_time(moment: datetime, date_only: bool = False) -> str:
    """ISO 8601 for datetime attributes and meta tags: '2026-11-24' for a day written without
    a time of day, else the full time with its offset."""
    return moment.date().isoformat() if date_only else moment.isoformat()


def long_date(moment: datetime, code: str = "") -> str:
    """'November 24, 2026': spelled out here so output never depends on the machine's locale."""
    return locales.long_date(moment.date(), code)


def clock(moment: datetime, zone: ZoneInfo, code: str = "") -> str:
    """'9:15 AM GMT+1': the time of day in the site's time zone, with its offset from GMT.

    An offset rather than a zone abbreviation: abbreviations are ambiguous (CST) or missing
    (many zones have only '+03'), an offset is neither and never depends on the locale."""
    local = moment.astimezone(zone)
    return f"{locales.time_of_day(local, code)} {gmt_offset(local)}"


def date_time(moment: datetime, zone: ZoneInfo, code: str = "") -> str:
    """'9:15 AM GMT+1, June 3, 2025', as news sites date their stories; in other languages
    the date first, as they write it: '3 juin 2025, 09 h 15 GMT+1'."""
    local = moment.astimezone(zone)
    if locales.is_english(code):
        return f"{clock(moment, zone)}, {long_date(local)}"
    return f"{long_date(local, code)}, {clock(moment, zone, code)}"


def short_date(moment: datetime, code: str = "") -> str:
    """'Nov. 24, 2026'."""
    return locales.short_date(moment.date(), code)


def short_date_time(moment: datetime, zone: ZoneInfo, code: str = "") -> str:
    """'Nov. 24, 2026, 9:30 AM' for teasers; the zone is the site's, as on every page."""
    local = moment.astimezone(zone)
    return f"{short_date(local, code)}, {locales.time_of_day(local, code)}"


def _add_language(env: jinja2.Environment, config: Config, messages: Messages) -> None:
    """Words, dates and links in the language of the page being rendered: its `edition` (a
    `Language`), which every page's context sets; a teaser sets its article's. Pages outside
    any language (404, redirects) speak the default language."""
    zone = config.timezone
    env.globals["edition"] = config.editions[0]
    env.globals["edition_of"] = config.edition

    def code(context: jinja2.runtime.Context) -> str:
        """The language of the page's words and dates ("" for English, see Language.words)."""
        edition = context.resolve("edition")
        return edition.words if isinstance(edition, Language) else config.editions[0].words

    def prefix(context: jinja2.runtime.Context) -> str:
        edition = context.resolve("edition")
        return edition.prefix if isinstance(edition, Language) else ""

    def filter_in(function: Any) -> Any:
        return jinja2.pass_context(lambda context, *args: function(*args, code(context)))

    def gettext(context: jinja2.runtime.Context, message: str, **values: object) -> str:
        """A message in the page's language; `{name}` placeholders take `values`, escaped
        unless they are markup themselves (a link the template made)."""
        text = messages.gettext(code(context), message)
        return Markup.escape(text).format(**values) if values else text

    env.globals["_"] = jinja2.pass_context(gettext)
    env.globals["is_english"] = lambda language: locales.is_english(language.words)
    env.globals["language_name"] = locales.language_name
    env.filters["long_date"] = filter_in(long_date)
    env.filters["clock"] = filter_in(lambda moment, language: clock(moment, zone, language))
    env.filters["date_time"] = filter_in(lambda moment, language: date_time(moment, zone, language))
    env.filters["short_date_time"] = filter_in(
        lambda moment, language: short_date_time(moment, zone, language)
    )
    env.filters["short_date"] = filter_in(
        lambda moment, language: short_date(moment.astimezone(zone), language)
    )
    # Year pages head each month's stories.
    env.filters["month_year"] = filter_in(
        lambda moment, language: locales.month_year(moment.year, moment.month, language)
    )
    env.globals["month_url"] = jinja2.pass_context(
        lambda context, moment: prefix(context) + urls.month_url(moment.year, moment.month)
    )
    # A term's page in the page's language: /fr-ca/sections/politique/.
    env.globals["term_url"] = jinja2.pass_context(
        lambda context, kind, name: prefix(context) + urls.term_url(config.term_kind(kind), name)
    )
    # A page of the page's own language: {{ '/archive/' | in_edition | href }}.
    env.filters["in_edition"] = jinja2.pass_context(lambda context, url: prefix(context) + url)


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
