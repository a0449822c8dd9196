"""Invalid sites, one per kind of mistake: the exact message, exit 1, and site/ left as it was.

Each case first builds a valid site, then breaks it and builds again through the CLI.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from newsgen.build import inventory

from conftest import BASIC_CONFIG, Run, article

FAILED_1 = "error: build failed with 1 problem; nothing was written\n"

CASES: dict[str, tuple[dict[str, str | bytes], str]] = {
    "yaml_syntax": (
        {"articles/a.md": "---\ntitle: [unclosed\ndate: 2026-11-20\n---\nBody\n"},
        "articles/a.md:3:5: invalid YAML: did not find expected ',' or ']'\n",
    ),
    "missing_title": (
        {"articles/a.md": "---\ndate: 2026-11-20\n---\nBody\n"},
        "articles/a.md:1:1: missing required key 'title'\n",
    ),
    "impossible_date": (
        {"articles/a.md": article(date="2024-02-30")},
        "articles/a.md:3:7: 'date' has an impossible value 2024-02-30: "
        "day is out of range for month\n",
    ),
    "date_not_a_date": (
        {"articles/a.md": article(date="'next tuesday'")},
        "articles/a.md:3:1: 'date' is not a valid date: 'next tuesday'\n"
        "hint: write it as YYYY-MM-DD or YYYY-MM-DD HH:MM:SS, optionally with +HH:MM\n",
    ),
    "date_in_dst_gap": (
        {"articles/a.md": article(date="2026-03-29 02:30:00")},
        "articles/a.md:3:1: 'date' 2026-03-29 02:30 does not exist in Europe/Berlin "
        "(the clocks skip it)\nhint: add the UTC offset you mean, such as +02:00\n",
    ),
    "date_in_dst_fold": (
        {"articles/a.md": article(date="2026-10-25 02:30:00")},
        "articles/a.md:3:1: 'date' 2026-10-25 02:30 happens twice in Europe/Berlin "
        "(the clocks repeat it)\nhint: add the UTC offset you mean, such as +01:00\n",
    ),
    "unknown_key": (
        {"articles/a.md": article(tittle="Oops")},
        "articles/a.md:4:1: unknown key 'tittle'\nhint: did you mean 'title'?\n",
    ),
    "title_is_boolean": (
        {"articles/a.md": article(title="yes")},
        "articles/a.md:2:1: 'title' must be text, not the boolean true\n"
        "hint: put the value in quotes to use it as text\n",
    ),
    "title_is_number": (
        {"articles/a.md": article(title="2026")},
        "articles/a.md:2:1: 'title' must be text, not the number 2026\n"
        "hint: put the value in quotes to use it as text\n",
    ),
    "title_is_empty": (
        {"articles/a.md": article(title="''")},
        "articles/a.md:2:1: 'title' must not be empty\n",
    ),
    "python_tag": (
        {"articles/a.md": article(title='!!python/object/apply:os.system ["touch pwned"]')},
        "articles/a.md:2:8: the YAML tag '!!python/object/apply:os.system' is not allowed here\n",
    ),
    "yaml_alias": (
        {"articles/a.md": article(tags="&t [a, b]", extra="{k: *t}")},
        "articles/a.md:4:7: YAML anchors and aliases are not allowed\n",
    ),
    "invalid_utf8": (
        {"articles/a.md": b"---\ntitle: Caf\xe9\ndate: 2026-11-20\n---\nBody\n"},
        "articles/a.md:2:11: invalid UTF-8 at byte 14\nhint: save the file as UTF-8\n",
    ),
    "unsafe_slug": (
        {"articles/a.md": article(slug="../../etc")},
        "articles/a.md:4:1: 'slug' '../../etc' is not a safe URL segment\n"
        "hint: use lowercase letters, digits and hyphens, e.g. 'etc'\n",
    ),
    "no_front_matter": (
        {"articles/a.md": "Just text\n"},
        "articles/a.md:1:1: article does not start with a front matter block ('---')\n",
    ),
    "unclosed_front_matter": (
        {"articles/a.md": "---\ntitle: x\n"},
        "articles/a.md:1:1: front matter block is not closed (no second '---' line)\n",
    ),
    "duplicate_url": (
        {"articles/a.md": article(title="Same"), "articles/b.md": article(title="Same")},
        "articles/b.md:2:1: this article writes 2026/11/20/same/index.html, "
        "which articles/a.md writes too\n"
        "hint: give one of them a different 'slug', date or alias\n",
    ),
    "tag_slug_collision": (
        {
            "articles/a.md": article(tags="[C-Suite]"),
            "articles/b.md": article(title="B", tags="[c suite]"),
        },
        "articles/a.md:4:1: tag 'C-Suite' and tag 'c suite' (articles/b.md) would share "
        "the page /tags/c-suite/\n"
        "hint: spell them the same way, or make them differ in letters or digits\n",
    ),
    "section_without_letters": (
        {"articles/a.md": article(section="'!!!'")},
        "articles/a.md:4:1: section '!!!' has no letters or digits to make its URL\n",
    ),
    "alias_on_an_article": (
        {
            "articles/a.md": article(title="First"),
            "articles/b.md": article(title="Second", aliases="[/2026/11/20/first/]"),
        },
        "articles/b.md:4:1: the alias /2026/11/20/first/ writes 2026/11/20/first/index.html, "
        "which articles/a.md writes too\n"
        "hint: give one of them a different 'slug', date or alias\n",
    ),
    "article_on_a_built_in_page": (
        {
            "newsgen.yaml": BASIC_CONFIG + "permalink: /{slug}/\n",
            "articles/a.md": article(title="Archive"),
        },
        "articles/a.md:2:1: this article writes archive/index.html, "
        "which the page /archive/ writes too\n"
        "hint: give one of them a different 'slug', date or alias\n",
    ),
    "author_and_authors": (
        {"articles/a.md": article(author="A", authors="[B]")},
        "articles/a.md:4:1: use either 'author' or 'authors', not both\n",
    ),
    "tags_not_a_list": (
        {"articles/a.md": article(tags="{a: 1}")},
        "articles/a.md:4:1: 'tags' must be text or a list of text\n",
    ),
    "javascript_image": (
        {"articles/a.md": article(image="'javascript:alert(1)'")},
        "articles/a.md:4:1: 'image' must be an http(s) URL or a site path, not a javascript: URL\n",
    ),
    "unsafe_alias": (
        {"articles/a.md": article(aliases="['../x']")},
        "articles/a.md:4:1: alias '../x' is not a safe site path\n"
        "hint: write it as /old/path/ with no '..', '%', '?', '#' or backslashes\n",
    ),
    "template_syntax": (
        {
            "templates/article.html": "{% extends 'newsgen/article.html' %}\n"
            "{% block content %}{{ oops( }}{% endblock %}\n"
        },
        "templates/article.html:2:1: template error: unexpected '}', expected ')'\n",
    ),
    "template_undefined_name": (
        {
            "templates/article.html": "{% extends 'newsgen/article.html' %}\n{% block content %}\n"
            "{{ entry.nothing_here }}\n{% endblock %}\n"
        },
        "templates/article.html:3:1: template error: 'newsgen.model.RenderedArticle object' "
        "has no attribute 'nothing_here'\n",
    ),
    "config_yaml_syntax": (
        {"newsgen.yaml": "title: T\n  base_url: x\n"},
        "newsgen.yaml:2:11: invalid YAML: mapping values are not allowed in this context\n",
    ),
    "output_dir_in_sources": (
        {"newsgen.yaml": BASIC_CONFIG + "output_dir: articles/out\n"},
        "newsgen.yaml:4:1: 'output_dir' must be a folder of its own inside the site folder, "
        "apart from articles/, templates/, static/ and .newsgen/\nhint: for example 'site' or "
        "'public'\n",
    ),
}

SEVERAL_PROBLEMS: dict[str, tuple[dict[str, str | bytes], str]] = {
    "config_missing_keys": (
        {"newsgen.yaml": "title: T\n"},
        "newsgen.yaml:1:1: missing required key 'base_url'\n"
        "newsgen.yaml:1:1: missing required key 'timezone'\n"
        "error: build failed with 2 problems; nothing was written\n",
    ),
    "several_broken_articles": (
        {
            "articles/a.md": "---\ntitle: [unclosed\n---\n",
            "articles/b.md": "---\ndate: 2026-11-20\n---\n",
            "articles/c.md": article(date="2024-02-30"),
            "articles/d.md": article(tittle="x"),
        },
        "articles/a.md:3:1: invalid YAML: did not find expected ',' or ']'\n"
        "articles/b.md:1:1: missing required key 'title'\n"
        "articles/c.md:3:7: 'date' has an impossible value 2024-02-30: "
        "day is out of range for month\n"
        "articles/d.md:4:1: unknown key 'tittle'\nhint: did you mean 'title'?\n"
        "error: build failed with 4 problems; nothing was written\n",
    ),
    "config_with_many_mistakes": (
        {
            "newsgen.yaml": "title: T\nbase_url: example.org\ntimezone: Mars/Olympus\nper_page: 0\n"
            "feeds:\n  itmes: 5\n  content: everything\ncolour: red\n"
        },
        "newsgen.yaml:2:1: 'base_url' must be an absolute http(s) URL\n"
        "hint: for example https://news.example.org\n"
        "newsgen.yaml:3:1: unknown time zone 'Mars/Olympus'\n"
        "hint: use an IANA name such as Europe/Berlin or America/Anchorage\n"
        "newsgen.yaml:4:1: 'per_page' must be a whole number of at least 1\n"
        "newsgen.yaml:6:3: unknown key 'feeds.itmes'\nhint: did you mean 'feeds.items'?\n"
        "newsgen.yaml:7:3: 'feeds.content' must be one of: full, summary\n"
        "newsgen.yaml:8:1: unknown key 'colour'\n"
        "error: build failed with 6 problems; nothing was written\n",
    ),
}


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Bytes and modification time of every file: 'untouched' means both are unchanged."""
    return {
        path.relative_to(folder).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def break_site_and_build(
    make_site: Callable[..., Path], run_cli: Callable[..., Run], files: dict[str, str | bytes]
) -> Run:
    root = make_site({"articles/good.md": article(title="A good article")})
    first = run_cli("build", "-s", str(root), "--now", "2026-11-24T12:00:00+00:00")
    assert first.code == 0, first.err
    before = snapshot(root / "site")
    make_site(files)
    result = run_cli("build", "-s", str(root), "--now", "2026-11-24T12:00:00+00:00")
    assert snapshot(root / "site") == before, "the previous site was changed"
    assert not (root / "pwned").exists()
    return result


@pytest.mark.parametrize("case", sorted(CASES))
def test_invalid_site_reports_its_problem(
    case: str, make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    files, message = CASES[case]
    files = {"articles/a.md": article(), **files} if "articles/a.md" not in files else files
    result = break_site_and_build(make_site, run_cli, files)
    assert result.code == 1
    assert result.err == message + FAILED_1
    assert "Traceback" not in result.err
    assert result.out == ""


@pytest.mark.parametrize("case", sorted(SEVERAL_PROBLEMS))
def test_every_problem_of_a_run_is_reported_at_once(
    case: str, make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    files, message = SEVERAL_PROBLEMS[case]
    result = break_site_and_build(make_site, run_cli, files)
    assert (result.code, result.err) == (1, message)


def test_a_build_that_keeps_the_inventory_skips_its_check_and_a_new_clash_is_still_found(
    make_site: Callable[..., Path], run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[int] = []
    original = inventory.verify

    def counting(found: inventory.Inventory) -> None:
        checked.append(len(found.files))
        original(found)

    monkeypatch.setattr(inventory, "verify", counting)
    root = make_site({"articles/a.md": article(title="Same")})
    now = ("--now", "2026-11-24T12:00:00+00:00")
    assert run_cli("build", "-s", str(root), *now).code == 0
    assert len(checked) == 1
    story = root / "articles/a.md"
    story.write_text(story.read_text("utf-8") + "\nA second paragraph.\n", encoding="utf-8")
    assert run_cli("build", "-s", str(root), *now).code == 0
    assert len(checked) == 1, "a body edit checked every output path again"
    # What the check reads (here the plan) changed: checked again, and the clash is found.
    make_site({"articles/b.md": article(title="Same")})
    result = run_cli("build", "-s", str(root), *now)
    assert len(checked) == 2
    assert (result.code, result.err) == (
        1,
        "articles/b.md:2:1: this article writes 2026/11/20/same/index.html, "
        "which articles/a.md writes too\n"
        "hint: give one of them a different 'slug', date or alias\n" + FAILED_1,
    )
    make_site({"articles/b.md": article(title="Other")})
    assert run_cli("build", "-s", str(root), *now).code == 0
    assert len(checked) == 3
    # A static file is part of what is checked as well.
    make_site({"static/new.css": "body {}\n"})
    assert run_cli("build", "-s", str(root), *now).code == 0
    assert len(checked) == 4
