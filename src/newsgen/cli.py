"""The command line: parse arguments, run a command, print its report or its problems.

This is the one place that prints. Exit codes: 0 ok, 1 content or config problems,
2 usage errors, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM). Tracebacks only with --debug.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from newsgen import __version__
from newsgen.build.run import BuildOptions, BuildReport, build
from newsgen.errors import BuildFailed, NewsgenError, Problem
from newsgen.options import FIRST_YEAR, LAST_YEAR

# The other commands' modules are imported when they run, so that `newsgen build` of an
# unchanged site starts in a few hundredths of a second.

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143


class Terminated(KeyboardInterrupt):
    """SIGTERM, stopping a command the way Ctrl-C does: whatever it was writing is finished or
    undone on the way out (writer.py), and the exit code says which signal it was."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    # A build holds tens of thousands of long-lived objects (articles, plan, manifest) and
    # makes millions of short-lived ones, few in cycles: at the default thresholds the cycle
    # collector walks the long-lived ones again and again, a fifth of an edit's time at
    # 10,000 articles for no memory saved (the peak stays the same).
    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        return _run(args)
    finally:
        gc.set_threshold(*thresholds)


def _run(args: argparse.Namespace) -> int:
    handler = signal.getsignal(signal.SIGTERM)
    # Only the main thread may set handlers; main() run in another thread keeps SIGTERM's.
    handling = threading.current_thread() is threading.main_thread()
    if handling and args.command in ("build", "check"):
        signal.signal(signal.SIGTERM, _terminate)
    try:
        return int(args.run(args))
    except KeyboardInterrupt as exc:
        if args.debug:
            raise
        terminated = isinstance(exc, Terminated)
        what = "terminated" if terminated else "interrupted"
        print(f"{what}; the previous site is unchanged", file=sys.stderr)
        return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
    except BuildFailed as exc:
        if args.debug:
            raise
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        count = len(exc.problems)
        what = "import" if args.command == "import" else "build"
        print(
            f"error: {what} failed with {count} problem{'s' * (count != 1)}; nothing was written",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    except NewsgenError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    finally:
        if handling:  # main() may run again in this process
            signal.signal(signal.SIGTERM, handler)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsgen", description="Build a static news archive from Markdown articles."
    )
    parser.add_argument("--version", action="version", version=f"newsgen {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    build_parser = commands.add_parser("build", help="build the site into the output folder")
    _add_site_options(build_parser)
    build_parser.add_argument(
        "--force",
        action="store_true",
        help="write into an output folder holding files newsgen did not write",
    )
    build_parser.add_argument(
        "--full", action="store_true", help="read and render everything again, ignoring the cache"
    )
    build_parser.add_argument(
        "-q", "--quiet", action="store_true", help="print nothing but problems"
    )
    build_parser.add_argument(
        "--explain",
        metavar="PATH",
        help="say why this output (a path in the output folder, or a URL) was or was not rebuilt",
    )
    build_parser.set_defaults(run=_run_build)

    serve_parser = commands.add_parser(
        "serve", help="preview the site, rebuilding and reloading the browser on every change"
    )
    _add_site_options(serve_parser)
    serve_parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only)",
    )
    serve_parser.add_argument(
        "--port",
        type=int,
        default=8000,
        help="port to listen on; 0 picks a free one (default: 8000)",
    )
    serve_parser.set_defaults(run=_run_serve)

    check_parser = commands.add_parser(
        "check", help="report every problem a build would find, and broken links; write nothing"
    )
    _add_site_options(check_parser)
    check_parser.set_defaults(run=_run_check)

    new_parser = commands.add_parser("new", help="write a new article file, dated now")
    new_parser.add_argument(
        "title", metavar="HEADLINE", nargs="?", help="optional with --translation-of"
    )
    _add_source_option(new_parser)
    new_parser.add_argument("--section")
    new_parser.add_argument("--tag", action="append", default=[], help="a tag (repeatable)")
    new_parser.add_argument("--author", action="append", default=[], help="an author (repeatable)")
    new_parser.add_argument(
        "--term",
        action="append",
        default=[],
        metavar="KIND=TERM",
        help="a term of one of the site's own kinds (newsgen.yaml 'taxonomies'; repeatable)",
    )
    new_parser.add_argument("--draft", action="store_true", help="mark the article a draft")
    new_parser.add_argument("--language", help="one of the site's languages (default: the first)")
    new_parser.add_argument(
        "--translation-of",
        type=Path,
        metavar="PATH",
        help="the article this one translates: it shares its translation_key",
    )
    new_parser.add_argument(
        "--now",
        type=_moment,
        default=None,
        metavar="ISO-8601",
        help="the article's date (default: now)",
    )
    new_parser.set_defaults(run=_run_new)

    init_parser = commands.add_parser("init", help="create a new site in an empty folder")
    init_parser.add_argument("folder", type=Path, metavar="DIR")
    init_parser.set_defaults(run=_run_init)

    import_parser = commands.add_parser(
        "import",
        help="bring articles in from WordPress, feeds, Hugo, Jekyll, Pelican or scraped pages",
    )
    import_parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    _add_source_option(import_parser)
    import_parser.add_argument(
        "--from",
        dest="source_format",
        choices=("wordpress", "feed", "hugo", "jekyll", "pelican", "text", "html"),
        help="the format of every PATH (default: recognised from the content)",
    )
    import_parser.add_argument(
        "--date",
        type=_day,
        default=None,
        metavar="YYYY-MM-DD",
        help="the date of articles whose source has none",
    )
    import_parser.add_argument(
        "--dry-run", action="store_true", help="report what would be imported; write nothing"
    )
    import_parser.add_argument(
        "--boilerplate",
        action="append",
        default=[],
        metavar="PATTERN",
        help="a regular expression for whole trailing lines to drop from pages (repeatable)",
    )
    import_parser.set_defaults(run=_run_import)
    return parser


