"""Typed reads from a parsed YAML mapping, recording a positioned `Problem` for each bad value.

Shared by config.py and loader.py so that `title: yes` and `per_page: ten` fail the same way.
A reader never raises: it records the problem and returns None, so every mistake is reported.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from newsgen.content.frontmatter import YamlMapping
from newsgen.errors import Problem


class FieldReader:
    """Reads keys of one mapping in one file; problems accumulate in `problems`."""

    def __init__(
        self,
        mapping: YamlMapping,
        path: str,
        where: tuple[int, int] = (1, 1),
        prefix: str = "",
        problems: list[Problem] | None = None,
    ) -> None:
        self.data = mapping.data
        self.positions = mapping.positions
        self.path = path
        self.where = where  # reported for missing keys: the start of the mapping
        self.prefix = prefix  # "feeds." for the reader of a nested mapping
        self.problems: list[Problem] = [] if problems is None else problems

    def problem(self, key: str | None, message: str, hint: str = "") -> None:
        line, column = self.positions.get(f"{self.prefix}{key}", self.where)
        self.problems.append(Problem(self.path, line, column, message, hint))

    def reject_unknown(self, known: Iterable[str], hints: Mapping[str, str] | None = None) -> None:
        """Report keys not in `known`; `hints` gives the hint for keys known to mean something."""
        known = tuple(known)
        for key in self.data:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"did you mean '{self.prefix}{close[0]}'?" if close else ""
                hint = (hints or {}).get(key.lower(), hint)
                self.problem(key, f"unknown key '{self.prefix}{key}'", hint)

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(None, f"missing required key '{self.prefix}{key}'")
            return None
        if not isinstance(value, str):
            self.problem(
                key,
                f"'{self.prefix}{key}' must be text, not {_describe(value)}",
                _quote_hint(value),
            )
            return None
        if required and not value.strip():
            self.problem(key, f"'{self.prefix}{key}' must not be empty")
            return None
        return value.strip()

    def text_list(self, key: str) -> tuple[str, ...]:
        """A list of non-empty strings; a single string counts as a list of one."""
        value = self.data.get(key)
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(v, str) and v.strip() for v in items):
            self.problem(key, f"'{self.prefix}{key}' must be text or a list of text")
            return ()
        return tuple(v.strip() for v in items)

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(key, f"'{self.prefix}{key}' must be true or false, not {_describe(value)}")
            return default
        return value

    def integer(self, key: str, default: int, minimum: int) -> int:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.problem(key, f"'{self.prefix}{key}' must be a whole number of at least {minimum}")
            return default
        return value

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self.data.get(key)
        if value is None:
            return choices[0]
        if value not in choices:
            self.problem(key, f"'{self.prefix}{key}' must be one of: {', '.join(choices)}")
            return choices[0]
        return str(value)

    def nested(self, key: str) -> FieldReader:
        """A reader for a nested mapping; a non-mapping value is a problem and reads as empty."""
        value = self.data.get(key)
        if value is not None and not isinstance(value, dict):
            self.problem(key, f"'{self.prefix}{key}' must be a mapping of 'key: value' lines")
            value = None
        where = self.positions.get(f"{self.prefix}{key}", self.where)
        nested = YamlMapping(value or {}, self.positions)
        return FieldReader(nested, self.path, where, f"{self.prefix}{key}.", self.problems)


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _quote_hint(value: object) -> str:
    if isinstance(value, bool | int | float):
        return "put the value in quotes to use it as text"
    return ""
