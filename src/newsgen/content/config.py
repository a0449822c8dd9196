"""Load and validate newsgen.yaml (and authors.yaml, see authors.py) into one frozen `Config`;
every problem is reported at once.

Each option is documented where it is defined (the README's reference repeats these lines).
"""

from __future__ import annotations

import dataclasses
import re
import zoneinfo
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from newsgen.content import urls
from newsgen.content.authors import Profile, load_profiles
from newsgen.content.fields import FieldReader
from newsgen.content.frontmatter import FRONT_MATTER_KEYS, YamlError, YamlMapping, parse_mapping
from newsgen.content.kinds import BUILT_IN, BUILT_IN_BY_NAME, TermKind, declared_kind
from newsgen.errors import BuildFailed, Problem
from newsgen.safefile import NotRegularFile, read_regular

CONFIG_FILE = "newsgen.yaml"
PERMALINK_FIELDS = ("year", "month", "day", "slug", "section")
DEFAULT_PERMALINK = "/{year}/{month}/{day}/{slug}/"
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True, slots=True)
class FeedOptions:
    items: int = 20  # feeds.items: how many of the newest articles each feed carries
    content: str = "full"  # feeds.content: "full" article bodies or just the "summary"


@dataclass(frozen=True, slots=True)
class Language:
    """One language of the site (`languages:`): its BCP 47 code, its own title and description,
    and the URL prefix its pages live under ("" for the first, the default)."""

    code: str  # as configured: "fr-CA"
    title: str
    description: str
    prefix: str  # "" for the default language, else "/fr-ca"
    locale: str  # og:locale: "fr_CA"
    # The language of the theme's words and dates: the code, for a language of `languages:`;
    # "" (English, as before languages) for a site with `language:` alone, which keeps its bytes.
    words: str = ""


@dataclass(frozen=True, slots=True)
class Config:
    # The site's folder: where newsgen.yaml, articles/, templates/ and static/ live.
    root: Path
    # title: the publication's name, shown in the masthead and feeds (required).
    title: str
    # base_url: the absolute URL the site is published at, kept without a trailing slash.
    base_url: str
    # timezone: an IANA name; dates written without an offset are in it (required).
    timezone: zoneinfo.ZoneInfo
    # language: BCP 47 tag for <html lang> and feeds.
    language: str = "en"
    # description: one line about the publication, for feeds and meta tags.
    description: str = ""
    # permalink: the article URL pattern; placeholders {year} {month} {day} {slug} {section}.
    permalink: str = DEFAULT_PERMALINK
    # per_page: articles per page of the front page and every listing.
    per_page: int = 10
    # pagination: "newest" (page 1 is the newest) or "stable" (page numbers count from the
    # oldest article, so a page once written keeps its URL and its articles).
    pagination: str = "newest"
    # feeds.items and feeds.content: see FeedOptions.
    feeds: FeedOptions = FeedOptions()
    # markdown.allow_html: pass raw HTML in Markdown through instead of escaping it.
    allow_html: bool = False
    # output_dir: where the site is written, relative to the site folder.
    output_dir: str = "site"
    # search: build the /search/ page and its Pagefind index.
    search: bool = True
    # sitemap.max_urls: past this many URLs, sitemap.xml becomes an index of numbered parts.
    sitemap_max_urls: int = 50_000
    # image and image_alt: the site-wide share image (a site path or http(s) URL) and its
    # description, for og:image, twitter:image and JSON-LD when an article has no image.
    image: str | None = None
    image_alt: str = ""
    # logo: the publication's logo, for the JSON-LD publisher (search engines show it).
    logo: str | None = None
    # locale: og:locale, language_TERRITORY; derived from `language` when not given.
    locale: str = "en_US"
    # The people behind the bylines, from authors.yaml beside newsgen.yaml (authors.py).
    profiles: tuple[Profile, ...] = ()
    # languages: an ordered list of {code, title, description}; the first is the default and
    # keeps the root URLs, each other lives under /<code>/. Empty: one language, `language`.
    languages: tuple[Language, ...] = ()
    # taxonomies: the site's own kinds of term, by name, each {key, path, singular, plural,
    # feeds, filter}; every one gets term pages, an index, feeds and links, as tags do, and
    # with `filter: true` a filter on the search page.
    taxonomies: tuple[TermKind, ...] = ()

    @property
    def term_kinds(self) -> tuple[TermKind, ...]:
        """Every kind of term the site files articles under: newsgen's own, then the site's."""
        return (*BUILT_IN, *self.taxonomies)

    @property
    def search_filters(self) -> tuple[TermKind, ...]:
        """The kinds of term search filters by: section and author, then the site's kinds
        with `filter: true`, in the table's order."""
        return tuple(kind for kind in self.term_kinds if kind.filter)

    def term_kind(self, name: str) -> TermKind:
        """The kind of term called `name` (a Group's kind); KeyError for any other."""
        found = BUILT_IN_BY_NAME.get(name) or next(
            (kind for kind in self.taxonomies if kind.name == name), None
        )
        if found is None:
            raise KeyError(name)
        return found

    @property
    def editions(self) -> tuple[Language, ...]:
        """Every language the site publishes in, the default first: `languages`, or the one
        `language` of a site that has no `languages:` (with the site's title and root URLs)."""
        if self.languages:
            return self.languages
        return (Language(self.language, self.title, self.description, "", self.locale),)

    def edition(self, code: str) -> Language:
        """The language of an article's or page's `code`; the default for an unknown one."""
        return next((lang for lang in self.editions if lang.code == code), self.editions[0])

    @property
    def articles_dir(self) -> Path:
        return self.root / SOURCE_DIRS[0]

    @property
    def templates_dir(self) -> Path:
        return self.root / SOURCE_DIRS[1]

    @property
    def static_dir(self) -> Path:
        return self.root / SOURCE_DIRS[2]

    @property
    def output_path(self) -> Path:
        return self.root / self.output_dir

    @property
    def state_dir(self) -> Path:
        """newsgen's own files beside the sources (the schedule), never published."""
        return self.root / STATE_DIR

    @property
    def preview_dir(self) -> Path:
        """Where `newsgen serve` builds: beside the sources, never published."""
        return self.root / STATE_DIR / "preview"


