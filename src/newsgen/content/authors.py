"""Author profiles from `authors.yaml` beside newsgen.yaml: the people behind the bylines.

A mapping from a byline, as articles write it, to `role`, `bio` (Markdown), `image`, `url`,
`email` and `links`; every key optional, unknown keys are errors, every problem reported at
once. A byline matches its profile as author pages group bylines: case does not matter.
Parsing is pure (text in); `load_profiles` reads the file. Nothing here renders pages.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from newsgen.content import urls
from newsgen.content.fields import FieldReader
from newsgen.content.frontmatter import YamlError, YamlMapping, parse_mapping
from newsgen.content.images import image_size
from newsgen.content.urls import term_key
from newsgen.errors import BuildFailed, Problem
from newsgen.model import Article

AUTHORS_FILE = "authors.yaml"
PROFILE_KEYS = ("role", "bio", "image", "url", "email", "links")
# Other names for the same things, as other tools write them: the hint names newsgen's key.
OTHER_KEYS = {
    "title": "newsgen calls it 'role'",
    "job_title": "newsgen calls it 'role'",
    "description": "newsgen calls it 'bio'",
    "photo": "newsgen calls it 'image'",
    "avatar": "newsgen calls it 'image'",
    "website": "newsgen calls it 'url'",
    "social": "list profile URLs under 'links'",
    "same_as": "newsgen calls it 'links'",
    "name": "the key above is the name, as bylines write it",
}
_EMAIL = re.compile(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+")
_SENTENCE = re.compile(r"(.+?[.!?])(?:\s|$)")
# How the author page labels a profile link, by its host; others show the host.
_LINK_LABELS = {
    "x.com": "X",
    "twitter.com": "X",
    "linkedin.com": "LinkedIn",
    "orcid.org": "ORCID",
    "github.com": "GitHub",
    "bsky.app": "Bluesky",
    "facebook.com": "Facebook",
    "instagram.com": "Instagram",
    "threads.net": "Threads",
    "youtube.com": "YouTube",
}


@dataclass(frozen=True, slots=True)
class Profile:
    """One person behind a byline."""

    name: str  # the byline, as authors.yaml writes it
    role: str | None = None  # "Climate reporter"
    bio_html: str = ""  # the bio rendered from Markdown
    bio_line: str = ""  # its first sentence as plain text, for the box under articles
    image: str | None = None  # a site path or an http(s) URL
    image_size: tuple[int, int] | None = None  # of a local image, when readable
    url: str | None = None  # the person's own site
    email: str | None = None
    links: tuple[str, ...] = ()  # profiles elsewhere: Mastodon, X, LinkedIn, ORCID…
    position: tuple[int, int] = (1, 1)  # of its byline in authors.yaml

    @property
    def labelled_links(self) -> tuple[tuple[str, str], ...]:
        """(label, URL) of each link: 'LinkedIn', or the host for a Mastodon server."""
        return tuple((link_label(link), link) for link in self.links)

    @property
    def same_as(self) -> tuple[str, ...]:
        """The person's pages elsewhere, for JSON-LD sameAs."""
        return (*((self.url,) if self.url else ()), *self.links)


def link_label(url: str) -> str:
    host = (urlsplit(url).hostname or url).removeprefix("www.")
    return _LINK_LABELS.get(host, host)


def find(profiles: tuple[Profile, ...], name: str) -> Profile | None:
    """The profile of a byline, matched as author pages match bylines (case-insensitively)."""
    return _index(profiles).get(term_key(name))


@functools.lru_cache(maxsize=8)
def _index(profiles: tuple[Profile, ...]) -> dict[str, Profile]:
    return {term_key(profile.name): profile for profile in profiles}


def load_profiles(root: Path, base_url: str = "") -> tuple[Profile, ...]:
    """Profiles from root/authors.yaml (none without the file); BuildFailed names every
    problem in it."""
    path = root / AUTHORS_FILE
    try:
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    except FileNotFoundError:
        return ()
    except (OSError, UnicodeDecodeError) as exc:
        problem = Problem(AUTHORS_FILE, 1, 1, f"cannot read {AUTHORS_FILE}: {exc}")
        raise BuildFailed([problem]) from None
    return parse_profiles(text, root / "static", urls.base_path(base_url))


