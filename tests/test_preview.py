"""A build after a small change plans only the units it touches, and `newsgen serve` starts
from a copy of the published site instead of rendering the archive again."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from newsgen.build import parallel, writer
from newsgen.build.resident import Resident
from newsgen.build.run import BuildOptions, build
from newsgen.outputs import pages, search, tiers
from newsgen.plan import archive as archive_plan
from newsgen.serve import preview
from newsgen.serve.server import SiteState, warm_up
from newsgen.store import cache, db

from conftest import article

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
CONFIG = (
    "title: Test Gazette\nbase_url: https://gazette.example.org\ntimezone: Europe/Berlin\n"
    "search: false\npagination: stable\nper_page: 5\n"
)


def archive(count: int) -> dict[str, str]:
    return {
        f"articles/story-{n}.md": article(
            title=f"Story {n}", date=f"2026-{1 + n % 10:02}-{1 + n % 27:02}", tags=f"[t{n % 3}]"
        )
        for n in range(count)
    }


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".newsgen")
    }


def calls_of(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[int]:
    """A list that grows by one each time `owner.name` is called from now on."""
    calls: list[int] = []
    original = getattr(owner, name)

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counting)
    return calls


def no_fast_path(root: Path) -> None:
    """Forget the state the seed carried into the preview: its first build runs in full."""
    for carried in (root / ".newsgen").glob("state-*.json"):
        carried.unlink()


def test_a_new_article_renders_only_the_pages_it_touches(make_site: Callable[..., Path]) -> None:
    root = make_site(archive(58), config=CONFIG)  # 59 articles: no new page number begins
    first = build(BuildOptions(root=root, now=NOW))
    assert first.write.rendered > 150
    (root / "articles/new.md").write_text(
        article(title="New story", date="2026-11-23", tags="[t1]"), encoding="utf-8"
    )
    report = build(BuildOptions(root=root, now=NOW))
    # The new page, its newer neighbour, the front pages of the home page, its year, month,
    # day and tag, the tag index and archive, and feeds: never the other 57 article pages.
    assert 0 < report.write.rendered < 30
    assert (root / "site/2026/11/23/new-story/index.html").is_file()


def test_serve_starts_from_the_published_site_and_never_changes_it(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(archive(30), config=CONFIG)
    build(BuildOptions(root=root, now=NOW))
    published = tree(root / "site")
    preview.seed(root)
    folder = preview.preview_folder(root)
    assert tree(folder) == published
    first = build(BuildOptions(root=root, now=NOW, output=folder))
    assert first.write.rendered == 0
    assert first.write.written == 0
    (root / "articles/story-3.md").write_text(
        article(title="Story 3, corrected", date="2026-04-04", tags="[t0]"), encoding="utf-8"
    )
    build(BuildOptions(root=root, now=NOW, output=folder))
    assert tree(root / "site") == published, "a rebuild of the preview changed the site"
    assert (
        b"Story 3, corrected" in (folder / "2026/04/04/story-3-corrected/index.html").read_bytes()
    )


def test_serve_starts_and_the_next_site_build_follows_without_reading_every_file(
    make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site(archive(30), config=CONFIG)
    build(BuildOptions(root=root, now=NOW))
    checked: list[Path] = []
    original = writer._sha256

    def counting(path: Path) -> str:
        checked.append(path)
        return original(path)

    monkeypatch.setattr(writer, "_sha256", counting)
    # Linking a file changes its change time in both folders: the stamps must follow.
    preview.seed(root)
    no_fast_path(root)
    first = build(BuildOptions(root=root, now=NOW, output=preview.preview_folder(root)))
    assert (first.write.written, first.write.rendered) == (0, 0)
    assert checked == [], "the first preview build read files that the stamps vouch for"
    # Nothing changed, but the site's own files' change times moved when they were linked.
    (root / ".newsgen/state.json").unlink()  # no fast path: the pipeline runs
    again = build(BuildOptions(root=root, now=NOW))
    assert (again.write.written, again.write.rendered) == (0, 0)
    assert checked == [], "the site's next build read files that the stamps vouch for"
    # A file edited by hand in the preview, same size, is still noticed by its content.
    page = preview.preview_folder(root) / "index.html"
    data = page.read_bytes()
    page.unlink()
    page.write_bytes(data.replace(b"Test Gazette", b"Test Gazettf", 1))
    fixed = build(BuildOptions(root=root, now=NOW, output=preview.preview_folder(root)))
    assert fixed.write.written == 1
    assert page.read_bytes() == data


def test_the_site_and_the_preview_each_keep_their_own_fast_path(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(archive(12), config=CONFIG)
    folder = preview.preview_folder(root)
    assert not build(BuildOptions(root=root, now=NOW)).up_to_date
    preview.seed(root)
    # The seed carried the site's state: the sources did not change since.
    assert build(BuildOptions(root=root, now=NOW, output=folder)).up_to_date
    # Built one after the other, with nothing changed: neither makes the other work again
    # (a serve restart after `newsgen build`, a build after serving).
    assert build(BuildOptions(root=root, now=NOW)).up_to_date
    assert build(BuildOptions(root=root, now=NOW, output=folder)).up_to_date
    assert build(BuildOptions(root=root, now=NOW)).up_to_date
    (root / "articles/story-3.md").write_text(
        article(title="Story 3, corrected", date="2026-04-04", tags="[t0]"), encoding="utf-8"
    )
    assert not build(BuildOptions(root=root, now=NOW, output=folder)).up_to_date
    assert not build(BuildOptions(root=root, now=NOW)).up_to_date


def test_a_serving_process_plans_again_only_when_what_planning_reads_changed(
    make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = make_site(archive(20), config=CONFIG)
    planned = calls_of(monkeypatch, archive_plan, "plan")
    resident = Resident()
    folder = preview.preview_folder(root)
    build(BuildOptions(root=root, now=NOW, output=folder, resident=resident))
    assert len(planned) == 1
    story = root / "articles/story-3.md"
    story.write_text(story.read_text("utf-8") + "\nA second paragraph.\n", encoding="utf-8")
    build(BuildOptions(root=root, now=NOW, output=folder, resident=resident))
    assert len(planned) == 1, "a body edit planned the site again"
    assert b"A second paragraph." in (folder / "2026/04/04/story-3/index.html").read_bytes()
    story.write_text(story.read_text("utf-8").replace("Story 3", "Story three"), "utf-8")
    build(BuildOptions(root=root, now=NOW, output=folder, resident=resident))
    assert len(planned) == 2, "a new title kept the old plan"
    resident.close()
    fresh = tmp_path / "fresh"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("site", ".newsgen"))
    build(BuildOptions(root=fresh, now=NOW, full=True))
    assert tree(folder) == tree(fresh / "site")


def test_pages_rendered_on_several_processes_are_the_same_bytes(
    make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = make_site(archive(40), config=CONFIG)
    build(BuildOptions(root=root, now=NOW, jobs=1))
    alone = tree(root / "site")
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 2)
    report = build(BuildOptions(root=root, now=NOW, jobs=3, output=tmp_path / "out"))
    assert report.write.rendered > 100
    assert tree(tmp_path / "out") == alone


def test_a_body_edit_that_keeps_the_summary_rerenders_the_article_alone_and_says_why(
    make_site: Callable[..., Path], run_cli: Callable[..., Any]
) -> None:
    root = make_site(archive(12), config=CONFIG)
    assert run_cli("build", "-s", str(root), "--now", NOW.isoformat()).code == 0
    story = root / "articles/story-3.md"
    story.write_text(story.read_text("utf-8") + "\nA second paragraph.\n", encoding="utf-8")
    result = run_cli(
        "build", "-s", str(root), "--now", NOW.isoformat(), "--explain", "/2026/04/04/story-3/"
    )
    assert result.code == 0, result.err
    assert result.out.splitlines()[:3] == [
        "plan: the last build's plan is compared output by output",
        "article articles/story-3.md: rendered: what it shows changed (an article, a "
        "neighbour, a title or a link)",
        "2026/04/04/story-3/index.html: written: its bytes changed",
    ]
    # Listings show the summary, which the edit kept: they are not even rendered, nor signed
    # (the last build's memo names this plan and the cached records it was made from).
    story.write_text(story.read_text("utf-8") + "\nA third paragraph.\n", encoding="utf-8")
    front = run_cli(
        "build", "-s", str(root), "--now", NOW.isoformat(), "--explain", "site/index.html"
    )
    assert front.out.splitlines()[1:3] == [
        "listing /: kept: it shows no article read again",
        "index.html: bytes unchanged: the file on disk was kept",
    ]
    nothing = run_cli("build", "-s", str(root), "--now", NOW.isoformat(), "--explain", "/")
    assert nothing.out.splitlines()[0] == (
        "/: no source, template, setting or option changed since the last build: kept"
    )


def test_a_new_process_skips_units_only_for_the_cache_its_memo_was_made_from(
    make_site: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    """The memo names the article cache's generation it was made from; rows written since by
    anything else (here: the generation forged) make the next build compare every unit."""
    root = make_site(archive(12), config=CONFIG)
    assert run_cli("build", "-s", str(root), "--now", NOW.isoformat()).code == 0
    story = root / "articles/story-3.md"
    explain = ("build", "-s", str(root), "--now", NOW.isoformat(), "--explain", "/")
    for paragraph, forged, decision in [
        ("A second paragraph.", False, "listing /: kept: it shows no article read again"),
        ("A third paragraph.", True, "listing /: kept: what it shows is unchanged"),
    ]:
        story.write_text(story.read_text("utf-8") + f"\n{paragraph}\n", encoding="utf-8")
        if forged:
            store = sqlite3.connect(root / ".newsgen" / db.STORE_FILE)
            with store:
                store.execute(
                    "UPDATE meta SET value = 'another' WHERE key = ?", (cache.GENERATION,)
                )
            store.close()
        result = run_cli(*explain)
        assert result.code == 0, result.err
        assert result.out.splitlines()[1] == decision
    fresh = tmp_path / "fresh"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("site", ".newsgen"))
    build(BuildOptions(root=fresh, now=NOW, full=True))
    assert tree(root / "site") == tree(fresh / "site")


def test_18_2_the_preview_never_copies_a_link_planted_in_the_published_site(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_site({"articles/a.md": article()})
    build(BuildOptions(root=root))
    secret = tmp_path / "secret.txt"
    secret.write_text("secret\n", encoding="utf-8")
    (root / "site/leak.txt").symlink_to(secret)
    preview.seed(root)
    folder = preview.preview_folder(root)
    assert (folder / "index.html").is_file()
    assert not (folder / "leak.txt").exists()


def test_serve_starts_from_the_published_search_layout_without_indexing_again(
    make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The published site's search bundles have a history (a sealed tier and a head) that a
    first index of the archive would not give: the preview must start from that layout, or
    its first build indexes the whole archive again and writes every search file anew."""
    searched = CONFIG.replace("search: false\n", "")
    root = make_site(archive(tiers.HEAD + 1), config=searched)
    build(BuildOptions(root=root, now=NOW))
    (root / "articles/new.md").write_text(
        article(title="New story", date="2026-11-23", tags="[t1]"), encoding="utf-8"
    )
    build(BuildOptions(root=root, now=NOW))
    levels = json.loads((root / "site/pagefind/tiers.json").read_text("utf-8"))
    assert len(levels["tiers"]) == 2, "the published layout has no history to carry"

    def indexing(*args: object) -> None:
        raise AssertionError("the preview indexed the archive again")

    monkeypatch.setattr(search, "_start", indexing)
    preview.seed(root)
    no_fast_path(root)
    first = build(BuildOptions(root=root, now=NOW, output=preview.preview_folder(root)))
    assert (first.write.written, first.write.rendered) == (0, 0)


