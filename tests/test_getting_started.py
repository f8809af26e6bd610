"""The getting-started guide stays true: every command it shows is one the CLI takes."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pytest

from chalicelib.citations.store import CitationStore
from chalicelib.cli import build_parser, main
from scripts.local_site import free_port
from tests.conftest import ROOT
from tests.httpserver import LocalHTTPServer, Reply
from tests.test_machine_schedule import fake_tools  # noqa: F401

HTML = {"Content-Type": "text/html; charset=utf-8"}

GUIDE = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def shown_commands(markdown: str) -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", markdown, flags=re.S)
    lines = [line.split("#", 1)[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line.startswith("acadpage ")]


@pytest.mark.parametrize("command", shown_commands(GUIDE))
def test_every_command_of_the_guide_parses(command):
    args = build_parser().parse_args(command.split()[1:])
    assert callable(args.handler)


def test_the_guide_walks_from_init_to_a_live_page():
    order = ["acadpage init", "acadpage serve", "acadpage bootstrap", "chalice deploy",
             "acadpage push"]  # fmt: skip
    positions = [GUIDE.index(step) for step in order]
    assert positions == sorted(positions)


def test_the_readme_first_screen_shows_init_after_the_two_set_up_commands():
    first_screen = "\n".join(README.splitlines()[:30])
    assert first_screen.index("make serve") < first_screen.index("make test")
    assert first_screen.index("make test") < first_screen.index("acadpage init")


# --- the guide, followed word for word --------------------------------------------------------

SAVED_PROFILE = ROOT / "tests" / "fixtures" / "scholar" / "profile_P1RwlvoAAAAJ_complete.html"
PROFILE_ID = "P1RwlvoAAAAJ"  # the id in that saved page's address
DEPLOYED_URL = "https://abc123.execute-api.us-east-1.amazonaws.com/api/"


def guide_steps() -> list[str]:
    """Every shell line of the guide, in order, comments taken off."""
    blocks = re.findall(r"```sh\n(.*?)```", GUIDE, flags=re.S)
    lines = [line.split("  #", 1)[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line]


def serve_shows_the_site(command: list[str], folder: Path, log: Path) -> None:
    """`acadpage serve --content DIR` as the guide runs it (on a free port through PORT): the
    page shows the profile with its numbers, and a save shows at the next load."""
    port = free_port()
    environ = {**os.environ, "PORT": str(port)}
    program = str(Path(sys.executable).parent / "acadpage")
    with log.open("w") as output:
        process = subprocess.Popen(
            [program, *command[1:]], cwd=folder.parent, env=environ, stdout=output, stderr=output
        )
    try:
        page = fetch_until(f"http://127.0.0.1:{port}/", lambda text: "WENRUI ZUO" in text, log)
        assert '<dd id="citations-total">39</dd>' in page
        site = folder / "site.yaml"
        site.write_text(site.read_text().replace("Write a few lines", "I study rivers. Write", 1))
        fetch_until(f"http://127.0.0.1:{port}/", lambda text: "I study rivers." in text, log)
    finally:
        process.terminate()
        process.wait(timeout=10)


def fetch_until(url: str, done, log: Path, timeout_s: float = 60) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                text = answer.read().decode()
            if done(text):
                return text
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} never showed what was expected; serve said:\n{log.read_text()}")


def configure_the_scholar_id(project: Path) -> None:
    """Step 4's sentence: the Scholar id as ACADPAGE_SCHOLAR_ID in the dev stage's variables."""
    assert "as `ACADPAGE_SCHOLAR_ID` in the `dev` stage's `environment_variables`" in GUIDE
    path = project / ".chalice" / "config.json"
    config = json.loads(path.read_text())
    stage = config.setdefault("stages", {}).setdefault("dev", {})
    stage.setdefault("environment_variables", {})["ACADPAGE_SCHOLAR_ID"] = PROFILE_ID
    path.write_text(json.dumps(config, indent=2))


def chalice_deployed(project: Path) -> None:
    """What `chalice deploy --stage dev` leaves for the next commands: the API's address in
    .chalice/deployed/dev.json. The one step not run: moto imports only OpenAPI 3 documents and
    Chalice sends Swagger 2.0, so the embedded AWS cannot take the API."""
    deployed = {"resources": [{"name": "rest_api", "resource_type": "rest_api",
                               "rest_api_url": DEPLOYED_URL}],
                "schema_version": "2.0", "backend": "api"}  # fmt: skip
    (project / ".chalice" / "deployed").mkdir(exist_ok=True)
    (project / ".chalice" / "deployed" / "dev.json").write_text(json.dumps(deployed))


def test_the_guide_word_for_word_from_init_to_push(
    aws,
    tmp_path,
    monkeypatch,
    capsys,
    fake_tools,  # noqa: F811
):
    """A fresh project: the repository's Chalice settings and a profile saved from Scholar. Each
    line of the guide runs as written, with no network: init's photo download meets a closed
    proxy (the default avatar is used), `refresh` fetches from a Scholar on 127.0.0.1, and
    `--every week` writes to a fake crontab (tests.test_machine_schedule)."""
    project = tmp_path / "project"
    shutil.copytree(
        ROOT / ".chalice", project / ".chalice", ignore=shutil.ignore_patterns("deployed")
    )
    shutil.copy(SAVED_PROFILE, project / "profile.html")
    monkeypatch.chdir(project)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens: no request leaves
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    for name in ("ACADPAGE_SCHOLAR_ID", "ACADPAGE_TABLE", "ACADPAGE_BUCKET"):
        monkeypatch.delenv(name, raising=False)
    scholar = LocalHTTPServer({"/citations": Reply(200, HTML, SAVED_PROFILE.read_text("utf-8"))})
    ran: list[str] = []
    with scholar:
        monkeypatch.setenv("ACADPAGE_SCHOLAR_URL", scholar.url)
        monkeypatch.setenv("ACADPAGE_SCHOLAR_DELAY", "0")
        for line in guide_steps():
            words = shlex.split(line)
            if words[:2] == ["acadpage", "init"] and "--scholar-page" not in words:
                continue  # the other sources: each parses (above); the saved page is the path
            ran.append(" ".join(words[:2]))
            if words[:2] == ["make", "test"]:
                assert sys.prefix != sys.base_prefix  # this suite runs in the .venv it makes
            elif words[:2] == ["acadpage", "serve"]:
                serve_shows_the_site(words, project / words[-1], tmp_path / "serve.log")
            elif words[:2] == ["chalice", "deploy"]:
                chalice_deployed(project)
            else:
                if words[:2] == ["acadpage", "bootstrap"]:
                    configure_the_scholar_id(project)
                code = main(words[1:])
                out, err = capsys.readouterr()
                assert code == 0, f"`{line}` failed:\n{out}{err}"
                if words[:2] == ["acadpage", "push"]:
                    assert f"live: {DEPLOYED_URL}" in out

    assert ran[:5] == ["make test", "acadpage init", "acadpage serve", "acadpage bootstrap",
                       "chalice deploy"]  # fmt: skip
    assert "acadpage push" in ran and ran.count("acadpage refresh") == 3
    assert "--on-schedule" in (fake_tools / "crontab.txt").read_text()
    stored = CitationStore(boto3.client("dynamodb"), "acadpage-dev-citations")
    assert stored.load_current(PROFILE_ID).snapshots["scholar"].citations == 39
    keys = boto3.client("s3").list_objects_v2(Bucket="acadpage-dev-123456789012")["Contents"]
    assert {"content/site.yaml", "media/avatar.svg"} <= {item["Key"] for item in keys}
