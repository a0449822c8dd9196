"""The folder `newsgen serve` builds into: .newsgen/preview/, beside the sources and never
published. It is kept between runs, so that serve starts with an incremental build; the first
time, it starts from a copy of the published site (hard links where the file system allows),
so that serve never renders a whole archive again just to start.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path

from newsgen.build import run, stamps
from newsgen.build.manifest import DamagedRecord, Written, read_manifest
from newsgen.build.writer import MANIFEST, STAGING_PREFIX
from newsgen.content.config import STATE_DIR, Config, load_config
from newsgen.errors import NewsgenError
from newsgen.options import BuildOptions
from newsgen.outputs import search
from newsgen.safefile import TEMPORARY_PREFIX
from newsgen.store import db, memo, state

PREVIEW = "preview"


def preview_folder(root: Path) -> Path:
    return root / STATE_DIR / PREVIEW  # as Config.preview_dir, without reading the config


def seed(root: Path, options: BuildOptions | None = None) -> None:
    """Start the preview folder from the published site if it has none yet, for builds with
    `options` (serve's). Anything that goes wrong leaves no preview folder: the first build
    then makes it whole."""
    try:
        config = load_config(root)
    except NewsgenError:
        return  # the first build reports it
    preview = preview_folder(root)
    published = config.output_path
    if (preview / MANIFEST).exists() or not (published / MANIFEST).is_file():
        return
    store, _ = db.connect(config.state_dir)
    try:
        linked = _copy_tree(published, preview, _trusted(store, published))
        _carry_memo(store, published, preview)
        _carry_stamps(store, published, preview, linked)
        search.carry_layout(config, published, preview)
        _carry_state(config, published, preview, options or BuildOptions(root=root))
    except OSError:
        shutil.rmtree(preview, ignore_errors=True)
    finally:
        store.close()


def _trusted(store: sqlite3.Connection, published: Path) -> dict[str, tuple[str, stamps.Stamp]]:
    """The published files whose stamps vouch for their manifest digest: path -> (digest,
    stamp)."""
    try:
        manifest = read_manifest(published)
    except DamagedRecord:
        return {}
    files = manifest.files if manifest is not None and not manifest.verify else {}
    known = stamps.Kept(store, published).read()
    return {
        path: found
        for path, found in known.items()
        if (written := files.get(path)) is not None and written.sha256 == found[0]
    }


def _copy_tree(
    source: Path, target: Path, trusted: dict[str, tuple[str, stamps.Stamp]]
) -> dict[str, tuple[str, int]]:
    """Link (or copy) every file newsgen may have written; return the linked files whose
    stamp vouched for them just before: path -> (digest, inode)."""
    shutil.rmtree(target, ignore_errors=True)
    linked: dict[str, tuple[str, int]] = {}
    # Strings and os calls, not Path: a site of 10,000 articles has 20,000 folders and 30,000
    # files, and making a Path of each name cost more than linking it.
    top = os.fspath(source)
    target.mkdir(parents=True, exist_ok=True)
    for folder, subfolders, names in os.walk(top):
        subfolders[:] = [name for name in subfolders if not name.startswith(STAGING_PREFIX)]
        inside = os.path.relpath(folder, top).replace(os.sep, "/")
        prefix = "" if inside == "." else inside + "/"
        here = os.path.join(target, prefix)  # noqa: PTH118 (as above)
        if prefix:
            os.mkdir(here)  # noqa: PTH102 - top-down walk: its parent was made just before
        for name in names:
            path = os.path.join(folder, name)  # noqa: PTH118 (as above)
            before = os.lstat(path)
            if not stat.S_ISREG(before.st_mode) or name.startswith(TEMPORARY_PREFIX):
                continue  # a link or FIFO planted in the site is no file newsgen wrote
            # The writer replaces files by renaming new ones into place, never in place, so
            # a hard link can never carry a change from one folder to the other.
            try:
                os.link(path, here + name, follow_symlinks=False)
            except OSError:
                shutil.copy2(path, here + name, follow_symlinks=False)
                continue  # a copy is checked by its content, once
            relative = prefix + name
            found = trusted.get(relative)
            if found is not None and found[1] == (
                before.st_mtime_ns,
                before.st_ctime_ns,
                before.st_ino,
            ):
                linked[relative] = (found[0], before.st_ino)
    return linked


def _carry_stamps(
    store: sqlite3.Connection, published: Path, preview: Path, linked: dict[str, tuple[str, int]]
) -> None:
    """Stamps for the linked files in both folders. Linking changed the change time of each
    file both names share, so without new stamps the first preview build, and the next build
    of the site, would read every file to check it. Both names are one inode, so one lstat
    stamps both; a stamp names its inode, so a site file replaced since (by a build of the
    site meanwhile) is not vouched for by it, and is checked by its content."""
    relinked: dict[str, Written] = {}
    base = os.fspath(preview)
    for relative, (digest, inode) in linked.items():
        try:
            now = os.lstat(f"{base}/{relative}")  # not Path: 30,000 of them
        except OSError:
            continue
        if now.st_ino == inode:
            relinked[relative] = Written(digest, -1, "", (now.st_mtime_ns, now.st_ctime_ns, inode))
    for folder in (published, preview):
        kept = stamps.Kept(store, folder)
        current: dict[str, Written] = {}
        if folder == published:  # the files not linked keep their stamps
            current = {path: Written(d, -1, "", s) for path, (d, s) in kept.read().items()}
        current.update(relinked)
        kept.save(current)


def _carry_state(config: Config, published: Path, preview: Path, options: BuildOptions) -> None:
    """The published site's build state, for the preview, if it still holds for the sources
    as they are now and for `options`: the preview holds the same files, stamped, so its
    first build takes the fast path (one lstat of each file) instead of checking the whole
    archive. A file not linked has no stamp there, and then the first build runs in full."""
    previous = state.read(config, published)
    now = options.now or datetime.now(UTC)
    if previous is None or not previous.still_valid(
        run.sources_fingerprint(config, options, published), published / MANIFEST, now
    ):
        return
    state.save(
        config,
        preview,
        inputs=run.sources_fingerprint(config, options, preview),
        manifest=preview / MANIFEST,
        now=datetime.fromisoformat(previous.valid_from),
        valid_until=datetime.fromisoformat(previous.valid_until) if previous.valid_until else None,
        counts=previous.counts,
        warnings=previous.warnings,
    )


def _carry_memo(store: sqlite3.Connection, published: Path, preview: Path) -> None:
    """The published site's plan memo, restamped for the copied manifest."""
    kept = memo.load(store, memo.output_key(published))
    if kept is None or kept.manifest != memo.manifest_stamp(published / MANIFEST):
        return
    stamp = memo.manifest_stamp(preview / MANIFEST)
    restamped = dataclasses.replace(kept, manifest=stamp)
    memo.save(store, memo.output_key(preview), restamped, None)
