"""Related articles: most shared tags first, then the same section, then the newest.

Built from an inverted index by tag, so the cost follows how many articles share a tag,
not the square of the archive's size. The order is fully determined by the articles.
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter
from collections.abc import Sequence

from newsgen.model import RenderedArticle

RELATED_COUNT = 3


def related_articles(
    articles: Sequence[RenderedArticle], count: int = RELATED_COUNT
) -> list[tuple[RenderedArticle, ...]]:
    """For each article of the newest-first `articles`, its related articles, best first."""
    by_tag: dict[str, list[int]] = {}
    by_section: dict[str, list[int]] = {}
    for rank, rendered in enumerate(articles):
        for tag in rendered.article.tags:
            by_tag.setdefault(tag.casefold(), []).append(rank)
        if rendered.article.section:
            by_section.setdefault(rendered.article.section.casefold(), []).append(rank)
    section_sets = {section: set(ranks) for section, ranks in by_section.items()}
    result = []
    for rank, rendered in enumerate(articles):
        shared: Counter[int] = Counter()
        for tag in rendered.article.tags:
            shared.update(by_tag[tag.casefold()])
        del shared[rank]
        section = (rendered.article.section or "").casefold()
        same_section = by_section.get(section, []) if section else []
        # Articles sharing only the section rank by recency, so the newest few suffice.
        extra = itertools.islice(
            (other for other in same_section if other != rank and other not in shared), count
        )
        candidates = [*shared, *extra]
        in_section = section_sets.get(section, set())
        best = heapq.nsmallest(
            count, candidates, key=lambda other: (-shared[other], other not in in_section, other)
        )
        result.append(tuple(articles[other] for other in best))
    return result
