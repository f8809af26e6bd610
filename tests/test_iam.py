"""Each Lambda function's IAM policy grants exactly its own code's calls, on its own resources.

tests/iam_scan.py follows each function's handlers in app.py through chalicelib to the AWS calls
they reach; here every policy a function can be deployed with (the stage's policy files, what
`acadpage bootstrap` writes, its role in the packaged stack) is checked against those calls.
"""

from __future__ import annotations

import ast
import json

import pytest

from chalicelib.aws.stages import (
    FANOUT_FUNCTIONS,
    OPEN_BATCHES_FUNCTION,
    PAGE_FUNCTION,
    POLICY_FILE_OF,
    REFRESH_FUNCTION,
    SCHOLAR_TICK_FUNCTION,
    default_bucket,
    default_table,
    lambda_policies,
    stage_environment,
)
from tests.conftest import ROOT
from tests.iam_scan import aws_call, calls_of, handlers

CHALICE = ROOT / ".chalice"
CONFIG = json.loads((CHALICE / "config.json").read_text())
DEPLOYED_STAGES = ("dev", "prod")
FUNCTIONS = (PAGE_FUNCTION, REFRESH_FUNCTION, *FANOUT_FUNCTIONS)
RESOURCES_TEMPLATE = json.loads((ROOT / "deploy" / "resources.json").read_text())
STACK_ROLE_OF = {
    PAGE_FUNCTION: "ApiHandlerRole",
    REFRESH_FUNCTION: "RefreshCitationsRole",
    SCHOLAR_TICK_FUNCTION: "ScholarTickRole",
    OPEN_BATCHES_FUNCTION: "OpenBatchesRole",
}
DISTRIBUTION_ARN = "arn:aws:cloudfront::123456789012:distribution/E1ABCDEFGHIJKL"
# Granted beyond the code's calls, and why.
BEYOND_THE_CALLS = {
    # lets S3 answer 404 (not 403) for a missing key the page asks for
    PAGE_FUNCTION: {"s3:ListBucket"},
    # Lambda sends a failed scheduled run to the RefreshFailures queue with the function's role
    **{function: {"sqs:SendMessage"} for function in (REFRESH_FUNCTION, *FANOUT_FUNCTIONS)},
}
# Reached only by the scan's following of names, never run, so not granted: the fan-out takes
# its sites from the registry and reads no content, but `action.page` and `registry().sites()`
# name the page's LabService.page and Homepage.sites, which read content and media.
NAMED_NOT_RUN = {function: {"s3:GetObject"} for function in FANOUT_FUNCTIONS}
# Called only when the stage has a CloudFront distribution, so granted only on its ARN: a stage
# without one (as `chalice deploy` makes it) is granted none (see the distribution tests below).
ONLY_WITH_A_DISTRIBUTION = {"cloudfront:CreateInvalidation"}


def statements(policy: dict) -> list[dict]:
    return policy["Statement"]


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def granted(policy: dict) -> set[str]:
    """The policy's actions, logs aside."""
    return {
        action
        for statement in statements(policy)
        for action in as_list(statement["Action"])
        if not action.startswith("logs:")
    }


def resources_of(policy: dict, action: str) -> list:
    return [
        resource
        for statement in statements(policy)
        if action in as_list(statement["Action"])
        for resource in as_list(statement["Resource"])
    ]


def policy_file(stage: str, function: str) -> dict:
    name = CONFIG["stages"][stage]["lambda_functions"][function]["iam_policy_file"]
    return json.loads((CHALICE / name).read_text())


def stack_policy(function: str) -> dict:
    """The policy `make package` gives the function's role (deploy/resources.json)."""
    role = RESOURCES_TEMPLATE["Resources"][STACK_ROLE_OF[function]]
    (policy,) = role["Properties"]["Policies"]
    return policy["PolicyDocument"]


BUCKET = "acadpage-dev-123456789012"
TABLE_ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/acadpage-dev-citations"


