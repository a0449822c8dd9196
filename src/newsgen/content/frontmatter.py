"""Split article text into YAML front matter and Markdown body; parse YAML mappings with positions.

Pure functions on strings: no file IO. Used for article front matter and for newsgen.yaml.
Parsing uses the C loader when libyaml is present, with SafeLoader's safety (no Python tags).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

try:
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - libyaml missing: same rules, slower
    from yaml import SafeLoader  # type: ignore[assignment]

MAX_DEPTH = 32
_YAML_TAG_PREFIX = "tag:yaml.org,2002:"
# Text, numbers, booleans, null, dates, lists and mappings: all that front matter needs.
_PLAIN_TAGS = frozenset(
    _YAML_TAG_PREFIX + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)
# The keys newsgen reads in an article's front matter (config.py keeps a site's declared kinds
# of term off them; loader.py reports any other key).
FRONT_MATTER_KEYS = (
    "title", "date", "updated", "slug", "authors", "author", "section", "tags", "summary",
    "dateline", "image", "image_alt", "image_caption", "image_credit", "draft", "aliases",
    "extra", "corrections", "updates", "language", "translation_key",
)  # fmt: skip
# Characters XML 1.0 cannot carry (and lone surrogates, which UTF-8 cannot): they would break
# feeds and pages and are never meant in prose. YAML can write them as escapes ("\x01").
FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


class YamlError(Exception):
    """A problem at a 1-based line and column of the parsed text (offset applied)."""

    def __init__(self, line: int, column: int, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint


@dataclass(frozen=True, slots=True)
class YamlMapping:
    """A parsed top-level mapping and where each of its keys stands in the file."""

    data: dict[str, object]
    # "key", dotted "key.nested" and "key.0.nested" (mappings in lists) -> (line, column)
    positions: dict[str, tuple[int, int]]


@dataclass(frozen=True, slots=True)
class Document:
    """An article's text split in two; `body_line` is the file line where the body starts."""

    front_matter: str
    front_matter_line: int
    body: str
    body_line: int


def split(text: str) -> Document:
    """Split `---`-fenced front matter from the body. Expects BOM-free text with LF newlines."""
    if not text.startswith("---") or _FENCE.match(text) is None:
        raise _not_yaml_front_matter(text)
    first_newline = text.find("\n")
    if first_newline == -1:
        raise YamlError(1, 1, "front matter block is not closed (no second '---' line)")
    closing = _FENCE.search(text, first_newline + 1)
    if closing is None:
        raise YamlError(1, 1, "front matter block is not closed (no second '---' line)")
    front = text[first_newline + 1 : closing.start()]
    body_start = text.find("\n", closing.end())
    body = "" if body_start == -1 else text[body_start + 1 :]
    body_line = 2 + front.count("\n") + 1
    return Document(front, 2, body, body_line)


# Another generator's front matter, recognised to say so: (start, what it is).
_OTHER_FRONT_MATTER = (
    (re.compile(r"\+\+\+[ \t]*\n"), "TOML front matter ('+++'), as Hugo writes it"),
    (re.compile(r"\{\s*\""), "JSON front matter ('{'), as Hugo writes it"),
    (
        re.compile(r"(?:[A-Za-z_]\w*:[^\n]*\n)*title:[ \t]*\S", re.I),
        "Pelican-style 'Key: value' lines",
    ),
)


def _not_yaml_front_matter(text: str) -> YamlError:
    """Name the other generator's front matter the article starts with, if it is one."""
    for pattern, what in _OTHER_FRONT_MATTER:
        if pattern.match(text):
            return YamlError(
                1,
                1,
                f"article starts with {what}, not a YAML front matter block between '---' lines",
                "convert it with 'newsgen import FILE', which maps the keys too",
            )
    return YamlError(1, 1, "article does not start with a front matter block ('---')")


