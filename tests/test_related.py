"""Related articles: earlier coverage by most shared tags, then the same section, then the
most recent; and the memo that spares ranking them again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from newsgen.model import Article, Body, RenderedArticle
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


@settings(max_examples=60, deadline=None)
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
)
def test_the_memo_gives_what_ranking_everything_again_gives(
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
    )
)
@settings(max_examples=200, deadline=None)
def test_ranking_follows_its_definition(specs: list[tuple[int, list[str], str | None]]) -> None:
    """Against the rule read straight from the docstring, on every earlier article: most
    shared tags, then the same section, then the most recent; articles sharing neither are
    never related."""
    articles = newest_first(
        [
            entry(f"a{n}", days, tuple(tags), section)
            for n, (days, tags, section) in enumerate(specs)
        ]
    )
    found, _ = related_articles(articles)

    def folded(article: Article) -> tuple[set[str], str]:
        return {tag.casefold() for tag in article.tags}, (article.section or "").casefold()

    for rank, rendered in enumerate(articles):
        tags, section = folded(rendered.article)
        ranked = []
        for other in range(rank + 1, len(articles)):
            other_tags, other_section = folded(articles[other].article)
            shared = len(tags & other_tags)
            same = bool(section) and section == other_section
            if shared or same:
                ranked.append((-shared, not same, other))
        expected = [articles[other].article.title for *_, other in sorted(ranked)[:3]]
        assert titles(found[rank]) == expected
