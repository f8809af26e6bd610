"""The API that `make package` really deploys: the SAM template expanded by SAM's own translator.

moto cannot deploy a REST API from a template, so these tests read the CloudFormation resources
SAM makes (`expanded` fixture, tests/packaging.py) and check them against app.py and the stage.
"""

from __future__ import annotations

import graphlib
import json
import re
import subprocess

from app import app
from chalicelib.aws.stages import stage_environment
from tests.conftest import ROOT
from tests.packaging import BIN, STAGE, functions, resources_of_type

CONFIG = json.loads((ROOT / ".chalice" / "config.json").read_text())
API_STAGE = CONFIG["stages"][STAGE]["api_gateway_stage"]
PAGE_INVOCATION = {
    "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31"
    "/functions/${APIHandler.Arn}/invocations"
}


def rest_api(expanded: dict) -> dict:
    (api,) = resources_of_type(expanded, "AWS::ApiGateway::RestApi").values()
    return api["Properties"]["Body"]


def test_sam_makes_plain_cloudformation_of_every_resource(expanded):
    assert "Transform" not in expanded
    assert not [
        n for n, r in expanded["Resources"].items() if r["Type"].startswith("AWS::Serverless")
    ]


def test_every_route_of_the_app_is_in_the_api_with_its_methods_and_calls_the_page(expanded):
    paths = rest_api(expanded)["paths"]
    routes = {path: {m.lower() for m in methods} for path, methods in app.routes.items()}
    assert {path: set(methods) for path, methods in paths.items()} == routes
    for path, methods in paths.items():
        for method, operation in methods.items():
            integration = operation["x-amazon-apigateway-integration"]
            assert integration["type"] == "aws_proxy", (path, method)
            assert integration["uri"] == PAGE_INVOCATION, (path, method)


def test_the_api_returns_the_apps_binary_media_types_as_binary(expanded):
    binary = rest_api(expanded)["x-amazon-apigateway-binary-media-types"]
    assert set(app.api.binary_types) <= set(binary)
    assert {"image/webp", "image/avif", "image/x-icon", "image/png"} <= set(binary)
    assert "image/svg+xml" not in binary  # SVG is text


def test_unknown_paths_answer_404_not_api_gateways_403(expanded):
    responses = rest_api(expanded)["x-amazon-apigateway-gateway-responses"]
    missing = responses["MISSING_AUTHENTICATION_TOKEN"]
    assert missing["statusCode"] == 404
    assert missing["responseParameters"]["gatewayresponse.header.Cache-Control"] == "'no-store'"


def test_the_stage_is_the_configured_one_throttled_and_access_logged(expanded):
    (stage,) = resources_of_type(expanded, "AWS::ApiGateway::Stage").values()
    properties = stage["Properties"]
    assert properties["StageName"] == API_STAGE
    (throttle,) = properties["MethodSettings"]
    assert throttle["ThrottlingRateLimit"] == {"Ref": "ThrottleRateLimit"}
    assert throttle["ThrottlingBurstLimit"] == {"Ref": "ThrottleBurstLimit"}
    condition, access, _ = properties["AccessLogSetting"]["Fn::If"]
    assert condition == "LogsApiAccess"
    assert access["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogs", "Arn"]}
    (api,) = resources_of_type(expanded, "AWS::ApiGateway::RestApi").values()
    assert api["Properties"]["EndpointConfiguration"] == {"Types": ["REGIONAL"]}


# docs/fanout.md: a one-minute tick paces Scholar, the open sources go every 2 hours
FAN_OUT_SCHEDULES = {"ScholarTick": "rate(1 minute)", "OpenBatches": "rate(2 hours)"}
SCHEDULED = ("RefreshCitations", *FAN_OUT_SCHEDULES)


def test_each_schedule_rule_runs_its_function_and_only_the_fan_outs_wait_for_fan_out_on(expanded):
    rules = {
        rule["Properties"]["Targets"][0]["Arn"]["Fn::GetAtt"][0]: rule["Properties"]
        for rule in resources_of_type(expanded, "AWS::Events::Rule").values()
    }
    expected = stage_environment(ROOT, STAGE)["ACADPAGE_REFRESH_SCHEDULE"]
    assert re.fullmatch(r"cron\(.+\)|rate\(.+\)", expected)
    schedules = {name: rule["ScheduleExpression"] for name, rule in rules.items()}
    assert schedules == {"RefreshCitations": expected, **FAN_OUT_SCHEDULES}
    assert rules["RefreshCitations"].get("State", "ENABLED") == "ENABLED"
    for name in FAN_OUT_SCHEDULES:  # a stack of one site pays no per-minute Lambda
        assert rules[name]["State"] == {"Fn::If": ["FanOutOn", "ENABLED", "DISABLED"]}, name
    assert all(len(rule["Targets"]) == 1 for rule in rules.values())
    permissions = resources_of_type(expanded, "AWS::Lambda::Permission").values()
    for name in SCHEDULED:
        assert any(
            p["Properties"]["FunctionName"] == {"Ref": name}
            and p["Properties"]["Principal"] == "events.amazonaws.com"
            for p in permissions
        ), name


