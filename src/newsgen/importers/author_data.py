"""Author profiles kept in a Jekyll or Hugo site's data files, where those are standard:
Jekyll's `_data/authors.yml` (as jekyll-seo-tag reads it) and Hugo's `data/authors.*` or
`data/authors/<key>.*` (as themes read them). Each maps a key, which posts use as their
`author`, to a mapping with `name`, `bio`, `picture`, `twitter` and the like.

Yields the key -> display name map (posts are bylined with the name) and one AuthorRecord per
person. A data file that cannot be read is a warning: the articles still import.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import yaml

from newsgen.errors import Problem
from newsgen.importers.record import AuthorRecord

_SUFFIXES = (".yml", ".yaml", ".json", ".toml")
# Profile sites by key, for data files that give a handle rather than a URL.
_HANDLES = {
    "twitter": "https://x.com/{}",
    "x": "https://x.com/{}",
    "github": "https://github.com/{}",
    "linkedin": "https://www.linkedin.com/in/{}",
    "instagram": "https://www.instagram.com/{}",
    "facebook": "https://www.facebook.com/{}",
    "orcid": "https://orcid.org/{}",
    "mastodon": "{}",  # written as a URL: servers differ
}


def read(
    folder: Path, flavour: str
) -> tuple[dict[str, str], tuple[AuthorRecord, ...], tuple[Problem, ...]]:
    """(key -> name, profiles, warnings) from the site's author data, if it has any."""
    data_folder = folder / ("_data" if flavour == "jekyll" else "data")
    people: dict[str, tuple[Any, Path]] = {}
    warnings: list[Problem] = []
    for path in sorted(data_folder.glob("authors.*")):
        if path.suffix in _SUFFIXES:
            loaded = _load(path, warnings)
            if isinstance(loaded, dict):
                people.update((str(key), (value, path)) for key, value in loaded.items())
    for path in sorted((data_folder / "authors").glob("*")):
        if path.suffix in _SUFFIXES:
            people[path.stem] = (_load(path, warnings), path)
    names: dict[str, str] = {}
    records = []
    for key, (value, path) in people.items():
        if not isinstance(value, dict):
            continue
        name = _text(value.get("name") or value.get("display_name")) or key
        names[key] = name
        records.append(_record(name, value, Problem(str(path), 1, 1, f"author {key}")))
    return names, tuple(records), tuple(warnings)


def _load(path: Path, warnings: list[Problem]) -> object:
    try:
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix == ".json":
            return json.loads(text)
        if path.suffix == ".toml":
            return tomllib.loads(text)
        return yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        message = f"author profiles not imported: cannot read it ({exc.__class__.__name__})"
        warnings.append(Problem(str(path), 1, 1, message))
        return None


def _record(name: str, value: dict[str, Any], where: Problem) -> AuthorRecord:
    links = []
    for key, pattern in _HANDLES.items():
        handle = _text(value.get(key)).lstrip("@")
        if handle:
            links.append(handle if handle.startswith("https://") else pattern.format(handle))
    for link in value.get("links") or value.get("social") or ():
        if isinstance(link, str) and link.startswith(("https://", "http://")):
            links.append(link)
    image = _text(value.get("picture") or value.get("avatar") or value.get("image"))
    url = _text(value.get("url") or value.get("website") or value.get("uri"))
    return AuthorRecord(
        name=name,
        source=where,
        role=_text(value.get("role") or value.get("job_title") or value.get("title")) or None,
        bio=_text(value.get("bio") or value.get("description")) or None,
        image=image if image.startswith(("/", "https://", "http://")) else None,
        url=url if url.startswith(("https://", "http://")) else None,
        links=tuple(dict.fromkeys(link for link in links if link.startswith("http"))),
    )


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
