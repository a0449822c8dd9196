"""WordPress exports (WXR 1.0 to 1.2, Tools → Export): posts become records, the rest is counted.

Mapping: `post_date_gmt` → date (UTC; `post_date` in the site's time zone when a draft has no
GMT date), author logins → display names, the first category → section and the other
categories and tags → tags ("Uncategorized" is dropped), excerpt → summary, `post_name` → slug,
draft/pending/private → draft, the permalink's path → alias, `_thumbnail_id` → image.
Content gets WordPress's paragraph rules, then shortcodes, then HTML → Markdown.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from lxml import etree

from newsgen.errors import BuildFailed, Problem
from newsgen.importers.markup import to_markdown
from newsgen.importers.record import ArticleRecord, AuthorRecord, Skipped, SourceResult

_WP = "{http://wordpress.org/export/"
_SKIPPED_TYPES = {
    "page": "page",
    "attachment": "attachment",
    "nav_menu_item": "nav menu item",
    "revision": "revision",
}
_DRAFT_STATUSES = ("draft", "pending", "private")
_SKIPPED_STATUSES = ("trash", "auto-draft", "inherit")
# Tags after which WordPress starts no paragraph of its own: a block that starts with one stays.
_BLOCK_START = re.compile(
    r"^\s*<(?:p|div|h[1-6]|ul|ol|li|dl|blockquote|figure|table|pre|hr|iframe|form|section"
    r"|article|aside|header|footer|address|video|audio|object|embed)\b|^\s*<!--",
    re.IGNORECASE,
)
_SHORTCODE = re.compile(
    r"\[(?P<name>[a-zA-Z_][\w-]*)(?P<attrs>[^\]]*)\](?:(?P<inner>.*?)\[/(?P=name)\])?", re.DOTALL
)
_ATTRIBUTE = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
# The block editor's embeds: the URL alone in a wrapper <div>.
_BLOCK_EMBED = re.compile(
    r'<div class="wp-block-embed__wrapper">\s*(https?://[^\s<>"]+)\s*</div>', re.IGNORECASE
)
_ALONE_URL = re.compile(r"<p>(https?://[^\s<>\"]+)</p>")


@dataclass(frozen=True, slots=True)
class _Export:
    """What the channel says once for every item."""

    authors: dict[str, str]  # login -> display name
    attachments: dict[str, str]  # post id -> file URL


def read_export(data: bytes, shown: str) -> SourceResult:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, strip_cdata=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        raise BuildFailed([Problem(shown, line, column, f"invalid XML: {exc.msg}")]) from None
    channel = root.find("channel")
    if channel is None:
        raise BuildFailed([Problem(shown, 1, 1, "not a WordPress export: no <channel>")])
    export = _Export(_authors(channel), _attachments(channel))
    records: list[ArticleRecord] = []
    skipped: list[Skipped] = []
    for item in channel.findall("item"):
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
        elif not title.strip():
            skipped.append(Skipped(_note(where, "skipped: a post with no title"), "untitled"))
        else:
            records.append(_post(item, where, export, status))
    warnings: tuple[Problem, ...] = ()
    if records:
        warnings = (
            Problem(
                shown,
                1,
                1,
                f"the old links of the form /?p=ID ({len(records)} posts) cannot redirect from a "
                "static site; redirect them on the web server, or keep the permalinks",
            ),
        )
    return SourceResult(
        records=tuple(records),
        skipped=tuple(skipped),
        warnings=warnings,
        authors=_people(channel, shown),
    )


def _post(item: etree._Element, where: Problem, export: _Export, status: str) -> ArticleRecord:
    notes: list[str] = []
    content = _text(item, "{http://purl.org/rss/1.0/modules/content/}encoded")
    body, body_notes = to_markdown(_shortcodes(_autop(content), export, notes))
    categories = [c.text.strip() for c in item.findall("category[@domain='category']") if c.text]
    categories = [c for c in categories if c.casefold() != "uncategorized"]
    tags = [c.text.strip() for c in item.findall("category[@domain='post_tag']") if c.text]
    link = _text(item, "link")
    guid = _text(item, "guid")
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
    thumbnail = meta.get("_thumbnail_id", "")
    return ArticleRecord(
        title=html.unescape(_text(item, "title")).strip(),
        body=body,
        source=where,
        source_id=f"wordpress:{guid or link or _wp(item, 'post_id')}",
        date=_date(item),
        authors=(export.authors.get(login, login),) if login else (),
        section=categories[0] if categories else None,
        tags=tuple(dict.fromkeys(categories[1:] + tags)),
        summary=html.unescape(re.sub(r"<[^>]+>", "", excerpt)).strip() or None,
        slug=_wp(item, "post_name") or None,
        image=export.attachments.get(thumbnail) or None,
        draft=status in _DRAFT_STATUSES,
        aliases=tuple(urlsplit(u).path for u in old),
        warnings=(*notes, *body_notes),
    )


def _autop(text: str) -> str:
    """WordPress's paragraph rules: blank lines part paragraphs, single newlines are breaks."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    out = []
    for block in (b.strip() for b in blocks):
        if not block:
            continue
        if _BLOCK_START.match(block) or _SHORTCODE.fullmatch(block):
            out.append(block)
        else:
            out.append("<p>" + block.replace("\n", "<br>\n") + "</p>")
    return "\n".join(out)


