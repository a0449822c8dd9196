"""The golden site, built and compared byte for byte with tests/sites/basic/expected/."""

from __future__ import annotations

import json
from pathlib import Path

from newsgen.build import BuildOptions, build
from newsgen.writer import MANIFEST

import golden


def test_golden_site_matches_expected_tree(golden_site: Path) -> None:
    built = golden.tree(golden_site)
    expected = golden.tree(golden.SITES / "basic" / "expected")
    assert sorted(built) == sorted(expected), "the set of files differs"
    differing = [path for path in built if built[path] != expected[path]]
    assert not differing, f"differs from expected/ (run: python tests/golden.py): {differing}"


def test_rebuild_writes_nothing_and_gives_identical_bytes(tmp_path: Path) -> None:
    output = golden.build_copy("basic", tmp_path)
    first = golden.tree(output)
    report = build(BuildOptions(root=output.parent, now=golden.NOW))
    assert report.write.written == 0
    assert report.write.unchanged == report.write.files == len(first)
    assert golden.tree(output) == first


def test_manifest_lists_exactly_the_files_written(golden_site: Path) -> None:
    manifest = json.loads((golden_site / MANIFEST).read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == sorted(golden.tree(golden_site))


def test_drafts_and_future_articles_are_held_back_and_reported(tmp_path: Path) -> None:
    output = golden.build_copy("basic", tmp_path)
    report = build(BuildOptions(root=output.parent, now=golden.NOW))
    assert (report.articles, report.drafts, report.scheduled) == (5, 1, 1)
    assert report.next_due is not None
    assert report.next_due.isoformat() == "2026-12-01T06:00:00+01:00"
    for path in golden.tree(output):
        assert "ferry" not in path
    assert b"Ferry timetable" not in (output / "index.html").read_bytes()


def test_drafts_and_future_flags_publish_them(tmp_path: Path) -> None:
    output = golden.build_copy("basic", tmp_path)
    report = build(BuildOptions(root=output.parent, now=golden.NOW, drafts=True, future=True))
    assert (report.articles, report.drafts, report.scheduled) == (7, 0, 0)
    assert (output / "2026/12/01/ferry-timetable-changes-in-december/index.html").is_file()
    assert (output / "2026/10/01/unfinished-notes-on-the-ferry-timetable/index.html").is_file()


def test_front_page_paginates_newest_first(golden_site: Path) -> None:
    pages = [
        golden_site / "index.html",
        golden_site / "page/2/index.html",
        golden_site / "page/3/index.html",
    ]
    order = ["market-day", "election-night", "storm-closes", "council-passes", "harbor-reopens"]
    text = "".join(page.read_text(encoding="utf-8") for page in pages)
    positions = [text.index(slug) for slug in order]
    assert positions == sorted(positions)
    assert not (golden_site / "page/4").exists()
    assert 'rel="prev" href="/page/2/"' in pages[2].read_text(encoding="utf-8")


def test_site_templates_override_the_theme_and_site_static_is_copied(golden_site: Path) -> None:
    front = (golden_site / "index.html").read_text(encoding="utf-8")
    assert "Harbor Courier archive" in front
    assert (golden_site / "static/harbor.svg").is_file()
    assert (golden_site / "static/newsgen.css").is_file()
