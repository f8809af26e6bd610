"""The packaged stack's edge and guards: CloudFront, throttling, alarms, failure queue, logs."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from tests.conftest import ROOT
from tests.edge_replay import EDGE_KEY, STACK_ID, resolve, run_viewer_request, viewer_event
from tests.packaging import distribution_config, resources_of_type

DEPLOY_DOC = ROOT / "docs" / "deploy.md"
SITE_ORIGIN_HEADER = "X-Acadpage-Site-Origin"
EDGE_KEY_HEADER = "X-Acadpage-Edge-Key"
# the UUID at the end of arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>
STACK_UUID = {"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}


def test_the_distribution_serves_the_apis_stage_over_https_http2_and_http3_compressed(template):
    config = distribution_config(template)
    (origin,) = [o for o in config["Origins"] if o["Id"] == "api"]
    assert origin["DomainName"] == {
        "Fn::Sub": "${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
    }
    assert origin["OriginPath"] == {"Fn::Sub": "/${RestAPI.Stage}"}
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert config["HttpVersion"] == "http2and3"
    behavior = config["DefaultCacheBehavior"]
    assert behavior["TargetOriginId"] == origin["Id"]
    assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behavior["Compress"] is True
    assert set(behavior["AllowedMethods"]) == {"GET", "HEAD"}  # every route of app.py
    # behind CloudFront the API needs no edge endpoint of its own
    assert template["Resources"]["RestAPI"]["Properties"]["EndpointConfiguration"] == "REGIONAL"


def test_the_cache_follows_the_origins_cache_control_keyed_by_path_and_site_address(template):
    behavior = distribution_config(template)["DefaultCacheBehavior"]
    policy = template["Resources"][behavior["CachePolicyId"]["Ref"]]["Properties"]
    config = policy["CachePolicyConfig"]
    # MinTTL 0 and DefaultTTL 0: the page's s-maxage decides; an answer without one is not kept
    assert (config["MinTTL"], config["DefaultTTL"]) == (0, 0)
    assert config["MaxTTL"] >= 86400
    key = config["ParametersInCacheKeyAndForwardedToOrigin"]
    assert key["EnableAcceptEncodingGzip"] is True
    assert key["EnableAcceptEncodingBrotli"] is True
    # one copy per site: the address the CloudFront Function sets, never a viewer's header
    assert key["HeadersConfig"] == {"HeaderBehavior": "whitelist", "Headers": [SITE_ORIGIN_HEADER]}
    assert key["CookiesConfig"] == {"CookieBehavior": "none"}
    assert key["QueryStringsConfig"] == {"QueryStringBehavior": "none"}


def test_the_origin_gets_the_site_origin_header_but_never_the_viewers_host(template):
    behavior = distribution_config(template)["DefaultCacheBehavior"]
    policy = template["Resources"][behavior["OriginRequestPolicyId"]["Ref"]]["Properties"]
    headers = policy["OriginRequestPolicyConfig"]["HeadersConfig"]
    # the site's address reaches the origin with the cache key; the key alone is added here
    assert headers == {"HeaderBehavior": "whitelist", "Headers": [EDGE_KEY_HEADER]}
    (association,) = behavior["FunctionAssociations"]
    assert association["EventType"] == "viewer-request"
    assert association["FunctionARN"] == {"Fn::GetAtt": ["SiteOriginFunction", "FunctionARN"]}


def test_the_app_reads_the_headers_the_distribution_sends():
    import app

    assert (app.EDGE_HEADER, app.EDGE_KEY_HEADER) == (SITE_ORIGIN_HEADER, EDGE_KEY_HEADER)


def test_the_edge_key_is_the_stacks_own_id_in_the_function_and_the_page_alone(template):
    # The stack's id exists before any resource: the page function can hold it although the
    # distribution (which runs the CloudFront Function) depends on the API, and so on the page.
    (code, variables) = template["Resources"]["SiteOriginFunction"]["Properties"]["FunctionCode"][
        "Fn::Sub"
    ]
    assert variables == {"EdgeKey": STACK_UUID}
    page = template["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert page["ACADPAGE_EDGE_KEY"] == STACK_UUID
    refresh = template["Resources"]["RefreshCitations"]["Properties"]["Environment"]["Variables"]
    assert "ACADPAGE_EDGE_KEY" not in refresh  # it renders no page
    assert "'${EdgeKey}'" in code
    comment = template["Resources"]["SiteOriginFunction"]["Properties"]["FunctionConfig"]["Comment"]
    assert len(comment) <= 128  # CloudFront refuses a longer one


@pytest.mark.skipif(not shutil.which("node"), reason="needs node to run the CloudFront function")
@pytest.mark.parametrize(
    ("custom_domain", "host", "expected"),
    [
        ("", "d111111abcdef8.cloudfront.net", "https://d111111abcdef8.cloudfront.net"),
        # the viewer's Host never names the site: not in another case, with a port, or a dot
        ("", "D111111ABCDEF8.cloudfront.net:443", "https://d111111abcdef8.cloudfront.net"),
        ("", "d111111abcdef8.cloudfront.net.", "https://d111111abcdef8.cloudfront.net"),
        ("www.example.org", "d111111abcdef8.cloudfront.net", "https://www.example.org"),
        ("www.example.org", "www.example.org", "https://www.example.org"),
        # a member's name on the distribution (MemberHostNames): their site, in the keyed header
        ("www.example.org", "Alice.Lab.Example.org.", "https://alice.lab.example.org"),
        ("www.example.org", "alice.example.com:443", "https://alice.example.com"),
        ("www.example.org", "bad_host<x>", "https://www.example.org"),
    ],
)
def test_the_site_origin_function_overwrites_what_a_viewer_sent(
    template, custom_domain, host, expected
):
    key = EDGE_KEY  # the UUID of the stack's id, as the function's Fn::Sub takes it
    function = template["Resources"]["SiteOriginFunction"]["Properties"]["FunctionCode"]
    code = resolve(function, {"AWS::StackId": STACK_ID, "CustomDomainName": custom_domain})
    event = viewer_event(
        "GET", "/", {"host": host, "x-acadpage-site-origin": "https://evil.example"}
    )
    event["request"]["headers"]["x-acadpage-edge-key"] = {
        "value": "forged",
        "multiValue": [{"value": "forged"}, {"value": key}],
    }
    request = run_viewer_request(code, event)
    headers = request["headers"]
    assert headers["x-acadpage-site-origin"] == {"value": expected}
    assert headers["x-acadpage-edge-key"] == {"value": key}
    assert headers["host"] == {"value": host}
    assert request["uri"] == "/"


def test_a_custom_domain_needs_its_certificate_and_gets_tls_1_2(template):
    parameters = template["Parameters"]
    assert parameters["CustomDomainName"]["Default"] == ""
    assert parameters["CertificateArn"]["Default"] == ""
    assert ":acm:us-east-1:" in parameters["CertificateArn"]["AllowedPattern"]
    for bad in ("www.example.org\nX", "https://www.example.org", "Example.org", "';alert(1);'"):
        assert not re.fullmatch(parameters["CustomDomainName"]["AllowedPattern"], bad), bad
    assert re.fullmatch(parameters["CustomDomainName"]["AllowedPattern"], "www.example.org")
    rule = template["Rules"]["CustomDomainNeedsItsCertificate"]
    assert rule["Assertions"][0]["Assert"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "CertificateArn"}, ""]}]
    }
    config = distribution_config(template)
    condition, custom, default = config["ViewerCertificate"]["Fn::If"]
    assert condition == "HasCustomDomain"
    assert custom["AcmCertificateArn"] == {"Ref": "CertificateArn"}
    assert custom["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert default == {"CloudFrontDefaultCertificate": True}
    assert config["Aliases"]["Fn::If"][1]["Fn::If"][2] == [{"Ref": "CustomDomainName"}]
    assert template["Parameters"]["PriceClass"]["Default"] == "PriceClass_100"
    assert config["PriceClass"] == {"Ref": "PriceClass"}


def test_member_host_names_join_the_lab_domain_on_the_distribution_and_reach_the_page(template):
    pattern = template["Parameters"]["MemberHostNames"]["AllowedPattern"]
    for good in ("", "*.lab.example.org", "*.lab.example.org,alice.example.com"):
        assert re.fullmatch(pattern, good), good
    for bad in ("*", "https://a.example.org", "a.example.org,", "A.example.org", "a..b"):
        assert not re.fullmatch(pattern, bad), bad
    rule = template["Rules"]["MemberHostNamesNeedACustomDomain"]
    assert rule["Assertions"][0]["Assert"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "CustomDomainName"}, ""]}]
    }
    aliases = distribution_config(template)["Aliases"]["Fn::If"][1]["Fn::If"]
    assert aliases[:2] == [
        "HasMemberHostNames",
        {"Fn::Split": [",", {"Fn::Sub": "${CustomDomainName},${MemberHostNames}"}]},
    ]
    page = template["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert page["ACADPAGE_MEMBER_HOSTS"] == {"Ref": "MemberHostNames"}


def test_the_outputs_name_the_distribution_and_the_sites_address(template):
    outputs = template["Outputs"]
    assert outputs["DistributionDomainName"]["Value"] == {
        "Fn::GetAtt": ["Distribution", "DomainName"]
    }
    assert outputs["DistributionId"]["Value"] == {"Ref": "Distribution"}
    assert outputs["SiteURL"]["Value"] == {
        "Fn::If": [
            "HasCustomDomain",
            {"Fn::Sub": "https://${CustomDomainName}"},
            {"Fn::Sub": "https://${Distribution.DomainName}"},
        ]
    }
    for kept in ("ContentBucketName", "CitationTableName", "EndpointURL"):
        assert kept in outputs


def test_the_api_stage_is_throttled_and_the_page_function_reserves_nothing_by_default(template):
    api = template["Resources"]["RestAPI"]["Properties"]
    (settings,) = api["MethodSettings"]
    assert (settings["ResourcePath"], settings["HttpMethod"]) == ("/*", "*")
    assert settings["ThrottlingRateLimit"] == {"Ref": "ThrottleRateLimit"}
    assert settings["ThrottlingBurstLimit"] == {"Ref": "ThrottleBurstLimit"}
    # a new account's concurrency quota is 10, and Lambda keeps 100 unreserved: reserving any
    # of it is refused, and the whole stack rolls back
    assert template["Parameters"]["PageReservedConcurrency"]["Default"] == 0
    page = template["Resources"]["APIHandler"]["Properties"]
    assert page["ReservedConcurrentExecutions"] == {
        "Fn::If": [
            "ReservesPageConcurrency",
            {"Ref": "PageReservedConcurrency"},
            {"Ref": "AWS::NoValue"},
        ]
    }
    assert (
        "ReservedConcurrentExecutions"
        not in template["Resources"]["RefreshCitations"]["Properties"]
    )


def test_the_docs_give_every_parameter_with_its_default(template):
    from chalicelib.aws.stages import PROFILE_PARAMETERS

    doc = DEPLOY_DOC.read_text()
    for name, parameter in template["Parameters"].items():
        default = parameter["Default"]
        shown = f"`{default}`" if default != "" else "empty"
        if name in PROFILE_PARAMETERS:  # written by `make package` from the stage
            shown = f"the stage's `{PROFILE_PARAMETERS[name]}`"
        assert re.search(rf"\| `{name}` \| {re.escape(shown)} \|", doc), (
            f"docs/deploy.md: add `| `{name}` | {shown} | ... |` to the parameter table"
        )


def test_a_failed_scheduled_refresh_lands_in_the_failure_queue(template):
    invoke = template["Resources"]["RefreshCitations"]["Properties"]["EventInvokeConfig"]
    on_failure = invoke["DestinationConfig"]["OnFailure"]
    assert on_failure == {"Type": "SQS", "Destination": {"Fn::GetAtt": ["RefreshFailures", "Arn"]}}
    queue = template["Resources"]["RefreshFailures"]
    assert queue["Type"] == "AWS::SQS::Queue"
    assert queue["Properties"]["MessageRetentionPeriod"] == 14 * 86400
    assert queue["Properties"]["SqsManagedSseEnabled"] is True


def alarms(template: dict) -> dict[str, dict]:
    return {
        n: r["Properties"] for n, r in resources_of_type(template, "AWS::CloudWatch::Alarm").items()
    }


def test_the_alarms_read_the_metrics_the_refresh_emits_for_its_own_stage(template):
    refresh_env = template["Resources"]["RefreshCitations"]["Properties"]["Environment"][
        "Variables"
    ]
    stage = {"Name": "Stage", "Value": refresh_env["ACADPAGE_STAGE"]}
    stalled = alarms(template)["CitationsStalledAlarm"]
    assert (stalled["Namespace"], stalled["MetricName"]) == ("acadpage", "SourcesPublished")
    assert stalled["Dimensions"] == [stage]
    assert (stalled["Statistic"], stalled["Period"]) == ("Sum", 86400)
    assert stalled["EvaluationPeriods"] == stalled["DatapointsToAlarm"] == {"Ref": "StaleAlarmDays"}
    assert (stalled["ComparisonOperator"], stalled["Threshold"]) == (
        "LessThanOrEqualToThreshold",
        0,
    )
    assert stalled["TreatMissingData"] == "breaching"  # a refresh that never ran publishes nothing
    # CloudWatch evaluates at most seven days of daily periods
    assert template["Parameters"]["StaleAlarmDays"]["MaxValue"] == 7

    failed = alarms(template)["RefreshFailedAlarm"]
    metrics = {m["Id"]: m for m in failed["Metrics"]}
    emitted = metrics["failed"]["MetricStat"]["Metric"]
    assert (emitted["Namespace"], emitted["MetricName"]) == ("acadpage", "RefreshFailed")
    assert emitted["Dimensions"] == [stage]
    # a timeout emits no metric of ours: each scheduled function's own Lambda errors count
    crashes = {"errors": "RefreshCitations", "tick_errors": "ScholarTick",
               "batch_errors": "OpenBatches"}  # fmt: skip
    for metric_id, function in crashes.items():
        crashed = metrics[metric_id]["MetricStat"]["Metric"]
        assert (crashed["Namespace"], crashed["MetricName"]) == ("AWS/Lambda", "Errors")
        assert crashed["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": function}}]
    (returned,) = [m for m in failed["Metrics"] if m["ReturnData"]]
    assert set(re.findall(r"\b(\w+)\b(?=, 0\))", returned["Expression"])) == {"failed", *crashes}
    assert (failed["ComparisonOperator"], failed["Threshold"]) == (
        "GreaterThanOrEqualToThreshold",
        1,
    )
    for alarm in alarms(template).values():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]


def test_the_owner_is_mailed_only_when_an_address_is_given(template):
    subscription = template["Resources"]["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"] == {
        "TopicArn": {"Ref": "AlarmTopic"},
        "Protocol": "email",
        "Endpoint": {"Ref": "AlarmEmail"},
    }
    assert template["Conditions"]["HasAlarmEmail"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]
    }


def test_every_log_group_is_kept_for_the_retention_and_names_a_real_function(template):
    groups = resources_of_type(template, "AWS::Logs::LogGroup")
    functions = ("ApiHandler", "RefreshCitations", "ScholarTick", "OpenBatches")
    assert {"ApiAccessLogs", *(f + "LogGroup" for f in functions)} <= set(groups)
    for name, group in groups.items():
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}, name
        log_name = group["Properties"].get("LogGroupName")
        if log_name:
            (function,) = re.findall(r"\$\{(\w+)\}", log_name["Fn::Sub"])
            assert template["Resources"][function]["Type"] == "AWS::Serverless::Function", name
    condition, access, off = template["Resources"]["RestAPI"]["Properties"]["AccessLogSetting"][
        "Fn::If"
    ]
    assert (condition, off) == ("LogsApiAccess", {"Ref": "AWS::NoValue"})
    assert access["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogs", "Arn"]}
    fields = json.loads(access["Format"])
    assert {"status", "path", "requestId"} <= set(fields)


def test_the_refresh_can_invalidate_the_distribution_and_the_page_cannot(template):
    refresh = template["Resources"]["RefreshCitations"]["Properties"]["Environment"]["Variables"]
    assert refresh["ACADPAGE_DISTRIBUTION_ID"] == {"Ref": "Distribution"}
    # The API is the distribution's origin and the page function is the API's: naming the
    # distribution in the page's environment would be a dependency cycle.
    page = template["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert "ACADPAGE_DISTRIBUTION_ID" not in page


def cloudformation_guides() -> dict[str, str]:
    """The sh block of each guide that deploys the stack, by file."""
    guides = {}
    for path in (ROOT / "README.md", DEPLOY_DOC):
        blocks = re.findall(r"```sh\n(.*?)```", path.read_text(), flags=re.S)
        (block,) = [b for b in blocks if "aws cloudformation deploy" in b]
        guides[path.name] = block
    return guides


@pytest.mark.parametrize("name", ["README.md", "deploy.md"])
def test_the_deploy_guides_end_at_the_sites_cloudfront_address(template, name):
    block = cloudformation_guides()[name]
    assert "make package" in block and "acadpage bootstrap --stage prod --from-stack" in block
    last = re.sub(r"\\\n\s*", "", block).strip().splitlines()[-1]
    (output,) = re.findall(r"OutputKey=='(\w+)'", last)
    assert output == "SiteURL" and output in template["Outputs"]


def test_images_come_from_the_bucket_through_origin_access_control_cached_long(template):
    from chalicelib.aws.edge import MEDIA_CACHE_CONTROL
    from chalicelib.aws.stages import stage_environment

    config = distribution_config(template)
    (media,) = config["CacheBehaviors"]
    assert media["PathPattern"] == "/media/*" and media["TargetOriginId"] == "media"
    # the key CloudFront asks the bucket for is the path: the stage's media prefix must be media/
    assert stage_environment(ROOT, "prod")["ACADPAGE_MEDIA_PREFIX"] == "media/"
    assert "FunctionAssociations" not in media and "OriginRequestPolicyId" not in media
    (origin,) = [o for o in config["Origins"] if o["Id"] == "media"]
    assert origin["DomainName"] == {"Fn::GetAtt": ["ContentBucket", "RegionalDomainName"]}
    assert "OriginPath" not in origin
    control = template["Resources"]["MediaOriginAccessControl"]["Properties"]
    assert control["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    policy = template["Resources"][media["CachePolicyId"]["Ref"]]["Properties"]
    ttl = policy["CachePolicyConfig"]
    assert ttl["DefaultTTL"] == ttl["MaxTTL"] == 365 * 86400  # push invalidates what it changes
    assert "s-maxage=31536000" in MEDIA_CACHE_CONTROL


def test_make_test_installs_the_node_the_cloudfront_function_tests_run_in():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test: .*\bbrowser\b", makefile, flags=re.M)
    browser = makefile.split("\nbrowser:")[1].split("\n\n")[0]
    assert "command -v node" in browser and "$(APT_INSTALL) nodejs" in browser
