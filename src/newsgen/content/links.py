"""Find links and images in article bodies that point to pages of the site that do not exist."""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator
from urllib.parse import unquote, urljoin, urlsplit

from markdown_it import MarkdownIt

from newsgen.errors import Problem
from newsgen.model import Article


def broken_links(
    articles: Iterable[Article], md: MarkdownIt, known: Container[str], base_url: str
) -> Iterator[Problem]:
    """A problem at the line and column of every site link whose target is not in `known`."""
    for article in articles:
        lines = article.body.split("\n")
        for block in md.parse(article.body, {}):
            if block.type != "inline" or not block.children or block.map is None:
                continue
            for child in block.children:
                attribute = {"link_open": "href", "image": "src"}.get(child.type)
                href = str(child.attrGet(attribute) or "") if attribute else ""
                target = site_path(href, article.url, base_url)
                if target is None or _exists(target, known):
                    continue
                line, column = _locate(href, lines, block.map[0], block.map[1])
                yield Problem(
                    article.source,
                    article.body_line + line,
                    column,
                    f"link to {target}, which is not a page of this site",
                    "check the address, or the slug and date of the article it means",
                )


def site_path(href: str, page_url: str, base_url: str) -> str | None:
    """The site path a link points to, or None for other sites and same-page fragments."""
    if href.startswith(base_url + "/"):
        href = href[len(base_url) :]
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return unquote(urljoin(page_url, parts.path))


def _exists(path: str, known: Container[str]) -> bool:
    # A static host answers /dir with a redirect to /dir/ and /dir/index.html with the page.
    return (
        path in known
        or f"{path}/" in known
        or (path.endswith("/index.html") and path.removesuffix("index.html") in known)
    )


def _locate(href: str, lines: list[str], first: int, last: int) -> tuple[int, int]:
    """(line within the body, column) where the link's address is written; its block's start
    when markdown-it normalised the address beyond recognition."""
    for candidate in (href, unquote(href)):
        for number in range(first, min(last, len(lines))):
            column = lines[number].find(candidate)
            if column != -1:
                return number, column + 1
    return first, 1
