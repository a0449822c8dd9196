"""Hostile input, faults and load: newsgen never loses a file, never crashes, never leaks.

Grouped by kind: input, output and faults, environment, the preview server, fuzzing. Each
fault is real: a small tmpfs, RLIMIT_FSIZE, a non-root user via setpriv, SIGINT.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import resource
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsgen.content.config import parse_config
from newsgen.content.loader import ArticleInvalid, decode, parse_article
from newsgen.content.markdown import make_markdown, render_article

import golden
from conftest import BASIC_CONFIG, Run, article
from servers import running_server
from test_invalid_sites import snapshot

NOW = "2026-11-24T12:00:00+00:00"
CONFIG = parse_config(BASIC_CONFIG, Path("/site"))


def newsgen(*args: str, timeout: float = 300, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsgen", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **kwargs,
    )  # type: ignore[call-overload]


def built_site(make_site: Callable[..., Path], count: int = 3) -> Path:
    first = datetime.date(2025, 1, 1)
    files = {
        f"articles/a{n}.md": article(
            title=f"Story {n}",
            date=(first + datetime.timedelta(days=n)).isoformat(),
            body=f"Body of story {n}. " * 50,
        )
        for n in range(count)
    }
    root = make_site(files, config=BASIC_CONFIG + "search: false\n")
    result = newsgen("build", "-s", str(root), "--now", NOW)
    assert result.returncode == 0, result.stderr
    return root


# --- input ------------------------------------------------------------------------------------


def test_an_article_linked_from_outside_the_site_is_refused(
    make_site: Callable[..., Path], run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    secret = tmp_path / "outside.md"
    secret.write_text(article(title="Leaked"), encoding="utf-8")
    root = make_site({"articles/ok.md": article()})
    (root / "articles/leak.md").symlink_to(secret)
    (root / "articles/folder").symlink_to(tmp_path)
    result = run_cli("build", "-s", str(root))
    assert result.code == 1
    assert (
        "articles/folder:1:1: is a link to a folder; newsgen does not follow links to folders"
    ) in result.err
    assert (
        "articles/leak.md:1:1: is a link to a file outside the site folder; newsgen reads "
        "only files inside it"
    ) in result.err
    assert not (root / "site").exists()


@pytest.mark.parametrize(("folder", "inside"), [
    ("articles", "leak.md"), ("static", "secret.txt"), ("templates", "footer.html"),
])  # fmt: skip
def test_18_4_a_source_folder_that_is_a_link_out_of_the_site_is_refused(
    folder: str, inside: str, make_site: Callable[..., Path], tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / inside).write_text(article(title="Leaked"), encoding="utf-8")
    root = make_site({"articles/ok.md": article()} if folder != "articles" else {})
    (root / folder).symlink_to(outside)  # ln -s /etc static
    for command in ("build", "check"):
        result = newsgen(command, "-s", str(root), "--now", NOW)
        assert result.returncode == 1, (command, result.stdout)
        assert result.stderr.startswith(
            f"{folder}:1:1: is a link to a folder; newsgen does not follow links to folders\n"
            f"hint: make {folder}/ a folder of its own inside the site folder\n"
        ), (command, result.stderr)
        assert "Leaked" not in result.stdout + result.stderr
    assert not (root / "site").exists()


def _special(path: Path, kind: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    else:  # /dev/zero's numbers: a read never ends
        os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 5))


@pytest.mark.parametrize(("name", "kind", "message"), [
    ("articles/pipe.md", "fifo", "articles/pipe.md:1:1: is a FIFO (named pipe), not a "
     "regular file; newsgen reads only regular files\nhint: remove it, or put a regular file "
     "in its place\n"),
    ("static/pipe.txt", "fifo", "static/pipe.txt:1:1: is a FIFO (named pipe), not a "
     "regular file; newsgen reads only regular files\n"),
    ("templates/footer.html", "fifo", "templates/footer.html:1:1: is a FIFO (named pipe), "
     "not a regular file; newsgen reads only regular files\n"),
    ("static/zero.bin", "device", "static/zero.bin:1:1: is a character device, not a "
     "regular file; newsgen reads only regular files\n"),
    ("newsgen.yaml", "fifo", "newsgen.yaml:1:1: cannot read newsgen.yaml: it is a FIFO "
     "(named pipe), not a regular file\n"),
])  # fmt: skip
def test_18_5_a_fifo_or_device_among_the_sources_is_a_clean_error_never_a_hang(
    name: str, kind: str, message: str, make_site: Callable[..., Path]
) -> None:
    root = make_site({"articles/ok.md": article()})
    if name == "newsgen.yaml":
        (root / name).unlink()
    _special(root / name, kind)  # new: the state's fingerprint reads files this recent
    for command in ("build", "check"):
        # A hang fails here, after the timeout, instead of blocking the test run.
        result = newsgen(command, "-s", str(root), "--now", NOW, timeout=60)
        assert result.returncode == 1, (command, result.stdout)
        assert result.stderr.startswith(message), (command, result.stderr)
        assert "Traceback" not in result.stderr
    assert not (root / "site").exists()


@pytest.mark.parametrize("name", ["site/.newsgen-manifest.json", "site/.newsgen-journal.json",
                                  ".newsgen/state.json", ".newsgen/build.lock"])  # fmt: skip
def test_18_5_a_fifo_planted_at_a_record_of_newsgens_is_never_read(
    name: str, make_site: Callable[..., Path]
) -> None:
    root = built_site(make_site)
    (root / name).unlink(missing_ok=True)  # a journal exists only during a commit
    os.mkfifo(root / name)
    result = newsgen("build", "-s", str(root), "--now", NOW, timeout=60)
    assert "Traceback" not in result.stderr
    if name.endswith("manifest.json"):  # newsgen cannot tell its files from others: refused
        assert result.returncode == 1
        assert "its manifest .newsgen-manifest.json is damaged (it is a FIFO (named pipe), " in (
            result.stderr
        )
    else:
        assert result.returncode == 0, result.stderr


def test_18_9_well_known_is_published_and_skipped_dotfiles_are_named(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site({
        "articles/ok.md": article(),
        "static/.well-known/security.txt": "Contact: mailto:security@example.org\n",
        "static/.well-known/acme-challenge/token": "token.key\n",
        "static/.htaccess": "Deny from all\n",
        "static/img/.private/notes.txt": "notes\n",
        "static/.DS_Store": "litter",
    })  # fmt: skip
    warnings = (
        "static/.htaccess:1:1: warning: not published: names that start with '.' are "
        "skipped, except static/.well-known/, which is published at /.well-known/\n"
        "static/img/.private:1:1: warning: not published: names that start with '.' are "
        "skipped, except static/.well-known/, which is published at /.well-known/\n"
    )
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert result.code == 0, result.err
    assert result.err == warnings
    site = root / "site"
    assert (site / ".well-known/security.txt").read_bytes() == (
        b"Contact: mailto:security@example.org\n"
    )
    assert (site / ".well-known/acme-challenge/token").is_file()
    assert not (site / "static/.well-known").exists()
    assert not (site / "static/.htaccess").exists()
    assert not (site / "static/img").exists()
    checked = run_cli("check", "-s", str(root), "--now", NOW)
    assert checked.code == 0
    assert checked.err == warnings
    # An alias cannot write into /.well-known/: it belongs to static/.well-known/.
    make_site({"articles/ok.md": article(aliases="['/.well-known/change-password/']")}, None)
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert result.code == 1
    assert "alias '/.well-known/change-password/' is not a safe site path" in result.err


@pytest.mark.parametrize(("content", "message"), [
    (b"", "article does not start with a front matter block ('---')"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "invalid UTF-8 at byte 0"),
    (b"---\ntitle: ~\ndate: 2026-11-20\n---\n", "missing required key 'title'"),
    (b"---\ntitle: [a, b]\ndate: 2026-11-20\n---\n", "'title' must be text, not a list"),
    (b"---\ntitle: x\ndate: 2026-11-20\nextra: " + b"[" * 2000 + b"]" * 2000 + b"\n---\n",
     "invalid YAML: exceeded maximum nesting depth"),
])  # fmt: skip
def test_unusable_files_are_reported_not_crashed_on(
    content: bytes, message: str, make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site({"articles/bad.md": content})
    result = run_cli("build", "-s", str(root))
    assert result.code == 1
    assert message in result.err
    assert "Traceback" not in result.err


def test_front_matter_without_a_body_is_an_article(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site({"articles/a.md": "---\ntitle: Only a headline\ndate: 2026-11-20\n---\n"})
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    assert (root / "site/2026/11/20/only-a-headline/index.html").is_file()


def test_huge_and_deeply_nested_bodies_build(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    paragraph = "Words of a very long report, repeated for size. " * 20 + "\n\n"
    huge = paragraph * (10 * 1024 * 1024 // len(paragraph))  # 10 MB
    root = make_site(
        {
            "articles/huge.md": article(title="Huge", body=huge),
            "articles/lists.md": article(title="Lists", body="- " * 10000 + "deep"),
            "articles/quotes.md": article(title="Quotes", body="> " * 10000 + "deep"),
        },
        config=BASIC_CONFIG + "search: false\n",
    )
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert result.code == 0, result.err
    page = root / "site/2026/11/20/huge/index.html"
    assert page.stat().st_size > 10 * 1024 * 1024
    # Past markdown-it's nesting limit the text is left out, and the build says where.
    cut = "nested deeper than 20 levels: the text from here on is left out"
    assert f"articles/lists.md:6:1: warning: {cut}" in result.err
    assert f"articles/quotes.md:6:1: warning: {cut}" in result.err


@pytest.mark.parametrize("aliases", [
    ("/news/Story/", "/news/story/"),  # case
    ("/caf\u00e9/", "/cafe\u0301/"),  # Unicode normalisation
])  # fmt: skip
def test_paths_that_one_file_system_would_merge_collide(
    aliases: tuple[str, str], make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site(
        {
            "articles/a.md": article(title="First", aliases=f"['{aliases[0]}']"),
            "articles/b.md": article(title="Second", aliases=f"['{aliases[1]}']"),
        }
    )
    result = run_cli("build", "-s", str(root))
    assert result.code == 1
    assert "articles/b.md:4:1: the alias" in result.err
    assert " in articles/a.md writes too (as " in result.err


# --- output and faults ------------------------------------------------------------------------


def changed_article(root: Path) -> None:
    (root / "articles/a0.md").write_text(
        article(title="Story 0", body="Rewritten. " * 5000), encoding="utf-8"
    )


def test_a_full_disk_leaves_the_previous_site_complete(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    disk = tmp_path / "small-disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)], check=True)
    try:
        root = disk / "site-src"
        shutil.copytree(built_site(make_site), root)
        before = snapshot(root / "site")
        changed_article(root)
        free = os.statvfs(disk)
        (disk / "filler").write_bytes(b"\0" * (free.f_bavail * free.f_frsize - 16384))
        result = newsgen("build", "-s", str(root), "--now", NOW)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "No space left on device" in result.stderr
        assert "Traceback" not in result.stderr
        assert snapshot(root / "site") == before
        assert not list((root / "site").glob(".newsgen-staging-*"))
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_a_file_size_limit_leaves_the_previous_site_complete(
    make_site: Callable[..., Path],
) -> None:
    root = built_site(make_site)
    before = snapshot(root / "site")
    changed_article(root)

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    result = newsgen("build", "-s", str(root), "--now", NOW, preexec_fn=limit)
    assert result.returncode == 1
    assert "File too large" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(root / "site") == before
    assert not list((root / "site").glob(".newsgen-staging-*"))


def test_permission_denied_for_another_user_changes_nothing(
    make_site: Callable[..., Path],
) -> None:
    # The other user may read the sources but not write to root's site/ or .newsgen/.
    readable = Path(tempfile.mkdtemp(prefix="newsgen-perm-", dir="/tmp"))
    try:
        readable.chmod(0o755)
        root = readable / "site-src"
        shutil.copytree(built_site(make_site), root)
        before = snapshot(root / "site")
        changed_article(root)
        result = subprocess.run(
            [
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                sys.executable,
                "-m",
                "newsgen",
                "build",
                "-s",
                str(root),
                "--now",
                NOW,
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Permission denied" in result.stderr
        assert "Traceback" not in result.stderr
        assert snapshot(root / "site") == before
    finally:
        shutil.rmtree(readable)


# `python -m newsgen` with Ctrl-C handled as when started from a terminal: a suite run as a
# background job (`pytest &` in a script) has SIGINT ignored, and its children inherit that.
NEWSGEN_AS_FROM_A_TERMINAL = (
    "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "runpy.run_module('newsgen', run_name='__main__', alter_sys=True)"
)


def test_interrupting_a_build_while_it_writes_keeps_the_previous_site(
    make_site: Callable[..., Path],
) -> None:
    root = built_site(make_site, count=400)
    before = snapshot(root / "site")
    (root / "templates").mkdir()
    (root / "templates/footer.html").write_text(
        "<footer><p>New footer</p></footer>\n", encoding="utf-8"
    )  # every page changes
    process = subprocess.Popen(
        [sys.executable, "-c", NEWSGEN_AS_FROM_A_TERMINAL, "build", "-s", str(root), "--now", NOW],
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        staging = list((root / "site").glob(".newsgen-staging-*"))
        if staging and sum(1 for _ in staging[0].iterdir()) > 50:
            process.send_signal(signal.SIGINT)
            break
        time.sleep(0.005)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "interrupted; the previous site is unchanged" in stderr
    assert "Traceback" not in stderr
    assert snapshot(root / "site") == before
    assert not list((root / "site").glob(".newsgen-staging-*"))


def test_18_6_sigterm_to_a_build_is_a_clean_interruption(
    make_site: Callable[..., Path],
) -> None:
    root = built_site(make_site, count=400)
    before = snapshot(root / "site")
    (root / "templates").mkdir()
    (root / "templates/footer.html").write_text(
        "<footer><p>New footer</p></footer>\n", encoding="utf-8"
    )  # every page changes
    process = subprocess.Popen(
        [sys.executable, "-m", "newsgen", "build", "-s", str(root), "--now", NOW],
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        staging = list((root / "site").glob(".newsgen-staging-*"))
        if staging and sum(1 for _ in staging[0].iterdir()) > 50:
            process.send_signal(signal.SIGTERM)
            break
        time.sleep(0.005)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 143, stderr
    assert stderr == "terminated; the previous site is unchanged\n"
    assert snapshot(root / "site") == before
    assert not list((root / "site").glob(".newsgen-staging-*"))


def children_of(pid: int) -> set[int]:
    """The processes whose parent is `pid`, from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                state, parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
            except (OSError, ValueError):
                continue
            if int(parent) == pid and state != "Z":
                found.add(int(entry.name))
    return found


