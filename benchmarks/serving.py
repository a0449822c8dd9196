"""Time `newsgen serve` and `hugo server` as a writer feels them, over real sockets on 127.0.0.1.

- start-up: from starting the command on an already built archive (newsgen: warm build cache;
  Hugo: its build cache and public/ left by a build) until the server answers HTTP for the
  front page;
- a saved edit visible: from writing an article's file until the article's page, fetched over
  HTTP, holds the new text. newsgen announces each new build on its live-reload channel
  (server-sent events): the page is fetched when the event arrives, as an open tab does. Hugo's
  live reload is a WebSocket; instead the page is polled every POLL_SECONDS until it shows the
  text (at most POLL_SECONDS late). Before the edit, the page is fetched once: the writer has it
  open, and Hugo's fast render mode re-renders the pages a browser has visited.

Each server runs with its defaults (Hugo: `hugo server`, rendering to disk, fast render mode),
bound to 127.0.0.1 on a free port, and is stopped with Ctrl-C (SIGINT) at the end. Every wait
is bounded by TIMEOUT_SECONDS.
"""

from __future__ import annotations

import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from measure import Measured, TreeSampler

EVENTS_PATH = "/__newsgen__/events"
TIMEOUT_SECONDS = 3600.0  # a 100,000-article site builds for many minutes before it serves
POLL_SECONDS = 0.01
LOG = ".bench-serve.log"


class ServeFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class Server:
    """How to run one tool's preview server and see a saved edit in it."""

    name: str
    command: Callable[[int], list[str]]  # the command line, given a free port
    ready: str  # a line the server prints once its watches are in place and it serves
    announced: bool  # edits are announced on newsgen's live-reload channel (else: poll)
    port_pattern: str = ""  # where the log gives the port it took, if it may take another


NEWSGEN = Server(
    "newsgen serve",
    lambda port: [sys.executable, "-m", "newsgen", "serve", "--port", str(port)],
    "Serving the site at",
    announced=True,
)


def hugo(binary: str, cache: Path) -> Server:
    """`hugo server` as a writer starts it (defaults: pages rendered to disk, fast render)."""
    return Server(
        "hugo server",
        lambda port: [
            binary,
            "server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--cacheDir",
            str(cache),
        ],
        # Hugo prints its "Watching for changes" lines before it builds, this one after.
        "Web Server is available at",
        announced=False,
        port_pattern=r"Web Server is available at http://[^/\s]*:(\d+)/",
    )


@dataclass(frozen=True)
class Edit:
    """A saved edit: `text` written to `article`, seen when `url` shows `marker`."""

    article: Path
    text: str
    url: str
    marker: str


@dataclass(frozen=True)
class Started:
    port: int
    measured: Measured  # seconds until the front page answered, peak memory until then


@contextmanager
def running(site: Path, server: Server) -> Iterator[Started]:
    """Run `server` for `site` until the block ends; yield its port, how long it took to
    answer HTTP for the front page, and the peak memory of its process tree until then."""
    port = _free_port()
    log = site / LOG
    with log.open("wb") as output:
        start = time.perf_counter()
        process = subprocess.Popen(
            server.command(port), cwd=site, stdout=output, stderr=subprocess.STDOUT
        )
        sampler = TreeSampler(process.pid)
        sampler.start()
        try:
            try:
                port = _wait_for_http(port, process, log, server)
                seconds = time.perf_counter() - start
            finally:
                peak = sampler.finish()
            yield Started(port, Measured(seconds, peak))
        finally:
            process.send_signal(signal.SIGINT)  # Ctrl-C, as a writer stops it
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def start_up(site: Path, server: Server) -> Measured:
    with running(site, server) as started:
        return started.measured


def wait_until_watching(site: Path, server: Server) -> None:
    """Block until the server's watches are in place: a file saved before then is never seen."""
    log = site / LOG
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while server.ready not in log.read_text(encoding="utf-8", errors="replace"):
        if time.monotonic() > deadline:
            raise ServeFailed(f"{server.name} never said it was serving")
        time.sleep(0.02)


def edit_visible(server: Server, port: int, edit: Edit) -> float:
    """Save `edit`; seconds until the server shows it."""
    return _announced(port, edit) if server.announced else _polled(server, port, edit)


def _announced(port: int, edit: Edit) -> float:
    """newsgen: wait for the live-reload event of the next build, then fetch the page."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_SECONDS) as events:
        events.sendall(
            f"GET {EVENTS_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode("ascii")
        )
        stream = events.makefile("rb")
        _skip_headers(stream)
        generation, _ = _next_state(stream)
        start = time.perf_counter()
        edit.article.write_text(edit.text, encoding="utf-8")
        while True:
            current, problems = _next_state(stream)
            if problems:
                raise ServeFailed(f"the edit did not build:\n{problems}")
            if current > generation:
                break
        page = _get(port, edit.url)
        elapsed = time.perf_counter() - start
    if edit.marker not in page:
        raise ServeFailed(f"{edit.url} does not show the edit after the reload event")
    return elapsed


def _polled(server: Server, port: int, edit: Edit) -> float:
    """Hugo: fetch the page every POLL_SECONDS until it shows the edit's marker."""
    if edit.marker in _get(port, edit.url):  # the open tab; it must not show the edit yet
        raise ServeFailed(f"{edit.url} shows {edit.marker!r} before the edit")
    start = time.perf_counter()
    edit.article.write_text(edit.text, encoding="utf-8")
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            if edit.marker in _get(port, edit.url):
                return time.perf_counter() - start
        except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError):
            # A page missing, a refused connection or one cut mid-page (hugo server's, as it
            # rebuilds): ask again.
            pass
        time.sleep(POLL_SECONDS)
    raise ServeFailed(
        f"{server.name} did not show the edit at {edit.url} in {TIMEOUT_SECONDS:.0f} s"
    )


def _skip_headers(stream: BinaryIO) -> None:
    while _readline(stream).strip():
        pass


def _next_state(stream: BinaryIO) -> tuple[int, str]:
    """The next `state` event of the stream: (generation, problems); keep-alives skipped."""
    event = ""
    while True:
        line = _readline(stream).decode("utf-8").rstrip("\n")
        if line.startswith("event:"):
            event = line.partition(":")[2].strip()
        elif line.startswith("data:") and event == "state":
            state = json.loads(line.partition(":")[2])
            return int(state["generation"]), str(state["problems"])


def _readline(stream: BinaryIO) -> bytes:
    line = stream.readline()
    if not line:
        raise ServeFailed("the live-reload channel closed")
    return line


def _get(port: int, path: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as response:
        return str(response.read().decode("utf-8"))


def _wait_for_http(port: int, process: subprocess.Popen[bytes], log: Path, server: Server) -> int:
    """The port the server answers on, once it answers HTTP 200 for the front page."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise ServeFailed(f"{server.name} exited {process.returncode}:\n{tail}")
        if server.port_pattern:  # Hugo takes another port if the one it is given is taken
            found = re.search(server.port_pattern, log.read_text("utf-8", errors="replace"))
            if not found:
                time.sleep(0.01)
                continue
            port = int(found.group(1))
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                if response.status == 200:
                    return port
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.01)
    raise ServeFailed(f"{server.name} did not answer within {TIMEOUT_SECONDS:.0f} s")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