STATE_DIR = ".newsgen"

TOP_KEYS = (
    "title", "base_url", "timezone", "language", "description", "permalink",
    "per_page", "pagination", "feeds", "markdown", "output_dir", "search", "sitemap",
    "image", "image_alt", "logo", "locale", "languages", "taxonomies",
)  # fmt: skip
LANGUAGE_KEYS = ("code", "title", "description")
TAXONOMY_KEYS = ("key", "path", "singular", "plural", "feeds", "filter")
# A declared kind's name is a Group's kind, next to these, and a word in its pages' classes.
_RESERVED_KINDS = (*BUILT_IN_BY_NAME, "home", "year", "month", "day")
# A kind that is a search filter is, by its name, a field of the search page (and of its
# address) and a Pagefind filter of the records: these are the page's and records' own.
_SEARCH_NAMES = ("q", "byline", "sort", "when")
_KIND_NAME = re.compile(r"[a-z][a-z0-9_]*")
# Folders of the site that newsgen fills itself: a declared kind's pages cannot live in them.
_OWN_FOLDERS = (
    *(kind.folder for kind in BUILT_IN), urls.SEARCH, urls.SEARCH_BUNDLE, urls.STATIC,
    urls.ARCHIVE, urls.CORRECTIONS, urls.LATEST, "/page/",
)  # fmt: skip
# BCP 47, as far as a site needs it: a language, then script, region or variant subtags.
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


