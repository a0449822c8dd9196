"""`newsgen import` of scraped pages: text files like the repository's seed, and HTML pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from newsgen.content.frontmatter import parse_mapping, split
from newsgen.importers import pages

from import_helpers import FIXTURES, articles, build_all, import_into, new_site

REPOSITORY = Path(__file__).parent.parent
SEED = FIXTURES / "text" / "000_9abb7c12fc69140b.txt"


def test_the_seed_gives_the_article_the_example_archive_holds(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site", (REPOSITORY / "newsgen.yaml").read_text("utf-8"))
    report = import_into(root, SEED, default_date=date(2026, 11, 24))
    assert len(report.written) == 1
    imported = split(report.written[0].path.read_text("utf-8"))
    example = split(
        (REPOSITORY / "articles/2026/trump-venezuela-strategy-putin-ukraine.md").read_text("utf-8")
    )
    mine, theirs = parse_mapping(imported.front_matter), parse_mapping(example.front_matter)
    for key in ("title", "date", "dateline"):
        assert mine.data[key] == theirs.data[key]
    assert imported.body.strip().split("\n\n") == example.body.strip().split("\n\n")
    assert "Leave a Reply" not in imported.body
    assert build_all(root).warnings == ()


def test_boilerplate_is_dropped_from_the_end_and_the_user_can_add_patterns(
    tmp_path: Path,
) -> None:
    root = new_site(tmp_path / "site")
    page = FIXTURES / "text" / "2025-01-07-port-strike.txt"
    report = import_into(root, page, boilerplate=(r"sponsored: .*",))
    assert [w.path.name for w in report.written] == [
        "port-strike-day-two-brings-talks-but-no-deal.md"
    ]
    text = report.written[0].path.read_text("utf-8")
    assert text == (
        "---\n"
        "title: 'Port strike: day two brings talks, but no deal'\n"
        "date: 2025-01-07\n"
        "slug: port-strike-day-two-brings-talks-but-no-deal\n"
        "dateline: ROTTERDAM (Reuters)\n"
        "extra:\n"
        f"  imported_from: {report.written[0].record.source_id}\n"
        "---\n\n"
        "Dock workers stayed out for a second day on Tuesday as talks resumed.\n\n"
        "Union leaders said 1\\. pay and 2\\. shifts were the sticking points; the port said "
        "\\*nothing\\*.\n\n"
        "Ships queued off the coast.\n"
    )
    assert build_all(root).warnings == ()


def test_without_the_users_pattern_the_unknown_residue_stays(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site")
    report = import_into(root, FIXTURES / "text" / "2025-01-07-port-strike.txt")
    body = report.written[0].path.read_text("utf-8")
    assert body.endswith("Sponsored: win a cruise!\n")
    assert "Leave a Reply" in body  # not at the end any more, so not boilerplate


@pytest.mark.parametrize(
    ("paragraph", "dateline", "rest"),
    [
        ("ANCHORAGE, Alaska — In a bold move", "ANCHORAGE, Alaska", "In a bold move"),
        ("WASHINGTON (AP) -- Lawmakers met", "WASHINGTON (AP)", "Lawmakers met"),
        ("SÃO PAULO \u2013 Markets fell", "SÃO PAULO", "Markets fell"),
        ("In the end — it rained", None, "In the end — it rained"),
        ("A sentence - with a hyphen", None, "A sentence - with a hyphen"),
    ],
)
def test_datelines_are_recognised_only_when_they_start_in_capitals(
    paragraph: str, dateline: str | None, rest: str
) -> None:
    assert pages.split_dateline(paragraph) == (dateline, rest)


def test_an_html_page_gives_its_article_without_navigation_or_comments(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site")
    report = import_into(root, FIXTURES / "html")
    assert len(report.written) == 1
    written = report.written[0]
    record = written.record
    assert record.title == "Market hall reopens after a year of works"
    assert record.authors == ("Ada Lindqvist",)
    assert record.dateline == "HAFENSTADT"
    assert str(record.date) == "2025-02-02"
    body = written.path.read_text("utf-8").split("---\n", 2)[2]
    assert body.startswith("\nThe market hall opened again on Saturday")
    assert "[new entrance](https://coast.example/map)" in body
    for residue in ("Leave a Reply", "Home", "Coast Times", "# Market hall"):
        assert residue not in body
    assert [w.message for w in report.warnings] == [
        "remote image https://coast.example/hall.jpg (copy it into static/ to keep it)"
    ]
    assert build_all(root).warnings == ()


def test_a_text_page_without_a_date_is_skipped_and_says_how_to_give_one(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site")
    report = import_into(root, SEED)
    assert report.written == ()
    assert [str(s.where) for s in report.skipped] == [
        f"{SEED}:1:1: skipped: no date (give one with --date)"
    ]
    assert articles(root) == {}
