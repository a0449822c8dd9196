"""The numbered pager under a listing: which page numbers to link, and where the gaps go.

Pure: it reads a listing's number, count and URLs. Left to right runs from newer to older.
With stable pagination a full page links only to pages that can no longer change (older ones,
its newer neighbour and the front page), so its bytes stay the same as articles arrive.
"""

from __future__ import annotations

from dataclasses import dataclass

# Pages linked on each side of the current one; the first and last are always linked.
WINDOW = 2


@dataclass(frozen=True, slots=True)
class PageLink:
    label: str  # "3", "Latest", or "…" for a gap
    url: str | None  # None for a gap
    current: bool = False


GAP = PageLink("…", None)


def page_links(
    url: str, number: int, count: int, *, front: bool, stable: bool
) -> tuple[PageLink, ...]:
    """The pager of page `number` of `count` at `url`; `front` says it is the listing's first
    page (with stable pagination the front page holds the newest and the highest number)."""
    first = url if front else url.removesuffix(f"page/{number}/")

    def link(n: int) -> PageLink:
        at_front = n == (count if stable else 1)
        return PageLink(str(n), first if at_front else f"{first}page/{n}/", n == number)

    if not stable:
        shown = {1, count, *range(number - WINDOW, number + WINDOW + 1)}
        return _with_gaps([link(n) for n in sorted(shown) if 1 <= n <= count])
    if front:
        shown = {count, *range(count - WINDOW, count), 1}
        numbered = [link(n) for n in sorted(shown, reverse=True) if 1 <= n < count]
        return (PageLink("Latest", first, True), *_with_gaps(numbered))
    # A full page: the pages above its newer neighbour come and go, so they are not linked.
    newer = [link(number + 1)] if number + 1 < count else []
    older = {*range(number - WINDOW, number + 1), 1}
    numbered = newer + [link(n) for n in sorted(older, reverse=True) if n >= 1]
    return (PageLink("Latest", first), *_with_gaps(numbered))


def _with_gaps(links: list[PageLink]) -> tuple[PageLink, ...]:
    """Put '…' where consecutive links skip page numbers."""
    out: list[PageLink] = []
    for item in links:
        if out and abs(int(out[-1].label) - int(item.label)) > 1:
            out.append(GAP)
        out.append(item)
    return tuple(out)
