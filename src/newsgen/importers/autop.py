"""WordPress's paragraph rules (its `wpautop`), as the classic editor's HTML relies on them.

A blank line parts paragraphs and a single newline is a line break, except next to a block
tag: block tags get paragraphs of their own, and no break is put beside one. `<pre>` is never
touched. Written from the rules WordPress documents in `wp-includes/formatting.php`.
"""

from __future__ import annotations

import re

_BLOCKS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map"
    "|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside"
    "|hgroup|header|footer|nav|figure|figcaption|details|menu|summary"
)
_OPENING = re.compile(rf"(<(?:{_BLOCKS})[\s/>])", re.IGNORECASE)
_CLOSING = re.compile(rf"(</(?:{_BLOCKS})>)", re.IGNORECASE)
_HR = re.compile(r"(<hr\s*/?>)", re.IGNORECASE)
_BLOCK_TAG = rf"</?(?:{_BLOCKS})\b[^>]*>"
_PRE = re.compile(r"<pre\b(?! data-newsgen-kept).*?</pre>", re.IGNORECASE | re.DOTALL)
_TAG_OR_COMMENT = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)
_TWO_BREAKS = re.compile(r"<br\s*/?>\s*<br\s*/?>", re.IGNORECASE)
_KEEP_NEWLINES = re.compile(r"<(script|style|svg)\b.*?</\1>", re.IGNORECASE | re.DOTALL)
# A mark for set-aside HTML: an empty <pre>, so that every rule treats it as the block it is.
_PLACEHOLDER = '<pre data-newsgen-kept="{}"></pre>'
_PLACEHOLDER_RE = re.compile(r'<pre data-newsgen-kept="(\d+)"></pre>')
_HIDDEN = "\x01{}\x01"
_HIDDEN_RE = re.compile("\x01(\\d+)\x01")


def autop(text: str, keep: list[str] | None = None) -> str:
    """HTML with <p> and <br> where WordPress would put them.

    `keep` holds pieces of HTML already set aside (code blocks); their placeholders
    (see `placeholder`) are treated like <pre> and put back at the end.
    """
    kept = keep if keep is not None else []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _PRE.sub(lambda m: placeholder(kept, m[0]), text)
    if not text.strip():
        return _restore(text, kept)
    text = _TWO_BREAKS.sub("\n\n", text + "\n")
    text = _OPENING.sub(r"\n\n\1", text)
    text = _CLOSING.sub(r"\1\n\n", text)
    text = _HR.sub(r"\1\n\n", text)
    # A newline inside a tag (between attributes) is not a line break of the text.
    text = _TAG_OR_COMMENT.sub(lambda m: m[0].replace("\n", " "), text)
    text = re.sub(r"\s*(<figcaption[^>]*>)", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(r"</figcaption>\s*", "</figcaption>", text, flags=re.IGNORECASE)
    pieces = [p.strip("\n") for p in re.split(r"\n\s*\n", text) if p.strip()]
    html = "".join(f"<p>{piece}</p>\n" for piece in pieces)
    html = re.sub(r"<p>\s*</p>", "", html)
    html = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", html)
    html = re.sub(rf"<p>\s*({_BLOCK_TAG})\s*</p>", r"\1", html, flags=re.IGNORECASE)
    html = re.sub(r"<p>(<li.+?)</p>", r"\1", html, flags=re.IGNORECASE)
    html = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", html, flags=re.IGNORECASE)
    html = re.sub(r"</blockquote></p>", "</p></blockquote>", html, flags=re.IGNORECASE)
    html = re.sub(rf"<p>\s*({_BLOCK_TAG})", r"\1", html, flags=re.IGNORECASE)
    html = re.sub(rf"({_BLOCK_TAG})\s*</p>", r"\1", html, flags=re.IGNORECASE)
    html = _line_breaks(html)
    html = re.sub(rf"({_BLOCK_TAG})\s*<br />", r"\1", html, flags=re.IGNORECASE)
    html = re.sub(
        r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)\b[^>]*>)",
        r"\1",
        html,
        flags=re.IGNORECASE,
    )
    html = re.sub(r"\n</p>$", "</p>", html)
    return _restore(html, kept)


def placeholder(kept: list[str], html: str) -> str:
    """Set `html` aside from the paragraph rules; the returned mark stands for it."""
    kept.append(html)
    return _PLACEHOLDER.format(len(kept) - 1)


def _line_breaks(html: str) -> str:
    """Every remaining newline is a <br />, except inside script, style and svg."""
    hidden: list[str] = []

    def hide(match: re.Match[str]) -> str:
        hidden.append(match[0])
        return _HIDDEN.format(len(hidden) - 1)

    html = _KEEP_NEWLINES.sub(hide, html)
    html = re.sub(r"<br\s*/?>", "<br />", html, flags=re.IGNORECASE)
    html = re.sub(r"(?<!<br />)\s*\n", "<br />\n", html)
    return _HIDDEN_RE.sub(lambda m: hidden[int(m[1])], html)


def _restore(text: str, kept: list[str]) -> str:
    return _PLACEHOLDER_RE.sub(lambda m: kept[int(m[1])], text)