def bootstrapped_policy(function: str, distribution_arn: str = "") -> dict:
    """The policy `acadpage bootstrap` writes for a real bucket and table."""
    env = stage_environment(ROOT, "dev")
    return lambda_policies("aws", BUCKET, TABLE_ARN, env, distribution_arn)[function]


POLICIES = {
    **{
        (f"policy file of stage {stage}", function): policy_file(stage, function)
        for stage in DEPLOYED_STAGES
        for function in FUNCTIONS
    },
    **{("deploy/resources.json role", function): stack_policy(function) for function in FUNCTIONS},
    **{("written by bootstrap", function): bootstrapped_policy(function) for function in FUNCTIONS},
    **{
        ("written for a stage with a distribution", function): bootstrapped_policy(
            function, DISTRIBUTION_ARN
        )
        for function in FUNCTIONS
    },
}
NAMED_POLICIES = [key for key in POLICIES if key[0] != "deploy/resources.json role"]


def test_dev_and_prod_give_each_function_its_own_policy_file_and_no_generated_policy():
    for stage in DEPLOYED_STAGES:
        config = CONFIG["stages"][stage]
        assert config["autogen_policy"] is False
        for function in FUNCTIONS:
            name = config["lambda_functions"][function]["iam_policy_file"]
            assert name == f"policy-{stage}-{POLICY_FILE_OF[function]}.json"
            assert (CHALICE / name).is_file()


def test_the_scan_follows_each_function_to_its_own_calls():
    page, refresh = calls_of(PAGE_FUNCTION), calls_of(REFRESH_FUNCTION)
    assert page["s3:GetObject"] == {"chalicelib/aws/content_store.py:ContentStore._get"}
    # the citation state, /status.json's look at the Scholar pacer (docs/fanout.md), the registry
    assert page["dynamodb:Query"] == {
        "chalicelib/citations/store.py:CitationStore._query",
        "chalicelib/citations/pacer_store.py:PacerStore.read_state",
        "chalicelib/aws/registry.py:SiteRegistry.sites",
    }
    assert page["dynamodb:GetItem"] == {
        "chalicelib/aws/registry.py:SiteRegistry.get",
        "chalicelib/aws/registry.py:SiteRegistry.site_for_host",
    }
    assert refresh["s3:PutObject"] == {"chalicelib/citations/stats_files.py:StatsWriter.write_json"}
    assert (
        "chalicelib/citations/store.py:CitationStore.record_attempt"
        in refresh["dynamodb:UpdateItem"]
    )
    # the store module serves both, but the page reaches only its read
    assert not {"dynamodb:PutItem", "dynamodb:BatchWriteItem", "s3:PutObject"} & set(page)
    assert "s3:GetObject" not in refresh
    for function in (REFRESH_FUNCTION, *FANOUT_FUNCTIONS):
        (handler,) = handlers(function)  # the handler Chalice deploys under that name
        assert (handler.module, handler.name) == ("app.py", function)
    # the tick: the pacer's items and the citation items, one table
    tick_updates = calls_of(SCHOLAR_TICK_FUNCTION)["dynamodb:UpdateItem"]
    assert "chalicelib/citations/pacer_store.py:PacerStore.take_lease" in tick_updates
    assert "chalicelib/citations/store.py:CitationStore.record_attempt" in tick_updates


@pytest.mark.parametrize(
    ("code", "action"),
    [
        ("self.s3.head_object(Bucket=b, Key=k)", "s3:GetObject"),
        ("client.batch_write_item(RequestItems=r)", "dynamodb:BatchWriteItem"),
        ("cloudfront.create_invalidation(DistributionId=d)", "cloudfront:CreateInvalidation"),
        ("runtime.cloudfront_client().create_invalidation()", "cloudfront:CreateInvalidation"),
        ("self.items.update(other)", None),
        ("text.split()", None),
    ],
)
def test_the_scan_sees_a_call_on_any_client(code, action):
    assert aws_call(ast.parse(code).body[0].value) == action


