"""Translations: articles that share a `translation_key` are one story in several languages.

Pure data from the published articles. Two articles of one language with one key are an
error naming both files, since neither could say which is the translation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from newsgen.errors import BuildFailed, Problem
from newsgen.model import Article, RenderedArticle


def translations(
    articles: Sequence[RenderedArticle], languages: Sequence[str]
) -> tuple[tuple[RenderedArticle, ...], ...]:
    """Of each article with translations, every version of it (itself included) in the order
    of `languages`, the site's; () for one without. BuildFailed if two articles of one
    language share a key."""
    problems = list(clashes(r.article for r in articles))
    if problems:
        raise BuildFailed(problems)
    by_key: dict[str, list[RenderedArticle]] = {}
    for entry in articles:
        if entry.article.translation_key is not None:
            by_key.setdefault(entry.article.translation_key, []).append(entry)
    order = {code: rank for rank, code in enumerate(languages)}
    for members in by_key.values():
        members.sort(key=lambda r: order.get(r.article.language, len(order)))
    return tuple(
        tuple(by_key[key])
        if (key := entry.article.translation_key) and len(by_key[key]) > 1
        else ()
        for entry in articles
    )


def clashes(articles: Iterable[Article]) -> Iterable[Problem]:
    """A problem for each article whose language already has an article with its key."""
    first: dict[tuple[str, str], Article] = {}
    for article in sorted(articles, key=lambda a: a.source):
        key = article.translation_key
        if key is None:
            continue
        other = first.setdefault((article.language, key), article)
        if other is not article:
            line, column = article.position("translation_key")
            yield Problem(
                article.source,
                line,
                column,
                f"translation_key {key!r} is also {other.source}'s, in the same language "
                f"({article.language})",
                "articles of one language need keys of their own; give each its original's key",
            )


def orphans(articles: Iterable[Article], default: str) -> Iterable[Problem]:
    """A warning for each translation (an article outside the default language with a
    translation_key) that no article of another language shares: its original is missing,
    deleted or renamed, or its key mistyped. `newsgen check` reports them."""
    found = sorted(articles, key=lambda a: a.source)
    languages: dict[str, set[str]] = {}
    for article in found:
        if article.translation_key is not None:
            languages.setdefault(article.translation_key, set()).add(article.language)
    for article in found:
        key = article.translation_key
        if key is None or article.language == default or languages[key] != {article.language}:
            continue
        line, column = article.position("translation_key")
        yield Problem(
            article.source,
            line,
            column,
            f"the original of this translation is missing: no article in another language "
            f"has translation_key {key!r}",
            "give the original this key, or remove it here",
        )
