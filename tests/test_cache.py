"""The build cache is an optimisation only: damaged or foreign caches are dropped with a
warning, and the site is the same either way. Progress shows on terminals only."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import BASIC_CONFIG, Run, article

NOW = "2026-11-24T12:00:00+00:00"


def site_files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "site").rglob("*"))
        if p.is_file()
    }


def test_a_damaged_cache_is_dropped_with_a_warning(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site({"articles/a.md": article(), "articles/b.md": article(title="B")})
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    before = site_files(root)
    for shard in (root / ".newsgen/cache").glob("articles-*.pickle"):
        shard.write_bytes(b"newsgen-cache\n\x80\x05garbage")
    (root / ".newsgen/state.json").unlink(missing_ok=True)
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert result.code == 0
    assert result.err == (
        ".newsgen/cache:1:1: warning: ignored a damaged build cache; this "
        "build reads every article again\n"
    )
    assert site_files(root) == before


def test_a_cache_for_other_settings_is_dropped_with_a_warning(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site({"articles/a.md": article(body="<b>bold</b>")})
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    assert "&lt;b&gt;" in (root / "site/2026/11/20/a-title/index.html").read_text("utf-8")
    make_site({}, config=BASIC_CONFIG + "markdown:\n  allow_html: true\n")
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert result.code == 0
    assert "ignored a build cache made by another newsgen version, for other settings" in (
        result.err
    )
    assert "<b>bold</b>" in (root / "site/2026/11/20/a-title/index.html").read_text("utf-8")


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


def test_a_build_from_another_folder_finds_the_cache_and_a_moved_site_makes_it_again(
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
    assert result.code == 0
    assert "in another folder; this build reads every article again" in result.err
    assert (moved / "site/2026/11/20/d/index.html").is_file()
