"""A static web host on 127.0.0.1 for built sites, optionally under a path prefix such as /news.

Like a real host: /news/x/ answers with x/index.html, anything outside the prefix or missing is a
404 (with the site's 404.html), and every request is recorded so tests can see what was asked.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


@dataclass
class Host:
    url: str  # the site's address: http://127.0.0.1:PORT/news
    requests: list[tuple[str, int]] = field(default_factory=list)  # (path, status)

    def failures(self) -> list[tuple[str, int]]:
        return [(path, status) for path, status in self.requests if status >= 400]


class _Handler(SimpleHTTPRequestHandler):
    prefix = ""
    host: Host

    def translate_path(self, path: str) -> str:
        site_path = urlsplit(path).path
        if not site_path.startswith(self.prefix + "/"):
            return str(Path(self.directory) / ".outside-the-prefix")
        return super().translate_path(site_path[len(self.prefix) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.host.requests.append((self.path, int(code) if str(code).isdigit() else 0))

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def static_host(folder: Path, prefix: str = "") -> Iterator[Host]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    host = Host(f"http://127.0.0.1:{server.server_address[1]}{prefix}")
    handler = type("Handler", (_Handler,), {"prefix": prefix, "host": host})
    server.RequestHandlerClass = functools.partial(handler, directory=str(folder))  # type: ignore[assignment]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield host
    finally:
        server.shutdown()
        server.server_close()
