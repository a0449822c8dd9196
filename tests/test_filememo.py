"""A value read from a file is used again only while the file is exactly as it was read."""

from __future__ import annotations

import os
import time
from pathlib import Path

from newsgen.build import manifest
from newsgen.build.manifest import Written
from newsgen.filememo import FileMemo, file_stat


def test_a_value_is_given_back_while_the_file_keeps_its_stat(tmp_path: Path) -> None:
    path = tmp_path / "record.json"
    path.write_text("one", encoding="utf-8")
    memo: FileMemo[str] = FileMemo()
    memo.put(path, file_stat(path), "one")
    assert memo.get(path, file_stat(path)) == "one"
    assert memo.get(tmp_path / "other.json", file_stat(path)) is None


def test_an_edit_that_keeps_size_and_modification_time_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "record.json"
    path.write_text("one", encoding="utf-8")
    memo: FileMemo[str] = FileMemo()
    memo.wrote(path, "one")
    before = path.stat()
    time.sleep(0.02)  # the change time moves in ticks of a few milliseconds at most
    path.write_text("two", encoding="utf-8")  # same size, same inode
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the old modification time
    assert memo.get(path, file_stat(path)) is None


def test_a_file_replaced_or_removed_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "record.json"
    path.write_text("one", encoding="utf-8")
    memo: FileMemo[str] = FileMemo()
    memo.wrote(path, "one")
    replacement = tmp_path / "new.json"
    replacement.write_text("one", encoding="utf-8")
    replacement.replace(path)  # another inode under the same name
    assert memo.get(path, file_stat(path)) is None
    path.unlink()
    assert memo.get(path, file_stat(path)) is None


def test_the_manifest_written_by_this_process_is_read_back_as_written(tmp_path: Path) -> None:
    files = {"index.html": Written("a" * 64, 10, "key")}
    manifest.write_manifest(tmp_path, files)
    assert manifest.read_manifest(tmp_path) == manifest.Manifest(files)
    # Edited by hand after the write: what the file says now is what counts.
    path = tmp_path / manifest.MANIFEST
    path.write_text(path.read_text(encoding="utf-8").replace("a" * 64, "b" * 64), "utf-8")
    read = manifest.read_manifest(tmp_path)
    assert read is not None and read.files["index.html"].sha256 == "b" * 64
