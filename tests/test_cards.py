"""Share cards and structured data: the article's image or the site's default (never SVG), the
publisher logo, article:author, og:locale; and the lead image and dateline in every feed."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import feedparser
import lxml.html
from PIL import Image

from newsgen.build.run import BuildOptions, build
from newsgen.content.config import load_config

import golden
from conftest import BASIC_CONFIG, Run, article

CARD_CONFIG = BASIC_CONFIG + (
    "image: /static/card.png\nimage_alt: The Gazette over the river\nlogo: /static/logo.png\n"
)
BASE = "https://gazette.example.org"


def head_meta(page: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for meta in lxml.html.fromstring(page.read_bytes()).xpath("//head/meta"):
        key = meta.get("property") or meta.get("name")
        if key:
            found.setdefault(key, []).append(meta.get("content"))
    return found


def json_ld(page: Path) -> dict[str, object]:
    tree = lxml.html.fromstring(page.read_bytes())
    (script,) = tree.xpath("//script[@type='application/ld+json']/text()")
    data: dict[str, object] = json.loads(script)
    return data


def jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 120)).save(out, "JPEG")
    return out.getvalue()


def build_site(make_site: Callable[..., Path], config: str = CARD_CONFIG) -> Path:
    root = make_site(
        {
            "articles/own.md": article(
                title="Own image",
                slug="own",
                image="/static/own.jpg",
                image_alt="A quay",
                authors="[Ada Lindqvist, Bo Berg]",
                section="Local",
                tags="[Harbor, Boats]",
                dateline="HAFENSTADT",
            ),
            "articles/none.md": article(title="No image", slug="none"),
            "articles/vector.md": article(title="Vector", slug="vector", image="/static/v.svg"),
            "static/own.jpg": jpeg(400, 300),
            "static/v.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"/>\n',
        },
        config=config,
    )
    report = build(BuildOptions(root=root, now=golden.NOW))
    assert [(w.path, w.line, w.column, w.message, w.hint) for w in report.warnings] == [
        (
            "articles/vector.md", 5, 1, "SVG images are not shown on share cards",
            "use a PNG or JPEG image; until then the site's default image, if any, stands in",
        )
    ]  # fmt: skip
    return root / "site"


def test_an_article_card_shows_its_own_image(make_site: Callable[..., Path]) -> None:
    site = build_site(make_site)
    page = site / "2026/11/20/own/index.html"
    meta = head_meta(page)
    assert meta["og:image"] == meta["twitter:image"] == [f"{BASE}/static/own.jpg"]
    assert meta["og:image:alt"] == meta["twitter:image:alt"] == ["A quay"]
    assert meta["twitter:card"] == ["summary_large_image"]
    assert meta["article:author"] == [f"{BASE}/authors/ada-lindqvist/", f"{BASE}/authors/bo-berg/"]
    assert meta["article:section"] == ["Local"]
    assert meta["article:tag"] == ["Harbor", "Boats"]
    # Dated without a time of day: the day alone, no invented midnight.
    assert meta["article:published_time"] == ["2026-11-20"]
    assert meta["og:locale"] == ["en_US"]
    data = json_ld(page)
    assert data["image"] == [f"{BASE}/static/own.jpg"]
    assert data["publisher"] == {
        "@type": "NewsMediaOrganization",
        "name": "Test Gazette",
        "url": f"{BASE}/",
        "logo": {"@type": "ImageObject", "url": f"{BASE}/static/logo.png"},
    }


def test_without_an_image_or_with_an_svg_the_default_image_stands_in(
    make_site: Callable[..., Path],
) -> None:
    site = build_site(make_site)
    for slug in ("none", "vector"):
        page = site / f"2026/11/20/{slug}/index.html"
        meta = head_meta(page)
        assert meta["og:image"] == meta["twitter:image"] == [f"{BASE}/static/card.png"], slug
        assert meta["og:image:alt"] == ["The Gazette over the river"]
        assert json_ld(page)["image"] == [f"{BASE}/static/card.png"]
    front = head_meta(site / "index.html")
    assert front["og:image"] == [f"{BASE}/static/card.png"]
    assert front["twitter:card"] == ["summary_large_image"]


def test_without_a_default_image_an_svg_article_has_no_card_image(
    make_site: Callable[..., Path],
) -> None:
    site = build_site(make_site, BASIC_CONFIG + "language: pt\n")
    page = site / "2026/11/20/vector/index.html"
    meta = head_meta(page)
    assert "og:image" not in meta
    assert meta["twitter:card"] == ["summary"]
    assert meta["og:locale"] == ["pt_BR"]
    assert "image" not in json_ld(page)
    assert "logo" not in json_ld(page)["publisher"]  # type: ignore[operator]


def test_a_locale_setting_overrides_the_one_derived_from_language(
    make_site: Callable[..., Path],
) -> None:
    site = build_site(make_site, BASIC_CONFIG + "language: en\nlocale: en_GB\n")
    assert head_meta(site / "index.html")["og:locale"] == ["en_GB"]


def test_feeds_carry_the_lead_image_and_dateline_and_name_the_publication(
    make_site: Callable[..., Path],
) -> None:
    site = build_site(make_site)
    atom = feedparser.parse((site / "atom.xml").read_bytes())
    assert atom.feed.author_detail == {"name": "Test Gazette", "href": f"{BASE}/"}
    rss = feedparser.parse((site / "feed.xml").read_bytes())
    assert rss.feed.image.href == f"{BASE}/static/logo.png"
    for feed in (atom, rss):
        own = next(e for e in feed.entries if e.title == "Own image")
        assert own.media_content == [
            {"url": f"{BASE}/static/own.jpg", "type": "image/jpeg", "medium": "image"}
        ]
        assert own.media_thumbnail == [{"url": f"{BASE}/static/own.jpg"}]
        assert own.content[0].value == (  # as feedparser's sanitizer writes it back
            f'<figure><img alt="A quay" src="{BASE}/static/own.jpg" /></figure>\n'
            '<p class="dateline">HAFENSTADT —</p>\n<p>Body text.</p>'
        )
        plain = next(e for e in feed.entries if e.title == "No image")
        assert "media_content" not in plain
        assert plain.content[0].value.startswith("<p>Body text.")
    items = json.loads((site / "feed.json").read_bytes())["items"]
    own_item = next(i for i in items if i["title"] == "Own image")
    assert own_item["image"] == f"{BASE}/static/own.jpg"
    assert own_item["content_html"].startswith("<figure><img")


def test_card_settings_are_checked_when_the_config_is_read(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    config = BASIC_CONFIG + (
        "image: /static/card.svg\nlogo: logo.png\nlocale: english\nlanguage: tlh-Klingon\n"
    )
    root = make_site({}, config=config)
    result = run_cli("build", "-s", str(root))
    assert result.code == 1
    assert result.err == (
        "newsgen.yaml:4:1: the default 'image' cannot be SVG: share cards do not show SVG images\n"
        "hint: use a PNG or JPEG image\n"
        "newsgen.yaml:5:1: 'logo' must be a site path starting with '/' or an absolute "
        "http(s) URL\n"
        "hint: for example /static/card.png\n"
        "newsgen.yaml:6:1: 'locale' must look like en_US, not 'english'\n"
        "error: build failed with 3 problems; nothing was written\n"
    )


def test_a_language_without_a_known_territory_asks_for_a_locale(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site({}, config=BASIC_CONFIG + "language: tlh\n")
    result = run_cli("build", "-s", str(root))
    assert result.code == 1
    assert result.err == (
        "newsgen.yaml:4:1: cannot tell the territory of language 'tlh' for og:locale\n"
        "hint: add a 'locale' key such as en_US\n"
        "error: build failed with 1 problem; nothing was written\n"
    )


def test_every_page_of_every_golden_site_has_a_card_and_a_locale(each_golden_site: Path) -> None:
    config = load_config(each_golden_site.parent)
    pages = [
        p
        for p in each_golden_site.rglob("*.html")
        if b'http-equiv="refresh"' not in p.read_bytes()
        # /latest/ is shown inside article pages, never shared or indexed on its own.
        and not p.relative_to(each_golden_site).as_posix().endswith("latest/index.html")
    ]
    assert pages
    for page in pages:
        meta = head_meta(page)
        # Each page's locale is its language's (the bilingual site's French pages: fr_CA).
        lang = re.search(r'<html lang="([^"]+)"', page.read_text(encoding="utf-8"))
        assert lang, page
        assert meta["og:locale"] == [config.edition(lang[1]).locale], page
        images = meta.get("og:image", [])
        assert images == meta.get("twitter:image", []), page
        assert all(i.startswith("https://") and not i.endswith(".svg") for i in images), page
        if config.image:  # the default stands in wherever a page has no image of its own
            assert len(images) == 1, page
        assert meta["twitter:card"] == ["summary_large_image" if images else "summary"], page
        if meta["og:type"] == ["article"]:
            publisher = json_ld(page)["publisher"]
            assert isinstance(publisher, dict)
            assert ("logo" in publisher) == bool(config.logo), page
