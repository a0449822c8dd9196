"""Whether ranking related articles stays linear in the archive: seconds per 1,000 articles.

    PYTHONPATH=src python benchmarks/related.py 10000 40000 100000

Ranks every article of two archives at each size, from scratch (a cold build's work): the
benchmark corpus (300 tags, one to four an article) and a newsroom's archive where two tags
go together on a third of the stories ("politics" and "government") beside one of many
narrow ones. Prints the seconds per 1,000 articles at each size and, as the target, whether
an article costs at most 1.25 times as much at the largest size as at the one before. (It
costs more at first: ranking reads up to LOOK_BACK earlier articles of each tag, and the
benchmark corpus's tags hold fewer than that below about 20,000 articles.)
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from corpus import stories

from newsgen.model import Article, Body, RenderedArticle
from newsgen.plan.related import related_articles

START = datetime(2000, 1, 1, tzinfo=UTC)
LINEAR = 1.25  # the largest size may cost this much more per article than the one before


def _entry(number: int, date: datetime, tags: tuple[str, ...], section: str) -> RenderedArticle:
    article = Article(
        source=f"articles/{number}.md",
        title=str(number),
        date=date,
        local_date=date,
        slug=str(number),
        url=f"/{number}/",
        body="",
        body_line=1,
        tags=tags,
        section=section,
    )
    return RenderedArticle(article, Body(""), "", "", 0, digest=str(number))


def benchmark_corpus(count: int) -> list[RenderedArticle]:
    return [_entry(s.number, s.date, s.tags, s.section) for s in stories(count)]


def running_stories(count: int) -> list[RenderedArticle]:
    rng = random.Random(1)
    found = []
    for number in range(count):
        pair = ("politics", "government") if rng.random() < 0.3 else ()
        narrow = f"topic {rng.randrange(max(1, count // 20))}"
        section = rng.choice(("news", "sport", "arts"))
        found.append(_entry(number, START + timedelta(hours=number), (*pair, narrow), section))
    return found


def main(argv: list[str]) -> int:
    sizes = [int(size) for size in argv[1:]] or [10_000, 40_000, 100_000]
    archives: dict[str, Callable[[int], list[RenderedArticle]]] = {
        "benchmark corpus": benchmark_corpus,
        "running stories": running_stories,
    }
    linear = True
    for name, make in archives.items():
        per_thousand = []
        for size in sizes:
            articles = sorted(make(size), key=lambda r: r.article.date, reverse=True)
            started = time.perf_counter()
            related_articles(articles)
            seconds = time.perf_counter() - started
            per_thousand.append(seconds / size * 1000)
            print(f"{name}, {size:,} articles: {seconds:.2f} s, {per_thousand[-1]:.3f} s per 1,000")
        growth = per_thousand[-1] / per_thousand[-2] if len(sizes) > 1 else 1.0
        met = growth <= LINEAR
        linear &= met
        print(
            f"{name}: {growth:.2f}x per article at the largest size against the one before: "
            f"{'met' if met else 'not met'} (at most {LINEAR}x)"
        )
    return 0 if linear else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
