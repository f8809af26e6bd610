"""The checkov gate: the packaged template and its SAM expansion have no unexplained finding.

checkov runs from its own virtualenv (`make test` creates .venv-checkov: its pinned boto3 and
networkx clash with the app's), offline, as the Makefile's `checkov` target runs it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from tests.conftest import ROOT

CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"
OFFLINE_FLAGS = ["--framework", "cloudformation", "--skip-download", "--compact"]
OFFLINE_ENV = {"CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"}
RESOURCES_TEMPLATE = json.loads((ROOT / "deploy" / "resources.json").read_text())


def run_checkov(template_path, tmp) -> tuple[dict, list[str] | None]:
    """checkov's JSON report on a template, and the network connections it opened (under strace)."""
    if not CHECKOV.exists():
        pytest.fail("no .venv-checkov: run `make test` (it installs checkov apart from the app)")
    command = [str(CHECKOV), *OFFLINE_FLAGS, "-o", "json", "-f", str(template_path)]
    trace = tmp / "connect.trace"
    traced = shutil.which("strace") is not None
    if traced:
        command = ["strace", "-f", "-qq", "-e", "trace=connect", "-o", str(trace), *command]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp), **OFFLINE_ENV}
    run = subprocess.run(
        command, cwd=tmp, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert run.returncode in (0, 1), run.stderr  # 1: findings, read from the report
    connections = re.findall(r"sa_family=AF_INET6?[^)]*", trace.read_text()) if traced else None
    return json.loads(run.stdout)["results"], connections


@pytest.fixture(scope="session")
def checkov_run(package, tmp_path_factory):
    """checkov on the packaged sam.json."""
    return run_checkov(package / "sam.json", tmp_path_factory.mktemp("checkov"))


def test_the_makefile_runs_checkov_offline_the_way_this_test_does():
    makefile = re.sub(r"\s*\\\n\s*", " ", (ROOT / "Makefile").read_text())
    expected = " ".join(
        [
            *(f"{k}={v}" for k, v in OFFLINE_ENV.items()),
            "$(CHECKOV_VENV)/bin/checkov",
            *OFFLINE_FLAGS,
        ]
    )
    assert f"CHECKOV_RUN := {expected}" in makefile
    assert re.search(r"^test: .*\$\(CHECKOV\)", makefile, re.MULTILINE)


def test_checkov_finds_nothing_unfixed_in_the_packaged_template(checkov_run):
    results, _ = checkov_run
    failed = [
        f"{c['check_id']} {c['resource']}: {c['check_name']}" for c in results["failed_checks"]
    ]
    assert not failed, "fix these, or skip them in deploy/resources.json with a reason"
    # checkov ran its checks (fewer since access logs became opt-in: CKV_AWS_76 is skipped)
    assert len(results["passed_checks"]) >= 36


def template_skips() -> set[tuple[str, str]]:
    """(check id, resource) of every checkov skip in deploy/resources.json."""
    return {
        (skip["id"], name)
        for name, resource in RESOURCES_TEMPLATE["Resources"].items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    }


def test_every_skip_has_a_one_line_reason():
    for name, resource in RESOURCES_TEMPLATE["Resources"].items():
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            assert re.fullmatch(r"CKV2?_AWS_\d+", skip["id"]), (name, skip)
            comment = skip.get("comment", "")
            assert 20 <= len(comment) <= 140 and "\n" not in comment, (name, skip)


def test_every_skip_silences_a_real_finding(checkov_run):
    results, _ = checkov_run
    skipped = {(c["check_id"], c["resource"].split(".")[-1]) for c in results["skipped_checks"]}
    assert template_skips() == skipped, "drop skips that match no finding"


def test_checkov_opens_no_network_connection(checkov_run):
    _, connections = checkov_run
    if connections is None:
        pytest.skip("needs strace to watch checkov's connections")
    assert connections == []


def test_checkov_finds_nothing_unfixed_in_the_expanded_template(expanded, tmp_path):
    path = tmp_path / "expanded.json"
    path.write_text(json.dumps(expanded))
    results, connections = run_checkov(path, tmp_path)
    failed = [f"{c['check_id']} {c['resource']}" for c in results["failed_checks"]]
    assert not failed
    assert connections in (None, [])
