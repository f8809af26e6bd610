"""`acadpage serve` follows your edits: the watcher, the injected reload script and banner, and
the local server end to end on 127.0.0.1; the deployed page stays script-free."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import threading
import urllib.request
from functools import partial
from html import unescape

import boto3
import pytest

from chalicelib import runtime
from chalicelib.aws import embedded
from chalicelib.cli.live import (
    LIVE_PATH,
    FolderWatcher,
    LiveState,
    live_page,
    with_script_allowed,
)
from tests.conftest import EXAMPLES, LOCAL_BUCKET

PAGE = "<html><head></head><body><main>hi</main></body></html>"
BAD_YAML = "site: {title: [broken\n"


def test_the_reload_script_goes_before_the_end_of_the_body_and_its_hash_is_allowed():
    html, source = live_page(PAGE, 7, [])

    script = re.search(r"<script>(.*)</script></body>", html, flags=re.S).group(1)
    assert "var v=7;" in script and LIVE_PATH in script
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert source == f"'sha256-{digest}'"
    assert html.startswith("<html><head></head><body><main>hi</main>")
    assert "acadpage-problems" not in html


def test_problems_show_escaped_in_a_banner():
    html, _ = live_page(PAGE, 1, ["site.yaml:3 profile.name: <script>alert(1)</script>"])

    banner = re.search(r'<div id="acadpage-problems"[^>]*>(.*?)</div>', html, flags=re.S).group(1)
    assert "site.yaml:3 profile.name: &lt;script&gt;alert(1)&lt;/script&gt;" in banner
    assert html.count("<script>") == 1


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("default-src 'none'; style-src 'unsafe-inline'",
         "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-x'"),
        ("", "script-src 'sha256-x'"),
    ],
)  # fmt: skip
def test_the_local_policy_runs_that_one_script_only(policy, expected):
    assert with_script_allowed(policy, "'sha256-x'") == expected


def test_a_waiting_page_wakes_at_the_next_save_and_not_before():
    state = LiveState()
    assert state.wait_for_change(0, 0.05) == 0  # nothing saved: the wait runs out
    assert state.wait_for_change(5, 10) == 0  # already different: no wait at all

    woken: list[int] = []
    waiter = threading.Thread(target=lambda: woken.append(state.wait_for_change(0, 10)))
    waiter.start()
    state.saved("site.yaml", [])
    waiter.join(timeout=5)
    assert woken == [1]


@pytest.fixture
def folder(tmp_path):
    """A copy of the example site to edit."""
    target = tmp_path / "site"
    shutil.copytree(EXAMPLES, target)
    return target


@pytest.fixture
def bucket(seeded, folder):
    """The embedded bucket, seeded from `folder`."""
    return boto3.client("s3", region_name="us-east-1")


def stored(key: str) -> bytes:
    s3 = boto3.client("s3", region_name="us-east-1")
    return s3.get_object(Bucket=LOCAL_BUCKET, Key=key)["Body"].read()


def save(path, text: str | bytes) -> None:
    """Write a file so that its modification time surely moves on."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    os.utime(path, ns=(before + 10_000_000, before + 10_000_000))


def watcher_for(folder, state, lines):
    settings, s3 = runtime.settings(), runtime.s3_client()
    return FolderWatcher(
        folder,
        state,
        upload_content=partial(embedded.upload_content, settings, s3),
        upload_media=partial(embedded.upload_media, settings, s3),
        delete_media=partial(embedded.delete_media, settings, s3),
        report=lines.append,
    )


def test_the_watcher_uploads_good_saves_and_keeps_bad_ones_out(bucket, folder):
    state, lines = LiveState(), []
    watcher = watcher_for(folder, state, lines)
    assert watcher.check() == []  # nothing changed since it started

    good = (folder / "site.yaml").read_text().replace("title: Lorem ipsum", "title: Ada", 1)
    save(folder / "site.yaml", good)
    assert watcher.check() == ["site.yaml"]
    assert stored("content/site.yaml") == good.encode()
    assert (state.version, state.all_problems(), lines) == (1, [], ["updated site.yaml"])

    save(folder / "site.yaml", good.replace("title: ", "titel: ", 1))
    assert watcher.check() == ["site.yaml"]
    assert stored("content/site.yaml") == good.encode()  # the bucket keeps the good file
    assert state.version == 2
    assert state.all_problems() == [
        "site.yaml:3 site.title: required field is missing",
        "site.yaml:3 site.titel: unknown field; did you mean 'title'?",
    ]
    assert lines[1:] == [f"acadpage: {line}" for line in state.all_problems()]

    save(folder / "site.yaml", good)
    watcher.check()
    assert (state.version, state.all_problems()) == (3, [])


def test_a_file_caught_mid_write_is_taken_whole_at_the_next_look(bucket, folder):
    state, lines = LiveState(), []
    watcher = watcher_for(folder, state, lines)
    good = (folder / "site.yaml").read_text().replace("title: Lorem ipsum", "title: Ada", 1)
    save(folder / "site.yaml", "")  # an editor's save: the file truncated, then written
    writer = threading.Timer(0.01, (folder / "site.yaml").write_text, args=(good,))
    writer.start()
    watcher.check()  # reads the empty file, or the whole one if the writer was quicker
    writer.join()
    watcher.check()

    assert stored("content/site.yaml") == good.encode()
    assert state.all_problems() == []
    assert not any("empty" in line for line in lines)  # no banner for a save still under way


