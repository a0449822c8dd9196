"""A deterministic benchmark corpus: N news articles written for newsgen, Hugo and Pelican.

    python benchmarks/corpus.py 10000 /tmp/corpus     # writes newsgen/, hugo/, pelican/

Articles are 600-1,200 words of realistic Markdown (paragraphs, h2 headings, a quote, lists,
links, emphasis, sometimes a table or an image), dated over ten years, by about 50 authors,
with 300 tags and 12 sections. The same seed always gives the same bytes.
"""

from __future__ import annotations

import random
import shutil
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Hugo layouts that write what newsgen's default theme writes, where Hugo has the same notion:
# the head's meta tags and feed links, masthead with sections, footer; article pages with
# section, authors, date, reading time, tags, newer and older, three related articles and
# JSON-LD, their text marked for Pagefind as newsgen marks it; paginated listings of teasers;
# RSS, Atom and JSON Feed with full bodies, and a sitemap. Hugo has no date archives.
HUGO_LAYOUTS = Path(__file__).parent / "hugo-layouts"
SECTIONS = ("World", "Politics", "Business", "Technology", "Science", "Health", "Sports",
            "Culture", "Opinion", "Local", "Weather", "Education")  # fmt: skip
START = datetime(2016, 1, 1, 6, 0, tzinfo=UTC)
YEARS = 10
WORDS = (  # noqa: SIM905 - as prose the word lists read better than as quoted lists
    "harbor council vote budget storm ferry market election minister school hospital court "
    "river bridge energy price police festival museum report study researchers water season "
    "league coach match strike union workers farmers drought rain forecast coast village city "
    "mayor senator treaty border trade export factory bank inflation rates housing rent tenants "
    "teachers students exam science climate emissions solar wind grid railway airport tourism "
    "hotel fishing quota vessel crew rescue volunteers donation library archive theatre film "
    "music gallery exhibition novel author award jury ruling appeal evidence witness inquiry"
).split()
FIRST = (  # noqa: SIM905
    "Ada Ben Carla Dmitri Eun-ji Farah Gustavo Hana Ivan Jamal Kaito Lena Mateo Nadia Omar "
    "Priya Quinn Rosa Samir Tomas"
).split()
LAST = (  # noqa: SIM905
    "Lindqvist Okafor Mendes Volkov Park Haddad Silva Novak Petrov Reyes Tanaka Weber Rossi "
    "Karimi Osei Nair Byrne Costa Aziz Horvat"
).split()


@dataclass(frozen=True)
class Story:
    number: int
    title: str
    slug: str
    date: datetime
    section: str
    tags: tuple[str, ...]
    authors: tuple[str, ...]
    body: str


def stories(count: int, seed: int = 2026) -> list[Story]:
    rng = random.Random(seed)
    authors = sorted({f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(80)})[:50]
    tags = sorted({f"{rng.choice(WORDS)} {rng.choice(WORDS)}".title() for _ in range(600)})[:300]
    span = YEARS * 365 * 24 * 3600
    result = []
    for number in range(count):
        title_words = rng.sample(WORDS, rng.randint(5, 9))
        title = " ".join(title_words).capitalize()
        date = START + timedelta(seconds=rng.randrange(span))
        result.append(
            Story(
                number=number,
                title=title,
                slug=f"{'-'.join(title_words[:6])}-{number}",
                date=date.replace(microsecond=0),
                section=rng.choice(SECTIONS),
                tags=tuple(rng.sample(tags, rng.randint(1, 4))),
                authors=tuple(rng.sample(authors, 1 if rng.random() < 0.85 else 2)),
                body=_body(rng, number, count),
            )
        )
    return result


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    if rng.random() < 0.2:
        i = rng.randrange(len(words))
        words[i] = f"*{words[i]}*"
    if rng.random() < 0.1:
        i = rng.randrange(len(words))
        words[i] = f"**{words[i]}**"
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))


def _body(rng: random.Random, number: int, count: int) -> str:
    target = rng.randint(600, 1200)
    parts: list[str] = []
    words = 0
    while words < target:
        roll = rng.random()
        if roll < 0.08 and parts:
            block = f"## {' '.join(rng.sample(WORDS, 3)).capitalize()}"
        elif roll < 0.13:
            block = "> " + _sentence(rng) + " " + _sentence(rng)
        elif roll < 0.19:
            block = "\n".join(f"- {_sentence(rng)}" for _ in range(rng.randint(2, 5)))
        elif roll < 0.22:
            rows = "\n".join(
                f"| {rng.choice(WORDS)} | {rng.randint(1, 999)} |" for _ in range(rng.randint(2, 6))
            )
            block = f"| Item | Count |\n|---|---:|\n{rows}"
        elif roll < 0.24:
            block = f"![{rng.choice(WORDS)}](/static/photo-{rng.randint(1, 40)}.jpg)"
        else:
            block = _paragraph(rng)
            if rng.random() < 0.15:
                block += f" See [the earlier report](https://example.org/{rng.choice(WORDS)})."
        parts.append(block)
        words += len(block.split())
    return "\n\n".join(parts) + "\n"


