"""The kinds of term an article is filed under, one row each: section, tag, author, and the
kinds a site declares under `taxonomies:` in newsgen.yaml (series, desk...).

Everything that knows a kind reads its row: the front-matter key it comes from, its URL folder,
its words on pages, whether it has feeds, whether search filters by it. The built-in rows are
here; a site's rows come from its config (`Config.term_kinds` gives all of them, the built-in
first), so planning, URLs, feeds, JSON-LD, search and templates read one table. A declared
kind keeps its terms in `Article.terms`, by its name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from newsgen.model import Article

# The Article field of declared kinds: a mapping of kind name -> terms.
DECLARED_FIELD = "terms"


@dataclass(frozen=True, slots=True)
class TermKind:
    name: str  # in Group.kind, urls.term_url and templates: "section", "tag", "author"
    field: str  # the Article attribute that holds its terms: a text, or a tuple of texts
    keys: tuple[str, ...]  # the front-matter keys that can give it, the usual one first
    folder: str  # the URL folder of its pages and index
    label: str  # above a listing of one term: "Topic"
    index_title: str  # the page of all its terms: "Tags"
    feeds: bool = True  # RSS, Atom and JSON Feed for each term
    # A filter of the search page: in each article's search record and tiers.json's facets.
    filter: bool = False

    @property
    def declared(self) -> bool:
        """A kind of the site's config, rather than one of newsgen's own."""
        return self.field == DECLARED_FIELD

    def terms_of(self, article: Article) -> tuple[str, ...]:
        if self.declared:
            return article.terms.get(self.name, ())
        value: str | tuple[str, ...] | None = getattr(article, self.field)
        if isinstance(value, str):
            return (value,)
        return value or ()

    def key_in(self, article: Article) -> str:
        """The front-matter key the article wrote it with, for positions in problems."""
        return next((key for key in self.keys if key in article.positions), self.keys[0])


def declared_kind(
    name: str,
    key: str,
    folder: str,
    label: str,
    index_title: str,
    *,
    feeds: bool = True,
    filter: bool = False,
) -> TermKind:
    """A row for a kind of `taxonomies:`, its terms read from front-matter `key`."""
    return TermKind(name, DECLARED_FIELD, (key,), folder, label, index_title, feeds, filter)


def terms_of_kinds(kinds: Iterable[TermKind], article: Article) -> tuple[str, ...]:
    """The article's terms of each of `kinds` in turn, in the table's order."""
    return tuple(term for kind in kinds for term in kind.terms_of(article) if term)


SECTION = TermKind(
    "section", "section", ("section",), "/sections/", "Section", "Sections", filter=True
)
TAG = TermKind("tag", "tags", ("tags",), "/tags/", "Topic", "Tags")
AUTHOR = TermKind(
    "author", "authors", ("authors", "author"), "/authors/", "Reporter", "Authors", filter=True
)
BUILT_IN = (SECTION, TAG, AUTHOR)
BUILT_IN_BY_NAME = {kind.name: kind for kind in BUILT_IN}
