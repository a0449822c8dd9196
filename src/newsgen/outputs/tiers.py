"""Which search bundles the archive is indexed in: a small head and sealed tiers of growing size.

Pure functions of the previous layout and the current articles (source -> digest), so the same
sources and the same history give the same layout. Pagefind cannot add to an index, so a
bundle is sealed once written: new and edited stories go to the head, which is indexed again
whenever it changes; when the head passes HEAD articles it is merged into level 1, and a level
that passes its capacity (HEAD * GROWTH ** level) is merged into the next (leveling, as in
log-structured stores). An edited or deleted story's old copy stays in its sealed tier, masked
by the search page, until that tier is merged again. Must not read or write files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Head size: every change indexes the head again, so its size bounds the work of one publish.
HEAD = 100
# Capacity ratio between levels. Large, so that even 100,000 articles need two sealed tiers
# and the reader loads at most three bundles; each article is indexed again about GROWTH / 2
# times per level over its life, about 100 articles of work per story amortised (README).
GROWTH = 32


@dataclass(frozen=True, slots=True, order=True)
class Member:
    """One copy of an article in a bundle: it is live while the article still has `digest`."""

    source: str
    digest: str


@dataclass(frozen=True, slots=True)
class Tier:
    """A bundle's contents: level 0 is the head, higher levels are sealed and larger."""

    level: int
    members: tuple[Member, ...]  # sorted

    def live(self, current: Mapping[str, str]) -> tuple[Member, ...]:
        return tuple(m for m in self.members if current.get(m.source) == m.digest)


def capacity(level: int) -> int:
    return int(HEAD * GROWTH**level)


def cold(current: Mapping[str, str]) -> tuple[Tier, ...]:
    """The layout without history (a first or --full build): one bundle, at the lowest level
    that holds every article, so the archive has the most room to grow before a merge."""
    if not current:
        return ()
    level = 0
    while capacity(level) < len(current):
        level += 1
    return (Tier(level, _members(current.items())),)


def update(previous: tuple[Tier, ...], current: Mapping[str, str]) -> tuple[Tier, ...]:
    """The layout after `previous` for the articles now published, top level first."""
    sealed = {t.level: t for t in previous if t.level > 0}
    placed: set[Member] = set()
    for tier in sorted(sealed.values(), key=lambda t: -t.level):
        # One live copy per article: a copy already placed higher up masks this one.
        placed.update(m for m in tier.live(current) if m not in placed)
    head = _members((s, d) for s, d in current.items() if Member(s, d) not in placed)
    levels = {level: tier for level, tier in sealed.items() if tier.live(current)}
    if len(head) > HEAD:
        carry, level = head, 1
        while True:
            below = levels.pop(level, None)
            merged = tuple(sorted(set(carry) | set(below.live(current) if below else ())))
            if len(merged) <= capacity(level):
                levels[level] = Tier(level, merged)
                break
            carry, level = merged, level + 1
        head = ()
    tiers = [levels[level] for level in sorted(levels, reverse=True)]
    return (*tiers, Tier(0, head)) if head else tuple(tiers)


def masked(tiers: tuple[Tier, ...], current: Mapping[str, str]) -> tuple[tuple[Member, ...], ...]:
    """For each tier, its copies that the search page must drop: edited, deleted, or live in a
    higher tier too (which `update` never makes, but a layout read from disk might)."""
    seen: set[Member] = set()
    result = []
    for tier in tiers:
        dead = tuple(m for m in tier.members if current.get(m.source) != m.digest or m in seen)
        seen.update(tier.members)
        result.append(dead)
    return tuple(result)


def _members(pairs: Iterable[tuple[str, str]]) -> tuple[Member, ...]:
    return tuple(sorted(Member(s, d) for s, d in pairs))
