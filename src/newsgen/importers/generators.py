"""Other generators' article files: Hugo (YAML, TOML, JSON front matter), Jekyll, Pelican
(Markdown, and reStructuredText through docutils).

Their keys are mapped to newsgen's (see KEY_MAP); keys with no newsgen meaning are reported,
never dropped silently. The old URL each generator gave an article by default becomes an alias.
Dates without an offset are in the old site's time zone (Pelican `TIMEZONE`, Jekyll `timezone`,
Hugo `timeZone`). Links between posts (`{filename}`, `{% post_url %}`, `ref`…) are kept as
links to the posts they name, which the writer turns into their new URLs. Front matter that
does not parse is an error at its line.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from newsgen.content import urls
from newsgen.content.frontmatter import YamlError, parse_mapping, split
from newsgen.errors import BuildFailed, Problem
from newsgen.importers import author_data
from newsgen.importers.bodies import Place, convert
from newsgen.importers.files import decode, files_below
from newsgen.importers.markup import to_markdown
from newsgen.importers.record import ArticleRecord, Skipped, SourceResult
from newsgen.importers.sites import OldArticle, SiteSettings, old_url, read_settings

# Other generators' keys (lowercased) -> the newsgen key they become.
KEY_MAP = {
    "title": "title",
    "date": "date",
    "publishdate": "date",
    "lastmod": "updated",
    "modified": "updated",
    "updated": "updated",
    "last_modified_at": "updated",
    "slug": "slug",
    "author": "authors",
    "authors": "authors",
    "category": "categories",
    "categories": "categories",
    "section": "categories",
    "tags": "tags",
    "description": "summary",
    "excerpt": "summary",
    "summary": "summary",
    "dateline": "dateline",
    "image": "image",
    "images": "image",
    "featured_image": "image",
    "cover": "image",
    "thumbnail": "image",
    "draft": "draft",
    "published": "published",
    "status": "status",
    "aliases": "aliases",
    "redirect_from": "aliases",
    "url": "url",
    "permalink": "url",
    "save_as": "url",
}

_SUFFIXES = (".md", ".markdown", ".mdown", ".html", ".rst")

_JEKYLL_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")

_PELICAN_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[-_ ]?(.*)$")

_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[a-z]{2,4})?", re.IGNORECASE)

_PELICAN_LINE = re.compile(r"^([A-Za-z_][\w-]*):[ \t]*(.*)$")

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass(frozen=True, slots=True)
class _Source:
    path: Path
    shown: str  # as reported
    flavour: str | None  # hugo, jekyll, pelican, or None when unknown (one loose file)
    relative: str  # below the content folder: gives the old URL
    key: str  # below the site folder: the import id
    draft: bool = False  # Jekyll's _drafts/
    content: Path | None = None  # the content folder (_posts, content/), for links
    site: Path | None = None  # the old site's folder, for links
    language: str | None = None  # Hugo's language of its content folder


def read_tree(folder: Path, flavour: str) -> SourceResult:
    records: list[ArticleRecord] = []
    skipped: list[Skipped] = []
    broken: list[Problem] = []
    settings = read_settings(folder, flavour)
    warnings: list[Problem] = list(settings.problems)
    sources, refused = _tree_files(folder, flavour, settings)
    skipped.extend(refused)
    for source in sources:
        try:
            result = _read(source.path.read_bytes(), source, settings)
        except BuildFailed as exc:
            broken.extend(exc.problems)
            continue
        records.extend(result.records)
        skipped.extend(result.skipped)
        warnings.extend(result.warnings)
    if broken:
        raise BuildFailed(broken)
    # Posts name their author by the data file's key; bylines carry the person's name.
    names, people, notes = author_data.read(folder, flavour)
    records = [
        dataclasses.replace(r, authors=tuple(names.get(a, a) for a in r.authors)) for r in records
    ]
    return SourceResult(
        records=tuple(records),
        skipped=tuple(skipped),
        warnings=(*warnings, *notes),
        authors=people,
    )


def read_file(data: bytes, path: Path, shown: str, flavour: str | None) -> SourceResult:
    # A loose file has no tree to name it by: its content identifies it.
    key = hashlib.sha256(data).hexdigest()[:32]
    return _read(data, _Source(path, shown, flavour, path.name, key), SiteSettings())


def _tree_files(
    folder: Path, flavour: str, settings: SiteSettings
) -> tuple[list[_Source], tuple[Skipped, ...]]:
    roots: list[tuple[Path, bool, str | None]]  # (folder, drafts, language)
    if flavour == "jekyll":
        roots = [(folder / "_posts", False, None), (folder / "_drafts", True, None)]
    elif settings.content_dirs:  # Hugo, one content folder per language
        roots = [(folder / d, False, lang) for d, lang in sorted(settings.content_dirs.items())]
        if settings.default_language not in settings.content_dirs.values():
            roots.append((folder / "content", False, None))  # the languages without one
    else:
        roots = [(folder / "content", False, None)]
    roots = [r for r in roots if r[0].is_dir()] or [(folder, False, None)]
    sources: list[_Source] = []
    refused: list[Skipped] = []
    for root, draft, language in roots:  # none of those: the folder holds the content itself
        files, unsafe = files_below(root, folder, _SUFFIXES)
        refused.extend(unsafe)
        others = [r for r, _draft, _lang in roots if r != root and r.is_relative_to(root)]
        for path in sorted(files):
            if any(path.is_relative_to(other) for other in others):
                continue  # another language's folder inside this one: read as that language
            relative = path.relative_to(root).as_posix()
            key = f"{folder.name}/{path.relative_to(folder).as_posix()}"
            sources.append(
                _Source(path, str(path), flavour, relative, key, draft, root, folder, language)
            )
    return sources, tuple(refused)


def _read(data: bytes, source: _Source, settings: SiteSettings) -> SourceResult:
    where = Problem(source.shown, 1, 1, source.relative)
    if source.path.name in ("_index.md", "_index.markdown"):
        message = "skipped: a Hugo list page (_index.md), not an article"
        return SourceResult(skipped=(Skipped(_note(where, message), "list page"),))
    if source.flavour == "pelican" and source.relative.startswith("pages/"):
        return SourceResult(skipped=(Skipped(_note(where, "skipped: a Pelican page"), "page"),))
    text, undecodable = decode(data, source.shown)
    is_rst = source.path.suffix.lower() == ".rst"
    rst_notes: tuple[str, ...] = ()
    try:
        if is_rst:
            front, body, rst_notes = _rst(text)
        else:
            front, body = _front_matter(text)
    except _Unreadable as exc:
        problem = Problem(source.shown, exc.line, exc.column, exc.message)
        if exc.broken:  # front matter that does not parse: an error, as in the build
            raise BuildFailed([problem]) from None
        skip = Problem(source.shown, exc.line, exc.column, f"skipped: {exc.message}")
        return SourceResult(skipped=(Skipped(skip, "non-article file"),))
    place = None
    if source.flavour is not None and source.content is not None and source.site is not None:
        place = Place(source.flavour, source.site, source.content, source.path)
    converted = convert(body, source.flavour, place)
    body = converted.text
    if source.path.suffix.lower() == ".html" or is_rst:
        body, html_notes = to_markdown(body)
    else:
        html_notes = ()
    if source.flavour == "pelican" and "category" not in front and "/" in source.relative:
        # Pelican's default (USE_FOLDER_AS_CATEGORY): the folder is the category.
        front["category"] = source.relative.split("/", 1)[0]
    notes = (*rst_notes, *converted.notes, *html_notes)
    record = _record(front, body, source, where, notes, settings=settings)
    warnings = (undecodable,) if undecodable is not None else ()
    if isinstance(record, Skipped):
        return SourceResult(skipped=(record,), warnings=warnings)
    warned = (*record.warnings, *converted.leftovers)
    record = dataclasses.replace(record, links=converted.links, warnings=warned)
    return SourceResult(records=(record,), warnings=warnings)


class _Unreadable(Exception):
    """Front matter that is absent (`broken` False: not an article) or does not parse."""

    def __init__(self, line: int, column: int, message: str, broken: bool = True) -> None:
        super().__init__(message)
        self.line, self.column, self.message, self.broken = line, column, message, broken


def _front_matter(text: str) -> tuple[dict[str, object], str]:
    """The front matter as a mapping with lowercased keys, and the body."""
    if text.startswith("+++"):
        end = text.find("\n+++", 3)
        if end == -1:
            raise _Unreadable(1, 1, "the TOML front matter is not closed (no second '+++')")
        try:
            data: dict[str, object] = tomllib.loads(text[3:end])
        except tomllib.TOMLDecodeError as exc:
            line, column = _toml_position(exc, text[3:end])
            message = _TOML_POSITION.sub("", str(exc)).strip()
            raise _Unreadable(line, column, f"invalid TOML front matter: {message}") from None
        return _lower(data), text[end + 4 :].lstrip("\n")
    if text.startswith("{"):
        try:
            parsed, end = json.JSONDecoder().raw_decode(text)
        except json.JSONDecodeError as exc:
            message = f"invalid JSON front matter: {exc.msg}"
            raise _Unreadable(exc.lineno, exc.colno, message) from None
        if not isinstance(parsed, dict):
            raise _Unreadable(1, 1, "the JSON front matter is not an object")
        return _lower(parsed), text[end:].lstrip("\n")
    if text.startswith("---"):
        try:
            document = split(text)
            mapping = parse_mapping(document.front_matter, document.front_matter_line)
        except YamlError as exc:
            raise _Unreadable(exc.line, exc.column, exc.message) from None
        return _lower(mapping.data), document.body.lstrip("\n")
    return _pelican(text)


def _rst(text: str) -> tuple[dict[str, object], str, tuple[str, ...]]:
    """A reStructuredText article: its field list, its body as HTML, docutils' warnings."""
    from newsgen.importers.rst import RstError, read_rst  # noqa: PLC0415 - docutils is heavy

    try:
        return read_rst(text)
    except RstError as exc:
        raise _Unreadable(1, 1, f"not readable as reStructuredText: {exc}") from None


