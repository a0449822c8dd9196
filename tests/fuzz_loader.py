"""A fuzz harness for the loader and the Markdown renderer, to run for as long as you like:

    python tests/fuzz_loader.py --seconds 600

It mutates real articles (the golden site's) byte by byte and splices them together, then
decodes, parses and renders each result. Anything but an article or a clean ArticleInvalid
is a bug: the input is saved to fuzz-failures/ and the run stops with exit 1.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from pathlib import Path

from newsgen.content.config import parse_config
from newsgen.content.loader import ArticleInvalid, decode, parse_article
from newsgen.content.markdown import make_markdown, render_article

SEEDS = Path(__file__).parent / "sites/courier/articles"
CONFIG = parse_config("title: T\nbase_url: https://x.example\ntimezone: Europe/Berlin\n", Path())
INTERESTING = [
    b"---\n", b"\n", b":", b"[", b"]", b"{", b"}", b"&a ", b"*a", b"!!python/", b"\xff",
    b"\x00", b"\r", b"\xef\xbb\xbf", b"<script>", b"](javascript:", b"> ", b"- ", b"|", b"`",
    b"<!--more-->", b"2024-02-30", b"\t", b"\\u2028",
]  # fmt: skip


def mutate(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        choice = rng.random()
        position = rng.randint(0, len(buffer))
        if choice < 0.3 and buffer:
            buffer[min(position, len(buffer) - 1)] = rng.randrange(256)
        elif choice < 0.55:
            buffer[position:position] = rng.choice(INTERESTING)
        elif choice < 0.75 and buffer:
            del buffer[position : position + rng.randint(1, 16)]
        elif choice < 0.9:
            other = rng.choice(corpus)
            start = rng.randint(0, len(other))
            buffer[position:position] = other[start : start + rng.randint(1, 200)]
        else:
            piece = bytes(buffer[position : position + rng.randint(1, 40)])
            buffer[position:position] = piece * rng.randint(2, 50)
    return bytes(buffer)


def check(data: bytes) -> None:
    """Raise anything that is not an article or ArticleInvalid."""
    try:
        text, _ = decode(data, "articles/fuzz.md")
        article = parse_article(text, "articles/fuzz.md", CONFIG)
    except ArticleInvalid:
        return
    render_article(make_markdown(False), article)[0].body.read()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fuzz newsgen's loader and renderer.")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    corpus = [path.read_bytes() for path in sorted(SEEDS.rglob("*.md"))]
    rng = random.Random(args.seed)
    started = time.monotonic()
    cases = 0
    while time.monotonic() - started < args.seconds:
        data = mutate(rng, rng.choice(corpus), corpus)
        cases += 1
        try:
            check(data)
        except Exception:
            failures = Path("fuzz-failures")
            failures.mkdir(exist_ok=True)
            saved = failures / f"case-{args.seed}-{cases}.md"
            saved.write_bytes(data)
            traceback.print_exc()
            print(f"failure after {cases} cases; input saved to {saved}", file=sys.stderr)
            return 1
    print(
        f"{cases} cases in {time.monotonic() - started:.0f} s (seed {args.seed}): "
        "every one an article or a clean error"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
