"""HTML to Markdown for every importer, with markdownify, keeping what Markdown cannot say.

Sites build with `markdown.allow_html: false` by default, so raw HTML would show as text: an
iframe, video or embed becomes a link to what it showed, a figure an image with its caption in
italics, superscripts and subscripts Unicode characters where they exist, and each such change
is reported. Remote images are reported too (they still load from the old site). `<pre>` becomes
a fenced code block with its lines exactly as they were.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from bs4.element import Comment, NavigableString
from markdownify import MarkdownConverter

_BLANK_RUNS = re.compile(r"\n{3,}")
_TRAILING_BREAK = re.compile(r"(?<!\\)\\\n(?=\n|\Z)")
_LEADING_BREAK = re.compile(r"(\n\n|\A)\\\n")
# A code block stands in the Markdown as this word until the text around it is tidied, so that
# the tidying (trailing spaces, runs of blank lines) never reaches the code.
_CODE_MARK = "xnewsgencodeblock{}x"
_CODE_MARK_LINE = re.compile(r"^xnewsgencodeblock(\d+)x$", re.MULTILINE)
_LANGUAGE_CLASS = re.compile(r"(?:^|\s)(?:language|lang)-([\w+#.-]+)|brush:\s*([\w+#.-]+)")
_SUPERSCRIPT = {ord(a): b for a, b in zip("0123456789+-=()in", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ", strict=True)}
_SUBSCRIPT = {ord(a): b for a, b in zip("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎", strict=True)}


class _Converter(MarkdownConverter):
    """markdownify's converter with media kept as links; notes what it changed."""

    def __init__(self, notes: list[str], **options: Any) -> None:
        super().__init__(**options)
        self.notes = notes
        self.code_blocks: list[str] = []

    def convert_code(self, el: Any, text: str, parent_tags: set[str]) -> str:
        # Code with line breaks outside a <pre> (classic-editor HTML, where the paragraph
        # rules turned its newlines into <br>) showed as lines: a code block keeps them.
        if "pre" not in parent_tags and el.find("br") is not None:
            return self._code_block(el, _pre_text(el, breaks_end_lines=True))
        return str(super().convert_code(el, text, parent_tags))  # type: ignore[misc]

    def convert_pre(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return self._code_block(el, _pre_text(el))

    def _code_block(self, el: Any, code: str) -> str:
        if code.startswith("\n"):  # as in a browser, a newline just after <pre> is not shown
            code = code[1:]
        code = code.removesuffix("\n")
        if not code.strip():
            return ""
        longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
        fence = "`" * max(3, longest + 1)
        self.code_blocks.append(f"{fence}{_language(el)}\n{code}\n{fence}")
        return f"\n\n{_CODE_MARK.format(len(self.code_blocks) - 1)}\n\n"

    def _no_repeat(self, el: Any, text: str, parent_tags: set[str], kind: set[str]) -> str:
        """Emphasis inside the same emphasis adds nothing, and its marks would show."""
        if kind & parent_tags:
            return text
        name = "convert_b" if "b" in kind else "convert_em"
        return str(getattr(super(), name)(el, text, parent_tags))

    def convert_b(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return self._no_repeat(el, text, parent_tags, {"b", "strong"})

    convert_strong = convert_b

    def convert_em(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return self._no_repeat(el, text, parent_tags, {"em", "i"})

    convert_i = convert_em

    def convert_sup(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return self._script(el, text, _SUPERSCRIPT, "^", "superscript")

    def convert_sub(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return self._script(el, text, _SUBSCRIPT, "\\_", "subscript")

    def _script(self, el: Any, text: str, table: dict[int, str], mark: str, kind: str) -> str:
        """x², H₂O; where Unicode has no such characters, ^(text) or _(text), reported."""
        plain = str(el.get_text()).strip()
        if not plain:
            return ""
        if all(ord(c) in table for c in plain):
            return plain.translate(table)
        self.notes.append(f"a {kind} ({plain}) was written as {mark}(…)")
        return f"{mark}({text.strip()})"

    def _media_link(self, el: Any, kind: str) -> str:
        src = el.get("src") or el.get("data") or ""
        if not src:
            source = el.find("source")
            src = source.get("src", "") if source is not None else ""
        if not src:
            self.notes.append(f"dropped an {kind} with no address")
            return ""
        label = (el.get("title") or "").strip()
        self.notes.append(f"an {kind} became a link to {src}")
        escape = self.escape  # type: ignore[attr-defined]
        link = f"[{escape(label, set())}]({src})" if label else f"<{src}>"
        return f"\n\n{link}\n\n"

    def convert_iframe(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return self._media_link(el, "iframe")

    def convert_video(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return self._media_link(el, "embedded video")

    def convert_audio(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return self._media_link(el, "embedded audio")

    def convert_embed(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return self._media_link(el, "embed")

    def convert_object(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return self._media_link(el, "embedded object")

    def convert_figcaption(self, el: Any, text: str, parent_tags: set[str]) -> str:
        caption = " ".join(text.split())
        return f"\n\n_{caption}_\n\n" if caption else ""

    def convert_img(self, el: Any, text: str, parent_tags: set[str]) -> str:
        src = el.get("src") or ""
        if urlsplit(src).scheme in ("http", "https"):
            self.notes.append(f"remote image {src} (copy it into static/ to keep it)")
        return str(super().convert_img(el, text, parent_tags))  # type: ignore[misc]


def to_markdown(html: str) -> tuple[str, tuple[str, ...]]:
    """Markdown for an HTML fragment, and notes on what could not be kept as it was."""
    notes: list[str] = []
    converter = _Converter(
        notes,
        heading_style="ATX",
        bullets="-",
        newline_style="backslash",  # trailing spaces would not survive editors
        # Escape every character that could start Markdown syntax, so that text such as
        # "1. Introduction" or "# hashtag" stays text.
        escape_misc=True,
        keep_inline_images_in=["a", "figure", "p", "li", "td", "th"],
    )
    markdown = converter.convert(html)
    markdown = "\n".join(line.rstrip() if line.strip() else "" for line in markdown.split("\n"))
    markdown = _BLANK_RUNS.sub("\n\n", markdown).strip() + "\n"
    # A line break at the end or start of a paragraph (beside a block such as a code block)
    # breaks nothing, and Markdown would show its '\'.
    markdown = _TRAILING_BREAK.sub("\n", markdown)
    markdown = _LEADING_BREAK.sub(r"\1", markdown)
    markdown = _CODE_MARK_LINE.sub(lambda m: converter.code_blocks[int(m[1])], markdown)
    return markdown, tuple(dict.fromkeys(notes))


def _pre_text(el: Any, breaks_end_lines: bool = False) -> str:
    """The text of a <pre> as it shows: every character kept, <br> a newline. With
    `breaks_end_lines` (code outside <pre>, where the paragraph rules wrote each newline as
    <br> and a newline), the newline just after a <br> is that same line's end."""
    parts: list[str] = []
    after_break = False
    for node in el.descendants:
        if getattr(node, "name", None) == "br":
            parts.append("\n")
            after_break = True
        elif isinstance(node, NavigableString) and not isinstance(node, Comment):
            text = str(node)
            if after_break and breaks_end_lines:
                text = text.removeprefix("\n")
            parts.append(text)
            after_break = False
    return "".join(parts)


def _language(el: Any) -> str:
    """The language a code block names: class="language-x", SyntaxHighlighter's "brush: x",
    or lang="x", on the <pre> or the <code> inside it."""
    for node in (el, el.find("code")):
        if node is None:
            continue
        lang = node.get("lang") or node.get("data-lang")
        if lang:
            return str(lang).strip().lower()
        classes = node.get("class") or []
        names = classes if isinstance(classes, list) else str(classes).split()
        found = _LANGUAGE_CLASS.search(" ".join(names))
        if found:
            return (found[1] or found[2]).lower()
        if "code" in names:  # docutils: class="code python literal-block"
            others = [n for n in names if n not in ("code", "literal-block")]
            if others:
                return others[0].lower()
    return ""


_TITLE_WORDS = 10
_MARKDOWN_SYNTAX = re.compile(r"!\[[^\]]*\]\([^)]*\)|\]\([^)]*\)|[*_`#>\[\]\\|]")


def first_words(body: str, notes: list[str]) -> str:
    """A title for an entry that has none (a status update, an aside): the first words of its
    first paragraph."""
    first = next((p for p in body.split("\n\n") if p.strip()), "")
    words = _MARKDOWN_SYNTAX.sub(" ", first).split()
    if not words:
        return ""
    title = " ".join(words[:_TITLE_WORDS]) + ("…" if len(words) > _TITLE_WORDS else "")
    notes.append(f"has no title; titled with its first words: {title!r}")
    return title
