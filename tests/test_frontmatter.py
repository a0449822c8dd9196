"""Front matter splitting and YAML parsing, on strings; properties checked with hypothesis."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from newsgen.content.frontmatter import YamlError, parse_mapping, split


def test_split_reports_where_the_body_starts() -> None:
    document = split("---\ntitle: A\ndate: 2026-01-01\n---\n\nBody line\n")
    assert document.front_matter == "title: A\ndate: 2026-01-01\n"
    assert document.body == "\nBody line\n"
    assert (document.front_matter_line, document.body_line) == (2, 5)


def test_split_accepts_a_dots_closing_fence_and_an_empty_body() -> None:
    document = split("---\ntitle: A\n...")
    assert (document.front_matter, document.body) == ("title: A\n", "")


def test_a_dashed_line_inside_the_body_is_body_text() -> None:
    document = split("---\ntitle: A\n---\nabove\n---\nbelow\n")
    assert document.body == "above\n---\nbelow\n"


def test_positions_are_file_lines_including_nested_keys() -> None:
    mapping = parse_mapping("title: A\nextra:\n  color: red\n", first_line=2)
    assert mapping.positions == {"title": (2, 1), "extra": (3, 1), "extra.color": (4, 3)}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n- b\n", "expected a mapping of 'key: value' lines"),
        ("1: a\n", "key '1' must be text"),
        ("a: 1\na: 2\n", "duplicate key 'a'"),
        ("a: !!binary aGk=\n", "the YAML tag '!!binary' is not allowed here"),
        ("a: " + "[" * 40 + "]" * 40 + "\n", "nested deeper than 32 levels"),
    ],
)
def test_unacceptable_yaml_is_a_yaml_error(text: str, message: str) -> None:
    with pytest.raises(YamlError) as caught:
        parse_mapping(text)
    assert caught.value.message == message


def test_billion_laughs_is_refused_before_expansion() -> None:
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [" + ",".join([f"*{previous}"] * 9) + "]\n"
    with pytest.raises(YamlError, match="anchors and aliases are not allowed"):
        parse_mapping(bomb)


# YAML reads U+0085, U+2028 and U+2029 as line breaks, so they do not survive in plain text;
# characters that HTML and feeds cannot carry are refused (test_inputs.py covers that).
_REFUSED = "".join(chr(c) for c in (*range(9), 11, 12, *range(14, 32), 127)) + "\ufffe\uffff"
yaml_text = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x85\u2028\u2029" + _REFUSED)
)
plain_values = st.recursive(
    st.none() | st.booleans() | st.integers() | yaml_text | st.dates() | st.floats(allow_nan=False),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(yaml_text.filter(bool), children, max_size=4)
    ),
    max_leaves=12,
)


@given(st.dictionaries(yaml_text.filter(bool), plain_values, max_size=6))
def test_any_plain_mapping_round_trips(data: dict[str, object]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    assert parse_mapping(text).data == data


@given(st.text())
def test_any_text_parses_or_fails_with_a_positioned_yaml_error(text: str) -> None:
    try:
        document = split(text)
        mapping = parse_mapping(document.front_matter, document.front_matter_line)
    except YamlError as error:
        assert error.line >= 1
        assert error.column >= 1
    else:
        assert isinstance(mapping.data, dict)


@given(st.datetimes(timezones=st.just(dt.UTC)))
def test_timestamps_keep_their_offset(moment: dt.datetime) -> None:
    assert parse_mapping(f"date: {moment.isoformat()}\n").data["date"] == moment
