"""Render article bodies with the one configured MarkdownIt; derive summaries; absolutize URLs.

CommonMark plus tables, strikethrough and footnotes. Raw HTML is escaped unless the site allows
it, and markdown-it's link validation already drops javascript:/vbscript:/file: links.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import urljoin

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from newsgen.content import notices, urls
from newsgen.errors import Problem
from newsgen.model import Article, Body, RenderedArticle, input_digest, reading_minutes

_MORE = re.compile(r"<!--\s*more\s*-->")
MORE_TOKEN = "newsgen_more"
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")
# Our renderer always double-quotes attribute values, so this finds every link and image URL.
_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src))="([^"]*)"')


def make_markdown(allow_html: bool, base_path: str = "") -> MarkdownIt:
    """`base_path` ('/news') prefixes links to site paths, as the templates' `href` does."""
    md = MarkdownIt("commonmark", {"html": allow_html, "xhtmlOut": False})
    md.enable(["table", "strikethrough"]).use(footnote_plugin)
    _note_nesting_cuts(md)
    _find_more_marker(md)
    if base_path:
        md.core.ruler.push("newsgen_base_path", functools.partial(_prefix_site_paths, base_path))
    return md


def _prefix_site_paths(base_path: str, state: StateCore) -> None:
    """Writers link to /2026/11/24/story/ whatever the site's address; under a sub-path the
    link must carry it. Raw HTML is the writer's own and is left as written."""
    for block in state.tokens:
        for token in block.children or ():
            attribute = {"link_open": "href", "image": "src"}.get(token.type)
            value = token.attrGet(attribute) if attribute else None
            if attribute and isinstance(value, str):
                token.attrSet(attribute, urls.href(base_path, value))


def _find_more_marker(md: MarkdownIt) -> None:
    """`<!--more-->` on a line of its own, at the top level, is a block of its own kind that
    renders as nothing; inside code, quotes or lists it stays text, as written."""

    def more(state: StateBlock, start: int, _end: int, silent: bool) -> bool:
        if state.level != 0 or state.sCount[start] - state.blkIndent >= 4:
            return False
        line = state.src[state.bMarks[start] + state.tShift[start] : state.eMarks[start]]
        if _MORE.fullmatch(line.strip()) is None:
            return False
        if not silent:
            token = state.push(MORE_TOKEN, "", 0)
            token.map = [start, start + 1]
            token.markup = line
        state.line = start + 1
        return True

    # Before raw HTML, and able to end a paragraph, as the line on its own always could.
    md.block.ruler.before("html_block", MORE_TOKEN, more, {"alt": ["paragraph"]})
    md.add_render_rule(MORE_TOKEN, lambda *_: "")


NESTING_CUT = "newsgen_nesting_cut"


def _note_nesting_cuts(md: MarkdownIt) -> None:
    """markdown-it silently skips blocks nested past its limit (20 levels: 20 quotes, or 10
    lists); note the first line it skips, so the loss can be reported."""
    tokenize = md.block.tokenize
    limit = md.options.maxNesting

    def noting(state: StateBlock, start: int, end: int) -> None:
        if state.level >= limit and start < end:
            first = state.skipEmptyLines(start)
            if first < end and state.sCount[first] >= state.blkIndent:
                state.env.setdefault(NESTING_CUT, first)
        tokenize(state, start, end)

    md.block.tokenize = noting  # type: ignore[method-assign, assignment]


@functools.cache
def shared_markdown(allow_html: bool, base_path: str = "") -> MarkdownIt:
    """One MarkdownIt per setting and process: making one costs more than rendering a body."""
    return make_markdown(allow_html, base_path)


def render_article(
    md: MarkdownIt, article: Article, digest: str = ""
) -> tuple[RenderedArticle, Problem | None]:
    """The rendered article, and a warning if markdown-it had to leave text out."""
    body = article.body
    env: dict[str, Any] = {}
    tokens = md.parse(body, env)
    body_html = md.renderer.render(tokens, md.options, env)
    more = next((i for i, token in enumerate(tokens) if token.type == MORE_TOKEN), None)
    # A marker with nothing before it marks no teaser: the first paragraph is one.
    lead = _render_without_footnotes(md, tokens[:more]) if more else ""
    if article.summary:
        summary_html = f"<p>{html.escape(article.summary)}</p>\n"
    elif plain_text(lead):
        summary_html = lead
    else:
        summary_html = _render_without_footnotes(md, _first_paragraph(tokens))
    if article.corrections or article.updates:
        article = dataclasses.replace(
            article,
            corrections=notices.rendered(md, article.corrections),
            updates=notices.rendered(md, article.updates),
        )
    images = tuple(
        (*found, 0, 0) for found in body_images(tokens, body.split("\n"), article.body_line)
    )
    words = len(_WORD.findall(body)) - (more is not None)  # not the marker's "more"
    # What a listing can show: the front matter, the summary and the reading time.
    view = input_digest((replace(article, body=""), summary_html, reading_minutes(words)))
    rendered = RenderedArticle(
        article=article,
        body=Body(text=body_html),
        summary_html=summary_html,
        summary_text=plain_text(summary_html),
        words=words,
        digest=digest,
        view=view,
        images=images,
    )
    cut = env.get(NESTING_CUT)
    warning = (
        None
        if cut is None
        else Problem(
            article.source,
            article.body_line + int(cut),
            1,
            f"nested deeper than {md.options.maxNesting} levels: the text from here on is left out",
        )
    )
    return rendered, warning


def body_images(
    tokens: Sequence[Token], lines: list[str], body_line: int
) -> Iterator[tuple[str, int, int]]:
    """(src as rendered, file line, column) of each image in the body, in order."""
    for block in tokens:
        if block.type != "inline" or not block.children or block.map is None:
            continue
        for child in block.children:
            src = child.attrGet("src") if child.type == "image" else None
            if isinstance(src, str) and src:
                line, column = block.map[0], 1
                # As written: a link under the site's sub-path was given its prefix.
                tail = src.rsplit("/static/", 1)[-1]
                for number in range(block.map[0], min(block.map[1], len(lines))):
                    found = max(lines[number].find(src), lines[number].find("/static/" + tail))
                    if found != -1:
                        line, column = number, found + 1
                        break
                yield src, body_line + line, column


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment on one line, for meta descriptions and feed summaries."""
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def absolutize(fragment: str, page_url: str) -> str:
    """Make every href/src in rendered HTML absolute against the page's absolute URL (for feeds)."""
    return _URL_ATTRIBUTE.sub(
        lambda m: f'{m.group(1)}="{html.escape(urljoin(page_url, html.unescape(m.group(2))))}"',
        fragment,
    )


def _first_paragraph(tokens: Sequence[Token]) -> list[Token]:
    for start, token in enumerate(tokens):
        if token.type == "paragraph_open" and token.level == 0:
            for end in range(start + 1, len(tokens)):
                if tokens[end].type == "paragraph_close" and tokens[end].level == 0:
                    return list(tokens[start : end + 1])
    return []


def _render_without_footnotes(md: MarkdownIt, tokens: Sequence[Token]) -> str:
    """Summaries stand apart from their article, so footnote markers and bodies are dropped."""
    kept: list[Token] = []
    skipping = False
    for token in tokens:
        if token.type == "footnote_block_open":
            skipping = True
        elif token.type == "footnote_block_close":
            skipping = False
            continue
        if skipping:
            continue
        children = token.children
        if children:
            kept.append(token.copy(children=[c for c in children if c.type != "footnote_ref"]))
        else:
            kept.append(token)
    return str(md.renderer.render(kept, md.options, {}))
