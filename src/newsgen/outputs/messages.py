"""The theme's own words in the page's language: gettext catalogues (`.po`), read with Babel.

The theme ships `theme/templates/locales/{en,fr,de,es}.po`; a site adds or overrides messages
with its own `templates/locales/<code>.po` (`fr-CA.po`, `fr.po`): catalogues live with the
templates, so that editing one re-renders the pages as editing a template does (the no-op
check, `serve`'s watcher and the templates' fingerprint all see it). A page in
`fr-CA` looks in the site's fr-CA, the theme's fr-CA, the site's fr, the theme's fr, then
English. `.po` files are read as they are, with no compile step: they are what translators'
tools (Poedit, Weblate) edit, and a message the build cannot find falls back to English with
one warning per message (see `missing`).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from newsgen.content.config import CONFIG_FILE, Config
from newsgen.errors import BuildFailed, Problem
from newsgen.safefile import read_regular

THEME_LOCALES = Path(__file__).parent.parent / "theme" / "templates" / "locales"
SITE_LOCALES = "templates/locales"
ENGLISH = "en"

Catalogue = Mapping[str, str]  # message id -> its translation


class Messages:
    """Every configured language's words, looked up by the page's language code."""

    def __init__(self, chains: Mapping[str, Sequence[Catalogue]], english: Catalogue) -> None:
        self.chains = chains
        self.english = english

    def gettext(self, code: str, message: str) -> str:
        for catalogue in self.chains.get(code, ()):
            found = catalogue.get(message)
            if found:
                return found
        return self.english.get(message) or message

    def missing(self) -> Iterator[tuple[str, str]]:
        """(language, message) for each English message a language has no translation of."""
        for code, chain in self.chains.items():
            for message in self.english:
                if not any(catalogue.get(message) for catalogue in chain):
                    yield code, message


def load(config: Config) -> Messages:
    """The catalogues of the site's languages; BuildFailed naming a `.po` file that does not
    parse. A site without `languages:` speaks newsgen's own English, as it always has: no
    catalogue is read (nor Babel's reader loaded, a tenth of a second)."""
    if not config.languages:
        return Messages({}, {})
    english = {**_theme(ENGLISH), **_site(config.root, ENGLISH)}
    chains: dict[str, list[Catalogue]] = {}
    for language in config.languages:  # a site with `language:` alone speaks English
        code = language.code
        names = [code] if "-" not in code else [code, code.split("-")[0]]
        chain: list[Catalogue] = []
        for name in names:
            chain.extend((_site(config.root, name), _theme(name)))
        chains[code] = [catalogue for catalogue in chain if catalogue]
    return Messages(chains, english)


def missing_warnings(messages: Messages, config: Config) -> tuple[Problem, ...]:
    """One warning per message a non-English language falls back to English for."""
    english_codes = {code for code in messages.chains if code.split("-")[0].lower() == ENGLISH}
    return tuple(
        Problem(
            CONFIG_FILE,
            1,
            1,
            f"no {code} translation of the theme's message {message!r}; English is shown",
            f"add it to {SITE_LOCALES}/{code}.po",
        )
        for code, message in messages.missing()
        if code not in english_codes
    )


@functools.lru_cache(maxsize=16)
def _theme(name: str) -> Catalogue:
    return _read(THEME_LOCALES, name, f"newsgen/theme/templates/locales/{name}.po")


def _site(root: Path, name: str) -> Catalogue:
    return _read(root / SITE_LOCALES, name, f"{SITE_LOCALES}/{name}.po")


def _read(folder: Path, name: str, shown: str) -> Catalogue:
    """One `.po` file's translated messages ({} when there is none). Fuzzy entries, which
    translators' tools mark as unchecked, are left out, as gettext leaves them out."""
    # Imported here: Babel's catalogue reader is needed only when a page is rendered.
    from babel.messages.pofile import PoFileError, read_po  # noqa: PLC0415

    try:
        data = read_regular(folder / f"{name}.po")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise BuildFailed([Problem(shown, 1, 1, f"cannot read: {exc.strerror or exc}")]) from None
    try:
        catalogue = read_po(io.BytesIO(data), locale=None, abort_invalid=True)
    except (PoFileError, ValueError, UnicodeDecodeError) as exc:
        raise BuildFailed([Problem(shown, 1, 1, f"not a gettext catalogue: {exc}")]) from None
    return {
        str(message.id): str(message.string)
        for message in catalogue
        if message.id and isinstance(message.id, str) and message.string and not message.fuzzy
    }
