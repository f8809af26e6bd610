"""CI skips nothing: with ACADPAGE_NO_SKIPS=1 (set by .ci/run) any skipped test fails the run, so a
machine without Chromium, node, the IAM simulator, strace or moto's server cannot pass for one
that has them. Elsewhere the browser tests are set aside with one line saying what to install."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REQUIRED = "ACADPAGE_NO_SKIPS"
INSTALL = (
    "install Chromium and an emoji font (Debian/Ubuntu, as root: `apt-get install chromium "
    "fonts-noto-color-emoji`; elsewhere install Chromium or Chrome and set ACADPAGE_CHROMIUM to it)"
)
_skipped: list[str] = []  # browser tests
_others: list[str] = []


def chromium_path() -> str | None:
    """The system Chromium: $ACADPAGE_CHROMIUM, else `chromium` on the PATH, else None."""
    configured = os.environ.get("ACADPAGE_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(config, items) -> None:
    """Without Chromium, set the browser tests aside at once: one line says so, not one each."""
    if chromium_path() is not None:
        return
    browser = [item for item in items if item.get_closest_marker("browser")]
    if browser:
        items[:] = [item for item in items if not item.get_closest_marker("browser")]
        config.hook.pytest_deselected(items=browser)
        _skipped.extend(item.nodeid for item in browser)


def pytest_runtest_logreport(report) -> None:
    """Note every test that was skipped."""
    if not report.skipped:
        return
    if "browser" in report.keywords:
        _skipped.append(report.nodeid)
    else:
        _others.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus) -> None:
    """Fail the session when anything was skipped and nothing may be."""
    skipped = _skipped or _others
    if skipped and os.environ.get(REQUIRED) == "1" and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter) -> None:
    """One line: what to install, and whether this run may skip."""
    if os.environ.get(REQUIRED) == "1" and (_skipped or _others):
        terminalreporter.write_line(
            f"FAILED: {len(_skipped) + len(_others)} tests skipped ({len(_skipped)} in a "
            f"browser), and {REQUIRED}=1 (CI) forbids it; the skip reasons above say what to "
            f"install ({INSTALL})",
            red=True,
        )
    elif _skipped:
        terminalreporter.write_line(
            f"{len(_skipped)} browser tests skipped: {INSTALL}", yellow=True
        )
