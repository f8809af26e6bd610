"""A site served by `acadpage serve` in a child process on 127.0.0.1, for the browser tests and
`make audit`: the real Chalice app over an embedded AWS, sharing nothing with the caller."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START_S = 60


class SiteDidNotStart(RuntimeError):
    """The child server exited or stayed silent; the message holds its log."""


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served_site(
    content: Path, log: Path, port: int | None = None, watch: bool = False
) -> Iterator[str]:
    """The base URL of `content` served locally (a free port unless given) until the block ends;
    as deployed (no reload script) unless `watch`."""
    port = port or free_port()
    command = [
        sys.executable, "-c", "import sys; from chalicelib.cli import main; sys.exit(main())",
        "serve", f"--content={content}", "--host=127.0.0.1", f"--port={port}",
        *(() if watch else ("--no-watch",)),
    ]  # fmt: skip
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(url + "/", process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_serving(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SiteDidNotStart(
                f"acadpage serve exited with {process.returncode}:\n{log.read_text()}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SiteDidNotStart(
        f"acadpage serve did not answer {url} within {START_S}s:\n{log.read_text()}"
    )
