"""Related articles: most shared tags, then the same section, then the newest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsgen.model import Article, Body, RenderedArticle
from newsgen.related import related_articles

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


def test_more_shared_tags_rank_first_then_section_then_recency() -> None:
    # Newest first, as the plan passes them.
    articles = [
        entry("newest-unrelated", 9, ("sport",), "Sport"),
        entry("same-section", 8, ("other",), "Local"),
        entry("one-tag", 7, ("harbor",)),
        entry("one-tag-same-section", 6, ("harbor",), "Local"),
        entry("two-tags", 5, ("harbor", "ferry")),
        entry("subject", 4, ("Harbor", "Ferry", "storm"), "Local"),
        entry("old-same-section", 1, (), "Local"),
    ]
    result = related_articles(articles, count=4)
    assert titles(result[5]) == ["two-tags", "one-tag-same-section", "one-tag", "same-section"]


def test_an_article_is_never_related_to_itself_and_loners_get_nothing() -> None:
    articles = [entry("a", 2, ("x",)), entry("b", 1, ("x",)), entry("loner", 0)]
    result = related_articles(articles)
    assert titles(result[0]) == ["b"]
    assert titles(result[1]) == ["a"]
    assert result[2] == ()
