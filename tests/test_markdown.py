"""Markdown rendering: summaries and URL absolutizing."""

from __future__ import annotations

from pathlib import Path

from newsgen.content.config import parse_config
from newsgen.content.loader import parse_article
from newsgen.content.markdown import absolutize, make_markdown, render_article
from newsgen.model import RenderedArticle

from conftest import BASIC_CONFIG, article

CONFIG = parse_config(BASIC_CONFIG, Path("/site"))


def rendered(text: str, allow_html: bool = False) -> RenderedArticle:
    return render_article(make_markdown(allow_html), parse_article(text, "articles/a.md", CONFIG))[
        0
    ]


def test_summary_from_front_matter_is_escaped_text() -> None:
    result = rendered(article(summary="'Fish & <chips>'", body="Body."))
    assert result.summary_html == "<p>Fish &amp; &lt;chips&gt;</p>\n"
    assert result.summary_text == "Fish & <chips>"


def test_summary_is_the_text_before_the_more_marker() -> None:
    result = rendered(article(body="One.\n\nTwo.\n\n<!--more-->\n\nThree."))
    assert result.summary_html == "<p>One.</p>\n<p>Two.</p>\n"
    assert "more" not in result.html
    assert "<p>Three.</p>" in result.html


def test_summary_is_the_first_paragraph_without_footnote_markers() -> None:
    result = rendered(article(body="# Heading\n\nFirst[^1] para.\n\nSecond.\n\n[^1]: Note."))
    assert result.summary_html == "<p>First para.</p>\n"
    assert 'id="fnref1"' in result.html


def test_raw_html_is_escaped_unless_allowed() -> None:
    body = "<iframe src=x></iframe>\n\nText <b>bold</b>"
    assert "<iframe" not in rendered(article(body=body)).html
    assert "<iframe src=x></iframe>" in rendered(article(body=body), allow_html=True).html


def test_tables_strikethrough_and_footnotes_are_enabled() -> None:
    html = rendered(article(body="| a |\n|---|\n| b |\n\n~~gone~~ x[^n]\n\n[^n]: n")).html
    assert "<table>" in html
    assert "<s>gone</s>" in html
    assert 'class="footnotes"' in html


def test_absolutize_resolves_relative_links_and_fragments() -> None:
    page = "https://x.example/2026/01/02/a/"
    fragment = '<a href="/b/">b</a><a href="#fn1">1</a><img src="pic.png" alt=""><a href="https://o.example/">o</a>'
    assert absolutize(fragment, page) == (
        '<a href="https://x.example/b/">b</a><a href="https://x.example/2026/01/02/a/#fn1">1</a>'
        '<img src="https://x.example/2026/01/02/a/pic.png" alt=""><a href="https://o.example/">o</a>'
    )


def test_reading_time_is_at_least_a_minute() -> None:
    assert rendered(article(body="Short.")).reading_minutes == 1
    assert rendered(article(body="word " * 920)).reading_minutes == 4


def test_text_nested_past_the_limit_is_reported_at_its_line() -> None:
    md = make_markdown(allow_html=False)
    kept, none = render_article(md, parse_article(article(body="> " * 19 + "kept"), "a.md", CONFIG))
    assert none is None
    assert "kept" in kept.html
    body = "Intro.\n\n" + "> " * 25 + "lost"
    lost, warning = render_article(md, parse_article(article(body=body), "a.md", CONFIG))
    assert "lost" not in lost.html
    assert warning is not None
    assert (warning.line, warning.column) == (8, 1)  # the body starts on line 6