def test_serve_starts_on_an_unchanged_archive_without_checking_it_and_still_sees_edits(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_site(archive(12), config=CONFIG)
    build(BuildOptions(root=root, now=NOW))
    published = tree(root / "site")
    folder = preview.preview_folder(root)
    options = BuildOptions(root=root, now=NOW, output=folder)
    preview.seed(root, options)
    first = build(options)
    assert first.up_to_date, "the first preview build checked the archive again"
    assert tree(folder) == published
    story = root / "articles/story-3.md"
    story.write_text(story.read_text("utf-8") + "\nA second paragraph.\n", encoding="utf-8")
    assert not build(options).up_to_date
    assert b"A second paragraph." in (folder / "2026/04/04/story-3/index.html").read_bytes()
    assert tree(root / "site") == published
    # Sources changed since the site's build: the preview's first build runs, and shows them.
    shutil.rmtree(folder)
    preview.seed(root, options)
    assert not build(options).up_to_date
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("site", ".newsgen"))
    build(BuildOptions(root=clean, now=NOW, full=True))
    assert tree(folder) == tree(clean / "site")


def test_a_serving_process_trusts_its_last_write_into_its_own_preview_folder_alone(
    make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Between its builds, a serving process takes the files it wrote into .newsgen/preview/
    as in place, without an lstat of each; once anything else writes that folder, or into
    another folder, every file is checked again, and a file deleted by hand comes back."""
    root = make_site(archive(20), config=CONFIG)
    folder = preview.preview_folder(root)
    examined: list[str] = []
    real_lstat = os.lstat

    def lstat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        if str(path).startswith(str(folder)):
            examined.append(str(path))
        return real_lstat(path, *args, **kwargs)

    monkeypatch.setattr(os, "lstat", lstat)
    story = root / "articles/story-3.md"
    resident = Resident()
    build(BuildOptions(root=root, now=NOW, output=folder, resident=resident))
    files = len(tree(folder))
    for number in range(3):
        story.write_text(story.read_text("utf-8") + f"\nEdit {number}.\n", encoding="utf-8")
        examined.clear()
        report = build(BuildOptions(root=root, now=NOW, output=folder, resident=resident))
        assert report.write.written >= 1
        assert len(examined) < files / 4, f"{len(examined)} lstat calls for {files} files"
    # Another writer of the folder (a build from the command line): nothing is taken on trust.
    story.write_text(story.read_text("utf-8") + "\nEdit 3.\n", encoding="utf-8")
    assert build(BuildOptions(root=root, now=NOW, output=folder)).write.written >= 1
    page = folder / "2026/02/02/story-1/index.html"
    page.unlink()
    story.write_text(story.read_text("utf-8") + "\nEdit 4.\n", encoding="utf-8")
    examined.clear()
    build(BuildOptions(root=root, now=NOW, output=folder, resident=resident))
    assert page.is_file(), "a file deleted by hand was taken on trust"
    assert len(examined) >= files
    # Into a folder of its own choosing, the same process checks every file each time.
    elsewhere = tmp_path / "elsewhere"
    build(BuildOptions(root=root, now=NOW, output=elsewhere, resident=resident))
    (elsewhere / "2026/02/02/story-1/index.html").unlink()
    story.write_text(story.read_text("utf-8") + "\nEdit 5.\n", encoding="utf-8")
    build(BuildOptions(root=root, now=NOW, output=elsewhere, resident=resident))
    assert (elsewhere / "2026/02/02/story-1/index.html").is_file()
    build(BuildOptions(root=root, now=NOW, output=folder, resident=resident))
    resident.close()
    fresh = tmp_path / "fresh"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("site", ".newsgen"))
    build(BuildOptions(root=fresh, now=NOW, full=True))
    assert tree(folder) == tree(fresh / "site") == tree(elsewhere)


def test_a_serving_process_signs_only_the_outputs_a_body_edit_can_change(
    make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With the plan kept (no view changed), a body edit re-signs the units that declare they
    read that article (its page, the feeds that carry it), not the other pages; a title edit
    changes a view, and every unit is signed again. Each build equals a clean one."""
    root = make_site(archive(20), config=CONFIG)
    signed = calls_of(monkeypatch, pages, "_article_signature")
    # Files saved within the last two seconds are read again (cache.RACY_NS): these were all
    # just written, and only the edited one is to count as read again.
    monkeypatch.setattr(cache, "RACY_NS", 0)
    resident = Resident()
    folder = preview.preview_folder(root)
    build(BuildOptions(root=root, now=NOW, output=folder, resident=resident))
    assert len(signed) == 20
    story = root / "articles/story-3.md"
    fresh = tmp_path / "fresh"
    for number, change in enumerate(["body", "body", "title", "body"]):
        text = story.read_text("utf-8")
        if change == "body":
            text += f"\nA paragraph added, number {number}.\n"
        else:
            text = text.replace("title: Story 3", f"title: Story three {number}")
        story.write_text(text, encoding="utf-8")
        signed.clear()
        report = build(BuildOptions(root=root, now=NOW, output=folder, resident=resident))
        assert report.write.written >= 1
        assert len(signed) == (1 if change == "body" else 20), change
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("site", ".newsgen"))
        build(BuildOptions(root=fresh, now=NOW, full=True))
        assert tree(folder) == tree(fresh / "site"), change
    resident.close()


