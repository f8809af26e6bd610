"""`acadpage serve`'s request handler guards: what a browser, a script or a slow or broken
connection may send the local server without ending a thread in a traceback."""

from __future__ import annotations

from chalicelib.inputs import whole_number

LISTEN_BACKLOG = 256  # a browser opening many tabs at once, or a burst of 200 connections
# An idle or slow connection is closed after this; a reload poll waits 20 s, on the server.
CONNECTION_TIMEOUT_S = 60
MAX_BODY_BYTES = 1024 * 1024  # the app takes no uploads: a body is never larger


def guarded_handler_class(base: type) -> type:
    """`base` (a chalice local handler) with a timeout, a checked Content-Length, and a closed
    browser tab (broken pipe, reset) ending its connection quietly."""

    class GuardedHandler(base):
        timeout = CONNECTION_TIMEOUT_S

        def handle_one_request(self) -> None:
            try:
                super().handle_one_request()
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the tab went away; nothing to answer

        def parse_request(self) -> bool:
            # refused here, before any method handler (chalice's or the live page's) reads a body
            if not super().parse_request():
                return False
            problem = body_length_problem(self.headers.get("Content-Length"))
            if problem is None:
                return True
            self.close_connection = True  # the body's end is unknown: no next request
            headers = {"Content-Type": "text/plain; charset=utf-8", "Connection": "close"}
            self._send_http_response(problem[0], headers, problem[1])
            return False

    return GuardedHandler


def body_length_problem(header: str | None) -> tuple[int, str] | None:
    """(status, message) for a Content-Length chalice's handler cannot take, or None."""
    if header is None:
        return None
    length = whole_number(header)
    if length is None:
        return 400, f"Content-Length must be a number of bytes, got {header[:40]!r}\n"
    if length > MAX_BODY_BYTES:
        return 413, f"a request body may have {MAX_BODY_BYTES:,} bytes at most\n"
    return None
