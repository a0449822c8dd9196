"""The front page's section blocks: the latest stories of each section, below the top stories.

Read from the plan (each section listing's first page); only the front page's first page shows
them, and a story already among the top stories is not shown twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsgen.model import RenderedArticle
from newsgen.plan.archive import Link, Listing, SitePlan

# Headlines per section block: enough to show a section is alive, few enough to scan.
STORIES_PER_SECTION = 3


@dataclass(frozen=True, slots=True)
class FrontSection:
    section: Link
    articles: tuple[RenderedArticle, ...]  # newest first


def is_front_page(listing: Listing) -> bool:
    return listing.kind == "home" and listing.previous_url is None


def front_sections(
    site: SitePlan, front: Listing | None, language: str | None = None
) -> tuple[FrontSection, ...]:
    """Sections in the navigation's order, each with its newest stories not on top already,
    of the front page's language. `front` is the front page's first page; None: the plan's
    own, of `language`."""
    code = front.language if front is not None else language
    home = next(
        group
        for group in site.listing_groups
        if group.group.kind == "home" and group.group.language == code
    )
    top = front.articles if front is not None else home.front_articles(site.per_page)
    shown = {entry.article.source for entry in top}
    blocks = []
    for group in site.listing_groups:
        if group.group.kind != "section" or group.group.language != code:
            continue
        first_page = group.front_articles(site.per_page)
        fresh = tuple(r for r in first_page if r.article.source not in shown)
        if fresh:
            link = Link(group.group.name, group.group.url)
            blocks.append(FrontSection(link, fresh[:STORIES_PER_SECTION]))
    return tuple(blocks)


def front_key(blocks: tuple[FrontSection, ...]) -> tuple[object, ...]:
    """What the blocks show, for the front page's key."""
    return tuple(
        (b.section.title, b.section.url, tuple(r.view for r in b.articles)) for b in blocks
    )