def alive(pids: set[int]) -> set[int]:
    """Those of `pids` that still run (not gone, not a zombie waiting to be reaped)."""
    running = set()
    for pid in pids:
        with contextlib.suppress(OSError, IndexError):
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                running.add(pid)
    return running


@pytest.mark.parametrize("phase", ["reading", "rendering"])
@pytest.mark.parametrize("kill", [signal.SIGKILL, signal.SIGTERM])
def test_18_6_no_worker_outlives_a_killed_build_and_its_pipes_close(
    phase: str, kill: signal.Signals, make_site: Callable[..., Path]
) -> None:
    """As `newsgen build | tee log` sees it: once the build is killed, its output ends."""
    root = built_site(make_site, count=400)
    if phase == "reading":  # collect's pool of readers
        shutil.rmtree(root / ".newsgen")
    else:  # parallel.py's renderers: every page changes
        (root / "templates").mkdir()
        (root / "templates/footer.html").write_text("<footer>New</footer>\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "newsgen", "build", "-s", str(root), "--now", NOW, "-j", "4"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while not workers and process.poll() is None and time.monotonic() < deadline:
            workers = children_of(process.pid)
        assert workers, "the build forked no workers"
        process.send_signal(kill)
        started = time.monotonic()
        process.communicate(timeout=10)  # EOF: no process holds the build's stdout or stderr
        while alive(workers) and time.monotonic() - started < 5:
            time.sleep(0.05)
        assert not alive(workers), f"workers outlived the build: {alive(workers)}"
        assert process.returncode in (-signal.SIGKILL, 143)
    finally:
        for pid in alive(workers):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
        process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
    result = newsgen("build", "-s", str(root), "--now", NOW)  # and the site is whole again
    assert result.returncode == 0, result.stderr
    assert not list((root / "site").glob(".newsgen-staging-*"))


# --- environment ------------------------------------------------------------------------------


def test_output_does_not_depend_on_time_zone_or_locale(tmp_path: Path) -> None:
    source = tmp_path / "courier"
    shutil.copytree(golden.SITES / "courier", source, ignore=shutil.ignore_patterns("expected"))
    environment = {
        **os.environ,
        "TZ": "Pacific/Kiritimati",
        "LC_ALL": "C.UTF-8",
        "LANG": "tr_TR.UTF-8",
    }
    result = newsgen("build", "-s", str(source), "--now", NOW, env=environment)
    assert result.returncode == 0, result.stderr
    assert golden.tree(source / "site") == golden.tree(golden.SITES / "courier/expected")


# --- the preview server -----------------------------------------------------------------------


@pytest.mark.parametrize("request_line", [
    b"GARBAGE\r\n\r\n",
    b"GET\r\n\r\n",
    b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n",
    b"\x00\x01\x02 / HTTP/1.1\r\n\r\n",
    b"BREW /coffee HTTP/1.1\r\nHost: x\r\n\r\n",
])  # fmt: skip
def test_garbage_requests_get_an_error_and_the_server_keeps_serving(
    request_line: bytes, make_site: Callable[..., Path]
) -> None:
    root = make_site({"articles/a.md": article()})
    with running_server(root, "--now", NOW) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
            raw.sendall(request_line)
            answer = raw.recv(1024)
        if answer.startswith(b"HTTP/"):
            assert answer.split(b" ")[1] in (b"400", b"404", b"405", b"414"), answer
        else:  # an HTTP/0.9 request line gets a bare error page
            assert b"Error code: 400" in answer, answer
        assert server.request("/")[0] == 200


def test_load_64_clients_20000_requests_during_rebuilds(make_site: Callable[..., Path]) -> None:
    root = make_site(
        {
            f"articles/a{n}.md": article(title=f"Story {n}", date=f"2026-11-{n + 1:02d}")
            for n in range(20)
        }
    )
    paths = ["/", "/2026/11/01/story-0/", "/feed.xml", "/static/newsgen.css", "/nope/"]
    failures: list[str] = []
    done = [0]
    lock = threading.Lock()
    with running_server(root, "--now", NOW) as server, rebuilding(root):

        def client(number: int) -> None:
            for request in range(20000 // 64 + (1 if number < 20000 % 64 else 0)):
                path = paths[(number + request) % len(paths)]
                try:
                    status, headers, body = server.request(path)
                    ok = status == (404 if path == "/nope/" else 200) and int(
                        headers["content-length"]
                    ) == len(body)
                except OSError as exc:
                    ok, status = False, repr(exc)
                with lock:
                    done[0] += 1
                    if not ok:
                        failures.append(f"{path}: {status}")

        threads = [threading.Thread(target=client, args=(n,)) for n in range(64)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
    assert done[0] == 20000
    assert failures == []


@contextmanager
def rebuilding(root: Path) -> Iterator[None]:
    """Keep editing an article, so the server rebuilds again and again."""
    stop = threading.Event()

    def edit() -> None:
        version = 0
        while not stop.wait(0.3):
            version += 1
            (root / "articles/a0.md").write_text(
                article(title="Story 0", date="2026-11-01", body=f"Version {version}."),
                encoding="utf-8",
            )

    thread = threading.Thread(target=edit)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


# --- fuzzing ----------------------------------------------------------------------------------

front_matter_values = st.one_of(
    st.text(max_size=40), st.integers(), st.booleans(), st.none(), st.dates(),
    st.lists(st.text(max_size=10), max_size=3), st.floats(allow_nan=False),
)  # fmt: skip
keys = st.sampled_from(["title", "date", "updated", "slug", "authors", "author", "section",
                        "tags", "summary", "dateline", "image", "image_alt", "draft", "aliases",
                        "extra", "tittle"])  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, front_matter_values, max_size=8), st.text(max_size=300))
def test_any_front_matter_and_body_give_an_article_or_a_clean_error(
    fields: dict[str, object], body: str
) -> None:
    import yaml  # noqa: PLC0415

    text = "---\n" + yaml.safe_dump(fields, allow_unicode=True) + "---\n" + body
    try:
        decoded, _ = decode(text.encode("utf-8", "surrogatepass"), "articles/a.md")
        loaded = parse_article(decoded, "articles/a.md", CONFIG)
    except (ArticleInvalid, UnicodeEncodeError):
        return
    rendered, _ = render_article(make_markdown(False), loaded)
    assert isinstance(rendered.html, str)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_an_article_or_a_clean_error(data: bytes) -> None:
    # Any exception other than ArticleInvalid fails the test.
    with contextlib.suppress(ArticleInvalid):
        decoded, _ = decode(b"---\ntitle: T\ndate: 2026-11-20\n---\n" + data, "a.md")
        parse_article(decoded, "a.md", CONFIG)


def test_the_fuzz_harness_runs_clean(capsys: pytest.CaptureFixture[str]) -> None:
    """A short run in every test run; `python tests/fuzz_loader.py --seconds N` runs longer."""
    import fuzz_loader  # noqa: PLC0415

    assert fuzz_loader.main(["--seconds", "3", "--seed", "7"]) == 0
    assert "every one an article or a clean error" in capsys.readouterr().out
