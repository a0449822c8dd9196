"""A WordPress post's content as the HTML WordPress showed, ready for markup.py.

Code ([code], [sourcecode], the language-named shortcodes) is set aside first, exactly as
typed; WordPress.com's $latex …$ becomes inline code; then WordPress's paragraph rules
(autop.py); then shortcodes: [caption] a figure, [gallery] its images (its ids, or the post's
attached images in menu order), [embed], [audio], [video] and lone URLs links. Others stay as
text, reported.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass

from newsgen.importers.autop import autop, placeholder

# A shortcode: [name attrs] or [name attrs]…[/name]; "[text](url)" is a Markdown link, not one.
_SHORTCODE = re.compile(
    r"\[(?P<name>[a-zA-Z_][\w-]*)(?P<attrs>[^\]]*)\](?!\()(?:(?P<inner>.*?)\[/(?P=name)\])?",
    re.DOTALL,
)

_ATTRIBUTE = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")

# The block editor's embeds: the URL alone in a wrapper <div>.
_BLOCK_EMBED = re.compile(
    r'<div class="wp-block-embed__wrapper">\s*(https?://[^\s<>"]+)\s*</div>', re.IGNORECASE
)

_ALONE_URL = re.compile(r"<p>(https?://[^\s<>\"]+)</p>")

# SyntaxHighlighter (WordPress.com and the plugin): [code], [sourcecode], [source], and the
# shortcodes named after a language. Their content is code, exactly as typed.
_CODE_LANGUAGES = (
    "actionscript3", "as3", "bash", "shell", "c", "cpp", "csharp", "css", "delphi", "diff",
    "erlang", "go", "groovy", "haskell", "html", "java", "javascript", "js", "json", "jscript",
    "latex", "matlab", "objc", "perl", "php", "plain", "powershell", "python", "py", "r", "ruby",
    "rb", "rust", "scala", "sql", "swift", "text", "vb", "xml", "xhtml", "yaml",
)  # fmt: skip

_CODE_SHORTCODE = re.compile(
    r"\[(?P<name>code|sourcecode|source|"
    + "|".join(_CODE_LANGUAGES)
    + r")(?P<attrs>(?:\s[^\]]*)?)\](?P<code>.*?)\[/(?P=name)\]",
    re.DOTALL | re.IGNORECASE,
)

# WordPress.com's LaTeX: $latex e^{i\pi}+1=0$, with optional &bg=…&fg=…&s=… at the end.
_LATEX = re.compile(r"\$latex[ =](?P<formula>.*?[^\\])\$", re.DOTALL)

_LATEX_OPTIONS = re.compile(r"(?:&(?:amp;)?(?:bg|fg|s)=[^&$]*)+\s*$")

_MEDIA_FORMATS = ("mp3", "m4a", "ogg", "oga", "wav", "flac", "mp4", "m4v", "webm", "ogv", "mov")

_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|svg|bmp|tiff?)(?:\?.*)?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Attachment:
    url: str
    parent: str  # the post it was uploaded to
    order: int  # menu_order: a gallery's order


def content_html(
    content: str, attachments: Mapping[str, Attachment], post_id: str, notes: list[str]
) -> str:
    """A post's content as the HTML WordPress showed: code set aside, paragraphs, shortcodes."""
    kept: list[str] = []
    content = _CODE_SHORTCODE.sub(lambda m: placeholder(kept, _code_block(m)), content)
    content = _latex(content, kept, notes)
    return _shortcodes(autop(content, kept), attachments, post_id, notes)


def _code_block(match: re.Match[str]) -> str:
    """[sourcecode language="python"]…[/sourcecode] as <pre><code>, its lines untouched."""
    name = match["name"].lower()
    attrs = _attributes(match["attrs"] or "")
    language = attrs.get("language") or attrs.get("lang") or ""
    if not language and name not in ("code", "sourcecode", "source"):
        language = name
    if language in ("plain", "text"):
        language = ""
    # The visual editor saves code with entities (&lt;), the text editor as typed: both show
    # the same characters.
    code = html.unescape(match["code"])
    code = code.removeprefix("\r\n").removeprefix("\n")
    css = f' class="language-{html.escape(language)}"' if language else ""
    return f"<pre><code{css}>{html.escape(code, quote=False)}</code></pre>"


