"""Related articles: earlier coverage of the same story, by most shared tags, then the same
section, then the most recent.

Only articles published before an article are its related articles, as a newspaper's "earlier
coverage" box shows. So a new article never changes the related articles of the others, and a
build after one new article need not rank them again: `RelatedMemo` keeps the last build's
answers and recomputes only the articles an edit can reach.

Ranking looks back at the LOOK_BACK most recent earlier articles of each tag and of the section
(a running story's latest coverage), so that an article costs the same whatever the archive's
size: with every earlier article of a tag, a tag on a third of the archive made ranking grow
with the square of it (45 s at 40,000 articles: benchmarks/related.py).
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from newsgen.model import RenderedArticle

RELATED_COUNT = 3
LOOK_BACK = 100  # earlier articles of each tag and of the section that ranking reads
# Past this share of changed articles, ranking everything again is cheaper than tracing reach.
RECOMPUTE_ALL_SHARE = 0.2


class Traits(NamedTuple):
    """What ranking reads of an article."""

    date: float  # POSIX timestamp: the memo of 100,000 loads faster than with datetimes
    tags: tuple[str, ...]  # case-folded, sorted
    section: str  # case-folded; "" for none


@dataclass(frozen=True, slots=True)
class RelatedMemo:
    """The related sources of each article, with the traits they were ranked from."""

    count: int = RELATED_COUNT
    traits: dict[str, Traits] = field(default_factory=dict)
    related: dict[str, tuple[str, ...]] = field(default_factory=dict)


def related_articles(
    articles: Sequence[RenderedArticle],
    count: int = RELATED_COUNT,
    memo: RelatedMemo | None = None,
) -> tuple[list[tuple[RenderedArticle, ...]], RelatedMemo]:
    """For each article of the newest-first `articles`, its related articles, best first; and
    the memo for the next build. With `memo`, only articles an edit can reach are ranked."""
    index = _Index(articles)
    traits = {r.article.source: _traits(r) for r in articles}
    stale = _reachable(index, traits, memo) if memo and memo.count == count else None
    related: dict[str, tuple[str, ...]] = {}
    by_source = {r.article.source: r for r in articles}
    for rank, rendered in enumerate(articles):
        source = rendered.article.source
        kept = memo.related.get(source) if memo is not None else None
        # The memo is read from the store: an answer naming an unknown article is ranked again.
        if (
            stale is not None
            and kept is not None
            and source not in stale
            and all(s in by_source for s in kept)
        ):
            related[source] = kept
        else:
            related[source] = tuple(articles[o].article.source for o in index.best(rank, count))
    result = [tuple(by_source[s] for s in related[r.article.source]) for r in articles]
    return result, RelatedMemo(count, traits, related)


def _traits(rendered: RenderedArticle) -> Traits:
    article = rendered.article
    # Tags and sections are a language's own: the language keys them, so a story is never
    # "earlier coverage" of a story in another language.
    language = article.language
    return Traits(
        article.date.timestamp(),
        tuple(sorted({f"{language}\0{tag.casefold()}" for tag in article.tags})),
        f"{language}\0{article.section.casefold()}" if article.section else "",
    )


def _reachable(index: _Index, traits: dict[str, Traits], memo: RelatedMemo) -> set[str] | None:
    """Articles whose related articles an edit since `memo` may have changed; None: all.

    An article's ranking reads only earlier articles that share a tag or its section, so a
    change reaches the later articles sharing a tag or section with its old or new traits."""
    changed = {s for s, t in traits.items() if memo.traits.get(s) != t}
    removed = memo.traits.keys() - traits.keys()
    if len(changed) + len(removed) > RECOMPUTE_ALL_SHARE * max(1, len(traits)):
        return None
    stale = set(changed)
    for source in itertools.chain(changed, removed):
        for old_or_new in (memo.traits.get(source), traits.get(source)):
            if old_or_new is not None:
                stale.update(index.later_sharing(old_or_new))
    return stale


def _shared_twice(tails: list[list[int]]) -> dict[int, int]:
    """The ranks found in two or more of `tails`, with the number of tails holding each."""
    if len(tails) < 2:
        return {}
    sets = [set(tail) for tail in tails]
    found: set[int] = set()
    for first, second in itertools.combinations(sets, 2):
        found |= first & second
    return {other: sum(other in members for members in sets) for other in found}


class _Index:
    """Articles by folded tag and section, as ranks in the newest-first order."""

    def __init__(self, articles: Sequence[RenderedArticle]) -> None:
        self.articles = articles
        self.by_tag: dict[str, list[int]] = {}
        self.by_section: dict[str, list[int]] = {}
        self.section_sets: dict[str, set[int]] = {}
        for rank, rendered in enumerate(articles):
            _, tags, section = _traits(rendered)
            for tag in tags:
                self.by_tag.setdefault(tag, []).append(rank)
            if section:
                self.by_section.setdefault(section, []).append(rank)

    def best(self, rank: int, count: int) -> list[int]:
        """The `count` best earlier articles (larger ranks) for the article at `rank`.

        Among the LOOK_BACK most recent earlier articles of each of its tags and of its
        section (tags shared are counted there), ranked level by level: those sharing two or
        more tags; then, most recent first, those sharing one tag in the same section, then
        in other sections; then those sharing only the section."""
        _, tags, section = _traits(self.articles[rank])
        # Ranks are listed in order: the earlier articles are each list's tail.
        tails = [self._earlier(self.by_tag[tag], rank) for tag in tags]
        in_section = self._members(section) if section else set()
        multi = _shared_twice(tails)
        chosen = heapq.nsmallest(
            count, multi, key=lambda other: (-multi[other], other not in in_section, other)
        )
        need = count - len(chosen)
        if need > 0 and tails:
            same: list[int] = []
            elsewhere: list[int] = []
            for other in heapq.merge(*tails):
                if other in multi:
                    continue
                if other in in_section:
                    same.append(other)
                    if len(same) == need:
                        break
                elif len(elsewhere) < need:
                    elsewhere.append(other)
            chosen += (same + elsewhere)[:need]
            need = count - len(chosen)
        if need > 0 and section:
            sharing = set().union(*tails)
            later = self._earlier(self.by_section[section], rank)
            chosen += itertools.islice((o for o in later if o not in sharing), need)
        return chosen

    @staticmethod
    def _earlier(ranks: list[int], rank: int) -> list[int]:
        """The LOOK_BACK most recent of `ranks` (in order) published before `rank`."""
        start = bisect.bisect_right(ranks, rank)
        return ranks[start : start + LOOK_BACK]

    def _members(self, section: str) -> set[int]:
        if section not in self.section_sets:
            self.section_sets[section] = set(self.by_section.get(section, ()))
        return self.section_sets[section]

    def later_sharing(self, traits: Traits) -> set[str]:
        """Sources of every article sharing a tag or the section with `traits`, published
        after them (the only ones whose ranking can read them)."""
        date, tags, section = traits
        ranks: set[int] = set()
        for tag in tags:
            ranks.update(self.by_tag.get(tag, ()))
        if section:
            ranks.update(self.by_section.get(section, ()))
        return {
            self.articles[r].article.source
            for r in ranks
            if self.articles[r].article.date.timestamp() >= date
        }
