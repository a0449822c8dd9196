"""Every path a build writes, listed from the plan before anything is rendered, checked once.

Pages, listings, feeds, sitemap parts, static files and redirects each name the file to blame;
the search bundle's folder and newsgen's own files are reserved. `build` and `check` both call
`verify` (and `check` finds links in the same inventory), so they cannot disagree.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newsgen.content import urls
from newsgen.content.config import CONFIG_FILE, Config
from newsgen.content.contained import is_utf8
from newsgen.errors import BuildFailed, Problem
from newsgen.outputs import assets, sitemaps, variants
from newsgen.plan.archive import SitePlan

# Folders that one producer alone writes into: no page, alias or other file may.
STATIC_FOLDER = urls.STATIC.lstrip("/")
IMAGES_FOLDER = variants.FOLDER.lstrip("/")
SEARCH_FOLDER = urls.SEARCH_BUNDLE.lstrip("/")
# A name kept for the parts of a split sitemap, however many parts there are today.
_SITEMAP_PART = re.compile(r"sitemap-\d+\.xml")
# Longer names are refused by common file systems (255 bytes on ext4, APFS and NTFS).
MAX_NAME_BYTES = 255
_UNSAFE_CHARACTERS = re.compile("[\x00-\x1f\x7f?#\\\\]")
# Paths every check below passes at once: segments of plain ASCII that do not start with a
# dot. Most of a site's 20,000 paths are such, and need no slower look.
_PLAIN_PATH = re.compile(
    r"(?:[\w~+,=@-][\w.~+,=@-]{0,254}/)*[\w~+,=@-][\w.~+,=@-]{0,254}", re.ASCII
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One file a build writes, and the source that asks for it."""

    path: str  # relative to the output folder: 2026/11/24/story/index.html
    what: str  # as a problem names it: "this article", "the alias /old/", "the page /feed.xml"
    source: str  # the file to blame, relative to the site folder
    position: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Inventory:
    files: tuple[Entry, ...]  # built-in files first, then static files, articles and aliases
    search: bool  # whether the search bundle is written under /pagefind/
    urls: frozenset[str]  # every URL a reader or a link can use for the files above

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and covers(self, url)


def outputs(site: SitePlan, config: Config) -> Inventory:
    """The inventory of one plan. Pure apart from listing the static folders."""
    files = tuple(_entries(site, config))
    addresses = set()
    for entry in files:
        addresses.add("/" + entry.path)
        if entry.path == "index.html" or entry.path.endswith("/index.html"):
            addresses.add("/" + entry.path.removesuffix("index.html"))
    return Inventory(files, config.search, frozenset(addresses))


def covers(inventory: Inventory, url: str) -> bool:
    """Whether a build writes the file at `url` (the search bundle: any path in its folder)."""
    if inventory.search and url.startswith(urls.SEARCH_BUNDLE) and len(url) > 1:
        return True
    return url in inventory.urls


def verify(inventory: Inventory) -> None:
    """Raise BuildFailed naming every unsafe path, reserved name, clash and file/folder clash."""
    problems = list(problems_of(inventory))
    if problems:
        raise BuildFailed(problems)


def problems_of(inventory: Inventory) -> Iterator[Problem]:
    owners: dict[str, Entry] = {}  # collision key -> the entry that writes that file
    needs: dict[str, tuple[str, Entry]] = {}  # folder's key -> (folder, first entry inside)
    for entry in inventory.files:
        reason = _unsafe(entry)
        if reason is not None:
            yield _problem(entry, f"{entry.what} writes {_shown(entry.path)}: {reason}")
            continue
        key = urls.collision_key(entry.path)
        other = owners.get(key)
        if other is not None:
            also = f" (as {other.path})" if other.path != entry.path else ""
            message = f"{entry.what} writes {entry.path}, which {_owner(other)} writes too{also}"
            yield _problem(entry, message, _HINT)
            continue
        owners[key] = entry
        # "/" survives normalising and case folding, so the key's folders are the path's.
        key_parts, parts = key.split("/"), entry.path.split("/")
        for depth in range(1, len(parts)):
            needs.setdefault("/".join(key_parts[:depth]), ("/".join(parts[:depth]), entry))
    # A file where another output needs a folder: the file system holds one or the other.
    for key, other in owners.items():
        if key in needs:
            folder, entry = needs[key]
            yield _problem(
                entry,
                f"{entry.what} writes {entry.path}, which needs a folder {folder}/ "
                f"where {_owner(other)} writes the file {other.path}",
                _HINT,
            )


