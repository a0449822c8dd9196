"""Images that fit every screen: resized variants (WebP and the own format, never upscaled),
cached across builds, width/height/srcset/sizes on every local image, og:image at 1200 px or
more, warnings for missing images at the article's line, the first body image as the card."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import lxml.html
import pytest
from PIL import Image

from newsgen.build.run import BuildOptions, build
from newsgen.check import check
from newsgen.outputs import variants

import golden
from conftest import BASIC_CONFIG, article

BASE = "https://gazette.example.org"
CONFIG = BASIC_CONFIG + "search: false\n"
COLUMN = "(min-width: 42rem) 40rem, calc(100vw - 2rem)"


def picture(width: int, height: int, kind: str = "JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 120)).save(out, kind)
    return out.getvalue()


def test_variants_follow_from_path_and_size_and_are_never_wider_than_the_file() -> None:
    found = variants.variants("/static/photos/quay.jpg", (1500, 1000))
    assert [(v.url, v.width, v.height, v.mime) for v in found] == [
        ("/images/photos/quay.jpg-480w.webp", 480, 320, "image/webp"),
        ("/images/photos/quay.jpg-480w.jpg", 480, 320, "image/jpeg"),
        ("/images/photos/quay.jpg-960w.webp", 960, 640, "image/webp"),
        ("/images/photos/quay.jpg-960w.jpg", 960, 640, "image/jpeg"),
        ("/images/photos/quay.jpg-1440w.webp", 1440, 960, "image/webp"),
        ("/images/photos/quay.jpg-1440w.jpg", 1440, 960, "image/jpeg"),
        ("/images/photos/quay.jpg-1500w.webp", 1500, 1000, "image/webp"),
    ]
    assert variants.srcset("/static/photos/quay.jpg", (1500, 1000), "own", "/news") == (
        "/news/images/photos/quay.jpg-480w.jpg 480w, /news/images/photos/quay.jpg-960w.jpg 960w, "
        "/news/images/photos/quay.jpg-1440w.jpg 1440w, /news/static/photos/quay.jpg 1500w"
    )
    # Wider than 2000 px: the file itself is not offered; SVG, GIF and other sites' images
    # have no variants.
    wide = variants.variants("/static/wide.png", (3000, 1000))
    assert [v.width for v in wide] == [480, 480, 960, 960, 1440, 1440, 2000, 2000]
    assert "/static/wide.png" not in variants.srcset("/static/wide.png", (3000, 1000), "own", "")
    for image in ("/static/map.svg", "/static/a.gif", "https://elsewhere.example/a.jpg"):
        assert variants.variants(image, (2000, 1000)) == ()
    assert variants.card("/static/photos/quay.jpg", (1500, 1000)) == (
        "/images/photos/quay.jpg-1440w.jpg",
        1440,
        960,
    )
    assert variants.card("/static/small.jpg", (1300, 700)) == ("/static/small.jpg", 1300, 700)


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    return make_site(
        {
            "static/quay.jpg": picture(2400, 1600),
            "static/chart.png": picture(800, 400, "PNG"),
            "static/tiny.png": picture(200, 100, "PNG"),
            "static/notes.jpg": b"not an image at all",
            "articles/lead.md": article(
                title="Lead image", slug="lead", image="/static/quay.jpg", image_alt="The quay"
            ),
            "articles/body.md": article(
                title="Body images",
                slug="body",
                date="2026-11-21",
                body="Intro.\n\n![The chart](/static/chart.png)\n\n![Tiny](/static/tiny.png)\n",
            ),
            "articles/broken.md": article(
                title="Broken images",
                slug="broken",
                date="2026-11-19",
                image="/static/gone.jpg",
                body="Intro.\n\n![A note](/static/notes.jpg)\n\n![Gone](/static/gone.png)\n",
            ),
        },
        config=CONFIG,
    )


def page(site: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / "site" / path).read_bytes())


def test_variants_are_written_at_their_sizes_in_webp_and_the_own_format(site: Path) -> None:
    build(BuildOptions(root=site, now=golden.NOW, jobs=1))
    made = {}
    for path in sorted((site / "site/images").iterdir()):
        with Image.open(path) as image:
            made[path.name] = (image.format, image.size)
    assert made == {
        "quay.jpg-480w.webp": ("WEBP", (480, 320)),
        "quay.jpg-480w.jpg": ("JPEG", (480, 320)),
        "quay.jpg-960w.webp": ("WEBP", (960, 640)),
        "quay.jpg-960w.jpg": ("JPEG", (960, 640)),
        "quay.jpg-1440w.webp": ("WEBP", (1440, 960)),
        "quay.jpg-1440w.jpg": ("JPEG", (1440, 960)),
        "quay.jpg-2000w.webp": ("WEBP", (2000, 1333)),
        "quay.jpg-2000w.jpg": ("JPEG", (2000, 1333)),
        "chart.png-480w.webp": ("WEBP", (480, 240)),
        "chart.png-480w.png": ("PNG", (480, 240)),
        "chart.png-800w.webp": ("WEBP", (800, 400)),
    }


def test_a_photo_turned_by_its_exif_orientation_has_variants_turned_as_it_is_shown(
    make_site: Callable[..., Path],
) -> None:
    """A phone stores a portrait photo as landscape pixels and an EXIF orientation, which
    browsers apply; variants carry no metadata, so the turn must be in their pixels."""
    stored = Image.new("RGB", (1600, 1000), (200, 200, 200))
    stored.paste((255, 0, 0), (0, 0, 100, 100))  # red at the stored top left
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned 90 degrees clockwise: the red corner ends top right
    out = io.BytesIO()
    stored.save(out, "JPEG", exif=exif)
    root = make_site(
        {
            "static/portrait.jpg": out.getvalue(),
            "articles/lead.md": article(
                title="Portrait", slug="lead", image="/static/portrait.jpg"
            ),
        },
        config=CONFIG,
    )
    build(BuildOptions(root=root, now=golden.NOW, jobs=1))
    img = page(root, "2026/11/20/lead/index.html").xpath("//figure//img")[0]
    assert (img.get("width"), img.get("height")) == ("1000", "1600")
    for name in ("portrait.jpg-480w.jpg", "portrait.jpg-960w.webp", "portrait.jpg-1000w.webp"):
        with Image.open(root / "site/images" / name) as variant:
            width = int(name.split("-")[1].removesuffix("w.jpg").removesuffix("w.webp"))
            assert variant.size == (width, round(width * 1.6)), name
            rgb = variant.convert("RGB")
            red, _, _ = rgb.getpixel((variant.width - 2, 2))
            assert red > 200, name  # the red corner is at the top right, as shown
            assert rgb.getpixel((2, 2))[1] > 150, name  # grey at the top left


def test_the_lead_image_is_sized_and_offered_in_its_variants(site: Path) -> None:
    build(BuildOptions(root=site, now=golden.NOW))
    figure = page(site, "2026/11/20/lead/index.html").xpath("//figure[@class='story-image']")[0]
    # (lxml's HTML parser does not know <source> is empty: look below the <picture>.)
    (source,) = figure.xpath("picture//source")
    (img,) = figure.xpath("picture//img")
    assert (source.get("type"), source.get("sizes")) == ("image/webp", COLUMN)
    assert source.get("srcset") == (
        "/images/quay.jpg-480w.webp 480w, /images/quay.jpg-960w.webp 960w, "
        "/images/quay.jpg-1440w.webp 1440w, /images/quay.jpg-2000w.webp 2000w"
    )
    assert (img.get("src"), img.get("width"), img.get("height")) == (
        "/static/quay.jpg",
        "2400",
        "1600",
    )
    assert img.get("srcset").endswith("/images/quay.jpg-2000w.jpg 2000w")
    # Teasers show a small variant: the thumbnail is 7.5rem wide.
    teaser = page(site, "index.html").xpath("//article[contains(@class, 'teaser-secondary')]")
    thumbs = [t for t in teaser if t.xpath(".//img[@src='/static/quay.jpg']")]
    assert [t.xpath("string(.//source/@sizes)") for t in thumbs] == ["7.5rem"]


def test_share_cards_use_a_variant_at_least_1200_px_wide(site: Path) -> None:
    build(BuildOptions(root=site, now=golden.NOW))
    tree = page(site, "2026/11/20/lead/index.html")
    meta = {m.get("property"): m.get("content") for m in tree.xpath("//meta[@property]")}
    assert meta["og:image"] == f"{BASE}/images/quay.jpg-1440w.jpg"
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1440", "960")
    data = json.loads(tree.xpath("//script[@type='application/ld+json']/text()")[0])
    assert data["image"] == [f"{BASE}/images/quay.jpg-1440w.jpg"]


def test_body_images_are_sized_and_the_first_is_the_card(site: Path) -> None:
    build(BuildOptions(root=site, now=golden.NOW))
    tree = page(site, "2026/11/21/body/index.html")
    chart, tiny = tree.xpath("//div[@class='story-body']//img")
    assert (chart.get("width"), chart.get("height"), chart.get("loading")) == ("800", "400", "lazy")
    assert chart.get("srcset") == "/images/chart.png-480w.png 480w, /static/chart.png 800w"
    assert chart.xpath("ancestor::picture")
    # Narrower than the column: shown at its own size, without variants.
    assert (tiny.get("width"), tiny.get("srcset"), tiny.xpath("ancestor::picture")) == (
        "200",
        None,
        [],
    )
    meta = {m.get("property"): m.get("content") for m in tree.xpath("//meta[@property]")}
    assert (meta["og:image"], meta["og:image:width"]) == (f"{BASE}/static/chart.png", "800")


def test_missing_and_unreadable_images_are_warnings_at_their_lines(site: Path) -> None:
    report = build(BuildOptions(root=site, now=golden.NOW))
    hint = "add the file under static/, or correct the path"
    assert [(str(w)) for w in report.warnings] == [
        f"articles/broken.md:5:1: the image /static/gone.jpg is not in static/\nhint: {hint}",
        "articles/broken.md:10:11: the body's image /static/notes.jpg is not an image newsgen "
        f"can read\nhint: {hint}",
        "articles/broken.md:12:9: the body's image /static/gone.png is not in static/\n"
        f"hint: {hint}",
    ]
    checked = check(BuildOptions(root=site, now=golden.NOW))
    # check reports the missing body image as a broken link (a problem), the others as warnings.
    assert [str(p).split("\n")[0] for p in checked.problems] == [
        "articles/broken.md:12:9: link to /static/gone.png, which is not a page of this site"
    ]
    assert [str(w) for w in checked.warnings] == [str(w) for w in report.warnings[:2]]


def test_an_unchanged_image_is_not_resized_again_even_after_a_clean_output(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[variants.Size] = []
    decoded: list[bytes] = []  # the source of each call
    resize = variants.resize

    def counting(data: bytes, sizes: Iterable[variants.Size]) -> dict[variants.Size, bytes]:
        made = resize(data, sizes)
        calls.extend(made)
        decoded.append(data)
        return made

    monkeypatch.setattr(variants, "resize", counting)
    build(BuildOptions(root=site, now=golden.NOW, jobs=1))
    assert len(calls) == 11
    # Each source is decoded once for all its variants.
    assert len(decoded) == len(set(decoded)) == 2  # quay.jpg, chart.png
    first = golden.tree(site / "site")
    (site / "articles/lead.md").write_text(article(title="Lead image, edited", slug="lead",
                                                   image="/static/quay.jpg"))  # fmt: skip
    build(BuildOptions(root=site, now=golden.NOW, jobs=1))
    shutil.rmtree(site / "site")
    build(BuildOptions(root=site, now=golden.NOW, jobs=1, full=True))
    assert len(calls) == 11  # from the output folder, then from .newsgen/images
    assert {k: v for k, v in golden.tree(site / "site").items() if k.startswith("images/")} == {
        k: v for k, v in first.items() if k.startswith("images/")
    }


def test_a_replaced_image_rebuilds_as_a_clean_build_would(site: Path, tmp_path: Path) -> None:
    build(BuildOptions(root=site, now=golden.NOW, jobs=1))
    (site / "static/quay.jpg").write_bytes(picture(1000, 500))
    (site / "static/chart.png").write_bytes(picture(1600, 400, "PNG"))
    build(BuildOptions(root=site, now=golden.NOW, jobs=1))
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("site", ".newsgen"))
    build(BuildOptions(root=clean, now=golden.NOW, jobs=1, full=True))
    assert golden.tree(site / "site") == golden.tree(clean / "site")
    img = page(site, "2026/11/20/lead/index.html").xpath("//figure//img")[0]
    assert (img.get("width"), img.get("height")) == ("1000", "500")
