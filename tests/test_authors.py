"""Author profiles (authors.yaml): validation, the author page's opening, the box under each
story, JSON-LD Person and ProfilePage, warnings for unused profiles, and rebuilds on edits."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import lxml.html
import pytest
from PIL import Image

from newsgen.build.run import BuildOptions, build
from newsgen.check import check
from newsgen.content.authors import parse_profiles
from newsgen.content.config import load_config
from newsgen.errors import BuildFailed

import golden
from conftest import BASIC_CONFIG, article

BASE = "https://gazette.example.org"
CONFIG = BASIC_CONFIG + "search: false\n"

PROFILES = """\
Jane Doe:
  role: Climate reporter
  bio: |
    Jane covers the *coast* and the climate. She joined in 2019.

    Before that she reported from the North Sea.
  image: /static/jane.png
  url: https://janedoe.example
  email: jane@example.org
  links:
    - https://mastodon.social/@jane
    - https://www.linkedin.com/in/jane
Bo Berg:
"""


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (90, 120, 150)).save(out, "PNG")
    return out.getvalue()


def test_a_profile_reads_every_key(tmp_path: Path) -> None:
    (tmp_path / "jane.png").write_bytes(png(300, 200))
    jane, bo = parse_profiles(PROFILES, tmp_path)
    assert jane.name == "Jane Doe"
    assert jane.role == "Climate reporter"
    assert jane.bio_html == (
        "<p>Jane covers the <em>coast</em> and the climate. She joined in 2019.</p>\n"
        "<p>Before that she reported from the North Sea.</p>\n"
    )
    assert jane.bio_line == "Jane covers the coast and the climate."
    assert jane.image_size == (300, 200)
    assert jane.labelled_links == (
        ("mastodon.social", "https://mastodon.social/@jane"),
        ("LinkedIn", "https://www.linkedin.com/in/jane"),
    )
    assert jane.same_as == (
        "https://janedoe.example",
        "https://mastodon.social/@jane",
        "https://www.linkedin.com/in/jane",
    )
    assert jane.position == (1, 1)
    assert (bo.name, bo.role, bo.bio_html, bo.position) == ("Bo Berg", None, "", (13, 1))


def test_every_problem_in_authors_yaml_is_reported_with_newsgen_yaml_s(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(
        {
            "authors.yaml": (
                "Jane Doe:\n  role: Reporter\n  photo: /static/j.png\n  url: janedoe.example\n"
                "  email: not an address\n  links: [https://x.com/jane, mastodon]\n"
                "  image: file:///etc/passwd\nBo Berg: A reporter\njane doe:\n  role: Copy\n"
            )
        },
        config=BASIC_CONFIG + "per_page: none\n",
    )
    with pytest.raises(BuildFailed) as caught:
        load_config(root)
    assert [str(p) for p in caught.value.problems] == [
        "authors.yaml:3:3: unknown key 'Jane Doe.photo'\nhint: newsgen calls it 'image'",
        "authors.yaml:4:3: 'Jane Doe.url' must hold absolute http(s) URLs, not 'janedoe.example'",
        "authors.yaml:5:3: 'Jane Doe.email' is not an email address: 'not an address'",
        "authors.yaml:6:3: 'Jane Doe.links' must hold absolute http(s) URLs, not 'mastodon'",
        "authors.yaml:7:3: 'Jane Doe.image' must be a site path starting with '/' or an "
        "absolute http(s) URL\nhint: for example /static/authors/jane-doe.jpg",
        "authors.yaml:8:1: the profile of 'Bo Berg' must be a mapping of 'key: value' lines\n"
        "hint: for example:\nJane Doe:\n  role: Climate reporter",
        "authors.yaml:9:1: 'jane doe' and 'Jane Doe' are one byline (case does not matter)\n"
        "hint: keep one profile",
        "newsgen.yaml:4:1: 'per_page' must be a whole number of at least 1",
    ]


def test_invalid_yaml_in_authors_yaml_is_positioned(make_site: Callable[..., Path]) -> None:
    root = make_site({"authors.yaml": "Jane Doe:\n  role: [unclosed\n"})
    with pytest.raises(BuildFailed) as caught:
        load_config(root)
    (problem,) = caught.value.problems
    assert (problem.path, problem.line) == ("authors.yaml", 3)
    assert problem.message.startswith("invalid YAML")


@pytest.fixture
def profiled_site(make_site: Callable[..., Path]) -> Path:
    return make_site(
        {
            "authors.yaml": PROFILES + "Nobody Here:\n  role: Editor\n",
            "static/jane.png": png(300, 300),
            "articles/a.md": article(
                title="Harbor reopens", slug="harbor", author="jane doe", section="Harbor"
            ),
            "articles/b.md": article(
                title="Council vote",
                slug="council",
                date="2026-11-21",
                authors="[Jane Doe, Bo Berg, Cy Dahl]",
                section="Politics",
            ),
        },
        config=CONFIG,
    )


def test_an_unused_profile_is_a_warning_in_build_and_check(profiled_site: Path) -> None:
    expected = [
        "authors.yaml:14:1: no published article has the byline 'Nobody Here'\n"
        "hint: check its spelling against the articles' 'author' lines, or remove the profile"
    ]
    report = build(BuildOptions(root=profiled_site, now=golden.NOW))
    assert [str(w) for w in report.warnings] == expected
    checked = check(BuildOptions(root=profiled_site, now=golden.NOW))
    assert checked.problems == ()
    assert [str(w) for w in checked.warnings] == expected


def page(site: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / path).read_bytes())


def json_ld(tree: lxml.html.HtmlElement) -> dict[str, object]:
    (script,) = tree.xpath("//script[@type='application/ld+json']/text()")
    data: dict[str, object] = json.loads(script)
    return data


def text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def test_the_author_page_opens_with_the_profile(profiled_site: Path) -> None:
    build(BuildOptions(root=profiled_site, now=golden.NOW))
    tree = page(profiled_site / "site", "authors/jane-doe/index.html")
    (profile,) = tree.xpath("//div[@class='profile']")
    (photo,) = profile.xpath(".//img")
    assert (photo.get("src"), photo.get("width"), photo.get("height")) == (
        "/static/jane.png",
        "300",
        "300",
    )
    assert text(profile) == (
        "Climate reporter Jane covers the coast and the climate. She joined in 2019. Before "
        "that she reported from the North Sea. Website Email mastodon.social LinkedIn 2 articles"
    )
    assert profile.xpath(".//a[@rel='me']/@href") == [
        "https://janedoe.example",
        "https://mastodon.social/@jane",
        "https://www.linkedin.com/in/jane",
    ]
    # Teasers on her page do not repeat "By Jane Doe", in whatever case an article wrote it.
    assert [text(meta) for meta in tree.xpath("//p[@class='teaser-meta']")] == [
        "By Bo Berg, Cy Dahl · Nov. 21, 2026",
        "Nov. 20, 2026",
    ]
    # A byline without a profile still has its page and count.
    cy = page(profiled_site / "site", "authors/cy-dahl/index.html")
    assert text(cy.xpath("//div[@class='profile']")[0]) == "1 article"
    assert [text(m) for m in cy.xpath("//p[@class='teaser-meta']")] == [
        "By Jane Doe, Bo Berg · Nov. 21, 2026"
    ]


def test_the_author_page_carries_profile_page_json_ld(profiled_site: Path) -> None:
    build(BuildOptions(root=profiled_site, now=golden.NOW))
    data = json_ld(page(profiled_site / "site", "authors/jane-doe/index.html"))
    assert data == {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": f"{BASE}/authors/jane-doe/",
        "mainEntity": {
            "@type": "Person",
            "name": "Jane Doe",
            "url": f"{BASE}/authors/jane-doe/",
            "image": f"{BASE}/static/jane.png",
            "jobTitle": "Climate reporter",
            "description": "Jane covers the coast and the climate.",
            "email": "jane@example.org",
            "sameAs": [
                "https://janedoe.example",
                "https://mastodon.social/@jane",
                "https://www.linkedin.com/in/jane",
            ],
        },
    }


def test_an_article_ends_with_a_box_per_profiled_author(profiled_site: Path) -> None:
    build(BuildOptions(root=profiled_site, now=golden.NOW))
    tree = page(profiled_site / "site", "2026/11/21/council/index.html")
    (aside,) = tree.xpath("//aside[@class='author-boxes']")
    assert aside.get("aria-label") == "About the authors"
    boxes = aside.xpath("div[@class='author-box']")
    assert [text(box) for box in boxes] == [
        "Jane Doe Climate reporter Jane covers the coast and the climate.",
        "Bo Berg",
    ]
    assert boxes[0].xpath(".//a/@href") == ["/authors/jane-doe/"]
    assert boxes[0].xpath(".//img/@src") == ["/static/jane.png"]
    authors = json_ld(tree)["author"]
    assert authors == [
        {
            "@type": "Person",
            "name": "Jane Doe",
            "url": f"{BASE}/authors/jane-doe/",
            "image": f"{BASE}/static/jane.png",
            "jobTitle": "Climate reporter",
            "description": "Jane covers the coast and the climate.",
            "email": "jane@example.org",
            "sameAs": [
                "https://janedoe.example",
                "https://mastodon.social/@jane",
                "https://www.linkedin.com/in/jane",
            ],
        },
        {"@type": "Person", "name": "Bo Berg", "url": f"{BASE}/authors/bo-berg/"},
        {"@type": "Person", "name": "Cy Dahl", "url": f"{BASE}/authors/cy-dahl/"},
    ]


def test_without_authors_yaml_no_box_is_shown(make_site: Callable[..., Path]) -> None:
    root = make_site({"articles/a.md": article(slug="a", author="Jane Doe")}, config=CONFIG)
    build(BuildOptions(root=root, now=golden.NOW))
    tree = page(root / "site", "2026/11/20/a/index.html")
    assert tree.xpath("//aside[@class='author-boxes']") == []


def test_an_edit_to_authors_yaml_rebuilds_as_a_clean_build_would(
    profiled_site: Path, tmp_path: Path
) -> None:
    build(BuildOptions(root=profiled_site, now=golden.NOW, jobs=1))
    edited = PROFILES.replace("Climate reporter", "Coast editor")
    (profiled_site / "authors.yaml").write_text(edited, encoding="utf-8")
    build(BuildOptions(root=profiled_site, now=golden.NOW, jobs=1))
    clean = tmp_path / "clean"
    shutil.copytree(profiled_site, clean, ignore=shutil.ignore_patterns("site", ".newsgen"))
    build(BuildOptions(root=clean, now=golden.NOW, jobs=1, full=True))
    assert golden.tree(profiled_site / "site") == golden.tree(clean / "site")
    assert "Coast editor" in (profiled_site / "site/authors/jane-doe/index.html").read_text()
