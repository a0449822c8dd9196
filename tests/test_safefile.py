"""The safe file primitive (newsgen/safefile.py) on its own: files are created exclusively,
never through a link, and renamed into place; only regular files are read."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from newsgen.safefile import (
    OPEN_FOLDERS,
    TEMPORARY_PREFIX,
    Folder,
    LinkRefused,
    NotRegularFile,
    Tree,
    read_regular,
    write_file,
)


def test_write_replaces_a_link_at_the_name_and_never_writes_through_it(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious", encoding="utf-8")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "record.json").symlink_to(victim)
    write_file(folder / "record.json", b"{}\n", durable=True)
    assert victim.read_text(encoding="utf-8") == "precious"
    assert not (folder / "record.json").is_symlink()
    assert (folder / "record.json").read_bytes() == b"{}\n"
    assert [path.name for path in folder.iterdir()] == ["record.json"]  # no temporary left


def test_new_files_get_fresh_random_names_and_never_open_what_is_there(tmp_path: Path) -> None:
    with Folder.open(tmp_path) as folder:
        names = {folder.create(b"x") for _ in range(20)}
        assert len(names) == 20
        assert all(name.startswith(TEMPORARY_PREFIX) for name in names)
        (tmp_path / "taken").symlink_to(tmp_path / "elsewhere")
        with pytest.raises(FileExistsError):
            folder.create_named("taken", b"x")
    assert not (tmp_path / "elsewhere").exists()


def test_folders_below_the_root_are_never_followed_if_links(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    (root / "a/b").symlink_to(outside)
    with Folder.open(root) as folder:
        with pytest.raises(LinkRefused) as refused:
            folder.folder("a/b/c", create=True)
        assert refused.value.filename == str(root / "a/b")
        with folder.folder("a/new/deeper", create=True) as made:
            made.write("page.html", b"<p>")
    assert not (outside / "c").exists()
    assert (root / "a/new/deeper/page.html").read_bytes() == b"<p>"


def open_descriptors() -> int:
    return sum(1 for _ in Path("/proc/self/fd").iterdir())


def test_a_tree_keeps_a_bounded_number_of_folders_open(tmp_path: Path) -> None:
    before = open_descriptors()
    with Folder.open(tmp_path) as root:
        folders = Tree(root)
        for number in range(OPEN_FOLDERS * 3):
            folders.folder(f"{number % 7}/{number}", create=True).write("f", b"x")
        assert open_descriptors() <= before + OPEN_FOLDERS + 2
        folders.close()
    assert open_descriptors() == before
    assert (tmp_path / "3/94/f").read_bytes() == b"x"


def test_reading_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_regular(fifo)
        except NotRegularFile as exc:
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=5)
    assert outcome, "reading a FIFO waited for a writer"
    assert outcome[0].strerror == "it is a FIFO (named pipe), not a regular file"
    (tmp_path / "link").symlink_to(tmp_path / "pipe")
    with pytest.raises(LinkRefused):
        read_regular(tmp_path / "link", follow=False)