def _shortcodes(text: str, export: _Export, notes: list[str]) -> str:
    """[caption] → figure, [gallery] → images, [embed] and lone URLs → links; others reported."""

    def replace(match: re.Match[str]) -> str:
        name = match["name"].lower()
        attrs = _attributes(match["attrs"])
        inner = match["inner"] or ""
        if name in ("caption", "wp_caption"):
            image, _, caption = inner.rpartition(">")
            caption = caption.strip() or attrs.get("caption", "")
            return f"<figure>{image}><figcaption>{caption}</figcaption></figure>"
        if name == "gallery":
            ids = [i.strip() for i in attrs.get("ids", "").split(",") if i.strip()]
            found = [export.attachments[i] for i in ids if i in export.attachments]
            if len(found) < len(ids) or not ids:
                notes.append(f"shortcode [gallery] refers to images not in the export: {ids}")
            return "".join(f'<p><img src="{html.escape(url)}" alt=""></p>' for url in found)
        if name == "embed":  # markup.py makes it a link, and reports it
            return f'<embed src="{html.escape(inner.strip())}">'
        notes.append(f"shortcode [{name}] is not supported; left as text")
        return match[0]

    text = _SHORTCODE.sub(replace, text)
    # A URL alone in its paragraph is an embed (oEmbed) in WordPress.
    text = _BLOCK_EMBED.sub(lambda m: f'<embed src="{m[1]}">', text)
    return _ALONE_URL.sub(lambda m: f'<embed src="{m[1]}">', text)


def _attributes(text: str) -> dict[str, str]:
    return {m[1].lower(): m[2] or m[3] or m[4] or "" for m in _ATTRIBUTE.finditer(text)}


def _date(item: etree._Element) -> datetime | None:
    gmt = _wp(item, "post_date_gmt")
    if gmt and not gmt.startswith("0000"):
        return datetime.fromisoformat(gmt).replace(tzinfo=UTC)
    local = _wp(item, "post_date")
    if local and not local.startswith("0000"):
        return datetime.fromisoformat(local)  # the blog's time zone, unknown: the site's
    return None


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


def _attachments(channel: etree._Element) -> dict[str, str]:
    return {
        _wp(item, "post_id"): _wp(item, "attachment_url")
        for item in channel.findall("item")
        if _wp(item, "post_type") == "attachment" and _wp(item, "attachment_url")
    }


def _wp_all(element: etree._Element, name: str) -> list[etree._Element]:
    """Children named wp:NAME, whatever the export's version (1.0, 1.1, 1.2)."""
    return [
        child
        for child in element
        if isinstance(child.tag, str)
        and child.tag.startswith(_WP)
        and child.tag.rsplit("}", 1)[1] == name
    ]


def _wp(element: etree._Element, name: str) -> str:
    found = _wp_all(element, name)
    return (found[0].text or "").strip() if found else ""


def _text(element: etree._Element, path: str) -> str:
    found = element.find(path)
    return (found.text or "") if found is not None else ""


def _note(where: Problem, message: str) -> Problem:
    return Problem(where.path, where.line, where.column, message)
