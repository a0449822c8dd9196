"""The pixel size of an article's lead image, read from its file under static/, and the
warnings for local images that are missing or unreadable.

Only headers are read (imagesize), so a build does not decode images. An image elsewhere on the
web, or one whose size cannot be read, has no size: pages then leave width and height out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from newsgen.content import urls
from newsgen.errors import Problem
from newsgen.model import Article, RenderedArticle


def with_image_size(article: Article, static_dir: Path) -> Article:
    """The article with `image_size` set when its image is a readable file of the site."""
    if article.image is None or not article.image.startswith(urls.STATIC):
        return article
    size = image_size(static_dir, article.image.removeprefix(urls.STATIC))
    return dataclasses.replace(article, image_size=size) if size else article


def image_size(static_dir: Path, name: str) -> tuple[int, int] | None:
    """(width, height) of static/<name>; None outside static/ (links included) or unreadable."""
    root = static_dir.resolve()
    path = (static_dir / name.split("?", 1)[0].split("#", 1)[0]).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    try:
        import imagesize  # noqa: PLC0415 - only articles read again with a local image need it

        width, height = imagesize.get(path)
    except (OSError, ValueError):
        return None
    # SVG sizes come as floats; a file imagesize does not know gives (-1, -1).
    width, height = round(width), round(height)
    return (width, height) if width > 0 and height > 0 else None


def local_images(
    found: Iterable[tuple[str, int, int, int, int]], page_url: str, base_path: str
) -> tuple[tuple[str, int, int], ...]:
    """The images of a body that are files of the site (under /static/), as site paths: links
    under the site's sub-path lose it, relative ones are read from the article's URL."""
    local = []
    for written, line, column, *_ in found:
        src = written
        if base_path and src.startswith(base_path + "/"):
            src = src[len(base_path) :]
        parts = urlsplit(src)
        if parts.scheme or parts.netloc:
            continue
        path = unquote(urljoin(page_url, parts.path))
        if path.startswith(urls.STATIC):
            local.append((path, line, column))
    return tuple(local)


def missing(entries: Iterable[RenderedArticle], static_dir: Path) -> Iterator[Problem]:
    """A warning at its line for each local image (lead or body) that is not in static/ or is
    not an image newsgen can read; `build` and `check` both report these."""
    # An archive shows a few hundred images in thousands of places: each file is checked once.
    checked: dict[str, str | None] = {}
    for entry in entries:
        article = entry.article
        found = []
        if article.image and article.image.startswith(urls.STATIC):
            found.append((article.image, *article.position("image"), "image"))
        found.extend((src, line, column, "body") for src, line, column, *_ in entry.images)
        for src, line, column, where in found:
            if src not in checked:
                checked[src] = _unusable(static_dir, src.removeprefix(urls.STATIC))
            reason = checked[src]
            if reason:
                what = "the image" if where == "image" else "the body's image"
                yield Problem(
                    article.source,
                    line,
                    column,
                    f"{what} {src} {reason}",
                    "add the file under static/, or correct the path",
                )


def _unusable(static_dir: Path, name: str) -> str | None:
    path = static_dir / name.split("?", 1)[0].split("#", 1)[0]
    if not path.resolve().is_relative_to(static_dir.resolve()) or not path.is_file():
        return "is not in static/"
    vector = name.lower().split("?", 1)[0].endswith((".svg", ".svgz"))
    if not vector and (image_size(static_dir, name) is None or not _decodes(path)):
        return "is not an image newsgen can read"
    return None


def _decodes(path: Path) -> bool:
    """Whether Pillow reads the file as an image (its structure, not every pixel)."""
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415 - only for local images

    try:
        with Image.open(path) as image:
            image.verify()
    except (OSError, ValueError, SyntaxError, UnidentifiedImageError):
        return False
    return True
