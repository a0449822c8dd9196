"""The kinds of term an article is filed under, one row each: section, tag, author.

Everything that knows a kind reads it here: the front-matter field it comes from, its URL
folder, its words on pages. Planning makes each kind's groups, pages, index and feeds from the
rows, and list.html labels a listing by its row; a new built-in kind is a row here, a field on
`model.Article` and the loader's reading of its front-matter key.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsgen.model import Article


@dataclass(frozen=True, slots=True)
class TermKind:
    name: str  # in Group.kind, urls.term_url and templates: "section", "tag", "author"
    field: str  # the Article attribute that holds its terms: a text, or a tuple of texts
    keys: tuple[str, ...]  # the front-matter keys that can give it, the usual one first
    folder: str  # the URL folder of its pages and index
    label: str  # above a listing of one term: "Topic"
    index_title: str  # the page of all its terms: "Tags"

    def terms_of(self, article: Article) -> tuple[str, ...]:
        value: str | tuple[str, ...] | None = getattr(article, self.field)
        if isinstance(value, str):
            return (value,)
        return value or ()

    def key_in(self, article: Article) -> str:
        """The front-matter key the article wrote it with, for positions in problems."""
        return next((key for key in self.keys if key in article.positions), self.keys[0])


KINDS = (
    TermKind("section", "section", ("section",), "/sections/", "Section", "Sections"),
    TermKind("tag", "tags", ("tags",), "/tags/", "Topic", "Tags"),
    TermKind("author", "authors", ("authors", "author"), "/authors/", "Reporter", "Authors"),
)
BY_NAME = {kind.name: kind for kind in KINDS}
