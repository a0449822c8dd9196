"""Resized variants of the site's own images (files under static/), for pages that fit every
screen: 480, 960, 1440 and 2000 px wide, never wider than the file, in WebP and in the file's
own format, written to /images/ and kept in .newsgen/images/ across builds.

Which variants exist follows from an image's path and pixel size alone (`variants`), so pages
and the inventory know them without opening a file; only `planned` files run Pillow, and only
for a variant that neither the output folder (by its key) nor the cache already holds.
Metadata (EXIF, GPS positions) is not copied into variants.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import io
import json
import os
import re
import time
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from newsgen.content import urls
from newsgen.content.config import Config
from newsgen.model import PlannedFile, RenderedArticle, input_digest
from newsgen.safefile import read_regular, write_file
from newsgen.store.cache import RACY_NS

WIDTHS = (480, 960, 1440, 2000)
# How wide a body image or a lead image is shown: the text column, or the phone's width.
COLUMN_SIZES = "(min-width: 42rem) 40rem, calc(100vw - 2rem)"
COLUMN_PIXELS = 720  # 40rem: narrower files are shown at their own size, without variants
# The renderer's own <img> (markdown-it writes src first, then alt, then an optional title).
_IMG = re.compile(r'<img src="([^"]*)" alt="([^"]*)"((?: title="[^"]*")?)>')
FOLDER = "/images/"
SOURCES = "sources.json"  # in .newsgen/images/: each source image's digest, by its stat
# The file's own format, by suffix: (Pillow format, suffix of its variants, MIME type).
FORMATS = {
    ".jpg": ("JPEG", ".jpg", "image/jpeg"),
    ".jpeg": ("JPEG", ".jpg", "image/jpeg"),
    ".png": ("PNG", ".png", "image/png"),
    ".webp": ("WEBP", ".webp", "image/webp"),
}
WEBP = ("WEBP", ".webp", "image/webp")
CARD_WIDTH = 1200  # share cards want at least this (og:image)
# Bumped when variants would come out differently, so that cached ones are made again.
# 2: turned as the source's EXIF orientation says.
VARIANT_FORMAT = 2
ORIENTATION = 0x0112  # the EXIF tag
QUALITY = {"JPEG": 82, "WEBP": 80}
Size = tuple[int, str]  # a variant's width and MIME type


@dataclass(frozen=True, slots=True)
class Variant:
    url: str  # site path: /images/photos/harbor.jpg-960w.webp
    width: int
    height: int
    mime: str
    source: str  # the file under static/: photos/harbor.jpg


# Every page and every build asks again for the same few images' variants.
@functools.lru_cache(maxsize=4096)
def variants(image: str | None, size: tuple[int, int] | None) -> tuple[Variant, ...]:
    """Every variant of a local raster image, narrowest first, WebP before the own format."""
    if not image or size is None or not image.startswith(urls.STATIC) or "?" in image:
        return ()
    name = image.removeprefix(urls.STATIC)
    own = FORMATS.get(PurePosixPath(name).suffix.lower())
    if own is None:  # SVG and GIF (often animated) are served as they are
        return ()
    width, height = size
    # The source's own suffix stays in the name: photo.jpg and photo.png do not clash.
    stem = FOLDER + name
    found = []
    for target in WIDTHS:
        if target >= width:
            break
        scaled = max(1, round(height * target / width))
        for _, suffix, mime in dict.fromkeys((WEBP, own)):
            found.append(Variant(f"{stem}-{target}w{suffix}", target, scaled, mime, name))
    if own != WEBP and width <= WIDTHS[-1]:  # the whole image in WebP too
        found.append(Variant(f"{stem}-{width}w.webp", width, height, WEBP[2], name))
    return tuple(found)


def srcset(image: str | None, size: tuple[int, int] | None, mime: str, prefix: str) -> str:
    """The `srcset` of one format ("own" for the file's own): its variants, and the file
    itself at its own width; "" when the image has no variants."""
    if size is None or image is None:
        return ""
    if mime == "own":
        mime = FORMATS.get(PurePosixPath(image).suffix.lower(), ("", "", ""))[2]
    found = [v for v in variants(image, size) if v.mime == mime]
    if not found:
        return ""
    parts = [f"{urls.href(prefix, v.url)} {v.width}w" for v in found]
    own = FORMATS.get(PurePosixPath(image).suffix.lower())
    whole = size[0] <= WIDTHS[-1] and all(v.width != size[0] for v in found)
    if own is not None and own[2] == mime and whole:  # the file itself, at its own width
        parts.append(f"{urls.href(prefix, image)} {size[0]}w")
    return ", ".join(parts)


def card(image: str | None, size: tuple[int, int] | None) -> tuple[str, int, int] | None:
    """The share card's picture: the narrowest variant in the image's own format at least
    CARD_WIDTH wide, else the image itself; (site path, width, height), None if unknown."""
    if image is None or size is None:
        return None
    own = FORMATS.get(PurePosixPath(image.split("?", 1)[0]).suffix.lower())
    wide = [
        v
        for v in variants(image, size)
        if v.width >= CARD_WIDTH and own is not None and v.mime == own[2]
    ]
    if wide:
        return wide[0].url, wide[0].width, wide[0].height
    return image, size[0], size[1]


def used(entries: Iterable[RenderedArticle], config: Config) -> dict[str, Variant]:
    """Every variant the pages show: of lead images, body images and author photos, by URL."""
    images: list[tuple[str | None, tuple[int, int] | None]] = []
    for entry in entries:
        images.append((entry.article.image, entry.article.image_size))
        # A body image narrower than the column is shown as it is (body_html).
        images.extend((src, (w, h)) for src, _, _, w, h in entry.images if w >= COLUMN_PIXELS)
    images += [(p.image, p.image_size) for p in config.profiles]
    return {v.url: v for image, size in images for v in variants(image, size)}


def planned(found: dict[str, Variant], config: Config) -> Iterator[PlannedFile]:
    """Each variant as a file keyed by its source's content, a function of the sources as the
    manifest that keeps the key must be (never a stat: another checkout has other inodes)."""
    cache = config.state_dir / "images"
    digests = _source_digests({v.source for v in found.values()}, config.static_dir, cache)
    siblings: dict[str, list[tuple[int, str]]] = {}
    for variant in found.values():
        siblings.setdefault(variant.source, []).append((variant.width, variant.mime))
    # A source's variants one after another: they are made together (see `render`).
    for url in sorted(found, key=lambda url: (found[url].source, url)):
        variant = found[url]
        digest = digests.get(variant.source)
        if digest is None:
            continue  # gone since its size was read: the warning names it
        key = input_digest((VARIANT_FORMAT, url, variant.source, digest, variant.width))
        make = functools.partial(
            render,
            config.static_dir / variant.source,
            (variant.width, variant.mime),
            cache,
            tuple(sorted(siblings[variant.source])),
        )
        yield PlannedFile(urls.output_path(url), key, make, together=variant.source)


def _source_digests(sources: Iterable[str], static_dir: Path, cache: Path) -> dict[str, str]:
    """The content digest of each source image, kept in .newsgen/images/ by the file's stat
    (as git's index does, not for a file changed within RACY_NS), so that an unchanged image
    is not read again."""
    try:
        known = json.loads(read_regular(cache / SOURCES, follow=False))
    except (OSError, ValueError):
        known = {}
    known = known if isinstance(known, dict) else {}
    racy_after = time.time_ns() - RACY_NS
    digests: dict[str, str] = {}
    kept: dict[str, list[object]] = {}
    for source in sorted(sources):
        try:
            status = (static_dir / source).stat()
            stamp: list[object] = [status.st_mtime_ns, status.st_ctime_ns, status.st_size]
            stamp.append(status.st_ino)
            entry = known.get(source)
            if isinstance(entry, list) and entry[:4] == stamp and isinstance(entry[-1], str):
                digests[source] = entry[-1]
            else:
                data = read_regular(static_dir / source)
                digests[source] = hashlib.blake2b(data, digest_size=20).hexdigest()
        except OSError:
            continue
        if max(status.st_mtime_ns, status.st_ctime_ns) < racy_after:
            kept[source] = [*stamp, digests[source]]
    if kept != known:
        with contextlib.suppress(OSError):  # without it, the next build reads the images again
            write_file(cache / SOURCES, json.dumps(kept).encode(), root=cache.parent)
    return digests


def render(source: Path, wanted: Size, cache: Path, siblings: tuple[Size, ...]) -> bytes:
    """One variant's bytes, from the cache when the source's content was resized before.

    A variant not in the cache is made with its `siblings` (the source's other variants)
    still missing there, from one decoded picture, and all go to the cache: the siblings'
    turns then find theirs made."""
    data = source.read_bytes()
    digest = hashlib.blake2b(data, digest_size=20).hexdigest()
    try:
        return _kept(cache, digest, wanted).read_bytes()
    except OSError:
        pass
    try:
        cache.mkdir(parents=True, exist_ok=True)
        missing = [s for s in siblings if s != wanted and not _kept(cache, digest, s).exists()]
    except OSError:
        missing = []  # nowhere to keep them: each variant is made on its own turn
    try:
        made = resize(data, [wanted, *missing])
    except (OSError, ValueError, SyntaxError):
        # A file whose header reads as an image but whose pixels do not decode: the build
        # warns of it (images.missing), and the variant serves the file as it is.
        return data
    for size, encoded in made.items():
        kept = _kept(cache, digest, size)
        try:
            temporary = kept.with_name(f".{kept.name}.{os.getpid()}")
            temporary.write_bytes(encoded)
            temporary.replace(kept)
        except OSError:
            pass  # the cache is only ever an optimisation
    return made[wanted]


def _kept(cache: Path, digest: str, size: Size) -> Path:
    width, mime = size
    return cache / f"{digest}-{VARIANT_FORMAT}-{width}.{mime.split('/')[1]}"


def resize(data: bytes, sizes: Iterable[Size]) -> dict[Size, bytes]:
    """`data` scaled to each (width, MIME type) (never up) and encoded, without metadata:
    decoded once, turned as its EXIF orientation says, and resized once for each width."""
    from PIL import Image, ImageOps  # noqa: PLC0415 - only a build with local images loads it

    made: dict[Size, bytes] = {}
    with warnings.catch_warnings():
        # Pillow warns of a damaged EXIF block as it opens a file (for its resolution): the
        # file then has no orientation, which is no news for the build's reader.
        warnings.simplefilter("ignore", UserWarning)
        opened = Image.open(io.BytesIO(data))
    with opened:
        opened.load()
        # A camera's portrait is stored as landscape pixels and an orientation, which
        # browsers apply; a variant has no metadata, so the turn goes into its pixels. Its
        # width is the one shown (imagesize reads sizes turned too).
        turned = opened.getexif().get(ORIENTATION, 1) != 1
        image = ImageOps.exif_transpose(opened) if turned else opened
        scaled: dict[int, Image.Image] = {image.width: image}
        for width, mime in sizes:
            picture = scaled.get(width)
            if picture is None:
                height = max(1, round(image.height * width / image.width))
                picture = image.resize((width, height), Image.Resampling.LANCZOS)
                scaled[width] = picture
            kind = next(f for f, _, m in (*FORMATS.values(), WEBP) if m == mime)
            if kind == "JPEG" and picture.mode not in ("RGB", "L"):
                picture = picture.convert("RGB")
            out = io.BytesIO()
            options: dict[str, object] = {"optimize": True}
            if kind in QUALITY:
                options["quality"] = QUALITY[kind]
            if kind == "WEBP":
                options = {"quality": QUALITY[kind], "method": 4}
            picture.save(out, kind, **options)
            made[(width, mime)] = out.getvalue()
    return made


def body_html(fragment: str, images: Iterable[tuple[str, int, int, int, int]], prefix: str) -> str:
    """A rendered body with its local images sized (width, height), lazy, and offered in
    their variants; other images are left as written."""
    sizes = {src: (width, height) for src, _, _, width, height in images if width}
    if not sizes:
        return fragment

    def sized(match: re.Match[str]) -> str:
        src = html.unescape(match[1])
        if prefix and src.startswith(prefix + "/"):
            src = src[len(prefix) :]
        size = sizes.get(src)
        if size is None:
            return match[0]
        tag = (
            f'<img src="{match[1]}" alt="{match[2]}"{match[3]} width="{size[0]}" '
            f'height="{size[1]}" loading="lazy"'
        )
        if size[0] < COLUMN_PIXELS:
            return tag + ">"
        own = srcset(src, size, "own", prefix)
        webp = srcset(src, size, "image/webp", prefix)
        if own:
            tag += f' srcset="{html.escape(own)}" sizes="{COLUMN_SIZES}"'
        tag += ">"
        if webp:
            source = (
                f'<source type="image/webp" srcset="{html.escape(webp)}" sizes="{COLUMN_SIZES}">'
            )
            tag = f"<picture>{source}{tag}</picture>"
        return tag

    return _IMG.sub(sized, fragment)
