"""The shape of the code: dependencies point inward, no I/O at import, a lean page path."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import ROOT

CHALICELIB = ROOT / "chalicelib"
# Modules that compute without touching AWS, HTTP or the framework: the site, the citation model,
# parsers and views, the importers, and the settings they share.
PURE_MODULES = sorted(
    [
        *(f"site/{path.name}" for path in (CHALICELIB / "site").glob("*.py")),
        *(f"importers/{path.relative_to(CHALICELIB / 'importers').as_posix()}"
          for path in (CHALICELIB / "importers").rglob("*.py")),
        *(f"citations/{name}.py" for name in (
            "model", "scholar", "open_sources", "state", "items", "gs_data", "badges", "chart",
            "status", "endpoints", "matching", "guard", "metrics", "answers", "item_reader",
            "pacing", "lab_status",
        )),
        *(f"lab/{path.name}" for path in (CHALICELIB / "lab").glob("*.py")),
        "settings.py", "errors.py", "inputs.py",
    ]
)  # fmt: skip
OUTSIDE_WORLD = ("boto3", "botocore", "requests", "chalice", "moto")
# The top level keeps only what every part shares and the page path; the rest lives in packages.
TOP_LEVEL = {
    "__init__.py", "settings.py", "errors.py", "inputs.py", "runtime.py", "homepage.py", "media.py",
    "sites.py", "labpage.py",
}  # fmt: skip
PACKAGES = {"site", "citations", "aws", "importers", "cli", "lab"}
# package -> what it must never import (chalicelib's own modules and packages, by prefix).
FORBIDDEN = {
    "site": ("citations.fetchers", "citations.refresh", "citations.store", "citations.stats_files",
             "aws", "importers", "cli", "homepage", "runtime", "media"),
    "citations": ("site", "importers", "cli", "homepage", "runtime", "media", "aws.content_store",
                  "aws.stages", "aws.embedded"),
    "aws": ("site", "importers", "cli", "homepage", "runtime", "media"),
    "importers": ("citations", "aws", "cli", "homepage", "runtime", "media"),
    "lab": ("citations.fetchers", "citations.refresh", "citations.store", "citations.stats_files",
            "aws", "importers", "cli", "homepage", "runtime", "media", "sites"),
}  # fmt: skip
# Only the embedded AWS of `acadpage serve` seeds citations; no other AWS adapter knows them.
CITATIONS_ALLOWED_IN_AWS = {"aws/embedded.py"}
MAX_MODULE_LINES = 420


def imported_names(path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module == "chalicelib":
                names.update(f"chalicelib.{alias.name}" for alias in node.names)
    return names


def own_imports(path) -> set[str]:
    """chalicelib's modules that `path` imports, without the `chalicelib.` prefix."""
    prefix = "chalicelib."
    return {name[len(prefix) :] for name in imported_names(path) if name.startswith(prefix)}


def library_modules() -> list[str]:
    return sorted(path.relative_to(CHALICELIB).as_posix() for path in CHALICELIB.rglob("*.py"))


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_modules_import_no_aws_http_or_framework(module):
    imports = imported_names(CHALICELIB / module)
    assert not {name for name in imports if name.split(".")[0] in OUTSIDE_WORLD}


def test_the_top_level_holds_only_shared_modules_and_the_page_path():
    top = {path.name for path in CHALICELIB.glob("*.py")}
    folders = {path.name for path in CHALICELIB.iterdir() if path.is_dir()} - {"__pycache__"}
    assert top == TOP_LEVEL
    assert folders == PACKAGES


@pytest.mark.parametrize("module", library_modules())
def test_packages_depend_only_inward(module):
    package = module.split("/")[0]
    imports = own_imports(CHALICELIB / module)
    forbidden = FORBIDDEN.get(package, ())
    if package == "aws" and module not in CITATIONS_ALLOWED_IN_AWS:
        forbidden = (*forbidden, "citations")
    wrong = {name for name in imports if name.split(".")[0] in forbidden or name in forbidden
             or any(name.startswith(f"{prefix}.") for prefix in forbidden)}  # fmt: skip
    assert not wrong, f"{module} imports {sorted(wrong)}"


@pytest.mark.parametrize("module", [m for m in library_modules() if not m.startswith("cli/")])
def test_nothing_but_the_command_imports_the_command(module):
    assert not {name for name in own_imports(CHALICELIB / module) if name.startswith("cli")}


def test_no_module_outside_the_tests_is_much_over_400_lines():
    sources = [*CHALICELIB.rglob("*.py"), ROOT / "app.py", *(ROOT / "benchmarks").glob("*.py"),
               *(ROOT / "scripts").glob("*.py")]  # fmt: skip
    long = {path.relative_to(ROOT).as_posix(): n for path in sources
            if (n := len(path.read_text().splitlines())) > MAX_MODULE_LINES}  # fmt: skip
    assert not long


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT, capture_output=True, text=True, check=False,
        env={"PATH": "/usr/bin:/bin", "AWS_DEFAULT_REGION": "us-east-1"},
    )  # fmt: skip


def test_importing_the_app_and_every_module_creates_no_client():
    run = run_python(
        """
        import importlib, pkgutil
        import botocore.session
        def refuse(*args, **kwargs):
            raise SystemExit("a boto3 client was created at import time")
        botocore.session.Session.create_client = refuse
        import app, chalicelib
        for info in pkgutil.walk_packages(chalicelib.__path__, "chalicelib."):
            importlib.import_module(info.name)
        print("ok")
        """
    )
    assert run.stdout.strip() == "ok", run.stderr


def test_page_path_imports_neither_requests_nor_an_html_parser():
    run = run_python(
        """
        import io, sys
        import boto3
        from botocore.response import StreamingBody
        from botocore.stub import Stubber
        from chalicelib import runtime
        s3 = boto3.client("s3", aws_access_key_id="x", aws_secret_access_key="x")
        body = open("examples/site.yaml", "rb").read()
        stub = Stubber(s3)
        stub.add_response("get_object",
                          {"Body": StreamingBody(io.BytesIO(body), len(body)), "ETag": '"v1"'},
                          {"Bucket": "b", "Key": "content/site.yaml"})
        stub.activate()
        import os
        os.environ.update(ACADPAGE_BUCKET="b")
        runtime.s3_client = lambda: s3
        already = set(sys.modules)  # boto3 itself brings html.parser along; that is not ours
        from app import app
        from benchmarks.page import api_gateway_event
        answer = app(api_gateway_event("/"), None)
        assert answer["statusCode"] == 200, answer
        new = set(sys.modules) - already
        loaded = [m for m in ("requests", "selectolax", "bs4", "lxml", "html.parser", "html5lib")
                  if m in new]
        print("loaded:", loaded)
        """
    )
    assert run.stdout.strip() == "loaded: []", run.stderr
