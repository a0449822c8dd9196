"""Corrections and updates an article carries in the open: front matter `corrections:` and
`updates:`, each a list of `{date, text}` with the text in Markdown.

Reading checks what the article alone can tell (shape, dates, nothing before the article);
`future_problems` checks them against the build's clock, which the loader does not know.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING

from newsgen.content.fields import FieldReader
from newsgen.content.frontmatter import YamlMapping
from newsgen.errors import Problem
from newsgen.model import Article, Notice

if TYPE_CHECKING:  # the parser is the caller's: a build with nothing to do never loads it
    from markdown_it import MarkdownIt

NOTICE_KINDS = {"corrections": "correction", "updates": "update"}
NOTICE_KEYS = ("date", "text")

DateReader = Callable[[FieldReader, str], datetime | None]


def read(
    fields: FieldReader, key: str, published: datetime | None, read_date: DateReader
) -> tuple[Notice, ...]:
    """The notices under `key`, oldest first; each problem is recorded at its item's line."""
    value = fields.data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        fields.problem(
            key,
            f"'{key}' must be a list of entries with 'date' and 'text'",
            f"for example:\n{key}:\n  - date: 2026-11-25 10:00\n    text: What changed.",
        )
        return ()
    notices: list[Notice] = []
    for index, item in enumerate(value):
        where = fields.positions.get(f"{key}.{index}", fields.positions.get(key, (1, 1)))
        if not isinstance(item, dict):
            line, column = where
            fields.problems.append(
                Problem(
                    fields.path,
                    line,
                    column,
                    f"each entry of '{key}' must be a mapping with 'date' and 'text'",
                )
            )
            continue
        entry = FieldReader(
            YamlMapping(item, fields.positions),
            fields.path,
            where,
            f"{key}.{index}.",
            fields.problems,
        )
        notice = _read_one(entry, NOTICE_KINDS[key], published, read_date, where)
        if notice is not None:
            notices.append(notice)
    return tuple(sorted(notices, key=lambda notice: (notice.date, notice.line)))


def _read_one(
    entry: FieldReader,
    kind: str,
    published: datetime | None,
    read_date: DateReader,
    where: tuple[int, int],
) -> Notice | None:
    before = len(entry.problems)
    entry.reject_unknown(NOTICE_KEYS)
    moment = read_date(entry, "date")
    if "date" not in entry.data:
        entry.problem(None, f"a {kind} needs a 'date'", "for example 'date: 2026-11-25 10:00'")
    text = entry.text("text", required=True)
    if moment is not None and published is not None and moment < published:
        entry.problem(
            "date",
            f"a {kind} dated {moment.isoformat()} is before the article's date "
            f"{published.isoformat()}",
            "date it when the article was changed",
        )
    if len(entry.problems) > before or moment is None or text is None:
        return None
    line, column = entry.positions.get(f"{entry.prefix}date", where)
    return Notice(kind, moment, is_date_only(entry.data.get("date")), text, "", line, column)


def is_date_only(value: object) -> bool:
    """A day without a time of day: YAML's date, or text written as YYYY-MM-DD."""
    if isinstance(value, str):
        return re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value) is not None
    return isinstance(value, date) and not isinstance(value, datetime)


def rendered(md: MarkdownIt, notices: tuple[Notice, ...]) -> tuple[Notice, ...]:
    """The notices with their text rendered as HTML, as article bodies are."""
    return tuple(
        Notice(n.kind, n.date, n.date_only, n.text, md.render(n.text), n.line, n.column)
        for n in notices
    )


def future_problems(articles: Iterable[Article], now: datetime) -> Iterator[Problem]:
    """A correction or update dated after the build's clock: it cannot have happened yet."""
    for article in articles:
        for notice in (*article.corrections, *article.updates):
            if notice.date > now:
                yield Problem(
                    article.source,
                    notice.line,
                    notice.column,
                    f"this {notice.kind} is dated {notice.date.isoformat()}, after the time "
                    f"of the build ({now.isoformat()})",
                    "fix the date, or build with --now set to the time it describes",
                )
