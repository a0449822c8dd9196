"""Related articles: earlier coverage by most shared tags, then the same section, then the
most recent; and the memo that spares ranking them again."""

from __future__ import annotations

import unittest.mock
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from newsgen.model import Article, Body, RenderedArticle
from newsgen.plan import related
from newsgen.plan.archive import newest_first
from newsgen.plan.related import related_articles

START = datetime(2026, 1, 1, tzinfo=UTC)


def entry(
    name: str, days: int, tags: tuple[str, ...] = (), section: str | None = None
) -> RenderedArticle:
    date = START + timedelta(days=days)
    article = Article(
        source=f"articles/{name}.md",
        title=name,
        date=date,
        local_date=date,
        slug=name,
        url=f"/{name}/",
        body="",
        body_line=1,
        tags=tags,
        section=section,
    )
    return RenderedArticle(article, Body(""), "", "", 0, digest=name)


def titles(related: tuple[RenderedArticle, ...]) -> list[str]:
    return [r.article.title for r in related]


def test_earlier_articles_rank_by_shared_tags_then_section_then_recency() -> None:
    # Newest first, as the plan passes them.
    articles = [
        entry("newer-two-tags", 9, ("harbor", "ferry"), "Local"),
        entry("subject", 8, ("Harbor", "Ferry", "storm"), "Local"),
        entry("same-section", 7, ("other",), "Local"),
        entry("one-tag", 6, ("harbor",)),
        entry("one-tag-same-section", 5, ("harbor",), "Local"),
        entry("two-tags", 4, ("harbor", "ferry")),
        entry("old-same-section", 1, (), "Local"),
    ]
    related, _ = related_articles(articles, count=4)
    assert titles(related[1]) == ["two-tags", "one-tag-same-section", "one-tag", "same-section"]


def test_only_earlier_articles_are_related_and_loners_get_nothing() -> None:
    articles = [entry("a", 2, ("x",)), entry("b", 1, ("x",)), entry("loner", 0)]
    related, _ = related_articles(articles)
    assert titles(related[0]) == ["b"]
    assert related[1] == ()
    assert related[2] == ()


TAGS = ("harbor", "ferry", "storm", "budget", "Harbor")
SECTIONS = (None, "Local", "World")
# An article as (days after START, tags, section).
ARTICLE = st.tuples(
    st.integers(0, 30), st.lists(st.sampled_from(TAGS), max_size=3), st.sampled_from(SECTIONS)
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        ARTICLE,
        min_size=1,
        max_size=25,
    ),
    st.lists(
        st.tuples(
            st.integers(0, 40),
            st.sampled_from(("add", "remove", "retag", "redate", "resection")),
            st.integers(0, 30),
            st.lists(st.sampled_from(TAGS), max_size=3),
            st.sampled_from(SECTIONS),
        ),
        max_size=6,
    ),
    st.sampled_from([related.LOOK_BACK, 1, 2]),
)
def test_the_memo_gives_what_ranking_everything_again_gives(
    first: list[tuple[int, list[str], str | None]],
    edits: list[tuple[int, str, int, list[str], str | None]],
    look_back: int,
) -> None:
    with unittest.mock.patch.object(related, "LOOK_BACK", look_back):
        _memo_gives_what_ranking_everything_again_gives(first, edits)


def _memo_gives_what_ranking_everything_again_gives(
    first: list[tuple[int, list[str], str | None]],
    edits: list[tuple[int, str, int, list[str], str | None]],
) -> None:
    by_name = {
        f"a{n}": entry(f"a{n}", days, tuple(tags), section)
        for n, (days, tags, section) in enumerate(first)
    }
    _, memo = related_articles(newest_first(by_name.values()))
    for target, operation, days, tags, section in edits:
        name = f"a{target}"
        old = by_name.get(name)
        if operation == "remove":
            by_name.pop(name, None)
        elif operation == "add" or old is None:
            by_name[name] = entry(name, days, tuple(tags), section)
        else:
            a = old.article
            by_name[name] = entry(
                name,
                days if operation == "redate" else (a.date - START).days,
                tuple(tags) if operation == "retag" else a.tags,
                section if operation == "resection" else a.section,
            )
        articles = newest_first(by_name.values())
        incremental, memo = related_articles(articles, memo=memo)
        fresh, _ = related_articles(articles)
        assert list(map(titles, incremental)) == list(map(titles, fresh))


@given(
    st.lists(
        ARTICLE,
        min_size=1,
        max_size=40,
    ),
    st.sampled_from([related.LOOK_BACK, 1, 2, 3]),
)
@settings(max_examples=300, deadline=None)
def test_ranking_follows_its_definition(
    specs: list[tuple[int, list[str], str | None]], look_back: int
) -> None:
    """Against the rule read straight from the docstring: among the `look_back` most recent
    earlier articles of each tag and of the section (tags shared counted there), most shared
    tags, then the same section, then the most recent; articles sharing neither are never
    related. (Forty articles never fill the default window: there, every earlier article.)"""
    articles = newest_first(
        [
            entry(f"a{n}", days, tuple(tags), section)
            for n, (days, tags, section) in enumerate(specs)
        ]
    )
    with unittest.mock.patch.object(related, "LOOK_BACK", look_back):
        found, _ = related_articles(articles)

    def folded(article: Article) -> tuple[set[str], str]:
        return {tag.casefold() for tag in article.tags}, (article.section or "").casefold()

    def window(rank: int, tag: str | None, section: str = "") -> list[int]:
        """The earlier articles carrying `tag` (or, for None, in `section`), newest first."""
        found = []
        for other in range(rank + 1, len(articles)):
            other_tags, other_section = folded(articles[other].article)
            if tag in other_tags if tag is not None else section and other_section == section:
                found.append(other)
        return found[:look_back]

    for rank, rendered in enumerate(articles):
        tags, section = folded(rendered.article)
        windows = [window(rank, tag) for tag in tags]
        in_section = window(rank, None, section)
        ranked = []
        for other in {*in_section, *(o for w in windows for o in w)}:
            shared = sum(other in w for w in windows)
            same = bool(section) and section == folded(articles[other].article)[1]
            ranked.append((-shared, not same, other))
        expected = [articles[other].article.title for *_, other in sorted(ranked)[:3]]
        assert titles(found[rank]) == expected, (look_back, rank)


def test_a_tag_on_much_of_the_archive_is_read_no_further_back_than_its_window() -> None:
    """The oldest article shares three tags, but a hundred later ones of two of them stand
    between: the newest article's related come from within the window."""
    subject = entry("subject", 500, ("harbor", "ferry", "storm"), "Local")
    running = [entry(f"r{n}", 400 - n, ("harbor", "ferry")) for n in range(related.LOOK_BACK)]
    oldest = entry("oldest", 0, ("harbor", "ferry", "storm"), "Local")
    found, _ = related_articles([subject, *running, oldest])
    assert titles(found[0]) == ["r0", "r1", "r2"]
    with unittest.mock.patch.object(related, "LOOK_BACK", related.LOOK_BACK + 1):
        wider, _ = related_articles([subject, *running, oldest])
    assert titles(wider[0])[0] == "oldest"