def load_config(root: Path) -> Config:
    """Read `root/newsgen.yaml`; raise BuildFailed naming every problem in it."""
    path = root / CONFIG_FILE
    try:
        text = read_regular(path).decode("utf-8-sig").replace("\r\n", "\n")
    except FileNotFoundError:
        raise BuildFailed(
            [
                Problem(
                    CONFIG_FILE,
                    1,
                    1,
                    "no newsgen.yaml in this folder",
                    "run newsgen in the site's folder, or pass --source",
                )
            ]
        ) from None
    except NotRegularFile as exc:
        raise BuildFailed(
            [Problem(CONFIG_FILE, 1, 1, f"cannot read newsgen.yaml: {exc.strerror}")]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BuildFailed(
            [Problem(CONFIG_FILE, 1, 1, f"cannot read newsgen.yaml: {exc}")]
        ) from None
    problems: list[Problem] = []
    config = None
    profiles: tuple[Profile, ...] = ()
    try:
        config = parse_config(text, root)
    except BuildFailed as exc:
        problems.extend(exc.problems)
    try:  # authors.yaml's problems are reported with newsgen.yaml's, all at once
        profiles = load_profiles(root, config.base_url if config else "")
    except BuildFailed as exc:
        problems.extend(exc.problems)
    if problems or config is None:
        raise BuildFailed(problems)
    return dataclasses.replace(config, profiles=profiles) if profiles else config


def parse_config(text: str, root: Path) -> Config:
    """Validate config text; pure apart from looking up the time zone database."""
    try:
        mapping = parse_mapping(text)
    except YamlError as exc:
        raise BuildFailed([Problem(CONFIG_FILE, exc.line, exc.column, exc.message)]) from None
    fields = FieldReader(mapping, CONFIG_FILE)
    fields.reject_unknown(TOP_KEYS)
    title = fields.text("title", required=True)
    base_url = _base_url(fields)
    timezone = _timezone(fields)
    permalink = _permalink(fields)
    feeds = fields.nested("feeds")
    feeds.reject_unknown(("items", "content"))
    markdown = fields.nested("markdown")
    markdown.reject_unknown(("allow_html",))
    sitemap = fields.nested("sitemap")
    sitemap.reject_unknown(("max_urls",))
    output_dir = _output_dir(fields)
    languages = _languages(fields, title or "", fields.text("description") or "")
    if languages and "language" in fields.data:
        fields.problem(
            "language",
            "give either 'language' or 'languages', not both",
            "the first of 'languages' is the site's default language",
        )
    language = languages[0].code if languages else fields.text("language") or "en"
    config = Config(
        root=root,
        title=title or "",
        base_url=base_url or "",
        timezone=timezone or zoneinfo.ZoneInfo("UTC"),
        language=language,
        description=fields.text("description") or "",
        permalink=permalink,
        per_page=fields.integer("per_page", 10, minimum=1),
        pagination=fields.choice("pagination", ("newest", "stable")),
        feeds=FeedOptions(
            items=feeds.integer("items", 20, minimum=1),
            content=feeds.choice("content", ("full", "summary")),
        ),
        allow_html=markdown.boolean("allow_html", default=False),
        output_dir=output_dir,
        search=fields.boolean("search", default=True),
        sitemap_max_urls=sitemap.integer("max_urls", 50_000, minimum=1),
        image=_image_url(fields, "image"),
        image_alt=fields.text("image_alt") or "",
        logo=_image_url(fields, "logo"),
        locale=languages[0].locale if languages else _locale(fields, language),
        languages=languages,
        taxonomies=_taxonomies(fields, languages),
    )
    if fields.problems:
        raise BuildFailed(fields.problems)
    return config


def _base_url(fields: FieldReader) -> str | None:
    value = fields.text("base_url", required=True)
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        fields.problem(
            "base_url",
            "'base_url' must be an absolute http(s) URL",
            "for example https://news.example.org",
        )
        return None
    return value.rstrip("/")


def _timezone(fields: FieldReader) -> zoneinfo.ZoneInfo | None:
    name = fields.text("timezone", required=True)
    if name is None:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        fields.problem(
            "timezone",
            f"unknown time zone '{name}'",
            "use an IANA name such as Europe/Berlin or America/Anchorage",
        )
        return None


def _permalink(fields: FieldReader) -> str:
    pattern = fields.text("permalink") or DEFAULT_PERMALINK
    names = _PLACEHOLDER.findall(pattern)
    unknown = [n for n in names if n not in PERMALINK_FIELDS]
    if unknown:
        fields.problem(
            "permalink",
            f"unknown placeholder '{{{unknown[0]}}}' in 'permalink'",
            "use " + " ".join(f"{{{n}}}" for n in PERMALINK_FIELDS),
        )
    elif "slug" not in names or not pattern.startswith("/") or not pattern.endswith("/"):
        fields.problem("permalink", "'permalink' must start and end with '/' and contain {slug}")
    return pattern


def _image_url(fields: FieldReader, key: str) -> str | None:
    value = fields.text(key)
    if value is None:
        return None
    parts = urlsplit(value)
    if not (value.startswith("/") or (parts.scheme in ("http", "https") and parts.netloc)):
        fields.problem(
            key,
            f"'{key}' must be a site path starting with '/' or an absolute http(s) URL",
            "for example /static/card.png",
        )
        return None
    if key == "image" and is_svg(value):
        fields.problem(
            key,
            "the default 'image' cannot be SVG: share cards do not show SVG images",
            "use a PNG or JPEG image",
        )
        return None
    return value


def is_svg(url: str) -> bool:
    return urlsplit(url).path.lower().endswith((".svg", ".svgz"))


_LOCALE = re.compile(r"[a-z]{2,3}_[A-Z]{2}")


def _languages(fields: FieldReader, title: str, description: str) -> tuple[Language, ...]:
    """`languages:`, each entry checked; the first keeps the root URLs. A language without a
    title or description has the site's."""
    value = fields.data.get("languages")
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        fields.problem("languages", "'languages' must be a list of {code, title, description}")
        return ()
    found: list[Language] = []
    seen: dict[str, str] = {}
    for index, item in enumerate(value):
        key = f"languages.{index}"
        if not isinstance(item, dict):
            fields.problem(key, f"'{key}' must be a mapping with 'code', 'title', 'description'")
            continue
        where = fields.positions.get(key, fields.positions.get("languages", (1, 1)))
        entry = FieldReader(
            YamlMapping(item, fields.positions), fields.path, where, f"{key}.", fields.problems
        )
        entry.reject_unknown(LANGUAGE_KEYS)
        code = entry.text("code", required=True)
        if code is None:
            continue
        if not _LANGUAGE_TAG.fullmatch(code):
            entry.problem("code", f"'{key}.code' {code!r} is not a BCP 47 language tag")
            continue
        prefix = "" if not found else f"/{code.lower()}"
        if code.lower() in seen:
            entry.problem("code", f"language '{code}' is listed twice ('{seen[code.lower()]}')")
            continue
        seen[code.lower()] = code
        # og:locale of the default language may be given by `locale`; the others' are derived.
        locale = _locale(fields if not found else entry, code, given=not found)
        found.append(
            Language(
                code,
                entry.text("title") or title,
                entry.text("description") or description,
                prefix,
                locale,
                code,
            )
        )
    return tuple(found)


def _locale(fields: FieldReader, language: str, *, given: bool = True) -> str:
    """og:locale: the `locale` key, else the language with its most likely territory
    (CLDR's likely subtags: en -> en_US, pt -> pt_BR), as the Open Graph protocol wants."""
    value = fields.text("locale") if given else None
    if value is not None:
        if not _LOCALE.fullmatch(value):
            fields.problem("locale", f"'locale' must look like en_US, not '{value}'")
        return value
    territory = None
    try:
        # Babel's CLDR tables cost a build that has nothing to do a tenth of a second.
        from babel.core import get_global, parse_locale  # noqa: PLC0415

        language_code, territory, script = parse_locale(language, sep="-")[:3]
        if territory is None:
            likely = get_global("likely_subtags")
            found = likely.get(f"{language_code}_{script}") or likely.get(language_code)
            territory = parse_locale(found)[1] if found else None
    except ValueError:
        pass
    if territory is None:
        fields.problem(
            "language" if given else "code",
            f"cannot tell the territory of language '{language}' for og:locale",
            "add a 'locale' key such as en_US",
        )
        return "en_US"
    return f"{language_code}_{territory}"


SOURCE_DIRS = ("articles", "templates", "static")


def _output_dir(fields: FieldReader) -> str:
    value = fields.text("output_dir") or "site"
    parts = Path(value).parts
    # .newsgen/ holds the cache (with drafts' bodies) and the build state: never published.
    # Compared case-insensitively, as some file systems do.
    taken = {name.casefold() for name in (".", STATE_DIR, *SOURCE_DIRS)}
    if Path(value).is_absolute() or ".." in parts or not parts or parts[0].casefold() in taken:
        fields.problem(
            "output_dir",
            "'output_dir' must be a folder of its own inside the site folder, apart "
            "from articles/, templates/, static/ and .newsgen/",
            "for example 'site' or 'public'",
        )
        return "site"
    return value


def _taxonomies(fields: FieldReader, languages: tuple[Language, ...]) -> tuple[TermKind, ...]:
    """`taxonomies:`, each entry checked: its name, front-matter key and URL folder must be
    its own, apart from newsgen's kinds, keys and folders and from each other."""
    value = fields.data.get("taxonomies")
    if value is None:
        return ()
    if not isinstance(value, dict):
        fields.problem(
            "taxonomies", "'taxonomies' must be a mapping of kind names to their settings"
        )
        return ()
    reader = fields.nested("taxonomies")
    # A language's prefix is a folder of its own: /fr-ca/ holds the French pages.
    taken = [(folder, "newsgen's own") for folder in _OWN_FOLDERS] + [
        (f"{language.prefix}/", f"the language {language.code}'s")
        for language in languages
        if language.prefix
    ]
    keys: dict[str, str] = {}
    found: list[TermKind] = []
    for name, settings in value.items():
        where = f"taxonomies.{name}"
        if not isinstance(name, str) or not _KIND_NAME.fullmatch(name):
            reader.problem(
                str(name),
                f"'{where}': a kind's name must be lowercase letters, digits and '_'",
                "for example 'series' or 'desk'",
            )
            continue
        if name in _RESERVED_KINDS:
            reader.problem(
                name,
                f"'{where}' clashes with newsgen's own kind '{name}'",
                "give the kind another name",
            )
            continue
        if settings is not None and not isinstance(settings, dict):
            reader.problem(name, f"'{where}' must be a mapping of 'key: value' lines")
            continue
        entry = reader.nested(name)
        entry.reject_unknown(TAXONOMY_KEYS)
        key = _taxonomy_key(entry, name, where, keys)
        folder = _taxonomy_path(entry, name, where, taken)
        singular = entry.text("singular") or name.replace("_", " ").capitalize()
        plural = entry.text("plural") or singular
        feeds = entry.boolean("feeds", default=True)
        search = _taxonomy_filter(entry, name, where)
        if key is not None and folder is not None:
            found.append(
                declared_kind(name, key, folder, singular, plural, feeds=feeds, filter=search)
            )
    return tuple(found)


def _taxonomy_filter(entry: FieldReader, name: str, where: str) -> bool:
    """Whether a declared kind is a search filter; not one named as the search page's own
    fields and filters, which its select and its records' filter would be confused with."""
    search = entry.boolean("filter", default=False)
    if search and name in _SEARCH_NAMES:
        entry.problem(
            "filter",
            f"'{where}.filter': the search page has a '{name}' of its own",
            "give the kind another name; 'key' and 'path' keep its front matter and pages",
        )
        return False
    return search


def _taxonomy_key(entry: FieldReader, name: str, where: str, keys: dict[str, str]) -> str | None:
    """The front-matter key of a declared kind: its name unless given, not one newsgen reads
    for something else, nor another declared kind's."""
    key = entry.text("key", required=False) if "key" in entry.data else name
    if key is None:
        return None
    if not key:
        entry.problem("key", f"'{where}.key' must not be empty")
        return None
    if key in FRONT_MATTER_KEYS:
        entry.problem(
            "key" if "key" in entry.data else None,
            f"'{where}' would read the front-matter key '{key}', which newsgen reads itself",
            "give it another 'key'",
        )
        return None
    if key in keys:
        entry.problem(
            "key" if "key" in entry.data else None,
            f"'{where}' reads the front-matter key '{key}', as 'taxonomies.{keys[key]}' does",
            "give each kind its own 'key'",
        )
        return None
    keys[key] = name
    return key


def _taxonomy_path(
    entry: FieldReader, name: str, where: str, taken: list[tuple[str, str]]
) -> str | None:
    """The URL folder of a declared kind: /<name>/ unless given, safe segments, and apart
    from every folder newsgen fills and from other kinds' (neither inside the other)."""
    given = "path" in entry.data
    path = entry.text("path") if given else f"/{name}/"
    if path is None:
        return None
    at = "path" if given else None
    segments = path.strip("/").split("/")
    if (
        not path.startswith("/")
        or not path.endswith("/")
        or not all(urls.is_safe_segment(segment) for segment in segments)
    ):
        entry.problem(
            at,
            f"'{where}.path' {path!r} must be a site folder such as /series/",
            "lowercase letters and digits joined by '-' or '_', between '/'",
        )
        return None
    if re.fullmatch(r"\d{4}", segments[0]):
        entry.problem(at, f"'{where}.path' {path} is inside the date archive ({segments[0]})")
        return None
    for folder, owner in taken:
        if path.startswith(folder) or folder.startswith(path):
            entry.problem(
                at,
                f"'{where}.path' {path} clashes with {owner} folder {folder}",
                "give the kind another 'path'",
            )
            return None
    taken.append((path, f"'taxonomies.{name}'"))
    return path
