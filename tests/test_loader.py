"""Article validation on strings: dates and time zones, slugs, terms, decoding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsgen.content.config import parse_config
from newsgen.content.loader import ArticleInvalid, decode, parse_article

from conftest import BASIC_CONFIG, article

CONFIG = parse_config(BASIC_CONFIG, Path("/site"))


def parse(text: str):  # type: ignore[no-untyped-def]
    return parse_article(text, "articles/a.md", CONFIG)


def test_a_date_without_time_is_midnight_in_the_site_time_zone() -> None:
    loaded = parse(article(date="2026-07-01"))
    assert loaded.date.isoformat() == "2026-07-01T00:00:00+02:00"
    assert loaded.url == "/2026/07/01/a-title/"


def test_an_explicit_offset_is_kept_and_the_url_uses_the_site_day() -> None:
    loaded = parse(article(date="2026-07-01T23:30:00-04:00"))
    assert loaded.date.utcoffset() == timedelta(hours=-4)
    # 23:30 in New York is 05:30 the next morning in Berlin, the site's time zone.
    assert loaded.local_date.isoformat() == "2026-07-02T05:30:00+02:00"
    assert loaded.url == "/2026/07/02/a-title/"


def test_a_quoted_iso_date_is_accepted() -> None:
    loaded = parse(article(date="'2026-07-01T08:00:00Z'"))
    assert loaded.date == datetime(2026, 7, 1, 8, tzinfo=UTC)


def test_slug_is_transliterated_from_the_title() -> None:
    assert parse(article(title="'Nicolás Maduro\u2019s «last» ally!'")).slug == (
        "nicolas-maduros-last-ally"
    )


def test_tags_are_case_insensitive_and_keep_the_first_spelling() -> None:
    assert parse(article(tags="[Politics, politics, POLITICS, Harbor]")).tags == (
        "Politics",
        "Harbor",
    )


def test_a_single_author_string_is_one_author() -> None:
    assert parse(article(author="Ada Lindqvist")).authors == ("Ada Lindqvist",)


def test_every_problem_in_one_article_is_reported() -> None:
    with pytest.raises(ArticleInvalid) as caught:
        parse("---\ntitle: yes\ndate: soon\ncolour: red\n---\n")
    assert [(p.line, p.message.split(" ")[0]) for p in caught.value.problems] == [
        (4, "unknown"),
        (2, "'title'"),
        (3, "'date'"),
    ]


def test_bom_and_crlf_are_accepted() -> None:
    text, warning = decode(b"\xef\xbb\xbf---\r\ntitle: A\r\n---\r\nBody\r\n", "a.md")
    assert text == "---\ntitle: A\n---\nBody\n"
    assert warning is None


def test_control_characters_are_removed_with_a_warning_naming_the_place() -> None:
    text, warning = decode("---\ntitle: A\x07B\n---\nx\x00y\ufffe\n".encode(), "a.md")
    assert text == "---\ntitle: AB\n---\nxy\n"
    assert warning is not None
    assert (warning.line, warning.column) == (2, 9)
    assert warning.message == "removed 3 control character(s) that HTML and feeds cannot carry"


@given(
    st.datetimes(
        min_value=datetime(1970, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.just(timezone(timedelta(hours=5, minutes=30))),
    )
)
def test_url_day_is_the_day_in_the_site_time_zone(moment: datetime) -> None:
    loaded = parse(article(date=moment.isoformat()))
    berlin = loaded.local_date
    # Timestamps, not ==: Python never calls a time in a DST fold equal across zones (PEP 495).
    assert berlin.timestamp() == moment.timestamp()
    assert berlin.tzinfo is CONFIG.timezone
    assert loaded.url.startswith(f"/{berlin:%Y}/{berlin:%m}/{berlin:%d}/")
