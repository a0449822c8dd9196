"""The writer of imported articles: no overwrite, no duplicate, deterministic slugs, dry runs;
and the command line around it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from test_html_validity import nu_errors

from newsgen.importers.summary import summary

from conftest import Run
from import_helpers import FIXTURES, articles, build_all, import_into, new_site

EVERY_SOURCE = (
    FIXTURES / "wordpress" / "export.xml",
    FIXTURES / "feeds",
    FIXTURES / "hugo",
    FIXTURES / "jekyll",
    FIXTURES / "pelican",
    FIXTURES / "html",
    FIXTURES / "text" / "2025-01-07-port-strike.txt",
)


def test_a_second_run_imports_nothing_twice(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site")
    first = import_into(root, *EVERY_SOURCE)
    assert len(first.written) == 24
    before = articles(root)
    second = import_into(root, *EVERY_SOURCE)
    assert second.written == ()
    assert {s.reason for s in second.skipped} >= {"already"}
    assert sum(s.reason == "already" for s in second.skipped) == 24
    assert articles(root) == before


def test_a_moved_copy_of_the_same_page_is_recognised_by_its_title_slug_and_date(
    tmp_path: Path,
) -> None:
    root = new_site(tmp_path / "site")
    page = FIXTURES / "text" / "2025-01-07-port-strike.txt"
    import_into(root, page)
    edited = tmp_path / "2025-01-07-port-strike.txt"
    edited.write_text(page.read_text("utf-8") + "\nOne more line.\n", encoding="utf-8")
    again = import_into(root, edited)
    assert again.written == ()
    assert [str(s.where) for s in again.skipped] == [
        f"{edited}:1:1: skipped: articles/2025/port-strike-day-two-brings-talks-but-no-deal.md "
        "has the same title, slug and date"
    ]


def test_dry_run_writes_nothing_and_reports_what_it_would_do(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site")
    report = import_into(root, FIXTURES / "jekyll", dry_run=True)
    assert summary(report).startswith("Would import 4 articles (2 drafts); nothing was written")
    assert not (root / "articles").exists()
    assert sorted(p.name for p in root.iterdir()) == ["newsgen.yaml"]


def test_slug_clashes_get_numbered_suffixes_in_source_order(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site")
    existing = root / "articles" / "2024" / "school-roof.md"
    existing.parent.mkdir(parents=True)
    hand_written = "---\ntitle: Another school roof\ndate: 2024-01-02\n---\n\nMine.\n"
    existing.write_text(hand_written, encoding="utf-8")
    one, two = tmp_path / "one", tmp_path / "two"
    for folder in (one, two):
        folder.mkdir()
        (folder / "roof.md").write_text(
            "Title: School roof\nDate: 2024-06-03\nSlug: school-roof\n\nText.\n",
            encoding="utf-8",
        )
    (two / "roof.md").write_text(
        "Title: School roof, again\nDate: 2024-07-01\nSlug: school-roof\n\nText.\n",
        encoding="utf-8",
    )
    report = import_into(root, one / "roof.md", two / "roof.md")
    assert [w.path.name for w in report.written] == ["school-roof-2.md", "school-roof-3.md"]
    assert [w.message for w in report.warnings] == [
        "the slug 'school-roof' is taken; written as 'school-roof-2'",
        "the slug 'school-roof' is taken; written as 'school-roof-3'",
    ]
    assert existing.read_text("utf-8") == hand_written  # never overwritten
    assert build_all(root).warnings == ()


def test_every_imported_page_is_valid_html(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site")
    import_into(root, *EVERY_SOURCE)
    assert build_all(root).warnings == ()
    pages = list((root / "site").rglob("*.html"))
    assert len(pages) > 100
    assert nu_errors(root / "site") == []


def test_the_command_prints_warnings_skips_and_the_summary(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    root = new_site(tmp_path / "site")
    result = run_cli("import", "-s", str(root), str(FIXTURES / "pelican"))
    assert result.code == 0
    assert result.out == (
        "Imported 3 articles (1 draft)\nSkipped 1: 1 page\n1 warning: 1 unmapped key\n"
    )
    content = FIXTURES / "pelican" / "content"
    assert result.err == (
        f"{content}/school-roof.md:1:1: warning: keys not carried over: lang\n"
        f"{content}/pages/about.md:1:1: skipped: a Pelican page\n"
    )


def test_unreadable_sources_are_all_reported_the_import_failed_and_nothing_is_written(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    root = new_site(tmp_path / "site")
    broken = tmp_path / "broken.json"
    broken.write_text('{"version": "https://jsonfeed.org/version/1.1", "items": [', "utf-8")
    missing = tmp_path / "missing.xml"
    result = run_cli(
        "import", "-s", str(root), str(broken), str(missing), str(FIXTURES / "pelican")
    )
    assert result.code == 1
    assert result.out == ""
    assert result.err == (
        f"{broken}:1:59: not a readable JSON Feed: Expecting value: line 1 column 59 (char 58)\n"
        f"{missing}:1:1: no such file or folder\n"
        "error: import failed with 2 problems; nothing was written\n"
    )
    assert not (root / "articles").exists()


def test_from_forces_a_format_and_date_dates_undated_pages(
    tmp_path: Path, run_cli: Callable[..., Run], capsys: pytest.CaptureFixture[str]
) -> None:
    root = new_site(tmp_path / "site")
    page = tmp_path / "story.dat"
    page.write_text("Harbour news\nBERGEN — Boats are back.\n", encoding="utf-8")
    result = run_cli("import", "-s", str(root), "--from", "text", "--date", "2025-03-01", str(page))
    assert result.code == 0
    assert articles(root) == {
        "2025/harbour-news.md": "---\ntitle: Harbour news\ndate: 2025-03-01\n"
        "slug: harbour-news\ndateline: BERGEN\nextra:\n"
        f"  imported_from: {_content_id(page)}\n---\n\nBoats are back.\n"
    }
    with pytest.raises(SystemExit) as usage:
        run_cli("import", "-s", str(root), "--date", "March 1", str(page))
    assert usage.value.code == 2
    assert "argument --date: not a date written YYYY-MM-DD: 'March 1'" in capsys.readouterr().err


def _content_id(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()[:32]


def test_progress_is_reported_for_every_article_and_output_does_not_depend_on_it(
    tmp_path: Path,
) -> None:
    calls: list[tuple[str, int, int]] = []
    quiet, shown = new_site(tmp_path / "quiet"), new_site(tmp_path / "shown")
    import_into(quiet, FIXTURES / "feeds")
    import_into(shown, FIXTURES / "feeds", progress=lambda *call: calls.append(call))
    assert calls == [("files read", n, 3) for n in (1, 2, 3)] + [
        ("articles", n, 6) for n in range(1, 7)
    ]
    assert articles(quiet) == articles(shown)


def test_forced_generator_format_reads_a_bare_content_folder(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site")
    report = import_into(root, FIXTURES / "hugo" / "content", source_format="hugo")
    assert sorted(w.path.name for w in report.written) == [
        "bridge-bundle.md",
        "flood-warning.md",
        "parking-rules.md",
    ]


def test_a_local_time_that_a_clock_change_skips_gets_an_offset_and_builds(
    tmp_path: Path,
) -> None:
    root = new_site(tmp_path / "site")
    page = tmp_path / "night.md"
    page.write_text("Title: Night shift\nDate: 2024-03-31 01:30\n\nText.\n", encoding="utf-8")
    report = import_into(root, page)
    assert "date: 2024-03-31 01:30:00+00:00\n" in report.written[0].path.read_text("utf-8")
    assert [w.message for w in report.warnings] == [
        "2024-03-31 01:30 is skipped or repeated by a clock change in Europe/London; "
        "written as 2024-03-31T01:30:00+00:00"
    ]
    assert build_all(root).warnings == ()


def test_same_slug_and_day_with_another_title_is_a_new_article(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site")
    first, second = tmp_path / "2025-05-01-a.txt", tmp_path / "2025-05-01-b.txt"
    first.write_text("Ferry fares rise!\nThey do.\n", encoding="utf-8")
    second.write_text("Ferry fares rise?\nMaybe.\n", encoding="utf-8")
    report = import_into(root, first, second)
    assert [w.path.name for w in report.written] == ["ferry-fares-rise.md", "ferry-fares-rise-2.md"]
    assert build_all(root).warnings == ()
