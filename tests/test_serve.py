"""`newsgen serve` over real sockets on 127.0.0.1: a static host with live reload."""

from __future__ import annotations

import gc
import socket
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newsgen.serve.server import PreviewServer, SiteState, settle

from conftest import article
from servers import Server, running_server

ARTICLE_URL = "/2026/11/20/harbor-news/"


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    return make_site(
        {
            "articles/a.md": article(title="Harbor news", body="Version 0 of the story."),
            "articles/b.md": article(title="Older news", date="2026-01-02", tags="[Harbor]"),
            "static/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>',
            "static/.well-known/security.txt": "Contact: mailto:security@example.org\n",
        }
    )


@pytest.fixture
def server(site: Path) -> Iterator[Server]:
    with running_server(site, "--now", "2026-11-24T12:00:00+00:00") as running:
        yield running
    assert running.process.returncode == 0
    text = "".join(running.output)
    assert "Traceback" not in text
    assert "Stopped." in text


@pytest.mark.parametrize(("path", "content_type"), [
    ("/", "text/html; charset=utf-8"),
    (ARTICLE_URL, "text/html; charset=utf-8"),
    ("/feed.xml", "application/rss+xml; charset=utf-8"),
    ("/atom.xml", "application/atom+xml; charset=utf-8"),
    ("/feed.json", "application/feed+json; charset=utf-8"),
    ("/tags/harbor/feed.xml", "application/rss+xml; charset=utf-8"),
    ("/sitemap.xml", "application/xml; charset=utf-8"),
    ("/robots.txt", "text/plain; charset=utf-8"),
    ("/static/newsgen.css", "text/css; charset=utf-8"),
    ("/static/logo.svg", "image/svg+xml"),
    ("/pagefind/tiers.json", "application/json; charset=utf-8"),
    ("/.well-known/security.txt", "text/plain; charset=utf-8"),
])  # fmt: skip
def test_content_types(server: Server, path: str, content_type: str) -> None:
    status, headers, body = server.request(path)
    assert status == 200
    assert headers["content-type"] == content_type
    assert int(headers["content-length"]) == len(body) > 0
    assert "access-control-allow-origin" not in headers


def test_folders_redirect_to_their_slash_form(server: Server) -> None:
    status, headers, _ = server.request("/2026/11?x=1")
    assert status == 301
    assert headers["location"] == "/2026/11/?x=1"


def test_unknown_pages_get_the_sites_404_page(server: Server) -> None:
    status, headers, body = server.request("/no/such/page/")
    assert status == 404
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert b"Page not found" in body


@pytest.mark.parametrize("path", [
    "/feed.xml/", "/static/newsgen.css/", "/robots.txt/", ARTICLE_URL + "index.html/",
])  # fmt: skip
def test_18_10_a_file_asked_for_as_a_folder_is_not_found(server: Server, path: str) -> None:
    status, headers, body = server.request(path)
    assert status == 404
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert b"Page not found" in body


def test_no_directory_listings(server: Server) -> None:
    status, _, body = server.request("/static/")
    assert status == 404
    assert b"logo.svg" not in body


def test_head_sends_headers_only(server: Server) -> None:
    _, get_headers, get_body = server.request(ARTICLE_URL)
    status, headers, body = server.request(ARTICLE_URL, method="HEAD")
    assert status == 200
    assert body == b""
    assert headers["content-length"] == get_headers["content-length"] == str(len(get_body))


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_other_methods_are_not_allowed(server: Server, method: str) -> None:
    status, headers, _ = server.request("/", method=method)
    assert status == 405
    assert headers["allow"] == "GET, HEAD"


@pytest.mark.parametrize("path", [
    "/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/..%2f..%2f..%2fetc%2fpasswd",
    "/static/..%5c..%5c..%5cetc%5cpasswd",
    "/static/..\\..\\..\\etc\\passwd",
    "/%00",
    "/.newsgen-manifest.json",
    "/" + "a/" * 2000,
])  # fmt: skip
def test_nothing_outside_the_build_folder_is_served(server: Server, path: str) -> None:
    status, _, body = server.request(path)
    assert status in (400, 404)
    assert b"root:" not in body
    assert server.request("/")[0] == 200, "the server stopped serving"


def test_reload_script_is_added_when_served_and_never_written(server: Server, site: Path) -> None:
    _, _, body = server.request(ARTICLE_URL)
    assert b'new EventSource("/__newsgen__/events")' in body
    assert body.rstrip().endswith(b"</html>")
    assert not (site / "site").exists(), "serve must not touch site/"
    _, _, feed = server.request("/feed.xml")
    assert b"EventSource" not in feed


def test_live_reload_channel_refuses_other_origins(server: Server) -> None:
    status, _, _ = server.request("/__newsgen__/events", headers={"Origin": "http://evil.example"})
    assert status == 403


def test_a_change_is_rebuilt_and_announced(server: Server, site: Path) -> None:
    first = server.wait_for_state(lambda state: True)
    (site / "articles/a.md").write_text(
        article(title="Harbor news", body="Version 1 now."), encoding="utf-8"
    )
    server.wait_for_state(lambda state: state["generation"] != first["generation"])
    assert b"Version 1 now." in server.request(ARTICLE_URL)[2]


