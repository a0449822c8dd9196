"""The search index: one Pagefind bundle per segment of articles, kept in the state folder.

Pagefind cannot update an index, so the archive is cut into small segments (segments.py) and
each is indexed once, from records made of the cached articles, never from rendered pages. A
bundle is kept under .newsgen/search/<segment key>/ and published under /pagefind/<key>/; a
build indexes only the segments whose key it has not seen, runs them in parallel, and hands the
others to the writer unread. /pagefind/segments.json names the bundles that the search page
merges in the browser. The writer stays the only thing that touches the site.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path

from newsgen.content import urls
from newsgen.content.config import Config
from newsgen.errors import NewsgenError
from newsgen.model import OutputFile, PlannedFile, RenderedArticle
from newsgen.outputs import segments

INDEX_FILE = "segments.json"
LISTING = ".files"  # in each cached bundle: its files, so a build need not walk the folder
# Pagefind's search runtime: served once, from the first segment's folder, which the search
# page loads as its primary index (Pagefind loads its worker and WebAssembly from there).
RUNTIME = ("pagefind.js", "pagefind-worker.js")
RUNTIME_SUFFIX = ".pagefind"  # wasm.<language>.pagefind
SEGMENT_FILES = ("pagefind-entry.json",)
SEGMENT_SUFFIX = ".pf_meta"
SEGMENT_FOLDERS = ("index", "fragment", "filter")


class SearchFailed(NewsgenError):
    """Pagefind could not index the site."""


def outputs(
    articles: Iterable[RenderedArticle],
    config: Config,
    jobs: int | None = None,
    *,
    reuse: bool = True,
) -> Iterator[OutputFile | PlannedFile]:
    """Every file under /pagefind/: the segment bundles, the runtime and segments.json.
    Up to `jobs` Pagefind processes run at once; without `reuse`, every segment is indexed."""
    version = _pagefind_version()
    cache = config.state_dir / "search"
    runtime = cache / f"runtime-{version}"
    parts = segments.split(articles, salt=repr((version, config.language)))
    missing = [p for p in parts if not reuse or not (cache / p.key / LISTING).is_file()]
    if not reuse:
        shutil.rmtree(runtime, ignore_errors=True)
    if parts and not (runtime / LISTING).is_file() and parts[0] not in missing:
        missing.insert(0, parts[0])  # indexing any segment also yields the runtime
    if missing:
        _index(missing, config.language, cache, runtime, jobs or os.cpu_count() or 1)
    prefix = urls.SEARCH_BUNDLE.lstrip("/")
    for number, part in enumerate(parts):
        folder = f"{prefix}{part.key}/"
        yield from _planned(cache / part.key, folder, part.key)
        if number == 0:
            yield from _planned(runtime, folder, f"{part.key} {version}")
    listing = {"version": 1, "segments": [part.key for part in parts]}
    yield OutputFile(prefix + INDEX_FILE, (json.dumps(listing, indent=1) + "\n").encode())
    _forget(cache, {runtime.name, *(part.key for part in parts)})


def _planned(folder: Path, prefix: str, key: str) -> Iterator[PlannedFile]:
    names = (folder / LISTING).read_text(encoding="utf-8").split()
    for name in names:
        # A bundle's files depend on its key alone (and are named by their content).
        yield PlannedFile(prefix + name, f"search {key} {name}", partial(_read, folder, name))


def _read(folder: Path, name: str) -> bytes:
    return (folder / name).read_bytes()


def _index(
    parts: Sequence[segments.Segment], language: str, cache: Path, runtime: Path, jobs: int
) -> None:
    """Index `parts`, up to `jobs` Pagefind processes at once, and keep their bundles."""
    cache.mkdir(parents=True, exist_ok=True)
    binary = _binary()
    with tempfile.TemporaryDirectory(prefix=".indexing-", dir=cache) as workspace:
        queue = list(parts)
        running: list[tuple[segments.Segment, Path, subprocess.Popen[bytes]]] = []
        try:
            while queue or running:
                while queue and len(running) < jobs:
                    part = queue.pop(0)
                    work = Path(workspace) / part.key
                    _write_records(part, language, work / "site")
                    running.append((part, work, _start(binary, work)))
                part, work, process = running.pop(0)
                _, stderr = process.communicate()
                if process.returncode != 0:
                    detail = stderr.decode(errors="replace").strip().splitlines()
                    raise SearchFailed(
                        "Pagefind failed to build the search index: "
                        + (detail[-1] if detail else f"exit {process.returncode}")
                    )
                _keep(work / "bundle", cache / part.key, runtime)
        finally:
            for _, _, process in running:
                process.kill()
                process.wait()


def _write_records(part: segments.Segment, language: str, site: Path) -> None:
    folders: set[Path] = set()
    for entry in part.articles:
        path = site / urls.output_path(entry.article.url)
        if path.suffix != ".html":
            path = path / "index.html"
        if path.parent not in folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.add(path.parent)
        path.write_text(segments.record(entry, language), encoding="utf-8")


def _start(binary: Path, work: Path) -> subprocess.Popen[bytes]:
    command = [str(binary), "--site", str(work / "site"), "--output-path", str(work / "bundle")]
    try:
        return subprocess.Popen(
            [*command, "--silent"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
    except OSError as exc:
        raise SearchFailed(f"cannot run Pagefind to build the search index: {exc}") from exc


def _keep(bundle: Path, target: Path, runtime: Path) -> None:
    """Move a fresh bundle's index into `target` and, once per version, its runtime."""
    _move(bundle, target, _is_segment_file)
    if not (runtime / LISTING).is_file():
        _move(bundle, runtime, lambda name: name in RUNTIME or name.endswith(RUNTIME_SUFFIX))


def _move(bundle: Path, target: Path, wanted: Callable[[str], bool]) -> None:
    staging = target.with_name(target.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    names = []
    for path in sorted(bundle.rglob("*")):
        name = path.relative_to(bundle).as_posix()
        if path.is_file() and wanted(name):
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            path.rename(staging / name)  # the workspace is in the cache folder: no copy
            names.append(name)
    (staging / LISTING).write_text("\n".join(names) + "\n", encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)  # the listing appears with the files: a bundle is whole or absent


def _is_segment_file(name: str) -> bool:
    top = name.split("/", 1)[0]
    return top in SEGMENT_FILES or top in SEGMENT_FOLDERS or top.endswith(SEGMENT_SUFFIX)


def _forget(cache: Path, keep: set[str]) -> None:
    """Drop the cached bundles this build no longer uses, so the cache does not grow forever."""
    if not cache.is_dir():
        return
    for folder in cache.iterdir():
        if folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)


def _binary() -> Path:
    spec = importlib.util.find_spec("pagefind_bin")
    if spec is not None and spec.origin is not None:
        binary = Path(spec.origin).parent / "pagefind"
        if binary.is_file():
            return binary
    raise SearchFailed(
        "cannot find Pagefind's program to build the search index\n"
        "hint: install it with `pip install 'pagefind[bin]'`, or set 'search: false'"
    )


def _pagefind_version() -> str:
    try:
        return importlib.metadata.version("pagefind_bin")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
