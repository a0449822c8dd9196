"""Other generators' article files: Hugo (YAML, TOML, JSON front matter), Jekyll, Pelican.

Their keys are mapped to newsgen's (see KEY_MAP); keys with no newsgen meaning are reported,
never dropped silently. The old URL each generator gave an article by default becomes an alias.
Pelican's reStructuredText articles are out of scope and reported as skipped.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from newsgen.content import urls
from newsgen.content.frontmatter import YamlError, parse_mapping, split
from newsgen.errors import Problem
from newsgen.importers import author_data
from newsgen.importers.markup import to_markdown
from newsgen.importers.record import ArticleRecord, Skipped, SourceResult

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
_PELICAN_LINE = re.compile(r"^([A-Za-z_][\w-]*):[ \t]*(.*)$")
_TEMPLATE_TAG = re.compile(r"\{\{[<%].*?[%>]\}\}|\{%.*?%\}", re.DOTALL)


@dataclass(frozen=True, slots=True)
class _Source:
    path: Path
    shown: str  # as reported
    flavour: str | None  # hugo, jekyll, pelican, or None when unknown (one loose file)
    relative: str  # below the content folder: gives the old URL
    key: str  # below the site folder: the import id
    draft: bool = False  # Jekyll's _drafts/


def read_tree(folder: Path, flavour: str) -> SourceResult:
    records: list[ArticleRecord] = []
    skipped: list[Skipped] = []
    for source in _tree_files(folder, flavour):
        result = _read(source.path.read_bytes(), source)
        records.extend(result.records)
        skipped.extend(result.skipped)
    custom = _custom_permalinks(folder, flavour)
    warnings: tuple[Problem, ...] = ()
    if custom is not None and records:
        message = (
            f"sets its own permalinks ('{custom[1]}'); the aliases assume {flavour.title()}'s "
            "defaults, so check that they match the old URLs"
        )
        warnings = (Problem(str(custom[0]), 1, 1, message),)
    # Posts name their author by the data file's key; bylines carry the person's name.
    names, people, notes = author_data.read(folder, flavour)
    records = [
        dataclasses.replace(r, authors=tuple(names.get(a, a) for a in r.authors)) for r in records
    ]
    return SourceResult(
        records=tuple(records),
        skipped=tuple(skipped),
        warnings=warnings + notes,
        authors=people,
    )


# Where each generator's site settings can change its article URLs: (file, setting).
_PERMALINK_SETTINGS = {
    "jekyll": (("_config.yml", "permalink"),),
    "hugo": (
        ("hugo.toml", "permalinks"),
        ("config.toml", "permalinks"),
        ("hugo.yaml", "permalinks"),
        ("hugo.yml", "permalinks"),
    ),
    "pelican": (("pelicanconf.py", "ARTICLE_URL"), ("pelicanconf.py", "ARTICLE_SAVE_AS")),
}


def _custom_permalinks(folder: Path, flavour: str) -> tuple[Path, str] | None:
    """The settings file and setting that change the generator's default article URLs."""
    for name, setting in _PERMALINK_SETTINGS.get(flavour, ()):
        path = folder / name
        if not path.is_file():
            continue
        text = path.read_text("utf-8", errors="replace")
        # A line that starts with the setting: enough to warn, without running or parsing
        # the other generator's configuration language.
        if re.search(rf"^(?:\[{setting}\]|{setting}\s*[:=])", text, re.MULTILINE):
            return path, setting
    return None


def read_file(data: bytes, path: Path, shown: str, flavour: str | None) -> SourceResult:
    # A loose file has no tree to name it by: its content identifies it.
    key = hashlib.sha256(data).hexdigest()[:32]
    return _read(data, _Source(path, shown, flavour, path.name, key))


def _tree_files(folder: Path, flavour: str) -> Iterator[_Source]:
    if flavour == "jekyll":
        roots = [(folder / "_posts", False), (folder / "_drafts", True)]
    else:
        roots = [(folder / "content", False)]
    roots = [(root, draft) for root, draft in roots if root.is_dir()] or [(folder, False)]
    for root, draft in roots:  # a folder that is none of those is the content folder itself
        for path in sorted(root.rglob("*")):
            hidden = any(part.startswith(".") for part in path.relative_to(root).parts)
            if path.is_file() and not hidden and path.suffix.lower() in _SUFFIXES:
                relative = path.relative_to(root).as_posix()
                key = path.relative_to(folder).as_posix()
                yield _Source(path, str(path), flavour, relative, f"{folder.name}/{key}", draft)


