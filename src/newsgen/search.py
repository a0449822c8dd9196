"""Build the Pagefind search index from the article pages as they stream to the writer.

Article pages are copied into a private temporary folder as they pass; one run of Pagefind's
own binary indexes that folder and writes its bundle to another temporary folder, which is then
passed on as ordinary output files. The writer stays the only thing that touches the site.
(Pagefind's Python service API answers one request per 0.1 s poll, far too slow per page.)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from newsgen import urls
from newsgen.errors import NewsgenError
from newsgen.model import OutputFile, PlannedFile

# Article pages mark their text with this attribute; other pages are not indexed.
INDEXED_MARKER = b"data-pagefind-body"


class SearchFailed(NewsgenError):
    """Pagefind could not index the site."""


def with_search_index(
    outputs: Iterable[OutputFile | PlannedFile],
) -> Iterator[OutputFile | PlannedFile]:
    """Pass `outputs` on, then yield Pagefind's bundle under /pagefind/.

    Pagefind cannot update an index, so every article page is rendered for it on every build
    (the writer still skips the pages whose bytes did not change).
    """
    with tempfile.TemporaryDirectory(prefix="newsgen-search-") as workspace:
        pages = Path(workspace) / "pages"
        bundle = Path(workspace) / "bundle"
        indexed = 0
        folders: set[Path] = set()  # made already: one mkdir per folder, not per file
        for item in outputs:
            output = (
                OutputFile(item.path, item.render())
                if isinstance(item, PlannedFile) and item.path.endswith(".html")
                else item
            )
            if isinstance(output, OutputFile) and INDEXED_MARKER in output.content:
                copy = pages / output.path
                if copy.parent not in folders:
                    copy.parent.mkdir(parents=True, exist_ok=True)
                    folders.add(copy.parent)
                copy.write_bytes(output.content)
                indexed += 1
            yield output
        if indexed == 0:
            return  # Pagefind refuses an empty site; with no articles there is nothing to find.
        _run_pagefind(pages, bundle)
        prefix = urls.SEARCH_BUNDLE.lstrip("/")
        for path in sorted(bundle.rglob("*")):
            if path.is_file():
                yield OutputFile(prefix + path.relative_to(bundle).as_posix(), path.read_bytes())


def _run_pagefind(pages: Path, bundle: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(pages),
        "--output-path",
        str(bundle),
        "--silent",
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise SearchFailed(f"cannot run Pagefind to build the search index: {exc}") from exc
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise SearchFailed(
            "Pagefind failed to build the search index: "
            + (detail[-1] if detail else f"exit {result.returncode}")
        )
