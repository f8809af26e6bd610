"""The packaged stack created as CloudFormation creates it (moto's, on a local moto server, with
the shims of tests/moto_shims.py), then `bootstrap --from-stack`, `push`, and every function runs
from the unpacked zip the way Lambda runs them: a fresh interpreter that has the zip and boto3
and nothing else, the environment the stack gave each function, and SAM CLI's event shapes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from chalicelib.cli import main
from scripts.precompile_package import unpack
from tests.conftest import EXAMPLES, FIXTURES, ROOT
from tests.httpserver import LocalHTTPServer, Reply
from tests.moto_shims import for_moto
from tests.packaging import PACKAGED_PROFILE, UPLOADED_CODE

pytest.importorskip("flask", reason="moto's server needs moto[server]: `make test` installs it")

STACK = "acadpage-prod"
PROFILE_PAGE = (FIXTURES / "scholar" / "profile_P1RwlvoAAAAJ_complete.html").read_text()
# What Lambda's Python runtime brings besides the zip.
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six.py")
# `sam local generate-event apigateway aws-proxy` and `sam local generate-event cloudwatch
# scheduled-event`, with this request's method, path and headers.
SCHEDULED_EVENT = {
    "version": "0",
    "id": "cdc73f9d-aea9-11e3-9d5a-835b769c0d9c",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "123456789012",
    "time": "1970-01-01T00:00:00Z",
    "region": "us-east-1",
    "resources": ["arn:aws:events:us-east-1:123456789012:rule/ExampleRule"],
    "detail": {},
}
INVOKE = """
import json, os, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import app
handler = getattr(app, sys.argv[3])
results = [handler(json.loads(event), None) for event in sys.argv[4:]]
# every module came from the zip, the runtime's packages or the standard library
allowed = (sys.argv[1], sys.argv[2], os.path.dirname(os.__file__))
outside = sorted(
    m.__file__ for m in list(sys.modules.values())
    if getattr(m, "__file__", None) and not m.__file__.startswith(allowed)
)
print(json.dumps({"results": results, "outside": outside}))
"""


def api_event(path: str, accept: str) -> dict:
    """SAM CLI's API Gateway proxy event for a GET of `path` (its resource: the app's route)."""
    from tests.edge_replay import api_gateway_event

    routes = {
        "/": "/",
        "/badge/citations.json": "/badge/{name}",
        "/media/avatar.svg": "/media/{name}",
    }
    resource = routes[path]
    parameters = {"name": path.rsplit("/", 1)[1]} if "{name}" in resource else {}
    headers = {"Accept": accept, "Host": "abc123defg.execute-api.us-east-1.amazonaws.com"}
    return api_gateway_event("GET", path, resource, parameters, headers, "api")


@pytest.fixture(scope="module")
def moto_server():
    """A moto server on 127.0.0.1: one AWS for this process and the functions' processes."""
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def stack(package, expanded, moto_server, monkeypatch, tmp_path):
    """The expanded template created in moto's CloudFormation, its code uploaded first as
    `aws cloudformation package` does; a project folder whose prod stage names nothing."""
    import requests

    requests.post(f"{moto_server}/moto-api/reset", timeout=10)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    for variable in PACKAGED_PROFILE:
        monkeypatch.delenv(variable, raising=False)
    bucket, key = UPLOADED_CODE.removeprefix("s3://").split("/", 1)
    boto3.client("s3").create_bucket(Bucket=bucket)
    boto3.client("s3").upload_file(str(package / "deployment.zip"), bucket, key)
    from tests.test_edge import create_distribution

    distribution_id, _ = create_distribution()
    cloudformation = boto3.client("cloudformation")
    cloudformation.create_stack(
        StackName=STACK,
        TemplateBody=json.dumps(for_moto(expanded, distribution_id)),
        Capabilities=["CAPABILITY_IAM"],
    )
    (described,) = cloudformation.describe_stacks(StackName=STACK)["Stacks"]
    assert described["StackStatus"] == "CREATE_COMPLETE", described.get("StackStatusReason")
    project = tmp_path / "project"
    (project / ".chalice").mkdir(parents=True)
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    config["stages"]["prod"]["environment_variables"]["ACADPAGE_CONTENT_TTL"] = "0"
    (project / ".chalice" / "config.json").write_text(json.dumps(config))
    return project, distribution_id


