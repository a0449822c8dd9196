"""reStructuredText articles (Pelican's other format), read with docutils.

The title is the document's title, the metadata its field list (`:date:`, `:tags:`, …), the
body docutils' HTML, which markup.py makes Markdown. Nothing is read beyond the file itself:
`include` and `raw` are off, so an article cannot pull in another file.
"""

from __future__ import annotations

import io
from typing import Any

from docutils import nodes
from docutils.core import publish_doctree, publish_parts
from docutils.parsers.rst import directives
from docutils.parsers.rst.directives.body import CodeBlock
from docutils.utils import SystemMessage

# Pygments' options, which Pelican's code directives accept: kept out of the way, not errors.
_PYGMENTS_OPTIONS = (
    "linenos", "linenostart", "linenostep", "linenospecial", "nowrap", "nobackground",
    "lineseparator", "lineanchors", "linespans", "anchorlinenos", "hl_lines", "classprefix",
    "emphasize-lines", "dedent", "caption", "force", "noclasses", "tagsfile", "tagurlformat",
)  # fmt: skip


class _PelicanCode(CodeBlock):
    """Pelican's `code-block` and `sourcecode`: docutils' `code`, with Pygments' options."""

    option_spec = {  # noqa: RUF012 - docutils reads it as a class attribute
        **(CodeBlock.option_spec or {}),
        **dict.fromkeys(_PYGMENTS_OPTIONS, directives.unchanged),
    }


for _name in ("code-block", "sourcecode"):
    directives.register_directive(_name, _PelicanCode)

_SETTINGS: dict[str, Any] = {
    "file_insertion_enabled": False,  # no `include`: nothing outside the file is read
    "raw_enabled": False,
    "report_level": 2,  # warnings and errors are collected and reported, not printed
    "halt_level": 5,
    "doctitle_xform": True,  # a lone top section title is the document's title
    "docinfo_xform": True,  # a field list just after it is its metadata
    "syntax_highlight": "none",
    "input_encoding": "unicode",
    "embed_stylesheet": False,
}


class RstError(Exception):
    """The file is not reStructuredText docutils can read."""


def read_rst(text: str) -> tuple[dict[str, object], str, tuple[str, ...]]:
    """(metadata with lowercased keys and 'title', the body as HTML, docutils' warnings)."""
    messages = io.StringIO()
    settings = {**_SETTINGS, "warning_stream": messages}
    try:
        doctree = publish_doctree(text, settings_overrides=settings)
        # Messages are reported above, never printed in the article.
        quiet = {**settings, "report_level": 5, "warning_stream": io.StringIO()}
        parts = publish_parts(text, writer="html5", settings_overrides=quiet)
    except (SystemMessage, ValueError, AttributeError) as exc:
        raise RstError(str(exc)) from None
    front: dict[str, object] = {}
    title = doctree.get("title")
    if title:
        front["title"] = str(title)
    for info in doctree.findall(nodes.docinfo):
        for field in info.children:
            front.update(_field(field))
    notes = tuple(
        f"reStructuredText: {line.split(': ', 2)[-1]}"
        for line in messages.getvalue().splitlines()
        if "(WARNING/" in line or "(ERROR/" in line or "(SEVERE/" in line
    )
    return front, str(parts["body"]), notes


def _field(field: nodes.Node) -> dict[str, object]:
    """One docinfo entry: a generic `:name: value` field, or one docutils knows (author, date)."""
    if isinstance(field, nodes.field):
        name = field.children[0].astext().strip().lower()
        return {name: field.children[1].astext().strip()}
    if isinstance(field, nodes.authors):
        return {"authors": [author.astext().strip() for author in field.children]}
    if isinstance(field, nodes.Element):
        return {field.tagname.lower(): field.astext().strip()}
    return {}