def _toml_position(exc: tomllib.TOMLDecodeError, toml: str) -> tuple[int, int]:
    """Where in the file a TOML error is: TOML's own line counts from the line of '+++'."""
    line = getattr(exc, "lineno", None)
    column = getattr(exc, "colno", None)
    if line is None:  # before Python 3.14, the position is only in the message
        found = _TOML_POSITION.search(str(exc))
        if found:
            line, column = int(found[1]), int(found[2])
        else:  # "at end of document"
            line, column = toml.count("\n") + 1, 1
    return int(line), int(column or 1)


def _pelican(text: str) -> tuple[dict[str, object], str]:
    """Pelican's Markdown metadata: 'Key: value' lines up to the first blank line."""
    front: dict[str, object] = {}
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if not line.strip():
            return front, "\n".join(lines[number + 1 :])
        match = _PELICAN_LINE.match(line)
        if match is None:
            if not front:
                raise _Unreadable(1, 1, "no front matter and no 'Title:' line", broken=False)
            return front, "\n".join(lines[number:])
        front[match[1].lower()] = match[2].strip()
    return front, ""


def _lower(data: dict[str, object]) -> dict[str, object]:
    return {str(k).lower(): v for k, v in data.items()}


def _record(
    front: dict[str, object],
    body: str,
    source: _Source,
    where: Problem,
    notes: tuple[str, ...],
    *,
    settings: SiteSettings,
) -> ArticleRecord | Skipped:
    mapped: dict[str, object] = {}
    unmapped = []
    for key, value in front.items():
        if key in KEY_MAP:
            mapped.setdefault(KEY_MAP[key], value)
        elif key.lower() != "translationkey":  # read below, with the article's language
            unmapped.append(key)
    title = _one(mapped.get("title"))
    if not title:
        return Skipped(_note(where, "skipped: no title"), "untitled file")
    given_tags = front.get("tags")
    comma_lists = source.flavour == "pelican" or (isinstance(given_tags, str) and "," in given_tags)
    categories = _list(mapped.get("categories"), comma_lists)
    tags = _list(mapped.get("tags"), comma_lists, space_separated=source.flavour == "jekyll")
    name_date, name_slug, language = _from_name(source)
    language = _one(front.get("lang")) or language or source.language
    if not language and source.flavour == "hugo" and len(settings.languages) > 1:
        language = settings.default_language  # a multilingual site's page without a suffix
    zone = settings.zone
    moment = _in_zone(_moment(mapped.get("date")), zone) or name_date
    slug = _one(mapped.get("slug"))
    if not slug and source.flavour == "pelican" and settings.slug_from_title:
        slug = urls.slugify_segment(title)  # Pelican's default: the slug comes from the title
    slug = slug or name_slug or urls.slugify_segment(title)
    warnings = list(notes)
    if unmapped:
        warnings.append(f"keys not carried over: {', '.join(sorted(unmapped))}")
    for key in ("authors", "categories", "tags", "aliases"):
        value = mapped.get(key)
        if value is not None and not isinstance(value, str | list):
            warnings.append(f"{key} {value!r} is neither text nor a list; not carried over")
    status = _one(mapped.get("status")).lower()
    draft = (
        mapped.get("draft") is True
        or mapped.get("published") is False
        or status in ("draft", "hidden")
        or source.draft
    )
    old = [*_list(mapped.get("aliases"), False), *_list(mapped.get("url"), False)]
    authors = _list(mapped.get("authors"), comma_lists)
    if source.flavour == "hugo":  # Hugo's aliases may be relative to the page's folder
        old = [_hugo_alias(alias, source.relative, language, settings) for alias in old]
    article = OldArticle(source.relative, slug, title, categories, moment, language, authors)
    default_url = old_url(settings, source.flavour, article)
    if default_url and not mapped.get("url"):
        old.append(default_url)
    # Translations: Hugo's translationKey, else the file's path without its language (Hugo
    # links name.md and name.fr.md, and one path in each language's content folder); Pelican
    # links translations by slug. The writer suffixes the slug of a language the site lacks.
    given_key = next((v for k, v in front.items() if k.lower() == "translationkey"), None)
    key = _one(given_key) or (
        slug if source.flavour == "pelican" else _translation_path(source.relative)
    )
    has_language = bool(language) and source.flavour is not None
    image = mapped.get("image")
    if isinstance(image, dict):
        image = image.get("image") or image.get("src")
    return ArticleRecord(
        title=title,
        body=body.strip() + "\n",
        source=_note(where, f"{source.flavour or 'article'} file {source.relative}"),
        source_id=f"{source.flavour or 'markdown'}:{source.key}",
        date=moment,
        updated=_in_zone(_moment(mapped.get("updated")), zone),
        authors=authors,
        section=categories[0] if categories else None,
        tags=tuple(dict.fromkeys((*categories[1:], *tags))),
        summary=_one(mapped.get("summary")) or None,
        slug=slug or None,
        dateline=_one(mapped.get("dateline")) or None,
        image=(_list(image, False) or (None,))[0],
        draft=draft,
        aliases=tuple(old),
        warnings=tuple(warnings),
        language=language or None if has_language else None,
        translation_key=key if has_language else None,
        source_default_language=settings.default_language,
    )


