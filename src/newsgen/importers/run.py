"""Run an import: recognise each source, read it into records, write them, report.

Sources that cannot be read at all (missing files, broken XML, broken front matter) end the
run before anything is written, with every such problem reported at once (ImportFailed). The
writing holds the site's build lock, so that one import or build at a time changes a site.
Nothing is read through a link that leads out of the folder being imported.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

from newsgen.build import lock
from newsgen.content.config import load_config
from newsgen.errors import BuildFailed, NewsgenError, Problem
from newsgen.importers import detect, pages
from newsgen.importers.files import files_below, shown_path
from newsgen.importers.profiles import write_profiles
from newsgen.importers.record import ArticleRecord, Skipped, SourceResult
from newsgen.importers.write import Written, write_records

_PAGE_SUFFIXES = (".txt", ".text", ".html", ".htm", ".md", ".markdown", ".rst", ".xml", ".json")


class ImportFailed(BuildFailed):
    """Sources that cannot be read: nothing was imported."""


@dataclass(frozen=True, slots=True)
class ImportOptions:
    root: Path  # the site folder
    paths: tuple[Path, ...]  # what to import
    source_format: str | None = None  # one of detect.FORMATS, or None to recognise it
    default_date: date | None = None  # for sources that have no date
    dry_run: bool = False
    boilerplate: tuple[str, ...] = ()  # more trailing lines to drop from pages (regexes)
    # Called with (what, done, total): "files read", then "articles" written.
    progress: Callable[[str, int, int], None] | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class ImportReport:
    written: tuple[Written, ...]
    skipped: tuple[Skipped, ...]
    warnings: tuple[Problem, ...]
    dry_run: bool
    profiles: tuple[str, ...] = ()  # authors given an entry in authors.yaml


def run_import(options: ImportOptions) -> ImportReport:
    if options.source_format not in (None, *detect.FORMATS):
        known = ", ".join(detect.FORMATS)
        raise NewsgenError(f"unknown format {options.source_format!r}; newsgen reads {known}")
    config = load_config(options.root)
    problems: list[Problem] = []
    sources: list[tuple[Path, str | None]] = []  # (file or site folder, generator of a folder)
    results: list[SourceResult] = []
    for path in options.paths:
        if path.exists():
            found, refused = _sources(path, options.source_format)
            sources.extend(found)
            results.append(SourceResult(skipped=refused))
        else:
            problems.append(Problem(shown_path(path), 1, 1, "no such file or folder"))
    for number, (path, flavour) in enumerate(sources, 1):
        if options.progress is not None:
            options.progress("files read", number, len(sources))
        try:
            results.append(_read(path, flavour, options))
        except BuildFailed as exc:
            problems.extend(exc.problems)
        except OSError as exc:
            message = f"cannot be read: {exc.strerror or exc}"
            problems.append(Problem(shown_path(path), 1, 1, message))
    if problems:
        raise ImportFailed(problems)
    records: list[ArticleRecord] = [r for result in results for r in result.records]
    write = partial(
        write_records,
        config,
        records,
        default_date=options.default_date,
        dry_run=options.dry_run,
        progress=None if options.progress is None else partial(options.progress, "articles"),
    )
    # A dry run reads only, and must leave no trace (not even .newsgen/): it takes no lock.
    holding = (
        contextlib.nullcontext()
        if options.dry_run
        else lock.holding(config.state_dir, "articles/ (an import)")
    )
    with holding:
        outcome = write()
        people = write_profiles(
            options.root,
            (person for result in results for person in result.authors),
            (name for written in outcome.written for name in written.record.authors),
            dry_run=options.dry_run,
        )
    return ImportReport(
        written=outcome.written,
        skipped=tuple(s for result in results for s in result.skipped) + outcome.skipped,
        warnings=tuple(w for result in results for w in result.warnings)
        + outcome.warnings
        + people.warnings,
        dry_run=options.dry_run,
        profiles=people.added,
    )


def _sources(
    path: Path, chosen: str | None
) -> tuple[list[tuple[Path, str | None]], tuple[Skipped, ...]]:
    """A site folder as one source; any other folder as the files below it; a file as itself.
    Problems: files below a folder that cannot be read safely (links out, names not UTF-8)."""
    if not path.is_dir():
        return [(path, None)], ()
    flavour = chosen if chosen in detect.GENERATORS else detect.detect_folder(path)
    if flavour is not None:
        return [(path, flavour)], ()
    files, refused = files_below(path, path, _PAGE_SUFFIXES)
    return [(file, None) for file in files], refused


def _read(path: Path, flavour: str | None, options: ImportOptions) -> SourceResult:
    if flavour is not None:
        from newsgen.importers import generators  # noqa: PLC0415

        return generators.read_tree(path, flavour)
    return _read_file(path, options.source_format, options)


def _read_file(path: Path, chosen: str | None, options: ImportOptions) -> SourceResult:
    data = path.read_bytes()
    shown = shown_path(path)
    kind = chosen or detect.detect_file(data[:65536])
    boilerplate = pages.boilerplate_patterns(options.boilerplate)
    if kind == "wordpress":
        from newsgen.importers import wordpress  # noqa: PLC0415

        return wordpress.read_export(data, shown)
    if kind == "feed":
        from newsgen.importers import feeds  # noqa: PLC0415

        return feeds.read_feed(data, shown)
    if kind in ("markdown", *detect.GENERATORS):
        from newsgen.importers import generators  # noqa: PLC0415

        flavour = kind if kind in detect.GENERATORS else None
        return generators.read_file(data, path, shown, flavour)
    if kind == "html":
        return pages.read_html(data, path, shown, boilerplate)
    return pages.read_text(data, path, shown, boilerplate)
