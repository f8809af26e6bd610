"""`acadpage serve` answers what browsers, scripts and broken connections send: odd request
lines and headers, bursts, slow and closed connections; no thread ends in a traceback."""

from __future__ import annotations

import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest

from chalicelib.cli.guard import CONNECTION_TIMEOUT_S, body_length_problem, guarded_handler_class
from chalicelib.cli.live import LONG_POLL_S
from tests.test_live import folder, get, live_site  # noqa: F401  (fixtures)


def exchange(base: str, raw: bytes, timeout: float = 20) -> bytes:
    """The server's whole answer to `raw` bytes sent on one connection."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as connection:
        connection.sendall(raw)
        chunks = []
        while True:
            try:
                chunk = connection.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks) and b"Connection: close" not in chunks[0]:
                break
    return b"".join(chunks)


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0


@pytest.fixture
def tracebacks(monkeypatch):
    """What the server's threads print to stderr, where a traceback would go."""
    printed = []
    real = sys.stderr.write
    monkeypatch.setattr(sys.stderr, "write", lambda text: printed.append(text) or real(text))
    return printed


@pytest.mark.parametrize(
    ("request_line", "status"),
    [
        (b"GET / HTTP/9.9\r\n\r\n", 505),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414),
        (b"BREW / HTTP/1.1\r\n\r\n", 501),
        (b"\x00\xff\xfe garbage\r\n\r\n", 400),
    ],
    ids=["version", "70kB-line", "method", "binary"],
)
def test_a_bad_request_line_is_answered(live_site, tracebacks, request_line, status):  # noqa: F811
    answer = exchange(live_site, request_line)
    assert status_of(answer) == status or str(status).encode() in answer  # 0.9: no status line
    assert "Traceback" not in "".join(tracebacks)


@pytest.mark.parametrize("length", ["abc", "99999999999", "-1", "1e3", "²"])
def test_a_bad_content_length_is_refused_by_our_handler(live_site, tracebacks, length):  # noqa: F811
    raw = f"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n".encode()
    assert status_of(exchange(live_site, raw)) in (400, 413)
    assert "Traceback" not in "".join(tracebacks)


@pytest.mark.parametrize("since", ["--1", "²", "9" * 5_000, "", "-", "1.5", "0x1"])
def test_the_reload_poll_answers_any_since(live_site, since):  # noqa: F811
    status, _, body = get(f"{live_site}/__acadpage/live?since={quote(since)}")
    assert status == 200 and '"version"' in body


def test_a_folded_if_none_match_on_media_is_a_full_answer_not_a_500(live_site, tracebacks):  # noqa: F811
    raw = (
        b"GET /media/500x300.svg HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b'If-None-Match: "abc",\r\n "def"\r\n\r\n'
    )
    assert status_of(exchange(live_site, raw)) == 200


def test_a_burst_of_200_connections_is_answered(live_site):  # noqa: F811
    host, port = live_site.removeprefix("http://").split(":")
    opened = [socket.create_connection((host, int(port)), timeout=30) for _ in range(200)]
    try:
        for connection in opened:
            connection.sendall(
                b"GET /__acadpage/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            )
        answered = sum(connection.recv(12).startswith(b"HTTP/1.") for connection in opened)
    finally:
        for connection in opened:
            connection.close()
    assert answered == 200


def test_a_closed_tab_ends_its_poll_quietly(live_site, tracebacks, monkeypatch):  # noqa: F811
    import chalicelib.cli.live as live

    monkeypatch.setattr(live, "LONG_POLL_S", 0.3)
    host, port = live_site.removeprefix("http://").split(":")
    for _ in range(5):  # the page closed while its poll waits: the answer meets a closed socket
        connection = socket.create_connection((host, int(port)))
        connection.setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
        )
        connection.sendall(b"GET /__acadpage/live?since=0 HTTP/1.1\r\nHost: x\r\n\r\n")
        connection.close()
    time.sleep(1.5)
    assert "Traceback" not in "".join(tracebacks)
    assert get(live_site + "/__acadpage/live")[0] == 200


class _Answering(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _generic_handle(self) -> None:
        self._send_http_response(200, {}, "ok")

    do_GET = _generic_handle  # as chalice's handler binds it

    def _send_http_response(self, code, headers, body) -> None:
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, format, *args) -> None:
        pass


def test_a_slow_connection_is_closed_after_the_timeout(monkeypatch):
    handler = guarded_handler_class(_Answering)
    assert LONG_POLL_S < handler.timeout == CONNECTION_TIMEOUT_S <= 120
    monkeypatch.setattr(handler, "timeout", 0.5)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with socket.create_connection(server.server_address, timeout=10) as slow:
            slow.sendall(b"GET / HT")  # and nothing more, as a slowloris client does
            started = time.perf_counter()
            assert slow.recv(100) == b""  # closed by the server, not by our 10 s
            assert time.perf_counter() - started < 5
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, None), ("0", None), ("1048576", None), ("1048577", 413), ("abc", 400),
     (" 12 ", None), ("9" * 30, 400)],
)  # fmt: skip
def test_body_lengths(header, expected):
    problem = body_length_problem(header)
    assert (problem[0] if problem else None) == expected


def test_threads_do_not_pile_up_on_idle_connections(live_site):  # noqa: F811
    before = threading.active_count()
    host, port = live_site.removeprefix("http://").split(":")
    idle = [socket.create_connection((host, int(port))) for _ in range(20)]
    time.sleep(0.3)
    assert threading.active_count() <= before + 20
    for connection in idle:
        connection.close()
