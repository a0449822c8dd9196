"""The folder `newsgen serve` builds into: .newsgen/preview/, beside the sources and never
published. It is kept between runs, so that serve starts with an incremental build; the first
time, it starts from a copy of the published site (hard links where the file system allows),
so that serve never renders a whole archive again just to start.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import stat
from pathlib import Path

from newsgen.build.writer import MANIFEST, STAGING_PREFIX
from newsgen.content.config import STATE_DIR, load_config
from newsgen.errors import NewsgenError
from newsgen.safefile import TEMPORARY_PREFIX
from newsgen.store import db, memo

PREVIEW = "preview"


def preview_folder(root: Path) -> Path:
    return root / STATE_DIR / PREVIEW  # as Config.preview_dir, without reading the config


def seed(root: Path) -> None:
    """Start the preview folder from the published site if it has none yet. Anything that
    goes wrong leaves no preview folder: the first build then makes it whole."""
    try:
        config = load_config(root)
    except NewsgenError:
        return  # the first build reports it
    preview = preview_folder(root)
    published = config.output_path
    if (preview / MANIFEST).exists() or not (published / MANIFEST).is_file():
        return
    try:
        _copy_tree(published, preview)
        _carry_memo(config.state_dir, published, preview)
    except OSError:
        shutil.rmtree(preview, ignore_errors=True)


def _copy_tree(source: Path, target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    for folder, subfolders, names in os.walk(source):
        subfolders[:] = [name for name in subfolders if not name.startswith(STAGING_PREFIX)]
        here = target / Path(folder).relative_to(source)
        here.mkdir(parents=True, exist_ok=True)
        for name in names:
            path = Path(folder) / name
            if not stat.S_ISREG(path.lstat().st_mode) or name.startswith(TEMPORARY_PREFIX):
                continue  # a link or FIFO planted in the site is no file newsgen wrote
            # The writer replaces files by renaming new ones into place, never in place, so
            # a hard link can never carry a change from one folder to the other.
            try:
                os.link(path, here / name, follow_symlinks=False)
            except OSError:
                shutil.copy2(path, here / name, follow_symlinks=False)


def _carry_memo(state_dir: Path, published: Path, preview: Path) -> None:
    """The published site's plan memo, restamped for the copied manifest."""
    store, _ = db.connect(state_dir)
    try:
        kept = memo.load(store, memo.output_key(published))
        if kept is None or kept.manifest != memo.manifest_stamp(published / MANIFEST):
            return
        stamp = memo.manifest_stamp(preview / MANIFEST)
        restamped = dataclasses.replace(kept, manifest=stamp)
        memo.save(store, memo.output_key(preview), restamped, None)
    finally:
        store.close()
