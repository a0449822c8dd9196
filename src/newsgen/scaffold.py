"""`newsgen new` writes an article file; `newsgen init` writes a new site that builds at once.

Neither ever overwrites a file. Text values are written as JSON strings, which YAML reads as
double-quoted strings, so any headline survives the round trip.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from newsgen.content import urls
from newsgen.content.config import CONFIG_FILE, Config, load_config
from newsgen.content.frontmatter import FORBIDDEN_CHARS
from newsgen.content.loader import ArticleInvalid, decode, parse_article
from newsgen.errors import BuildFailed, NewsgenError
from newsgen.model import Article
from newsgen.safefile import read_regular, write_file


def new_article(
    root: Path,
    title: str | None,
    *,
    section: str | None = None,
    tags: Sequence[str] = (),
    authors: Sequence[str] = (),
    terms: Sequence[str] = (),
    draft: bool = False,
    now: datetime | None = None,
    language: str | None = None,
    translation_of: Path | None = None,
) -> Path:
    """Write articles/YYYY/<slug>.md dated now in the site's time zone; return its path.
    A translation (`translation_of`) shares its original's translation_key (the original is
    given one, its slug, if it has none) and, without a headline, starts from its title.
    `terms` are KIND=TERM for the site's own kinds of term (config `taxonomies:`)."""
    config = load_config(root)
    declared = _declared_terms(config, terms)
    code = _language(config, language)
    key = None
    if translation_of is not None:
        original = _original(config, translation_of, code)
        key = original.translation_key or _give_key(translation_of, original)
        title = title or original.title
        authors = authors or original.authors
    if title is None:
        raise NewsgenError("give the headline, or --translation-of an article to start from")
    _refuse_unusable(
        [("the headline", title), ("--section", section)]
        + [("--tag", tag) for tag in tags]
        + [("--author", author) for author in authors]
        + [("--term", term) for given in declared.values() for term in given]
    )
    slug = urls.slugify_segment(title)
    if not title.strip() or not slug:
        raise NewsgenError(f"the headline {title!r} has no letters or digits to make a URL from")
    moment = (now or datetime.now(UTC)).astimezone(config.timezone).replace(microsecond=0)
    lines = [f"title: {_quoted(title.strip())}", f"date: {moment.isoformat()}"]
    if authors:
        lines.append(f"authors: [{', '.join(_quoted(a) for a in authors)}]")
    if section:
        lines.append(f"section: {_quoted(section)}")
    if tags:
        lines.append(f"tags: [{', '.join(_quoted(t) for t in tags)}]")
    lines.extend(f"{key}: [{', '.join(map(_quoted, given))}]" for key, given in declared.items())
    if draft:
        lines.append("draft: true")
    if code is not None:
        lines.append(f"language: {_quoted(code)}")
    if key is not None:
        lines.append(f"translation_key: {_quoted(key)}")
    # A language other than the default has its own folder, as its URLs have their prefix.
    edition = config.edition(code) if code else config.editions[0]
    folder = config.articles_dir / edition.prefix.lstrip("/")
    path = folder / f"{moment.year:04d}" / f"{slug}.md"
    shown = path.relative_to(root).as_posix()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as file:
            file.write("---\n" + "\n".join(lines) + "\n---\n\n")
    except FileExistsError as exc:
        if exc.filename != str(path):
            raise _cannot_create(shown, root, exc) from None
        raise NewsgenError(
            f"{shown} already exists; newsgen never overwrites an article "
            "(choose another headline, or edit that file)"
        ) from None
    except OSError as exc:
        raise _cannot_create(shown, root, exc) from None
    return path


def _language(config: Config, given: str | None) -> str | None:
    """--language as the site configures it (BCP 47 ignores case); an unknown one is an
    error naming the site's languages."""
    if given is None:
        return None
    codes = [edition.code for edition in config.editions]
    found = next((code for code in codes if code.lower() == given.lower()), None)
    if found is None:
        raise NewsgenError(
            f"unknown language {given!r}; the site's languages are {', '.join(codes)}"
        )
    return found


