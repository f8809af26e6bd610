"""CI never skips the browser tests: with ACADPAGE_REQUIRE_BROWSER=1 (set by .ci/run), a skipped
`browser` test fails the run, so a machine without Chromium cannot pass for one that has it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REQUIRED = "ACADPAGE_REQUIRE_BROWSER"
INSTALL = (
    "install Chromium and an emoji font (Debian/Ubuntu, as root: `apt-get install chromium "
    "fonts-noto-color-emoji`; elsewhere install Chromium or Chrome and set ACADPAGE_CHROMIUM to it)"
)
_skipped: list[str] = []


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
    """Note every browser test that was skipped."""
    if report.skipped and "browser" in report.keywords:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus) -> None:
    """Fail the session when browser tests were skipped and they are required."""
    if _skipped and os.environ.get(REQUIRED) == "1" and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter) -> None:
    """One line: what to install, and whether this run may skip."""
    if not _skipped:
        return
    if os.environ.get(REQUIRED) == "1":
        terminalreporter.write_line(
            f"FAILED: {len(_skipped)} browser tests skipped, and {REQUIRED}=1 (CI) forbids it: "
            + INSTALL,
            red=True,
        )
    else:
        terminalreporter.write_line(
            f"{len(_skipped)} browser tests skipped: {INSTALL}", yellow=True
        )