def test_after_a_start_with_nothing_to_build_serve_warms_its_memory_for_the_first_edit(
    make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """serve starts on a built archive without building anything; then, watches in place,
    it builds once more to hold the archive in memory, writing nothing and reloading no
    page, so that the first saved edit is a patch like the next ones."""
    root = make_site(archive(20), config=CONFIG)
    build(BuildOptions(root=root, now=NOW))
    monkeypatch.setattr(cache, "RACY_NS", 0)
    resident = Resident()
    folder = preview.preview_folder(root)
    options = BuildOptions(root=root, now=NOW, output=folder, resident=resident)
    preview.seed(root, options)
    assert build(options).up_to_date
    assert resident.site_plan is None
    state, said = SiteState(folder), list[str]()
    warm_up(options, state, said.append)
    assert resident.site_plan is not None
    assert state.generation == 0, "a warm-up that wrote nothing reloaded the pages"
    assert said and said[-1].startswith("Ready for edits: 20 articles in memory")
    signed = calls_of(monkeypatch, pages, "_article_signature")
    story = root / "articles/story-3.md"
    story.write_text(story.read_text("utf-8") + "\nSaved while serving.\n", encoding="utf-8")
    report = build(options)
    assert report.write.written >= 1
    assert len(signed) == 1, "the first edit after the start signed every article page"
    assert b"Saved while serving." in (folder / "2026/04/04/story-3/index.html").read_bytes()
    resident.close()
