"""Members write only their own site. The exact policies `acadpage site add` writes are
evaluated with a maintained IAM policy simulator (@cloud-copilot/iam-simulate: resources and
conditions such as s3:prefix and dynamodb:LeadingKeys, as IAM evaluates them), and an IAM user
made by `site add --create-user` is tried against moto's S3, whose enforcement honours object
resources (moto ignores Resource and Condition for DynamoDB, so the table is proven by the
simulator alone)."""

from __future__ import annotations

import json
import shutil
import subprocess

import boto3
import pytest
from botocore.exceptions import ClientError

from chalicelib.aws.member_policy import admin_policy, member_policy
from chalicelib.lab.siteid import DEFAULT_SITE, SiteId, site_keys
from tests.conftest import ROOT
from tests.test_cli_deploy import ACCOUNT, BUCKET, TABLE, in_project, run

SIMULATOR = ROOT / "node_modules" / "@cloud-copilot" / "iam-simulate"
BUCKET_ARN = f"arn:aws:s3:::{BUCKET}"
TABLE_ARN = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{TABLE}"
DISTRIBUTION_ARN = f"arn:aws:cloudfront::{ACCOUNT}:distribution/E2QWRUHAPOMQZL"
ALICE, BOB, ALICE_B = SiteId("alice"), SiteId("bob"), SiteId("alice-b")

pytestmark = pytest.mark.skipif(
    not (shutil.which("node") and SIMULATOR.is_dir()),
    reason="needs node and `npm ci` (the IAM policy simulator)",
)


@pytest.fixture
def project(tmp_path):
    """A project with the repository's Chalice settings."""
    shutil.copytree(
        ROOT / ".chalice", tmp_path / ".chalice", ignore=shutil.ignore_patterns("deployed")
    )
    return tmp_path


def simulate(policy: dict, requests: list[tuple[str, str, dict]]) -> list[str]:
    """The simulator's verdict on each (action, resource, context) under `policy`."""
    batch = [{"policy": policy, "action": action, "resource": resource, "context": context}
             for action, resource, context in requests]  # fmt: skip
    run_ = subprocess.run(
        ["node", str(ROOT / "tests" / "iam_simulate.js")], input=json.dumps(batch),
        capture_output=True, text=True, timeout=120, check=False, cwd=ROOT,
    )  # fmt: skip
    assert run_.returncode == 0, run_.stderr
    answers = json.loads(run_.stdout)
    assert not [answer for answer in answers if answer.startswith("error")], answers
    return answers


def object_arn(site: SiteId, folder: str, name: str) -> str:
    """The ARN of an object where the code keeps it (lab.siteid), not as a test spells it."""
    keys = site_keys(site)
    prefix = {"content": keys.content_prefix, "media": keys.media_prefix,
              "stats": keys.stats_prefix}[folder]  # fmt: skip
    return f"{BUCKET_ARN}/{prefix}{name}"


def partition(site: SiteId) -> str:
    return site_keys(site).citation_partition("DhtAFkwAAAAJ")


# (what, action, resource, context): every write, delete and read of a site's content, media,
# stats and numbers, and of the lab's own site and registry
def requests_on(site: SiteId) -> list[tuple[str, str, str, dict]]:
    return [
        ("write content", "s3:PutObject", object_arn(site, "content", "site.yaml"), {}),
        ("delete content", "s3:DeleteObject", object_arn(site, "content", "site.yaml"), {}),
        ("read a draft version", "s3:GetObjectVersion",
         object_arn(site, "content", "site.yaml"), {}),
        ("read content", "s3:GetObject", object_arn(site, "content", "site.zh.yaml"), {}),
        ("write media", "s3:PutObject", object_arn(site, "media", "face.png"), {}),
        ("delete media", "s3:DeleteObject", object_arn(site, "media", "face.png"), {}),
        ("write stats", "s3:PutObject", object_arn(site, "stats", "gs_data.json"), {}),
        ("list its files", "s3:ListBucket", BUCKET_ARN,
         {"s3:prefix": site_keys(site).content_prefix}),
        ("write numbers", "dynamodb:PutItem", TABLE_ARN,
         {"dynamodb:LeadingKeys": [partition(site)]}),
        ("delete numbers", "dynamodb:DeleteItem", TABLE_ARN,
         {"dynamodb:LeadingKeys": [partition(site)]}),
        ("read numbers", "dynamodb:Query", TABLE_ARN, {"dynamodb:LeadingKeys": [partition(site)]}),
    ]  # fmt: skip


def verdicts(policy: dict, site: SiteId) -> dict[str, str]:
    requests = requests_on(site)
    answers = simulate(
        policy, [(action, resource, context) for _, action, resource, context in requests]
    )
    return {what: answer for (what, *_), answer in zip(requests, answers, strict=True)}


@pytest.fixture(scope="module")
def alice_policy() -> dict:
    return member_policy(ALICE, BUCKET_ARN, TABLE_ARN, DISTRIBUTION_ARN)


def test_a_member_may_write_delete_and_read_everything_of_their_own_site(alice_policy):
    assert set(verdicts(alice_policy, ALICE).values()) == {"Allowed"}


