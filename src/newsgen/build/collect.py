"""Load and render every article, reusing the build cache and, for many misses, all cores.

Problems of every file are collected, never raised. Without a cache (newsgen check) nothing is
written and bodies stay in memory.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from newsgen.build.parallel import forking, worker_started
from newsgen.content import urls
from newsgen.content.config import Config
from newsgen.content.images import image_size, local_images, with_image_size
from newsgen.content.loader import (
    ArticleInvalid,
    comma_warnings,
    decode,
    find_article_files,
    parse_article,
)
from newsgen.content.markdown import render_article, shared_markdown
from newsgen.errors import Problem
from newsgen.model import RenderedArticle
from newsgen.safefile import read_regular
from newsgen.store.cache import (
    ArticleCache,
    Bodies,
    CachedArticle,
    StatKey,
    article_digest,
    stat_key,
)

# Below this many articles to read, a process pool costs more than it saves.
PARALLEL_THRESHOLD = 64


@dataclass(frozen=True, slots=True)
class Loaded:
    articles: tuple[RenderedArticle, ...]  # every valid article, drafts and future ones too
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    cache_hits: int
    entries: dict[str, CachedArticle]  # for the next cache
    changed: frozenset[str]  # sources whose entries differ from the cache that was read
    dropped_bodies: frozenset[str]  # digests of bodies the cache held for changed sources
    # The generation of the cache that was read (cache.GENERATION); "" when none was read.
    basis: str = ""


@dataclass(frozen=True, slots=True)
class _Result:
    source: str
    stat: StatKey
    read_at: int
    rendered: RenderedArticle | None
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]


def load(
    config: Config,
    cache: ArticleCache | None,
    jobs: int,
    fingerprint: str,
    *,
    reuse: bool = True,
    kept: dict[str, CachedArticle] | None = None,
    stats: Mapping[str, StatKey] | None = None,
) -> Loaded:
    """Every article of the site; with `reuse` false the cache is refilled, not read. `kept`
    (a serving process's articles of its last build) stands in for reading the cache; `stats`
    (by path) are stats this build already took of the article files."""
    taken = stats or {}
    previous: dict[str, CachedArticle] = {}
    warnings: list[Problem] = []
    basis = ""
    if kept is not None and reuse:
        previous = kept
    elif cache is not None and reuse:
        previous, damaged, basis = cache.load()
        if damaged:
            warnings.append(Problem(".newsgen/cache", 1, 1, damaged))
    entries: dict[str, CachedArticle] = {}
    misses: list[tuple[Path, str, StatKey]] = []
    hits = 0
    found, problems = find_article_files(config.articles_dir, config.root)
    sizes: dict[str, tuple[int, int] | None] = {}  # image sizes read in this build, by path
    static_dir = config.static_dir  # a property: made once, not once per article
    # Each source's path below the site folder, cut from its text: relative_to cost 0.03 s of
    # this loop at 10,000 articles, a quarter of a serving process's reading of its articles.
    root = str(config.root)
    prefix = "" if root == "." else root.rstrip("/") + "/"
    for path in found:
        text = str(path)
        if text.startswith(prefix) and not text.startswith("/", len(prefix)):
            source = text[len(prefix) :]
        else:
            source = path.relative_to(config.root).as_posix()
        stat = taken.get(text)
        if stat is None:
            try:
                stat = stat_key(path)
            except OSError:
                stat = (0, 0, 0, 0)  # unreadable: read_one reports it
        cached = previous.get(source)
        if (
            cached is not None
            and cached.still_fresh(stat)
            and _images_current(cached.rendered, static_dir, sizes)
        ):
            entries[source] = cached
            hits += 1
        else:
            misses.append((path, source, stat))
    bodies = cache.bodies if cache is not None else None
    read = partial(_read_one, config=config, bodies=bodies, fingerprint=fingerprint)
    for result in _map(read, misses, jobs):
        problems.extend(result.problems)
        warnings.extend(result.warnings)
        if result.rendered is not None:
            entries[result.source] = CachedArticle(result.stat, result.rendered, result.read_at)
    changed = frozenset(source for _, source, _ in misses) | (previous.keys() - entries.keys())
    dropped = frozenset(previous[s].rendered.digest for s in changed if s in previous)
    articles = tuple(entries[source].rendered for source in sorted(entries))
    return Loaded(
        articles, tuple(problems), tuple(warnings), hits, entries, changed, dropped, basis
    )


def _images_current(
    rendered: RenderedArticle, static_dir: Path, sizes: dict[str, tuple[int, int] | None]
) -> bool:
    """Whether the local images of a cached article still have the sizes its pages show: a
    replaced image file changes its page (width, height, variants) as a clean build would."""
    article = rendered.article
    shown = [(src, (w, h) if w else None) for src, _, _, w, h in rendered.images]
    if article.image and article.image.startswith(urls.STATIC):
        shown.append((article.image, article.image_size))
    for src, size in shown:
        if src not in sizes:
            sizes[src] = image_size(static_dir, src.removeprefix(urls.STATIC))
        if sizes[src] != size:
            return False
    return True


def _read_one(
    item: tuple[Path, str, StatKey],
    config: Config,
    bodies: Bodies | None,
    fingerprint: str,
) -> _Result:
    path, source, stat = item
    read_at = time.time_ns()
    try:
        data = read_regular(path)
        text, warning = decode(data, source)
        article = with_image_size(parse_article(text, source, config), config.static_dir)
    except ArticleInvalid as exc:
        return _Result(source, stat, read_at, None, tuple(exc.problems), ())
    except OSError as exc:
        problem = Problem(source, 1, 1, f"cannot read file: {exc.strerror}")
        return _Result(source, stat, read_at, None, (problem,), ())
    # The image's size shows on its pages: a new size must change what they are keyed on.
    digest = article_digest(fingerprint, data + repr(article.image_size).encode())
    rendered, lost = render_article(
        shared_markdown(config.allow_html, urls.base_path(config.base_url)), article, digest
    )
    local = local_images(rendered.images, article.url, urls.base_path(config.base_url))
    # The body's images, with their sizes, show on its page too (width, height, variants).
    sized = tuple(
        (
            src,
            line,
            column,
            *(image_size(config.static_dir, src.removeprefix(urls.STATIC)) or (0, 0)),
        )
        for src, line, column in local
    )
    if sized:
        digest = article_digest(fingerprint, data + repr((article.image_size, sized)).encode())
    rendered = dataclasses.replace(rendered, images=sized, digest=digest)
    found = tuple(w for w in (warning, lost, *comma_warnings(article)) if w is not None)
    if bodies is not None:
        try:
            body = bodies.store(digest, rendered.body.read())
        except OSError:  # the cache is an optimisation: keep this body in memory instead
            return _Result(source, stat, read_at, rendered, (), found)
        # The Markdown source is not needed once rendered: kept, it would be most of the
        # cache's bytes, and reading the cache would cost more than the rest of a build.
        rendered = dataclasses.replace(
            rendered, article=dataclasses.replace(rendered.article, body=""), body=body
        )
    return _Result(source, stat, read_at, rendered, (), found)


def _map(
    function: partial[_Result], items: list[tuple[Path, str, StatKey]], jobs: int
) -> Iterable[_Result]:
    if jobs <= 1 or len(items) < PARALLEL_THRESHOLD:
        return map(function, items)
    # fork shares the loaded modules with the workers; elsewhere the default is safer.
    context = multiprocessing.get_context("fork" if os.name == "posix" else None)
    chunk = max(1, len(items) // (jobs * 8))
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=worker_started,  # workers die with the build, however it ends
        initargs=(os.getpid(),),
    )
    try:
        with forking():  # map() forks every worker at once
            mapped = pool.map(function, items, chunksize=chunk)
        results = list(mapped)
    except BaseException:
        # Ctrl-C or SIGTERM: do not wait for the reads still queued; end the workers now.
        for process in list(pool._processes.values()):
            process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return results
