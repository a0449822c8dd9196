"""Choose the image that represents a page on share cards and in structured data.

An article's own image, else the first image of its body, else the site's default (`image` in
newsgen.yaml); a local image as its variant at least 1200 px wide (variants.py). SVG is never
used: Facebook and X do not show SVG cards, so an SVG image is skipped with a warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin

from newsgen.content import urls
from newsgen.content.config import Config, is_svg
from newsgen.errors import Problem
from newsgen.model import Article, RenderedArticle
from newsgen.outputs import variants


@dataclass(frozen=True, slots=True)
class CardImage:
    url: str  # absolute
    alt: str
    width: int | None = None  # pixels, where known (og:image:width)
    height: int | None = None


def card_image(
    article: Article | None, config: Config, entry: RenderedArticle | None = None
) -> CardImage | None:
    """The image for og:image, twitter:image and JSON-LD `image`, or None: the article's
    image, else the first image of its body (`entry`), else the site's. A local image is
    given as its variant at least 1200 px wide, when it has one."""
    if article is not None and article.image and not is_svg(article.image):
        alt = article.image_alt or ""
        picked = variants.card(article.image, article.image_size)
        if picked is not None and picked[0] != article.image:
            url, width, height = picked
            return CardImage(urls.absolute(config.base_url, url), alt, width, height)
        url = image_url(article, config) or ""
        size = article.image_size
        return CardImage(url, alt, size[0], size[1]) if size else CardImage(url, alt)
    first = next((i for i in entry.images if not is_svg(i[0])), None) if entry else None
    if first is not None:
        src, _, _, width, height = first
        picked = variants.card(src, (width, height) if width else None)
        if picked is None:
            return CardImage(urls.absolute(config.base_url, src), "")
        return CardImage(urls.absolute(config.base_url, picked[0]), "", picked[1], picked[2])
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