def _latex(content: str, kept: list[str], notes: list[str]) -> str:
    """$latex …$ as inline code: newsgen renders no LaTeX, and code keeps every character."""
    found = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal found
        found += 1
        formula = _LATEX_OPTIONS.sub("", html.unescape(match["formula"])).strip()
        return f"<code>{html.escape(formula, quote=False)}</code>"

    content = _LATEX.sub(replace, content)
    if found:
        notes.append(
            f"{found} WordPress.com formula{'s' * (found != 1)} ($latex …$) kept as inline "
            "code; newsgen does not render LaTeX"
        )
    return content


def _shortcodes(
    text: str, attachments: Mapping[str, Attachment], post_id: str, notes: list[str]
) -> str:
    """[caption] → figure, [gallery] → images, [embed] and lone URLs → links; others reported."""
    # A shortcode alone in its paragraph is not a paragraph (WordPress's shortcode_unautop).
    text = re.sub(r"<p>\s*(" + _SHORTCODE.pattern + r")\s*</p>", r"\1", text, flags=re.DOTALL)

    def replace(match: re.Match[str]) -> str:
        name = match["name"].lower()
        attrs = _attributes(match["attrs"])
        inner = match["inner"] or ""
        if name in ("caption", "wp_caption"):
            image, _, caption = inner.rpartition(">")
            caption = caption.strip() or attrs.get("caption", "")
            return f"<figure>{image}><figcaption>{caption}</figcaption></figure>"
        if name == "gallery":
            return _gallery(attrs, attachments, post_id, notes)
        if name in ("audio", "video"):  # [audio mp3="…"], [video src="…"]: markup.py links it
            source = attrs.get("src") or next(
                (v for k, v in attrs.items() if k in _MEDIA_FORMATS and v), inner.strip()
            )
            return f'<{name} src="{html.escape(source)}"></{name}>'
        if name == "embed":  # markup.py makes it a link, and reports it
            return f'<embed src="{html.escape(inner.strip())}">'
        notes.append(f"shortcode [{name}] is not supported; left as text")
        return match[0]

    text = _SHORTCODE.sub(replace, text)
    # A URL alone in its paragraph is an embed (oEmbed) in WordPress.
    text = _BLOCK_EMBED.sub(lambda m: f'<embed src="{m[1]}">', text)
    return _ALONE_URL.sub(lambda m: f'<embed src="{m[1]}">', text)


def _gallery(
    attrs: dict[str, str], attachments: Mapping[str, Attachment], post_id: str, notes: list[str]
) -> str:
    """The images a [gallery] showed: its `ids` (or `include`) in that order; without them, as
    before WordPress 3.5, the images attached to the post (or to `id`) in menu order."""
    given = attrs.get("ids") or attrs.get("include") or ""
    ids = [i.strip() for i in given.split(",") if i.strip()]
    if ids:
        missing = [i for i in ids if i not in attachments]
        if missing:
            notes.append(f"shortcode [gallery] refers to images not in the export: {missing}")
    else:
        parent = attrs.get("id") or post_id
        excluded = {i.strip() for i in attrs.get("exclude", "").split(",")}
        attached = [
            (a.order, int(i) if i.isdigit() else 0, i)
            for i, a in attachments.items()
            if a.parent == parent and i not in excluded and _IMAGE_FILE.search(a.url)
        ]
        ids = [i for _order, _number, i in sorted(attached)]
        if not ids:
            notes.append(
                "shortcode [gallery] shows the post's attached images; none are in the export"
            )
    found = [attachments[i].url for i in ids if i in attachments]
    return "".join(f'<p><img src="{html.escape(url)}" alt=""></p>' for url in found)


def _attributes(text: str) -> dict[str, str]:
    return {m[1].lower(): m[2] or m[3] or m[4] or "" for m in _ATTRIBUTE.finditer(text)}
