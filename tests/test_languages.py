"""Languages: `languages:` in newsgen.yaml, `language` and `translation_key` in front matter,
each language's own pages under its prefix, and translations linked to one another."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import BASIC_CONFIG, Run, article

BILINGUAL = BASIC_CONFIG + (
    "languages:\n"
    "  - code: en\n"
    "    title: The Gazette\n"
    "  - code: fr-CA\n"
    "    title: La Gazette\n"
    "    description: Les nouvelles du port\n"
)
NOW = "2026-12-01T12:00:00+00:00"


def _build(root: Path, run_cli: Callable[..., Run]) -> Run:
    return run_cli("build", "-s", str(root), "--now", NOW, "-q")


def test_config_errors_are_reported_at_their_lines_all_at_once(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    config = BASIC_CONFIG + (
        "language: en\n"
        "languages:\n"
        "  - code: en\n"
        "  - code: 'fr CA'\n"
        "  - code: EN\n"
        "  - titel: Deutsch\n"
        "  - Spanish\n"
    )
    result = _build(make_site({}, config=config), run_cli)
    assert result.code == 1
    assert result.err == (
        "newsgen.yaml:4:1: give either 'language' or 'languages', not both\n"
        "hint: the first of 'languages' is the site's default language\n"
        "newsgen.yaml:7:5: 'languages.1.code' 'fr CA' is not a BCP 47 language tag\n"
        "newsgen.yaml:8:5: language 'EN' is listed twice ('en')\n"
        "newsgen.yaml:9:5: unknown key 'languages.3.titel'\n"
        "hint: did you mean 'languages.3.title'?\n"
        "newsgen.yaml:9:5: missing required key 'languages.3.code'\n"
        "newsgen.yaml:10:5: 'languages.4' must be a mapping with 'code', 'title', 'description'\n"
        "error: build failed with 6 problems; nothing was written\n"
    )


def test_front_matter_language_must_be_configured_and_keys_unique_per_language(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site(
        {
            "articles/a.md": article("One", translation_key="harbor", language="de"),
            "articles/b.md": article("Two", translation_key="harbor"),
            "articles/c.md": article("Three", translation_key="harbor"),
        },
        config=BILINGUAL,
    )
    result = _build(root, run_cli)
    assert result.code == 1
    assert result.err == (
        "articles/a.md:5:1: unknown language 'de'\n"
        "hint: the site's languages are en, fr-CA\n"
        "error: build failed with 1 problem; nothing was written\n"
    )
    (root / "articles/a.md").write_text(article("One", language="FR-ca"), encoding="utf-8")
    result = _build(root, run_cli)
    assert result.code == 1
    assert result.err == (
        "articles/c.md:4:1: translation_key 'harbor' is also articles/b.md's, in the same "
        "language (en)\n"
        "hint: articles of one language need keys of their own; give each its original's key\n"
        "error: build failed with 1 problem; nothing was written\n"
    )
