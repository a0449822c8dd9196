"""The published folder: what a deploy uploads is a function of the sources alone, and a build
that says a file is in place has looked (cases 7 and 8 of the trust issue's third round).

newsgen's stamps of the files it wrote (their stat, as git's index keeps it) live in .newsgen/,
never in the output folder; a build without them checks each file's content instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from newsgen.build.manifest import safe_relative
from newsgen.build.writer import MANIFEST

import golden
from conftest import BASIC_CONFIG, Run, article

NOW = "2026-11-24T12:00:00+00:00"
CONFIG = BASIC_CONFIG + "search: false\n"


def stories(count: int, words: str = "Body of story") -> dict[str, str | bytes]:
    return {
        f"articles/a{n}.md": article(
            title=f"Story {n}",
            date=f"2026-{1 + n % 10:02d}-{1 + n % 27:02d}",
            body=f"{words} {n}.",
            tags=f"[Tag{n % 7}]",
        )
        for n in range(count)
    }


def everything(folder: Path) -> dict[str, bytes]:
    """Every file and folder under `folder`, the manifest and Pagefind's bundle included: what
    a deploy uploads. A folder maps to b"/"."""
    found: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        found[relative] = b"/" if path.is_dir() else path.read_bytes()
    return found


def build_elsewhere(root: Path, environment: dict[str, str], *args: str) -> None:
    """`newsgen build` of `root` in a process of its own, with `environment` added."""
    env = {**os.environ, **environment}
    result = subprocess.run(
        [sys.executable, "-m", "newsgen", "build", "-q", "-s", str(root), "--now", NOW, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stderr


# --- 7. the deployable folder is deterministic -----------------------------------------------


def test_18_7_two_builds_of_the_same_sources_give_byte_identical_folders(tmp_path: Path) -> None:
    """Other time zone, locale, hash seed and number of workers, another folder: the same
    bytes in every file, the manifest and the search bundle included."""
    roots = [tmp_path / "here", tmp_path / "elsewhere"]
    for root in roots:
        shutil.copytree(golden.SITES / "courier", root, ignore=shutil.ignore_patterns("expected"))
    build_elsewhere(
        roots[0], {"TZ": "Pacific/Kiritimati", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "1"}, "-j1"
    )
    build_elsewhere(
        roots[1], {"TZ": "America/St_Johns", "LC_ALL": "POSIX", "PYTHONHASHSEED": "2"}, "-j2"
    )
    first = everything(roots[0] / "site")
    assert MANIFEST in first and any(path.startswith("pagefind/") for path in first)
    assert everything(roots[1] / "site") == first
    # Into a fresh folder beside newsgen's own state, which knows the old folder's files.
    shutil.rmtree(roots[1] / "site")
    build_elsewhere(roots[1], {"TZ": "Asia/Kathmandu"})
    assert everything(roots[1] / "site") == first


def test_18_7_an_edit_and_its_undoing_leave_the_folder_as_a_clean_build_makes_it(
    make_site: Callable[..., Path], run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    root = make_site(stories(4), config=CONFIG)
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    clean = everything(root / "site")
    make_site({"articles/a1.md": stories(4, words="Edited story")["articles/a1.md"]}, config=None)
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    assert everything(root / "site") != clean
    make_site({"articles/a1.md": stories(4)["articles/a1.md"]}, config=None)
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    assert everything(root / "site") == clean
    manifest = json.loads((root / "site" / MANIFEST).read_text(encoding="utf-8"))
    assert all(len(entry) == 3 for entry in manifest["files"].values())  # digest, size, key


def test_18_7_without_newsgens_state_every_file_is_checked_by_its_content(
    make_site: Callable[..., Path], run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    """Stamps gone (.newsgen/ deleted, or the site moved): nothing is trusted by its stat."""
    root = make_site(stories(3), config=CONFIG)
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    page = root / "site/2026/02/02/story-1/index.html"
    original = page.read_bytes()
    for move in ("delete .newsgen", "move the site"):
        edited = original.replace(b"Story 1", b"Story X")
        times = page.stat()
        page.write_bytes(edited)
        os.utime(page, ns=(times.st_atime_ns, times.st_mtime_ns))
        if move == "delete .newsgen":
            shutil.rmtree(root / ".newsgen")
        else:
            moved = tmp_path / "moved"
            root = root.rename(moved)
            page = moved / page.relative_to(page.parents[5])
        result = run_cli("build", "-s", str(root), "--now", NOW)
        assert result.code == 0, result.err
        assert page.read_bytes() == original, move
        assert "1 written" in result.out, move


def test_18_7_a_manifest_of_the_previous_format_is_read_but_its_stamps_are_not_trusted(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    """A site folder of newsgen 3's format: its files are still newsgen's (nothing is refused,
    a removed article's page is deleted), but a stamp in the output folder vouches for
    nothing: the page edited behind it is put right, and the manifest is written anew."""
    root = make_site(stories(3), config=CONFIG)
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    site = root / "site"
    page = site / "404.html"  # the same whatever the articles
    original = page.read_bytes()
    page.write_bytes(original.replace(b"<", b"["))  # same size
    manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    old = {}
    for path, (digest, size, key, *_) in manifest["files"].items():
        status = (site / path).lstat()  # stamps that match the edited page
        old[path] = [digest, size, key, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]
    (site / MANIFEST).write_text(json.dumps({"version": 3, "files": old}), encoding="utf-8")
    shutil.rmtree(root / ".newsgen")
    (root / "articles/a2.md").unlink()
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert result.code == 0, result.err
    assert page.read_bytes() == original
    assert not (site / "2026/03/03/story-2").exists()
    rewritten = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    assert rewritten["version"] == 4
    assert "2026/03/03/story-2/index.html" not in rewritten["files"]


# --- 8. a build that changes nothing says only what it checked -------------------------------


def test_18_8_a_missing_output_is_made_again_by_a_build_of_unchanged_sources(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site(stories(3), config=CONFIG)
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    front = root / "site/index.html"
    original = front.read_bytes()
    front.unlink()
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert result.code == 0, result.err
    assert front.read_bytes() == original
    assert re.search(r"\(1 written, \d+ unchanged, 0 removed\)", result.out), result.out


def test_18_8_a_hand_edited_output_is_put_right_by_a_build_of_unchanged_sources(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site(stories(3), config=CONFIG)
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    page = root / "site/feed.xml"
    original = page.read_bytes()
    times = page.stat()
    page.write_bytes(original.replace(b"Story 1", b"Story X"))  # same size, same time
    os.utime(page, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    assert page.read_bytes() == original


def test_18_8_a_build_with_nothing_to_do_says_what_it_checked(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site(stories(3), config=CONFIG)
    first = run_cli("build", "-s", str(root), "--now", NOW)
    files = re.search(r"(\d+) files", first.out)
    assert files is not None
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert result.code == 0
    pattern = (
        r"site/ is up to date: no source, template or setting changed, and all "
        rf"{files[1]} files of the last build are in place, untouched \(checked in \d+\.\d\d s\); "
        r"3 articles, \d+ pages, \d+ feeds$"
    )
    assert re.match(pattern, result.out.splitlines()[0]), result.out


def test_18_7_damaged_stamps_vouch_for_nothing(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    """A stamp row is trusted only whole: one that matches the page edited behind newsgen's
    back keeps that page as it is (the control: a stat is what a stamp vouches by, as in
    git's index), but numbers of another type vouch for nothing, and a row naming a path
    outside the folder makes the whole folder's stamps untrusted."""
    root = make_site(stories(3), config=CONFIG)
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    page = root / "site/404.html"
    original = page.read_bytes()
    output = str((root / "site").resolve())
    damages = {
        "none": [],
        "numbers of another type": [
            "UPDATE stamps SET mtime = CAST(mtime AS BLOB), ctime = CAST(ctime AS BLOB), "
            "inode = CAST(inode AS BLOB) WHERE output = ? AND path = '404.html'"
        ],
        "a path outside": ["INSERT INTO stamps VALUES (?, '../elsewhere', 'x', 0, 0, 0)"],
    }
    for damage, statements in damages.items():
        page.write_bytes(original.replace(b"<", b"["))  # same size
        status = page.lstat()
        with contextlib.closing(sqlite3.connect(root / ".newsgen/store.sqlite")) as store, store:
            store.execute(  # the stamp of the edited page, as a forger would write it
                "UPDATE stamps SET mtime = ?, ctime = ?, inode = ? "
                "WHERE output = ? AND path = '404.html'",
                (status.st_mtime_ns, status.st_ctime_ns, status.st_ino, output),
            )
            for statement in statements:
                store.execute(statement, (output,))
        (root / ".newsgen/state.json").unlink()  # past the fast path: the pipeline runs
        result = run_cli("build", "-s", str(root), "--now", NOW)
        assert result.code == 0, result.err
        if damage == "none":
            assert page.read_bytes() != original, "a sound stamp was not trusted"
            page.write_bytes(original)
            continue
        assert page.read_bytes() == original, damage
        with contextlib.closing(sqlite3.connect(root / ".newsgen/store.sqlite")) as store:
            rows = store.execute(
                "SELECT path, typeof(mtime), typeof(ctime), typeof(inode) FROM stamps "
                "WHERE output = ?",
                (output,),
            ).fetchall()
        assert ("404.html", "integer", "integer", "integer") in rows, damage  # written anew
        assert all(safe_relative(path) == path for path, *_ in rows), damage
