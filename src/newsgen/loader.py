"""Find article files, decode them and validate their front matter into `Article`s.

`parse_article` is pure (text in, Article or problems out); collect.py does the file IO and
the caching. Nothing here decides what gets published.
"""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from newsgen import urls
from newsgen.config import Config
from newsgen.errors import Problem
from newsgen.fields import FieldReader
from newsgen.frontmatter import YamlError, parse_mapping, split
from newsgen.model import Article

ARTICLE_SUFFIXES = (".md", ".markdown", ".txt")
FRONT_MATTER_KEYS = (
    "title", "date", "updated", "slug", "authors", "author", "section", "tags", "summary",
    "dateline", "image", "image_alt", "image_caption", "image_credit", "draft", "aliases",
    "extra",
)  # fmt: skip
# Characters XML 1.0 cannot carry; they would break feeds and are never meant in prose.
_FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


class ArticleInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


def find_article_files(articles_dir: Path, root: Path) -> tuple[list[Path], list[Problem]]:
    """Every article file below `articles_dir`, in a stable order; hidden files are skipped.

    Links are never a way out of the site folder: a link to a file is read only if it points
    inside `root`, and links to folders are reported rather than followed.
    """
    if not articles_dir.is_dir():
        return [], []
    real_root = root.resolve()
    files: list[Path] = []
    problems: list[Problem] = []
    for folder, subfolders, names in os.walk(articles_dir):  # never descends through links
        here = Path(folder)
        for name in sorted(subfolders):
            if (here / name).is_symlink() and not name.startswith("."):
                source = (here / name).relative_to(root).as_posix()
                problems.append(
                    Problem(
                        source,
                        1,
                        1,
                        "is a link to a folder; newsgen does not follow links to folders",
                        "move the articles here",
                    )
                )
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        for name in names:
            path = here / name
            if name.startswith(".") or path.suffix not in ARTICLE_SUFFIXES:
                continue
            if path.is_symlink() and not path.resolve().is_relative_to(real_root):
                problems.append(
                    Problem(
                        path.relative_to(root).as_posix(),
                        1,
                        1,
                        "is a link to a file outside the site folder; newsgen "
                        "reads only files inside it",
                        "copy the file here",
                    )
                )
            elif path.is_file():
                files.append(path)
    return sorted(files), problems


def decode(data: bytes, source: str) -> tuple[str, Problem | None]:
    """UTF-8 (BOM allowed) to text with LF newlines; forbidden control characters are removed."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        message = f"invalid UTF-8 at byte {exc.start}"
        problem = Problem(source, line, column, message, "save the file as UTF-8")
        raise ArticleInvalid([problem]) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    found = _FORBIDDEN_CHARS.search(text)
    if found is None:
        return text, None
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    count = len(_FORBIDDEN_CHARS.findall(text))
    warning = Problem(
        source,
        line,
        column,
        f"removed {count} control character(s) that HTML and feeds cannot carry",
    )
    return _FORBIDDEN_CHARS.sub("", text), warning


def parse_article(text: str, source: str, config: Config) -> Article:
    """Validate one article's text; raise ArticleInvalid with every problem found in it."""
    try:
        document = split(text)
        mapping = parse_mapping(document.front_matter, document.front_matter_line)
    except YamlError as exc:
        raise ArticleInvalid([Problem(source, exc.line, exc.column, exc.message)]) from None
    fields = FieldReader(mapping, source)
    fields.reject_unknown(FRONT_MATTER_KEYS)
    title = fields.text("title", required=True)
    published = _datetime(fields, "date", config.timezone, required=True)
    updated = _datetime(fields, "updated", config.timezone)
    slug = _slug(fields, title)
    authors = _authors(fields)
    section = fields.text("section")
    tags = _unique_casefolded(fields.text_list("tags"))
    extra = fields.data.get("extra", {})
    if not isinstance(extra, dict):
        fields.problem("extra", "'extra' must be a mapping of 'key: value' lines")
    aliases = tuple(a for a in fields.text_list("aliases") if _valid_alias(fields, a))
    image = _url_field(fields, "image")
    summary = fields.text("summary")
    dateline = fields.text("dateline")
    image_alt = fields.text("image_alt")
    image_caption = fields.text("image_caption")
    image_credit = fields.text("image_credit")
    draft = fields.boolean("draft", default=False)
    if fields.problems or title is None or published is None or slug is None:
        raise ArticleInvalid(fields.problems)
    local_date = published.astimezone(config.timezone)
    return Article(
        source=source,
        title=title,
        date=published,
        local_date=local_date,
        slug=slug,
        url=urls.article_url(config.permalink, local_date, slug, section),
        body=document.body,
        body_line=document.body_line,
        updated=updated,
        date_only=_date_only(fields.data.get("date")),
        updated_date_only=_date_only(fields.data.get("updated")),
        authors=authors,
        section=section,
        tags=tags,
        summary=summary,
        dateline=dateline,
        image=image,
        image_alt=image_alt,
        image_caption=image_caption,
        image_credit=image_credit,
        draft=draft,
        aliases=aliases,
        extra=extra if isinstance(extra, dict) else {},
        positions=mapping.positions,
    )