def _add_source_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-s",
        "--source",
        type=Path,
        default=Path(),
        metavar="DIR",
        help="the site folder, holding newsgen.yaml (default: current folder)",
    )


def _add_site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-j",
        "--jobs",
        type=_positive,
        default=os.cpu_count() or 1,
        metavar="N",
        help="processes for reading and rendering articles (default: the number of cores)",
    )
    _add_source_option(parser)
    parser.add_argument("--drafts", action="store_true", help="include articles marked draft")
    parser.add_argument("--future", action="store_true", help="include articles dated after now")
    parser.add_argument(
        "--now",
        type=_moment,
        default=None,
        metavar="ISO-8601",
        help="the build's clock, e.g. 2026-11-24T12:00:00+00:00 (default: now)",
    )


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return int(text)


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date and time: {text!r}") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} needs a UTC offset, such as +00:00")
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise argparse.ArgumentTypeError(
            f"{text!r} is outside the supported range, years {FIRST_YEAR} to {LAST_YEAR}"
        )
    return moment


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date written YYYY-MM-DD: {text!r}") from None


class _Progress:
    """One line on a terminal, rewritten in place, for builds that take more than a second."""

    def __init__(self, label: str = "Writing the site", noun: str = "files") -> None:
        self.label, self.noun = label, noun
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.started < 1.0 or now - self.last < 0.1:
            return
        self.last, self.shown = now, True
        sys.stderr.write(f"\r{self.label}: {done:,} of {max(done, total):,} {self.noun}")
        sys.stderr.flush()

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _run_build(args: argparse.Namespace) -> int:
    progress = _Progress() if sys.stderr.isatty() and not args.quiet else None
    options = dataclasses.replace(
        _build_options(args, force=args.force), progress=progress, explain=args.explain
    )
    try:
        report = build(options)
    finally:
        if progress is not None:
            progress.clear()
    _print_warnings(report.warnings)
    for line in report.explained:
        print(line)
    if not args.quiet:
        print(_summary(report))
    return EXIT_OK


def _run_serve(args: argparse.Namespace) -> int:
    from newsgen.serve.server import ServeOptions, serve  # noqa: PLC0415

    options = ServeOptions(build=_build_options(args), host=args.host, port=args.port)
    # Stop cleanly on Ctrl-C and on SIGTERM, even when started with SIGINT ignored
    # (as a shell does for background jobs).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        serve(options, say=lambda message: print(message, file=sys.stderr, flush=True))
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)  # Ctrl-C is how a preview ends: not an error
    return EXIT_OK


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _terminate(_signum: int, _frame: object) -> None:
    raise Terminated


