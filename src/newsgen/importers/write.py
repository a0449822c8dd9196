"""The one writer of imported article files: front matter + body, never over an existing file.

It reads the articles already in the site first, so that a second import of the same source
writes nothing (same import id, same old URL, or same title and slug on the same day), and so
that a slug taken by another article gets a deterministic suffix (-2, -3, …), not a clash.
Records are settled first (settle.py), each file is read back through the loader's rules
before it is written (what the build would refuse is reported, never written), and written
whole by files.create_new. Links between the records are written once every URL is known.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from newsgen.content import urls
from newsgen.content.config import Config
from newsgen.content.loader import ArticleInvalid, decode, find_article_files, parse_article
from newsgen.errors import Problem, WriteFailed
from newsgen.importers.files import APPEARED, OUTSIDE, create_new, remove_temporaries
from newsgen.importers.record import ArticleRecord, Skipped
from newsgen.importers.settle import (
    chosen_spellings,
    cleaned,
    dead_links,
    one_spelling,
    own_page,
    settled_terms,
    terms_of,
)
from newsgen.options import FIRST_YEAR, LAST_YEAR

try:  # libyaml's emitter when present: the same output, faster
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]

IMPORT_ID_KEY = "imported_from"  # under `extra`: the source's own id of the article

_Day = date  # a name for the type inside Written, whose `date` field hides it


@dataclass(frozen=True, slots=True)
class Written:
    record: ArticleRecord
    path: Path  # the article file (not written on a dry run)
    url: str
    slug: str
    date: datetime | date
    aliases: tuple[str, ...]  # the record's old URLs that can have a redirect page
    day: _Day  # the date in the site's time zone: with the slug, how a copy is recognised


@dataclass(frozen=True, slots=True)
class WriteOutcome:
    written: tuple[Written, ...]
    skipped: tuple[Skipped, ...]
    warnings: tuple[Problem, ...]


@dataclass(slots=True)
class _Taken:
    """What the site already holds, grown as this run plans files (local to one run)."""

    ids: dict[str, str]  # import id -> article file
    id_urls: dict[str, str]  # import id -> article URL, for links between imported articles
    aliases: dict[str, str]  # alias URL -> article file
    days: dict[tuple[str, date], tuple[str, str]]  # (slug, day) -> (article file, title)
    urls: set[str]  # by collision key: paths that differ only in case are one file
    paths: set[str]
    suffixes: dict[str, int]  # slug -> the next number to try after it, for many clashes
    # (kind, URL slug) -> the spelling the site's articles have: another spelling with that
    # slug would be another term on the same page, which the build refuses.
    terms: dict[tuple[str, str], str] = field(default_factory=dict)


def write_records(
    config: Config,
    records: Sequence[ArticleRecord],
    *,
    default_date: date | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> WriteOutcome:
    """Write each record as articles/YYYY/<slug>.md, in order; report what was not written."""
    taken = _existing(config)
    if not dry_run:
        remove_temporaries(config.articles_dir)
    planned: list[tuple[Written, list[str]]] = []
    skipped: list[Skipped] = []
    for number, given in enumerate(records, 1):
        if progress is not None:
            progress(number, len(records))
        record, cleaning = cleaned(given)
        record = settled_terms(record, taken.terms, cleaning)
        outcome = _place(config, record, taken, default_date)
        if isinstance(outcome, Skipped):
            skipped.append(outcome)
            continue
        item, notes = outcome
        shown = item.path.relative_to(config.root).as_posix()
        refused = _refused_by_the_build(article_text(item), shown, config)
        if refused is not None:
            skipped.append(Skipped(_at(record.source, f"skipped: {refused}"), "refused article"))
            continue
        _claim(taken, item, shown)
        planned.append((item, [*cleaning, *notes]))
    # Every article has its URL now, so links between them can be written.
    written: list[Written] = []
    warnings: list[Problem] = []
    chosen = chosen_spellings(item.record for item, _notes in planned)
    folders = tuple(kind.folder for kind in config.taxonomies)  # the site's own kinds' pages
    for planned_item, notes in planned:
        item = _with_links(planned_item, taken, notes)
        item = dataclasses.replace(item, record=one_spelling(item.record, chosen, notes))
        notes.extend(dead_links(item.record.body, lambda url: _has(taken, url), folders))
        record = item.record
        if not dry_run:
            shown = item.path.relative_to(config.root).as_posix()
            failure = create_new(item.path, article_text(item).encode("utf-8"), config.root)
            if failure in (APPEARED, OUTSIDE):
                message = f"skipped: {shown} {failure}"
                reason = "already" if failure == APPEARED else "unsafe folder"
                skipped.append(Skipped(_at(record.source, message), reason))
                continue
            if failure is not None:  # a full disk fails every file after it: stop here
                raise WriteFailed(
                    f"{shown} {failure}; {_count(len(written), 'article')} of this import "
                    "were written before it (each whole): run the import again to complete it"
                )
        warnings.extend(_at(record.source, note) for note in (*record.warnings, *notes))
        written.append(item)
    return WriteOutcome(tuple(written), tuple(skipped), tuple(warnings))


def _with_links(item: Written, taken: _Taken, notes: list[str]) -> Written:
    """The body with each link to another article pointing at its new URL."""
    record = item.record
    if not record.links:
        return item
    body = record.body
    for link in record.links:
        url = taken.id_urls.get(link.target) if link.target else None
        if url is None:
            notes.append(f"{link.original} names no article of this import; left as it was")
            body = body.replace(link.mark, link.original)
        else:
            body = body.replace(link.mark, url)
    return dataclasses.replace(item, record=dataclasses.replace(record, body=body, links=()))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _refused_by_the_build(text: str, shown: str, config: Config) -> str | None:
    """Read the file as the build will; what it would refuse, if anything."""
    try:
        checked, _warning = decode(text.encode("utf-8"), shown)
        parse_article(checked, shown, config)
    except ArticleInvalid as exc:
        return "; ".join(p.message for p in exc.problems) or "the build would refuse it"
    return None


def article_text(item: Written) -> str:
    """Front matter through yaml.safe_dump (colons, quotes and '#' always come out safe)."""
    record = item.record
    front: dict[str, object] = {"title": record.title, "date": item.date}
    if record.updated is not None:
        front["updated"] = record.updated
    front["slug"] = item.slug
    optional: dict[str, object] = {
        "authors": list(record.authors),
        "section": record.section,
        "tags": list(record.tags),
        "summary": record.summary,
        "dateline": record.dateline,
        "image": record.image,
        "draft": record.draft or None,
        "aliases": list(item.aliases),
        # Kept only for a site with that language (see _in_language); the default is implied.
        "language": record.language,
        "translation_key": record.translation_key,
    }
    front.update((key, value) for key, value in optional.items() if value)
    front["extra"] = {IMPORT_ID_KEY: record.source_id}
    dumped = yaml.dump(front, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100_000)
    return f"---\n{dumped}---\n\n{record.body.strip()}\n"


def _place(
    config: Config, record: ArticleRecord, taken: _Taken, default_date: date | None
) -> tuple[Written, list[str]] | Skipped:
    notes: list[str] = []
    moment = record.date or default_date
    if moment is None:
        return Skipped(_at(record.source, "skipped: no date (give one with --date)"), "no date")
    if record.date is None:
        notes.append(f"no date in the source; dated {moment.isoformat()} (--date)")
    if not FIRST_YEAR + 1 <= moment.year <= LAST_YEAR - 1:
        # A year's margin: a date near the ends can fall outside them in another time zone.
        message = (
            f"skipped: its date {moment.isoformat()} is outside the years newsgen supports "
            f"({FIRST_YEAR + 1} to {LAST_YEAR - 1})"
        )
        return Skipped(_at(record.source, message), "out-of-range date")
    moment = _settled(moment, config, notes)
    known = next((i for i in (record.source_id, *record.former_ids) if i in taken.ids), None)
    if known is not None:
        already = taken.ids[known]
        return Skipped(_at(record.source, f"skipped: already imported as {already}"), "already")
    aliases, alias_notes = _aliases(record.aliases)
    notes.extend(alias_notes)
    for alias in aliases:
        if alias in taken.aliases:
            already = taken.aliases[alias]
            message = f"skipped: its old URL {alias} is already an alias of {already}"
            return Skipped(_at(record.source, message), "already")
    local = _local(moment, config)
    record = _in_language(config, record, notes)
    base = urls.slugify_segment(record.slug or "") or urls.slugify_segment(record.title)
    base = base or "article"
    same_day = taken.days.get((base, local.date()))
    if same_day is not None and same_day[1] == _folded(record.title):
        message = f"skipped: {same_day[0]} has the same title, slug and date"
        return Skipped(_at(record.source, message), "already")
    slug, url, path = _free_slug(config, base, local, record, taken)
    if slug != base:
        notes.append(f"the slug '{base}' is taken; written as '{slug}'")
    kept = []
    for alias in aliases:
        if _has(taken, alias) or alias == url:
            if alias != url:
                notes.append(f"old URL {alias} is already a page of the site; no redirect")
            continue
        if own_page(alias, tuple(kind.folder for kind in config.taxonomies)):
            notes.append(
                f"old URL {alias} is a page newsgen makes itself (a listing, feed or built-in "
                "page); no redirect"
            )
            continue
        kept.append(alias)
    return Written(record, path, url, slug, moment, tuple(kept), local.date()), notes


def _in_language(config: Config, record: ArticleRecord, notes: list[str]) -> ArticleRecord:
    """The record in one of the site's languages, by code (any case) or, failing that, by its
    language alone ('fr' is the site's 'fr-CA' when that is its only French). An article in a
    language the site lacks becomes one of the default language with the language after its
    slug (oh-yeah-fr), as before languages, and its translation link is not kept."""
    source = record.language
    if source is None:
        return record
    codes = [edition.code for edition in config.languages]
    found = next((code for code in codes if code.lower() == source.lower()), None)
    same = [code for code in codes if code.split("-")[0].lower() == source.split("-")[0].lower()]
    found = found or (same[0] if len(same) == 1 else None)
    if found is not None:  # the default language is implied: no 'language' key for it
        return dataclasses.replace(record, language=found if found != codes[0] else None)
    kept = dataclasses.replace(record, language=None, translation_key=None)
    default = record.source_default_language
    if default is None or source.lower() == default.lower():
        # The source's default language is the site's, whatever it is called; a WordPress
        # post keeps its slug, as it did before languages.
        if codes and default is None:
            notes.append(
                f"its language '{source}' is not among the site's languages "
                f"({', '.join(codes)}); imported in {codes[0]}"
            )
        return kept
    slug = f"{record.slug or urls.slugify_segment(record.title)}-{urls.slugify_segment(source)}"
    if codes:
        notes.append(
            f"its language '{source}' is not among the site's languages ({', '.join(codes)}); "
            f"imported in {codes[0]} as '{slug}'"
        )
    return dataclasses.replace(kept, slug=slug)


def _has(taken: _Taken, url: str) -> bool:
    return urls.collision_key(url) in taken.urls


def _claim(taken: _Taken, item: Written, shown: str) -> None:
    """What a planned file takes: its id, URL, file, day and aliases."""
    taken.ids[item.record.source_id] = shown
    taken.id_urls[item.record.source_id] = item.url
    taken.days[(item.slug, item.day)] = (shown, _folded(item.record.title))
    taken.urls.add(urls.collision_key(item.url))
    taken.paths.add(str(item.path))
    for alias in item.aliases:
        taken.aliases[alias] = shown
        taken.urls.add(urls.collision_key(alias))


def _free_slug(
    config: Config, base: str, local: datetime, record: ArticleRecord, taken: _Taken
) -> tuple[str, str, Path]:
    """The first of base, base-2, base-3, … whose URL and file are both free. An article of
    a language other than the default is under its prefix, in URL and folder."""
    number = 1
    prefix = config.edition(record.language).prefix if record.language else ""
    folder = config.articles_dir / prefix.lstrip("/")
    while True:
        slug = base if number == 1 else f"{base}-{number}"
        url = prefix + urls.article_url(config.permalink, local, slug, record.section)
        path = folder / f"{local.year:04d}" / f"{slug}.md"
        if not _has(taken, url) and str(path) not in taken.paths and not path.exists():
            taken.suffixes[base] = number + 1
            return slug, url, path
        # Numbers below the last one given out were taken then and stay taken.
        number = max(number + 1, taken.suffixes.get(base, 0))


def _aliases(old: Iterable[str]) -> tuple[list[str], list[str]]:
    """Site paths that can have a redirect page; notes for the old URLs that cannot."""
    kept: list[str] = []
    notes: list[str] = []
    for value in old:
        parts = urlsplit(value.strip())
        path = unquote(parts.path)
        if parts.query or parts.fragment:
            notes.append(
                f"old URL {value} has a query string; a static site cannot redirect it "
                "(configure the redirect on your web server)"
            )
            continue
        if not path.startswith("/"):
            path = "/" + path
        segments = path.strip("/").split("/")
        if path == "/" or any(s in ("", ".", "..") or s.startswith(".") for s in segments):
            notes.append(f"old URL {value} is not a path a redirect page can have")
            continue
        if "\\" in path or "%" in path:
            notes.append(f"old URL {value} is not a path a redirect page can have")
            continue
        alias = urls.alias_url(path)
        if alias not in kept:
            kept.append(alias)
    return kept, notes


def _settled(moment: datetime | date, config: Config, notes: list[str]) -> datetime | date:
    """A wall-clock time that a DST change skips or repeats gets the offset it had before."""
    if not isinstance(moment, datetime) or moment.tzinfo is not None:
        return moment
    aware = moment.replace(tzinfo=config.timezone)
    exact = aware.astimezone(config.timezone)
    if exact.replace(tzinfo=None) == moment and aware.replace(fold=1).utcoffset() == (
        aware.utcoffset()
    ):
        return moment
    fixed = moment.replace(tzinfo=timezone(aware.utcoffset() or timedelta(0)))
    notes.append(
        f"{moment:%Y-%m-%d %H:%M} is skipped or repeated by a clock change in "
        f"{config.timezone.key}; written as {fixed.isoformat()}"
    )
    return fixed


def _local(moment: datetime | date, config: Config) -> datetime:
    if not isinstance(moment, datetime):
        return datetime(moment.year, moment.month, moment.day, tzinfo=config.timezone)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=config.timezone)
    return moment.astimezone(config.timezone)


def _existing(config: Config) -> _Taken:
    """Read the site's articles; files that do not parse are the build's business, not ours."""
    taken = _Taken({}, {}, {}, {}, set(), set(), {})
    files, _ = find_article_files(config.articles_dir, config.root)
    for path in files:
        shown = path.relative_to(config.root).as_posix()
        taken.paths.add(str(path))
        try:
            text, _warning = decode(path.read_bytes(), shown)
            article = parse_article(text, shown, config)
        except (ArticleInvalid, OSError):
            continue
        taken.urls.add(urls.collision_key(article.url))
        taken.days[(article.slug, article.local_date.date())] = (shown, _folded(article.title))
        for kind, slug, term in terms_of(article.section, article.tags, article.authors):
            taken.terms.setdefault((kind, slug), term)
        for alias in article.aliases:
            taken.aliases[urls.alias_url(alias)] = shown
            taken.urls.add(urls.collision_key(urls.alias_url(alias)))
        import_id = article.extra.get(IMPORT_ID_KEY)
        if isinstance(import_id, str):
            taken.ids[import_id] = shown
            taken.id_urls[import_id] = article.url
    return taken


def _folded(title: str) -> str:
    return unicodedata.normalize("NFC", " ".join(title.split())).casefold()


def _at(where: Problem, message: str) -> Problem:
    return Problem(where.path, where.line, where.column, message)
