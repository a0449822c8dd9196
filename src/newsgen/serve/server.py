"""`newsgen serve`: build into the preview folder (preview.py), serve it like a static host,
rebuild when a source changes, and reload every open page through server-sent events.

The live-reload script is added to HTML responses as they are served, never written to disk.
A rebuild that fails keeps the last good site and shows its problems over the page.
"""

from __future__ import annotations

import dataclasses
import errno
import gc
import ipaddress
import json
import mimetypes
import re
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from newsgen.build.resident import Resident
from newsgen.build.run import BuildOptions, build
from newsgen.content import urls
from newsgen.content.config import load_config
from newsgen.content.urls import WELL_KNOWN
from newsgen.errors import BuildFailed, NewsgenError
from newsgen.serve import preview
from newsgen.serve.watch import watch_sources

EVENTS_PATH = "/__newsgen__/events"
KEEP_ALIVE_SECONDS = 15
LOOPBACK = ("127.0.0.1", "localhost", "::1")
WILDCARDS = ("", "0.0.0.0", "::")
# A path this long, or with a name this long, cannot be a file of the site.
MAX_PATH_BYTES = 4096
MAX_NAME_BYTES = 255
_HOST_HEADER = re.compile(
    r"(?:\[(?P<bracketed>[0-9a-f:.]+)\]|(?P<name>[^:\[\]]+))(?::(?P<port>\d{1,5}))?"
)
# Feeds get their own types so that browsers and readers treat them as feeds.
CONTENT_TYPES = {
    "feed.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
    "feed.json": "application/feed+json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".wasm": "application/wasm",
}
# Encoded slashes, backslashes and NUL have no business in a URL path of a static site.
_SUSPICIOUS = re.compile(r"%2f|%5c|%00|\\", re.IGNORECASE)
_RELOAD_SCRIPT = """<script>
(() => {{
  const loaded = {generation};
  function show(problems) {{
    let box = document.getElementById("newsgen-problems");
    if (!problems) {{ if (box) box.remove(); return; }}
    if (!box) {{
      box = document.createElement("pre");
      box.id = "newsgen-problems";
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;" +
        "margin:0;padding:1rem;background:#2b0b0b;color:#ffd7d7;font:14px/1.5 monospace;" +
        "white-space:pre-wrap;z-index:2147483647;border-top:4px solid #e04848";
      document.body.append(box);
    }}
    box.textContent = "newsgen: the last change did not build\\n\\n" + problems;
    console.error(problems);
  }}
  const events = new EventSource("{events}");
  events.addEventListener("state", (event) => {{
    const state = JSON.parse(event.data);
    if (state.generation !== loaded && !state.problems) {{ location.reload(); return; }}
    show(state.problems);
  }});
}})();
</script>
"""


@dataclass(frozen=True, slots=True)
class ServeOptions:
    build: BuildOptions
    host: str = "127.0.0.1"
    port: int = 8000