def test_each_function_runs_with_its_own_role_and_the_stacks_names(expanded):
    found = functions(expanded)
    assert set(found) == {"APIHandler", *SCHEDULED}
    roles = {name: f["Properties"]["Role"] for name, f in found.items()}
    assert roles == {
        "APIHandler": {"Fn::GetAtt": ["ApiHandlerRole", "Arn"]},
        **{name: {"Fn::GetAtt": [name + "Role", "Arn"]} for name in SCHEDULED},
    }
    stage_env = stage_environment(ROOT, STAGE)
    for name, function in found.items():
        variables = function["Properties"]["Environment"]["Variables"]
        assert variables["ACADPAGE_BUCKET"] == {"Ref": "ContentBucket"}, name
        assert variables["ACADPAGE_TABLE"] == {"Ref": "CitationTable"}, name
        assert variables["ACADPAGE_STAGE"] == {"Ref": "AWS::StackName"}, name
        assert variables["ACADPAGE_CONTENT_PREFIX"] == stage_env["ACADPAGE_CONTENT_PREFIX"]
    for name in SCHEDULED:  # the default site's profiles, as the daily refresh reads them
        variables = found[name]["Properties"]["Environment"]["Variables"]
        assert variables["ACADPAGE_SCHOLAR_ID"] == {"Ref": "ScholarId"}, name
    refresh = found["RefreshCitations"]["Properties"]["Environment"]["Variables"]
    assert refresh["ACADPAGE_DISTRIBUTION_ID"] == {"Ref": "Distribution"}
    timeouts = {name: f["Properties"]["Timeout"] for name, f in found.items()}
    # the tick waits up to 80 s and asks for 20 s; the batches start none after 720 s
    assert timeouts == {"APIHandler": 30, "RefreshCitations": 300, "ScholarTick": 120,
                        "OpenBatches": 900}  # fmt: skip


def test_a_failed_scheduled_run_goes_to_the_failure_queue(expanded):
    configs = {
        c["Properties"]["FunctionName"]["Ref"]: c["Properties"]
        for c in resources_of_type(expanded, "AWS::Lambda::EventInvokeConfig").values()
    }
    assert set(configs) == set(SCHEDULED)
    for properties in configs.values():
        assert properties["DestinationConfig"]["OnFailure"]["Destination"] == {
            "Fn::GetAtt": ["RefreshFailures", "Arn"]
        }
    # a failed tick is not retried: the next tick, a minute later, is the pacer's own retry
    assert configs["ScholarTick"]["MaximumRetryAttempts"] == 0


def test_the_distributions_origin_is_that_api_and_its_stage(expanded):
    (distribution,) = resources_of_type(expanded, "AWS::CloudFront::Distribution").values()
    origins = distribution["Properties"]["DistributionConfig"]["Origins"]
    (origin,) = [o for o in origins if o["Id"] == "api"]
    (api,) = resources_of_type(expanded, "AWS::ApiGateway::RestApi")
    (stage,) = resources_of_type(expanded, "AWS::ApiGateway::Stage")
    assert origin["DomainName"] == {
        "Fn::Sub": "${" + api + "}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
    }
    # Ref of a stage is its name: CloudFront asks for /<stage>/<path>
    assert origin["OriginPath"] == {"Fn::Sub": "/${" + stage + "}"}


def test_the_page_and_the_cloudfront_function_share_the_stacks_id_as_edge_key(expanded):
    stack_uuid = {"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}
    page = functions(expanded)["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert page["ACADPAGE_EDGE_KEY"] == stack_uuid
    (function,) = resources_of_type(expanded, "AWS::CloudFront::Function").values()
    code, variables = function["Properties"]["FunctionCode"]["Fn::Sub"]
    assert variables == {"EdgeKey": stack_uuid} and "${EdgeKey}" in code
    # a pseudo parameter, no resource: the page function does not wait for the distribution
    assert references(page["ACADPAGE_EDGE_KEY"]) & set(expanded["Resources"]) == set()


def test_the_api_caches_nothing_so_a_forged_request_reaches_no_one_else(expanded):
    # CloudFront alone caches, and only what it asked for itself, with its own edge headers
    (stage,) = resources_of_type(expanded, "AWS::ApiGateway::Stage").values()
    properties = stage["Properties"]
    assert not properties.get("CacheClusterEnabled")
    assert not [m for m in properties.get("MethodSettings", []) if m.get("CachingEnabled")]


def references(node) -> set[str]:
    """Logical names a template fragment refers to (Ref, GetAtt, ${} in Sub)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value.split(".")[0])
            elif key == "Fn::GetAtt":
                found.add(value[0] if isinstance(value, list) else value.split(".")[0])
            elif key == "Fn::Sub":
                text = value if isinstance(value, str) else value[0]
                found |= {m.split(".")[0] for m in re.findall(r"\$\{([^!}][^}]*)\}", text)}
                found |= references(value[1]) if isinstance(value, list) else set()
            else:
                found |= references(value)
    elif isinstance(node, list):
        for item in node:
            found |= references(item)
    return found


def test_the_expanded_stack_has_no_dependency_cycle(expanded):
    resources = expanded["Resources"]
    graph = {}
    for name, resource in resources.items():
        depends = resource.get("DependsOn", [])
        depends = [depends] if isinstance(depends, str) else depends
        graph[name] = (references(resource) | set(depends)) & set(resources)
    list(graphlib.TopologicalSorter(graph).static_order())  # raises CycleError on a cycle


def test_the_expanded_template_passes_cfn_lint(expanded, tmp_path):
    path = tmp_path / "expanded.json"
    path.write_text(json.dumps(expanded))
    run = subprocess.run(
        [str(BIN / "cfn-lint"), str(path)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
