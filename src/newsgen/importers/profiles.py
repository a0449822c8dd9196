"""Fill authors.yaml from what a source says of its authors, never over an existing entry.

Only the bylines of articles this import writes get a profile, so a WordPress user who wrote
nothing does not become a warning on every build. Existing entries (matched as author pages
match bylines, case aside) and the file's text, comments included, are kept as they are; new
entries are appended, and the file is replaced by rename, never half-written.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from newsgen.content.authors import AUTHORS_FILE
from newsgen.content.frontmatter import YamlError, parse_mapping
from newsgen.content.urls import term_key
from newsgen.errors import Problem
from newsgen.importers.record import AuthorRecord


@dataclass(frozen=True, slots=True)
class ProfilesOutcome:
    added: tuple[str, ...]  # names given a new entry
    warnings: tuple[Problem, ...]


def write_profiles(
    root: Path, records: Iterable[AuthorRecord], bylines: Iterable[str], *, dry_run: bool = False
) -> ProfilesOutcome:
    """Append an entry for each new person behind one of `bylines`."""
    path = root / AUTHORS_FILE
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        text = ""
    try:
        existing = {term_key(name) for name in parse_mapping(text).data} if text else set()
    except YamlError as exc:
        message = f"not filled: it is not valid YAML ({exc.message}); fix it and import again"
        return ProfilesOutcome((), (Problem(AUTHORS_FILE, exc.line, exc.column, message),))
    wanted = {term_key(name) for name in bylines}
    entries: dict[str, dict[str, object]] = {}
    for record in records:
        key = term_key(record.name)
        if key in wanted and key not in existing and key not in {term_key(n) for n in entries}:
            entries[record.name] = _entry(record)
    if not entries or dry_run:
        return ProfilesOutcome(tuple(entries), ())
    added = yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=100)
    added = added.replace(": {}\n", ":\n")  # a name alone reads as a byline without details
    if text and not text.endswith("\n"):
        text += "\n"
    _replace(path, text + added)
    return ProfilesOutcome(tuple(entries), ())


def _entry(record: AuthorRecord) -> dict[str, object]:
    fields: dict[str, object] = {
        "role": record.role,
        "bio": record.bio,
        "image": record.image,
        "url": record.url,
        "links": list(record.links),
    }
    return {key: value for key, value in fields.items() if value}


def _replace(path: Path, text: str) -> None:
    """Write beside the file, exclusively, then rename over it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("x", encoding="utf-8") as file:
            file.write(text)
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
