"""Every change the tests make to the packaged stack so that moto's CloudFormation creates it,
each with why: the one place these live.

moto 5's CloudFormation implements no resource of the types below: it would skip each with a
warning and then fail on the first reference to it. They are left out of what moto creates, and
each reference to one becomes the value AWS would give it. What they do is checked elsewhere,
from the template itself: CloudFront (tests/test_edge_replay.py, tests/test_stack.py), the API
stage and the region's API Gateway role (tests/test_sam_expansion.py,
tests/test_stacks_side_by_side.py), the alarms and the failure destination (tests/test_stack.py).
"""

from __future__ import annotations

import copy
import re

# the replay's account is moto's own, and its distribution the one these stand in for
from tests.edge_replay import ACCOUNT, DISTRIBUTION_DOMAIN, DISTRIBUTION_ID

# type -> (why moto cannot create it, what a Ref or each attribute of it gives)
NOT_IN_MOTO = {
    "AWS::CloudFront::Distribution": (
        "moto's CloudFormation has no CloudFront distribution",
        {"Ref": DISTRIBUTION_ID, "DomainName": DISTRIBUTION_DOMAIN},
    ),
    "AWS::CloudFront::Function": (
        "no CloudFront Function in moto",
        {"FunctionARN": f"arn:aws:cloudfront::{ACCOUNT}:function/site-origin"},
    ),
    "AWS::CloudFront::CachePolicy": ("no CloudFront cache policy in moto", {"Ref": "policy-id"}),
    "AWS::CloudFront::OriginRequestPolicy": (
        "no CloudFront origin request policy in moto",
        {"Ref": "policy-id"},
    ),
    "AWS::CloudFront::ResponseHeadersPolicy": (
        "no CloudFront response headers policy in moto",
        {"Ref": "policy-id"},
    ),
    "AWS::CloudFront::OriginAccessControl": (
        "no CloudFront origin access control in moto",
        {"Id": "E2QWRUHEXAMPLE"},
    ),
    "AWS::ApiGateway::Stage": ("moto creates no API Gateway stage from a template", {"Ref": "api"}),
    "AWS::ApiGateway::Deployment": (
        "moto imports no method from a RestApi's Body, then refuses to deploy an API without one",
        {"Ref": "deployment"},
    ),
    "AWS::ApiGateway::Account": ("no API Gateway account settings in moto", {"Ref": "account"}),
    "AWS::CloudWatch::Alarm": ("moto's CloudFormation creates no alarm", {"Ref": "alarm"}),
    "AWS::Lambda::EventInvokeConfig": ("no Lambda destinations in moto's CloudFormation", {}),
    "AWS::S3::BucketPolicy": ("no bucket policy in moto's CloudFormation", {"Ref": "policy"}),
    "AWS::SNS::Subscription": ("no SNS subscription in moto's CloudFormation", {}),
    "AWS::CloudFormation::WaitConditionHandle": (
        "moto skips it (the API stage's wait for the region's role, which moto has no stage for)",
        {"Ref": "handle"},
    ),
}

# type -> (why moto needs more than AWS does, the properties to add from the resource's own)
FILLED_IN = {
    "AWS::ApiGateway::RestApi": (
        "moto requires Name; API Gateway takes it from the Body's info.title",
        lambda properties: {"Name": properties["Body"]["info"]["title"]},
    ),
}


def for_moto(template: dict, distribution_id: str = DISTRIBUTION_ID) -> dict:
    """`template` without the resources moto cannot create, their references replaced; the
    distribution's id is one moto's CloudFront knows, so invalidations of it work."""
    document = copy.deepcopy(template)
    resources = document["Resources"]
    stand_ins = {
        name: dict(NOT_IN_MOTO[resource["Type"]][1])
        for name, resource in resources.items()
        if resource["Type"] in NOT_IN_MOTO
    }
    for name, resource in resources.items():
        if resource["Type"] == "AWS::CloudFront::Distribution":
            stand_ins[name]["Ref"] = distribution_id
    for name in stand_ins:
        del resources[name]
    for resource in resources.values():
        if resource["Type"] in FILLED_IN:
            properties = resource["Properties"]
            properties.update(FILLED_IN[resource["Type"]][1](properties))
    for resource in resources.values():
        depends = resource.get("DependsOn")
        if depends:
            depends = [depends] if isinstance(depends, str) else depends
            resource["DependsOn"] = [d for d in depends if d not in stand_ins]
    return _replaced(document, stand_ins)


def _replaced(node, stand_ins: dict[str, dict]):
    if isinstance(node, list):
        return [_replaced(item, stand_ins) for item in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"Ref"} and node["Ref"] in stand_ins:
        return stand_ins[node["Ref"]]["Ref"]
    if set(node) == {"Fn::GetAtt"}:
        name, attribute = node["Fn::GetAtt"]
        if name in stand_ins:
            return stand_ins[name][attribute]
    if set(node) == {"Fn::Sub"}:
        text, local = (
            (node["Fn::Sub"], None) if isinstance(node["Fn::Sub"], str) else node["Fn::Sub"]
        )

        def value(match: re.Match) -> str:
            name, _, attribute = match[1].partition(".")
            if name in stand_ins:
                return stand_ins[name][attribute or "Ref"]
            return match[0]

        text = re.sub(r"\$\{([^}!]+)\}", value, text)
        return {"Fn::Sub": text if local is None else [text, _replaced(local, stand_ins)]}
    return {key: _replaced(value, stand_ins) for key, value in node.items()}