def _datetime(
    fields: FieldReader, key: str, tz: ZoneInfo, required: bool = False
) -> datetime | None:
    value = fields.data.get(key)
    if value is None:
        if required:
            fields.problem(
                None,
                f"missing required key '{key}'",
                "for example 'date: 2026-11-24 09:30' (site time zone)",
            )
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            fields.problem(
                key,
                f"'{key}' is not a valid date: {value!r}",
                "write it as YYYY-MM-DD or YYYY-MM-DD HH:MM:SS, optionally with +HH:MM",
            )
            return None
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if not isinstance(value, datetime):
        fields.problem(key, f"'{key}' must be a date, not {type(value).__name__}")
        return None
    if value.tzinfo is not None:
        return value
    return _localize(fields, key, value, tz)


def _date_only(value: object) -> bool:
    """A day without a time of day: YAML's date, or text written as YYYY-MM-DD."""
    if isinstance(value, str):
        return re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value) is not None
    return isinstance(value, date) and not isinstance(value, datetime)


def _localize(fields: FieldReader, key: str, naive: datetime, tz: ZoneInfo) -> datetime | None:
    """Attach the site time zone, refusing wall-clock times that a DST change skips or repeats."""
    aware = naive.replace(tzinfo=tz)
    if aware.astimezone(ZoneInfo("UTC")).astimezone(tz).replace(tzinfo=None) != naive:
        fields.problem(
            key,
            f"'{key}' {naive:%Y-%m-%d %H:%M} does not exist in {tz.key} (the clocks skip it)",
            "add the UTC offset you mean, such as +02:00",
        )
        return None
    if aware.replace(fold=1).utcoffset() != aware.utcoffset():
        fields.problem(
            key,
            f"'{key}' {naive:%Y-%m-%d %H:%M} happens twice in {tz.key} (the clocks repeat it)",
            "add the UTC offset you mean, such as +01:00",
        )
        return None
    return aware


def _slug(fields: FieldReader, title: str | None) -> str | None:
    given = fields.text("slug")
    if given is not None:
        if not urls.is_safe_segment(given):
            suggestion = urls.slugify_segment(given)
            fields.problem(
                "slug",
                f"'slug' {given!r} is not a safe URL segment",
                f"use lowercase letters, digits and hyphens, e.g. '{suggestion}'"
                if suggestion
                else "use lowercase letters, digits and hyphens",
            )
            return None
        return given
    if title is None:
        return None
    derived = urls.slugify_segment(title)
    if not derived:
        fields.problem("title", "the title gives an empty slug", "set 'slug' in the front matter")
        return None
    return derived


def _authors(fields: FieldReader) -> tuple[str, ...]:
    if "author" in fields.data and "authors" in fields.data:
        fields.problem("author", "use either 'author' or 'authors', not both")
        return ()
    return fields.text_list("authors" if "authors" in fields.data else "author")


def _unique_casefolded(terms: tuple[str, ...]) -> tuple[str, ...]:
    """Drop repeats that differ only in case; the first spelling wins."""
    seen: set[str] = set()
    kept = []
    for term in terms:
        key = unicodedata.normalize("NFC", term).casefold()
        if key not in seen:
            seen.add(key)
            kept.append(term)
    return tuple(kept)


def _valid_alias(fields: FieldReader, alias: str) -> bool:
    segments = alias.strip("/").split("/")
    if (
        not alias.startswith("/")
        or "\\" in alias
        or "%" in alias
        or any(s in ("", ".", "..") or s.startswith(".") or "\x00" in s for s in segments)
    ):
        fields.problem(
            "aliases",
            f"alias {alias!r} is not a safe site path",
            "write it as /old/path/ with no '..', '%' or backslashes",
        )
        return False
    return True


def _url_field(fields: FieldReader, key: str) -> str | None:
    value = fields.text(key)
    if value is None:
        return None
    scheme = urlsplit(value).scheme.lower()
    if scheme not in ("", "http", "https"):
        fields.problem(key, f"'{key}' must be an http(s) URL or a site path, not a {scheme}: URL")
        return None
    return value