def parse_mapping(text: str, first_line: int = 1) -> YamlMapping:
    """Parse YAML whose top level is a mapping with text keys; `first_line` is its file line."""
    offset = first_line - 1
    loader = SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return YamlMapping({}, {})
        if not isinstance(root, MappingNode):
            raise _error_at(root, offset, "expected a mapping of 'key: value' lines")
        _check_structure(root, offset)
        data: dict[str, object] = {}
        for key_node, value_node in root.value:
            key = key_node.value
            if key_node.tag != "tag:yaml.org,2002:str":
                raise _error_at(key_node, offset, f"key {key!r} must be text")
            if key in data:
                raise _error_at(key_node, offset, f"duplicate key '{key}'")
            data[key] = _construct(loader, key, value_node, offset)
        positions: dict[str, tuple[int, int]] = {}
        _record_positions(root, "", offset, positions)
        return YamlMapping(data, positions)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1 + offset, mark.column + 1) if mark else (first_line, 1)
        hint = _quoting_hint(text, mark.line) if mark and _COLON_PROBLEM in str(exc.problem) else ""
        raise YamlError(line, column, f"invalid YAML: {exc.problem or exc.context}", hint) from None
    except yaml.YAMLError as exc:
        raise YamlError(first_line, 1, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()


# libyaml ends it "in this context", PyYAML's own parser "here".
_COLON_PROBLEM = "mapping values are not allowed"


def _quoting_hint(text: str, line_index: int) -> str:
    """For `title: Budget vote: council splits`: the same line with its value quoted."""
    lines = text.split("\n")
    line = lines[line_index] if line_index < len(lines) else ""
    key, separator, value = line.partition(":")
    if not separator or not key.strip() or not value.strip():
        return "put a value that contains ': ' in quotes"
    quoted = '"' + value.strip().replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"put the value in quotes: {key.strip()}: {quoted}"


def _construct(loader: SafeLoader, key: str, node: Node, offset: int) -> object:
    try:
        return loader.construct_object(node, deep=True)
    except yaml.MarkedYAMLError:
        raise
    except (ValueError, OverflowError) as exc:
        # PyYAML raises a bare ValueError for impossible timestamps such as 2024-02-30.
        raise _error_at(
            node, offset, f"'{key}' has an impossible value {node.value}: {exc}"
        ) from None


def _check_structure(root: Node, offset: int) -> None:
    """Refuse aliases (alias bombs), deep nesting, non-plain tags and text holding characters
    that HTML and feeds cannot carry, before constructing: one walk checks every string."""
    seen: set[int] = set()
    stack: list[tuple[Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise _error_at(node, offset, "YAML anchors and aliases are not allowed")
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise _error_at(node, offset, f"nested deeper than {MAX_DEPTH} levels")
        if node.tag not in _PLAIN_TAGS:
            tag = node.tag.replace(_YAML_TAG_PREFIX, "!!")
            raise _error_at(node, offset, f"the YAML tag '{tag}' is not allowed here")
        if isinstance(node, ScalarNode):
            found = FORBIDDEN_CHARS.search(node.value)
            if found is not None:
                raise _error_at(
                    node,
                    offset,
                    f"the text holds the control character U+{ord(found.group()):04X}, "
                    "which HTML and feeds cannot carry; remove it",
                )
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                stack.extend(((key, depth + 1), (value, depth + 1)))
        elif isinstance(node, SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)


def _record_positions(
    node: MappingNode, prefix: str, offset: int, out: dict[str, tuple[int, int]]
) -> None:
    for key_node, value_node in node.value:
        path = f"{prefix}{key_node.value}"
        out[path] = _position(key_node, offset)
        if isinstance(value_node, MappingNode):
            _record_positions(value_node, f"{path}.", offset, out)
        elif isinstance(value_node, SequenceNode) and any(
            isinstance(item, MappingNode) for item in value_node.value
        ):
            # Lists of mappings (corrections, updates): "key.0", "key.0.date"; lists of
            # text (tags) record nothing more, to keep articles small in the build cache.
            for index, item in enumerate(value_node.value):
                out[f"{path}.{index}"] = _position(item, offset)
                if isinstance(item, MappingNode):
                    _record_positions(item, f"{path}.{index}.", offset, out)


def _position(node: Node, offset: int) -> tuple[int, int]:
    return node.start_mark.line + 1 + offset, node.start_mark.column + 1


def _error_at(node: Node, offset: int, message: str) -> YamlError:
    line, column = _position(node, offset)
    return YamlError(line, column, message)
