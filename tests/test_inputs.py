"""Hostile and unlucky input: every case ends in correct output or a clean, positioned error,
and `check` and `build` always agree.

Each test names the case it covers: control characters, dates at the ends of the range, file
names that are not UTF-8, output paths (one inventory), the preview server's Host header and
limits, many tags, the teaser marker, and smaller defects.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from newsgen.build import collect, inventory
from newsgen.content.config import load_config
from newsgen.plan import archive
from newsgen.store.cache import settings_fingerprint

from conftest import BASIC_CONFIG, Run, article
from servers import running_server

NOW = "2026-11-24T12:00:00+00:00"
QUICK = BASIC_CONFIG + "search: false\n"


def check_and_build(run_cli: Callable[..., Run], root: Path, *extra: str) -> tuple[Run, Run]:
    """`check` then `build` of one site, with a fixed clock."""
    checked = run_cli("check", "-s", str(root), "--now", NOW, *extra)
    built = run_cli("build", "-s", str(root), "--now", NOW, *extra)
    return checked, built


def assert_refused(checked: Run, built: Run, root: Path, *expected: str) -> None:
    """Both commands fail with exit 1, print every expected line, and nothing is written."""
    for run in (checked, built):
        assert run.code == 1, run
        assert "Traceback" not in run.err
        for line in expected:
            assert line in run.err, (line, run.err)
    assert not (root / "site").exists()


# --- control characters written as YAML escapes ------------------------------------------------


@pytest.mark.parametrize(
    ("field", "where"),
    [
        ('title: "a\\x01b"', "2:8"),
        ('dateline: "Oslo\\x07"', "4:11"),
        ('image_alt: "\\x1b[31m"', "4:12"),
        ('tags: [ok, "b\\x0bad"]', "4:12"),
        ('extra:\n  nested:\n    deep: "\\x7f"', "6:11"),
        ('summary: "\\ufffe"', "4:10"),
    ],
)
def test_control_characters_in_any_string_are_refused_with_their_position(
    field: str, where: str, make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    title = field.split(": ", 1)[1] if field.startswith("title") else "Fine"
    extra = "" if field.startswith("title") else field + "\n"
    text = f"---\ntitle: {title}\ndate: 2026-11-20\n{extra}---\n\nBody.\n"
    root = make_site({"articles/a.md": text}, config=QUICK)
    checked, built = check_and_build(run_cli, root)
    assert_refused(checked, built, root, f"articles/a.md:{where}: ")
    assert "cannot carry" in built.err


def test_control_characters_in_the_site_config_are_refused(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site({"articles/a.md": article()}, config=QUICK + 'description: "bell\\x07"\n')
    checked, built = check_and_build(run_cli, root)
    assert_refused(checked, built, root, "newsgen.yaml:5:14: ")


def test_new_refuses_control_characters_and_empty_values(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site({}, config=QUICK)
    for args in (
        ("a\x01b",),
        ("Fine", "--tag", "x\x1b"),
        ("Fine", "--author", ""),
        ("Fine", "--tag", " "),
        ("Fine", "--section", ""),
    ):
        result = run_cli("new", *args, "-s", str(root), "--now", NOW)
        assert result.code == 1, (args, result)
        assert result.err.startswith("error: "), result.err
    assert not (root / "articles").exists()
    result = run_cli("new", "Fine", "--author", "Ada", "-s", str(root), "--now", NOW)
    assert result.code == 0, result.err
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0


# --- dates at the ends of the range -------------------------------------------------------------


@pytest.mark.parametrize(
    ("timezone", "date"),
    [
        ("Asia/Tokyo", "0001-01-01"),
        ("America/New_York", "9999-12-31 23:30"),
        ("UTC", "9999-12-31T23:00:00-05:00"),
        ("UTC", "0999-12-31"),
    ],
)
def test_dates_outside_the_supported_range_are_refused(
    timezone: str, date: str, make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    config = QUICK.replace("Europe/Berlin", timezone)
    root = make_site({"articles/a.md": article(date=date)}, config=config)
    checked, built = check_and_build(run_cli, root, "--future")
    assert_refused(checked, built, root, "articles/a.md:3:1: ", "years 1000 to 9998")


def test_dates_at_the_ends_of_the_range_build_everywhere(
    make_site: Callable[..., Path],
    run_cli: Callable[..., Run],
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = make_site(
        {
            "articles/old.md": article(title="Old", date="1000-01-01"),
            "articles/new.md": article(title="New", date="9998-12-31 23:59", updated="9998-12-31"),
        },
        config=QUICK.replace("Europe/Berlin", "Etc/GMT-14"),  # UTC+14 since ever
    )
    checked, built = check_and_build(run_cli, root, "--future")
    assert checked.code == 0, checked.err
    assert built.code == 0, built.err
    assert (root / "site/1000/01/01/old/index.html").is_file()
    assert (root / "site/9998/12/31/new/index.html").is_file()
    with pytest.raises(SystemExit) as usage:
        run_cli("build", "-s", str(root), "--now", "9999-12-31T23:59:00+00:00")
    assert usage.value.code == 2
    assert "years 1000 to 9998" in capsys.readouterr().err


# --- names that are not UTF-8 -------------------------------------------------------------------


def _bad_name(folder: Path, raw: bytes) -> None:
    """A file (or, for a name ending in '/', a folder) named with bytes that are not UTF-8."""
    path = Path(os.fsdecode(os.fsencode(folder) + b"/" + raw.rstrip(b"/")))
    if raw.endswith(b"/"):
        path.mkdir()
    else:
        path.write_text(article(), encoding="utf-8")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (b"articles/caf\xe9.md", "articles/caf\\xe9.md"),
        (b"articles/\xff/", "articles/\\xff"),
        (b"static/logo\xff.css", "static/logo\\xff.css"),
    ],
)
def test_names_that_are_not_utf8_are_a_clean_error_in_check_and_build(
    raw: bytes, shown: str, make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site({"articles/a.md": article(), "static/ok.css": "p {}\n"}, config=QUICK)
    _bad_name(root, raw)
    checked, built = check_and_build(run_cli, root)
    assert_refused(checked, built, root, f"{shown}:1:1: ", "not valid UTF-8")


def test_ignored_files_with_names_that_are_not_utf8_do_not_stop_a_build(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site({"articles/a.md": article()}, config=QUICK)
    _bad_name(root, b"articles/photo\xff.jpg")
    (root / "templates").mkdir()
    _bad_name(root, b"templates/\xfe.html")
    checked, built = check_and_build(run_cli, root)
    assert checked.code == 0, checked.err
    assert built.code == 0, built.err
    again = run_cli("build", "-s", str(root), "--now", NOW)
    assert again.code == 0 and "is up to date" in again.out


# --- one inventory of every output path ---------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "config", "expected"),
    [
        ({"aliases": "[/static/newsgen.css]"}, "", "static/newsgen.css"),
        ({"aliases": "[/sitemap-1.xml]"}, "", "sitemap-1.xml"),
        ({"aliases": "[/pagefind/pagefind.js]"}, "", "pagefind/"),
        ({"aliases": "[/feed.xml/]"}, "", "feed.xml/index.html"),
        ({"aliases": "[/sitemap.xml/old/]"}, "", "sitemap.xml/old/index.html"),
        ({"aliases": "[/robots.txt]"}, "", "robots.txt"),
        ({}, "permalink: /{year}/../{slug}/\n", "'..'"),
        ({}, "permalink: /{year}\\\\x/{slug}/\n", "backslash"),
        ({}, "permalink: /.newsgen-manifest.json/{slug}/\n", ".newsgen-manifest.json"),
        ({}, "permalink: /static/{slug}/\n", "static/a-title/index.html"),
        ({}, "permalink: /pagefind/{slug}/\n", "pagefind/"),
    ],
)
def test_every_output_path_is_checked_once_by_check_and_build(
    fields: dict[str, str],
    config: str,
    expected: str,
    make_site: Callable[..., Path],
    run_cli: Callable[..., Run],
) -> None:
    root = make_site({"articles/a.md": article(**fields)}, config=QUICK + config)
    checked, built = check_and_build(run_cli, root)
    assert_refused(checked, built, root, expected)
    shown = [line for line in built.err.splitlines() if line.startswith("articles/a.md:")]
    assert shown and shown == [
        line for line in checked.err.splitlines() if line.startswith("articles/a.md:")
    ]


def test_a_static_file_where_a_folder_is_needed_is_a_collision(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site(
        {"articles/a.md": article(), "static/newsgen.css/x.css": "p {}\n"}, config=QUICK
    )
    checked, built = check_and_build(run_cli, root)
    assert_refused(checked, built, root, "static/newsgen.css/x.css:1:1: ")


def test_the_inventory_lists_what_the_build_writes(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site(
        {
            "articles/a.md": article(aliases="[/old/a/]", tags="[x, y]"),
            "articles/b.md": article(title="B", date="2026-11-21"),
            "static/img/logo.svg": "<svg/>",
        },
        config=BASIC_CONFIG + "sitemap:\n  max_urls: 3\n",
    )
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    config = load_config(root)
    loaded = collect.load(config, None, 1, settings_fingerprint(config))
    site = archive.plan(loaded.articles, config)
    listed = inventory.outputs(site, config)
    written = {
        path.relative_to(root / "site").as_posix()
        for path in (root / "site").rglob("*")
        if path.is_file() and not path.name.startswith(".")
    }
    bundle = {path for path in written if path.startswith("pagefind/")}
    assert bundle, "the search bundle was written"
    assert {entry.path for entry in listed.files} == written - bundle
    assert all(inventory.covers(listed, "/" + path) for path in bundle)


# --- the preview server -------------------------------------------------------------------------


def raw_status(port: int, path: str, *headers: str) -> int:
    """The status of one request sent byte for byte as given, with exactly these headers."""
    lines = [f"GET {path} HTTP/1.1", *headers, "Connection: close", "", ""]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        raw.sendall("\r\n".join(lines).encode())
        return int(raw.recv(64).split(b" ")[1])


def test_the_server_answers_only_the_host_names_it_was_bound_to(
    make_site: Callable[..., Path],
) -> None:
    root = make_site({"articles/a.md": article()}, config=QUICK)
    with running_server(root, "--now", NOW) as server:
        port = server.port
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
            assert raw_status(port, "/", f"Host: {host}") == 200, host
        for host in (f"attacker.example:{port}", "attacker.example", f"127.0.0.1:{port}0"):
            assert raw_status(port, "/", f"Host: {host}") == 400, host
        rebound = (f"Host: attacker.example:{port}", f"Origin: http://attacker.example:{port}")
        assert raw_status(port, "/__newsgen__/events", *rebound) == 400
        assert raw_status(port, "/") == 400  # no Host at all
        assert raw_status(port, "/", f"Host: 127.0.0.1:{port}", "Host: attacker.example") == 400


def test_the_server_answers_long_paths_and_survives_clients_that_leave(
    make_site: Callable[..., Path],
) -> None:
    root = make_site(
        {"articles/a.md": article(), "static/big.bin": b"\x00" * 32_000_000}, config=QUICK
    )
    with running_server(root, "--now", NOW) as server:
        assert server.request("/" + "a" * 300 + "/")[0] == 404
        assert server.request("/" + "%C3%A9" * 200 + ".html")[0] == 404
        assert server.request("/" + "/".join(["b" * 200] * 30) + "/")[0] == 404
        for _ in range(3):
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
                raw.sendall(b"GET /static/big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                raw.recv(1024)
                # Close with a reset while the server is still sending.
                raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        time.sleep(1.0)
        assert server.request("/")[0] == 200
        assert "Traceback" not in "".join(server.output)


# --- many tags on one article -------------------------------------------------------------------


def test_an_article_with_2000_tags_is_refused_and_100_build(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    tags = [f"tag{n}" for n in range(2000)]
    root = make_site({"articles/a.md": article(tags=json.dumps(tags))}, config=QUICK)
    checked, built = check_and_build(run_cli, root)
    assert_refused(checked, built, root, "articles/a.md:4:1: 'tags' has 2000 entries")
    authors = [f"Author {n}" for n in range(100)]
    root.joinpath("articles/a.md").write_text(
        article(tags=json.dumps(tags[:100]), authors=json.dumps(authors)), encoding="utf-8"
    )
    result = run_cli("build", "-s", str(root), "--now", NOW)
    assert result.code == 0, result.err
    feed = ET.parse(root / "site/tags/tag99/feed.xml").getroot()
    assert [c.text for c in feed.iter("category")] == tags[:100]
    atom = ET.parse(root / "site/atom.xml").getroot()
    entry = atom.find("{http://www.w3.org/2005/Atom}entry")
    assert entry is not None
    names = [e.text for e in entry.iter("{http://www.w3.org/2005/Atom}name")]
    assert names == authors


# --- the teaser marker --------------------------------------------------------------------------


def test_the_more_marker_is_found_in_the_markdown_not_the_raw_text(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    in_code = "Lead paragraph.\n\n```html\n<!--more-->\n```\n\nAfter the code.\n"
    first_line = "<!--more-->\n\nThe first paragraph tells the story.\n\nMore text.\n"
    root = make_site(
        {
            "articles/code.md": article(title="Code", body=in_code),
            "articles/first.md": article(title="First", date="2026-11-21", body=first_line),
        },
        config=QUICK + "feeds:\n  content: summary\n",
    )
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    page = (root / "site/2026/11/20/code/index.html").read_text(encoding="utf-8")
    assert "&lt;!--more--&gt;" in page  # shown as code, as written
    feed = json.loads((root / "site/feed.json").read_text(encoding="utf-8"))
    summaries = {item["title"]: item["summary"] for item in feed["items"]}
    assert summaries["Code"] == "Lead paragraph."
    assert summaries["First"] == "The first paragraph tells the story."
    first = (root / "site/2026/11/21/first/index.html").read_text(encoding="utf-8")
    assert 'content="The first paragraph tells the story."' in first


# --- smaller defects ----------------------------------------------------------------------------


def test_check_knows_the_sitemap_parts_and_the_search_bundle(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    body = "See [part one](/sitemap-1.xml) and [search](/pagefind/tiers.json)."
    files = {
        f"articles/a{n}.md": article(title=f"A{n}", date=f"2026-11-{n + 1:02d}") for n in range(3)
    }
    files["articles/links.md"] = article(title="Links", body=body)
    root = make_site(files, config=BASIC_CONFIG + "sitemap:\n  max_urls: 5\n")
    checked = run_cli("check", "-s", str(root), "--now", NOW)
    assert checked.code == 0, checked.err
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    assert (root / "site/sitemap-1.xml").is_file()
    assert (root / "site/pagefind/tiers.json").is_file()
    broken = body.replace("sitemap-1", "sitemap-9")
    (root / "articles/links.md").write_text(article(title="Links", body=broken), encoding="utf-8")
    assert "/sitemap-9.xml, which is not a page" in run_cli("check", "-s", str(root)).err


def test_the_language_is_escaped_in_the_news_sitemap(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site(
        {"articles/a.md": article(date="2026-11-24 09:00")},
        config=QUICK + "language: 'x<y&z'\nlocale: en_US\n",
    )
    assert run_cli("build", "-s", str(root), "--now", NOW).code == 0
    tree = ET.parse(root / "site/news-sitemap.xml")
    names = [e.text for e in tree.iter("{http://www.google.com/schemas/sitemap-news/0.9}language")]
    assert names == ["x<y&z"]


def test_offsets_with_seconds_are_refused(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site(
        {
            "articles/a.md": article(date="'2026-11-20T10:00:00+05:30:15'"),
            # Local mean time in 1850 is +00:53:28 in Berlin: no whole-minute offset.
            "articles/b.md": article(title="B", date="1850-06-01 12:00"),
        },
        config=QUICK,
    )
    checked, built = check_and_build(run_cli, root)
    assert_refused(
        checked, built, root, "articles/a.md:3:1: ", "articles/b.md:3:1: ", "whole minutes"
    )


@pytest.mark.parametrize("alias", ["/old?page=2", "/old/#top", "/a/b?"])
def test_aliases_with_a_query_or_fragment_are_refused(
    alias: str, make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site({"articles/a.md": article(aliases=f"['{alias}']")}, config=QUICK)
    checked, built = check_and_build(run_cli, root)
    assert_refused(checked, built, root, "articles/a.md:4:1: ", "has a query string or fragment")


def test_turkish_dotted_and_dotless_i_are_one_term(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    root = make_site(
        {
            "articles/a.md": article(title="A", tags="[İstanbul]"),
            "articles/b.md": article(title="B", date="2026-11-21", tags="[istanbul]"),
            "articles/c.md": article(
                title="C", date="2026-11-22", tags="[ISTANBUL, \u0131Stanbul]"
            ),
            "articles/d.md": article(title="D", date="2026-11-23", tags="[\u0131, i]"),
        },
        config=QUICK,
    )
    checked, built = check_and_build(run_cli, root)
    assert checked.code == 0, checked.err
    assert built.code == 0, built.err
    tags = sorted(p.name for p in (root / "site/tags").iterdir() if p.is_dir())
    assert tags == ["i", "istanbul"]
    listing = (root / "site/tags/istanbul/index.html").read_text(encoding="utf-8")
    assert all(f">{title}</a>" in listing for title in "ABC")


def test_a_missing_include_names_the_template_and_the_missing_name(
    make_site: Callable[..., Path], run_cli: Callable[..., Run]
) -> None:
    footer = "<p>ours</p>\n{% include 'nowhere.html' %}\n"
    root = make_site({"articles/a.md": article(), "templates/footer.html": footer}, config=QUICK)
    checked, built = check_and_build(run_cli, root)
    assert_refused(checked, built, root, "templates/footer.html:2:1: ", "'nowhere.html'")
    assert "cannot write" not in built.err


# --- structure ------------------------------------------------------------------------------------


def test_planning_imports_neither_the_templates_nor_the_build_command() -> None:
    code = (
        "import sys, newsgen.build.pipeline, newsgen.plan.archive, newsgen.build.inventory\n"
        "print(sorted(m for m in sys.modules if m in "
        "('newsgen.build.run', 'newsgen.outputs.templates', 'jinja2')))\n"
    )
    plain = subprocess.run(
        [sys.executable, "-c", code.replace("newsgen.build.pipeline, ", "")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert plain.stdout.strip() == "[]"
    with_pipeline = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "newsgen.build.run" not in with_pipeline.stdout