@pytest.mark.parametrize("key", POLICIES, ids=" / ".join)
def test_each_function_is_granted_the_calls_its_code_makes_and_nothing_else(key):
    _, function = key
    policy = POLICIES[key]
    called = set(calls_of(function)) - NAMED_NOT_RUN.get(function, set())
    if not ONLY_WITH_A_DISTRIBUTION & granted(policy):
        called -= ONLY_WITH_A_DISTRIBUTION
    assert called <= granted(policy), f"{key} lacks {sorted(called - granted(policy))}"
    extra = granted(policy) - called
    assert extra <= BEYOND_THE_CALLS[function], f"{key} also grants {sorted(extra)}"


@pytest.mark.parametrize("key", POLICIES, ids=" / ".join)
def test_no_wildcard_action_no_wildcard_bucket_and_star_only_for_logs(key):
    for statement in statements(POLICIES[key]):
        assert statement["Effect"] == "Allow"
        actions = as_list(statement["Action"])
        assert not any("*" in action for action in actions), statement
        resources = as_list(statement["Resource"])
        if any(isinstance(r, str) and r.startswith("arn:aws:logs:") for r in resources):
            assert all(action.startswith("logs:") for action in actions), statement
            continue
        for resource in resources:
            if isinstance(resource, str) and resource.startswith("arn:aws:s3:::"):
                assert "*" not in resource.removeprefix("arn:aws:s3:::").split("/")[0], resource
            else:
                assert isinstance(resource, dict) or "*" not in resource, resource


@pytest.mark.parametrize(
    "key", [k for k in NAMED_POLICIES if k[1] == PAGE_FUNCTION], ids=" / ".join
)
def test_the_page_reads_content_and_media_of_one_bucket_and_queries_one_table(key):
    policy = POLICIES[key]
    env = stage_environment(ROOT, "dev")
    (bucket,) = resources_of(policy, "s3:ListBucket")
    assert resources_of(policy, "s3:GetObject") == [
        f"{bucket}/{env['ACADPAGE_CONTENT_PREFIX']}*",
        f"{bucket}/{env['ACADPAGE_MEDIA_PREFIX']}*",
        f"{bucket}/sites/*/content/*",  # every member site's (lab.siteid)
        f"{bucket}/sites/*/media/*",
    ]
    (table,) = resources_of(policy, "dynamodb:Query")
    assert ":table/" in table and "*" not in table


@pytest.mark.parametrize(
    "key", [k for k in NAMED_POLICIES if k[1] != PAGE_FUNCTION], ids=" / ".join
)
def test_the_refresh_and_the_fan_out_write_stats_of_one_bucket_and_the_one_table(key):
    policy = POLICIES[key]
    env = stage_environment(ROOT, "dev")
    written, members = resources_of(policy, "s3:PutObject")
    assert written.startswith("arn:aws:s3:::acadpage-")
    assert written.endswith(f"/{env['ACADPAGE_STATS_PREFIX']}*")
    assert members == written.rsplit("/", 2)[0] + "/sites/*/stats/*"
    tables = {
        resource
        for action in granted(policy)
        if action.startswith("dynamodb:")
        for resource in resources_of(policy, action)
    }
    (table,) = tables
    assert ":table/" in table and "*" not in table


def test_bootstrap_grants_the_invalidation_on_exactly_the_stages_distribution():
    assert (
        resources_of(bootstrapped_policy(REFRESH_FUNCTION), "cloudfront:CreateInvalidation") == []
    )
    with_cdn = bootstrapped_policy(REFRESH_FUNCTION, DISTRIBUTION_ARN)
    assert resources_of(with_cdn, "cloudfront:CreateInvalidation") == [DISTRIBUTION_ARN]
    assert "cloudfront:CreateInvalidation" not in granted(bootstrapped_policy(PAGE_FUNCTION))


