"""WordPress exports (WXR 1.0 to 1.2, Tools → Export): posts become records, the rest is counted.

Mapping: `post_date_gmt` → date (UTC; `post_date` in the site's time zone when a draft has no
GMT date), author logins → display names, the first category → section and the other
categories and tags → tags ("Uncategorized" is dropped), excerpt → summary, `post_name` → slug,
draft/pending/private and password-protected → draft, the permalink's path → alias,
`_thumbnail_id` → image. Content becomes the HTML WordPress showed (wpcontent.py), then
Markdown (markup.py); links between the export's posts point at their new URLs.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from lxml import etree

from newsgen.errors import BuildFailed, Problem
from newsgen.importers.markup import first_words, to_markdown
from newsgen.importers.record import ArticleRecord, AuthorRecord, Link, Skipped, SourceResult
from newsgen.importers.wpcontent import Attachment, content_html

# WordPress's own namespace, whatever the scheme and version: http://wordpress.org/export/1.2/
# (self-hosted), https://wordpress.org/export/1.2/ (WordPress.com and recent exports), 1.0, 1.1.
_WP = re.compile(r"^\{https?://(?:www\.)?wordpress\.org/export/[^}/]*/?\}")

_SKIPPED_TYPES = {
    "page": "page",
    "attachment": "attachment",
    "nav_menu_item": "nav menu item",
    "revision": "revision",
}
_DRAFT_STATUSES = ("draft", "pending", "private")
# A language slug as Polylang and WPML write them: en, pt-br, zh-hans, pt_BR.
_LANGUAGE_SLUG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
_SKIPPED_STATUSES = ("trash", "auto-draft", "inherit")
# A link to an absolute address: maybe another post of the export (see _relink).
_SITE_HREF = re.compile(r'(href=["\'])(https?://[^"\']+)["\']', re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Export:
    """What the channel says once for every item."""

    authors: dict[str, str]  # login -> display name
    attachments: dict[str, Attachment]  # post id -> attachment
    posts: dict[str, str]  # a post's old addresses (see _link_key) -> its import id


def read_export(data: bytes, shown: str) -> SourceResult:
    root = _parse(data, shown)
    channel = root.find("channel")
    if channel is None:
        raise BuildFailed([Problem(shown, 1, 1, "not a WordPress export: no <channel>")])
    items = channel.findall("item")
    if items and not any(_WP.match(e.tag) for e in root.iter() if isinstance(e.tag, str)):
        namespaces = sorted({e.tag[1:].split("}")[0] for e in channel.iter() if e.tag[:1] == "{"})
        found = f" (it uses {', '.join(namespaces)})" if namespaces else ""
        message = f"no WordPress elements (wp:…, namespace wordpress.org/export/) found{found}"
        raise BuildFailed([Problem(shown, 1, 1, message, "export again with Tools → Export")])
    export = _Export(_authors(channel), _attachments(channel), _post_addresses(items))
    records: list[ArticleRecord] = []
    skipped: list[Skipped] = []
    warnings: list[Problem] = []
    guids: dict[str, Problem] = {}
    for item in items:
        where = Problem(shown, item.sourceline or 1, 1, _text(item, "title") or "(untitled)")
        for _comment in _wp_all(item, "comment"):
            skipped.append(Skipped(_note(where, "skipped: a comment"), "comment"))
        kind = _wp(item, "post_type") or "post"
        status = _wp(item, "status") or "publish"
        title = _text(item, "title")
        if kind != "post":
            reason = _SKIPPED_TYPES.get(kind, f"{kind} item")
            skipped.append(Skipped(_note(where, f"skipped: a {reason} '{title}'"), reason))
        elif status in _SKIPPED_STATUSES:
            message = f"skipped: a post in the {status} ('{title}')"
            skipped.append(Skipped(_note(where, message), f"{status} post"))
        elif _date(item)[1]:
            message = f"skipped: {_date(item)[1]} (give it a date in WordPress and export again)"
            skipped.append(Skipped(_note(where, message), "impossible date"))
        else:
            guid = _text(item, "guid").strip()
            if guid and guid in guids:
                first = guids[guid]
                warnings.append(
                    _note(
                        where,
                        f"shares its GUID {guid} with '{first.message}' (line {first.line}); "
                        "imported as a distinct post",
                    )
                )
            guids.setdefault(guid, where)
            records.append(_post(item, where, export, status))
    # Imports before the post id was part of the identity knew a post by its GUID alone: such
    # an article is this post when no other post of the export has its GUID.
    shared = {g for g, n in Counter(_text(i, "guid").strip() for i in items).items() if n > 1}
    records = [
        dataclasses.replace(r, former_ids=(former,))
        if (former := _former_identity(r.source_id)) and former[len("wordpress:") :] not in shared
        else r
        for r in records
    ]
    # Only posts whose one old URL is /?p=ID lose it; the others keep their pretty permalink.
    query_only = sum(1 for r in records if not r.aliases)
    if query_only:
        warnings.insert(
            0,
            Problem(
                shown,
                1,
                1,
                f"the old links of the form /?p=ID ({query_only} "
                f"post{'s' * (query_only != 1)} without a pretty permalink) cannot redirect from "
                "a static site; redirect them on the web server, or keep the permalinks",
            ),
        )
    return SourceResult(
        records=tuple(records),
        skipped=tuple(skipped),
        warnings=tuple(warnings),
        authors=_people(channel, shown),
    )


def _parse(data: bytes, shown: str) -> etree._Element:
    """The export's XML, without entity expansion or network access. A namespace name that
    is not a valid URI (non-ASCII letters, which WordPress writes and reads) is the one flaw
    read past: libxml2 reports it as an error, yet the document is well-formed."""
    options: dict[str, bool] = {
        "resolve_entities": False,
        "no_network": True,
        "huge_tree": False,
        "strip_cdata": True,
    }
    parser = etree.XMLParser(**options)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        # This parse's own errors (the exception's log can hold earlier parses' entries).
        errors = [e for e in parser.error_log if e.level_name in ("ERROR", "FATAL")]
        if errors and all(e.type_name == "WAR_NS_URI" for e in errors):
            return etree.fromstring(data, etree.XMLParser(recover=True, **options))
        line, column = exc.position
        raise BuildFailed([Problem(shown, line, column, f"invalid XML: {exc.msg}")]) from None


def _post(item: etree._Element, where: Problem, export: _Export, status: str) -> ArticleRecord:
    notes: list[str] = []
    post_id = _wp(item, "post_id")
    content = _text(item, "{http://purl.org/rss/1.0/modules/content/}encoded")
    links: list[Link] = []
    content = _SITE_HREF.sub(lambda m: _relink(m, export, _identity(item), links), content)
    body, body_notes = to_markdown(content_html(content, export.attachments, post_id, notes))
    categories = _terms(item, "category")
    categories = [c for c in categories if c.casefold() != "uncategorized"]
    tags = _terms(item, "post_tag")
    link = _text(item, "link")
    old = [link] if link and not urlsplit(link).query else []
    login = _text(item, "{http://purl.org/dc/elements/1.1/}creator")
    excerpt = next(
        (
            child.text or ""
            for child in item
            if isinstance(child.tag, str) and child.tag.endswith("/excerpt/}encoded")
        ),
        "",
    )
    meta = {_wp(m, "meta_key"): _wp(m, "meta_value") for m in _wp_all(item, "postmeta")}
    language, group = _language(item, meta)
    thumbnail = export.attachments.get(meta.get("_thumbnail_id", ""))
    draft = status in _DRAFT_STATUSES
    if _wp(item, "post_password"):
        draft = True
        notes.append(
            "is password-protected in WordPress; imported as a draft so that it is not "
            "published (remove 'draft: true' to publish it to everyone)"
        )
    moment, _impossible = _date(item)
    identity = _identity(item)
    section = categories[0] if categories else None
    # A post without a title (an aside, a status) is titled with its first words.
    title = html.unescape(_text(item, "title")).strip() or first_words(body, notes)
    return ArticleRecord(
        title=title or f"Post {post_id}",
        body=body,
        source=where,
        source_id=identity,
        date=moment,
        authors=(export.authors.get(login, login),) if login else (),
        section=section,
        tags=_unique([*categories[1:], *tags], exclude=section),
        summary=html.unescape(re.sub(r"<[^>]+>", "", excerpt)).strip() or None,
        slug=_wp(item, "post_name") or None,
        image=thumbnail.url if thumbnail else None,
        draft=draft,
        aliases=tuple(urlsplit(u).path for u in old),
        warnings=(*notes, *body_notes),
        links=tuple(links),
        language=language,
        translation_key=group,
    )


def _language(item: etree._Element, meta: dict[str, str]) -> tuple[str | None, str | None]:
    """A post's language and translation group, where a multilingual plugin wrote them into
    the export: Polylang as taxonomies (the `language` term's slug, the `post_translations`
    group, pll_…), WPML's "Export and Import" as custom fields (_wpml_import_language_code,
    _wpml_import_translation_group). The core exporter writes no WPML data otherwise."""
    language = next(
        (c.get("nicename") for c in item.findall("category[@domain='language']")), None
    ) or meta.get("_wpml_import_language_code")
    group = next(
        (c.get("nicename") for c in item.findall("category[@domain='post_translations']")), None
    ) or meta.get("_wpml_import_translation_group")
    if not language or not _LANGUAGE_SLUG.fullmatch(language):
        return None, None
    return language.strip().replace("_", "-"), (group or "").strip() or None


def _identity(item: etree._Element) -> str:
    """The import id. Two posts can share a GUID (one copied from another blog): the post id
    (or, failing that, the link) tells them apart, and stays the same from one export to the
    next."""
    guid, link = _text(item, "guid").strip(), _text(item, "link")
    return "wordpress:" + "#".join(part for part in (guid or link, _wp(item, "post_id")) if part)


def _former_identity(identity: str) -> str | None:
    """The id an import gave the post before the post id was part of it: its GUID (or link)."""
    head, _, post_id = identity.rpartition("#")
    return head if head and post_id.isdigit() and head != "wordpress:" else None


def _post_addresses(items: list[etree._Element]) -> dict[str, str]:
    """Each post's old addresses (its permalink, and ?p=ID on its blog) -> its import id."""
    found: dict[str, str] = {}
    for item in items:
        if (_wp(item, "post_type") or "post") != "post":
            continue
        link = _text(item, "link")
        host = urlsplit(link).netloc or urlsplit(_text(item, "guid")).netloc
        for address in (link, f"//{host}/?p={_wp(item, 'post_id')}"):
            key = _link_key(address)
            if key is not None:
                found.setdefault(key, _identity(item))
    return found