def _declared_terms(config: Config, given: Sequence[str]) -> dict[str, list[str]]:
    """--term KIND=TERM options, by the front-matter key of each kind, in the order given;
    a kind the site does not declare is an error naming those it does."""
    found: dict[str, list[str]] = {}
    keys = {kind.name: kind.keys[0] for kind in config.taxonomies}
    for option in given:
        name, equals, term = option.partition("=")
        if not equals:
            raise NewsgenError(f"--term {option!r} must be KIND=TERM, such as series=Harbor")
        if name.strip() not in keys:
            declared = ", ".join(keys) or "none (see 'taxonomies' in newsgen.yaml)"
            raise NewsgenError(
                f"--term {option!r}: the site has no kind of term {name.strip()!r}; "
                f"its own kinds are {declared}"
            )
        found.setdefault(keys[name.strip()], []).append(term)
    return found


def _original(config: Config, path: Path, code: str | None) -> Article:
    """The article a translation in `code` is made from, read through the build's rules."""
    shown = _shown(path, config.root)
    try:
        text, _ = decode(read_regular(path), shown)
        original = parse_article(text, shown, config)
    except ArticleInvalid as exc:
        raise BuildFailed(exc.problems) from None
    except OSError as exc:  # NotRegularFile is one
        raise NewsgenError(f"cannot read {shown}: {exc.strerror or exc}") from None
    if code is None or code == original.language:
        raise NewsgenError(
            f"{shown} is in {original.language}; give --language with another of the site's "
            "languages: " + ", ".join(e.code for e in config.editions)
        )
    return original


def _give_key(path: Path, original: Article) -> str:
    """An original without a translation_key gets its slug as one, in a line of its own after
    the opening '---' (the rest of the file untouched); the file is replaced whole."""
    data = read_regular(path)
    start = data.index(b"---") + 3  # after a BOM, if any: the loader found front matter
    newline = b"\r\n" if data[start : start + 2] == b"\r\n" else b"\n"
    line = f"translation_key: {_quoted(original.slug)}".encode()
    write_file(path, data[:start] + newline + line + data[start:], durable=True)
    return original.slug


def _shown(path: Path, root: Path) -> str:
    """A path as problems name it: relative to the site folder when inside it."""
    resolved, base = path.resolve(), root.resolve()
    return resolved.relative_to(base).as_posix() if resolved.is_relative_to(base) else str(path)


def _cannot_create(shown: str, root: Path, exc: OSError) -> NewsgenError:
    """The error for a file or folder that cannot be made, naming what is in the way."""
    blocked = Path(exc.filename) if exc.filename else None
    reason = exc.strerror or str(exc)
    if isinstance(exc, (FileExistsError, NotADirectoryError)) and blocked is not None:
        in_the_way = next(
            (p for p in (blocked, *blocked.parents) if p.exists() and not p.is_dir()), None
        )
        if in_the_way is not None:
            name = in_the_way.relative_to(root) if in_the_way.is_relative_to(root) else in_the_way
            reason = f"{name.as_posix()} is a file, not a folder"
    return NewsgenError(f"cannot create {shown}: {reason}")


def init_site(folder: Path, now: datetime | None = None) -> list[Path]:
    """Create a site in an empty or missing `folder`; return the files written."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise NewsgenError(f"{folder} is not empty; newsgen init only creates new sites")
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    files = {
        CONFIG_FILE: SITE_CONFIG,
        f"articles/{moment.year:04d}/welcome.md": WELCOME.format(date=moment.isoformat()),
        "templates/README.md": TEMPLATES_NOTE,
        "static/README.md": STATIC_NOTE,
        ".gitignore": "/site/\n/.newsgen/\n",
    }
    written = []
    for relative, text in files.items():
        path = folder / relative
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise _cannot_create((folder / relative).as_posix(), folder, exc) from None
        written.append(path)
    return written


def _refuse_unusable(values: Sequence[tuple[str, str | None]]) -> None:
    """What the next build would reject is refused now, before a file is written."""
    for option, value in values:
        if value is None:
            continue
        found = FORBIDDEN_CHARS.search(value)
        if found is not None:
            raise NewsgenError(
                f"{option} {value!r} holds the control character U+{ord(found.group()):04X}, "
                "which HTML and feeds cannot carry"
            )
        if option != "the headline" and not value.strip():
            raise NewsgenError(f"{option} must not be empty")


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


SITE_CONFIG = """\
# newsgen.yaml: the settings of this site. Every key is listed; the commented ones show
# their default value. The README of newsgen describes each in full.

