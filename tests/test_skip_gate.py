"""Where Chromium is missing the browser tests skip with one line naming what to install; under
`.ci/run` (ACADPAGE_NO_SKIPS=1) any skipped test fails the run."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

SKIPPING = """
import pytest

@pytest.mark.browser
def test_in_a_browser():
    pass

@pytest.mark.browser
def test_in_a_browser_too():
    pytest.skip("a browser test skipped for its own reason")

def test_elsewhere():
    pass
"""

SKIPPING_ELSEWHERE = """
import pytest

def test_needing_node():
    pytest.skip("needs node")
"""


def run_pytest(
    tmp_path, required: str | None, tests: str = SKIPPING
) -> subprocess.CompletedProcess:
    (tmp_path / "test_skipping.py").write_text(tests)
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "ACADPAGE_CHROMIUM": str(tmp_path / "none")}
    environ.pop("ACADPAGE_NO_SKIPS", None)
    if required is not None:
        environ["ACADPAGE_NO_SKIPS"] = required
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "tests.skip_gate", "-p", "no:cacheprovider",
         "-o", "markers=browser: a browser test", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, env=environ, check=False,
    )  # fmt: skip


def test_a_skipped_browser_test_passes_locally_with_one_line_saying_what_to_install(tmp_path):
    done = run_pytest(tmp_path, None)

    assert done.returncode == 0, done.stdout
    hints = [line for line in done.stdout.splitlines() if "browser tests skipped" in line]
    assert hints == [
        "2 browser tests skipped: install Chromium and an emoji font (Debian/Ubuntu, as root: "
        "`apt-get install chromium fonts-noto-color-emoji`; elsewhere install Chromium or Chrome "
        "and set ACADPAGE_CHROMIUM to it)"
    ]


def test_a_skipped_browser_test_fails_the_ci_run(tmp_path):
    done = run_pytest(tmp_path, "1")

    assert done.returncode == 1, done.stdout
    assert "FAILED: 2 tests skipped (2 in a browser), and ACADPAGE_NO_SKIPS=1 (CI)" in done.stdout


def test_any_skipped_test_fails_the_ci_run_and_passes_elsewhere(tmp_path):
    assert run_pytest(tmp_path, None, SKIPPING_ELSEWHERE).returncode == 0

    done = run_pytest(tmp_path, "1", SKIPPING_ELSEWHERE)
    assert done.returncode == 1, done.stdout
    assert "FAILED: 1 tests skipped (0 in a browser), and ACADPAGE_NO_SKIPS=1 (CI)" in done.stdout


def test_ci_skips_nothing():
    assert "ACADPAGE_NO_SKIPS=1 make test" in (ROOT / ".ci" / "run").read_text()
