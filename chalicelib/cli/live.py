"""`acadpage serve` follows your edits: the content folder watched, each good save put into the
embedded S3, open pages reloaded, and a bad save's problems shown over the last good page.

Only the local server injects the reload script and the banner; the app never does."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from markupsafe import escape

from chalicelib.aws.embedded import folder_files
from chalicelib.cli.site_media import media_problems
from chalicelib.inputs import whole_number
from chalicelib.site.content import ContentError, load_site

LIVE_PATH = "/__acadpage/live"
LONG_POLL_S = 20.0
# An editor that truncates then writes leaves an empty or half file for a moment: a file is
# taken only if it still has the size and time it was read with this long after.
SETTLE_S = 0.05
_SCRIPT = (
    "(function(){var v=%d;function poll(){fetch(%s+v,{cache:'no-store'})"
    ".then(function(r){return r.json()}).then(function(d){"
    "if(d.version!==v){location.reload()}else{poll()}},"
    "function(){setTimeout(poll,1000)})}poll()})();"
)
_BANNER_STYLE = (
    "position:fixed;top:0;left:0;right:0;z-index:9999;margin:0;padding:.6em 1em;"
    "background:#b00020;color:#fff;font:14px/1.4 monospace;white-space:pre-wrap"
)


@dataclass
class LiveState:
    """The folder's version (bumped at every save) and the problems of its bad files."""

    version: int = 0
    problems: dict[str, list[str]] = field(default_factory=dict)
    _changed: threading.Condition = field(default_factory=threading.Condition)

    def saved(self, name: str, problems: list[str]) -> None:
        """Record a save of `name` (with its problems, none when good) and wake the pages."""
        with self._changed:
            if problems:
                self.problems[name] = problems
            else:
                self.problems.pop(name, None)
            self.version += 1
            self._changed.notify_all()

    def wait_for_change(self, since: int, timeout_s: float) -> int:
        """The version once it differs from `since`, or the same after `timeout_s`."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != since, timeout=timeout_s)
            return self.version

    def all_problems(self) -> list[str]:
        """Every bad file's problems, file by file."""
        with self._changed:
            return [line for name in sorted(self.problems) for line in self.problems[name]]


def live_page(html: str, version: int, problems: list[str]) -> tuple[str, str]:
    """(the page with the reload script and any problem banner, the script's CSP source)."""
    script = _SCRIPT % (version, json.dumps(f"{LIVE_PATH}?since="))
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    banner = ""
    if problems:
        lines = "\n".join(str(escape(line)) for line in problems)
        banner = (
            f'<div id="acadpage-problems" role="alert" style="{_BANNER_STYLE}">'
            f"Not shown, this save has problems (the last good page is below):\n{lines}</div>"
        )
    insert = f"{banner}<script>{script}</script>"
    at = html.rfind("</body>")
    page = html[:at] + insert + html[at:] if at >= 0 else html + insert
    return page, f"'sha256-{digest}'"


def with_script_allowed(policy: str, source: str) -> str:
    """A Content-Security-Policy that also runs the one script whose hash is `source`."""
    return f"{policy.rstrip('; ')}; script-src {source}" if policy else f"script-src {source}"


