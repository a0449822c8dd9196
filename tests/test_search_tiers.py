"""The tier layout of the search index: every article found once, few bundles, cheap publishing."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsgen.outputs import tiers
from newsgen.outputs.tiers import Member, Tier


def indexed(before: tuple[Tier, ...], after: tuple[Tier, ...]) -> int:
    """Articles Pagefind must index to go from one layout to the next: every new bundle."""
    return sum(len(t.members) for t in after if t not in before)


def test_a_cold_layout_is_one_bundle_at_the_lowest_level_that_holds_the_archive() -> None:
    assert tiers.cold({}) == ()
    assert tiers.cold({"a": "1"}) == (Tier(0, (Member("a", "1"),)),)
    archive = {f"s{n}": "d" for n in range(tiers.HEAD + 1)}
    (only,) = tiers.cold(archive)
    assert only.level == 1
    assert len(only.members) == tiers.HEAD + 1


def test_new_stories_go_to_the_head_and_a_full_head_is_sealed_into_level_one() -> None:
    archive = {f"s{n}": "d" for n in range(500)}
    layout = tiers.cold(archive)
    for n in range(tiers.HEAD):
        archive[f"new{n}"] = "d"
        layout = tiers.update(layout, archive)
    assert [t.level for t in layout] == [1, 0]
    assert len(layout[1].members) == tiers.HEAD
    archive["one-more"] = "d"
    layout = tiers.update(layout, archive)
    assert [(t.level, len(t.members)) for t in layout] == [(1, 500 + tiers.HEAD + 1)]


def test_an_edit_masks_the_old_copy_until_its_tier_is_merged() -> None:
    archive = {f"s{n}": "d" for n in range(300)}
    layout = tiers.cold(archive)
    archive["s7"] = "edited"
    layout = tiers.update(layout, archive)
    assert [t.level for t in layout] == [1, 0]
    assert layout[1].members == (Member("s7", "edited"),)
    assert tiers.masked(layout, archive) == ((Member("s7", "d"),), ())
    del archive["s8"]
    layout = tiers.update(layout, archive)
    assert tiers.masked(layout, archive) == ((Member("s7", "d"), Member("s8", "d")), ())
    archive["s7"] = "d"  # reverted: the sealed copy is live again, the head empties
    layout = tiers.update(layout, archive)
    assert [t.level for t in layout] == [1]
    assert tiers.masked(layout, archive) == ((Member("s8", "d"),),)


edits = st.lists(
    st.tuples(st.sampled_from(["add", "add", "add", "edit", "delete"]), st.integers(0, 10**6)),
    max_size=150,
)


@settings(max_examples=30, deadline=None)
@given(start=st.integers(0, 400), steps=edits)
def test_after_any_history_each_article_is_live_in_exactly_one_bundle(
    start: int, steps: list[tuple[str, int]]
) -> None:
    archive = {f"s{n}": "v0" for n in range(start)}
    layout = tiers.cold(archive)
    for number, (kind, pick) in enumerate(steps):
        names = sorted(archive)
        if kind == "add" or not names:
            archive[f"n{number}"] = "v0"
        elif kind == "edit":
            archive[names[pick % len(names)]] = f"v{number}"
        else:
            del archive[names[pick % len(names)]]
        layout = tiers.update(layout, archive)
        live = [m for t, dead in zip(layout, tiers.masked(layout, archive), strict=True)
                for m in t.members if m not in dead]  # fmt: skip
        assert sorted(live) == sorted(Member(s, d) for s, d in archive.items())
        assert len({t.level for t in layout}) == len(layout)
        assert all(len(t.members) <= tiers.capacity(t.level) for t in layout)
        assert sum(t.level == 0 for t in layout) <= 1


def test_publishing_indexes_few_articles_per_story_amortised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Scaled down (head 10, growth 8) so that it runs in a second: 3,000 stories, one in ten
    an edit of an old one, onto 600. The cost per story is about HEAD / 2 + GROWTH / 2 per
    level; benchmarks/tiers.py runs the same at the real sizes (README)."""
    monkeypatch.setattr(tiers, "HEAD", 10)
    monkeypatch.setattr(tiers, "GROWTH", 8)
    rng = random.Random(16)
    archive = {f"s{n}": "v0" for n in range(600)}
    layout = tiers.cold(archive)
    work, worst, bundles = 0, 0, 0
    for number in range(3000):
        if number % 10 == 9:
            archive[f"s{rng.randrange(600)}"] = f"v{number}"
        else:
            archive[f"n{number}"] = "v0"
        after = tiers.update(layout, archive)
        cost = indexed(layout, after)
        work, worst, layout = work + cost, max(worst, cost), after
        bundles = max(bundles, len(layout))
    assert work / 3000 <= 2 * tiers.HEAD + tiers.GROWTH * 3
    # The worst single build merges a level into the next: at most the whole archive.
    assert worst <= len(archive) + 2 * tiers.HEAD
    assert bundles <= 4
