"""HTML to Markdown for every importer, with markdownify, keeping what Markdown cannot say.

Sites build with `markdown.allow_html: false` by default, so raw HTML would show as text: an
iframe, video or embed becomes a link to what it showed, a figure an image with its caption in
italics, and each such change is reported. Remote images are reported too (they still load from
the old site).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from markdownify import MarkdownConverter

_BLANK_RUNS = re.compile(r"\n{3,}")


class _Converter(MarkdownConverter):
    """markdownify's converter with media kept as links; notes what it changed."""

    def __init__(self, notes: list[str], **options: Any) -> None:
        super().__init__(**options)
        self.notes = notes

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
    return _BLANK_RUNS.sub("\n\n", markdown).strip() + "\n", tuple(dict.fromkeys(notes))