class FolderWatcher:
    """Polls a content folder; each changed file is checked, then handed to `upload`."""

    def __init__(
        self,
        folder: Path,
        state: LiveState,
        upload_content: Callable[[str, bytes], None],
        upload_media: Callable[[str, bytes], None],
        delete_media: Callable[[str], None],
        report: Callable[[str], None] = print,
        *,
        pattern: str = "site*.yaml",
        problems_of: Callable[[bytes, Path], list[str]] | None = None,
    ):
        self.folder = folder
        self.pattern = pattern  # its content files (a lab folder's own: lab.yaml)
        # a saved file's problems; raises ContentError for a file that does not read
        self.problems_of = problems_of or site_problems
        self.state = state
        self.upload_content = upload_content
        self.upload_media = upload_media
        self.delete_media = delete_media
        self.report = report
        self.seen = self._scan()
        self._stop = threading.Event()

    def _scan(self) -> dict[Path, tuple[int, int]]:
        """(modification time, size) of every content and media file in the folder."""
        content, media = folder_files(self.folder, self.pattern)
        found = {}
        for path in (*content, *media):
            stamp = _stamp(path)
            if stamp is not None:  # None: removed between listing and looking
                found[path] = stamp
        return found

    def check(self) -> list[str]:
        """Look once; put every changed file where it belongs; the names of those handled."""
        now = self._scan()
        changed = [path for path, stamp in now.items() if self.seen.get(path) != stamp]
        removed = [path for path in self.seen if path not in now]
        self.seen = now
        for path in sorted(changed):
            self._changed(path)
        for path in removed:
            if path.parent.name == "media":
                self.delete_media(path.name)
                self.report(f"removed media/{path.name}")
                self.state.saved(f"media/{path.name}", [])
        if any(path.parent.name == "media" for path in (*changed, *removed)):
            self.check_content(quiet=True)  # an image a content file names came or went
        return [path.name for path in (*sorted(changed), *removed)]

    def check_content(self, quiet: bool = False) -> None:
        """Check (and put) every content file again, as when it was saved."""
        for path in folder_files(self.folder, self.pattern)[0]:
            self._changed(path, quiet)

    def _changed(self, path: Path, quiet: bool = False) -> None:
        try:
            before = _stamp(path)
            body = path.read_bytes()
        except OSError as error:
            self.report(f"{path.name}: cannot read: {error.strerror}")
            return
        time.sleep(SETTLE_S)
        if _stamp(path) != before:
            return  # still being written: its next stamp makes the next look take it whole
        self.seen[path] = before
        if path.parent.name == "media":
            self.upload_media(path.name, body)
            self.report(f"updated media/{path.name}")
            self.state.saved(f"media/{path.name}", [])
            return
        try:
            problems = self.problems_of(body, path)
        except ContentError as error:
            problems = [problem.format(path.name) for problem in error.problems]
        if problems:
            # nothing invalid reaches the bucket: the page keeps the last good content
            for line in problems:
                self.report(f"acadpage: {line}")
            self.state.saved(path.name, problems)
            return
        self.upload_content(path.name, body)
        if not quiet:
            self.report(f"updated {path.name}")
        self.state.saved(path.name, [])

    def run(self, interval_s: float = 0.25) -> None:
        """Check until stopped (in a thread of its own)."""
        while not self._stop.wait(interval_s):
            try:
                self.check()
            except Exception as error:  # a save nobody foresaw must not end the watching
                self.report(
                    f"acadpage: {self.folder}: not checked ({type(error).__name__}: "
                    f"{str(error)[:200]}); save again to retry"
                )

    def start(self, interval_s: float = 0.25) -> threading.Thread:
        """Run in a daemon thread."""
        thread = threading.Thread(target=self.run, args=(interval_s,), daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """End `run` at its next tick."""
        self._stop.set()


def _stamp(path: Path) -> tuple[int, int] | None:
    """(modification time, size) of a file, or None when it is not there."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


def site_problems(body: bytes, path: Path) -> list[str]:
    """A saved site file's problems: its own, then the images it names that are missing."""
    return media_problems(load_site(body, path.name), path)


def live_handler_class(base: type, state: LiveState) -> type:
    """The local server's request handler: answers the reload poll, and injects the script,
    the banner and a no-cache policy into what the app answers."""

    class LiveReloadHandler(base):
        def _generic_handle(self) -> None:
            parts = urlsplit(self.path)
            if parts.path != LIVE_PATH:
                return super()._generic_handle()
            # the version the page has (`since=12`); None for anything else (`--1`, `²`)
            since = whole_number(parse_qs(parts.query).get("since", [""])[0])
            wait = LONG_POLL_S if since is not None else 0
            version = state.wait_for_change(-1 if since is None else since, wait)
            body = json.dumps({"version": version}).encode()
            headers = {"Content-Type": "application/json", "Cache-Control": "no-store"}
            self._send_http_response(200, headers, body)

        def _send_http_response_with_body(self, code, headers, body) -> None:
            # every save must show at the next reload: revalidate everything, cache nothing
            headers = {
                k: v for k, v in headers.items() if k.lower() not in ("etag", "cache-control")
            }
            headers["Cache-Control"] = "no-cache"
            html = str(headers.get("Content-Type", "")).startswith("text/html")
            if html and self.command != "HEAD":
                text = body.decode("utf-8") if isinstance(body, bytes) else body
                text, source = live_page(text, state.version, state.all_problems())
                policy = headers.get("Content-Security-Policy", "")
                headers["Content-Security-Policy"] = with_script_allowed(policy, source)
                body = text
            super()._send_http_response_with_body(code, headers, body)

        # the base class bound its own handler to every method name: bind this one instead
        do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle

        def log_message(self, format: str, *args) -> None:
            # a request line that could not be read has no path: its error is still logged
            if not getattr(self, "path", "").startswith(LIVE_PATH):
                super().log_message(format, *args)

    return LiveReloadHandler
