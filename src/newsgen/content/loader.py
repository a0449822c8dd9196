"""Find article files, decode them and validate their front matter into `Article`s.

`parse_article` is pure (text in, Article or problems out); collect.py does the file IO and
the caching. Nothing here decides what gets published.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from newsgen.content import urls
from newsgen.content.config import Config
from newsgen.content.contained import is_utf8, linked_folder, not_regular
from newsgen.content.fields import FieldReader
from newsgen.content.frontmatter import FORBIDDEN_CHARS as _FORBIDDEN_CHARS
from newsgen.content.frontmatter import FRONT_MATTER_KEYS, YamlError, parse_mapping, split
from newsgen.content.notices import is_date_only
from newsgen.content.notices import read as read_notices
from newsgen.content.urls import term_key
from newsgen.errors import Problem
from newsgen.model import Article
from newsgen.options import FIRST_YEAR, LAST_YEAR

ARTICLE_SUFFIXES = (".md", ".markdown", ".txt")
MAX_TERMS = 100  # tags, or authors, of one article
# Other generators' keys, for people who convert by hand: the hint names newsgen's key.
OTHER_GENERATOR_KEYS = {
    "lastmod": "newsgen calls it 'updated'",
    "modified": "newsgen calls it 'updated'",
    "last_modified_at": "newsgen calls it 'updated'",
    "publishdate": "newsgen calls it 'date'",
    "categories": "newsgen has one 'section' and a list of 'tags': use those",
    "category": "newsgen calls it 'section'",
    "description": "newsgen calls it 'summary'",
    "excerpt": "newsgen calls it 'summary'",
    "redirect_from": "newsgen calls it 'aliases'",
    "published": "write 'draft: true' for an article not to publish",
    "status": "write 'draft: true' for an article not to publish",
    "images": "newsgen has one 'image' (and 'image_alt')",
    "featured_image": "newsgen calls it 'image'",
    "cover": "newsgen calls it 'image'",
    "keywords": "newsgen calls them 'tags'",
    "permalink": "set 'slug', and list the old URL under 'aliases'",
    "url": "set 'slug', and list the old URL under 'aliases'",
    "layout": "newsgen has no layouts per article; remove it",
    "lang": "newsgen calls it 'language'",
    "translationkey": "newsgen calls it 'translation_key'",
}


class ArticleInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


def find_article_files(articles_dir: Path, root: Path) -> tuple[list[Path], list[Problem]]:
    """Every article file below `articles_dir`, in a stable order; hidden files are skipped.

    Links are never a way out of the site folder: a link to a file is read only if it points
    inside `root`, and links to folders are reported rather than followed.
    """
    linked = linked_folder(articles_dir, root)
    if linked is not None:
        return [], [linked]
    if not articles_dir.is_dir():
        return [], []
    real_root = root.resolve()
    files: list[Path] = []
    problems: list[Problem] = []
    for folder, subfolders, names in os.walk(articles_dir):  # never descends through links
        here = Path(folder)
        articles = [name for name in names if name.endswith(ARTICLE_SUFFIXES)]
        problems.extend(_undecodable(here, [*subfolders, *articles], root))
        subfolders[:] = [name for name in subfolders if is_utf8(name)]
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
        # The folder's listing tells plain files apart without a system call each (d_type).
        with os.scandir(folder) as listing:
            plain = {
                e.name for e in listing if not e.is_symlink() and e.is_file(follow_symlinks=False)
            }
        for name in names:
            path = here / name
            if name.startswith(".") or path.suffix not in ARTICLE_SUFFIXES or not is_utf8(name):
                continue
            if name in plain:
                files.append(path)
            elif path.is_symlink() and not path.resolve().is_relative_to(real_root):
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
            elif (kind := not_regular(path, root)) is not None:
                problems.append(kind)
            elif path.is_file():
                files.append(path)
    # By parts, as Path orders them, but without Path's slow comparison of 100,000 pairs.
    return sorted(files, key=lambda path: path.parts), problems


def _undecodable(folder: Path, names: Iterable[str], root: Path) -> Iterator[Problem]:
    """A name that is not UTF-8 cannot become a source path or URL: each is reported, with
    its bytes shown as \\xNN. Files that are not articles are ignored, as always."""
    for name in sorted(names):
        if not name.startswith(".") and not is_utf8(name):
            shown = os.fsencode((folder / name).relative_to(root)).decode(
                "utf-8", "backslashreplace"
            )
            yield Problem(shown, 1, 1, "the name is not valid UTF-8", "rename it")


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
        problem = Problem(source, exc.line, exc.column, exc.message, exc.hint)
        raise ArticleInvalid([problem]) from None
    fields = FieldReader(mapping, source)
    declared = tuple((kind.name, kind.keys[0]) for kind in config.taxonomies)
    fields.reject_unknown((*FRONT_MATTER_KEYS, *(key for _, key in declared)), OTHER_GENERATOR_KEYS)
    title = fields.text("title", required=True)
    published = _datetime(fields, "date", config.timezone, required=True)
    updated = _datetime(fields, "updated", config.timezone)
    slug = _slug(fields, title)
    authors = _authors(fields)
    section = fields.text("section")
    tags = _at_most(fields, "tags", _unique_casefolded(fields.text_list("tags")))
    # The site's own kinds read as tags do: a text or a list of texts, repeats dropped.
    terms = {
        name: found
        for name, key in declared
        if (found := _at_most(fields, key, _unique_casefolded(fields.text_list(key))))
    }
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
    language = _language(fields, config)
    translation_key = fields.text("translation_key")
    read_date = partial(_datetime, tz=config.timezone)
    corrections = read_notices(fields, "corrections", published, read_date)
    updates = read_notices(fields, "updates", published, read_date)
    if fields.problems or title is None or published is None or slug is None:
        raise ArticleInvalid(fields.problems)
    local_date = published.astimezone(config.timezone)
    return Article(
        source=source,
        title=title,
        date=published,
        local_date=local_date,
        slug=slug,
        url=config.edition(language).prefix
        + urls.article_url(config.permalink, local_date, slug, section),
        body=document.body,
        body_line=document.body_line,
        updated=updated,
        date_only=is_date_only(fields.data.get("date")),
        updated_date_only=is_date_only(fields.data.get("updated")),
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
        corrections=corrections,
        updates=updates,
        positions=mapping.positions,
        language=language,
        translation_key=translation_key,
        terms=terms,
    )


def _language(fields: FieldReader, config: Config) -> str:
    """The article's language as the site configures it (BCP 47 tags ignore case: `fr-ca` is
    `fr-CA`); without the key, the site's default language."""
    given = fields.text("language")
    if given is None:
        return config.editions[0].code
    codes = [edition.code for edition in config.editions]
    found = next((code for code in codes if code.lower() == given.lower()), None)
    if found is None:
        fields.problem(
            "language",
            f"unknown language {given!r}",
            "the site's languages are " + ", ".join(codes),
        )
        return codes[0]
    return found