def test_a_broken_change_keeps_the_last_good_site_until_fixed(server: Server, site: Path) -> None:
    first = server.wait_for_state(lambda state: True)
    (site / "articles/a.md").write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    state = server.wait_for_state(lambda state: bool(state["problems"]))
    assert state["problems"].startswith("articles/a.md:3:1: invalid YAML")
    assert state["generation"] == first["generation"]
    assert b"Version 0 of the story." in server.request(ARTICLE_URL)[2]
    (site / "articles/a.md").write_text(
        article(title="Harbor news", body="Fixed."), encoding="utf-8"
    )
    state = server.wait_for_state(
        lambda state: not state["problems"] and state["generation"] != first["generation"]
    )
    assert b"Fixed." in server.request(ARTICLE_URL)[2]


def test_concurrent_requests_during_rebuilds_always_get_whole_pages(
    server: Server, site: Path
) -> None:
    stop = threading.Event()
    failures: list[str] = []
    seen: set[bytes] = set()
    counted = [0]

    def reader() -> None:
        while not stop.is_set():
            for path in (ARTICLE_URL, "/"):
                status, headers, body = server.request(path)
                counted[0] += 1
                if (
                    status != 200
                    or int(headers["content-length"]) != len(body)
                    or not body.rstrip().endswith(b"</html>")
                ):
                    failures.append(f"{path}: {status}, {len(body)} bytes")
                if path == ARTICLE_URL:
                    version = body.split(b"Version ")[1][:1] if b"Version " in body else b"?"
                    seen.add(version)

    readers = [threading.Thread(target=reader) for _ in range(8)]
    for thread in readers:
        thread.start()
    try:
        generation = server.wait_for_state(lambda state: True)["generation"]
        for version in range(1, 6):
            (site / "articles/a.md").write_text(
                article(title="Harbor news", body=f"Version {version} of the story."),
                encoding="utf-8",
            )
            generation = server.wait_for_state(
                lambda state, g=generation: state["generation"] != g
            )["generation"]
    finally:
        stop.set()
        for thread in readers:
            thread.join(timeout=30)
    assert failures == []
    assert counted[0] > 100
    assert seen <= {b"0", b"1", b"2", b"3", b"4", b"5"}
    assert len(seen) >= 2


def test_a_port_in_use_is_a_clear_error(site: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "newsgen", "serve", "-s", str(site), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 1
    assert f"error: port {port} is in use; choose another with --port N" in result.stderr
    assert "Traceback" not in result.stderr


def test_symlinks_out_of_the_build_folder_are_not_followed(tmp_path: Path) -> None:
    folder = tmp_path / "build"
    folder.mkdir()
    (folder / "index.html").write_text("<html><body>in</body></html>", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("outside", encoding="utf-8")
    (folder / "leak.txt").symlink_to(secret)
    (folder / "up").symlink_to(tmp_path)
    state = SiteState(folder)
    preview = PreviewServer(("127.0.0.1", 0), state)
    thread = threading.Thread(target=preview.serve_forever, daemon=True)
    thread.start()
    try:
        running = Server(process=None, port=preview.server_address[1])  # type: ignore[arg-type]
        assert running.request("/")[0] == 200
        for path in ("/leak.txt", "/up/secret.txt"):
            status, _, body = running.request(path)
            assert status == 404
            assert b"outside" not in body
    finally:
        state.stop()
        preview.shutdown()
        preview.server_close()


def test_binding_elsewhere_than_loopback_warns(site: Path) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "newsgen",
            "serve",
            "-s",
            str(site),
            "--host",
            "0.0.0.0",
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
    finally:
        process.terminate()
        process.wait(timeout=15)
    assert any(
        "warning: serving on 0.0.0.0, reachable from other machines" in line for line in lines
    )


def test_a_sub_path_site_is_previewed_under_its_prefix(make_site: Callable[..., Path]) -> None:
    config = "title: T\nbase_url: https://example.org/news\ntimezone: UTC\n"
    root = make_site({"articles/a.md": article(title="Harbor news")}, config)
    with running_server(root, "--now", "2026-11-24T12:00:00+00:00") as server:
        assert f"http://127.0.0.1:{server.port}/news/" in "".join(server.output)
        status, headers, _ = server.request("/")
        assert (status, headers["location"]) == (302, "/news/")
        status, _, body = server.request("/news/")
        assert status == 200 and b'href="/news/2026/11/20/harbor-news/"' in body
        assert server.request("/news" + ARTICLE_URL)[0] == 200
        assert server.request("/news/static/newsgen.css")[0] == 200
        status, headers, _ = server.request("/news")
        assert (status, headers["location"]) == (301, "/news/")
        assert server.request(ARTICLE_URL)[0] == 404  # outside the prefix, as on the real host


def test_settling_between_builds_sets_survivors_aside_and_keeps_no_garbage() -> None:
    """What a serving process keeps is frozen out of the next build's collections, and
    garbage made before an earlier settling (frozen with the rest) is still collected."""

    class Node:
        def __init__(self) -> None:
            self.other: Node | None = None

    def cycle() -> weakref.ref[Node]:
        one, two = Node(), Node()
        one.other, two.other = two, one  # only the cyclic collector frees these
        return weakref.ref(one)

    kept = [Node() for _ in range(100)]
    try:
        early = cycle()
        gc.freeze()  # as a first settling would leave it: the cycle alive, set aside
        assert gc.get_freeze_count() > 0
        late = cycle()
        settle()
        assert early() is None, "garbage frozen by an earlier settling was never collected"
        assert late() is None
        assert gc.get_freeze_count() >= len(kept), "the survivors were not set aside"
    finally:
        gc.unfreeze()
