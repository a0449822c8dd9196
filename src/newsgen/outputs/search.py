"""The search index: a few Pagefind bundles in tiers (tiers.py), kept in the state folder.

Each bundle is indexed once, from records made of the cached articles (records.py), and kept
under .newsgen/search/<key>/ with the Pagefind page id and length of each article in it; it is
published under /pagefind/<key>/. /pagefind/tiers.json lists the bundles, the ids the search
page must drop from each (superseded copies), the archive's totals (for one ranking across
bundles) and the terms of each filter (section, author, the site's kinds with `filter: true`)
and its years, counted, for the filters' menus. The layout of the previous build is read back
from .newsgen/search/tiers.json, data only and checked; anything odd there means a cold
layout. The writer stays the only thing that touches the site.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from newsgen.content import urls
from newsgen.content.config import Config
from newsgen.content.kinds import TermKind
from newsgen.errors import NewsgenError
from newsgen.filememo import FileMemo, file_stat
from newsgen.model import OutputFile, PlannedFile, RenderedArticle, input_digest
from newsgen.outputs import canonical, records, tiers
from newsgen.outputs.tiers import Member, Tier
from newsgen.safefile import read_regular, write_file

LISTING_FILE = "tiers.json"  # published, for the search page
STATE_PREFIX = "layout-"  # in the state folder, per output folder: the layout, for the next build
STATE_FORMAT = 1
FILES = ".files"  # in each cached bundle: its files, so a build need not walk the folder
PAGES = ".pages"  # in each cached bundle: [source, digest, Pagefind id, words] per article
RUNTIME = ("pagefind.js",)
RUNTIME_SUFFIX = ".pagefind"  # wasm.<language>.pagefind
BUNDLE_FILES = ("pagefind-entry.json",)
BUNDLE_SUFFIX = ".pf_meta"
BUNDLE_FOLDERS = ("index", "fragment", "filter")
ENTRY = "pagefind-entry.json"
# Changes to Pagefind 1.5's script, (anchor, replacement), each anchor found exactly once, or
# the build fails naming the version. The search page opens one Pagefind instance per bundle
# (createInstance), all at once:
# - it needs each in Pagefind's playground mode: only there does a result say which words it
#   matched (to drop a bundle's prefix fallback) and with what statistics (to rank all bundles
#   as one index). Pagefind has the method on its instances but leaves it out of
#   createInstance's object; the first change adds it.
# - the WebAssembly module is one per page (its bindings are the script's globals), but every
#   instance fetches and instantiates it, and two instantiations at once would leave the first
#   instance's data in a dropped module's memory. The second and third changes make the first
#   instance's load the one every instance waits for: one request, one module.
PATCHES = (
    (
        "mergeIndex:(indexPath,options2)=>wrapper.mergeIndex(indexPath,options2),",
        "mergeIndex:(indexPath,options2)=>wrapper.mergeIndex(indexPath,options2),"
        "enterPlaygroundMode:()=>wrapper.enterPlaygroundMode(),",
    ),
    (
        "async loadWasm(language){try{",
        "async loadWasm(language){PagefindInstance.sharedWasm??=this.fetchWasm(language);"
        "this.wasm=await PagefindInstance.sharedWasm;}async fetchWasm(language){try{",
    ),
    (
        "this.wasm=await this.backend({module_or_path:final_wasm});",
        "return await this.backend({module_or_path:final_wasm});",
    ),
)


class SearchFailed(NewsgenError):
    """Pagefind could not index the site."""


@dataclass(frozen=True, slots=True)
class Bundle:
    tier: Tier
    key: str


def outputs(
    articles: Iterable[RenderedArticle],
    config: Config,
    jobs: int | None = None,
    *,
    reuse: bool = True,
    output: Path | None = None,
) -> Iterator[OutputFile | PlannedFile]:
    """Every file under /pagefind/: the bundles, the runtime and tiers.json. Up to `jobs`
    Pagefind processes run at once; without `reuse` (--full) the layout starts cold. The
    layout is remembered per `output` folder (a preview has its own history), the bundles
    are shared."""
    version = _pagefind_version()
    cache = config.state_dir / "search"
    state = cache / _state_name(output or config.root / config.output_dir)
    salt = _salt(version, config)
    entries = {r.article.source: r for r in articles}
    current = {source: r.digest for source, r in entries.items()}
    previous = _load_state(state, salt) if reuse else None
    layout = _layout(previous, current, cache, salt)
    bundles = [Bundle(tier, _key(tier, salt)) for tier in layout]
    codes = tuple(language.code for language in config.editions)
    # Pagefind makes a WebAssembly file per language; a site in several languages gets a
    # runtime made for all of them at once (a bundle may hold only some of them).
    made_for = (version, PATCHES) if len(codes) == 1 else (version, PATCHES, codes)
    runtime = cache / f"runtime-{input_digest(made_for)[:12]}"
    missing = [b for b in bundles if not reuse or not _intact(cache / b.key, b.tier)]
    if not reuse:
        shutil.rmtree(runtime, ignore_errors=True)
    if len(codes) > 1 and bundles and not (runtime / FILES).is_file():
        _index_runtime(cache, runtime, codes)
    if missing:
        _index(missing, entries, config.search_filters, cache, runtime, jobs=jobs)
    if bundles and not (runtime / FILES).is_file():
        _index_runtime(cache, runtime)
    prefix = urls.SEARCH_BUNDLE.lstrip("/")
    for bundle in bundles:
        yield from _planned(cache / bundle.key, f"{prefix}{bundle.key}/", bundle.key)
    if bundles:
        yield from _planned(runtime, f"{prefix}{runtime.name}/", runtime.name)
    listing = _listing(
        bundles, cache, current, entries, runtime.name, filters=config.search_filters
    )
    if len(codes) == 1:
        yield OutputFile(prefix + LISTING_FILE, _json(listing))
    else:
        for folder, own in _by_language(
            listing, bundles, cache=cache, current=current, entries=entries, config=config
        ):
            yield OutputFile(prefix + (f"{folder}/" if folder else "") + LISTING_FILE, _json(own))
    _save_state(state, salt, bundles)
    _forget(cache, {runtime.name, state.name, *(b.key for b in bundles)})


def _salt(version: str, config: Config) -> str:
    """What every record and bundle depends on besides the articles. The site's kinds that are
    filters are in each record (by name, their terms are in the article's digest); a site
    without them keeps the salt, and so the bundles' names, it had before there were any."""
    parts = (version, config.language, records.RECORD_FORMAT, canonical.FORMAT, PATCHES)
    declared = tuple(kind.name for kind in config.search_filters if kind.declared)
    return repr((*parts, declared) if declared else parts)


def _layout(
    previous: tuple[Tier, ...] | None, current: Mapping[str, str], cache: Path, salt: str
) -> tuple[Tier, ...]:
    if previous is None:
        return tiers.cold(current)
    layout = tiers.update(previous, current)
    for tier in layout:
        # A kept bundle lost from the cache cannot be indexed again if it holds old copies.
        lost = not _intact(cache / _key(tier, salt), tier)
        if lost and len(tier.live(current)) != len(tier.members):
            return tiers.cold(current)
    return layout


def _key(tier: Tier, salt: str) -> str:
    return input_digest((salt, tuple((m.source, m.digest) for m in tier.members)))


def _listing(
    bundles: Sequence[Bundle],
    cache: Path,
    current: Mapping[str, str],
    entries: Mapping[str, RenderedArticle],
    runtime: str,
    *,
    filters: tuple[TermKind, ...],
) -> dict[str, Any]:
    masks = tiers.masked(tuple(b.tier for b in bundles), current)
    listed, pages, words = [], 0, 0
    for bundle, dead in zip(bundles, masks, strict=True):
        known = {(s, d): (page, count) for s, d, page, count in _pages(cache / bundle.key)}
        masked = sorted(known[(m.source, m.digest)][0] for m in dead)
        live = [known[(m.source, m.digest)][1] for m in bundle.tier.members if m not in dead]
        pages, words = pages + len(live), words + sum(live)
        listed.append(
            {
                "bundle": bundle.key,
                "level": bundle.tier.level,
                "masked": masked,
                "size": len(bundle.tier.members),
            }
        )
    return {
        "version": 2,
        "runtime": runtime,
        # What one index over the live articles would count: its page total and mean length.
        "pages": pages,
        "words": words,
        "tiers": listed,
        "facets": _facets(entries.values(), filters),
    }


def _facets(
    articles: Iterable[RenderedArticle], filters: tuple[TermKind, ...]
) -> dict[str, list[tuple[str, int]]]:
    """Each filter's terms with their article counts, by the filter's name, and the years."""
    terms: dict[str, Counter[str]] = {kind.name: Counter() for kind in filters}
    years: Counter[str] = Counter()
    for entry in articles:
        for kind in filters:
            terms[kind.name].update(term for term in kind.terms_of(entry.article) if term)
        years[str(entry.article.local_date.year)] += 1
    facets = {name: sorted(counts.items()) for name, counts in terms.items()}
    return {**facets, "year": sorted(years.items(), reverse=True)}


def _by_language(
    listing: dict[str, Any],
    bundles: Sequence[Bundle],
    *,
    cache: Path,
    current: Mapping[str, str],
    entries: Mapping[str, RenderedArticle],
    config: Config,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """A site in several languages: each search page searches its own language (Pagefind keeps
    an index per `lang`, and picks the page's), so each language has its own tiers.json, at
    /pagefind/ for the default one and /pagefind/<code>/ for the others (the search page's
    `data-bundles`): its own counts and menus, and only the bundles that hold its language,
    since Pagefind answers from another language's index in a bundle without the page's.
    The others name the bundles and runtime by '../', which the browser resolves."""
    masks = tiers.masked(tuple(b.tier for b in bundles), current)
    pages: Counter[str] = Counter()
    words: Counter[str] = Counter()
    held: list[set[str]] = []
    for bundle, dead in zip(bundles, masks, strict=True):
        known = {(s, d): count for s, d, _, count in _pages(cache / bundle.key)}
        for member in bundle.tier.members:
            if member not in dead:
                code = entries[member.source].article.language
                pages[code] += 1
                words[code] += known[(member.source, member.digest)]
        entry = json.loads((cache / bundle.key / ENTRY).read_text(encoding="utf-8"))
        held.append(set(entry.get("languages", {})))
    for number, language in enumerate(config.editions):
        code = language.code
        up = "../" if number else ""
        own = dict(listing)
        own["runtime"] = up + listing["runtime"]
        own["pages"], own["words"] = pages[code], words[code]
        own["facets"] = _facets(
            (r for r in entries.values() if r.article.language == code), config.search_filters
        )
        own["tiers"] = [
            {**tier, "bundle": up + tier["bundle"]}
            for tier, languages in zip(listing["tiers"], held, strict=True)
            if code.lower() in languages
        ]
        yield language.prefix.lstrip("/"), own


def _json(value: object) -> bytes:
    return (json.dumps(value, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode()


def _planned(folder: Path, prefix: str, key: str) -> Iterator[PlannedFile]:
    names = (folder / FILES).read_text(encoding="utf-8").split()
    for name in names:
        # A bundle's files depend on its key alone (and are named by their content).
        yield PlannedFile(prefix + name, f"search {key} {name}", partial(_read, folder, name))


def _read(folder: Path, name: str) -> bytes:
    return (folder / name).read_bytes()


def _index(
    bundles: Sequence[Bundle],
    entries: Mapping[str, RenderedArticle],
    filters: tuple[TermKind, ...],
    cache: Path,
    runtime: Path,
    *,
    jobs: int | None,
) -> None:
    """Index `bundles`, up to `jobs` Pagefind processes at once, and keep them."""
    cache.mkdir(parents=True, exist_ok=True)
    binary = _binary()
    limit = jobs or os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix=".indexing-", dir=cache) as workspace:
        queue = list(bundles)
        running: list[tuple[Bundle, Path, dict[str, Member], subprocess.Popen[bytes]]] = []
        try:
            while queue or running:
                while queue and len(running) < limit:
                    bundle = queue.pop(0)
                    work = Path(workspace) / bundle.key
                    by_url = _write_records(bundle.tier, entries, filters, work / "site")
                    running.append((bundle, work, by_url, _start(binary, work)))
                bundle, work, by_url, process = running.pop(0)
                _, stderr = process.communicate()
                if process.returncode != 0:
                    detail = stderr.decode(errors="replace").strip().splitlines()
                    raise SearchFailed(
                        "Pagefind failed to build the search index: "
                        + (detail[-1] if detail else f"exit {process.returncode}")
                    )
                _keep(work / "bundle", cache / bundle.key, runtime, by_url)
        finally:
            for _, _, _, process in running:
                process.kill()
                process.wait()


def _write_records(
    tier: Tier, entries: Mapping[str, RenderedArticle], filters: tuple[TermKind, ...], site: Path
) -> dict[str, Member]:
    by_url = {}
    for member in tier.members:
        entry = entries[member.source]  # a bundle is only ever indexed from live articles
        path = site / urls.output_path(entry.article.url)
        if path.suffix != ".html":
            path = path / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        # Each article in its own language: Pagefind keeps one index per `lang`.
        path.write_text(records.record(entry, entry.article.language, filters), encoding="utf-8")
        by_url[_page_url(path.relative_to(site).as_posix())] = member
    return by_url


def _page_url(path: str) -> str:
    return "/" + path.removesuffix("index.html")


def _start(binary: Path, work: Path) -> subprocess.Popen[bytes]:
    command = [str(binary), "--site", str(work / "site"), "--output-path", str(work / "bundle")]
    try:
        return subprocess.Popen(
            [*command, "--silent"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
    except OSError as exc:
        raise SearchFailed(f"cannot run Pagefind to build the search index: {exc}") from exc


def _keep(bundle: Path, target: Path, runtime: Path, by_url: Mapping[str, Member]) -> None:
    """Move a fresh bundle into `target` with its page table and, once per version, its
    runtime. The entry file is rewritten so that the bundle's instance fetches the runtime's
    WebAssembly (Pagefind builds its URL as basePath + "wasm." + name + ".pagefind"), which
    the browser then has already: one download for all bundles."""
    canonical.canonicalise(bundle)
    entry = json.loads((bundle / ENTRY).read_text(encoding="utf-8"))
    for language in entry.get("languages", {}).values():
        language["wasm"] = f"/../../{runtime.name}/wasm.{language.get('wasm') or 'unknown'}"
    (bundle / ENTRY).write_text(json.dumps(entry, sort_keys=True), encoding="utf-8")
    (bundle / PAGES).write_text(json.dumps(_page_table(bundle, by_url)), encoding="utf-8")
    _move(bundle, target, lambda name: name == PAGES or _is_bundle_file(name))
    if not (runtime / FILES).is_file():
        _keep_runtime(bundle, runtime)


def _keep_runtime(bundle: Path, runtime: Path) -> None:
    script = bundle / "pagefind.js"
    text = script.read_text(encoding="utf-8")
    for anchor, replacement in PATCHES:
        if text.count(anchor) != 1:
            raise SearchFailed(
                f"Pagefind {_pagefind_version()} is not supported by this newsgen's search page\n"
                "hint: install Pagefind 1.5 with `pip install 'pagefind[bin]>=1.5,<1.6'`"
            )
        text = text.replace(anchor, replacement)
    script.write_text(text, encoding="utf-8")
    _move(bundle, runtime, lambda name: name in RUNTIME or name.endswith(RUNTIME_SUFFIX))


def _index_runtime(cache: Path, runtime: Path, codes: Sequence[str] = ("en",)) -> None:
    """The runtime alone (every kept bundle was reused, or the site has several languages):
    Pagefind over one empty page per language, for each language's WebAssembly."""
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".indexing-", dir=cache) as workspace:
        work = Path(workspace)
        for number, code in enumerate(codes):
            page = work / "site" / (f"{number}/index.html" if number else "index.html")
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(
                f'<!DOCTYPE html><html lang="{code}"><body><main data-pagefind-body>x</main>'
                "</body></html>",
                encoding="utf-8",
            )
        process = _start(_binary(), work)
        process.communicate()
        if process.returncode != 0:
            raise SearchFailed("Pagefind failed to build the search runtime")
        _keep_runtime(work / "bundle", runtime)


def _page_table(bundle: Path, by_url: Mapping[str, Member]) -> list[list[object]]:
    """[source, digest, Pagefind page id, word count] per article, from the fragments."""
    table = []
    for path in sorted((bundle / "fragment").iterdir()):
        raw = path.read_bytes()
        data = raw[12:] if raw.startswith(b"pagefind_dcd") else gzip.decompress(raw)[12:]
        fragment = json.loads(data)
        member = by_url[fragment["url"]]
        table.append([member.source, member.digest, path.stem, int(fragment["word_count"])])
    return sorted(table)


PageRows = tuple[tuple[str, str, str, int], ...]
# A build reads each bundle's page table twice, and a serving process every build, while a
# sealed tier's stays the same.
_page_tables: FileMemo[PageRows] = FileMemo()


def _pages(folder: Path) -> PageRows:
    path = folder / PAGES
    stat = file_stat(path)
    table = _page_tables.get(path, stat)
    if table is None:
        rows = json.loads(path.read_text(encoding="utf-8"))
        table = tuple((str(s), str(d), str(p), int(n)) for s, d, p, n in rows)
        _page_tables.put(path, stat, table)
    return table


def _intact(folder: Path, tier: Tier) -> bool:
    """Whether a kept bundle can be published as it is: its files listed, and a page id for
    each of its articles (the cache is not trusted; anything else means indexing again)."""
    try:
        known = {(s, d) for s, d, _, _ in _pages(folder)}
        return (folder / FILES).is_file() and all(
            (m.source, m.digest) in known for m in tier.members
        )
    except (OSError, ValueError, TypeError):
        return False


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
            if name != PAGES:
                names.append(name)
    (staging / FILES).write_text("\n".join(names) + "\n", encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)  # the listing appears with the files: a bundle is whole or absent


def _is_bundle_file(name: str) -> bool:
    top = name.split("/", 1)[0]
    return top in BUNDLE_FILES or top in BUNDLE_FOLDERS or top.endswith(BUNDLE_SUFFIX)


def _state_name(output: Path) -> str:
    digest = hashlib.blake2b(str(output.resolve()).encode(), digest_size=8).hexdigest()
    return f"{STATE_PREFIX}{digest}.json"


def carry_layout(config: Config, published: Path, preview: Path) -> None:
    """Start `preview`'s layout as `published`'s: a preview seeded from the published site
    holds that layout's bundles already, and without it would index the whole archive again
    in one bundle and write every search file anew."""
    cache = config.state_dir / "search"
    try:
        data = read_regular(cache / _state_name(published), follow=False)
    except OSError:
        return  # no layout yet: the preview's first build makes one
    write_file(cache / _state_name(preview), data, root=config.state_dir)


# The layout each output folder's last build left, as this process read or wrote it.
_states: FileMemo[tuple[str, tuple[Tier, ...]]] = FileMemo()


def _load_state(path: Path, salt: str) -> tuple[Tier, ...] | None:
    """The previous layout, or None if there is none or it is not exactly what we write."""
    stat = file_stat(path)
    known = _states.get(path, stat)
    if known is not None:
        return known[1] if known[0] == salt else None
    layout = _read_state(path, salt)
    if layout is not None:
        _states.put(path, stat, (salt, layout))
    return layout


def _read_state(path: Path, salt: str) -> tuple[Tier, ...] | None:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        if state["format"] != STATE_FORMAT or state["salt"] != salt:
            return None
        layout = []
        for tier in state["tiers"]:
            level, members = tier["level"], tier["members"]
            if not isinstance(level, int) or level < 0 or not isinstance(members, list):
                return None
            pairs = [(m[0], m[1]) for m in members]
            if not all(isinstance(s, str) and isinstance(d, str) for s, d in pairs):
                return None
            layout.append(Tier(level, tuple(sorted(Member(s, d) for s, d in pairs))))
        if len({t.level for t in layout}) != len(layout):
            return None
        return tuple(layout)
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def _save_state(path: Path, salt: str, bundles: Sequence[Bundle]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {
        "format": STATE_FORMAT,
        "salt": salt,
        "tiers": [
            {
                "level": b.tier.level,
                "key": b.key,
                "members": [[m.source, m.digest] for m in b.tier.members],
            }
            for b in bundles
        ],
    }
    temporary = path.with_name(path.name + ".new")
    temporary.write_bytes(_json(state))
    temporary.replace(path)
    layout = tuple(Tier(b.tier.level, tuple(sorted(b.tier.members))) for b in bundles)
    _states.wrote(path, (salt, layout))  # as _read_state would give it back


def _forget(cache: Path, keep: set[str]) -> None:
    """Drop the cached bundles no output folder's layout uses, so the cache does not grow."""
    if not cache.is_dir():
        return
    for path in cache.glob(STATE_PREFIX + "*.json"):
        keep.add(path.name)
        try:
            keep.update(str(tier["key"]) for tier in json.loads(path.read_bytes())["tiers"])
        except (OSError, ValueError, KeyError, TypeError):
            continue  # unreadable: its folder's next build starts cold anyway
    for path in cache.iterdir():
        if path.name not in keep:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


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