def comma_warnings(article: Article) -> tuple[Problem, ...]:
    """A tag or author written 'a, b, c' is one term: say so rather than let it pass."""
    found = []
    for key, terms in (("tags", article.tags), ("authors", article.authors)):
        given = key if key in article.positions else "author"
        line, column = article.positions.get(given, (1, 1))
        for term in terms:
            if "," in term:
                items = ", ".join(part.strip() for part in term.split(","))
                found.append(
                    Problem(
                        article.source,
                        line,
                        column,
                        f"'{given}' has {term!r}, one term with commas in it",
                        f"for several, write a list: {key}: [{items}]",
                    )
                )
    return tuple(found)


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
    return _in_range(fields, key, value, tz)


def _in_range(fields: FieldReader, key: str, value: datetime, tz: ZoneInfo) -> datetime | None:
    """Years newsgen can convert and offset anywhere, with offsets that RFC 3339 can write."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        fields.problem(
            key,
            f"'{key}' {value.date().isoformat()} is outside the supported range, "
            f"years {FIRST_YEAR} to {LAST_YEAR}",
        )
        return None
    if _offset_seconds(value) % 60:
        fields.problem(
            key,
            f"'{key}' has the UTC offset {_offset_text(value)}; feeds, sitemaps and HTML "
            "need whole minutes",
            "write the offset in hours and minutes, such as +05:30",
        )
        return None
    aware = value if value.tzinfo is not None else _localize(fields, key, value, tz)
    local = aware.astimezone(tz) if aware is not None else None
    if local is not None and _offset_seconds(local) % 60:
        fields.problem(
            key,
            f"'{key}' is in {tz.key}'s local mean time, offset {_offset_text(local)}; "
            "feeds, sitemaps and HTML need whole minutes",
            f"date it after {tz.key} adopted standard time",
        )
        return None
    return aware


def _offset_seconds(moment: datetime) -> int:
    offset = moment.utcoffset()
    return 0 if offset is None else int(offset.total_seconds())


def _offset_text(moment: datetime) -> str:
    """+05:30:15: RFC 3339 has no seconds in offsets, so such offsets are refused, not rounded."""
    seconds = _offset_seconds(moment)
    sign, seconds = ("-", -seconds) if seconds < 0 else ("+", seconds)
    return f"{sign}{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


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
    key = "authors" if "authors" in fields.data else "author"
    return _at_most(fields, key, fields.text_list(key))


def _at_most(fields: FieldReader, key: str, terms: tuple[str, ...]) -> tuple[str, ...]:
    """Every term has its own page and feeds, each listing the article with all its terms: the
    output grows with the square of an article's terms, so their number is limited."""
    if len(terms) > MAX_TERMS:
        fields.problem(
            key,
            f"'{key}' has {len(terms)} entries; an article takes at most {MAX_TERMS}",
            "keep the ones readers will follow: each has its own page and feeds",
        )
        return ()
    return terms


def _unique_casefolded(terms: tuple[str, ...]) -> tuple[str, ...]:
    """Drop repeats that differ only in case; the first spelling wins."""
    seen: set[str] = set()
    kept = []
    for term in terms:
        key = term_key(term)
        if key not in seen:
            seen.add(key)
            kept.append(term)
    return tuple(kept)


def _valid_alias(fields: FieldReader, alias: str) -> bool:
    if "?" in alias or "#" in alias:  # a server never looks for a file named after them
        fields.problem(
            "aliases",
            f"alias {alias!r} has a query string or fragment, which a static site cannot redirect",
            "redirect it on the web server; list only old paths here",
        )
        return False
    segments = alias.strip("/").split("/")
    if (
        not alias.startswith("/")
        or "\\" in alias
        or any(character in alias for character in "%?#")
        or any(s in ("", ".", "..") or s.startswith(".") or "\x00" in s for s in segments)
    ):
        fields.problem(
            "aliases",
            f"alias {alias!r} is not a safe site path",
            "write it as /old/path/ with no '..', '%', '?', '#' or backslashes",
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
