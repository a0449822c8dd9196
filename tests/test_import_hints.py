"""The build's messages for articles converted by hand from other generators (exact strings)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run


def _build(make_site: Callable[..., Path], run_cli: Callable[..., Run], text: str) -> Run:
    root = make_site({"articles/a.md": text})
    return run_cli("build", "-q", "-s", str(root))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "+++\ntitle = 'Flood warning'\ndate = 2024-02-09\n+++\n\nBody.\n",
            "articles/a.md:1:1: article starts with TOML front matter ('+++'), as Hugo writes "
            "it, not a YAML front matter block between '---' lines\n"
            "hint: convert it with 'newsgen import FILE', which maps the keys too\n",
        ),
        (
            "Title: School roof\nDate: 2024-06-03 10:20\nTags: a, b\n\nBody.\n",
            "articles/a.md:1:1: article starts with Pelican-style 'Key: value' lines, not a YAML "
            "front matter block between '---' lines\n"
            "hint: convert it with 'newsgen import FILE', which maps the keys too\n",
        ),
        (
            '{\n  "title": "Council",\n  "date": "2024-02-13"\n}\n\nBody.\n',
            "articles/a.md:1:1: article starts with JSON front matter ('{'), as Hugo writes it, "
            "not a YAML front matter block between '---' lines\n"
            "hint: convert it with 'newsgen import FILE', which maps the keys too\n",
        ),
        (
            "---\ntitle: Budget vote: council splits 5-4\ndate: 2024-03-05\n---\n\nBody.\n",
            "articles/a.md:2:19: invalid YAML: mapping values are not allowed in this context\n"
            'hint: put the value in quotes: title: "Budget vote: council splits 5-4"\n',
        ),
        (
            "---\ntitle: Flood\ndate: 2024-02-09\nlastmod: 2024-02-10\ncategories: [Weather]\n"
            "description: The river rises.\nredirect_from: [/old/]\npublished: false\n---\n",
            "articles/a.md:4:1: unknown key 'lastmod'\n"
            "hint: newsgen calls it 'updated'\n"
            "articles/a.md:5:1: unknown key 'categories'\n"
            "hint: newsgen has one 'section' and a list of 'tags': use those\n"
            "articles/a.md:6:1: unknown key 'description'\n"
            "hint: newsgen calls it 'summary'\n"
            "articles/a.md:7:1: unknown key 'redirect_from'\n"
            "hint: newsgen calls it 'aliases'\n"
            "articles/a.md:8:1: unknown key 'published'\n"
            "hint: write 'draft: true' for an article not to publish\n",
        ),
    ],
    ids=["toml", "pelican", "json", "colon", "other-keys"],
)
def test_other_generators_front_matter_is_named_with_the_way_out(
    make_site: Callable[..., Path], run_cli: Callable[..., Run], text: str, expected: str
) -> None:
    result = _build(make_site, run_cli, text)
    assert result.code == 1
    count = expected.count("articles/a.md:")
    problems = f"{count} problem{'s' * (count != 1)}"
    assert result.err == f"{expected}error: build failed with {problems}; nothing was written\n"


def test_a_tag_or_author_with_commas_is_a_warning_not_silently_one_term(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    text = (
        "---\ntitle: School roof\ndate: 2024-06-03\ntags: schools, repairs, budget\n"
        "author: Pia Novak, Tom Reed\n---\n\nBody.\n"
    )
    result = _build(make_site, run_cli, text)
    assert result.code == 0
    assert result.err == (
        "articles/a.md:4:1: warning: 'tags' has 'schools, repairs, budget', one term with "
        "commas in it\n"
        "hint: for several, write a list: tags: [schools, repairs, budget]\n"
        "articles/a.md:5:1: warning: 'author' has 'Pia Novak, Tom Reed', one term with "
        "commas in it\n"
        "hint: for several, write a list: authors: [Pia Novak, Tom Reed]\n"
    )


def test_an_alias_with_a_query_string_is_refused_with_the_reason(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    text = "---\ntitle: Ferry\ndate: 2024-03-14\naliases: [/?p=101, /2024/03/14/ferry/]\n---\n"
    result = _build(make_site, run_cli, text)
    assert result.code == 1
    assert result.err == (
        "articles/a.md:4:1: alias '/?p=101' has a query string or fragment, which a static "
        "site cannot redirect\n"
        "hint: redirect it on the web server; list only old paths here\n"
        "error: build failed with 1 problem; nothing was written\n"
    )
