"""Languages: `languages:` in newsgen.yaml, `language` and `translation_key` in front matter,
each language's own pages under its prefix, and translations linked to one another."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from newsgen.build.run import BuildOptions, build
from newsgen.store import cache

import golden
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


THEME = Path(__file__).parent.parent / "src/newsgen/theme"


def _catalogue(code: str) -> dict[str, str]:
    with (THEME / "templates/locales" / f"{code}.po").open("rb") as file:
        return {str(m.id): str(m.string) for m in read_po(file) if m.id}


def test_every_theme_message_is_in_english_and_translated_in_french_german_spanish() -> None:
    used = set()
    for template in (THEME / "templates").glob("*.html"):
        used.update(re.findall(r"""_\((?:"([^"]+)"|'([^']+)')""", template.read_text("utf-8")))
    wanted = {a or b for a, b in used} | {"Topic", "Reporter", "Section", "Tags", "Authors"}
    english = _catalogue("en")
    assert wanted <= english.keys(), wanted - english.keys()
    assert all(english[message] == message for message in english)
    for code in ("fr", "de", "es"):
        translated = _catalogue(code)
        assert translated.keys() == english.keys(), code
        # Placeholders survive translation, and every message is translated.
        for message, text in translated.items():
            assert text, (code, message)
            assert re.findall(r"\{\w+\}", text) == re.findall(r"\{\w+\}", message), (code, text)