def _read(data: bytes, source: _Source) -> SourceResult:
    where = Problem(source.shown, 1, 1, source.relative)
    if source.path.suffix.lower() == ".rst":
        message = "skipped: reStructuredText is not imported (convert it to Markdown first)"
        return SourceResult(skipped=(Skipped(_note(where, message), "reStructuredText file"),))
    if source.path.name in ("_index.md", "_index.markdown"):
        message = "skipped: a Hugo list page (_index.md), not an article"
        return SourceResult(skipped=(Skipped(_note(where, message), "list page"),))
    if source.flavour == "pelican" and source.relative.startswith("pages/"):
        return SourceResult(skipped=(Skipped(_note(where, "skipped: a Pelican page"), "page"),))
    text = data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n")
    try:
        front, body = _front_matter(text)
    except _Unreadable as exc:
        problem = Problem(source.shown, exc.line, exc.column, f"skipped: {exc.message}")
        return SourceResult(skipped=(Skipped(problem, "unreadable front matter"),))
    if source.path.suffix.lower() == ".html":
        body, notes = to_markdown(body)
    else:
        notes = ()
    record = _record(front, body, source, where, notes)
    if isinstance(record, Skipped):
        return SourceResult(skipped=(record,))
    return SourceResult(records=(record,))


class _Unreadable(Exception):
    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


def _front_matter(text: str) -> tuple[dict[str, object], str]:
    """The front matter as a mapping with lowercased keys, and the body."""
    if text.startswith("+++"):
        end = text.find("\n+++", 3)
        if end == -1:
            raise _Unreadable(1, 1, "the TOML front matter is not closed (no second '+++')")
        try:
            data: dict[str, object] = tomllib.loads(text[3:end])
        except tomllib.TOMLDecodeError as exc:
            raise _Unreadable(1, 1, f"invalid TOML front matter: {exc}") from None
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
                raise _Unreadable(1, 1, "no front matter and no 'Title:' line")
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
) -> ArticleRecord | Skipped:
    mapped: dict[str, object] = {}
    unmapped = []
    for key, value in front.items():
        if key in KEY_MAP:
            mapped.setdefault(KEY_MAP[key], value)
        else:
            unmapped.append(key)
    title = _one(mapped.get("title"))
    if not title:
        return Skipped(_note(where, "skipped: no title"), "untitled")
    given_tags = front.get("tags")
    comma_lists = source.flavour == "pelican" or (isinstance(given_tags, str) and "," in given_tags)
    categories = _list(mapped.get("categories"), comma_lists)
    tags = _list(mapped.get("tags"), comma_lists, space_separated=source.flavour == "jekyll")
    name_date, name_slug = _from_name(source)
    moment = _moment(mapped.get("date")) or name_date
    slug = _one(mapped.get("slug")) or name_slug
    warnings = list(notes)
    if unmapped:
        warnings.append(f"keys not carried over: {', '.join(sorted(unmapped))}")
    warnings.extend(
        f"template tag {tag[:40]!r} left as text" for tag in _TEMPLATE_TAG.findall(body)[:5]
    )
    status = _one(mapped.get("status")).lower()
    draft = (
        mapped.get("draft") is True
        or mapped.get("published") is False
        or status in ("draft", "hidden")
        or source.draft
    )
    old = [*_list(mapped.get("aliases"), False), *_list(mapped.get("url"), False)]
    default_url = _default_url(source, slug or urls.slugify_segment(title), categories, moment)
    if default_url and not mapped.get("url"):
        old.append(default_url)
    image = mapped.get("image")
    if isinstance(image, dict):
        image = image.get("image") or image.get("src")
    return ArticleRecord(
        title=title,
        body=body.strip() + "\n",
        source=_note(where, f"{source.flavour or 'article'} file {source.relative}"),
        source_id=f"{source.flavour or 'markdown'}:{source.key}",
        date=moment,
        updated=_moment(mapped.get("updated")),
        authors=_list(mapped.get("authors"), comma_lists),
        section=categories[0] if categories else None,
        tags=tuple(dict.fromkeys((*categories[1:], *tags))),
        summary=_one(mapped.get("summary")) or None,
        slug=slug or None,
        dateline=_one(mapped.get("dateline")) or None,
        image=(_list(image, False) or (None,))[0],
        draft=draft,
        aliases=tuple(old),
        warnings=tuple(warnings),
    )


def _from_name(source: _Source) -> tuple[date | None, str]:
    """Jekyll's date and slug from _posts/YYYY-MM-DD-slug.md; Hugo bundles' folder name."""
    path = Path(source.relative)
    stem = path.parent.name if path.stem == "index" else path.stem
    match = _JEKYLL_NAME.match(stem)
    if match is None:
        return None, urls.slugify_segment(stem)
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None, urls.slugify_segment(match[4])
    return day, urls.slugify_segment(match[4])


def _default_url(
    source: _Source, slug: str, categories: tuple[str, ...], moment: date | None
) -> str | None:
    """The URL the generator gave the article with its default settings."""
    if source.flavour == "hugo":
        folder = Path(source.relative).parent
        if Path(source.relative).stem == "index":
            folder = folder.parent
        prefix = f"/{folder.as_posix()}" if folder.as_posix() != "." else ""
        return f"{prefix}/{slug}/"
    if source.flavour == "jekyll" and moment is not None:
        parts = [urls.slugify_segment(c) for c in categories if urls.slugify_segment(c)]
        return "/" + "/".join([*parts, f"{moment:%Y/%m/%d}", f"{slug}.html"])
    if source.flavour == "pelican":
        return f"/{slug}.html"
    return None


def _moment(value: object) -> datetime | date | None:
    if isinstance(value, datetime | date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
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
