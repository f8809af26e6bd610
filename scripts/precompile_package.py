"""Ship the page path's bytecode in build/package/deployment.zip, and nothing the functions do
not run, for `make package`.

Lambda runs the code read-only from the unpacked zip, whose files all carry the zip's fixed
timestamp: the `__pycache__` files `chalice package` copies from this machine never match it, so
every cold start compiled jinja2, yaml, markdown-it, chalice and the app from source. This
replaces them with unchecked hash-based .pyc files (PEP 552) for exactly the modules the first
page request imports (found by running one, from the unpacked zip), and keeps the zip small.
It also leaves out what neither function can import: the command line (chalicelib/cli/), the
importers, the embedded AWS of `acadpage serve`, and the test suites some dependencies ship.
"""

from __future__ import annotations

import ast
import json
import os
import py_compile
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Container
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "site.yaml"

# The first request of a cold page function: import app, the two clients, `/` from a stubbed S3
# and DynamoDB. Prints the CPU seconds of each part and the modules it loaded from `sys.argv[2]`.
FIRST_REQUEST = """
import time
started = time.process_time()
import app
imported = time.process_time()
from chalicelib import runtime
s3, dynamodb = runtime.s3_client(), runtime.dynamodb_client()
clients = time.process_time()

import io, sys
from botocore.response import StreamingBody
from botocore.stub import Stubber
body = open(sys.argv[1], "rb").read()
s3_stub, dynamodb_stub = Stubber(s3), Stubber(dynamodb)
s3_stub.add_response("get_object", {"Body": StreamingBody(io.BytesIO(body), len(body)),
                                    "ETag": '"v1"'})
dynamodb_stub.add_response("query", {"Items": [], "Count": 0, "ScannedCount": 0})
s3_stub.activate()
dynamodb_stub.activate()
event = {"resource": "/", "path": "/", "httpMethod": "GET", "headers": {"accept": "text/html"},
         "multiValueQueryStringParameters": None, "pathParameters": None,
         "stageVariables": None, "body": None, "isBase64Encoded": False,
         "requestContext": {"httpMethod": "GET", "resourcePath": "/", "path": "/api/",
                            "stage": "api", "domainName": "abc123.execute-api.amazonaws.com"}}
stubbed = time.process_time()

answer = app.app(event, None)
served = time.process_time()
assert answer["statusCode"] == 200, answer
import json, os
code_dir = os.path.realpath(sys.argv[2]) + os.sep if len(sys.argv) > 2 else ""
modules = sorted(
    os.path.relpath(module.__file__, code_dir) for module in list(sys.modules.values())
    if code_dir and (getattr(module, "__file__", None) or "").startswith(code_dir)
)
print(json.dumps({"import_app": imported - started, "clients": clients - imported,
                  "first_request": served - stubbed, "setup": stubbed - clients,
                  "modules": modules}), flush=True)
os._exit(0)  # a Lambda container is frozen, never torn down
"""


def page_environment(code_dir: Path) -> dict[str, str]:
    """What the page function sees: the unpacked code first, boto3 (the runtime's) after it,
    its bucket and table, a region, no real credentials, and no bytecode written."""
    import boto3

    runtime_packages = Path(boto3.__file__).resolve().parents[1]
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.pathsep.join([str(code_dir), str(runtime_packages)]),
        "PYTHONDONTWRITEBYTECODE": "1",  # /var/task is read-only
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "ACADPAGE_BUCKET": "acadpage-bench",
        "ACADPAGE_TABLE": "acadpage-bench-citations",
        "ACADPAGE_SCHOLAR_ID": "DhtAFkwAAAAJ",
    }


def unpack(archive: Path, into: Path) -> Path:
    """The zip unpacked as Lambda does, every file dated as the zip says."""
    import time

    with zipfile.ZipFile(archive) as zipped:
        for info in zipped.infolist():
            path = zipped.extract(info, into)
            stamp = time.mktime((*info.date_time, 0, 0, -1))
            os.utime(path, (stamp, stamp))
    return into


