"""Every build ends in exactly the site a clean build makes, or fails cleanly: a tampered
manifest, links out of the site, kills during the commit, concurrent builds, edits that keep a
file's size and time. The numbers in the test names are the cases of the trust issue.

Kills are real SIGKILLs of a real build process; concurrent builds are real processes.
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsgen.build import pipeline
from newsgen.build.lock import holding
from newsgen.build.run import BuildOptions, build
from newsgen.build.writer import JOURNAL, MANIFEST, STAGING_PREFIX
from newsgen.content.config import load_config
from newsgen.model import PlannedFile
from newsgen.outputs.templates import make_environment
from newsgen.safefile import TEMPORARY_PREFIX

import golden
from conftest import BASIC_CONFIG, Run, article
from servers import running_server

NOW = "2026-11-24T12:00:00+00:00"
CONFIG = BASIC_CONFIG + "search: false\n"


def newsgen(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsgen", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        **kwargs,
    )  # type: ignore[call-overload]


def stories(count: int, words: str = "Body of story") -> dict[str, str | bytes]:
    return {
        f"articles/a{n}.md": article(
            title=f"Story {n}",
            date=f"2026-{1 + n % 10:02d}-{1 + n % 27:02d}",
            body=f"{words} {n}.",
            tags=f"[Tag{n % 7}]",
            section=["World", "Local", "Sports"][n % 3],
        )
        for n in range(count)
    }


def clean_build(root: Path, workdir: Path) -> dict[str, bytes]:
    """The site a first build of `root`'s sources makes, in a folder of its own."""
    fresh = workdir / f"clean-{time.monotonic_ns()}"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("site", ".newsgen"))
    build(BuildOptions(root=fresh, now=datetime.fromisoformat(NOW), jobs=1))
    return golden.tree(fresh / "site")


# --- 1. the manifest is untrusted input ------------------------------------------------------


def test_1_manifest_entries_outside_the_output_folder_are_reported_not_obeyed(
    make_site: Callable[..., Path], run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    root = make_site(stories(3), config=CONFIG)
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "file").write_text("precious", encoding="utf-8")
    (root / "site/evil").symlink_to(victim)  # a link planted inside the output folder
    manifest = root / "site" / MANIFEST
    data = json.loads(manifest.read_text(encoding="utf-8"))
    for hostile in ("../../victim/file", str(victim / "file"), "", "evil/file", "static"):
        data["files"][hostile] = ["0" * 64, 8, ""]
    manifest.write_text(json.dumps(data), encoding="utf-8")
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert result.code == 0, result.err
    assert (
        "site/.newsgen-manifest.json:1:1: warning: ignored 3 manifest entries that name no "
        "file inside site/, such as ''; newsgen deletes only files it wrote\n"
    ) in result.err
    for refused in ("evil/file", "static"):
        assert (
            f"site/.newsgen-manifest.json:1:1: warning: did not remove site/{refused}, which "
            "the manifest names: it is a folder or lies behind a link; newsgen removes only "
            "files it wrote\n"
        ) in result.err
    assert (victim / "file").read_text(encoding="utf-8") == "precious"
    assert (root / "site/static/newsgen.css").is_file()
    # The manifest was rewritten from what is true: the next build has nothing to report.
    again = run_cli("build", "-s", str(root), "--now", NOW)
    assert again.code == 0
    assert again.err == ""


