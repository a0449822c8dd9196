"""The editor's commands: `newsgen new`, `newsgen init` and `newsgen check`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from newsgen.content.config import load_config
from newsgen.content.loader import parse_article

from conftest import BASIC_CONFIG, Run, article

NOW = "2026-11-24T12:00:00+00:00"


def test_new_writes_an_article_dated_now_in_the_site_time_zone(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site({})
    result = run_cli(
        "new",
        'Storm: ferries "cancelled" & roads shut',
        "-s",
        str(root),
        "--section",
        "Weather",
        "--tag",
        "Storm",
        "--tag",
        "Roads",
        "--author",
        "Ada Lindqvist",
        "--draft",
        "--now",
        NOW,
    )
    assert result.code == 0
    assert result.out == "articles/2026/storm-ferries-cancelled-roads-shut.md\n"
    path = root / "articles/2026/storm-ferries-cancelled-roads-shut.md"
    loaded = parse_article(path.read_text(encoding="utf-8"), "a.md", load_config(root))
    assert loaded.title == 'Storm: ferries "cancelled" & roads shut'
    assert loaded.date.isoformat() == "2026-11-24T13:00:00+01:00"  # Europe/Berlin
    assert (loaded.section, loaded.tags, loaded.authors, loaded.draft) == (
        "Weather",
        ("Storm", "Roads"),
        ("Ada Lindqvist",),
        True,
    )


def test_new_never_overwrites(make_site: Callable[..., Path], run_cli: Callable[..., Run]) -> None:
    root = make_site({"articles/2026/harbor-news.md": "mine\n"})
    result = run_cli("new", "Harbor news", "-s", str(root), "--now", NOW)
    assert result.code == 1
    assert result.err == (
        "error: articles/2026/harbor-news.md already exists; newsgen never "
        "overwrites an article (choose another headline, or edit that file)\n"
    )
    assert (root / "articles/2026/harbor-news.md").read_text(encoding="utf-8") == "mine\n"


def test_init_creates_a_site_that_builds_at_once(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    folder = tmp_path / "mysite"
    created = run_cli("init", str(folder))
    assert created.code == 0
    assert f"Next: cd {folder} && newsgen serve" in created.out
    config = (folder / "newsgen.yaml").read_text(encoding="utf-8")
    for key in (
        "language",
        "languages",
        "description",
        "permalink",
        "per_page",
        "feeds",
        "items",
        "content",
        "markdown",
        "allow_html",
        "output_dir",
        "search",
        "sitemap",
        "max_urls",
        "image",
        "image_alt",
        "logo",
        "locale",
    ):
        assert f"# {key}:" in config or f"#   {key}:" in config, key
    built = run_cli("build", "-s", str(folder))
    assert built.code == 0, built.err
    front = (folder / "site/index.html").read_text(encoding="utf-8")
    assert "Welcome to your news archive" in front
    assert not (folder / "site/static/README.md").exists()
    assert (folder / "templates/README.md").is_file()


def test_init_refuses_a_folder_that_is_not_empty(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    result = run_cli("init", str(tmp_path))
    assert result.code == 1
    assert result.err == f"error: {tmp_path} is not empty; newsgen init only creates new sites\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_check_reports_broken_links_with_their_place_and_writes_nothing(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    body = (
        "A good [link](/2026/11/19/other/) and [home](/).\n\n"
        "A [broken one](/2025/01/01/gone/) and\n"
        "a [relative](../20/missing/) link, ![a picture](/static/none.png),\n"
        "[an outside one](https://elsewhere.example/x) and [the feed](/feed.xml)."
    )
    root = make_site(
        {
            "articles/a.md": article(body=body),
            "articles/b.md": article(title="Other", date="2026-11-19"),
        }
    )
    result = run_cli("check", "-s", str(root), "--now", NOW)
    assert result.code == 1
    hint = "hint: check the address, or the slug and date of the article it means\n"
    assert result.err == (
        "articles/a.md:8:16: link to /2025/01/01/gone/, which is not a page of this site\n"
        + hint
        + "articles/a.md:9:14: link to /2026/11/20/20/missing/, which is not a page of this site\n"
        + hint
        + "articles/a.md:9:49: link to /static/none.png, which is not a page of this site\n"
        + hint
        + "error: 3 problems found\n"
    )
    assert sorted(p.name for p in root.iterdir()) == ["articles", "newsgen.yaml"]


def test_check_reports_front_matter_and_template_problems_together(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site({"articles/a.md": article(tittle="x"), "templates/list.html": "{% if %}"})
    result = run_cli("check", "-s", str(root))
    assert result.code == 1
    assert result.err == (
        "articles/a.md:4:1: unknown key 'tittle'\nhint: did you mean 'title'?\n"
        "templates/list.html:1:1: template error: Expected an expression, got 'end of statement "
        "block'\nerror: 2 problems found\n"
    )


def test_check_finds_template_errors_that_only_rendering_shows(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site(
        {"articles/a.md": article(), "templates/terms.html": "{{ index.nothing.deeper }}"}
    )
    result = run_cli("check", "-s", str(root))
    assert result.code == 1
    assert result.err.startswith("templates/terms.html:1:1: template error: ")


def test_check_passes_a_clean_site(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site(
        {"articles/a.md": article(body="[Home](/) and [feed](/feed.xml)")}, config=BASIC_CONFIG
    )
    result = run_cli("check", "-s", str(root))
    assert (result.code, result.out) == (0, "Checked 1 article: no problems found\n")