def run_as_page_function(code: str, code_dir: Path) -> dict:
    """The JSON document `code` prints, run from `code_dir` in a fresh interpreter that sees
    what the page function sees (its arguments: the example content and `code_dir`)."""
    run = subprocess.run(
        [sys.executable, "-c", code, str(EXAMPLE), str(code_dir)],
        cwd=code_dir, env=page_environment(code_dir), capture_output=True, text=True,
        check=False, timeout=120,
    )  # fmt: skip
    if run.returncode:
        raise RuntimeError(f"the page function's process failed from {code_dir}:\n{run.stderr}")
    return json.loads(run.stdout)


def run_first_request(code_dir: Path) -> dict:
    """One cold first request run from `code_dir`, in a fresh interpreter."""
    return run_as_page_function(FIRST_REQUEST, code_dir)


def pyc_name(source: str) -> str:
    """Where Python looks for a module's bytecode: `pkg/__pycache__/mod.cpython-311.pyc`."""
    folder, _, name = source.rpartition("/")
    cached = f"__pycache__/{name[:-3]}.{sys.implementation.cache_tag}.pyc"
    return f"{folder}/{cached}" if folder else cached


def hash_pyc(source: bytes, filename: str) -> bytes:
    """Bytecode Python loads without looking at the source's timestamp (PEP 552, unchecked)."""
    with tempfile.TemporaryDirectory() as tmp:
        module, compiled = Path(tmp, "module.py"), Path(tmp, "module.pyc")
        module.write_bytes(source)
        py_compile.compile(
            str(module), cfile=str(compiled), dfile=filename, doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )  # fmt: skip
        return compiled.read_bytes()


FIRST_PARTY = ("app.py", "chalicelib/")


def module_files(module: str, names: Container[str]) -> list[str]:
    """The files of `module` and of the packages above it that are in `names`."""
    parts = module.split(".")
    found = []
    for end in range(1, len(parts) + 1):
        path = "/".join(parts[:end])
        found += [f for f in (f"{path}.py", f"{path}/__init__.py") if f in names]
    return found


def imported_first_party(sources: dict[str, bytes], root: str = "app.py") -> set[str]:
    """The first-party files `root` reaches through its import statements, those inside
    functions included (the app imports most of its modules on first use)."""
    reached, todo = set(), [root]
    while todo:
        name = todo.pop()
        if name in reached:
            continue
        reached.add(name)
        for node in ast.walk(ast.parse(sources[name], name)):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            else:
                continue
            for module in modules:
                todo += module_files(module, sources)
    return reached


def unused_files(names: list[str], sources: dict[str, bytes]) -> set[str]:
    """What no function can run: first-party modules `app.py` never imports, and the test
    suites inside third-party packages (certifi/tests/...)."""
    first_party = {name for name in sources if name.startswith(FIRST_PARTY)}
    tests = {n for n in names if n.split("/")[1:2] == ["tests"] and not n.startswith(FIRST_PARTY)}
    return (first_party - imported_first_party(sources)) | tests


def precompile(archive: Path) -> list[str]:
    """Rewrite `archive` with bytecode for the page path's modules and without the files no
    function runs; returns the page path's module names."""
    with zipfile.ZipFile(archive) as old:
        names = old.namelist()
        sources = {n: old.read(n) for n in names if n.endswith(".py") and n.startswith(FIRST_PARTY)}
    dropped = unused_files(names, sources)
    with tempfile.TemporaryDirectory() as tmp:
        modules = run_first_request(unpack(archive, Path(tmp)))["modules"]
    page_sources = {name for name in modules if name.endswith(".py")}
    rewritten = archive.with_suffix(".tmp")
    with (
        zipfile.ZipFile(archive) as old,
        zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as new,
    ):
        for info in old.infolist():
            if "__pycache__/" in info.filename or info.filename in dropped:
                continue  # this machine's timestamps (stale in Lambda), or never run
            body = old.read(info)
            new.writestr(info, body, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
            if info.filename in page_sources:
                compiled = zipfile.ZipInfo(pyc_name(info.filename), info.date_time)
                compiled.external_attr = info.external_attr
                new.writestr(compiled, hash_pyc(body, info.filename), zipfile.ZIP_DEFLATED, 9)
    rewritten.replace(archive)
    return sorted(page_sources)


def main() -> None:
    archive = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build/package/deployment.zip"
    compiled = precompile(archive)
    size = archive.stat().st_size / 1_000_000
    print(
        f"{archive.name}: bytecode for the {len(compiled)} modules of the page path, {size:.2f} MB"
    )


if __name__ == "__main__":
    main()
