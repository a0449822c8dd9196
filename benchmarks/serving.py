"""Time `newsgen serve` as a writer feels it, over real sockets on 127.0.0.1.

- start-up: from starting the command on an already built archive (warm build cache) until
  the server answers HTTP for the front page;
- a saved edit visible: from writing an article's file until the live-reload channel
  (server-sent events) announces the new build and the article's page, fetched then, holds
  the new text. That is what an open browser tab does, minus painting the page.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

EVENTS_PATH = "/__newsgen__/events"
READY_LINE = "Serving the site at"  # printed once the watches are in place
TIMEOUT_SECONDS = 900.0  # a 100,000-article site builds for minutes before it serves


class ServeFailed(RuntimeError):
    pass


@contextmanager
def running(site: Path) -> Iterator[tuple[int, float]]:
    """Run `newsgen serve` for `site`; yield its port and the seconds until it answered HTTP."""
    port = _free_port()
    log = site / ".bench-serve.log"
    with log.open("wb") as output:
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "newsgen", "serve", "--port", str(port)],
            cwd=site,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for_http(port, process, log)
            yield port, time.perf_counter() - start
        finally:
            process.send_signal(signal.SIGINT)  # Ctrl-C, as a writer stops it
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def start_up(site: Path) -> float:
    with running(site) as (_, seconds):
        return seconds


def wait_until_watching(site: Path) -> None:
    """Block until serve's watches are in place: a file saved before then is never seen."""
    log = site / ".bench-serve.log"
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while READY_LINE not in log.read_text(encoding="utf-8", errors="replace"):
        if time.monotonic() > deadline:
            raise ServeFailed("newsgen serve never said it was serving")
        time.sleep(0.02)


def edit_visible(port: int, article: Path, new_text: str, url: str, marker: str) -> float:
    """Write `new_text` to `article`; seconds until the server shows `marker` at `url`."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_SECONDS) as events:
        events.sendall(
            f"GET {EVENTS_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode("ascii")
        )
        stream = events.makefile("rb")
        _skip_headers(stream)
        generation, _ = _next_state(stream)
        start = time.perf_counter()
        article.write_text(new_text, encoding="utf-8")
        while True:
            current, problems = _next_state(stream)
            if problems:
                raise ServeFailed(f"the edit did not build:\n{problems}")
            if current > generation:
                break
        page = _get(port, url)
        elapsed = time.perf_counter() - start
    if marker not in page:
        raise ServeFailed(f"{url} does not show the edit after the reload event")
    return elapsed


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


def _wait_for_http(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise ServeFailed(f"newsgen serve exited {process.returncode}:\n{tail}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.01)
    raise ServeFailed(f"newsgen serve did not answer within {TIMEOUT_SECONDS:.0f} s")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
