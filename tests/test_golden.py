"""The golden sites, built and compared byte for byte with tests/sites/<name>/expected/."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from newsgen.build.run import BuildOptions, build
from newsgen.build.writer import MANIFEST

import golden


def test_golden_site_matches_expected_tree(each_golden_site: Path) -> None:
    built = golden.tree(each_golden_site)
    expected = golden.tree(golden.SITES / each_golden_site.parent.name / "expected")
    assert sorted(built) == sorted(expected), "the set of files differs"
    differing = [path for path in built if built[path] != expected[path]]
    assert not differing, f"differs from expected/ (run: python tests/golden.py): {differing}"


@pytest.mark.parametrize("name", golden.GOLDEN_SITES)
def test_rebuild_writes_nothing_and_gives_identical_bytes(tmp_path: Path, name: str) -> None:
    output = golden.build_copy(name, tmp_path)
    first = golden.tree(output)
    report = build(BuildOptions(root=output.parent, now=golden.NOW))
    assert report.write.written == 0
    assert report.write.unchanged == report.write.files
    assert golden.tree(output) == first


def test_manifest_lists_exactly_the_files_written(each_golden_site: Path) -> None:
    site = each_golden_site
    manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    on_disk = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert set(manifest["files"]) == on_disk - {MANIFEST}


def test_drafts_and_future_articles_are_held_back_and_reported(tmp_path: Path) -> None:
    output = golden.build_copy("courier", tmp_path)
    report = build(BuildOptions(root=output.parent, now=golden.NOW))
    assert (report.articles, report.drafts, report.scheduled) == (40, 1, 1)
    assert report.next_due is not None
    assert report.next_due.isoformat() == "2026-12-01T06:00:00+01:00"
    assert not (output / "2026/12/01/ferry-timetable-changes-in-december").exists()
    assert not (output / "2026/10/01/unfinished-notes-on-the-ferry-timetable").exists()
    everything = b"".join(golden.tree(output).values())
    assert b"Ferry timetable changes" not in everything
    assert b"Unfinished notes" not in everything


def test_drafts_and_future_flags_publish_them(tmp_path: Path) -> None:
    output = golden.build_copy("courier", tmp_path)
    report = build(BuildOptions(root=output.parent, now=golden.NOW, drafts=True, future=True))
    assert (report.articles, report.drafts, report.scheduled) == (42, 0, 0)
    assert (output / "2026/12/01/ferry-timetable-changes-in-december/index.html").is_file()
    assert (output / "2026/10/01/unfinished-notes-on-the-ferry-timetable/index.html").is_file()


def test_front_page_paginates_every_article_newest_first(golden_site: Path) -> None:
    times: list[datetime] = []
    page, number = golden_site / "index.html", 1
    while True:
        html = page.read_text(encoding="utf-8")
        teasers = re.findall(r'<p class="teaser-meta">.*?<time datetime="([^"]+)"', html, re.S)
        assert 0 < len(teasers) <= 4  # per_page in the golden config
        times.extend(datetime.fromisoformat(t) for t in teasers)
        if f'href="/page/{number + 1}/"' not in html:
            break
        number += 1
        page = golden_site / f"page/{number}/index.html"
    assert len(times) == 40
    assert times == sorted(times, reverse=True)
    assert not (golden_site / f"page/{number + 1}").exists()


def test_site_templates_override_the_theme_and_site_static_is_copied(golden_site: Path) -> None:
    front = (golden_site / "index.html").read_text(encoding="utf-8")
    assert "Harbor Courier archive" in front
    assert (golden_site / "static/harbor.svg").is_file()
    assert (golden_site / "static/newsgen.css").is_file()


def test_bulletin_golden_site_matches_expected_tree(tmp_path: Path) -> None:
    """The second golden site: sub-path base_url, lead images, captions and times."""
    built = golden.tree(golden.build_copy("bulletin", tmp_path))
    expected = golden.tree(golden.SITES / "bulletin" / "expected")
    assert sorted(built) == sorted(expected), "the set of files differs"
    differing = [path for path in built if built[path] != expected[path]]
    assert not differing, f"differs from expected/ (run: python tests/golden.py): {differing}"
