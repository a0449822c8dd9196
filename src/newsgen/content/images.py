"""The pixel size of an article's lead image, read from its file under static/.

Only headers are read (imagesize), so a build does not decode images. An image elsewhere on the
web, or one whose size cannot be read, has no size: pages then leave width and height out.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from newsgen.content import urls
from newsgen.model import Article


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
