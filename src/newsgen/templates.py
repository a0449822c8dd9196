"""The one Jinja environment: the site's templates/ first, then the default theme.

Autoescape is on and undefined names are errors. A default template stays reachable as
`newsgen/<name>`, so a site's override can extend the template it replaces.
"""

from __future__ import annotations

import hashlib
import os
import traceback
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2

from newsgen import urls
from newsgen.cards import card_image
from newsgen.config import Config
from newsgen.errors import Problem
from newsgen.pager import page_links
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
    zone = config.timezone
    env.filters["local"] = lambda moment: moment.astimezone(zone)
    env.filters["clock"] = lambda moment: clock(moment, zone)
    env.filters["date_time"] = lambda moment: date_time(moment, zone)
    env.filters["short_date_time"] = lambda moment: short_date_time(moment, zone)
    env.filters["short_date"] = lambda moment: short_date(moment.astimezone(zone))
    prefix = urls.base_path(config.base_url)
    env.filters["href"] = lambda url: urls.href(prefix, url)
    env.globals["site"] = config
    # '/news' when the site lives under https://example.org/news, '' at a host's root.
    env.globals["base_path"] = prefix
    env.globals["absolute"] = lambda url: urls.absolute(config.base_url, url)
    env.globals["card_image"] = lambda article: card_image(article, config)
    env.globals["page_links"] = page_links
    env.globals["term_url"] = urls.term_url
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


# Associated Press abbreviations: short months are spelled out.
SHORT_MONTHS = (
    "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.",
    "Dec.",
)  # fmt: skip


def clock(moment: datetime, zone: ZoneInfo) -> str:
    """'9:15 AM GMT+1': the time of day in the site's time zone, with its offset from GMT.

    An offset rather than a zone abbreviation: abbreviations are ambiguous (CST) or missing
    (many zones have only '+03'), an offset is neither and never depends on the locale."""
    local = moment.astimezone(zone)
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'} {gmt_offset(local)}"


def gmt_offset(moment: datetime) -> str:
    """'GMT', 'GMT+1', 'GMT-3:30', 'GMT+5:45'."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = round(offset.total_seconds() / 60)
    if minutes == 0:
        return "GMT"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"GMT{sign}{hours}" + (f":{rest:02d}" if rest else "")


def date_time(moment: datetime, zone: ZoneInfo) -> str:
    """'9:15 AM GMT+1, June 3, 2025', as news sites date their stories."""
    return f"{clock(moment, zone)}, {long_date(moment.astimezone(zone))}"


def short_date(moment: datetime) -> str:
    """'Nov. 24, 2026'."""
    return f"{SHORT_MONTHS[moment.month - 1]} {moment.day}, {moment.year}"


def short_date_time(moment: datetime, zone: ZoneInfo) -> str:
    """'Nov. 24, 2026, 9:30 AM' for teasers; the zone is the site's, as on every page."""
    local = moment.astimezone(zone)
    hour = local.hour % 12 or 12
    return f"{short_date(local)}, {hour}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"


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