def function_environment(logical: str) -> tuple[str, dict[str, str]]:
    """The physical name and the environment the stack gave one of its functions."""
    # CloudFormation names a function <stack>-<logical id>-<suffix>
    functions = boto3.client("lambda").list_functions()["Functions"]
    (configuration,) = [f for f in functions if f["FunctionName"].startswith(f"{STACK}-{logical}-")]
    return configuration["FunctionName"], configuration["Environment"]["Variables"]


def run_like_lambda(code_dir: Path, handler: str, environment: dict, *events: dict) -> dict:
    """Each event through `app.<handler>` in one fresh interpreter without site-packages: the
    unpacked zip first, then only the packages Lambda's runtime brings."""
    import boto3 as runtime_boto3

    runtime = code_dir.parent / "runtime"
    if not runtime.exists():
        runtime.mkdir()
        site = Path(runtime_boto3.__file__).resolve().parents[1]
        for name in RUNTIME_PACKAGES:
            (runtime / name).symlink_to(site / name)
    env = {
        **environment,
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": os.environ["AWS_ENDPOINT_URL"],
    }
    command = [sys.executable, "-S", "-c", INVOKE, str(code_dir), str(runtime), handler]
    run = subprocess.run(
        [*command, *(json.dumps(event) for event in events)],
        cwd=code_dir, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_the_stack_creates_records_takes_a_push_and_runs_every_function(stack, package, tmp_path):
    project, distribution_id = stack
    in_project = ["--stage", "prod", "--project-dir", str(project)]

    assert main(["bootstrap", "--from-stack", STACK, *in_project]) == 0
    record = json.loads((project / ".acadpage" / "prod.json").read_text())
    assert record["profile"] == PACKAGED_PROFILE
    assert record["distribution_id"] == distribution_id
    assert main(["push", str(EXAMPLES / "site.yaml"), *in_project]) == 0
    stored = boto3.client("s3").get_object(Bucket=record["bucket"], Key="media/avatar.svg")
    assert stored["ContentType"] == "image/svg+xml"

    code = unpack(package / "deployment.zip", tmp_path / "task")
    _, page_env = function_environment("APIHandler")
    _, refresh_env = function_environment("RefreshCitations")
    assert page_env["ACADPAGE_BUCKET"] == refresh_env["ACADPAGE_BUCKET"] == record["bucket"]
    assert page_env["ACADPAGE_SCHOLAR_ID"] == PACKAGED_PROFILE["ACADPAGE_SCHOLAR_ID"]

    with LocalHTTPServer({}) as sources:  # Scholar and OpenAlex, on 127.0.0.1
        sources.route("/citations", Reply(200, {"Content-Type": "text/html"}, PROFILE_PAGE))
        here = {"ACADPAGE_SCHOLAR_URL": sources.url, "ACADPAGE_OPENALEX_URL": sources.url,
                "ACADPAGE_SCHOLAR_DELAY": "0"}  # fmt: skip
        refreshed = run_like_lambda(code, "refresh_citations", refresh_env | here, SCHEDULED_EVENT)
    assert refreshed["outside"] == []
    assert refreshed["results"][0]["published"] is True
    # a stack of one site, as today: the fan-out's functions do nothing (docs/fanout.md)
    for name, handler in (("ScholarTick", "scholar_tick"), ("OpenBatches", "open_batches")):
        _, fan_out_env = function_environment(name)
        ran = run_like_lambda(code, handler, fan_out_env | here, SCHEDULED_EVENT)
        assert (ran["outside"], ran["results"]) == ([], [None]), name

    page_events = [
        api_event("/", "text/html"),
        api_event("/badge/citations.json", "*/*"),
        api_event("/media/avatar.svg", "image/svg+xml"),
    ]
    served = run_like_lambda(code, "app", page_env, *page_events)
    assert served["outside"] == []
    home, badge, avatar = served["results"]
    assert home["statusCode"] == 200 and "<html" in home["body"]
    assert json.loads(badge["body"])["message"] == "39"
    assert (avatar["statusCode"], avatar["headers"]["Content-Type"]) == (200, "image/svg+xml")
    # the refresh cleared the badges at the edge of the stack's distribution
    listed = boto3.client("cloudfront").list_invalidations(DistributionId=distribution_id)
    assert listed["InvalidationList"]["Quantity"] >= 2  # the push's, and the refresh's
