"""A real HTTP server on 127.0.0.1 for tests: canned answers per path, every request recorded.

Use it as a context manager (or through a fixture of a few lines in a test module):

    with LocalHTTPServer({"/data": Reply(200, {"Content-Type": "text/plain"}, "hi")}) as server:
        requests.get(server.url + "/data")
        assert server.requests[0].path == "/data"

A route is a Reply, a list of Replies (served in turn, the last one repeated) or a function
of the RecordedRequest returning a Reply. A path without a route gets 404. Requests sent
through the server as a proxy (absolute URL in the request line) are matched by their path.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Reply:
    """What the server answers: status, headers and body, optionally after a delay."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: str | bytes = ""
    delay_s: float = 0.0

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Reply:
        """A redirect to `location` (absolute, or a path on this server)."""
        return cls(status, {"Location": location})


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received, as it arrived."""

    method: str
    target: str  # the request line's target: "/path?query", or a whole URL through a proxy
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        """The path of the target, without the query."""
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        """The target's query parameters."""
        return parse_qs(urlsplit(self.target).query, keep_blank_values=True)


Route = Reply | list[Reply] | Callable[[RecordedRequest], Reply]


class LocalHTTPServer:
    """An HTTP server on a free port of 127.0.0.1, serving from a thread while in use."""

    def __init__(self, routes: dict[str, Route] | None = None) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.requests: list[RecordedRequest] = []
        self._served: dict[str, int] = {}
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        # A short poll interval keeps shutdown (once per test) quick.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        """The server's base URL, "http://127.0.0.1:PORT", without a trailing slash."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, path: str, reply: Route) -> None:
        """Answer requests for `path` with `reply` from now on."""
        with self._lock:
            self.routes[path] = reply
            self._served.pop(path, None)

    def __enter__(self) -> LocalHTTPServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _answer(self, request: RecordedRequest) -> Reply:
        """Record `request` and choose the reply its route gives."""
        with self._lock:
            self.requests.append(request)
            route = self.routes.get(request.path)
            if isinstance(route, list):
                turn = self._served.get(request.path, 0)
                self._served[request.path] = turn + 1
                route = route[min(turn, len(route) - 1)]
        if route is None:
            return Reply(404, {"Content-Type": "text/plain"}, "no route")
        return route if isinstance(route, Reply) else route(request)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a test that timed out must not wait for the slow answer


def _handler_for(server: LocalHTTPServer) -> type[BaseHTTPRequestHandler]:
    """A request handler class that answers through `server`."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = RecordedRequest(
                method=self.command,
                target=self.path,
                headers=dict(self.headers.items()),
                body=self.rfile.read(length) if length else b"",
            )
            reply = server._answer(request)
            if reply.delay_s:
                time.sleep(reply.delay_s)
            body = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test): nothing left to tell it

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: object) -> None:
            """Keep test output clean."""

    return Handler