@pytest.mark.parametrize("other", [BOB, ALICE_B, DEFAULT_SITE], ids=str)
def test_a_member_may_not_touch_anything_of_another_site(alice_policy, other):
    # alice-b shares alice's first letters: prefixes end at a separator, never mid-name
    allowed = {
        what for what, answer in verdicts(alice_policy, other).items() if answer == "Allowed"
    }
    assert allowed == set()


@pytest.mark.parametrize(
    ("what", "action", "resource", "context"),
    [
        ("the registry", "dynamodb:PutItem", TABLE_ARN,
         {"dynamodb:LeadingKeys": ["REGISTRY#SITES"]}),
        ("a batch that reaches another site", "dynamodb:BatchWriteItem", TABLE_ARN,
         {"dynamodb:LeadingKeys": [partition(ALICE), partition(BOB)]}),
        ("a request with no key", "dynamodb:Query", TABLE_ARN, {}),
        ("the whole bucket's listing", "s3:ListBucket", BUCKET_ARN, {"s3:prefix": ""}),
        ("the lab page", "s3:PutObject", f"{BUCKET_ARN}/content/lab.yaml", {}),
        ("another stage's bucket", "s3:PutObject",
         "arn:aws:s3:::acadpage-prod-123456789012/sites/alice/content/site.yaml", {}),
    ],
)  # fmt: skip
def test_a_member_is_refused_what_the_prefixes_alone_would_not_show(
    alice_policy, what, action, resource, context
):
    assert simulate(alice_policy, [(action, resource, context)]) == ["ImplicitlyDenied"]


def test_the_labs_admin_may_write_every_site_and_the_registry():
    policy = admin_policy(BUCKET_ARN, TABLE_ARN, DISTRIBUTION_ARN)
    for site in (ALICE, BOB, DEFAULT_SITE):
        assert set(verdicts(policy, site).values()) == {"Allowed"}
    registry = ("dynamodb:PutItem", TABLE_ARN, {"dynamodb:LeadingKeys": ["REGISTRY#SITES"]})
    assert simulate(policy, [registry]) == ["Allowed"]


def test_site_add_writes_the_policy_the_simulator_was_given(aws, project, capsys):
    code, _, err = run(capsys, "bootstrap", "--stage", "dev", *in_project(project))
    assert (code, err) == (0, "")
    code, out, err = run(capsys, "site", "add", "alice", "--stage", "dev",
                         "--host", "alice.example.org", *in_project(project))  # fmt: skip
    assert (code, err) == (0, "")
    written = json.loads(
        (project / ".acadpage" / "dev" / "sites" / "alice.policy.json").read_text()
    )
    assert written == member_policy(ALICE, BUCKET_ARN, TABLE_ARN)
    assert "site alice: registered on stage dev, served at /people/alice/, alice.example.org" in out


def test_moto_refuses_a_members_user_another_members_objects(aws, project, capsys):
    from moto.core.authorization import ActionAuthenticatorMixin

    assert run(capsys, "bootstrap", "--stage", "dev", *in_project(project))[0] == 0
    for site in ("alice", "bob"):
        assert run(capsys, "site", "add", site, "--stage", "dev", "--create-user",
                   *in_project(project))[0] == 0  # fmt: skip
    credentials = (project / ".acadpage" / "dev" / "sites" / "alice.credentials").read_text()
    assert (
        oct((project / ".acadpage" / "dev" / "sites" / "alice.credentials").stat().st_mode)[-3:]
        == "600"
    )
    key_id, secret = (line.split(" = ")[1] for line in credentials.splitlines()[1:3])
    admin = boto3.client("s3")
    admin.put_object(Bucket=BUCKET, Key="sites/bob/content/site.yaml", Body=b"bob")

    @ActionAuthenticatorMixin.set_initial_no_auth_action_count(0)
    def as_alice():
        s3 = boto3.client("s3", aws_access_key_id=key_id, aws_secret_access_key=secret)
        s3.put_object(Bucket=BUCKET, Key="sites/alice/content/site.yaml", Body=b"alice")
        outcomes = {}
        bob = {"Bucket": BUCKET, "Key": "sites/bob/content/site.yaml"}
        for what, call in {
            "write": lambda: s3.put_object(**bob, Body=b"x"),
            "read": lambda: s3.get_object(**bob),
            "delete": lambda: s3.delete_object(**bob),
            "lab": lambda: s3.put_object(Bucket=BUCKET, Key="content/lab.yaml", Body=b"x"),
        }.items():
            try:
                call()
                outcomes[what] = "done"
            except ClientError as error:
                outcomes[what] = error.response["Error"]["Code"]
        return outcomes

    assert as_alice() == dict.fromkeys(("write", "read", "delete", "lab"), "AccessDenied")
    assert (
        admin.get_object(Bucket=BUCKET, Key="sites/bob/content/site.yaml")["Body"].read() == b"bob"
    )
    assert (
        admin.get_object(Bucket=BUCKET, Key="sites/alice/content/site.yaml")["Body"].read()
        == b"alice"
    )