def test_the_watcher_puts_new_media_in_and_takes_removed_media_out(bucket, folder):
    state, lines = LiveState(), []
    watcher = watcher_for(folder, state, lines)
    save(folder / "media" / "new.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    (folder / "media" / "favicon.svg").unlink()
    save(folder / "media" / "notes.txt", "not an image: ignored")

    assert watcher.check() == ["new.svg", "favicon.svg"]
    assert stored("media/new.svg") == b"<svg xmlns='http://www.w3.org/2000/svg'/>"
    with pytest.raises(bucket.exceptions.NoSuchKey):
        stored("media/favicon.svg")
    assert lines[:2] == ["updated media/new.svg", "removed media/favicon.svg"]
    # the image the content names is gone: the same problem `validate` and `push` report
    assert lines[2:] == [f"acadpage: {line}" for line in state.all_problems()]
    assert len(lines) == 4
    assert state.all_problems()[0] == (
        "site.yaml site.favicon: media file 'favicon.svg' not found in media/ next to site.yaml"
    )


def test_a_missing_image_is_a_problem_until_it_is_saved(bucket, folder):
    state, lines = LiveState(), []
    watcher = watcher_for(folder, state, lines)
    named = (folder / "site.yaml").read_text().replace("avatar: avatar.svg", "avatar: me.png", 1)

    save(folder / "site.yaml", named)
    watcher.check()
    assert state.all_problems() == [
        "site.yaml profile.avatar: media file 'me.png' not found in media/ next to site.yaml"
    ]
    assert stored("content/site.yaml") != named.encode()  # the page keeps the last good file

    save(folder / "media" / "me.png", b"\x89PNG\r\n\x1a\n")
    watcher.check()
    assert state.all_problems() == []
    assert stored("content/site.yaml") == named.encode()


# --- the local server, end to end -----------------------------------------------------------------


def serving(monkeypatch, folder, members=()):
    """`acadpage serve --content folder` (a lab's members: `members`) on a free port of
    127.0.0.1, watching every 50 ms; yields its address, for a fixture."""
    from chalicelib.cli.serve import live_server, local_config

    saved_environment = dict(os.environ)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    config = local_config()
    runtime.reset()
    embedded.seed_embedded_aws(
        runtime.settings(), runtime.s3_client(), runtime.dynamodb_client(), folder, members
    )
    server, watchers = live_server(config, folder, "127.0.0.1", 0, members)
    threading.Thread(target=server.server.serve_forever, daemon=True).start()
    for watcher in watchers:
        watcher.report = lambda line: None
        watcher.start(0.05)
    yield f"http://127.0.0.1:{server.server.server_address[1]}"
    for watcher in watchers:
        watcher.stop()
    server.shutdown()
    server.server.server_close()
    os.environ.clear()
    os.environ.update(saved_environment)


@pytest.fixture
def live_site(aws, folder, monkeypatch):
    """`acadpage serve --content folder` on a free port of 127.0.0.1, watching every 50 ms."""
    yield from serving(monkeypatch, folder)


def get(url: str) -> tuple[int, dict, str]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=30) as answer:
        return answer.status, dict(answer.headers), answer.read().decode()


def title_of(html: str) -> str:
    return re.search(r"<title>([^<]*)</title>", html).group(1)


def version_of(html: str) -> int:
    return int(re.search(r"var v=(\d+);", html).group(1))


def test_the_local_server_follows_a_save_bad_and_good(live_site, folder):
    status, headers, html = get(live_site + "/")
    assert status == 200 and "<script>" in html
    assert "script-src 'sha256-" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == "no-cache" and "ETag" not in headers
    before = title_of(html)
    version = version_of(html)

    text = (folder / "site.yaml").read_text()
    save(folder / "site.yaml", text.replace(f"title: {before}", "title: Saved Just Now", 1))
    _, _, answer = get(f"{live_site}{LIVE_PATH}?since={version}")  # what the open page waits on
    assert json.loads(answer)["version"] == version + 1
    _, _, html = get(live_site + "/")
    assert title_of(html) == "Saved Just Now"  # at once: the local content TTL is 0

    save(folder / "site.yaml", BAD_YAML)
    get(f"{live_site}{LIVE_PATH}?since={version + 1}")
    _, _, html = get(live_site + "/")
    assert title_of(html) == "Saved Just Now"  # the last good page...
    assert 'id="acadpage-problems"' in html  # ...under the banner naming the problem
    assert "site.yaml:1: YAML syntax error: the list opened with '[' at line 1" in unescape(html)

    save(folder / "site.yaml", text)
    get(f"{live_site}{LIVE_PATH}?since={version + 2}")
    _, _, html = get(live_site + "/")
    assert title_of(html) == before and "acadpage-problems" not in html


def test_the_deployed_page_carries_no_script_and_allows_none(client):
    answer = client.http.get("/")

    html = answer.body.decode()
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert scripts == [' type="application/ld+json"']  # data for search engines, never run
    assert LIVE_PATH not in html and "acadpage-problems" not in html
    assert "script-src" not in answer.headers["Content-Security-Policy"]
    assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