def _run_check(args: argparse.Namespace) -> int:
    from newsgen.check import check  # noqa: PLC0415

    report = check(_build_options(args))
    _print_warnings(report.warnings)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if report.problems:
        print(f"error: {_count(len(report.problems), 'problem')} found", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Checked {_count(report.articles, 'article')}: no problems found")
    return EXIT_OK


def _run_new(args: argparse.Namespace) -> int:
    from newsgen.scaffold import new_article  # noqa: PLC0415

    path = new_article(
        args.source,
        args.title,
        section=args.section,
        tags=args.tag,
        authors=args.author,
        terms=args.term,
        draft=args.draft,
        now=args.now,
        language=args.language,
        translation_of=args.translation_of,
    )
    print(path.relative_to(args.source).as_posix())
    return EXIT_OK


def _run_init(args: argparse.Namespace) -> int:
    from newsgen.scaffold import init_site  # noqa: PLC0415

    written = init_site(args.folder)
    print(f"Created a new site in {args.folder}/ ({_count(len(written), 'file')}).")
    print(f"Next: cd {args.folder} && newsgen serve")
    return EXIT_OK


def _run_import(args: argparse.Namespace) -> int:
    from newsgen.importers.run import ImportOptions, run_import  # noqa: PLC0415
    from newsgen.importers.summary import details, summary  # noqa: PLC0415

    progress = _Progress("Importing", "files read") if sys.stderr.isatty() else None

    def show(what: str, done: int, total: int) -> None:
        if progress is not None:
            progress.noun = what
            progress(done, total)

    options = ImportOptions(
        root=args.source,
        paths=tuple(args.paths),
        source_format=args.source_format,
        default_date=args.date,
        dry_run=args.dry_run,
        boilerplate=tuple(args.boilerplate),
        progress=show if progress is not None else None,
    )
    try:
        report = run_import(options)
    finally:
        if progress is not None:
            progress.clear()
    _print_warnings(report.warnings)
    for line in details(report):
        print(line, file=sys.stderr)
    print(summary(report))
    return EXIT_OK


def _build_options(args: argparse.Namespace, force: bool = False) -> BuildOptions:
    return BuildOptions(
        root=args.source,
        drafts=args.drafts,
        future=args.future,
        now=args.now,
        force=force,
        full=getattr(args, "full", False),
        jobs=args.jobs,
    )


def _print_warnings(warnings: Sequence[Problem]) -> None:
    for warning in warnings:
        print(
            f"{warning.path}:{warning.line}:{warning.column}: warning: {warning.message}",
            file=sys.stderr,
        )
        if warning.hint:
            print(f"hint: {warning.hint}", file=sys.stderr)


def _summary(report: BuildReport) -> str:
    written = report.write
    lines = [
        f"Built {_count(report.articles, 'article')} into {report.output_dir}/: "
        f"{_count(report.pages, 'page')}, {_count(report.feeds, 'feed')}, "
        f"{_count(written.files, 'file')} ({written.written} written, "
        f"{written.unchanged} unchanged, {written.removed} removed) in {report.seconds:.2f} s, "
        f"{report.cache_hits} of {report.articles + report.drafts + report.scheduled} "
        "articles from the cache"
    ]
    if report.up_to_date:  # say only what was checked: nothing was read, rendered or written
        lines = [
            f"{report.output_dir}/ is up to date: no source, template or setting changed, and "
            f"all {written.files} files of the last build are in place, untouched (checked in "
            f"{report.seconds:.2f} s); {_count(report.articles, 'article')}, "
            f"{_count(report.pages, 'page')}, {_count(report.feeds, 'feed')}"
        ]
    if report.drafts or report.scheduled:
        held = (
            f"Held back {_count(report.drafts, 'draft')} and "
            f"{_count(report.scheduled, 'scheduled article')}"
        )
        if report.next_due is not None:
            held += f"; the next is due {report.next_due.isoformat()}"
        lines.append(held)
    return "\n".join(lines)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
