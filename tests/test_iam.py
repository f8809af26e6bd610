"""The functions' IAM policies grant what the code calls, on acadpage's own resources only."""

from __future__ import annotations

import ast
import json
from functools import cache

import pytest
from botocore import xform_name
from botocore.session import get_session

from chalicelib.aws.stages import lambda_policy, stage_environment
from tests.conftest import ROOT

CHALICE = ROOT / ".chalice"
CONFIG = json.loads((CHALICE / "config.json").read_text())
DEPLOYED_STAGES = [name for name, stage in CONFIG["stages"].items() if "iam_policy_file" in stage]
RESOURCES_TEMPLATE = json.loads((ROOT / "deploy" / "resources.json").read_text())
# Modules the Lambda functions do not run: the command line, importers, the embedded AWS.
# Only `acadpage serve` runs these (embedded moto) and the acadpage command, never a Lambda.
NOT_IN_LAMBDA = {"aws/embedded.py"}
NOT_IN_LAMBDA_DIRS = ("cli/",)
# Operations whose IAM action has another name.
IAM_ACTION_OF = {
    "s3:HeadObject": "s3:GetObject",
    "s3:ListObjectsV2": "s3:ListBucket",
    "s3:ListObjects": "s3:ListBucket",
}
# Granted beyond the calls: lets S3 answer 404 (not 403) for a missing key the page asks for.
GRANTED_FOR_404 = {"s3:ListBucket"}


@cache
def operations() -> dict[str, str]:
    """boto3 method name -> "service:Operation", for the services acadpage uses."""
    session = get_session()
    names = {}
    for service in ("s3", "dynamodb"):
        for operation in session.get_service_model(service).operation_names:
            names[xform_name(operation)] = f"{service}:{operation}"
    return names


def actions_called_by_lambda_code() -> dict[str, set[str]]:
    """IAM action -> modules calling it, from `self.<client>.<operation>(...)` in chalicelib/."""
    called: dict[str, set[str]] = {}
    for path in sorted((ROOT / "chalicelib").rglob("*.py")):
        name = path.relative_to(ROOT / "chalicelib").as_posix()
        if name in NOT_IN_LAMBDA or name.startswith(NOT_IN_LAMBDA_DIRS):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            receiver = node.func.value
            is_client = (
                isinstance(receiver, ast.Attribute)
                and isinstance(receiver.value, ast.Name)
                and receiver.value.id == "self"
            )
            operation = operations().get(node.func.attr)
            if is_client and operation:
                action = IAM_ACTION_OF.get(operation, operation)
                called.setdefault(action, set()).add(name)
    return called


def statements(policy: dict) -> list[dict]:
    return policy["Statement"]


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def granted(policy: dict) -> set[str]:
    return {action for statement in statements(policy) for action in as_list(statement["Action"])}


def resources_of(policy: dict, action: str) -> list:
    return [
        resource
        for statement in statements(policy)
        if action in as_list(statement["Action"])
        for resource in as_list(statement["Resource"])
    ]


def policy_file(stage: str) -> dict:
    return json.loads((CHALICE / CONFIG["stages"][stage]["iam_policy_file"]).read_text())


def stack_policy() -> dict:
    """The policy `make package` gives the API function's role (deploy/resources.json)."""
    role = RESOURCES_TEMPLATE["Resources"]["ApiHandlerRole"]
    return role["Properties"]["Policies"][0]["PolicyDocument"]


def bootstrapped_policy() -> dict:
    """The policy `acadpage bootstrap` writes for a real bucket and table."""
    return lambda_policy(
        "aws",
        "acadpage-dev-123456789012",
        "arn:aws:dynamodb:eu-west-1:123456789012:table/acadpage-dev-citations",
        stage_environment(ROOT, "dev"),
    )


POLICIES = {
    **{f"policy file of stage {stage}": policy_file(stage) for stage in DEPLOYED_STAGES},
    "deploy/resources.json role": stack_policy(),
    "written by bootstrap": bootstrapped_policy(),
}


def test_dev_and_prod_stages_use_their_own_policy_file_and_no_generated_policy():
    for stage in ("dev", "prod"):
        config = CONFIG["stages"][stage]
        assert config["autogen_policy"] is False
        assert config["iam_policy_file"] == f"policy-{stage}.json"
        assert (CHALICE / config["iam_policy_file"]).is_file()


