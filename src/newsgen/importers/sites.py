"""What an old Hugo, Jekyll or Pelican site's configuration says about its articles: the time
zone of dates written without an offset, and the URL each article had (its permalink scheme,
translations), so that aliases redirect from the URLs readers really used.

The configuration is read, never run: Pelican's Python settings only as simple `NAME = "value"`
lines. A setting that cannot be followed is reported, and the generator's default is used.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from newsgen.content import urls
from newsgen.errors import Problem

# pelican-quickstart writes pelicanconf.py; Pelican's own sample site has pelican.conf.py.
PELICAN_CONFIGS = ("pelicanconf.py", "pelican.conf.py", "publishconf.py")
HUGO_CONFIGS = (
    "hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json",
    "config.toml", "config.yaml", "config.yml", "config.json",
)  # fmt: skip
_JEKYLL_CONFIGS = ("_config.yml", "_config.yaml")
_PYTHON_STRING = r"^{}\s*=\s*(?:r?['\"])([^'\"]*)['\"]\s*(?:#.*)?$"
# Jekyll's named permalink styles (its documentation's table).
_JEKYLL_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}


@dataclass(frozen=True, slots=True)
class SiteSettings:
    zone: ZoneInfo | None = None  # for dates written without an offset
    permalink: str | None = None  # Jekyll's `permalink`, Pelican's ARTICLE_URL
    translation_permalink: str | None = None  # Pelican's ARTICLE_LANG_URL
    section_permalinks: Mapping[str, str] = field(default_factory=dict)  # Hugo's [permalinks]
    default_language: str = "en"
    content_dirs: Mapping[str, str] = field(default_factory=dict)  # Hugo: folder -> language
    languages: tuple[str, ...] = ()  # Hugo's [languages]: a multilingual site's, lower-case
    slug_from_title: bool = True  # Pelican's SLUGIFY_SOURCE
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class OldArticle:
    """What an article's old URL is made of."""

    relative: str  # below the content folder
    slug: str
    title: str
    categories: tuple[str, ...]
    moment: date | None
    language: str | None
    authors: tuple[str, ...]


def read_settings(folder: Path, flavour: str) -> SiteSettings:
    if flavour == "pelican":
        return _pelican(folder)
    names = _JEKYLL_CONFIGS if flavour == "jekyll" else HUGO_CONFIGS
    for name in names:
        path = folder / name
        if path.is_file():
            try:
                data = _config_data(path)
            except ValueError as exc:
                return SiteSettings(problems=(_problem(path, f"cannot be read: {exc}"),))
            return _jekyll(path, data) if flavour == "jekyll" else _hugo(path, data)
    return SiteSettings()


def old_url(settings: SiteSettings, flavour: str | None, article: OldArticle) -> str | None:
    """The URL the old site gave the article."""
    if flavour == "hugo":
        return _hugo_url(settings, article)
    if flavour == "jekyll" and article.moment is not None:
        return _jekyll_url(settings.permalink or _JEKYLL_STYLES["date"], article)
    if flavour == "pelican":
        translated = article.language not in (None, "", settings.default_language)
        if translated:
            pattern = settings.translation_permalink or "{slug}-{lang}.html"
        else:
            pattern = settings.permalink or "{slug}.html"
        return _pelican_url(pattern, article)
    return None


def _pelican(folder: Path) -> SiteSettings:
    path = next((folder / n for n in PELICAN_CONFIGS if (folder / n).is_file()), None)
    if path is None:
        return SiteSettings()
    text = path.read_text("utf-8", errors="replace")

    def setting(name: str) -> str | None:
        found = re.search(_PYTHON_STRING.format(name), text, re.MULTILINE)
        return found[1] if found else None

    problems: list[Problem] = []
    for name in ("ARTICLE_URL", "ARTICLE_LANG_URL"):
        if re.search(rf"^{name}\s*=", text, re.MULTILINE) and setting(name) is None:
            problems.append(
                _problem(path, f"{name} is not a plain string; the aliases assume the default")
            )
    return SiteSettings(
        zone=_zone(setting("TIMEZONE"), path, problems),
        permalink=setting("ARTICLE_URL"),
        translation_permalink=setting("ARTICLE_LANG_URL"),
        default_language=setting("DEFAULT_LANG") or "en",
        slug_from_title=(setting("SLUGIFY_SOURCE") or "title") == "title",
        problems=tuple(problems),
    )


def _jekyll(path: Path, data: dict[str, object]) -> SiteSettings:
    problems: list[Problem] = []
    permalink = data.get("permalink")
    collections = data.get("collections")
    if isinstance(collections, dict) and isinstance(collections.get("posts"), dict):
        permalink = collections["posts"].get("permalink", permalink)  # the posts' own setting
    if permalink is not None and not isinstance(permalink, str):
        problems.append(_problem(path, "permalink is not a string; the aliases assume the default"))
        permalink = None
    if isinstance(permalink, str):
        permalink = _JEKYLL_STYLES.get(permalink, permalink)
    zone = data.get("timezone")
    return SiteSettings(
        zone=_zone(zone if isinstance(zone, str) else None, path, problems),
        permalink=permalink,
        problems=tuple(problems),
    )


