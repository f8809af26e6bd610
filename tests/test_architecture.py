"""The shape of the code: dependencies point inward, no I/O at import, a lean page path."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import ROOT

PURE_MODULES = [
    "citations", "content", "fields", "yamlnodes", "markdown", "render", "profile_links",
    "settings", "scholar", "open_sources", "citation_views",
]  # fmt: skip
OUTSIDE_WORLD = ("boto3", "botocore", "requests", "chalice", "moto")


def imported_names(path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_modules_import_no_aws_http_or_framework(module):
    path = ROOT / "chalicelib" / f"{module}.py"
    if not path.exists():
        pytest.skip(f"{module}.py is not written yet")
    imports = imported_names(path)
    assert not {name for name in imports if name.split(".")[0] in OUTSIDE_WORLD}


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
        import app, chalicelib, chalicelib.cli
        for package in (chalicelib, chalicelib.cli):
            for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
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
