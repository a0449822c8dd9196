"""The build cache is an optimisation only: damaged or foreign caches are dropped with a
warning, and the site is the same either way. Progress shows on terminals only."""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import pty
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from newsgen.build import collect
from newsgen.content.config import load_config
from newsgen.store import records
from newsgen.store.cache import settings_fingerprint

from conftest import BASIC_CONFIG, Run, article

NOW = "2026-11-24T12:00:00+00:00"


def site_files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "site").rglob("*"))
        if p.is_file()
    }


def test_a_damaged_store_is_made_anew_with_a_warning(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site({"articles/a.md": article(), "articles/b.md": article(title="B")})
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    before = site_files(root)
    (root / ".newsgen/store.sqlite").write_bytes(b"SQLite format 3\x00" + b"garbage" * 100)
    (root / ".newsgen/state.json").unlink(missing_ok=True)
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert result.code == 0
    assert result.err == (
        ".newsgen/store.sqlite:1:1: warning: made the build store anew (it is damaged); "
        "this build reads every article\n"
    )
    assert site_files(root) == before
    (root / ".newsgen/state.json").unlink(missing_ok=True)
    again = run_cli("build", "-s", str(root), "--now", NOW)
    assert (again.code, again.err) == (0, "")


def test_a_damaged_cache_entry_is_read_again_alone(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site({"articles/a.md": article(), "articles/b.md": article(title="B")})
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    before = site_files(root)
    with contextlib.closing(sqlite3.connect(root / ".newsgen/store.sqlite")) as store, store:
        store.execute("UPDATE articles SET record = '{\"article\": 1}' WHERE source LIKE '%a.md'")
    (root / ".newsgen/state.json").unlink(missing_ok=True)
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert result.code == 0
    assert result.err == (
        ".newsgen/cache:1:1: warning: ignored 1 damaged build cache entries; read them again\n"
    )
    assert site_files(root) == before
    (root / ".newsgen/state.json").unlink(missing_ok=True)
    again = run_cli("build", "-s", str(root), "--now", NOW)
    assert (again.code, again.err) == (0, "")  # the entry was written again: not stuck


def test_a_build_stats_each_article_file_once(
    make_site: Callable[..., Path], run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stats taken to see whether anything changed are the ones the cache is checked with;
    and an edit is still seen by them."""
    root = make_site({"articles/a.md": article(), "articles/sub/b.md": article(title="B")})
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0

    def second_stat(path: Path) -> None:
        raise AssertionError(f"{path} was stat'ed a second time")

    monkeypatch.setattr(collect, "stat_key", second_stat)
    story = root / "articles/sub/b.md"
    story.write_text(story.read_text("utf-8") + "\nAn added line.\n", encoding="utf-8")
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert (result.code, result.err) == (0, "")
    assert "An added line." in (root / "site/2026/11/20/b/index.html").read_text("utf-8")


def test_the_site_folder_named_another_way_keeps_the_fast_path(
    make_site: Callable[..., Path], run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`newsgen build` in the site folder after `newsgen build -s /its/path`: the same
    sources, so nothing to build; and an edit is still seen."""
    root = make_site({"articles/a.md": article(), "articles/sub/b.md": article(title="B")})
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    monkeypatch.chdir(root)
    here = run_cli("build", "--now", NOW)
    assert here.code == 0 and "site/ is up to date: " in here.out
    story = root / "articles/sub/b.md"
    story.write_text(story.read_text("utf-8") + "\nAn added line.\n", encoding="utf-8")
    edited = run_cli("build", "-s", str(root), "--now", NOW)
    assert edited.code == 0 and "up to date" not in edited.out
    assert "An added line." in (root / "site/2026/11/20/b/index.html").read_text("utf-8")


def test_a_cache_for_other_settings_is_refilled(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site({"articles/a.md": article(body="<b>bold</b>")})
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    assert "&lt;b&gt;" in (root / "site/2026/11/20/a-title/index.html").read_text("utf-8")
    make_site({}, config=BASIC_CONFIG + "markdown:\n  allow_html: true\n")
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert (result.code, result.err) == (0, "")
    assert "<b>bold</b>" in (root / "site/2026/11/20/a-title/index.html").read_text("utf-8")


def test_bodies_of_rows_written_again_are_swept(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    """Other settings, or --full, write every row again: the old rows' bodies go with them,
    as an edit's old body does."""
    root = make_site({"articles/a.md": article(), "articles/b.md": article(title="Bee")})
    bodies = root / ".newsgen/cache/bodies"

    def kept() -> set[str]:
        return {path.name for path in bodies.rglob("*.html")}

    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    first = kept()
    assert len(first) == 2
    make_site({}, config=BASIC_CONFIG + "markdown:\n  allow_html: true\n")
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    second = kept()
    assert len(second) == 2 and not second & first
    (root / "articles/b.md").write_text(article(title="Bee", body="Changed."), "utf-8")
    assert run_cli("build", "-s", str(root), "--now", NOW, "--full").code == 0
    third = kept()
    assert len(third) == 2 and len(third & second) == 1


def test_progress_shows_on_a_terminal_and_nowhere_else(make_site: Callable[..., Path]) -> None:
    files = {
        f"articles/a{n}.md": article(title=f"Story {n}", body="Words. " * 400) for n in range(1500)
    }
    root = make_site(files, config=BASIC_CONFIG + "search: false\n")
    command = [
        sys.executable,
        "-m",
        "newsgen",
        "build",
        "-s",
        str(root),
        "--full",
        "--jobs",
        "1",
        "--now",
        NOW,
    ]
    terminal, attached = pty.openpty()
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=attached
    )
    os.close(attached)
    shown = b""
    while True:
        try:
            chunk = os.read(terminal, 4096)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        shown += chunk
    process.wait(timeout=300)
    os.close(terminal)
    assert process.returncode == 0
    assert b"\rWriting the site: " in shown
    assert shown.endswith(b"\r\x1b[K")  # the line is cleared at the end
    piped = subprocess.run([*command], capture_output=True, check=False)
    assert piped.returncode == 0
    assert b"Writing the site" not in piped.stderr


def test_a_build_from_another_folder_or_of_a_moved_site_finds_the_cache(
    make_site: Callable[..., Path],
    run_cli: Callable[..., Run],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    root = make_site({"articles/a.md": article(), "articles/b.md": article(title="B")})
    monkeypatch.chdir(root)
    assert run_cli("build", "-s", ".", "--now", NOW).code == 0
    (root / "articles/c.md").write_text(article(title="C"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert (result.code, result.err) == (0, "")
    moved = tmp_path / "moved"
    root.rename(moved)
    (moved / "articles/d.md").write_text(article(title="D"), encoding="utf-8")
    result = run_cli("build", "-s", str(moved), "--now", NOW)
    # Bodies are found by digest below the store's folder, wherever the site now is.
    assert (result.code, result.err) == (0, "")
    assert (moved / "site/2026/11/20/d/index.html").is_file()
    assert (moved / "site/2026/11/20/c/index.html").is_file()


class _Payload:
    """Unpickling this object creates a file: what a forged cache would do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (Path.touch, (self.marker,))


def test_nothing_read_from_the_state_folder_runs_code(
    make_site: Callable[..., Path], run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    root = make_site({"articles/a.md": article(), "articles/b.md": article(title="B")})
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    marker = tmp_path / "ran"
    payload = pickle.dumps(_Payload(marker))
    state = root / ".newsgen"
    # Where earlier versions kept pickles and Jinja's marshalled templates, and inside the
    # store's own rows.
    for name in ("cache/articles-00.pickle", "plans/0123456789abcdef.pickle"):
        (state / name).parent.mkdir(parents=True, exist_ok=True)
        (state / name).write_bytes(b"newsgen-cache\n" + payload)
    (state / "templates").mkdir(exist_ok=True)
    (state / "templates/__jinja2_0123.cache").write_bytes(b"j2/" + payload)
    with contextlib.closing(sqlite3.connect(state / "store.sqlite")) as store, store:
        store.execute("UPDATE articles SET record = ?", (payload,))
        store.execute("UPDATE units SET paths = ?", (payload,))
        store.execute("UPDATE outputs SET related = ?", (payload,))
    (state / "state.json").unlink()
    (root / "articles/c.md").write_text(article(title="C"), encoding="utf-8")
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert result.code == 0, result.err
    assert not marker.exists()
    assert "ignored 2 damaged build cache entries" in result.err
    assert (root / "site/2026/11/20/c/index.html").is_file()
    assert run_cli("build", "-s", str(root), "--now", NOW, "--full").code == 0
    assert not marker.exists()


def test_listings_join_the_stored_teasers_and_a_full_build_renders_them_again(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site({"articles/a.md": article(title="Alpha", tags="[Harbor]")})
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    with contextlib.closing(sqlite3.connect(root / ".newsgen/store.sqlite")) as store, store:
        (count,) = store.execute("SELECT count(*) FROM fragments").fetchone()
        store.execute("UPDATE fragments SET html = '<p>kept teaser</p>'")
    # Its teaser and the front page's lead, whatever the number of listings showing them.
    assert count == 2
    beta = article(title="Beta", date="2026-11-21", tags="[Harbor]")
    (root / "articles/b.md").write_text(beta, encoding="utf-8")
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    front_page = (root / "site/index.html").read_text("utf-8")
    tag_page = (root / "site/tags/harbor/index.html").read_text("utf-8")
    # Alpha's teaser came from the store; Beta's was rendered for this build.
    assert "<p>kept teaser</p>" in tag_page
    assert ">Beta</a>" in front_page
    assert run_cli("build", "-s", str(root), "--now", NOW, "--full").code == 0
    assert "kept teaser" not in (root / "site/tags/harbor/index.html").read_text("utf-8")


def test_forked_workers_read_the_stored_teasers(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    """Only the keys of stored teasers are read up front; pages rendered by forked workers
    read the HTML of theirs from the store, each worker on its own connection."""
    files = {
        f"articles/s{n}.md": article(title=f"Story {n}", tags=f"[Topic {n}]") for n in range(60)
    }
    root = make_site(files)
    assert run_cli("build", "-s", str(root), "--now", NOW, "-j", "2").code == 0
    with contextlib.closing(sqlite3.connect(root / ".newsgen/store.sqlite")) as store, store:
        store.execute("UPDATE fragments SET html = '<p>kept teaser</p>'")
    # A new section shows in every page's navigation: every tag page is rendered again, on
    # two processes, and every teaser on them is one the store kept.
    sport = article(title="Match", date="2026-11-21", section="Sport")
    (root / "articles/new.md").write_text(sport, encoding="utf-8")
    assert run_cli("build", "-s", str(root), "--now", NOW, "-j", "2").code == 0
    for n in range(60):
        page = (root / f"site/tags/topic-{n}/index.html").read_text("utf-8")
        assert "Sport</a>" in page and "<p>kept teaser</p>" in page, n


@pytest.mark.parametrize("name", ["store.sqlite", "store.sqlite-wal", "store.sqlite-journal"])
def test_a_link_planted_at_the_stores_files_is_never_written_through(
    make_site: Callable[..., Path], run_cli: Callable[..., Run], tmp_path: Path, name: str
) -> None:
    root = make_site({"articles/a.md": article()})
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    outside = tmp_path / "outside.txt"
    outside.write_text("precious\n", encoding="utf-8")
    for leftover in (root / ".newsgen").glob("store.sqlite*"):
        leftover.unlink()
    (root / ".newsgen" / name).symlink_to(outside)
    (root / ".newsgen/state.json").unlink()
    (root / "articles/b.md").write_text(article(title="B"), encoding="utf-8")
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert result.code == 0, result.err
    assert outside.read_text(encoding="utf-8") == "precious\n"
    assert not (root / ".newsgen" / name).is_symlink()


@pytest.mark.parametrize("name", ["courier", "bulletin", "valley"])
def test_every_article_field_survives_the_store(name: str) -> None:
    """A field added to Article or RenderedArticle and forgotten by the store's records would
    make cached builds differ from clean ones: every golden article round-trips exactly."""
    config = load_config(Path(__file__).parent / "sites" / name)
    loaded = collect.load(config, None, 1, settings_fingerprint(config))
    assert loaded.articles and not loaded.problems
    for rendered in loaded.articles:
        assert records.decode(records.encode(rendered), rendered.body) == rendered


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", 1),
        ("title", None),
        ("section", 3),
        ("draft", "yes"),
        ("draft", 0),
        ("tags", ["Harbor", 2]),
        ("tags", "Harbor"),
        ("body_line", True),
        ("positions", {"title": [1, "2"]}),
        ("positions", {"title": [1]}),
        ("extra", {"map": [[[1], 2]]}),
        ("extra", {"code": "x"}),
        ("date", ["2026-11-20T10:00:00", None]),
    ],
)
def test_a_record_of_the_wrong_shape_is_damaged(field: str, value: object) -> None:
    """A store row is data that anyone could have written: a value of the wrong type is
    refused (the article is then read again), never passed on to the templates."""
    config = load_config(Path(__file__).parent / "sites" / "courier")
    rendered = collect.load(config, None, 1, settings_fingerprint(config)).articles[0]
    record = json.loads(records.encode(rendered))
    record["article"][field] = value
    with pytest.raises(records.RecordDamaged):
        records.decode(json.dumps(record), rendered.body)


def test_warnings_about_the_sources_are_shown_again_by_a_build_that_changes_nothing(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    body = "![map](/static/map.png)\n"
    root = make_site({"articles/a.md": article(body=body)})
    first = run_cli("build", "-s", str(root), "--now", NOW)
    assert first.code == 0
    assert "the body's image /static/map.png is not in static/" in first.err
    again = run_cli("build", "-s", str(root), "--now", NOW)
    # The fast path: nothing was read or written, and the warning still stands.
    assert (again.code, again.err) == (0, first.err)
    assert "site/ is up to date: " in again.out
    assert (root / ".newsgen/state.json").is_file()


@pytest.mark.parametrize("transaction", [1, 2, 3])
def test_a_build_killed_inside_a_store_transaction_is_followed_by_a_clean_result(
    make_site: Callable[..., Path], run_cli: Callable[..., Run], tmp_path: Path, transaction: int
) -> None:
    """The process dies (os._exit, as a SIGKILL would) inside the store's first, second or
    third write transaction of a build: after the next build the site is a clean build's."""
    files = {f"articles/s{n}.md": article(title=f"Story {n}", tags="[Harbor]") for n in range(4)}
    root = make_site(files)
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    (root / "articles/new.md").write_text(article(title="New", date="2026-11-21"), "utf-8")
    code = (
        "import os, sys, contextlib\n"
        "from newsgen.store import db\n"
        "from newsgen.cli import main\n"
        "opened = db.transaction\n"
        "count = [0]\n"
        "@contextlib.contextmanager\n"
        "def dying(connection):\n"
        "    with opened(connection):\n"
        "        count[0] += 1\n"
        f"        if count[0] == {transaction}:\n"
        "            connection.execute('DELETE FROM units')\n"
        "            os._exit(9)\n"
        "        yield\n"
        "db.transaction = dying\n"
        f"sys.exit(main(['build', '-s', {str(root)!r}, '--now', {NOW!r}]))\n"
    )
    killed = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert killed.returncode == 9, killed.stderr
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    clean = tmp_path / "clean"
    clean.mkdir()
    shutil.copytree(root / "articles", clean / "articles")
    shutil.copy(root / "newsgen.yaml", clean / "newsgen.yaml")
    assert run_cli("build", "-s", str(clean), "--now", NOW).code == 0
    assert site_files(root) == site_files(clean)
