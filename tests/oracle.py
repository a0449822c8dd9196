"""An independent reading of a golden site's sources, to check the built site against.

Plain PyYAML and zoneinfo, none of newsgen's code: if newsgen misreads an article, the
tests that compare with this oracle see it.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml


@dataclass(frozen=True)
class SourceArticle:
    title: str
    date: dt.datetime  # aware
    section: str | None
    tags: tuple[str, ...]
    authors: tuple[str, ...]
    draft: bool


def site_zone(site: Path) -> ZoneInfo:
    config = yaml.safe_load((site / "newsgen.yaml").read_text(encoding="utf-8"))
    return ZoneInfo(config["timezone"])


def read_articles(site: Path) -> list[SourceArticle]:
    zone = site_zone(site)
    articles = []
    for path in sorted((site / "articles").rglob("*.md")):
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        front = yaml.safe_load(text.split("---\n")[1])
        date = front["date"]
        if not isinstance(date, dt.datetime):
            date = dt.datetime(date.year, date.month, date.day)
        if date.tzinfo is None:
            date = date.replace(tzinfo=zone)
        authors = front.get("authors", front.get("author", []))
        tags = front.get("tags", [])
        articles.append(
            SourceArticle(
                title=front["title"],
                date=date,
                section=front.get("section"),
                tags=tuple([tags] if isinstance(tags, str) else tags),
                authors=tuple([authors] if isinstance(authors, str) else authors),
                draft=bool(front.get("draft", False)),
            )
        )
    return articles


def published(articles: list[SourceArticle], now: dt.datetime) -> list[SourceArticle]:
    return [a for a in articles if not a.draft and a.date <= now]


_TEASER = re.compile(r'<h2 class="teaser-title"><a href="([^"]+)">([^<]*)</a>')


def listing_titles(site_dir: Path, url: str) -> list[str]:
    """The article titles a listing shows, following its pages in order."""
    titles: list[str] = []
    number = 1
    while True:
        page_url = url if number == 1 else f"{url}page/{number}/"
        page = site_dir / page_url.strip("/") / "index.html"
        text = page.read_text(encoding="utf-8")
        titles.extend(html.unescape(title) for _, title in _TEASER.findall(text))
        if f'href="{url}page/{number + 1}/"' not in text:
            return titles
        number += 1
