"""Choose the image that represents a page on share cards and in structured data.

An article's own image, else the site's default (`image` in newsgen.yaml). SVG is never used:
Facebook and X do not show SVG cards, so an SVG image is skipped with a warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin

from newsgen.content import urls
from newsgen.content.config import Config, is_svg
from newsgen.errors import Problem
from newsgen.model import Article


@dataclass(frozen=True, slots=True)
class CardImage:
    url: str  # absolute
    alt: str


def card_image(article: Article | None, config: Config) -> CardImage | None:
    """The image for og:image, twitter:image and JSON-LD `image`, or None."""
    if article is not None and article.image and not is_svg(article.image):
        return CardImage(image_url(article, config) or "", article.image_alt or "")
    if config.image and not is_svg(config.image):
        return CardImage(urls.absolute(config.base_url, config.image), config.image_alt)
    return None


def image_url(article: Article, config: Config) -> str | None:
    """The article's own image as an absolute URL; a relative path is read from its page."""
    if not article.image:
        return None
    page = urls.absolute(config.base_url, article.url)
    if article.image.startswith("/"):
        return urls.absolute(config.base_url, article.image)
    return urljoin(page, article.image)


def svg_warnings(articles: Iterable[Article]) -> tuple[Problem, ...]:
    """One warning for each SVG image that share cards cannot show."""
    hint = "use a PNG or JPEG image; until then the site's default image, if any, stands in"
    return tuple(
        Problem(a.source, *a.position("image"), "SVG images are not shown on share cards", hint)
        for a in articles
        if a.image and is_svg(a.image)
    )
