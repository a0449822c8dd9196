"""What search engines, social sites and feed readers see: sitemaps, robots.txt, JSON-LD,
OpenGraph, redirects for moved articles, and every feed of the site in every format."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import feedparser
import lxml.etree
import lxml.html

from newsgen.build.run import BuildOptions, build

import golden
from conftest import article
from oracle import published, read_articles

BASE = "https://courier.example.com"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
      "n": "http://www.google.com/schemas/sitemap-news/0.9"}  # fmt: skip


def html_pages(site: Path) -> dict[str, Path]:
    """URL -> file of every page a reader can land on (not 404, not a redirect)."""
    pages = {}
    for path in site.rglob("*.html"):
        relative = path.relative_to(site).as_posix()
        # /latest/ is shown inside article pages (the rail), never found on its own.
        if relative in ("404.html", "latest/index.html") or relative.startswith("pagefind/"):
            continue
        if 'http-equiv="refresh"' in path.read_text(encoding="utf-8"):
            continue
        pages["/" + relative.removesuffix("index.html")] = path
    return pages


def sitemap_locs(site: Path, name: str) -> list[str]:
    root = lxml.etree.parse(str(site / name)).getroot()
    return [loc.text for loc in root.iterfind(".//s:loc", NS)]


def test_sitemap_lists_every_page_once_with_absolute_urls(golden_site: Path) -> None:
    root = lxml.etree.parse(str(golden_site / "sitemap.xml")).getroot()
    assert root.tag == "{{{}}}urlset".format(NS["s"])
    locs = sitemap_locs(golden_site, "sitemap.xml")
    assert len(locs) == len(set(locs))
    assert {loc.removeprefix(BASE) for loc in locs} == set(html_pages(golden_site))
    assert all(loc.startswith(BASE + "/") for loc in locs)
    article = root.find(f"s:url[s:loc='{BASE}/2025/06/02/council-passes-budget/']", NS)
    assert article is not None
    # Its correction, the latest of its changes (after its update and its 'updated').
    assert article.findtext("s:lastmod", namespaces=NS) == "2025-06-04T11:20:00+02:00"


def test_sitemap_becomes_an_index_past_its_limit(tmp_path: Path) -> None:
    output = golden.build_copy("courier", tmp_path)
    everything = set(sitemap_locs(output, "sitemap.xml"))
    config = output.parent / "newsgen.yaml"
    config.write_text(
        config.read_text(encoding="utf-8") + "sitemap:\n  max_urls: 50\n", encoding="utf-8"
    )
    build(BuildOptions(root=output.parent, now=golden.NOW))
    index = lxml.etree.parse(str(output / "sitemap.xml")).getroot()
    assert index.tag == "{{{}}}sitemapindex".format(NS["s"])
    parts = [loc.removeprefix(BASE + "/") for loc in sitemap_locs(output, "sitemap.xml")]
    assert len(parts) == -(-len(everything) // 50)
    found: list[str] = []
    for part in parts:
        locs = sitemap_locs(output, part)
        assert 0 < len(locs) <= 50
        found.extend(locs)
    assert sorted(found) == sorted(everything)


def test_news_sitemap_holds_the_articles_of_the_two_days_before_now(golden_site: Path) -> None:
    root = lxml.etree.parse(str(golden_site / "news-sitemap.xml")).getroot()
    titles = [t.text for t in root.iterfind(".//n:title", NS)]
    window_start = golden.NOW - dt.timedelta(days=2)
    expected = [
        a.title
        for a in sorted(
            published(read_articles(golden.SITES / "courier"), golden.NOW),
            key=lambda a: a.date,
            reverse=True,
        )
        if window_start <= a.date <= golden.NOW
    ]
    assert titles == expected
    assert len(titles) == 3
    for url in root.iterfind("s:url", NS):
        assert url.findtext("s:loc", namespaces=NS).startswith(BASE + "/2026/11/2")
        assert url.findtext(".//n:name", namespaces=NS) == "The Harbor Courier"
        assert url.findtext(".//n:language", namespaces=NS) == "en"
        published_at = dt.datetime.fromisoformat(
            url.findtext(".//n:publication_date", namespaces=NS)
        )
        assert window_start <= published_at <= golden.NOW


def test_news_sitemap_follows_the_clock(tmp_path: Path) -> None:
    output = golden.build_copy("courier", tmp_path)
    build(BuildOptions(root=output.parent, now=golden.NOW + dt.timedelta(days=30)))
    root = lxml.etree.parse(str(output / "news-sitemap.xml")).getroot()
    assert root.findall("s:url", NS) == []


def test_the_sitemaps_are_made_again_only_when_what_they_show_changes(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    """A body edit keeps the sitemaps as they are; a new `updated` date makes them again, with
    the same bytes a clean build gives."""
    now = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)
    root = make_site({f"articles/s{n}.md": article(title=f"Story {n}") for n in range(3)})
    build(BuildOptions(root=root, now=now))
    story = root / "articles/s1.md"
    story.write_text(story.read_text("utf-8") + "\nA second paragraph.\n", encoding="utf-8")
    kept = build(BuildOptions(root=root, now=now, explain="sitemap.xml"))
    assert "sitemaps: kept: what it shows is unchanged" in kept.explained
    story.write_text(
        story.read_text("utf-8").replace("---\n", "---\nupdated: 2026-11-23\n", 1), "utf-8"
    )
    remade = build(BuildOptions(root=root, now=now, explain="sitemap.xml"))
    assert "sitemaps: rendered: what it shows changed" in " ".join(remade.explained)
    assert "<lastmod>2026-11-23" in (root / "site/sitemap.xml").read_text("utf-8")
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("site", ".newsgen"))
    build(BuildOptions(root=clean, now=now))
    for name in ("sitemap.xml", "news-sitemap.xml", "robots.txt"):
        assert (root / "site" / name).read_bytes() == (clean / "site" / name).read_bytes()


def test_robots_txt_names_both_sitemaps(golden_site: Path) -> None:
    robots = (golden_site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert f"Sitemap: {BASE}/sitemap.xml" in robots
    assert f"Sitemap: {BASE}/news-sitemap.xml" in robots


def test_every_page_has_canonical_and_social_meta(golden_site: Path) -> None:
    for url, path in html_pages(golden_site).items():
        tree = lxml.html.fromstring(path.read_bytes())
        assert tree.xpath("//link[@rel='canonical']/@href") == [BASE + url], url
        meta = {
            m.get("property") or m.get("name"): m.get("content") for m in tree.xpath("//head/meta")
        }
        assert meta["og:url"] == BASE + url
        assert meta["og:title"]
        assert meta["og:site_name"] == "The Harbor Courier"
        assert meta["twitter:card"] in ("summary", "summary_large_image")


def test_articles_carry_news_article_json_ld(golden_site: Path) -> None:
    tree = lxml.html.fromstring(
        (golden_site / "2025/03/14/harbor-reopens-after-winter-repairs/index.html").read_bytes()
    )
    (script,) = tree.xpath("//script[@type='application/ld+json']/text()")
    data = json.loads(script)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Harbor reopens after winter repairs"
    assert data["datePublished"] == "2025-03-14T08:30:00+01:00"
    assert data["dateModified"] == "2025-03-16"  # its correction, dated without a time
    assert data["author"][0]["url"] == f"{BASE}/authors/ada-lindqvist/"
    assert data["author"][0]["jobTitle"] == "Harbor and infrastructure reporter"
    assert "image" not in data  # its image is SVG, which cards and rich results skip
    assert data["publisher"]["name"] == "The Harbor Courier"
    assert (
        data["mainEntityOfPage"]["@id"] == f"{BASE}/2025/03/14/harbor-reopens-after-winter-repairs/"
    )


def test_json_ld_survives_script_breaking_titles(make_site: Callable[..., Path]) -> None:
    title = "'</script><script>alert(1)</script> & \"quotes\"'"
    root = make_site({"articles/a.md": article(title=title, slug="x")})
    build(BuildOptions(root=root, now=golden.NOW))
    page = (root / "site/2026/11/20/x/index.html").read_text(encoding="utf-8")
    block = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block
    assert json.loads(block)["headline"] == '</script><script>alert(1)</script> & "quotes"'


def test_json_ld_escapes_line_separators(make_site: Callable[..., Path]) -> None:
    # A double-quoted YAML string turns the escape into the character itself.
    root = make_site({"articles/a.md": article(title='"One\\u2028two"', slug="x")})
    build(BuildOptions(root=root, now=golden.NOW))
    page = (root / "site/2026/11/20/x/index.html").read_text(encoding="utf-8")
    block = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "\u2028" not in block
    assert "One\\u2028two" in block
    assert json.loads(block)["headline"] == "One\u2028two"


def test_moved_articles_redirect_from_their_aliases(golden_site: Path) -> None:
    for alias in ("news/council-budget.html", "2025/budget/index.html"):
        tree = lxml.html.fromstring((golden_site / alias).read_bytes())
        refresh = tree.xpath("//meta[@http-equiv='refresh']/@content")
        assert refresh == ["0; url=/2025/06/02/council-passes-budget/"]
        assert tree.xpath("//link[@rel='canonical']/@href") == [
            f"{BASE}/2025/06/02/council-passes-budget/"
        ]
        assert tree.xpath("//meta[@name='robots']/@content") == ["noindex"]


def test_every_feed_of_the_site_parses_cleanly(golden_site: Path) -> None:
    feeds = sorted(golden_site.rglob("feed.xml")) + sorted(golden_site.rglob("atom.xml"))
    assert len(feeds) > 50
    for path in feeds:
        feed = feedparser.parse(path.read_bytes())
        assert feed.bozo == 0, path
        assert 0 < len(feed.entries) <= 3, path
        for entry in feed.entries:
            assert entry.id.startswith(BASE) and entry.link.startswith(BASE)
            assert entry.title and entry.published_parsed and entry.content


def test_every_json_feed_has_the_fields_json_feed_1_1_requires(golden_site: Path) -> None:
    feeds = sorted(golden_site.rglob("feed.json"))
    assert len(feeds) > 25
    for path in feeds:
        feed = json.loads(path.read_bytes())
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        assert isinstance(feed["title"], str) and feed["title"]
        assert feed["feed_url"] == BASE + "/" + path.relative_to(golden_site).as_posix()
        assert feed["home_page_url"].startswith(BASE + "/")
        assert 0 < len(feed["items"]) <= 3
        for item in feed["items"]:
            assert isinstance(item["id"], str) and item["id"]
            assert item["url"].startswith(BASE + "/")
            assert item["content_html"] or item["content_text"]
            dt.datetime.fromisoformat(item["date_published"])
            for author in item.get("authors", []):
                assert author["name"]


def test_the_schedule_file_tells_when_to_rebuild(tmp_path: Path) -> None:
    output = golden.build_copy("courier", tmp_path)
    schedule = json.loads((output.parent / ".newsgen/schedule.json").read_text(encoding="utf-8"))
    assert schedule == {
        "built_for": "2026-11-24T12:00:00+00:00",
        "drafts": 1,
        "scheduled": 1,
        "next_due": "2026-12-01T06:00:00+01:00",
    }
    assert not list(output.rglob("schedule.json"))