# The publication's name, shown in the masthead and in feeds.
title: My News Archive
# The absolute address the site will be published at (feeds and canonical links use it).
# It may have a path, such as https://example.org/news: every link then carries /news.
base_url: https://news.example.org
# IANA time zone of the newsroom; article dates without an offset are in it.
timezone: UTC
# Language of the site, as a BCP 47 tag.
# language: en
# One line about the publication, for feeds and search engines.
# description: ""
# Article URL pattern; placeholders {year} {month} {day} {slug} {section}.
# permalink: /{year}/{month}/{day}/{slug}/
# Articles per page of the front page and of every listing.
# per_page: 10
# "newest" (page 1 is the newest) or "stable" (pages counted from the oldest never change).
# pagination: newest
# feeds:
#   items: 20          # newest articles per feed
#   content: full      # full article bodies, or "summary"
# markdown:
#   allow_html: false  # pass raw HTML in articles through instead of escaping it
# Where the site is written.
# output_dir: site
# Build the /search/ page and its index.
# search: true
# sitemap:
#   max_urls: 50000    # past this, sitemap.xml becomes an index of parts
# Share image for pages without one of their own (PNG or JPEG, 1200x630; never SVG).
# image: /static/card.png
# image_alt: ""
# The publication's logo, shown by search engines beside headlines and by feed readers.
# logo: /static/logo.png
# og:locale as language_TERRITORY; by default the likeliest one for `language` (en: en_US).
# locale: en_US
# Several languages instead of `language`: the first keeps the root URLs, each other lives
# under /<code>/; articles say `language: fr-CA` and link translations by `translation_key`.
# languages:
#   - code: en
#   - code: fr-CA
#     title: Mes nouvelles
#     description: ""
# The site's own kinds of term besides sections, tags and authors: each has a page per term,
# an index of its terms and feeds, as tags do. Articles say `series: Harbor Watch` (or a list).
# taxonomies:
#   series:
#     key: series        # the front-matter key; by default the name
#     path: /series/     # the URL folder of its pages; by default /<name>/
#     singular: Series   # above one term's listing
#     plural: Series     # the title of the page of all its terms
#     feeds: true        # RSS, Atom and JSON Feed for each term
"""

WELCOME = """\
---
title: Welcome to your news archive
date: {date}
author: The Editors
section: News
tags: [newsgen]
---

This is the first article of your archive. Edit it, or write a new one with
`newsgen new "Your headline"`.

<!--more-->

Every article is a text file in `articles/`: front matter between the `---` lines, then the
story in Markdown. Run `newsgen serve` to see your changes in the browser as you save them,
and `newsgen build` to write the finished site to `site/`.
"""

TEMPLATES_NOTE = """\
# Templates

Put a template here with the name of one of newsgen's own (`base.html`, `article.html`,
`list.html`, `teaser.html`, `footer.html`, `terms.html`, `archive.html`, `search.html`,
`404.html`, `redirect.html`) and it replaces the default. The default stays reachable as
`newsgen/<name>`, so an override can build on it:

    {% extends "newsgen/article.html" %}

or include it, as in a `footer.html` of your own:

    <p>Our own line.</p>
    {% include "newsgen/footer.html" %}
"""

STATIC_NOTE = """\
# Static files

Files here are published under /static/, over the theme's own files of the same name
(put a `newsgen.css` here to replace the theme's stylesheet). This README is not published.
"""
