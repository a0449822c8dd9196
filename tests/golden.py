"""Golden sites: build tests/sites/<name> at a fixed clock and compare with its expected/ tree.

Regenerate every expected/ tree after an intended output change with:

    python tests/golden.py
"""

from __future__ import annotations

import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image

from newsgen.build.run import BuildOptions, build
from newsgen.build.writer import MANIFEST

SEARCH_BUNDLE = "pagefind/"
IMAGES = "images/"

SITES = Path(__file__).parent / "sites"
GOLDEN_SITES = ("courier", "valley", "bulletin", "bilingue")
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def build_copy(name: str, workdir: Path) -> Path:
    """Copy a golden site's sources to `workdir` and build them there; return the output folder."""
    source = workdir / name
    shutil.copytree(SITES / name, source, ignore=shutil.ignore_patterns("expected"))
    report = build(BuildOptions(root=source, now=NOW))
    return source / report.output_dir


def tree(folder: Path) -> dict[str, bytes]:
    """Every file newsgen itself renders under `folder`.

    Left out: the manifest (newsgen's bookkeeping, not the site) and pagefind/ (Pagefind's own
    bundle, whose bytes change with its version; tests/test_search.py checks it works). The
    resized images under images/ are compared by format and pixel size: their bytes change
    with Pillow's and libwebp's versions.
    """
    return {
        relative: _image_facts(path) if relative.startswith(IMAGES) else path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        and (relative := path.relative_to(folder).as_posix()) != MANIFEST
        and not relative.startswith(SEARCH_BUNDLE)
    }


def _image_facts(path: Path) -> bytes:
    with Image.open(path) as image:
        return f"{image.format} {image.width}x{image.height} {image.mode}".encode()


def regenerate(workdir: Path) -> None:
    for name in GOLDEN_SITES:
        built = build_copy(name, workdir)
        expected = SITES / name / "expected"
        shutil.rmtree(expected, ignore_errors=True)
        shutil.copytree(built, expected, ignore=shutil.ignore_patterns(MANIFEST, "pagefind"))
        print(f"{expected}: {len(tree(expected))} files")


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as workdir:
        regenerate(Path(workdir))
    sys.exit(0)
