"""`newsgen import` of Hugo, Jekyll and Pelican trees: keys mapped, the rest reported."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsgen.importers.summary import details, summary

from import_helpers import FIXTURES, articles, build_all, import_into, new_site, redirect_target


def test_a_hugo_tree_in_toml_yaml_and_json(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site")
    report = import_into(root, FIXTURES / "hugo")
    files = articles(root)
    assert sorted(files) == [
        "2024/bridge-bundle.md",
        "2024/flood-warning.md",
        "2024/parking-rules.md",
    ]
    assert files["2024/flood-warning.md"].startswith(
        "---\n"
        "title: 'Flood warning: river to crest on Sunday'\n"
        "date: 2024-02-09 17:20:00+01:00\n"
        "updated: 2024-02-10 08:00:00+01:00\n"
        "slug: flood-warning\n"
        "authors:\n- Kai Berger\n"
        "section: Weather\n"
        "tags:\n- Local\n- Floods\n- Rivers\n"
        "summary: The river is expected to crest at 6.2 metres.\n"
        "aliases:\n- /old/flood-warning.html\n- /posts/flood-warning/\n"
        "extra:\n  imported_from: hugo:hugo/content/posts/flood-warning.md\n"
        "---\n"
    )
    assert "image: /posts/bridge-bundle/bridge.jpg\n" in files["2024/bridge-bundle.md"]
    assert "section: Politics\n" in files["2024/parking-rules.md"]
    assert "draft: true\n" in files["2024/parking-rules.md"]
    hugo = FIXTURES / "hugo" / "content"
    assert [str(w) for w in report.warnings] == [
        f"{hugo}/posts/bridge-bundle/index.md:1:1: keys not carried over: toc",
        f"{hugo}/posts/flood-warning.md:1:1: keys not carried over: weight",
        f"{hugo}/posts/flood-warning.md:1:1: links to 1 file of the old site that the new site "
        "does not have (copy them into static/ and link to /static/…): /images/levee.jpg",
    ]
    assert details(report) == [
        f"{hugo}/posts/_index.md:1:1: skipped: a Hugo list page (_index.md), not an article"
    ]
    built = build_all(root)
    assert built.warnings == () and built.articles == 3
    site = root / "site"
    assert redirect_target(site, "/posts/flood-warning/") == "/stories/2024/flood-warning/"
    assert redirect_target(site, "/old/flood-warning.html") == "/stories/2024/flood-warning/"
    assert redirect_target(site, "/news/parking-rules/") == "/stories/2024/parking-rules/"


def test_a_jekyll_tree_with_dates_from_file_names_and_drafts(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site")
    report = import_into(root, FIXTURES / "jekyll")
    files = articles(root)
    assert sorted(files) == [
        "2023/ice-rink.md",
        "2023/regatta-results.md",
        "2023/unpublished.md",
        "2023/winter-market.md",
    ]
    assert files["2023/regatta-results.md"].startswith(
        "---\n"
        "title: 'Regatta results: Lakeside wins again'\n"
        "date: 2023-11-02\n"
        "slug: regatta-results\n"
        "authors:\n- Ines Costa\n"
        "section: Sport\n"
        "tags:\n- sailing\n- regatta\n"  # Jekyll's space-separated string
        "summary: Lakeside took the cup for the third year.\n"
        "aliases:\n- /regatta-2023/\n- /sport/2023/11/02/regatta-results.html\n"
    )
    assert "\ndraft: true\n" in files["2023/unpublished.md"]  # published: false
    assert "\ndraft: true\n" in files["2023/winter-market.md"]  # from _drafts/
    assert files["2023/ice-rink.md"].endswith(
        "The ice rink opens on **Saturday**.\n\nSkates can be rented at the door.\n"
    )
    assert summary(report) == (
        "Imported 4 articles (2 drafts)\n2 warnings: 1 template tag, 1 unmapped key"
    )
    assert build_all(root).warnings == ()
    assert redirect_target(root / "site", "/2023/11/05/ice-rink.html") == (
        "/stories/2023/ice-rink/"
    )


def test_a_pelican_tree_with_comma_lists_and_skipped_pages(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site")
    report = import_into(root, FIXTURES / "pelican")
    files = articles(root)
    # Pelican's slug comes from the title unless given (its SLUGIFY_SOURCE default).
    assert sorted(files) == ["2024/a-hidden-note.md", "2024/old-report.md", "2024/school-roof.md"]
    assert files["2024/school-roof.md"].startswith(
        "---\n"
        "title: 'School roof: repairs start in July'\n"
        "date: 2024-06-03 10:20:00\n"
        "updated: 2024-06-04 09:00:00\n"
        "slug: school-roof\n"
        "authors:\n- Pia Novak\n- Tom Reed\n"
        "section: Education\n"
        "tags:\n- schools\n- repairs\n- budget\n"
        "summary: Work starts once term ends.\n"
        "aliases:\n- /school-roof.html\n"
    )
    assert "date: 2024-06-05\n" in files["2024/a-hidden-note.md"]
    assert "\ndraft: true\n" in files["2024/a-hidden-note.md"]  # Status: draft
    assert "aliases:\n- /a-hidden-note.html\n" in files["2024/a-hidden-note.md"]
    assert "title: Old report\ndate: 2024-01-01\n" in files["2024/old-report.md"]  # docutils
    content = FIXTURES / "pelican" / "content"
    assert details(report) == [f"{content}/pages/about.md:1:1: skipped: a Pelican page"]
    assert build_all(root).warnings == ()
    assert redirect_target(root / "site", "/school-roof.html") == "/stories/2024/school-roof/"


@pytest.mark.parametrize(
    ("flavour", "setting", "expected"),
    [
        (
            "jekyll",
            ("_config.yml", "permalink: /:year/:title/\n"),
            ("2023/regatta-results.md", "/2023/regatta-results/"),
        ),
        (
            "hugo",
            ("hugo.toml", '[permalinks]\nposts = "/:year/:slug/"\n'),
            ("2024/flood-warning.md", "/2024/flood-warning/"),
        ),
        (
            "pelican",
            ("pelicanconf.py", 'ARTICLE_URL = "posts/{date:%Y}/{slug}/"\n'),
            ("2024/school-roof.md", "/posts/2024/school-roof/"),
        ),
    ],
)
def test_aliases_follow_the_old_sites_own_permalinks(
    tmp_path: Path, flavour: str, setting: tuple[str, str], expected: tuple[str, str]
) -> None:
    (settings, line), (file, alias) = setting, expected
    tree = tmp_path / flavour
    shutil.copytree(FIXTURES / flavour, tree)
    with (tree / settings).open("a", encoding="utf-8") as handle:
        handle.write(line)
    root = new_site(tmp_path / "site")
    report = import_into(root, tree)
    assert not [w for w in report.warnings if "permalink" in w.message.lower()]
    assert f"\n- {alias}\n" in articles(root)[file].split("aliases:", 1)[1]
