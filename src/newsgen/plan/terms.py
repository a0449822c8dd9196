"""Group published articles by the terms of each kind: section, tag, author and the site's own.

Terms are case-insensitive ('Politics' and 'politics' are one tag, shown in its most common
spelling; see `term_key`). Two different terms whose URL slugs collide are an error naming both
sources.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from newsgen.content import urls
from newsgen.content.kinds import TermKind
from newsgen.content.urls import term_key
from newsgen.errors import BuildFailed, Problem
from newsgen.model import Article, Group, RenderedArticle


def group_by_term(
    articles: Sequence[RenderedArticle], kind: TermKind, prefix: str = "", language: str = ""
) -> tuple[Group, ...]:
    """One group per term, sorted by name; articles in each stay newest first. The articles
    are one language's, so a term of another language is another term (no merging of
    "Politique" into "Politics"), its page under that language's `prefix`."""
    members: dict[str, list[RenderedArticle]] = {}
    spellings: dict[str, Counter[str]] = {}
    first_use: dict[str, tuple[Article, str]] = {}  # for problems: the first file by path
    keys: dict[str, str] = {}  # spelling -> key: a term recurs in many articles
    for rendered in articles:
        for name in kind.terms_of(rendered.article):
            key = keys.get(name)
            if key is None:
                key = keys[name] = term_key(name)
            members.setdefault(key, []).append(rendered)
            spellings.setdefault(key, Counter())[name] += 1
            seen = first_use.get(key)
            if seen is None or rendered.article.source < seen[0].source:
                first_use[key] = (rendered.article, name)
    _check_slugs(kind, first_use, prefix)
    groups = []
    for key, items in members.items():
        name = _most_common(spellings[key])
        url = prefix + urls.term_url(kind, name)
        groups.append(Group(kind.name, name, url, tuple(items), language))
    return tuple(sorted(groups, key=lambda g: (g.name.casefold(), g.name)))


def _most_common(spellings: Counter[str]) -> str:
    """The spelling most articles use; ties go to the first in code point order."""
    return min(spellings, key=lambda name: (-spellings[name], name))


def _check_slugs(kind: TermKind, first_use: dict[str, tuple[Article, str]], prefix: str) -> None:
    owners: dict[str, tuple[str, Article]] = {}
    problems: list[Problem] = []
    for _key, (article, name) in sorted(first_use.items()):
        slug = urls.slugify_segment(name)
        line, column = article.position(kind.key_in(article))
        if not slug:
            problems.append(
                Problem(
                    article.source,
                    line,
                    column,
                    f"{kind.name} {name!r} has no letters or digits to make its URL",
                )
            )
        elif slug in owners:
            other_name, other = owners[slug]
            problems.append(
                Problem(
                    article.source,
                    line,
                    column,
                    f"{kind.name} {name!r} and {kind.name} {other_name!r} ({other.source}) "
                    f"would share the page {prefix}{kind.folder}{slug}/",
                    "spell them the same way, or make them differ in letters or digits",
                )
            )
        else:
            owners[slug] = (name, article)
    if problems:
        raise BuildFailed(problems)