def parse_profiles(text: str, static_dir: Path, base_path: str = "") -> tuple[Profile, ...]:
    """Validate authors.yaml text; `static_dir` gives the size of local photos."""
    try:
        mapping = parse_mapping(text)
    except YamlError as exc:
        raise BuildFailed(
            [Problem(AUTHORS_FILE, exc.line, exc.column, exc.message, exc.hint)]
        ) from None
    problems: list[Problem] = []
    profiles = []
    for name, value in mapping.data.items():
        where = mapping.positions.get(name, (1, 1))
        if not name.strip():
            problems.append(Problem(AUTHORS_FILE, *where, "a byline must not be empty"))
            continue
        if value is not None and not isinstance(value, dict):
            problems.append(
                Problem(
                    AUTHORS_FILE,
                    *where,
                    f"the profile of '{name}' must be a mapping of 'key: value' lines",
                    "for example:\nJane Doe:\n  role: Climate reporter",
                )
            )
            continue
        fields = FieldReader(
            YamlMapping(value or {}, mapping.positions), AUTHORS_FILE, where, f"{name}.", problems
        )
        profiles.append(_profile(name.strip(), fields, where, static_dir, base_path))
    keys: dict[str, str] = {}
    for profile in profiles:
        other = keys.setdefault(term_key(profile.name), profile.name)
        if other != profile.name:
            problems.append(
                Problem(
                    AUTHORS_FILE,
                    *profile.position,
                    f"'{profile.name}' and '{other}' are one byline (case does not matter)",
                    "keep one profile",
                )
            )
    if problems:
        raise BuildFailed(problems)
    return tuple(profiles)


def _profile(
    name: str, fields: FieldReader, where: tuple[int, int], static_dir: Path, base_path: str
) -> Profile:
    fields.reject_unknown(PROFILE_KEYS, OTHER_KEYS)
    bio = fields.text("bio")
    image = _image(fields)
    links = tuple(link for link in fields.text_list("links") if _web_url(fields, "links", link))
    url = fields.text("url")
    if url is not None and not _web_url(fields, "url", url):
        url = None
    email = fields.text("email")
    if email is not None and not _EMAIL.fullmatch(email):
        fields.problem("email", f"'{fields.prefix}email' is not an email address: {email!r}")
        email = None
    bio_html = ""
    if bio:
        # markdown-it is imported by the profiles that have a bio alone: a build with nothing
        # to do reads the config, and should not pay for the Markdown parser.
        from newsgen.content.markdown import shared_markdown  # noqa: PLC0415

        bio_html = shared_markdown(False, base_path).render(bio)
    size = None
    if image is not None and image.startswith(urls.STATIC):
        size = image_size(static_dir, image.removeprefix(urls.STATIC))
    return Profile(
        name=name,
        role=fields.text("role"),
        bio_html=bio_html,
        bio_line=first_sentence(bio_html),
        image=image,
        image_size=size,
        url=url,
        email=email,
        links=links,
        position=where,
    )


def first_sentence(fragment: str) -> str:
    """The first sentence of an HTML fragment's first paragraph, as plain text."""
    from newsgen.content.markdown import plain_text  # noqa: PLC0415 (as in _profile)

    first = fragment.split("</p>", 1)[0]
    text = plain_text(first)
    found = _SENTENCE.match(text)
    return html.unescape(found.group(1)) if found else text


def _image(fields: FieldReader) -> str | None:
    value = fields.text("image")
    if value is None:
        return None
    parts = urlsplit(value)
    if value.startswith("/") and not value.startswith("//"):
        return value
    if parts.scheme in ("http", "https") and parts.netloc:
        return value
    fields.problem(
        "image",
        f"'{fields.prefix}image' must be a site path starting with '/' or an absolute http(s) URL",
        "for example /static/authors/jane-doe.jpg",
    )
    return None


def _web_url(fields: FieldReader, key: str, value: str) -> bool:
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.netloc:
        return True
    fields.problem(key, f"'{fields.prefix}{key}' must hold absolute http(s) URLs, not {value!r}")
    return False


def unused(profiles: tuple[Profile, ...], articles: Iterable[Article]) -> tuple[Problem, ...]:
    """A warning for each profile that no published article's byline names."""
    used = {term_key(name) for article in articles for name in article.authors}
    return tuple(
        Problem(
            AUTHORS_FILE,
            *profile.position,
            f"no published article has the byline '{profile.name}'",
            "check its spelling against the articles' 'author' lines, or remove the profile",
        )
        for profile in profiles
        if term_key(profile.name) not in used
    )