class SiteState:
    """What the server shows: the build folder, which good build it holds, the last problems."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.generation = 0  # counts successful builds; pages reload when it moves on
        self.problems = ""  # of the latest build, if it failed
        self.stopping = False
        self._changed = threading.Condition()

    def built(self) -> None:
        with self._changed:
            self.generation += 1
            self.problems = ""
            self._changed.notify_all()

    def failed(self, problems: str) -> None:
        with self._changed:
            self.problems = problems
            self._changed.notify_all()

    def stop(self) -> None:
        with self._changed:
            self.stopping = True
            self._changed.notify_all()

    def snapshot(self) -> tuple[int, str]:
        with self._changed:
            return self.generation, self.problems

    def wait_for_change(self, seen: tuple[int, str] | None, timeout: float) -> tuple[int, str]:
        with self._changed:
            self._changed.wait_for(
                lambda: self.stopping or (self.generation, self.problems) != seen, timeout
            )
            return self.generation, self.problems


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 drops connections when many clients (or a browser
    # opening many pages) connect at once; they then wait seconds for a retry.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], state: SiteState, prefix: str = "") -> None:
        self.state = state
        self.bound_host = address[0]
        self.prefix = prefix  # '/news' when base_url has that path: pages are served under it
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, PreviewHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return  # a client that left mid-answer is no error of the server's
        super().handle_error(request, client_address)  # type: ignore[arg-type]

    def accepts_host(self, header: str) -> bool:
        """Whether a Host header names this server. A web page on another name that resolves
        here (DNS rebinding) must not read the preview or its reload channel."""
        found = _HOST_HEADER.fullmatch(header.strip().lower())
        if found is None:
            return False
        name = found.group("bracketed") or found.group("name")
        port = int(found.group("port")) if found.group("port") else 80
        if port != self.server_address[1]:
            return False
        bound = self.bound_host.lower()
        if name in LOOPBACK or name == bound:
            return True
        # Bound to every interface: addresses are fine (no DNS involved), so is this machine's
        # own name; any other name is refused.
        return bound in WILDCARDS and (_is_address(name) or name == socket.gethostname().lower())


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer

    def version_string(self) -> str:
        return "newsgen"

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _method_not_allowed(self) -> None:
        self._send(
            HTTPStatus.METHOD_NOT_ALLOWED,
            b"Method not allowed\n",
            "text/plain; charset=utf-8",
            extra={"Allow": "GET, HEAD"},
        )

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _method_not_allowed

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # The standard library answers an unknown method (BREW, PROPFIND...) with 501; for a
        # static host that is simply a method it does not allow.
        if code == HTTPStatus.NOT_IMPLEMENTED:
            code, message = HTTPStatus.METHOD_NOT_ALLOWED, "Method not allowed"
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args: object) -> None:
        pass  # a preview server that logs every request drowns the build messages

    def _respond(self, *, send_body: bool) -> None:
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1 or not self.server.accepts_host(hosts[0]):
            self._send(
                HTTPStatus.BAD_REQUEST,
                b"Bad request: this server answers only to the host name it was started on\n",
                "text/plain; charset=utf-8",
                send_body=send_body,
            )
            return
        parts = urlsplit(self.path)
        if parts.path == EVENTS_PATH:
            self._events()
            return
        if _SUSPICIOUS.search(parts.path) or not parts.path.startswith("/"):
            self._send(HTTPStatus.BAD_REQUEST, b"Bad request\n", "text/plain; charset=utf-8")
            return
        site_path = self._site_path(parts.path)
        if site_path is None and parts.path == "/":
            location = self.server.prefix + "/"
            self._send(
                HTTPStatus.FOUND,
                b"",
                "text/plain; charset=utf-8",
                send_body=send_body,
                extra={"Location": location},
            )
            return
        target = None if site_path is None else self._resolve(unquote(site_path))
        if target is None:
            self._not_found(send_body)
        elif target.is_dir():
            if parts.path.endswith("/") and (target / "index.html").is_file():
                self._file(target / "index.html", send_body)
            elif not parts.path.endswith("/"):
                location = quote(parts.path + "/") + (f"?{parts.query}" if parts.query else "")
                self._send(
                    HTTPStatus.MOVED_PERMANENTLY,
                    b"",
                    "text/plain; charset=utf-8",
                    send_body=send_body,
                    extra={"Location": location},
                )
            else:
                self._not_found(send_body)  # a folder without a page: no listings
        elif parts.path.endswith("/"):
            self._not_found(send_body)  # a file is not a folder: /feed.xml/ is no feed
        else:
            self._file(target, send_body)

    def _site_path(self, path: str) -> str | None:
        """The site path of a request under the prefix, as a static host would serve it."""
        prefix = self.server.prefix
        if not prefix:
            return path
        if path == prefix:
            return "/"
        return path[len(prefix) :] if path.startswith(prefix + "/") else None

    def _resolve(self, path: str) -> Path | None:
        """The file or folder for a URL path, never anything outside the build folder."""
        segments = [segment for segment in path.split("/") if segment]
        hidden = [segment for segment in segments if segment.startswith(".")]
        # Hidden names are newsgen's own records, except /.well-known/ (published from static/).
        if hidden and (hidden != [WELL_KNOWN] or segments[0] != WELL_KNOWN):
            return None
        if len(path.encode()) > MAX_PATH_BYTES or any(
            len(segment.encode()) > MAX_NAME_BYTES for segment in segments
        ):
            return None  # the file system would refuse to look: no such file
        root = self.server.state.folder.resolve()
        try:
            target = root.joinpath(*segments).resolve()
            if not target.is_relative_to(root) or not target.exists():
                return None
        except (OSError, ValueError):
            return None
        return target

    def _file(self, path: Path, send_body: bool, status: HTTPStatus = HTTPStatus.OK) -> None:
        try:
            # Files are replaced by rename, so this reads a whole old or a whole new page.
            body = path.read_bytes()
        except OSError:
            self._send(
                HTTPStatus.NOT_FOUND,
                b"Not found\n",
                "text/plain; charset=utf-8",
                send_body=send_body,
            )
            return
        content_type = content_type_of(path.name)
        if content_type.startswith("text/html"):
            body = self._with_reload_script(body)
        self._send(status, body, content_type, send_body=send_body)

    def _not_found(self, send_body: bool) -> None:
        page = self.server.state.folder / "404.html"
        if page.is_file():
            self._file(page, send_body, HTTPStatus.NOT_FOUND)
        else:  # no good build yet: still show the problems overlay
            body = self._with_reload_script(b"<!DOCTYPE html><title>Not found</title><body>\n")
            self._send(HTTPStatus.NOT_FOUND, body, "text/html; charset=utf-8", send_body=send_body)

    def _with_reload_script(self, html: bytes) -> bytes:
        script = _RELOAD_SCRIPT.format(
            generation=self.server.state.generation, events=EVENTS_PATH
        ).encode()
        end = html.lower().rfind(b"</body>")
        return html + script if end == -1 else html[:end] + script + html[end:]

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        content_type: str,
        *,
        send_body: bool = True,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _events(self) -> None:
        """Server-sent events: the site's state now, then on every change (same origin only)."""
        origin = self.headers.get("Origin")
        if origin is not None and origin != f"http://{self.headers.get('Host', '')}":
            self._send(HTTPStatus.FORBIDDEN, b"Forbidden\n", "text/plain; charset=utf-8")
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        state = self.server.state
        seen: tuple[int, str] | None = None
        try:
            while not state.stopping:
                current = state.wait_for_change(seen, KEEP_ALIVE_SECONDS)
                if current == seen:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    data = json.dumps({"generation": current[0], "problems": current[1]})
                    self.wfile.write(f"event: state\ndata: {data}\n\n".encode())
                    seen = current
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def content_type_of(name: str) -> str:
    if name in CONTENT_TYPES:
        return CONTENT_TYPES[name]
    suffix = Path(name).suffix.lower()
    guessed = CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0]
    return guessed or "application/octet-stream"


