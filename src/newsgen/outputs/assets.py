"""Copy static files into /static/: the theme's first, then the site's static/ over them; and
the site's static/.well-known/ to /.well-known/, where security.txt, app links and certificate
challenges are looked for.

Nothing from outside the site folder is published: links are refused as contained.py says.
Other names that start with a dot are not published, and a warning names each one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newsgen.content import urls
from newsgen.content.config import Config
from newsgen.content.contained import files_inside
from newsgen.errors import BuildFailed, Problem
from newsgen.model import OutputFile
from newsgen.safefile import read_regular

THEME_STATIC = Path(__file__).parent.parent / "theme" / "static"
# Left out without a word: files that editors, file managers and version control leave.
LITTER = frozenset({".DS_Store", ".gitkeep", ".gitignore", ".keep", ".git", ".svn", ".hg"})


@dataclass(frozen=True, slots=True)
class StaticFiles:
    files: dict[str, Path]  # path in the output folder -> source file, sorted by path
    skipped: tuple[Problem, ...]  # a warning for each hidden name that is not published


def collect(config: Config) -> Iterator[OutputFile]:
    for output, path in static_files(config).files.items():
        yield OutputFile(output, read_regular(path))


def static_files(config: Config) -> StaticFiles:
    """Every static file to publish, and the hidden ones that are not; a README.md is a note,
    not published. Raises BuildFailed for a link in static/ that leads out of the site folder
    or to a folder, and for a FIFO or device there."""
    found, problems = files_inside(config.static_dir, config.root)
    if problems:
        raise BuildFailed(problems)
    theme = sorted(THEME_STATIC.rglob("*")) if THEME_STATIC.is_dir() else []
    files: dict[str, Path] = {}
    skipped: dict[str, Problem] = {}
    for folder, paths in ((THEME_STATIC, theme), (config.static_dir, found)):
        for path in paths:
            parts = path.relative_to(folder).parts
            if not path.is_file():
                continue
            hidden = [index for index, part in enumerate(parts) if part.startswith(".")]
            if not hidden:
                files[urls.output_path(urls.STATIC + "/".join(parts))] = path
            elif hidden == [0] and parts[0] == urls.WELL_KNOWN and folder != THEME_STATIC:
                files["/".join(parts)] = path
            elif folder != THEME_STATIC and parts[hidden[0]] not in LITTER:
                shown = "/".join(parts[: hidden[0] + 1])
                skipped.setdefault(shown, _skipped(config, shown))
    files.pop(urls.output_path(urls.STATIC + "README.md"), None)
    return StaticFiles(dict(sorted(files.items())), tuple(skipped.values()))


def _skipped(config: Config, shown: str) -> Problem:
    source = (config.static_dir / shown).relative_to(config.root).as_posix()
    return Problem(
        source,
        1,
        1,
        f"not published: names that start with '.' are skipped, except static/"
        f"{urls.WELL_KNOWN}/, which is published at /{urls.WELL_KNOWN}/",
    )
