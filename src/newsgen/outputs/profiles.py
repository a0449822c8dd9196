"""The people and the publication as structured data: the schema.org `Person` behind a
byline (for an article's NewsArticle), the `ProfilePage` of an author page, from the profiles
of authors.yaml, and the front page's `WebSite` with its search and its publisher.

A byline without a profile is still a Person with its name and author page.
"""

from __future__ import annotations

import json
from typing import Any

from newsgen.content import urls
from newsgen.content.authors import find
from newsgen.content.config import Config, Language
from newsgen.content.kinds import AUTHOR

# As pages.py: characters that could end a <script> block or break JavaScript's JSON parsing.
_SCRIPT_SAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def person(name: str, config: Config, prefix: str = "") -> dict[str, Any]:
    """schema.org Person: name and author page (in the language of `prefix`), with the
    profile's photo, role and links."""
    data: dict[str, Any] = {
        "@type": "Person",
        "name": name,
        "url": urls.absolute(config.base_url, prefix + urls.term_url(AUTHOR, name)),
    }
    profile = find(config.profiles, name)
    if profile is None:
        return data
    if profile.image:
        data["image"] = urls.absolute(config.base_url, profile.image)
    if profile.role:
        data["jobTitle"] = profile.role
    if profile.bio_line:
        data["description"] = profile.bio_line
    if profile.email:
        data["email"] = profile.email
    if profile.same_as:
        data["sameAs"] = list(profile.same_as)
    return data


def profile_page_json_ld(name: str, config: Config, language: Language | None = None) -> str:
    """schema.org ProfilePage of an author page, as JSON safe inside <script>."""
    prefix = language.prefix if language else ""
    url = urls.absolute(config.base_url, prefix + urls.term_url(AUTHOR, name))
    data = {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": url,
        "mainEntity": person(name, config, prefix),
    }
    return json.dumps(data, ensure_ascii=False, indent=1).translate(_SCRIPT_SAFE)


def publisher(config: Config) -> dict[str, Any]:
    """The publication as a NewsMediaOrganization, with its logo: search engines show it
    beside the headline."""
    data: dict[str, Any] = {
        "@type": "NewsMediaOrganization",
        "name": config.title,
        "url": urls.absolute(config.base_url, urls.HOME),
    }
    if config.logo:
        data["logo"] = {"@type": "ImageObject", "url": urls.absolute(config.base_url, config.logo)}
    return data


def website_json_ld(config: Config, language: Language | None = None) -> str:
    """The front page's WebSite, in its language: its name, its publisher and (with search on)
    a SearchAction that opens /search/?q=, as search engines offer a search box for a site."""
    edition = language or config.editions[0]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": edition.title,
        "url": urls.absolute(config.base_url, edition.prefix + urls.HOME),
        "inLanguage": edition.code,
        "publisher": publisher(config),
    }
    if edition.description:
        data["description"] = edition.description
    if config.search:
        search = edition.prefix + urls.SEARCH
        target = urls.absolute(config.base_url, search) + "?q={search_term_string}"
        data["potentialAction"] = {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": target},
            "query-input": "required name=search_term_string",
        }
    return json.dumps(data, ensure_ascii=False, indent=1).translate(_SCRIPT_SAFE)