def serve(options: ServeOptions, say: Callable[[str], None]) -> None:
    """Build, serve and rebuild until interrupted; `say` reports progress to the user."""
    state = SiteState(preview.preview_folder(options.build.root))
    site_options = BuildOptions(
        root=options.build.root,
        drafts=options.build.drafts,
        future=options.build.future,
        now=options.build.now,
        output=state.folder,
        wait=True,  # a `newsgen build` of the same site holds the shared cache: wait
        # Articles, plan, templates and teasers stay in memory between rebuilds.
        resident=Resident(),
    )
    preview.seed(options.build.root, site_options)
    _rebuild(site_options, state, say)
    server = _start_server(options, state, _prefix(options.build.root))
    host, port = server.server_address[:2]
    if options.host not in LOOPBACK:
        say(f"warning: serving on {options.host}, reachable from other machines")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stop = threading.Event()

    def announce() -> None:
        address = f"http://{_url_host(str(host))}:{port}{server.prefix}/"
        say(f"Serving the site at {address} (Ctrl-C to stop)")
        warm_up(site_options, state, say)

    try:
        for changed in watch_sources(options.build.root, stop, on_ready=announce):
            say(f"{len(changed)} source file(s) changed; rebuilding")
            _rebuild(site_options, state, say)
    finally:
        stop.set()
        state.stop()
        if site_options.resident is not None:
            site_options.resident.close()
        server.shutdown()
        server.server_close()


def _rebuild(options: BuildOptions, state: SiteState, say: Callable[[str], None]) -> None:
    try:
        _build_and_announce(options, state, say)
    finally:
        settle()  # once the pages reload: the writer does not wait for it


def _build_and_announce(
    options: BuildOptions, state: SiteState, say: Callable[[str], None]
) -> None:
    started = time.perf_counter()
    try:
        report = build(options)
    except BuildFailed as exc:
        text = "\n".join(str(problem) for problem in exc.problems)
        state.failed(text)
        say(f"{text}\nThe site still shows the last good build.")
        return
    except NewsgenError as exc:
        state.failed(str(exc))
        say(f"error: {exc}")
        return
    state.built()
    say(
        f"Built {report.articles} articles in {time.perf_counter() - started:.2f} s "
        f"({report.write.written} files changed)"
    )


def warm_up(options: BuildOptions, state: SiteState, say: Callable[[str], None]) -> None:
    """After a start that found nothing to build, build once more without that shortcut, so
    that the articles, the plan and the teasers are in memory before the first saved edit,
    which then costs what it changes (at 10,000 articles, the first edit took 2.3 s, the next
    ones 0.9 s). It runs once the watches are in place: an edit saved meanwhile is built next.
    Pages reload only if it wrote something (the sources changed since the start)."""
    resident = options.resident
    if resident is None or resident.site_plan is not None:
        return
    started = time.perf_counter()
    try:
        report = build(dataclasses.replace(options, fast_path=False))
    except NewsgenError:
        return  # the next saved edit builds, and reports, as any other
    finally:
        settle()
    if report.write.written:
        state.built()
    seconds = time.perf_counter() - started
    say(f"Ready for edits: {report.articles} articles in memory ({seconds:.2f} s)")


def settle() -> None:
    """Collect the last build's garbage now, between builds, and set what survives aside
    (gc.freeze): the next build's collections then walk its own new objects, not the
    articles, plan and teasers kept in memory between builds, which at 10,000 articles cost a
    third of a second of collections per rebuild. Unfrozen first, so nothing frozen before
    that has since become garbage is kept."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _prefix(root: Path) -> str:
    """The path of base_url, under which the site's pages link to each other."""
    try:
        return urls.base_path(load_config(root).base_url)
    except BuildFailed:
        return ""  # the first build reported it; serve at the root until it is fixed


def _start_server(options: ServeOptions, state: SiteState, prefix: str = "") -> PreviewServer:
    try:
        return PreviewServer((options.host, options.port), state, prefix)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise NewsgenError(
                f"port {options.port} is in use; choose another with --port N, "
                "or --port 0 for any free port"
            ) from None
        raise NewsgenError(
            f"cannot serve on {options.host}:{options.port}: {exc.strerror}"
        ) from None


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
