"""A dev and a prod stack in one account and region: the two packaged templates, expanded as
CloudFormation runs them, name nothing in common, and neither owns a region-wide singleton unless
asked to."""

from __future__ import annotations

import pytest

from tests.edge_replay import ACCOUNT, REGION, resolve, stack_parameters
from tests.packaging import build_package, expand_sam

# Resources AWS keeps one of per account and region: a stack that creates one takes it from
# every other stack (and breaks them when deleted).
REGION_SINGLETONS = {"AWS::ApiGateway::Account"}
# Properties naming a resource that must be unique in the account (or region, or globally).
NAME_KEYS = {"Name", "FunctionName", "LogGroupName", "RoleName", "BucketName", "TableName",
             "QueueName", "TopicName", "AlarmName", "StateMachineName", "RuleName"}  # fmt: skip
# These name what they refer to (another resource, or a display text), not themselves.
NOT_A_NAME = {"AWS::Lambda::Permission", "AWS::ApiGateway::RestApi", "AWS::SNS::Topic"}


@pytest.fixture(scope="session")
def prod_expanded(tmp_path_factory) -> dict:
    """`make package STAGE=prod`, expanded by SAM's translator."""
    import json

    tmp = tmp_path_factory.mktemp("prod")
    run = build_package(tmp, "prod")
    assert run.returncode == 0, run.stdout + run.stderr
    return expand_sam(json.loads((tmp / "package" / "sam.json").read_text()))


def stack_values(expanded: dict, stack: str) -> dict[str, object]:
    """What a stack named `stack` gives every reference: its own ids, unique to it."""
    stack_id = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{stack}/uuid-{stack}"
    names = stack_parameters(expanded, stack, stack_id)
    for name in expanded["Resources"]:
        names[name] = f"{stack}-{name}-1A2B3C"
    return _WithAttributes(names)


class _WithAttributes(dict):
    """Any `Logical.Attribute` is the stack's own value too."""

    def __missing__(self, key: str) -> str:
        return f"{self['AWS::StackName']}-{key}-attribute"

    def get(self, key, default=None):
        return self[key]


def own_names(expanded: dict, stack: str) -> dict[str, str]:
    """(type, name) -> logical id, for every name a resource of the stack gives itself."""
    values = stack_values(expanded, stack)
    conditions = {name: True for name in expanded.get("Conditions", {})}
    found = {}
    for logical, resource in expanded["Resources"].items():
        if resource["Type"] in NOT_A_NAME:
            continue
        properties = resource.get("Properties", {})
        # top-level names, and those of the *Config blocks CloudFront's resources take
        blocks = [properties, *(v for k, v in properties.items() if k.endswith("Config"))]
        for block in blocks:
            for key in NAME_KEYS & set(block if isinstance(block, dict) else ()):
                name = resolve(block[key], values, conditions)
                if isinstance(name, str):
                    found[(resource["Type"], name)] = logical
    return found


def test_a_dev_and_a_prod_stack_name_nothing_in_common(expanded, prod_expanded):
    dev, prod = own_names(expanded, "acadpage-dev"), own_names(prod_expanded, "acadpage-prod")
    assert {kind for kind, _ in dev} >= {
        "AWS::CloudFront::Function",
        "AWS::CloudFront::CachePolicy",
    }
    assert set(dev) & set(prod) == set()


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_no_region_wide_singleton_is_created_by_default(expanded, prod_expanded, stage):
    template = expanded if stage == "dev" else prod_expanded
    parameters = {n: p.get("Default", "") for n, p in template["Parameters"].items()}
    for logical, resource in template["Resources"].items():
        if resource["Type"] not in REGION_SINGLETONS:
            continue
        condition = template["Conditions"][resource["Condition"]]
        assert condition == {"Fn::Equals": [{"Ref": "ApiAccessLogging"}, "on-and-own-role"]}
        assert parameters["ApiAccessLogging"] == "off", logical