def _hugo(path: Path, data: dict[str, object]) -> SiteSettings:
    problems: list[Problem] = []
    lowered = {str(k).lower(): v for k, v in data.items()}
    zone = lowered.get("timezone")
    permalinks = lowered.get("permalinks")
    sections: dict[str, str] = {}
    if isinstance(permalinks, dict):
        # Hugo 0.120+ nests them by kind ([permalinks.page]); before, section = pattern.
        nested = permalinks.get("page")
        pages = nested if isinstance(nested, dict) else permalinks
        sections = {str(k): str(v) for k, v in pages.items() if isinstance(v, str)}
    language = lowered.get("defaultcontentlanguage")
    languages = lowered.get("languages")
    content_dirs: dict[str, str] = {}
    if isinstance(languages, dict):
        for name, options in languages.items():
            if isinstance(options, dict):
                folder = {str(k).lower(): v for k, v in options.items()}.get("contentdir")
                if isinstance(folder, str) and folder.strip():
                    content_dirs[folder.strip().strip("/")] = str(name).lower()
    return SiteSettings(
        zone=_zone(zone if isinstance(zone, str) else None, path, problems),
        section_permalinks=sections,
        default_language=language.lower() if isinstance(language, str) else "en",
        content_dirs=content_dirs,
        languages=tuple(str(name).lower() for name in languages)
        if isinstance(languages, dict)
        else (),
        problems=tuple(problems),
    )


def _zone(name: str | None, path: Path, problems: list[Problem]) -> ZoneInfo | None:
    if not name or not name.strip():
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            _problem(
                path,
                f"time zone {name!r} is not an IANA name; dates without an offset are read in "
                "the site's time zone",
            )
        )
        return None


def _config_data(path: Path) -> dict[str, object]:
    """A TOML, YAML or JSON settings file as a mapping; ValueError if it does not parse."""
    text = path.read_text("utf-8", errors="replace")
    try:
        if path.suffix == ".toml":
            data: object = tomllib.loads(text)
        elif path.suffix == ".json":
            data = json.loads(text)
        else:
            data = yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ValueError(" ".join(str(exc).split())) from None
    return data if isinstance(data, dict) else {}


def _when(article: OldArticle) -> datetime:
    moment = article.moment or date(1970, 1, 1)
    if isinstance(moment, datetime):
        return moment
    return datetime(moment.year, moment.month, moment.day)


def _pelican_url(pattern: str, article: OldArticle) -> str | None:
    """Pelican's ARTICLE_URL: a Python format string over the article's metadata."""
    values = {
        "slug": article.slug,
        "lang": article.language or "",
        "date": _when(article),
        "category": urls.slugify_segment(article.categories[0]) if article.categories else "misc",
        "author": urls.slugify_segment(article.authors[0]) if article.authors else "",
    }
    try:
        url = pattern.format(**values)
    except (KeyError, IndexError, ValueError, AttributeError):
        return None
    return "/" + url.lstrip("/")


def _jekyll_url(pattern: str, article: OldArticle) -> str:
    """Jekyll's permalink placeholders (:year, :title, :categories, …)."""
    when = _when(article)
    categories = "/".join(s for s in (urls.slugify_segment(c) for c in article.categories) if s)
    values = {
        "year": f"{when:%Y}",
        "short_year": f"{when:%y}",
        "month": f"{when:%m}",
        "i_month": str(when.month),
        "short_month": f"{when:%b}",
        "long_month": f"{when:%B}",
        "day": f"{when:%d}",
        "i_day": str(when.day),
        "y_day": f"{when:%j}",
        "week": f"{when:%V}",
        "short_day": f"{when:%a}",
        "long_day": f"{when:%A}",
        "title": article.slug,
        "slug": article.slug,
        "name": article.slug,
        "slugified_categories": categories,
        "categories": categories,
        "output_ext": ".html",
    }
    url = re.sub(r":(\w+)", lambda m: values.get(m[1], m[0]) if m[1] in values else m[0], pattern)
    url = re.sub(r"/{2,}", "/", url)
    return "/" + url.lstrip("/")


def _hugo_url(settings: SiteSettings, article: OldArticle) -> str:
    """Hugo's URL: its section's [permalinks] pattern, else the file's path, with the slug
    as its last part; a translation (x.fr.md) lives under /fr/."""
    path = PurePosixPath(article.relative)
    folder = path.parent.parent if path.stem.split(".")[0] == "index" else path.parent
    section = folder.parts[0] if folder.parts else ""
    prefix = ""
    if article.language and article.language != settings.default_language:
        prefix = f"/{article.language}"
    pattern = settings.section_permalinks.get(section)
    if pattern is None:
        middle = f"/{folder.as_posix()}" if folder.as_posix() != "." else ""
        return f"{prefix}{middle}/{article.slug}/"
    when = _when(article)
    values = {
        "year": f"{when:%Y}",
        "month": f"{when:%m}",
        "monthname": f"{when:%B}".lower(),
        "day": f"{when:%d}",
        "weekday": str(when.isoweekday() % 7),
        "weekdayname": f"{when:%A}".lower(),
        "yearday": str(when.timetuple().tm_yday),
        "section": section,
        "sections": folder.as_posix(),
        "title": urls.slugify_segment(article.title),
        "slug": article.slug,
        "slugorfilename": article.slug,
        "slugorcontentbasename": article.slug,
        "filename": path.stem.split(".")[0] if path.stem != "index" else folder.name,
        "contentbasename": path.stem.split(".")[0] if path.stem != "index" else folder.name,
    }
    url = re.sub(r":(\w+)", lambda m: values.get(m[1], m[0]), pattern)
    return prefix + "/" + re.sub(r"/{2,}", "/", url).lstrip("/")


def _problem(path: Path, message: str) -> Problem:
    return Problem(str(path), 1, 1, message)