def _translation_path(relative: str) -> str:
    """posts/oh-yeah for posts/oh-yeah.fr.md, posts/oh-yeah.md and posts/oh-yeah/index.fr.md:
    the path Hugo links translations by, when no translationKey says otherwise."""
    path = Path(relative)
    parts = path.name.split(".")
    if len(parts) == 3 and _LANGUAGE.fullmatch(parts[1]):  # name.fr.md
        parts = [parts[0], parts[2]]
    stem = parts[0]
    if stem in ("index", "_index"):
        return path.parent.as_posix()
    return (path.parent / stem).as_posix().removeprefix("./")


def _from_name(source: _Source) -> tuple[date | None, str, str | None]:
    """The date, slug and language a file's name gives: Jekyll's _posts/YYYY-MM-DD-slug.md,
    Pelican's YYYY-MM-DD prefix (its default FILENAME_METADATA), a Hugo bundle's folder name,
    Hugo's translations (name.fr.md)."""
    path = Path(source.relative)
    stem = path.parent.name if path.stem.split(".")[0] == "index" else path.stem
    language = None
    if source.flavour == "hugo":
        parts = path.stem.split(".")
        if len(parts) == 2 and _LANGUAGE.fullmatch(parts[1]):
            language = parts[1].lower()
            stem = path.parent.name if parts[0] == "index" else parts[0]
    pattern = _PELICAN_NAME if source.flavour == "pelican" else _JEKYLL_NAME
    match = pattern.match(stem)
    if match is None:
        return None, urls.slugify_segment(stem), language
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        day = None
    return day, urls.slugify_segment(match[4] or stem), language


