"""Every correction of the archive, newest first: what /corrections/ and its feeds list.

Pure data from the published articles; outputs/corrections.py renders the page and feeds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from newsgen.model import Article, Notice, RenderedArticle


@dataclass(frozen=True, slots=True)
class Correction:
    """One correction and the article it corrects."""

    article: Article
    notice: Notice
    number: int  # 1-based, oldest first within its article: the anchor #correction-N

    @property
    def url(self) -> str:
        """The correction on its article's page."""
        return f"{self.article.url}#{anchor(self.number)}"

    @property
    def signature(self) -> tuple[str, ...]:
        """What the page and feeds show of it, as values with a stable repr()."""
        article = self.article
        return (article.title, self.url, self.notice.date.isoformat(), self.notice.html)


def anchor(number: int) -> str:
    return f"correction-{number}"


def corrections(entries: Iterable[RenderedArticle]) -> tuple[Correction, ...]:
    """Newest first; the article's source and the correction's number break ties."""
    found = sorted(
        (
            Correction(entry.article, notice, number)
            for entry in entries
            for number, notice in enumerate(entry.article.corrections, start=1)
        ),
        key=lambda c: (c.article.source, c.number),
    )
    return tuple(sorted(found, key=lambda c: c.notice.date, reverse=True))
