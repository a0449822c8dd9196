"""Import has the build's guarantees: whole files, one writer at a time, nothing read through a
link out of the source, nothing written that the build would refuse, no traceback, and errors
that say what failed. Each test imports a minimal source written for it."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import newsgen
from newsgen.build.lock import BuildLocked

from conftest import Run
from import_helpers import articles, build_all, import_into, new_site

SRC = Path(newsgen.__file__).parents[1]  # the package under test, for child processes


def pelican_file(folder: Path, name: str, head: str, body: str = "Text.\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"{head}\n\n{body}", encoding="utf-8")
    return path


# 17 --------------------------------------------------------------------------------------


def _limit_file_size() -> None:
    # A file size limit: a write beyond it fails mid-file, as on a full disk (Python ignores
    # SIGXFSZ, so the write fails with EFBIG rather than killing the process).
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def test_an_import_cut_off_mid_file_leaves_no_article_and_a_rerun_completes_it(
    tmp_path: Path,
) -> None:
    root = new_site(tmp_path / "site")
    body = "".join(f"Paragraph {n} of a long report.\n\n" for n in range(800))
    source = pelican_file(tmp_path / "src", "long.md", "Title: Long report\nDate: 2024-05-01", body)
    # What a kill during the write leaves: a hidden temporary file, which the next import clears.
    stale = root / "articles" / "2024" / ".newsgen-import-99999-long.md"
    stale.parent.mkdir(parents=True)
    stale.write_text("---\ntitle: Long rep", encoding="utf-8")
    cut = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from newsgen.cli import main; sys.exit(main(sys.argv[1:]))",
            *("import", "-s", str(root), str(source)),
        ],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        preexec_fn=_limit_file_size,
        capture_output=True,
        check=False,
    )
    assert cut.returncode == 1
    assert cut.stderr.decode().endswith(
        "error: articles/2024/long.md could not be written: File too large; 0 articles of this "
        "import were written before it (each whole): run the import again to complete it\n"
    )
    assert articles(root) == {}  # no truncated article for the build to publish
    report = import_into(root, source)
    assert [w.path.name for w in report.written] == ["long.md"]
    assert articles(root)["2024/long.md"].endswith("Paragraph 799 of a long report.\n")
    leftovers = [p.name for p in (root / "articles").rglob("*") if p.name.startswith(".")]
    assert leftovers == []


# 18 --------------------------------------------------------------------------------------


@pytest.fixture
def locked_site(tmp_path: Path) -> Iterator[Path]:
    """A site whose build lock another process holds until the test ends."""
    root = new_site(tmp_path / "site")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from newsgen.build import lock\n"
            "with lock.holding(Path(sys.argv[1]), 'site/'):\n"
            "    print('held', flush=True); sys.stdin.read()",
            str(root / ".newsgen"),
        ],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    yield root
    assert holder.stdin is not None
    holder.stdin.close()
    holder.wait(timeout=10)


def test_an_import_waits_for_no_one_and_writes_nothing_while_another_holds_the_site(
    locked_site: Path, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    source = pelican_file(tmp_path / "src", "a.md", "Title: A\nDate: 2024-05-01")
    with pytest.raises(BuildLocked):
        import_into(locked_site, source)
    result = run_cli("import", "-s", str(locked_site), str(source))
    assert result.code == 1
    assert result.err.startswith("error: another newsgen build (pid ")
    assert result.err.endswith(" is writing site/; wait for it to finish\n")
    assert not (locked_site / "articles").exists()


# 19 --------------------------------------------------------------------------------------


def test_links_out_of_the_source_tree_are_not_read_and_are_reported(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    secret = pelican_file(outside, "secret.txt", "Secret\nroot:x:0:0")
    scraped = tmp_path / "scraped"
    pelican_file(scraped, "2024-01-01-story.txt", "A story\nIt happened.")
    (scraped / "2024-01-02-passwd.txt").symlink_to(secret)
    jekyll = tmp_path / "jekyll"
    pelican_file(jekyll / "_posts", "2024-01-03-post.md", "---\ntitle: Post\n---")
    (jekyll / "_drafts").symlink_to(outside, target_is_directory=True)
    pelican_file(outside, "2024-01-04-draft.md", "---\ntitle: Leaked draft\n---")
    root = new_site(tmp_path / "site")
    report = import_into(root, scraped, jekyll)
    assert sorted(articles(root)) == ["2024/a-story.md", "2024/post.md"]
    assert [str(s.where) for s in report.skipped] == [
        f"{scraped}/2024-01-02-passwd.txt:1:1: skipped: is a link to a file outside {scraped}; "
        "not imported",
        f"{jekyll}/_drafts:1:1: skipped: is a link to a folder; newsgen does not follow it",
    ]


# 20 --------------------------------------------------------------------------------------


def test_what_the_build_would_refuse_is_cleaned_or_reported_and_every_result_builds(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    src = tmp_path / "src"
    pelican_file(src, "script.md", "Title: Script\nDate: 2024-05-01\nImage: javascript:alert(1)")
    pelican_file(src, "bell.md", "Title: Bell\x07 rings\nDate: 2024-05-02", "Ding\x07.\n")
    pelican_file(src, "far.md", "Title: Far future\nDate: 9999-12-31 23:00:00-12:00")
    pelican_file(src, "old.md", "Title: Long ago\nDate: 0999-01-01")
    odd = os.fsencode(src) + b"/caf\xe9.txt"
    with open(odd, "wb") as file:  # noqa: PTH123 - a name pathlib cannot spell
        file.write(b"Cafe\nOpen late.\n")
    root = new_site(tmp_path / "site")
    result = run_cli("import", "-s", str(root), "--date", "2024-06-01", str(src))
    assert result.code == 0
    assert sorted(articles(root)) == ["2024/bell.md", "2024/script.md"]
    assert "image" not in articles(root)["2024/script.md"]
    assert "\x07" not in "".join(articles(root).values())
    assert result.err == (
        f"{src}/bell.md:1:1: warning: removed 2 control character(s) that HTML and feeds "
        "cannot carry\n"
        f"{src}/script.md:1:1: warning: dropped the image 'javascript:alert(1)': only http(s) "
        "URLs and site paths are kept\n"
        f"{src}/caf\\xe9.txt:1:1: skipped: the name is not valid UTF-8; rename it\n"
        f"{src}/far.md:1:1: skipped: its date 9999-12-31T23:00:00-12:00 is outside the years "
        "newsgen supports (1001 to 9997)\n"
        f"{src}/old.md:1:1: skipped: its date 0999-01-01 is outside the years newsgen "
        "supports (1001 to 9997)\n"
    )
    assert build_all(root).warnings == ()


# 21 --------------------------------------------------------------------------------------


def test_bytes_that_are_not_utf8_are_reported_at_their_place(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "latin.md").write_bytes(b"Title: Caf\xe9\nDate: 2024-05-01\n\nNa\xefve.\n")
    root = new_site(tmp_path / "site")
    report = import_into(root, src / "latin.md")
    assert [str(w) for w in report.warnings] == [
        f"{src}/latin.md:1:11: invalid UTF-8 at byte 10: 2 undecodable byte sequence(s) became "
        "U+FFFD (\ufffd)\nhint: save the source as UTF-8 and import it again for the original "
        "characters"
    ]
    assert build_all(root).warnings == ()


def test_a_scraped_page_in_windows_1252_is_read_as_such_and_said(tmp_path: Path) -> None:
    page = tmp_path / "2024-05-01-cafe.txt"
    page.write_bytes("Café opens\nThe café opens \u2013 at last.\n".encode("cp1252"))
    root = new_site(tmp_path / "site")
    report = import_into(root, page)
    assert articles(root)["2024/cafe-opens.md"].endswith("\n\nThe café opens \u2013 at last.\n")
    assert [str(w) for w in report.warnings] == [
        f"{page}:1:4: invalid UTF-8 at byte 3; the page was read as Windows-1252"
    ]


def test_terms_that_would_share_a_page_take_one_spelling_and_the_result_builds(
    tmp_path: Path,
) -> None:
    root = new_site(tmp_path / "site")
    existing = root / "articles" / "2024" / "mine.md"
    existing.parent.mkdir(parents=True)
    existing.write_text(
        "---\ntitle: Mine\ndate: 2024-01-01\ntags: [Ça va]\n---\nText.\n", encoding="utf-8"
    )
    src = tmp_path / "src"
    pelican_file(src, "a.md", "Title: A\nDate: 2024-05-01\nAuthor: jo\nTags: ca va, !!!")
    pelican_file(src, "b.md", "Title: B\nDate: 2024-05-02\nAuthor: >jo\nTags: Ca-va")
    report = import_into(root, src)
    files = articles(root)
    assert "authors:\n- jo\ntags:\n- Ça va\n" in files["2024/b.md"]
    assert [w.message for w in report.warnings] == [
        "tag 'ca va' written as 'Ça va', the spelling of /tags/ca-va/",
        "dropped the tag '!!!': it has no letters or digits for a URL",
        "tag 'Ca-va' written as 'Ça va', the spelling of /tags/ca-va/",
        "author '>jo' written as 'jo', the spelling of /authors/jo/",
    ]
    assert build_all(root).warnings == ()


def test_the_spelling_most_articles_use_wins_whatever_comes_first(tmp_path: Path) -> None:
    src = tmp_path / "src"
    pelican_file(src, "a.md", "Title: A\nDate: 2024-05-01\nAuthor: >al")
    pelican_file(src, "b.md", "Title: B\nDate: 2024-05-02\nAuthor: al")
    pelican_file(src, "c.md", "Title: C\nDate: 2024-05-03\nAuthor: al")
    root = new_site(tmp_path / "site")
    report = import_into(root, src)
    assert "authors:\n- al\n" in articles(root)["2024/a.md"]
    assert [w.message for w in report.warnings] == [
        "author '>al' written as 'al', the spelling of /authors/al/"
    ]


def test_an_articles_folder_that_links_out_of_the_site_is_not_written_through(
    tmp_path: Path,
) -> None:
    root = new_site(tmp_path / "site")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (root / "articles").mkdir()
    (root / "articles" / "2024").symlink_to(outside, target_is_directory=True)
    source = pelican_file(tmp_path / "src", "a.md", "Title: A\nDate: 2024-05-01")
    report = import_into(root, source)
    assert report.written == ()
    assert [str(s.where) for s in report.skipped] == [
        f"{source}:1:1: skipped: articles/2024/a.md was not written: its folder is a link to "
        "outside the site folder"
    ]
    assert list(outside.iterdir()) == []


def test_an_articles_folder_that_is_a_link_out_gets_no_folder_made_through_it(
    tmp_path: Path,
) -> None:
    root = new_site(tmp_path / "site")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (root / "articles").symlink_to(outside, target_is_directory=True)
    source = pelican_file(tmp_path / "src", "a.md", "Title: A\nDate: 2024-05-01")
    assert import_into(root, source).written == ()
    assert list(outside.iterdir()) == []