def _hugo_alias(alias: str, relative: str, language: str | None, settings: SiteSettings) -> str:
    """Hugo resolves an alias without a leading '/' against the page's own folder (and its
    language's folder)."""
    if alias.startswith(("/", "http://", "https://")):
        return alias
    folder = Path(relative).parent.as_posix()
    prefix = f"/{language}" if language and language != settings.default_language else ""
    base = "" if folder == "." else f"/{folder}"
    return f"{prefix}{base}/{alias}"


def _in_zone(moment: datetime | date | None, zone: ZoneInfo | None) -> datetime | date | None:
    """A time written without an offset is in the old site's time zone, when it named one."""
    if isinstance(moment, datetime) and moment.tzinfo is None and zone is not None:
        return moment.replace(tzinfo=zone)
    return moment


def _moment(value: object) -> datetime | date | None:
    if isinstance(value, datetime | date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    # Jekyll's "2023-11-02 10:00:00 +0100": an offset after a space, maybe without a colon.
    text = re.sub(r"\s+([+-]\d{2}):?(\d{2})$", r"\1:\2", text)
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        return None


def _one(value: object) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip() if isinstance(value, str | int | float) else ""


def _list(value: object, commas: bool, space_separated: bool = False) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        if commas:
            items = value.split(",")
        elif space_separated:
            items = value.split()
        else:
            items = [value]
    elif isinstance(value, list):
        items = [str(v) for v in value if isinstance(v, str | int | float)]
    else:
        return ()
    return tuple(dict.fromkeys(i.strip() for i in items if i.strip()))


def _note(where: Problem, message: str) -> Problem:
    return Problem(where.path, where.line, where.column, message)