def test_missing_messages_fall_back_to_english_with_one_warning_each(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    config = BASIC_CONFIG + "languages:\n  - code: en\n  - code: pt-BR\n"
    files = {
        "articles/a.md": article("Porto", author="Ana", language="pt-BR"),
        # A site's own catalogue: Portuguese for one message, and French it overrides.
        "templates/locales/pt.po": 'msgid "By"\nmsgstr "Por"\n',
    }
    root = make_site(files, config=config)
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert result.code == 0, result.err
    warnings = [line for line in result.err.splitlines() if "translation of" in line]
    english = _catalogue("en")
    assert len(warnings) == len(english) - 1  # every message but "By"
    assert warnings[0] == (
        "newsgen.yaml:1:1: warning: no pt-BR translation of the theme's message '1 article'; "
        "English is shown"
    )
    page = (root / "site/pt-br/2026/11/20/porto/index.html").read_text("utf-8")
    assert '<span class="byline">Por <a href="/pt-br/authors/ana/">Ana</a></span>' in page
    assert '<h2 id="related-heading">' not in page
    assert ">Skip to content</a>" in page  # English stands in
    assert "20 de nov. de 2026" in (root / "site/pt-br/index.html").read_text("utf-8")


def test_a_site_with_language_alone_keeps_the_english_theme(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site(
        {"articles/a.md": article("Hafen", author="Ana")}, BASIC_CONFIG + "language: de\n"
    )
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert result.code == 0
    assert "translation" not in result.err
    page = (root / "site/2026/11/20/hafen/index.html").read_text("utf-8")
    assert '<html lang="de">' in page
    assert '<span class="byline">By ' in page


def test_each_language_has_its_own_sections_pages_and_feeds(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site(
        {
            "articles/en.md": article("Vote", section="Politics", translation_key="v"),
            "articles/fr.md": article(
                "Scrutin", section="Politique", language="fr-CA", translation_key="v"
            ),
            "articles/fr2.md": article(
                "Politique locale", date="2026-11-21 09:05", section="politics", language="fr-CA"
            ),
        },
        config=BILINGUAL,
    )
    assert _build(root, run_cli).code == 0
    site = root / "site"
    english = (site / "sections/index.html").read_text("utf-8")
    french = (site / "fr-ca/sections/index.html").read_text("utf-8")
    assert '<a href="/sections/politics/">Politics</a> <span class="count">1</span>' in english
    assert "Politique" not in english
    # The French "politics" is a section of its own, under the French prefix.
    assert '<a href="/fr-ca/sections/politics/">politics</a>' in french
    assert '<a href="/fr-ca/sections/politique/">Politique</a>' in french
    feed = json.loads((site / "fr-ca/sections/politique/feed.json").read_text("utf-8"))
    assert (feed["title"], feed["language"]) == ("Politique · La Gazette", "fr-CA")
    assert [item["title"] for item in feed["items"]] == ["Scrutin"]
    front = (site / "fr-ca/index.html").read_text("utf-8")
    assert '<html lang="fr-CA">' in front
    assert "21 nov. 2026, 09 h 05" in front
    assert "Vote" not in front
    month = (site / "fr-ca/2026/11/index.html").read_text("utf-8")
    assert '<h1 class="listing-title">novembre 2026</h1>' in month
    article_page = (site / "2026/11/20/vote/index.html").read_text("utf-8")
    assert (
        '<link rel="alternate" hreflang="fr-CA" '
        'href="https://gazette.example.org/fr-ca/2026/11/20/scrutin/">'
    ) in article_page
    assert "Français (Canada): Scrutin" in article_page
    # Neighbours are of the article's own language.
    assert "Politique locale" not in article_page


def test_new_writes_a_translation_with_the_originals_key_and_check_finds_orphans(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    original = (
        "---\r\ntitle: Harbour reopens\r\ndate: 2026-11-20\r\nauthor: Ana\r\n---\r\n\r\nText.\r\n"
    )
    root = make_site({"articles/harbour.md": original}, config=BILINGUAL)
    at = "2026-11-21T09:30:00+00:00"
    # No headline: the translation starts from the original's, to be translated.
    made = run_cli(
        "new", "-s", str(root), "--language", "FR-ca", "--translation-of",
        str(root / "articles/harbour.md"), "--now", at,
    )  # fmt: skip
    assert (made.code, made.out, made.err) == (0, "articles/fr-ca/2026/harbour-reopens.md\n", "")
    assert (root / "articles/fr-ca/2026/harbour-reopens.md").read_text("utf-8") == (
        '---\ntitle: "Harbour reopens"\ndate: 2026-11-21T10:30:00+01:00\n'
        'authors: ["Ana"]\nlanguage: "fr-CA"\ntranslation_key: "harbour-reopens"\n---\n\n'
    )
    # The original had no key: it is given its slug, in a line of its own, the rest kept.
    assert (root / "articles/harbour.md").read_bytes() == original.replace(
        "---\r\n", '---\r\ntranslation_key: "harbour-reopens"\r\n', 1
    ).encode()
    assert _build(root, run_cli).code == 0
    page = (root / "site/2026/11/20/harbour-reopens/index.html").read_text("utf-8")
    assert (
        'hreflang="fr-CA" href="https://gazette.example.org/fr-ca/2026/11/21/harbour-reopens/"'
        in page
    )
    # A second translation into the same language is the build's error; into the original's
    # own language, or an unknown one, `new` refuses.
    for language, message in (
        ("en", "articles/harbour.md is in en; give --language with another of the site's "
               "languages: en, fr-CA"),
        ("de", "unknown language 'de'; the site's languages are en, fr-CA"),
    ):  # fmt: skip
        refused = run_cli(
            "new", "Titre", "-s", str(root), "--language", language,
            "--translation-of", str(root / "articles/harbour.md"),
        )  # fmt: skip
        assert (refused.code, refused.err) == (1, f"error: {message}\n")
    # The original deleted: check names the translation left without one.
    (root / "articles/harbour.md").unlink()
    checked = run_cli("check", "-s", str(root), "--now", NOW)
    assert checked.code == 0
    assert (
        "articles/fr-ca/2026/harbour-reopens.md:6:1: warning: the original of this translation "
        "is missing: no article in another language has translation_key 'harbour-reopens'\n"
    ) in checked.err


def test_reordering_the_languages_moves_every_article_as_a_clean_build_would(
    make_site: Callable[..., Path],
    run_cli: Callable[..., Run],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The default language keeps the root URLs: after a swap, cached articles must not keep
    # the prefix they were read with. Files just written are read again whatever the cache
    # says (cache.RACY_NS): here the cache is trusted at once.
    monkeypatch.setattr(cache, "RACY_NS", 0)
    root = make_site(
        {
            "articles/a.md": article("Harbour opens", translation_key="harbour", language="en"),
            "articles/b.md": article("Le port ouvre", translation_key="harbour", language="fr-CA"),
        },
        config=BILINGUAL,
    )
    assert _build(root, run_cli).code == 0
    assert (root / "site/fr-ca/index.html").is_file()
    config = root / "newsgen.yaml"
    swapped = BASIC_CONFIG + (
        "languages:\n  - code: fr-CA\n    title: La Gazette\n  - code: en\n    title: The Gazette\n"
    )
    config.write_text(swapped, encoding="utf-8")
    assert _build(root, run_cli).code == 0
    fresh = tmp_path / "fresh"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("site", ".newsgen"))
    assert _build(fresh, run_cli).code == 0
    assert golden.tree(root / "site") == golden.tree(fresh / "site")
    assert (root / "site/en/index.html").is_file()
    assert not (root / "site/fr-ca").exists()


def test_a_catalogue_that_does_not_parse_is_an_error_naming_it(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    files = {"templates/locales/fr.po": 'msgid "By"\nmsgstr "Par"\ngarbage here\n'}
    result = _build(make_site(files, config=BILINGUAL), run_cli)
    assert result.code == 1
    assert result.err.startswith("templates/locales/fr.po:1:1: not a gettext catalogue: ")


def test_a_new_default_language_reads_cached_articles_again(
    make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An article without 'language' is in the default language: the build cache, which
    trusts a file unchanged since it was read, must not keep the old default's language and
    URL (racy files are read again anyway, so the test trusts them at once)."""
    monkeypatch.setattr(cache, "RACY_NS", -(10**12))
    root = make_site({"articles/a.md": article("Hello")}, config=BILINGUAL)
    when = datetime(2026, 12, 1, 12, tzinfo=UTC)
    build(BuildOptions(root=root, now=when, jobs=1))
    french_first = BILINGUAL.replace("  - code: en\n    title: The Gazette\n", "") + (
        "  - code: en\n"
    )
    (root / "newsgen.yaml").write_text(french_first, encoding="utf-8")
    report = build(BuildOptions(root=root, now=when, jobs=1))
    assert report.cache_hits == 0
    page = (root / "site/2026/11/20/hello/index.html").read_text("utf-8")
    assert '<html lang="fr-CA">' in page