def _link_key(url: str) -> str | None:
    """An address as the old blog answered it: host without www., path without its last
    '/', and only ?p=ID of its query."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    if not host:
        return None
    post = re.search(r"(?:^|&)p=(\d+)(?:&|$)", parts.query)
    return f"{host}{parts.path.rstrip('/')}" + (f"?p={post[1]}" if post else "")


def _relink(match: re.Match[str], export: _Export, identity: str, links: list[Link]) -> str:
    """A link to another post of the export becomes a mark for the writer to point at the
    post's new URL (its fragment kept)."""
    url = html.unescape(match[2])
    key = _link_key(url.split("#", 1)[0])
    target = export.posts.get(key) if key else None
    if target is None or target == identity:
        return match[0]
    fragment = "#" + url.split("#", 1)[1] if "#" in url else ""
    links.append(Link(f"xnewsgenwplink{len(links)}x", target, url.split("#", 1)[0]))
    return f'{match[1]}{links[-1].mark}{html.escape(fragment)}"'


def _terms(item: etree._Element, domain: str) -> list[str]:
    return [
        html.unescape(c.text).strip()
        for c in item.findall(f"category[@domain='{domain}']")
        if c.text and c.text.strip()
    ]


def _unique(terms: list[str], exclude: str | None) -> tuple[str, ...]:
    """Each term once, whatever its case: newsgen's terms are case-insensitive, and a category
    that is also a tag (or the section) is one term, not two."""
    seen = {exclude.casefold()} if exclude else set()
    kept = []
    for term in terms:
        if term.casefold() not in seen:
            seen.add(term.casefold())
            kept.append(term)
    return tuple(kept)