def test_the_code_scan_finds_the_storage_calls():
    called = actions_called_by_lambda_code()
    assert called["s3:GetObject"] == {"aws/content_store.py"}
    assert called["s3:PutObject"] == {"citations/stats_files.py"}
    assert "dynamodb:Query" in called


@pytest.mark.parametrize("name", POLICIES)
def test_every_action_the_code_calls_is_granted_and_nothing_else(name):
    policy = POLICIES[name]
    called = set(actions_called_by_lambda_code())
    aws_actions = {action for action in granted(policy) if not action.startswith("logs:")}
    assert called <= aws_actions, f"{name} lacks {sorted(called - aws_actions)}"
    assert aws_actions - called <= GRANTED_FOR_404, f"{name} also grants {aws_actions - called}"


@pytest.mark.parametrize("name", POLICIES)
def test_no_wildcard_resource_or_action_except_for_logs(name):
    for statement in statements(POLICIES[name]):
        assert statement["Effect"] == "Allow"
        actions = as_list(statement["Action"])
        assert not any("*" in action for action in actions), statement
        if "*" in as_list(statement["Resource"]):
            assert all(action.startswith("logs:") for action in actions), statement


@pytest.mark.parametrize("name", [n for n in POLICIES if n != "deploy/resources.json role"])
def test_objects_are_granted_under_their_prefixes_only(name):
    policy = POLICIES[name]
    env = stage_environment(ROOT, "dev")
    read = resources_of(policy, "s3:GetObject")
    assert sorted(r.rsplit("/", 2)[-2] + "/" for r in read) == sorted(
        [env["ACADPAGE_CONTENT_PREFIX"], env["ACADPAGE_MEDIA_PREFIX"]]
    )
    assert all(r.endswith("/*") for r in read)
    (written,) = resources_of(policy, "s3:PutObject")
    assert written.endswith("/" + env["ACADPAGE_STATS_PREFIX"] + "*")
    (bucket,) = resources_of(policy, "s3:ListBucket")
    assert written.startswith(bucket + "/") and all(r.startswith(bucket + "/") for r in read)


@pytest.mark.parametrize("name", [n for n in POLICIES if n != "deploy/resources.json role"])
def test_the_table_actions_name_one_table(name):
    tables = {
        resource
        for action in granted(POLICIES[name])
        if action.startswith("dynamodb:")
        for resource in resources_of(POLICIES[name], action)
    }
    (table,) = tables
    assert ":table/" in table and table.rsplit("/", 1)[-1] and "*" not in table.rsplit("/", 1)[-1]


def test_the_stack_policy_names_the_stacks_bucket_and_table():
    policy = stack_policy()
    read = resources_of(policy, "s3:GetObject")
    env = stage_environment(ROOT, "dev")
    assert read == [
        {"Fn::Sub": "${ContentBucket.Arn}/" + env["ACADPAGE_CONTENT_PREFIX"] + "*"},
        {"Fn::Sub": "${ContentBucket.Arn}/" + env["ACADPAGE_MEDIA_PREFIX"] + "*"},
    ]
    assert resources_of(policy, "s3:PutObject") == [
        {"Fn::Sub": "${ContentBucket.Arn}/" + env["ACADPAGE_STATS_PREFIX"] + "*"}
    ]
    assert resources_of(policy, "s3:ListBucket") == [{"Fn::GetAtt": ["ContentBucket", "Arn"]}]
    assert resources_of(policy, "dynamodb:Query") == [{"Fn::GetAtt": ["CitationTable", "Arn"]}]


def test_every_function_role_in_the_stack_gets_the_same_policy():
    roles = {
        name: resource["Properties"]["Policies"]
        for name, resource in RESOURCES_TEMPLATE["Resources"].items()
        if name.endswith("Role")
    }
    assert set(roles) == {"ApiHandlerRole", "RefreshCitationsRole"}
    for name, policies in roles.items():
        (policy,) = policies
        assert policy["PolicyName"] == name + "Policy"
        assert policy["PolicyDocument"] == stack_policy()


def test_bootstrap_policy_is_what_the_stack_grants_with_names_filled_in():
    def shape(policy):
        return [(s["Sid"], sorted(as_list(s["Action"]))) for s in statements(policy)]

    assert shape(bootstrapped_policy()) == shape(stack_policy())
    for stage in DEPLOYED_STAGES:
        assert shape(policy_file(stage)) == shape(stack_policy())