def test_the_stack_roles_name_the_stacks_bucket_table_distribution_and_queue():
    env = stage_environment(ROOT, "dev")
    page, refresh = stack_policy(PAGE_FUNCTION), stack_policy(REFRESH_FUNCTION)
    assert resources_of(page, "s3:GetObject") == [
        {"Fn::Sub": "${ContentBucket.Arn}/" + env["ACADPAGE_CONTENT_PREFIX"] + "*"},
        {"Fn::Sub": "${ContentBucket.Arn}/" + env["ACADPAGE_MEDIA_PREFIX"] + "*"},
        {"Fn::Sub": "${ContentBucket.Arn}/sites/*/content/*"},
        {"Fn::Sub": "${ContentBucket.Arn}/sites/*/media/*"},
    ]
    assert resources_of(page, "s3:ListBucket") == [{"Fn::GetAtt": ["ContentBucket", "Arn"]}]
    assert resources_of(page, "dynamodb:Query") == [{"Fn::GetAtt": ["CitationTable", "Arn"]}]
    assert resources_of(refresh, "s3:PutObject") == [
        {"Fn::Sub": "${ContentBucket.Arn}/" + env["ACADPAGE_STATS_PREFIX"] + "*"},
        {"Fn::Sub": "${ContentBucket.Arn}/sites/*/stats/*"},
    ]
    for action in granted(refresh) & {"dynamodb:PutItem", "dynamodb:Query"}:
        assert resources_of(refresh, action) == [{"Fn::GetAtt": ["CitationTable", "Arn"]}]
    distribution = (
        "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}"
    )
    assert resources_of(refresh, "cloudfront:CreateInvalidation") == [{"Fn::Sub": distribution}]
    assert resources_of(refresh, "sqs:SendMessage") == [{"Fn::GetAtt": ["RefreshFailures", "Arn"]}]
    for function in FANOUT_FUNCTIONS:  # the refresh's writes and queue, not its invalidation
        fanout = stack_policy(function)
        assert resources_of(fanout, "s3:PutObject") == resources_of(refresh, "s3:PutObject")
        assert resources_of(fanout, "sqs:SendMessage") == resources_of(refresh, "sqs:SendMessage")
        assert "cloudfront:CreateInvalidation" not in granted(fanout)


def test_the_stack_has_one_role_per_function():
    roles = {
        name
        for name, resource in RESOURCES_TEMPLATE["Resources"].items()
        if "Policies" in resource.get("Properties", {}) and name.endswith("Role")
    }
    assert roles == set(STACK_ROLE_OF.values())
    for name in roles:
        (policy,) = RESOURCES_TEMPLATE["Resources"][name]["Properties"]["Policies"]
        assert policy["PolicyName"] == name + "Policy"


@pytest.mark.parametrize("function", FUNCTIONS)
def test_the_files_bootstrap_and_the_stack_grant_each_function_the_same_actions(function):
    def shape(policy):
        return [(s["Sid"], sorted(as_list(s["Action"]))) for s in statements(policy)]

    stack_only = {"InvalidateCitationPaths", "RecordFailures"}  # no distribution, no queue
    expected = [item for item in shape(stack_policy(function)) if item[0] not in stack_only]
    assert shape(bootstrapped_policy(function)) == expected
    for stage in DEPLOYED_STAGES:
        assert shape(policy_file(stage, function)) == expected


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_the_committed_policy_files_are_what_bootstrap_writes_for_the_placeholder_names(stage):
    # ACCOUNT-ID and REGION match no real resource: nothing is granted until bootstrap runs
    bucket = default_bucket(stage, "ACCOUNT-ID")
    table_arn = f"arn:aws:dynamodb:REGION:ACCOUNT-ID:table/{default_table(stage)}"
    written = lambda_policies("aws", bucket, table_arn, stage_environment(ROOT, stage))
    for function in FUNCTIONS:
        assert policy_file(stage, function) == written[function], function