def _entries(site: SitePlan, config: Config) -> Iterator[Entry]:
    built_in = (
        urls.NOT_FOUND,
        *(url for edition in site.editions for url in (edition.archive_url, edition.search_url)),
        urls.CORRECTIONS,
        *(edition.language.prefix + urls.LATEST for edition in site.editions),
        *(
            urls.feed_url(urls.CORRECTIONS, n)
            for n in (urls.RSS_FEED, urls.ATOM_FEED, urls.JSON_FEED)
        ),
        urls.SITEMAP,
        urls.NEWS_SITEMAP,
        urls.ROBOTS,
        *sitemaps.part_urls(site, config),
        *(index.url for index in site.term_indexes),
        *(url for group in site.listing_groups for url in group.page_urls(site.per_page)),
        *(url for feed in site.feeds for url in (feed.rss_url, feed.atom_url, feed.json_url)),
    )
    for url in built_in:
        yield Entry(urls.output_path(url), f"the page {url}", CONFIG_FILE, (1, 1))
    for output, path in assets.static_files(config).files.items():
        yield Entry(
            output,
            "this static file",
            _source_of(path, config.root),
            (1, 1),
        )
    for variant in variants.used(site.entries, config).values():
        yield Entry(
            urls.output_path(variant.url),
            "this image variant",
            _source_of(config.static_dir / variant.source, config.root),
            (1, 1),
        )
    for entry in site.entries:
        article = entry.article
        # Without a 'slug' key the URL comes from the title, so point there.
        key = "slug" if "slug" in article.positions else "title"
        yield Entry(
            urls.output_path(article.url), "this article", article.source, article.position(key)
        )
    for redirect in site.redirects:
        yield Entry(
            urls.output_path(redirect.url),
            f"the alias {redirect.url}",
            redirect.source,
            redirect.position,
        )


def _unsafe(entry: Entry) -> str | None:
    """Why a path cannot be written as one file inside the output folder, if it cannot."""
    if _PLAIN_PATH.fullmatch(entry.path):
        return _reserved(entry)
    return _bad_name(entry.path) or _reserved(entry)


def _bad_name(path: str) -> str | None:
    parts = path.split("/")
    if any(not is_utf8(part) for part in parts):
        return "its name is not valid UTF-8; rename the file"
    found = _UNSAFE_CHARACTERS.search(path)
    if found is not None:
        character = {"\\": "a backslash", "?": "a '?'", "#": "a '#'"}.get(found.group())
        return f"a path cannot hold {character or 'a control character'}"
    if any(part in ("", ".", "..") for part in parts):
        return "a path cannot hold empty, '.' or '..' segments"
    # /.well-known/ is the one hidden folder published (from static/.well-known/).
    if any(part.startswith(".") for part in parts[parts[0] == urls.WELL_KNOWN :]):
        return (
            "names that start with '.' are hidden, and kept for newsgen's own files "
            "(such as .newsgen-manifest.json and .newsgen-staging-*)"
        )
    if any(len(part.encode()) > MAX_NAME_BYTES for part in parts):
        return f"a name in it is longer than {MAX_NAME_BYTES} bytes"
    return None


def _reserved(entry: Entry) -> str | None:
    path = entry.path
    if path.startswith(STATIC_FOLDER) and entry.what != "this static file":
        return f"/{STATIC_FOLDER} holds the static files only"
    if path.startswith(urls.WELL_KNOWN + "/") and entry.what != "this static file":
        return f"/{urls.WELL_KNOWN}/ holds the files of static/{urls.WELL_KNOWN}/ only"
    if path.startswith(IMAGES_FOLDER) and entry.what != "this image variant":
        return f"/{IMAGES_FOLDER} holds the resized variants of images only"
    if path.startswith(SEARCH_FOLDER):
        return f"/{SEARCH_FOLDER} is kept for the search bundle"
    if _SITEMAP_PART.fullmatch(path) and entry.source != CONFIG_FILE:
        return "this name is kept for the parts of a split sitemap"
    return None


def _shown(path: str) -> str:
    """A path as printable text: bytes that are not UTF-8 appear as \\xNN."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _source_of(path: Path, root: Path) -> str:
    if path.is_relative_to(root):
        return _shown(path.relative_to(root).as_posix())
    return "newsgen/theme/static/" + _shown(path.relative_to(assets.THEME_STATIC).as_posix())


def _owner(entry: Entry) -> str:
    """How a clash names the file that got a path first: the article, or what and where."""
    if entry.what in ("this article", "this static file"):
        return entry.source
    return entry.what if entry.source == CONFIG_FILE else f"{entry.what} in {entry.source}"


_HINT = "give one of them a different 'slug', date or alias"


def _problem(entry: Entry, message: str, hint: str = "") -> Problem:
    if hint and entry.what == "this static file":
        hint = "rename one of the two files"
    line, column = entry.position
    return Problem(entry.source, line, column, message, hint)
