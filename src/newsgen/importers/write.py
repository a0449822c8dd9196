"""The one writer of imported article files: front matter + body, never over an existing file.

It reads the articles already in the site first, so that a second import of the same source
writes nothing (same import id, same old URL, or same title and slug on the same day), and so
that a slug taken by another article gets a deterministic suffix (-2, -3, …), not a clash.
Each file is read back through the loader's rules before it is written (what the build would
refuse is reported, never written), and written whole or not at all: to a hidden temporary
name, then linked into place, never through a link out of the site folder.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from newsgen import urls
from newsgen.config import Config
from newsgen.errors import Problem, WriteFailed
from newsgen.frontmatter import FORBIDDEN_CHARS
from newsgen.importers.record import ArticleRecord, Skipped
from newsgen.loader import ArticleInvalid, decode, find_article_files, parse_article
from newsgen.options import FIRST_YEAR, LAST_YEAR
from newsgen.terms import term_key

try:  # libyaml's emitter when present: the same output, faster
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]

IMPORT_ID_KEY = "imported_from"  # under `extra`: the source's own id of the article
# Temporary files of an import: hidden (the loader skips names starting with '.'), and removed
# by the next import if a kill left one behind.
_TEMPORARY_PREFIX = ".newsgen-import-"


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
    # (kind, URL slug) -> the spelling the site has: another spelling with that slug would be
    # another term on the same page, which the build refuses.
    terms: dict[tuple[str, str], str] = field(default_factory=dict)
    # The same for this run's articles: every spelling, so that the most used one is chosen.
    spellings: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)


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
        _remove_temporaries(config.articles_dir)
    planned: list[tuple[Written, list[str]]] = []
    skipped: list[Skipped] = []
    for number, given in enumerate(records, 1):
        if progress is not None:
            progress(number, len(records))
        record, cleaning = _cleaned(given)
        record = _settled_terms(record, taken, cleaning)
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
    chosen = _chosen_spellings(taken)
    for planned_item, notes in planned:
        item = _with_links(planned_item, taken, notes)
        item = _one_spelling(item, chosen, notes)
        notes.extend(_dead_links(item.record.body, taken))
        record = item.record
        if not dry_run:
            shown = item.path.relative_to(config.root).as_posix()
            failure = create_new(item.path, article_text(item).encode("utf-8"), config.root)
            if failure == _APPEARED:
                message = f"skipped: {shown} {failure}"
                skipped.append(Skipped(_at(record.source, message), "already"))
                continue
            if failure is not None:  # a full disk fails every file after it: stop here
                raise WriteFailed(
                    f"{shown} {failure}; {_count(len(written), 'article')} of this import "
                    "were written before it (each whole): run the import again to complete it"
                )
        warnings.extend(_at(record.source, note) for note in (*record.warnings, *notes))
        written.append(item)
    return WriteOutcome(tuple(written), tuple(skipped), tuple(warnings))


# Markdown links and images, and HTML links, to a path of the site.
_SITE_LINK = re.compile(r"\]\((/[^)\s]*)|href=\"(/[^\"]*)\"")


def _dead_links(body: str, taken: _Taken) -> list[str]:
    """Links to pages and files of the old site that the new one does not have: the import
    says so, rather than leave them for `newsgen check` to find."""
    pages: list[str] = []
    files: list[str] = []
    for match in _SITE_LINK.finditer(body):
        target = match[1] or match[2]
        if target.startswith("//"):  # another host
            continue
        path = unquote(urlsplit(target).path)
        if not path or path.startswith(urls.STATIC) or own_page(urls.alias_url(path)):
            continue
        if _has(taken, path) or _has(taken, urls.alias_url(path)):
            continue
        name = path.rstrip("/").rsplit("/", 1)[-1]
        is_file = "." in name and not name.lower().endswith((".html", ".htm", ".php"))
        (files if is_file else pages).append(path)
    notes = []
    if pages:
        count, shown = _some(pages, "page")
        notes.append(
            f"links to {count} that the new site does not have (pages of the old site not "
            f"imported): {shown}"
        )
    if files:
        count, shown = _some(files, "file")
        notes.append(
            f"links to {count} of the old site that the new site does not have (copy them "
            f"into static/ and link to /static/…): {shown}"
        )
    return notes


def _some(paths: list[str], noun: str) -> tuple[str, str]:
    unique = list(dict.fromkeys(paths))
    shown = ", ".join(unique[:3]) + (", …" if len(unique) > 3 else "")
    return _count(len(unique), noun), shown


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


def create_new(path: Path, data: bytes, root: Path) -> str | None:
    """Write a new file whole or not at all; None, or why it was not written.

    The bytes go to a hidden temporary file beside it, flushed to disk, then hard-linked to
    the name: the link fails if the name exists, so nothing is ever overwritten, and a kill
    or a full disk leaves at most a temporary file (removed by the next import), never a
    truncated article that a re-run would take for imported.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not folder.resolve().is_relative_to(root.resolve()):
            return "was not written: its folder is a link to outside the site folder"
        temporary = folder / f"{_TEMPORARY_PREFIX}{os.getpid()}-{path.name}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        return f"could not be written: {exc.strerror or exc}"
    try:
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            _link_new(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    except FileExistsError:  # created by someone else since we looked
        return _APPEARED
    except OSError as exc:
        return f"could not be written: {exc.strerror or exc}"
    return None


_APPEARED = "appeared while importing; it was left alone"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _link_new(temporary: Path, path: Path) -> None:
    try:
        os.link(temporary, path)
    except OSError as exc:
        # File systems without hard links: rename, after looking (the import holds the lock).
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        if path.exists() or path.is_symlink():
            raise FileExistsError(errno.EEXIST, "exists", str(path)) from None
        temporary.rename(path)


def _remove_temporaries(articles_dir: Path) -> None:
    """Temporary files a killed import left behind (the caller holds the site's lock)."""
    if not articles_dir.is_dir():
        return
    for here, subfolders, names in os.walk(articles_dir):
        subfolders[:] = [n for n in subfolders if not n.startswith(".")]
        for name in names:
            if name.startswith(_TEMPORARY_PREFIX):
                (Path(here) / name).unlink(missing_ok=True)


def _refused_by_the_build(text: str, shown: str, config: Config) -> str | None:
    """Read the file as the build will; what it would refuse, if anything."""
    try:
        checked, _warning = decode(text.encode("utf-8"), shown)
        parse_article(checked, shown, config)
    except ArticleInvalid as exc:
        return "; ".join(p.message for p in exc.problems) or "the build would refuse it"
    return None


_TERM_FIELDS = (("section", "section"), ("tag", "tags"), ("author", "authors"))


def _settled_terms(record: ArticleRecord, taken: _Taken, notes: list[str]) -> ArticleRecord:
    """Each section, tag and author as the build will group it: one spelling per term page.
    A term whose URL an article of the site already spells otherwise (">jo" beside "jo") takes
    that spelling; a term with no letters or digits for its URL is dropped; each change is
    noted. Between this run's articles, `_one_spelling` settles it once all are planned."""
    changes: dict[str, object] = {}
    for kind, name in _TERM_FIELDS:
        value = getattr(record, name)
        given = (value,) if isinstance(value, str) else tuple(value or ())
        kept: list[str] = []
        for term in given:
            slug = urls.slugify_segment(term)
            if not slug:
                notes.append(f"dropped the {kind} {term!r}: it has no letters or digits for a URL")
                continue
            known = taken.terms.get((kind, slug))
            if known is not None and term_key(known) != term_key(term):
                notes.append(
                    f"{kind} {term!r} written as {known!r}, the spelling of "
                    f"{urls.term_url(kind, known)}"
                )
                term = known  # noqa: PLW2901 - the term, settled
            if all(term_key(term) != term_key(k) for k in kept):
                kept.append(term)
        changes[name] = (kept[0] if kept else None) if name == "section" else tuple(kept)
    return dataclasses.replace(record, **changes)  # type: ignore[arg-type]


def _chosen_spellings(taken: _Taken) -> dict[tuple[str, str], str]:
    """For each term page this run adds to, the spelling most of its articles use."""
    return {key: counts.most_common(1)[0][0] for key, counts in taken.spellings.items()}


def _one_spelling(item: Written, chosen: dict[tuple[str, str], str], notes: list[str]) -> Written:
    changes: dict[str, object] = {}
    for kind, name in _TERM_FIELDS:
        value = getattr(item.record, name)
        terms = []
        for term in (value,) if isinstance(value, str) else tuple(value or ()):
            spelling = chosen.get((kind, urls.slugify_segment(term)), term)
            if term_key(spelling) != term_key(term):
                notes.append(
                    f"{kind} {term!r} written as {spelling!r}, the spelling of "
                    f"{urls.term_url(kind, spelling)}"
                )
                term = spelling  # noqa: PLW2901 - the term, settled
            terms.append(term)
        changes[name] = (terms[0] if terms else None) if name == "section" else tuple(terms)
    record = dataclasses.replace(item.record, **changes)  # type: ignore[arg-type]
    return dataclasses.replace(item, record=record)


def _claim_terms(
    taken: _Taken, section: str | None, tags: Iterable[str], authors: Iterable[str]
) -> None:
    for kind, terms in (
        ("section", (section,) if section else ()),
        ("tag", tags),
        ("author", authors),
    ):
        for term in terms:
            slug = urls.slugify_segment(term)
            if slug:
                taken.terms.setdefault((kind, slug), term)


def _cleaned(record: ArticleRecord) -> tuple[ArticleRecord, list[str]]:
    """What a source may hold but an article may not, taken out, each change noted:
    control characters (HTML, feeds and YAML cannot carry them), an image that is not an
    http(s) URL or a site path (javascript:, file:), an `updated` outside the supported years."""
    notes: list[str] = []
    removed = 0

    def clean(text: str) -> str:
        nonlocal removed
        removed += len(FORBIDDEN_CHARS.findall(text))
        return FORBIDDEN_CHARS.sub("", text)

    changes: dict[str, object] = {
        "title": clean(record.title),
        "body": clean(record.body),
        "source_id": record.source_id.encode("utf-8", "surrogateescape").decode(
            "utf-8", "backslashreplace"
        ),
        "authors": tuple(clean(a) for a in record.authors),
        "tags": tuple(clean(t) for t in record.tags),
        "aliases": tuple(clean(a) for a in record.aliases),
    }
    for key in ("section", "summary", "slug", "dateline", "image"):
        value = getattr(record, key)
        changes[key] = clean(value) if value is not None else None
    if removed:
        notes.append(f"removed {removed} control character(s) that HTML and feeds cannot carry")
    image = changes["image"]
    if isinstance(image, str) and urlsplit(image).scheme.lower() not in ("", "http", "https"):
        notes.append(f"dropped the image {image!r}: only http(s) URLs and site paths are kept")
        changes["image"] = None
    if record.updated is not None and not FIRST_YEAR <= record.updated.year <= LAST_YEAR:
        notes.append(
            f"dropped 'updated' {record.updated.isoformat()}: outside the years "
            f"{FIRST_YEAR} to {LAST_YEAR}"
        )
        changes["updated"] = None
    return dataclasses.replace(record, **changes), notes  # type: ignore[arg-type]


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
    if record.source_id in taken.ids:
        already = taken.ids[record.source_id]
        return Skipped(_at(record.source, f"skipped: already imported as {already}"), "already")
    aliases, alias_notes = _aliases(record.aliases)
    notes.extend(alias_notes)
    for alias in aliases:
        if alias in taken.aliases:
            already = taken.aliases[alias]
            message = f"skipped: its old URL {alias} is already an alias of {already}"
            return Skipped(_at(record.source, message), "already")
    local = _local(moment, config)
    base = urls.slugify_segment(record.slug or "") or urls.slugify_segment(record.title)
    base = base or "article"
    same_day = taken.days.get((base, local.date()))
    if same_day is not None and same_day[1] == _folded(record.title):
        message = f"skipped: {same_day[0]} has the same title, slug and date"
        return Skipped(_at(record.source, message), "already")
    slug, url, path = _free_slug(config, base, local, record.section, taken)
    if slug != base:
        notes.append(f"the slug '{base}' is taken; written as '{slug}'")
    kept = []
    for alias in aliases:
        if _has(taken, alias) or alias == url:
            if alias != url:
                notes.append(f"old URL {alias} is already a page of the site; no redirect")
            continue
        if own_page(alias):
            notes.append(
                f"old URL {alias} is a page newsgen makes itself (a listing, feed or built-in "
                "page); no redirect"
            )
            continue
        kept.append(alias)
    return Written(record, path, url, slug, moment, tuple(kept), local.date()), notes


_OWN_FILES = {
    urls.HOME, urls.ARCHIVE, urls.SEARCH, urls.NOT_FOUND, urls.SITEMAP, urls.NEWS_SITEMAP,
    urls.ROBOTS,
    f"/{urls.RSS_FEED}", f"/{urls.ATOM_FEED}", f"/{urls.JSON_FEED}",
}  # fmt: skip
_OWN_FOLDERS = (*urls.TERM_INDEXES.values(), urls.STATIC, urls.SEARCH_BUNDLE)
# The front page's pages, the date archives (and their pages), the parts of a split sitemap.
_OWN_PATTERNS = re.compile(
    r"/(?:page/\d+/|\d{4}/(?:\d{2}/(?:\d{2}/)?)?(?:page/\d+/)?|sitemap-\d+\.xml)"
)


def own_page(alias: str) -> bool:
    """Whether a site path is one newsgen makes (or will make, as articles come) itself: a
    redirect page there would clash with it in the next build."""
    key = urls.collision_key(alias)
    if key in _OWN_FILES or _OWN_PATTERNS.fullmatch(key):
        return True
    return any(key.startswith(folder) for folder in _OWN_FOLDERS)


def _has(taken: _Taken, url: str) -> bool:
    return urls.collision_key(url) in taken.urls


def _claim(taken: _Taken, item: Written, shown: str) -> None:
    """What a planned file takes: its id, URL, file, day and aliases."""
    taken.ids[item.record.source_id] = shown
    taken.id_urls[item.record.source_id] = item.url
    for kind, name in _TERM_FIELDS:
        value = getattr(item.record, name)
        for term in (value,) if isinstance(value, str) else tuple(value or ()):
            taken.spellings.setdefault((kind, urls.slugify_segment(term)), Counter())[term] += 1
    taken.days[(item.slug, item.day)] = (shown, _folded(item.record.title))
    taken.urls.add(urls.collision_key(item.url))
    taken.paths.add(str(item.path))
    for alias in item.aliases:
        taken.aliases[alias] = shown
        taken.urls.add(urls.collision_key(alias))


def _free_slug(
    config: Config, base: str, local: datetime, section: str | None, taken: _Taken
) -> tuple[str, str, Path]:
    """The first of base, base-2, base-3, … whose URL and file are both free."""
    number = 1
    while True:
        slug = base if number == 1 else f"{base}-{number}"
        url = urls.article_url(config.permalink, local, slug, section)
        path = config.articles_dir / f"{local.year:04d}" / f"{slug}.md"
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
        _claim_terms(taken, article.section, article.tags, article.authors)
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
