"""What an imported record must become to build: the build's own rules, applied before writing.

Text the build refuses (control characters, unsafe image URLs, out-of-range years) is cleaned,
one spelling is settled for each term page, links to pages the new site lacks are named, and
paths newsgen makes itself are known. Pure: records and mappings in, records and notes out.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from urllib.parse import unquote, urlsplit

from newsgen.content import urls
from newsgen.content.frontmatter import FORBIDDEN_CHARS
from newsgen.content.kinds import BUILT_IN, BUILT_IN_BY_NAME
from newsgen.content.urls import term_key
from newsgen.importers.record import ArticleRecord
from newsgen.options import FIRST_YEAR, LAST_YEAR

Spellings = Mapping[tuple[str, str], str]  # (kind, URL slug) -> the spelling of that page


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


# Markdown links and images, and HTML links, to a path of the site.
_SITE_LINK = re.compile(r"\]\((/[^)\s]*)|href=\"(/[^\"]*)\"")


def dead_links(body: str, exists: Callable[[str], bool], folders: Iterable[str] = ()) -> list[str]:
    """Links to pages and files of the old site that the new one does not have: the import
    says so, rather than leave them for `newsgen check` to find."""
    pages: list[str] = []
    files: list[str] = []
    for match in _SITE_LINK.finditer(body):
        target = match[1] or match[2]
        if target.startswith("//"):  # another host
            continue
        path = unquote(urlsplit(target).path)
        if not path or path.startswith(urls.STATIC) or own_page(urls.alias_url(path), folders):
            continue
        if exists(path) or exists(urls.alias_url(path)):
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


_TERM_FIELDS = (("section", "section"), ("tag", "tags"), ("author", "authors"))


def settled_terms(record: ArticleRecord, site: Spellings, notes: list[str]) -> ArticleRecord:
    """Each section, tag and author as the build will group it: one spelling per term page.
    A term whose URL an article of the site already spells otherwise (">jo" beside "jo") takes
    that spelling; a term with no letters or digits for its URL is dropped; each change is
    noted. Between this run's articles, `one_spelling` settles it once all are planned."""
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
            known = site.get((kind, slug))
            if known is not None and term_key(known) != term_key(term):
                notes.append(
                    f"{kind} {term!r} written as {known!r}, the spelling of "
                    f"{urls.term_url(BUILT_IN_BY_NAME[kind], known)}"
                )
                term = known  # noqa: PLW2901 - the term, settled
            if all(term_key(term) != term_key(k) for k in kept):
                kept.append(term)
        changes[name] = (kept[0] if kept else None) if name == "section" else tuple(kept)
    return dataclasses.replace(record, **changes)  # type: ignore[arg-type]


def chosen_spellings(records: Iterable[ArticleRecord]) -> Spellings:
    """For each term page these records add to, the spelling most of them use (the first of
    equally used ones)."""
    counts: dict[tuple[str, str], Counter[str]] = {}
    for record in records:
        for kind, slug, term in terms_of(record.section, record.tags, record.authors):
            counts.setdefault((kind, slug), Counter())[term] += 1
    return {key: spelled.most_common(1)[0][0] for key, spelled in counts.items()}


def one_spelling(record: ArticleRecord, chosen: Spellings, notes: list[str]) -> ArticleRecord:
    """Each term in the spelling chosen for its page."""
    changes: dict[str, object] = {}
    for kind, name in _TERM_FIELDS:
        value = getattr(record, name)
        terms = []
        for term in (value,) if isinstance(value, str) else tuple(value or ()):
            spelling = chosen.get((kind, urls.slugify_segment(term)), term)
            if term_key(spelling) != term_key(term):
                notes.append(
                    f"{kind} {term!r} written as {spelling!r}, the spelling of "
                    f"{urls.term_url(BUILT_IN_BY_NAME[kind], spelling)}"
                )
                term = spelling  # noqa: PLW2901 - the term, settled
            terms.append(term)
        changes[name] = (terms[0] if terms else None) if name == "section" else tuple(terms)
    return dataclasses.replace(record, **changes)  # type: ignore[arg-type]


def terms_of(
    section: str | None, tags: Iterable[str], authors: Iterable[str]
) -> Iterator[tuple[str, str, str]]:
    """(kind, URL slug, spelling) of each term that has a URL."""
    for kind, terms in (
        ("section", (section,) if section else ()),
        ("tag", tags),
        ("author", authors),
    ):
        for term in terms:
            slug = urls.slugify_segment(term)
            if slug:
                yield kind, slug, term


def cleaned(record: ArticleRecord) -> tuple[ArticleRecord, list[str]]:
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


_OWN_FILES = {
    urls.HOME, urls.ARCHIVE, urls.SEARCH, urls.NOT_FOUND, urls.SITEMAP, urls.NEWS_SITEMAP,
    urls.ROBOTS,
    f"/{urls.RSS_FEED}", f"/{urls.ATOM_FEED}", f"/{urls.JSON_FEED}",
}  # fmt: skip

_OWN_FOLDERS = (*(kind.folder for kind in BUILT_IN), urls.STATIC, urls.SEARCH_BUNDLE)

# The front page's pages, the date archives (and their pages), the parts of a split sitemap.
_OWN_PATTERNS = re.compile(
    r"/(?:page/\d+/|\d{4}/(?:\d{2}/(?:\d{2}/)?)?(?:page/\d+/)?|sitemap-\d+\.xml)"
)


def own_page(alias: str, folders: Iterable[str] = ()) -> bool:
    """Whether a site path is one newsgen makes (or will make, as articles come) itself: a
    redirect page there would clash with it in the next build. `folders`: those of the
    site's own kinds of term (config `taxonomies:`)."""
    key = urls.collision_key(alias)
    if key in _OWN_FILES or _OWN_PATTERNS.fullmatch(key):
        return True
    return any(key.startswith(folder) for folder in (*_OWN_FOLDERS, *folders))
