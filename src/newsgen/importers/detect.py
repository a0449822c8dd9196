"""Tell an import source's format by its content, not by its name.

A folder is a Jekyll, Hugo or Pelican site by the files that mark one, else a folder of pages
and articles, each recognised on its own. A file is recognised by its first bytes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from newsgen.importers.sites import HUGO_CONFIGS, PELICAN_CONFIGS

FORMATS = ("wordpress", "feed", "hugo", "jekyll", "pelican", "text", "html")
GENERATORS = ("hugo", "jekyll", "pelican")
_PELICAN_HEADER = re.compile(r"^title:[ \t]*\S", re.IGNORECASE)


def detect_folder(folder: Path) -> str | None:
    """'jekyll', 'hugo' or 'pelican' for a site folder; None for a plain folder of files."""
    if (folder / "_posts").is_dir() or (folder / "_config.yml").is_file():
        return "jekyll"
    if any((folder / n).is_file() for n in PELICAN_CONFIGS):
        return "pelican"
    # Hugo before 0.110 called its settings config.yaml (or .toml, .yml, .json), as many
    # sites still do; with a content/ folder beside them, the folder is a Hugo site.
    if (folder / "content").is_dir() and any((folder / n).is_file() for n in HUGO_CONFIGS):
        return "hugo"
    return None


def detect_file(head: bytes) -> str:
    """The format of a file from its first few kilobytes.

    'markdown' means one article file of another generator (front matter + body).
    """
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    lowered = text[:4096].lower()
    if text.startswith("<"):
        if "<rss" in lowered and "wordpress.org/export/" in lowered:
            return "wordpress"
        if any(tag in lowered for tag in ("<rss", "<feed", "<rdf:rdf")):
            return "feed"
        return "html"
    if text.startswith("{") and _is_json_feed(head):
        return "feed"
    if text.startswith(("---", "+++", "{")) or _PELICAN_HEADER.match(text):
        return "markdown"
    return "text"


def _is_json_feed(head: bytes) -> bool:
    try:
        data = json.loads(head)
    except ValueError:
        return b"jsonfeed.org/version" in head[:4096]
    return isinstance(data, dict) and "jsonfeed.org/version" in str(data.get("version", ""))