def test_1_a_damaged_manifest_is_reported_and_never_obeyed(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site(stories(2), config=CONFIG)
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    (root / "site" / MANIFEST).write_text('{"version": 3, "files": ', encoding="utf-8")
    (root / "articles/a1.md").unlink()  # its page would be deleted by an obeyed manifest
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert result.code == 1
    assert result.err == (
        "error: refusing to write to site/: its manifest .newsgen-manifest.json is damaged "
        "(it is not valid JSON), so newsgen cannot tell the files it wrote from yours; move the "
        "folder away, or pass --force to write beside what is there\n"
    )
    forced = run_cli("build", "-s", str(root), "--now", NOW, "--force")
    assert forced.code == 0
    assert "warning: ignored a damaged manifest: it is not valid JSON" in forced.err
    assert (root / "site/2026/02/02/story-1/index.html").is_file()  # not deleted


# --- 2. nothing from outside the site folder ---------------------------------------------------


def test_2_links_in_static_and_templates_that_lead_out_are_refused(
    make_site: Callable[..., Path], run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret", encoding="utf-8")
    root = make_site(stories(1), config=CONFIG)
    (root / "static").mkdir()
    (root / "static/x.txt").symlink_to(outside / "secret.txt")
    (root / "static/folder").symlink_to(outside)
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert result.code == 1
    assert result.err == (
        "static/folder:1:1: is a link to a folder; newsgen does not follow links to folders\n"
        "hint: copy the files here\n"
        "static/x.txt:1:1: is a link to a file outside the site folder; newsgen reads only "
        "files inside it\nhint: copy the file here\n"
        "error: build failed with 2 problems; nothing was written\n"
    )
    assert not (root / "site").exists()
    shutil.rmtree(root / "static")
    (root / "templates").mkdir()
    (root / "templates/footer.html").symlink_to(outside / "secret.txt")
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert result.code == 1
    assert result.err.startswith(
        "templates/footer.html:1:1: is a link to a file outside the site folder"
    )
    assert not (root / "site").exists()
    # A link that stays inside the site folder is fine.
    (root / "templates/footer.html").unlink()
    (root / "shared.html").write_text("<footer>Shared</footer>\n", encoding="utf-8")
    (root / "templates/footer.html").symlink_to(root / "shared.html")
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    assert "Shared" in (root / "site/index.html").read_text(encoding="utf-8")


# --- 4. the cache and the drafts in it are never published ------------------------------------


@pytest.mark.parametrize("setting", [".newsgen", ".newsgen/site", ".NewsGen"])
def test_4_an_output_folder_in_newsgens_own_folder_is_refused(
    setting: str, make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site(
        {**stories(1), "articles/d.md": article(title="Secret draft", draft="true")},
        config=CONFIG + f"output_dir: {setting}\n",
    )
    result = run_cli("build", "-s", str(root), "--now", NOW, "--force")
    assert result.code == 1
    assert result.err.startswith(
        "newsgen.yaml:5:1: 'output_dir' must be a folder of its own inside the site folder, "
        "apart from articles/, templates/, static/ and .newsgen/\n"
    )


def test_4_an_output_folder_that_links_to_newsgens_own_folder_is_refused(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site(stories(1), config=CONFIG)
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    shutil.rmtree(root / "site")
    (root / "site").symlink_to(root / ".newsgen")
    result = run_cli("build", "-s", str(root), "--now", NOW, "--force")
    assert result.code == 1
    assert result.err == (
        "error: refusing to write to site/: it holds or is inside .newsgen/, newsgen's cache "
        "of drafts and build state, which must never be published\n"
    )


# --- 5. a commit that cannot finish never starts; later builds recover -------------------------


def test_5_an_alias_that_needs_a_folder_where_a_file_is_changes_nothing(
    make_site: Callable[..., Path], run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    root = make_site(stories(3), config=CONFIG)
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    before = golden.tree(root / "site")
    make_site(
        {"articles/a0.md": article(title="Story 0", aliases="['/feed.xml/', '/sitemap.xml/old/']")},
        config=None,
    )
    result = newsgen("build", "-s", str(root), "--now", NOW)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    # The plan's inventory refuses both before anything is rendered (the writer would too).
    assert "the alias /feed.xml/ writes feed.xml/index.html" in result.stderr
    assert "the alias /sitemap.xml/old/ writes sitemap.xml/old/index.html" in result.stderr
    assert result.stderr.endswith("nothing was written\n")
    assert golden.tree(root / "site") == before
    assert not list((root / "site").glob(f"{STAGING_PREFIX}*"))
    make_site({"articles/a0.md": article(title="Story 0")}, config=None)
    assert newsgen("build", "-s", str(root), "--now", NOW).returncode == 0
    assert golden.tree(root / "site") == clean_build(root, tmp_path)
    assert newsgen("build", "-s", str(root), "--now", NOW, "--full").returncode == 0
    assert golden.tree(root / "site") == clean_build(root, tmp_path)


def test_5_a_commit_that_failed_halfway_is_finished_by_the_next_build(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    # Out of inodes while the commit makes the new pages' folders: a real failure halfway.
    source = make_site(stories(20), config=CONFIG)
    disk = tmp_path / "disk"
    disk.mkdir()
    root = disk / "src"
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(disk)], check=True)
    try:
        shutil.copytree(source, root)
        assert newsgen("build", "-s", str(root), "--now", NOW).returncode == 0
        for n in range(20, 60):  # new days, months and tags: new folders in the commit
            (root / f"articles/b{n}.md").write_text(
                article(title=f"New {n}", date=f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}"),
                encoding="utf-8",
            )
        used = int(subprocess.run(
            ["df", "--output=iused", str(disk)], capture_output=True, text=True, check=True
        ).stdout.split()[-1])  # fmt: skip
        # Enough inodes to stage the new files, not enough to also make their folders.
        subprocess.run(["mount", "-o", f"remount,nr_inodes={used + 200}", str(disk)], check=True)
        result = newsgen("build", "-s", str(root), "--now", NOW)
        assert "Traceback" not in result.stderr
        if result.returncode == 0:
            pytest.fail("the inode limit did not make the commit fail; raise the article count")
        assert "No space left on device" in result.stderr
        subprocess.run(["mount", "-o", "remount,nr_inodes=100000", str(disk)], check=True)
        assert newsgen("build", "-s", str(root), "--now", NOW).returncode == 0
        assert not (root / "site" / JOURNAL).exists()
        assert golden.tree(root / "site") == clean_build(root, disk)
    finally:
        subprocess.run(["umount", str(disk)], check=True)


# --- 6. kills during the commit; edits that keep a file's size --------------------------------


def kill_when(
    root: Path, ready: Callable[[], bool], delay: float = 0.0, stop: int = signal.SIGKILL
) -> bool:
    """Start a build and send it `stop` (SIGKILL) once `ready()` (then `delay` seconds more);
    say whether the signal ended it before it ended by itself."""
    process = subprocess.Popen(
        [sys.executable, "-m", "newsgen", "build", "-s", str(root), "--now", NOW],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while process.poll() is None:
            if ready():
                time.sleep(delay)
                process.send_signal(stop)
                return process.wait() in (-stop, 128 + stop)
            time.sleep(0.0002)
        return False
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def test_6_a_build_killed_during_its_commit_is_finished_by_the_next(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_site(stories(100), config=CONFIG)
    # Same sizes everywhere: only a content check can tell the old pages from the new ones.
    make_site({"templates/footer.html": "<footer><p>Footer AAAA</p></footer>\n"}, config=None)
    assert newsgen("build", "-s", str(root), "--now", NOW).returncode == 0
    front = root / "site/index.html"  # made after every article page: its turn is mid-commit
    killed = False
    for attempt in range(10):
        make_site(
            {"templates/footer.html": f"<footer><p>Footer {attempt:04d}</p></footer>\n"},
            config=None,
        )
        inode = front.stat().st_ino
        killed = kill_when(root, lambda: front.stat().st_ino != inode)  # noqa: B023
        if killed:
            break
    assert killed, "no kill landed inside a commit"
    result = newsgen("build", "-s", str(root), "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert not (root / "site" / JOURNAL).exists()
    assert not list((root / "site").glob(f"{STAGING_PREFIX}*"))
    assert golden.tree(root / "site") == clean_build(root, tmp_path)


def test_6_a_hand_edited_output_file_of_the_same_size_and_time_is_repaired(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site(stories(3), config=CONFIG)
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    pages = [root / "site/2026/02/02/story-1/index.html", root / "site/feed.xml"]
    originals = [page.read_bytes() for page in pages]
    for page, original in zip(pages, originals, strict=True):
        times = page.stat()
        page.write_bytes(original.replace(b"Story 1", b"Story X"))
        os.utime(page, ns=(times.st_atime_ns, times.st_mtime_ns))
    # The next build checks every file it does not make again by its stat, which the edit
    # changed (test_published_folder.py: even a build of unchanged sources does).
    edited = stories(3, words="Edited body of story")["articles/a2.md"]
    make_site({"articles/a2.md": edited}, config=None)
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    assert pages[0].read_bytes() == originals[0]
    assert b"Story X" not in pages[1].read_bytes()
    make_site({"articles/a2.md": stories(3)["articles/a2.md"]}, config=None)
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    assert [page.read_bytes() for page in pages] == originals
    # A copy keeps nothing of the stamps: --full reads every file's bytes.
    for page, original in zip(pages, originals, strict=True):
        page.write_bytes(original.replace(b"Story 1", b"Story Y"))
    assert run_cli("build", "-s", str(root), "--now", NOW, "--full").code == 0
    assert [page.read_bytes() for page in pages] == originals


def test_6_a_damaged_journal_still_makes_the_next_build_check_every_file(
    make_site: Callable[..., Path],
) -> None:
    """Whatever the journal holds, it means a commit was interrupted: the fast path is skipped
    and every file's content is compared, so a page changed in the same second is put right."""
    root = make_site(stories(2), config=CONFIG)
    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    build(BuildOptions(root=root, now=now))
    (root / "site" / JOURNAL).write_text("not json", encoding="utf-8")  # a damaged journal
    page = root / "site/404.html"
    original = page.read_bytes()
    page.write_bytes(original.replace(b"<", b"["))
    report = build(BuildOptions(root=root, now=now + timedelta(seconds=1)))
    assert report.write.written == 1
    assert page.read_bytes() == original
    assert not (root / "site" / JOURNAL).exists()


# --- 7. one writer at a time -------------------------------------------------------------------


def test_7_a_second_build_of_the_same_site_is_refused_while_the_first_writes(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(stories(2), config=CONFIG)
    with holding(root / ".newsgen", "site/"):  # this test process is the other build
        result = newsgen("build", "-s", str(root), "--now", NOW)
    assert result.returncode == 1
    assert result.stderr == (
        f"error: another newsgen build (pid {os.getpid()}) is writing site/; wait for it "
        "to finish\n"
    )
    assert not (root / "site").exists()
    # The lock of a build that was killed is taken over.
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from newsgen.build.lock import holding\nwith holding(Path(sys.argv[1]), 'site/'):\n"
         "    print('held', flush=True); time.sleep(600)", str(root / ".newsgen")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None
    assert holder.stdout.readline() == "held\n"
    assert newsgen("build", "-s", str(root), "--now", NOW).returncode == 1
    holder.kill()
    holder.wait()
    holder.stdout.close()
    assert newsgen("build", "-s", str(root), "--now", NOW).returncode == 0


def test_7_builds_while_serve_rebuilds_share_the_cache_safely(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_site(stories(80), config=CONFIG)
    outcomes: list[int] = []
    stop = threading.Event()

    def edit() -> None:  # articles change while both build: the cache changes under them
        version = 0
        while not stop.wait(0.05):
            version += 1
            text = article(title=f"Story {version % 80}", body=f"Version {version}. " * 300)
            saved = root / "articles/saving.tmp"  # saved whole, as editors do
            saved.write_text(text, encoding="utf-8")
            saved.replace(root / f"articles/a{version % 80}.md")

    with running_server(root, "--now", NOW, "-j", "2") as server:
        editor = threading.Thread(target=edit)
        editor.start()
        try:
            for _ in range(6):
                result = newsgen("build", "-s", str(root), "--now", NOW, "-j", "2")
                assert "Traceback" not in result.stderr, result.stderr
                if result.returncode:
                    assert result.stderr.endswith("; wait for it to finish\n"), result.stderr
                outcomes.append(result.returncode)
        finally:
            stop.set()
            editor.join()
        deadline = time.monotonic() + 120
        while True:  # the edits have stopped: once serve's rebuilds end, a build goes through
            final = newsgen("build", "-s", str(root), "--now", NOW)
            if final.returncode == 0 or time.monotonic() > deadline:
                break
            assert final.stderr.endswith("; wait for it to finish\n"), final.stderr
            time.sleep(0.5)
        assert final.returncode == 0, final.stderr
        assert server.process.poll() is None
    print("builds during serve's rebuilds, exit codes:", outcomes)
    assert "Traceback" not in "".join(server.output)
    assert golden.tree(root / "site") == clean_build(root, tmp_path)


# --- 8. the cache sees an edit that restores the modification time ---------------------------


def test_8_an_edit_that_keeps_size_and_modification_time_is_rebuilt(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site(stories(2), config=CONFIG)
    source = root / "articles/a1.md"
    long_ago = time.time_ns() - 86_400 * 10**9  # not racy: the stat alone is trusted
    os.utime(source, ns=(long_ago, long_ago))
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    text = source.read_text(encoding="utf-8")
    with source.open("r+", encoding="utf-8") as file:  # in place: same inode, same size
        file.write(text.replace("Body of story 1.", "Edit of story 1."))
    os.utime(source, ns=(long_ago, long_ago))
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    page = (root / "site/2026/02/02/story-1/index.html").read_text(encoding="utf-8")
    assert "Edit of story 1." in page


# --- 9. --future: an article enters the news sitemap as the clock moves -----------------------


def test_9_the_fast_path_sees_an_early_article_enter_the_news_sitemap(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site(
        {"articles/a.md": article(title="Tomorrow", date="2026-11-25 12:00:00+00:00")},
        config=CONFIG,
    )
    news = root / "site/news-sitemap.xml"
    assert run_cli("build", "-s", str(root), "--future", "--now", NOW).code == 0
    assert "Tomorrow" not in news.read_text(encoding="utf-8")
    later = "2026-11-25T13:00:00+00:00"
    assert run_cli("build", "-s", str(root), "--future", "--now", later).code == 0
    assert "Tomorrow" in news.read_text(encoding="utf-8")


# --- 14. clean errors for what cannot be made ------------------------------------------------


def test_14_an_output_dir_that_is_a_file_is_refused(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site({**stories(1), "site": "not a folder\n"}, config=CONFIG)
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert result.code == 1
    assert result.err == (
        "error: refusing to write to site/: it is a file, not a folder; move it away, or set "
        "'output_dir' to another folder\n"
    )
    assert (root / "site").read_text(encoding="utf-8") == "not a folder\n"


def test_14_init_and_new_report_paths_they_cannot_create(
    make_site: Callable[..., Path], run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    root = make_site({"articles": "a file, not a folder\n"})
    result = run_cli("new", "Hello there", "-s", str(root), "--now", NOW)
    assert result.code == 1
    assert result.err == (
        "error: cannot create articles/2026/hello-there.md: articles is a file, not a folder\n"
    )
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "ro", "tmpfs", str(read_only)], check=True)
    try:
        result = newsgen("init", str(read_only / "news"))
    finally:
        subprocess.run(["umount", str(read_only)], check=True)
    assert result.returncode == 1
    assert result.stderr == (
        f"error: cannot create {read_only}/news/newsgen.yaml: Read-only file system\n"
    )


@pytest.mark.parametrize(("template", "message"), [
    (b'{% include "footer.html" %}',
     "templates/footer.html:1:1: template error: templates include or extend each other "
     "without end\n"),
    (b"<footer>{{ 1/0 }}</footer>",
     "templates/footer.html:1:1: template error: division by zero (ZeroDivisionError)\n"),
    (b"<footer>\n<p>caf\xe9</p></footer>",
     "templates/footer.html:2:1: template error: invalid UTF-8 at byte 15; save the "
     "template as UTF-8\n"),
])  # fmt: skip
def test_14_template_errors_that_are_not_jinjas_name_the_template(
    template: bytes, message: str, make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site({**stories(1), "templates/footer.html": template}, config=CONFIG)
    for command in ("build", "check"):
        result = run_cli(command, "-s", str(root), "--now", NOW)
        assert result.code == 1
        assert result.err.startswith(message), result.err
    assert not (root / "site").exists()


# --- issue 18, 2. every file is created exclusively, never through a link -------------------

# Names the writer and the build state used, or use, for files of their own.
FIXED_NAMES = (
    f"site/{MANIFEST}.tmp",
    f"site/{JOURNAL}.tmp",
    ".newsgen/build.lock",
    ".newsgen/state.json.tmp",
    ".newsgen/schedule.json.tmp",
)


def test_18_2_links_planted_at_the_writers_fixed_names_are_never_followed(
    make_site: Callable[..., Path], run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    root = make_site(stories(3), config=CONFIG)
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    victims = tmp_path / "victims"
    victims.mkdir()
    for number, name in enumerate(FIXED_NAMES):
        victim = victims / f"victim-{number}"
        victim.write_text("precious\n", encoding="utf-8")
        (root / name).unlink(missing_ok=True)
        (root / name).symlink_to(victim)
    make_site({"articles/a1.md": article(title="Story 1 again", date="2026-02-02")}, None)
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert result.code == 0, result.err
    for victim in sorted(victims.iterdir()):
        assert victim.read_text(encoding="utf-8") == "precious\n", victim
    for record in (root / "site" / MANIFEST, root / ".newsgen/build.lock"):
        assert not record.is_symlink() and record.is_file(), record
    assert "Story 1 again" in (root / "site/2026/02/02/story-1-again/index.html").read_text(
        encoding="utf-8"
    )


def test_18_2_a_link_on_the_way_to_a_page_is_refused_before_anything_moves(
    make_site: Callable[..., Path], run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    root = make_site(stories(3), config=CONFIG)
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    outside = tmp_path / "outside"
    shutil.move(root / "site/2026/02", outside)
    (root / "site/2026/02").symlink_to(outside)  # even to a folder that holds the old pages
    before = golden.tree(outside)
    make_site({"articles/a1.md": article(title="Story 1", date="2026-02-02", body="New.")}, None)
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert result.code == 1
    assert result.err == (
        "error: refusing to write through site/2026/02: it is a link; newsgen never writes "
        "through a link; the previous site is unchanged\n"
    )
    assert golden.tree(outside) == before
    assert not list((root / "site").glob(f"{STAGING_PREFIX}*"))
    (root / "site/2026/02").unlink()
    shutil.move(outside, root / "site/2026/02")
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    assert golden.tree(root / "site") == clean_build(root, tmp_path)


# --- issue 18, 3. a journal is untrusted input ----------------------------------------------


def test_18_3_a_journal_whose_staging_folder_is_a_link_is_reported_not_obeyed(
    make_site: Callable[..., Path], run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    root = make_site(stories(3), config=CONFIG)
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "0").write_text("a file from outside\n", encoding="utf-8")
    staging = f"{STAGING_PREFIX}forged"
    (root / "site" / staging).symlink_to(outside)
    journal = {"staging": staging, "moves": [["index.html", "0"]], "stale": [], "files": {}}
    (root / "site" / JOURNAL).write_text(json.dumps(journal), encoding="utf-8")
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert result.code == 0, result.err
    assert result.err == (
        f"site/{JOURNAL}:1:1: warning: ignored a journal that cannot be trusted: its staging "
        f"folder site/{staging} is a link; every file of site/ is checked instead\n"
    )
    assert (outside / "0").read_text(encoding="utf-8") == "a file from outside\n"
    assert not (root / "site" / JOURNAL).exists()
    assert not (root / "site" / staging).is_symlink()
    assert golden.tree(root / "site") == clean_build(root, tmp_path)


def test_18_13_an_oserror_while_rendering_names_the_page_and_the_file_not_a_theme_line(
    make_site: Callable[..., Path],
) -> None:
    """A file that rendering needs (a cached body, a compiled template) fails to be read or
    written: the message names the page and that file, never a line of the theme."""
    root = make_site(stories(1), config=CONFIG)
    env = make_environment(load_config(root))
    needed = root / ".newsgen/templates/__jinja2_base.cache"

    def fails() -> str:
        raise OSError(errno.EFBIG, "File too large", str(needed))

    env.globals["fails"] = fails
    template = env.from_string("x\n{{ fails() }}")
    planned = PlannedFile("2026/a/index.html", "key", lambda: template.render().encode())
    (wrapped,) = pipeline.with_render_errors(iter([planned]), root, shown="site")
    with pytest.raises(pipeline.RenderFailed) as raised:
        wrapped.render()
    assert str(raised.value) == (
        "cannot render site/2026/a/index.html: File too large "
        "(.newsgen/templates/__jinja2_base.cache); the previous site is unchanged; "
        "`newsgen build --full` makes newsgen's cache again"
    )


# --- the differential fuzz test ----------------------------------------------------------------


FUZZ_KINDS = (
    "kill in commit", "kill any time", "term in commit", "term any time", "concurrent",
    "planted link", "forged journal", "plain",
)  # fmt: skip


def test_every_build_fails_cleanly_or_equals_a_clean_build(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    """Random edits, then a round of one kind: SIGKILL or SIGTERM at random points or inside
    the commit, two builds at once, a link planted at one of the writer's fixed names, a
    forged journal. The build then fails cleanly, leaving everything outside the site as it
    was, or succeeds; and after the next build the site equals a clean build of the same
    sources, byte for byte. Every kind runs in turn; NEWSGEN_FUZZ_ROUNDS runs longer."""
    rounds = int(os.environ.get("NEWSGEN_FUZZ_ROUNDS", str(2 * len(FUZZ_KINDS))))
    rng = random.Random(int(os.environ.get("NEWSGEN_FUZZ_SEED", "10")))
    root = make_site(stories(40), config=CONFIG)
    outside = tmp_path / "outside"  # what planted links and forged journals point at
    assert newsgen("build", "-s", str(root), "--now", NOW).returncode == 0
    counts = dict.fromkeys(
        (
            "build processes", "kills", "kills inside a commit", "terms", "terms inside a "
            "commit", "concurrent pairs", "locked out", "planted links", "refused cleanly",
            "forged journals",
        ),
        0,
    )  # fmt: skip
    counts["build processes"] = 1
    kinds = list(FUZZ_KINDS)
    for round_ in range(rounds):
        _random_edits(root, rng, round_)
        if round_ % len(kinds) == 0:
            rng.shuffle(kinds)
        kind = kinds[round_ % len(kinds)]
        shutil.rmtree(outside, ignore_errors=True)
        outside.mkdir()
        if kind in ("kill in commit", "term in commit"):
            stop = signal.SIGKILL if kind.startswith("kill") else signal.SIGTERM
            journal = root / "site" / JOURNAL
            landed = kill_when(root, journal.exists, rng.random() * 0.005, stop)
            if stop == signal.SIGKILL:
                counts["kills"] += landed
                counts["kills inside a commit"] += journal.exists()  # else it finished first
            else:  # a terminated build finishes its commit on the way out
                counts["terms"] += landed
                counts["terms inside a commit"] += landed
        elif kind in ("kill any time", "term any time"):
            stop = signal.SIGKILL if kind.startswith("kill") else signal.SIGTERM
            counts["kills" if stop == signal.SIGKILL else "terms"] += _kill_after(
                root, rng.random() * 1.5, stop
            )
        elif kind == "concurrent":
            for result in _two_at_once(root):
                assert "Traceback" not in result, result
                assert result in ("", "lock"), result
                counts["locked out"] += result == "lock"
            counts["concurrent pairs"] += 1
            counts["build processes"] += 1
        elif kind == "planted link":
            counts["refused cleanly"] += _planted_link(root, rng, outside)
            counts["planted links"] += 1
        elif kind == "forged journal":
            _forged_journal(root, rng, outside)
            counts["forged journals"] += 1
        counts["build processes"] += 2 if kind != "plain" else 1
        final = newsgen("build", "-s", str(root), "--now", NOW)
        assert final.returncode == 0, (round_, kind, final.stderr)
        assert "Traceback" not in final.stderr
        assert golden.tree(root / "site") == clean_build(root, tmp_path), (round_, kind)
        assert not (root / "site" / JOURNAL).exists()
        assert not list((root / "site").glob(".newsgen-*tmp*")), (round_, kind)
    print(f"differential fuzz: {rounds} rounds, {counts}, 0 failures")


# Every name the writer and the build state use for files of their own, or once used: a link
# planted at any of them must never be followed.
PLANTED_FILES = (
    f"site/{MANIFEST}.tmp",
    f"site/{JOURNAL}.tmp",
    f"site/{JOURNAL}",
    f"site/{TEMPORARY_PREFIX}0123456789abcdef",
    f"site/{STAGING_PREFIX}planted",
    ".newsgen/build.lock",
    ".newsgen/state.json",
    ".newsgen/state.json.tmp",
    ".newsgen/schedule.json",
    ".newsgen/schedule.json.tmp",
)
# Links that make the build refuse (the previous site stays): the manifest, a page's folder.
PLANTED_REFUSED = (f"site/{MANIFEST}", "site/2026")


def _planted_link(root: Path, rng: random.Random, outside: Path) -> bool:
    """Plant a link at one fixed name, to a file or folder outside the site; build; nothing
    outside changes, and the build succeeds or refuses cleanly. Say whether it refused."""
    name = rng.choice(PLANTED_FILES + PLANTED_REFUSED)
    plant = root / name
    if name in PLANTED_REFUSED:  # the real thing moves outside, a link takes its place
        victim = outside / plant.name
        shutil.move(plant, victim)
    else:
        victim = outside / "victim"
        if rng.random() < 0.5:
            victim.write_text("precious\n", encoding="utf-8")
        else:
            victim.mkdir()
            (victim / "0").write_text("precious\n", encoding="utf-8")
        if plant.is_dir() and not plant.is_symlink():
            shutil.rmtree(plant)
        plant.unlink(missing_ok=True)
    before = golden.tree(outside)
    plant.symlink_to(victim, target_is_directory=victim.is_dir())
    result = newsgen("build", "-s", str(root), "--now", NOW)
    assert "Traceback" not in result.stderr, result.stderr
    assert golden.tree(outside) == before, name
    if name in PLANTED_REFUSED:
        assert result.returncode in (0, 1), result.stderr
        if result.returncode == 1:
            assert result.stderr.startswith("error: refusing to "), result.stderr
        plant.unlink()
        shutil.move(victim, plant)
        return result.returncode == 1
    assert result.returncode == 0, (name, result.stderr)
    if plant.is_symlink():
        plant.unlink()
    return False


def _forged_journal(root: Path, rng: random.Random, outside: Path) -> None:
    """Forge a journal a hostile user could write; build; nothing outside the site changes."""
    (outside / "0").write_text("precious\n", encoding="utf-8")
    site = root / "site"
    staging = f"{STAGING_PREFIX}forged"
    forgery = rng.randrange(5)
    journal: object
    if forgery == 0:  # a staging folder that is a link out of the site
        (site / staging).symlink_to(outside)
        journal = {"staging": staging, "moves": [["index.html", "0"]], "stale": [], "files": {}}
    elif forgery == 1:  # a real staging folder whose staged file is a link out
        (site / staging).mkdir()
        (site / staging / "0").symlink_to(outside / "0")
        journal = {"staging": staging, "moves": [["feed.xml", "0"]], "stale": [], "files": {}}
    elif forgery == 2:  # paths out of the site everywhere
        journal = {
            "staging": str(outside),
            "moves": [["../../outside/0", "0"], ["index.html", "../0"]],
            "stale": ["../outside/0", str(outside / "0"), "index.html"],
            "files": {"../x": ["0" * 64, 1, ""]},
        }
    elif forgery == 3:  # a staging folder that is a file
        (site / staging).write_text("not a folder\n", encoding="utf-8")
        journal = {"staging": staging, "moves": [["index.html", "0"]], "stale": [], "files": {}}
    else:
        journal = ["not", "a", "journal"]
    before = golden.tree(outside)
    (site / JOURNAL).write_text(json.dumps(journal), encoding="utf-8")
    result = newsgen("build", "-s", str(root), "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert golden.tree(outside) == before, forgery
    assert (outside / "0").read_text(encoding="utf-8") == "precious\n"
    assert not (site / staging).exists() and not (site / staging).is_symlink()


def _random_edits(root: Path, rng: random.Random, round_: int) -> None:
    """One to four edits, each leaving the sources valid (unique titles and aliases), at least
    one of them to the sources: a build of unchanged sources trusts the site as it left it
    (state.py), so edits of output files alone are seen by the next build that has work."""
    count = rng.randint(1, 4)
    sources_changed = False
    for edit in range(count + 1):
        unique = f"{round_}-{edit}"
        articles = sorted((root / "articles").glob("*.md"))
        if edit == count:
            if sources_changed:
                break
            choice = rng.choice((0, 3))
        else:
            choice = rng.randrange(6)
        sources_changed |= choice in (0, 1, 3) or (choice == 2 and len(articles) > 5)
        if choice == 0:  # rewrite an article
            date = f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
            rng.choice(articles).write_text(
                article(title=f"Edited {unique}", date=date), encoding="utf-8"
            )
        elif choice == 1:  # a new article, maybe with an alias
            extra = {"aliases": f"['/old/{unique}/']"} if rng.random() < 0.5 else {}
            date = f"2025-1{rng.randint(0, 2)}-0{rng.randint(1, 9)}"
            (root / f"articles/n{unique}.md").write_text(
                article(title=f"New {unique}", date=date, **extra), encoding="utf-8"
            )
        elif choice == 2 and len(articles) > 5:  # remove an article
            rng.choice(articles).unlink()
        elif choice == 3:  # every page changes, keeping its size
            (root / "templates").mkdir(exist_ok=True)
            (root / "templates/footer.html").write_text(
                f"<footer><p>Footer {rng.randrange(10000):04d}</p></footer>\n", encoding="utf-8"
            )
        elif choice == 4:  # a hand edit of an output file, same size
            pages = sorted((root / "site").rglob("index.html"))
            if pages:
                page = rng.choice(pages)
                data = bytearray(page.read_bytes())
                data[rng.randrange(len(data))] ^= 1
                page.write_bytes(bytes(data))
        else:  # an output file deleted by hand
            pages = sorted((root / "site").rglob("*.xml"))
            if pages:
                rng.choice(pages).unlink()


def _kill_after(root: Path, seconds: float, stop: int = signal.SIGKILL) -> bool:
    """Start a build and send it `stop` after `seconds`; say whether that ended it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "newsgen", "build", "-s", str(root), "--now", NOW],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.send_signal(stop)
        return process.wait() in (-stop, 128 + stop)
    return False


def _two_at_once(root: Path) -> list[str]:
    """Run two builds at once; for each, "" if it succeeded, "lock" if it found the other
    one writing, else what it printed."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "newsgen", "build", "-s", str(root), "--now", NOW],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outcomes = []
    for process in processes:
        _, err = process.communicate(timeout=300)
        if process.returncode == 0:
            outcomes.append("")
        elif process.returncode == 1 and "wait for it to finish" in err and err.count("\n") == 1:
            outcomes.append("lock")
        else:
            outcomes.append(err or f"exit {process.returncode}")
    return outcomes