def _date(item: etree._Element) -> tuple[datetime | None, str]:
    """The post's date, and a note when the export's date cannot be a date."""
    for key, zone in (("post_date_gmt", UTC), ("post_date", None)):
        text = _wp(item, key)
        if not text or text.startswith("0000"):
            continue
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None, f"its {key} '{text}' is not a date"
        # post_date is in the blog's time zone, which the export does not give: the site's.
        return (moment.replace(tzinfo=zone) if zone else moment.replace(tzinfo=None)), ""
    return None, ""


def _authors(channel: etree._Element) -> dict[str, str]:
    names = {}
    for author in _wp_all(channel, "author"):
        login = _wp(author, "author_login")
        names[login] = _wp(author, "author_display_name") or login
    return names


def _people(channel: etree._Element, shown: str) -> tuple[AuthorRecord, ...]:
    """Each wp:author as a profile: the display name posts are bylined with, and the
    biographical info where the export carries it (wp:author_description)."""
    people = []
    for author in _wp_all(channel, "author"):
        login = _wp(author, "author_login")
        name = _wp(author, "author_display_name") or login
        if name.strip():
            where = Problem(shown, author.sourceline or 1, 1, f"author {name}")
            bio = _wp(author, "author_description").strip() or None
            people.append(AuthorRecord(name=name.strip(), source=where, bio=bio))
    return tuple(people)


def _attachments(channel: etree._Element) -> dict[str, Attachment]:
    found = {}
    for item in channel.findall("item"):
        if _wp(item, "post_type") == "attachment" and _wp(item, "attachment_url"):
            order = _wp(item, "menu_order")
            found[_wp(item, "post_id")] = Attachment(
                _wp(item, "attachment_url"),
                _wp(item, "post_parent"),
                int(order) if order.lstrip("-").isdigit() else 0,
            )
    return found


def _wp_all(element: etree._Element, name: str) -> list[etree._Element]:
    """Children named wp:NAME, whatever the export's version and scheme."""
    return [
        child
        for child in element
        if isinstance(child.tag, str)
        and child.tag.rsplit("}", 1)[-1] == name
        and _WP.match(child.tag)
    ]


def _wp(element: etree._Element, name: str) -> str:
    found = _wp_all(element, name)
    return (found[0].text or "").strip() if found else ""


def _text(element: etree._Element, path: str) -> str:
    found = element.find(path)
    return (found.text or "") if found is not None else ""


def _note(where: Problem, message: str) -> Problem:
    return Problem(where.path, where.line, where.column, message)