def _yaml_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def write_newsgen(site: Path, items: list[Story]) -> None:
    site.mkdir(parents=True, exist_ok=True)
    (site / "newsgen.yaml").write_text(
        "title: Benchmark Gazette\nbase_url: https://bench.example.org\n"
        "timezone: UTC\nper_page: 10\nfeeds:\n  items: 20\n",
        encoding="utf-8",
    )
    for story in items:
        path = site / "articles" / f"{story.date.year}" / f"{story.slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(newsgen_article(story), encoding="utf-8")
    write_photos(site / "static")


PHOTOS = 40  # the bodies show /static/photo-1.jpg to photo-40.jpg


def write_photos(folder: Path) -> None:
    """The photos the bodies show, as a newsroom has them: large JPEGs of camera size."""
    from PIL import Image  # noqa: PLC0415 - only the corpus writer needs Pillow

    folder.mkdir(parents=True, exist_ok=True)
    for number in range(1, PHOTOS + 1):
        image = Image.linear_gradient("L").resize((1600, 1067)).convert("RGB")
        tint = Image.new("RGB", image.size, (number * 6, 120, 255 - number * 6))
        Image.blend(image, tint, 0.5).save(folder / f"photo-{number}.jpg", quality=80)


def newsgen_article(story: Story) -> str:
    return (
        f'---\ntitle: "{story.title}"\nslug: {story.slug}\n'
        f"date: {story.date.isoformat()}\n"
        f"authors: {_yaml_list(story.authors)}\nsection: {story.section}\n"
        f"tags: {_yaml_list(story.tags)}\n---\n\n{story.body}"
    )


def write_hugo(site: Path, items: list[Story]) -> None:
    """A Hugo site with the same pages: articles, paginated home and terms, RSS, Atom and JSON
    Feed site-wide and per term, a sitemap."""
    site.mkdir(parents=True, exist_ok=True)
    (site / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    shutil.copytree(HUGO_LAYOUTS, site / "layouts")
    write_photos(site / "static" / "static")  # Hugo publishes static/ at the site's root
    for story in items:
        path = site / "content" / "posts" / f"{story.slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(hugo_article(story), encoding="utf-8")


def hugo_article(story: Story) -> str:
    return (
        f'---\ntitle: "{story.title}"\nslug: {story.slug}\ndate: {story.date.isoformat()}\n'
        f'authors: {_yaml_list(story.authors)}\ncategories: ["{story.section}"]\n'
        f"tags: {_yaml_list(story.tags)}\n---\n\n{story.body}"
    )


def write_pelican(site: Path, items: list[Story]) -> None:
    """A Pelican site with the same pages: articles, paginated index, categories, tags and
    authors with their pages, RSS and Atom feeds site-wide and per term."""
    site.mkdir(parents=True, exist_ok=True)
    (site / "pelicanconf.py").write_text(PELICAN_CONFIG, encoding="utf-8")
    for story in items:
        path = site / "content" / f"{story.slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(pelican_article(story), encoding="utf-8")


def pelican_article(story: Story) -> str:
    return (
        f"Title: {story.title}\nDate: {story.date:%Y-%m-%d %H:%M}\nSlug: {story.slug}\n"
        f"Category: {story.section}\nTags: {', '.join(story.tags)}\n"
        f"Authors: {', '.join(story.authors)}\n\n{story.body}"
    )


HUGO_CONFIG = """\
baseURL = "https://bench.example.org/"
title = "Benchmark Gazette"
languageCode = "en"
enableRobotsTXT = true
[pagination]
  pagerSize = 10
[taxonomies]
  tag = "tags"
  category = "categories"
  author = "authors"
[related]
  includeNewer = true
  [[related.indices]]
    name = "tags"
    weight = 100
  [[related.indices]]
    name = "categories"
    weight = 10
[outputFormats.Atom]
  mediaType = "application/atom+xml"
  baseName = "atom"
  isPlainText = false
[outputFormats.JSONFeed]
  mediaType = "application/feed+json"
  baseName = "feed"
  isPlainText = true
[mediaTypes."application/atom+xml"]
  suffixes = ["xml"]
[mediaTypes."application/feed+json"]
  suffixes = ["json"]
[outputs]
  home = ["HTML", "RSS", "Atom", "JSONFeed"]
  taxonomy = ["HTML"]
  term = ["HTML", "RSS", "Atom", "JSONFeed"]
  section = ["HTML"]
[services.rss]
  limit = 20
"""

PELICAN_CONFIG = """\
AUTHOR = "Benchmark"
SITENAME = "Benchmark Gazette"
SITEURL = "https://bench.example.org"
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = 10
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None}
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/{slug}.rss.xml"
TAG_FEED_ATOM = "feeds/tag-{slug}.atom.xml"
TAG_FEED_RSS = "feeds/tag-{slug}.rss.xml"
AUTHOR_FEED_ATOM = "feeds/author-{slug}.atom.xml"
AUTHOR_FEED_RSS = "feeds/author-{slug}.rss.xml"
FEED_MAX_ITEMS = 20
RELATIVE_URLS = False
"""


def main(argv: list[str]) -> int:
    count, folder = int(argv[1]), Path(argv[2])
    items = stories(count)
    write_newsgen(folder / "newsgen", items)
    write_hugo(folder / "hugo", items)
    write_pelican(folder / "pelican", items)
    print(f"{count} articles in {folder}/newsgen, {folder}/hugo and {folder}/pelican")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
