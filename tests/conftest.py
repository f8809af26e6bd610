"""Shared fixtures: an embedded AWS (moto), the example content, and a Chalice test client."""

from __future__ import annotations

from pathlib import Path

import pytest
from moto import mock_aws

from chalicelib import runtime

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
LOCAL_BUCKET = "acadpage-local"  # the `local` stage of .chalice/config.json
CITATION_TABLE = "acadpage-citations"
pytest_plugins = ["tests.skip_gate"]


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch):
    """Fake credentials and a region, so nothing could ever reach a real account."""
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SECURITY_TOKEN",
        "AWS_SESSION_TOKEN",
    ):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    runtime.reset()
    yield
    runtime.reset()


@pytest.fixture
def aws():
    """An empty embedded AWS."""
    with mock_aws():
        yield


@pytest.fixture
def local_settings(monkeypatch):
    """The settings of the `local` stage, as the Chalice test client sets them."""
    import json

    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    env = {**config["environment_variables"], **config["stages"]["local"]["environment_variables"]}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    runtime.reset()
    return runtime.settings()


@pytest.fixture
def seeded(aws, local_settings):
    """The embedded AWS with the example site uploaded."""
    from chalicelib.aws.embedded import seed_embedded_aws

    seed_embedded_aws(local_settings, runtime.s3_client(), runtime.dynamodb_client(), EXAMPLES)
    runtime.reset()
    return local_settings


@pytest.fixture
def client(seeded):
    """A Chalice test client on the seeded embedded AWS."""
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="local", project_dir=str(ROOT)) as test_client:
        yield test_client


@pytest.fixture
def dynamodb(aws):
    """An embedded DynamoDB with an empty citation table."""
    import boto3

    from chalicelib.citations.store import create_table

    client = boto3.client("dynamodb", region_name="us-east-1")
    create_table(client, CITATION_TABLE)
    return client


@pytest.fixture
def store(dynamodb):
    """The citation store on that table."""
    from chalicelib.citations.store import CitationStore

    return CitationStore(dynamodb, CITATION_TABLE)


@pytest.fixture(scope="session")
def package(tmp_path_factory) -> Path:
    """build/package/ as `make package` writes it, built once into a temporary folder."""
    from tests.packaging import WHEELHOUSE, build_package

    if not any(WHEELHOUSE.glob("*.whl")):
        pytest.fail("no wheelhouse: run `make test` (it downloads the Lambda wheels once)")
    tmp = tmp_path_factory.mktemp("package")
    run = build_package(tmp)
    assert run.returncode == 0, run.stdout + run.stderr
    return tmp / "package"


@pytest.fixture(scope="session")
def template(package) -> dict:
    """The packaged SAM template (sam.json)."""
    import json

    return json.loads((package / "sam.json").read_text())


@pytest.fixture(scope="session")
def expanded(template) -> dict:
    """The packaged template as CloudFormation runs it, expanded by SAM's translator."""
    from tests.packaging import expand_sam

    return expand_sam(template)
