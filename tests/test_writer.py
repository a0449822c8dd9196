"""The writer: atomic, manifest-based, never deletes or overwrites what newsgen did not write."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsgen.build.parallel import grouped_shares, shares
from newsgen.build.run import BuildOptions, build
from newsgen.build.writer import MANIFEST, STAGING_PREFIX, write
from newsgen.errors import BuildFailed, OutputRefused
from newsgen.model import OutputFile, PlannedFile

from conftest import BASIC_CONFIG, article

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)


def files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_removed_article_takes_its_pages_and_empty_folders_with_it(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(
        {
            "articles/a.md": article(title="Alpha"),
            "articles/b.md": article(title="Beta", date="2025-01-02"),
        }
    )
    build(BuildOptions(root=root, now=NOW))
    assert (root / "site/2025/01/02/beta/index.html").is_file()
    (root / "articles/b.md").unlink()
    report = build(BuildOptions(root=root, now=NOW))
    # Its page and its day, month and year listings at least.
    assert report.write.removed >= 4
    assert not (root / "site/2025").exists()
    assert (root / "site/2026/11/20/alpha/index.html").is_file()
    assert files(root / "site") == set(
        json.loads((root / "site" / MANIFEST).read_text())["files"]
    ) | {MANIFEST}


def test_only_changed_files_are_rewritten(make_site: Callable[..., Path]) -> None:
    root = make_site(
        {
            "articles/a.md": article(title="Alpha"),
            "articles/b.md": article(title="Beta", date="2025-01-02"),
        }
    )
    build(BuildOptions(root=root, now=NOW))
    untouched = [
        root / "site/2025/01/02/beta/index.html",
        root / "site/2025/index.html",
        root / "site/static/newsgen.css",
        root / "site/robots.txt",
    ]
    before = [path.stat().st_mtime_ns for path in untouched]
    (root / "articles/a.md").write_text(article(title="Alpha", body="New words."), encoding="utf-8")
    report = build(BuildOptions(root=root, now=NOW))
    assert 0 < report.write.written < report.write.files
    assert [path.stat().st_mtime_ns for path in untouched] == before
    assert "New words." in (root / "site/2026/11/20/alpha/index.html").read_text(encoding="utf-8")


def test_a_hand_edited_output_file_is_restored_by_a_full_build(
    make_site: Callable[..., Path],
) -> None:
    # An ordinary build trusts the files it wrote (checking 20,000 of them would cost more
    # than the build); --full checks them all.
    root = make_site({"articles/a.md": article()})
    build(BuildOptions(root=root, now=NOW))
    page = root / "site/404.html"
    original = page.read_bytes()
    page.write_text("vandalised", encoding="utf-8")
    build(BuildOptions(root=root, now=NOW, full=True))
    assert page.read_bytes() == original


def test_output_folder_with_foreign_files_is_refused_unless_forced(
    make_site: Callable[..., Path],
) -> None:
    root = make_site({"articles/a.md": article(), "site/CNAME": "news.example.org\n"})
    with pytest.raises(OutputRefused, match="holds files newsgen did not write"):
        build(BuildOptions(root=root, now=NOW))
    assert files(root / "site") == {"CNAME"}
    build(BuildOptions(root=root, now=NOW, force=True))
    assert (root / "site/CNAME").read_text(encoding="utf-8") == "news.example.org\n"
    (root / "articles/a.md").unlink()
    build(BuildOptions(root=root, now=NOW))
    assert (root / "site/CNAME").is_file(), "a file newsgen did not write was deleted"


def test_a_foreign_file_where_a_page_would_go_is_not_overwritten(
    make_site: Callable[..., Path],
) -> None:
    root = make_site({"articles/a.md": article()})
    build(BuildOptions(root=root, now=NOW))
    foreign = root / "site/2025/01/02/beta/index.html"
    foreign.parent.mkdir(parents=True)
    foreign.write_text("mine", encoding="utf-8")
    make_site({"articles/b.md": article(title="Beta", date="2025-01-02")})
    before = {p: (root / "site" / p).read_bytes() for p in files(root / "site")}
    with pytest.raises(OutputRefused, match="refusing to overwrite site/2025/01/02/beta/index"):
        build(BuildOptions(root=root, now=NOW))
    assert {p: (root / "site" / p).read_bytes() for p in files(root / "site")} == before


def test_failure_while_rendering_leaves_the_site_and_no_staging_behind(
    make_site: Callable[..., Path],
) -> None:
    root = make_site({"articles/a.md": article(title="Alpha")})
    build(BuildOptions(root=root, now=NOW))
    before = {p: (root / "site" / p).read_bytes() for p in files(root / "site")}
    # list.html renders after every article page has been staged: a late failure.
    make_site(
        {"articles/b.md": article(title="Beta"), "templates/list.html": "{{ listing.missing }}"}
    )
    with pytest.raises(BuildFailed):
        build(BuildOptions(root=root, now=NOW))
    assert {p: (root / "site" / p).read_bytes() for p in files(root / "site")} == before
    assert not list((root / "site").glob(f"{STAGING_PREFIX}*"))


def test_a_first_build_that_fails_leaves_no_output_folder(tmp_path: Path) -> None:
    def outputs() -> list[OutputFile]:
        raise RuntimeError("rendering failed")

    with pytest.raises(RuntimeError):
        write(iter([OutputFile("a.html", b"a"), *outputs()]), tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_leftover_staging_from_a_killed_build_is_cleaned_up(tmp_path: Path) -> None:
    output = tmp_path / "site"
    write([OutputFile("index.html", b"one")], output)
    (output / f"{STAGING_PREFIX}killed").mkdir()
    (output / f"{STAGING_PREFIX}killed" / "0").write_bytes(b"half")
    write([OutputFile("index.html", b"two")], output)
    assert files(output) == {"index.html", MANIFEST}


@pytest.mark.parametrize("path", ["../escape.html", "/etc/passwd", "a/../../b", "a\\b", MANIFEST])
def test_paths_outside_the_output_folder_are_never_written(tmp_path: Path, path: str) -> None:
    with pytest.raises(ValueError, match="unsafe output path"):
        write([OutputFile(path, b"x")], tmp_path / "site")
    assert not (tmp_path / "escape.html").exists()


def test_a_new_article_renders_only_the_pages_that_show_it(
    make_site: Callable[..., Path],
) -> None:
    old = {
        f"articles/old{n}.md": article(
            title=f"Old story {n}",
            date=f"2025-0{n + 1}-10",
            section=["Sports", "Local"][n % 2],
            tags=f"[Team{n}]",
        )
        for n in range(8)
    }
    root = make_site(old, config=BASIC_CONFIG + "search: false\n")
    first = build(BuildOptions(root=root, now=NOW))
    sports = root / "site/sections/sports/index.html"
    untouched = sports.stat().st_mtime_ns
    make_site(
        {"articles/new.md": article(title="New story", section="Local", tags="[Harbor]")},
        config=None,
    )
    report = build(BuildOptions(root=root, now=NOW))
    # Made again: the new article and the one before it (its 'newer' link); the front page;
    # the new day, month and year; Local, Harbor and the three indexes; the archive; the
    # feeds of the site, Local and Harbor. Not the other articles, their dates, Sports.
    assert report.write.rendered < first.write.rendered / 2
    assert sports.stat().st_mtime_ns == untouched


def test_stable_pagination_keeps_full_pages_as_they_were(
    make_site: Callable[..., Path],
) -> None:
    def story(n: int) -> str:
        return article(title=f"Story {n}", date=f"2026-0{1 + n // 9}-{1 + n % 9:02d}")

    root = make_site(
        {f"articles/s{n}.md": story(n) for n in range(7)},
        config=BASIC_CONFIG + "per_page: 3\npagination: stable\nsearch: false\n",
    )
    build(BuildOptions(root=root, now=NOW))
    # Seven articles: /page/1/ the oldest three, /page/2/ the next three, the front page one.
    page_one = root / "site/page/1/index.html"
    text = page_one.read_text(encoding="utf-8")
    assert [f"Story {n}<" in text for n in range(7)] == [True] * 3 + [False] * 4
    assert (root / "site/page/2/index.html").is_file()
    assert not (root / "site/page/3").exists()
    kept = {p: p.stat().st_mtime_ns for p in (page_one, root / "site/page/2/index.html")}
    for n in (7, 8):  # the front page fills up; nothing else changes
        make_site({f"articles/s{n}.md": story(n)}, config=None)
        build(BuildOptions(root=root, now=NOW))
        assert {p: p.stat().st_mtime_ns for p in kept} == kept
    make_site({"articles/s9.md": story(9)}, config=None)  # a new page number begins
    build(BuildOptions(root=root, now=NOW))
    assert page_one.stat().st_mtime_ns == kept[page_one]
    front = (root / "site/index.html").read_text(encoding="utf-8")
    assert "Story 9<" in front
    assert "Story 8<" not in front
    assert "Story 8<" in (root / "site/page/3/index.html").read_text(encoding="utf-8")
    assert 'href="/page/3/"' in front


def test_a_template_change_renders_pages_again_but_not_feeds(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(
        {f"articles/a{n}.md": article(title=f"Story {n}", tags="[Harbor]") for n in range(3)},
        config=BASIC_CONFIG + "search: false\n",
    )
    build(BuildOptions(root=root, now=NOW))
    feed = root / "site/tags/harbor/feed.xml"
    untouched = feed.stat().st_mtime_ns
    make_site({"templates/footer.html": "<footer><p>New footer</p></footer>\n"}, config=None)
    report = build(BuildOptions(root=root, now=NOW))
    assert report.write.rendered == report.pages
    assert feed.stat().st_mtime_ns == untouched


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_files_made_together_are_rendered_by_one_process(jobs: int) -> None:
    """An image's variants share one decoded picture: they go to one process, whole."""
    together = ["", "a", "a", "a", "", "b", "b", "", "", "c", "a", "a"] * 20
    batch = [PlannedFile(f"f{i}", "", lambda: b"", t) for i, t in enumerate(together)]
    found = grouped_shares(batch, jobs)
    assert sorted(index for share in found for index in share) == list(range(len(batch)))
    owner = {index: number for number, share in enumerate(found) for index in share}
    for index in range(1, len(batch)):
        if together[index] and together[index] == together[index - 1]:
            assert owner[index] == owner[index - 1], index
    if jobs > 1:  # the work is still shared out
        assert all(found)


@pytest.mark.parametrize("jobs", [1, 2, 3, 4, 8])
@pytest.mark.parametrize("count", [0, 1, 48, 512, 513])
def test_each_file_of_a_batch_is_rendered_by_one_process(jobs: int, count: int) -> None:
    """The building process, which also writes the whole batch, renders less than a worker;
    every file is rendered exactly once, and the workers' shares differ by one at most."""
    found = shares(count, jobs)
    assert len(found) == jobs
    assert sorted(index for share in found for index in share) == list(range(count))
    workers = [len(share) for share in found[1:]]
    if workers:
        assert max(workers) - min(workers) <= 1
        assert len(found[0]) <= min(workers) + 1
