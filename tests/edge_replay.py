"""A request through the packaged stack's distribution, as CloudFront and API Gateway treat it.

Everything is read from the templates `make package` writes: which cache behaviour a path takes,
the viewer-request CloudFront Function (run in node on the cloudfront-js-2.0 event), what the
cache and origin request policies forward (never the viewer's Host), API Gateway REST's routes,
gateway responses and binary rule (its binaryMediaTypes and the first `Accept` value), the S3
origin's Origin Access Control checked against the bucket policy, and the response headers
policies. Only the origins' answers come from running code: the app's handler, and moto's S3.
"""

from __future__ import annotations

import base64
import fnmatch
import json
import re
import subprocess
from dataclasses import dataclass, field

from tests.packaging import distribution_config, resources_of_type

ACCOUNT = "123456789012"
REGION = "us-east-1"
DISTRIBUTION_ID = "EDFDVBD6EXAMPLE"
DISTRIBUTION_DOMAIN = "d111111abcdef8.cloudfront.net"
API_ID = "abc123defg"
EDGE_KEY = "0f9e8d70-3c4b-11f0-9a1b-0a1b2c3d4e5f"
STACK_ID = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/acadpage-prod/{EDGE_KEY}"
# What Chromium sends for a page, and for an <img>.
BROWSER_PAGE_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
BROWSER_IMAGE_ACCEPT = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"


def resolve(node, names: dict[str, object], conditions: dict[str, bool] | None = None):
    """`node` with the intrinsic functions it uses evaluated against `names` (Ref and GetAtt
    targets, pseudo parameters, parameters) and `conditions`."""
    conditions = conditions or {}
    if isinstance(node, list):
        return [resolve(item, names, conditions) for item in node]
    if not isinstance(node, dict):
        return node
    if len(node) == 1:
        ((key, value),) = node.items()
        if key == "Ref":
            return names[value]
        if key == "Fn::GetAtt":
            return names[".".join(value) if isinstance(value, list) else value]
        if key == "Fn::Sub":
            text, local = (value, {}) if isinstance(value, str) else value
            local = {k: resolve(v, names, conditions) for k, v in local.items()}
            return re.sub(r"\$\{([^}!]+)\}", lambda m: str(local.get(m[1], names.get(m[1]))), text)
        if key == "Fn::Select":
            return resolve(value[1], names, conditions)[int(value[0])]
        if key == "Fn::Split":
            return resolve(value[1], names, conditions).split(value[0])
        if key == "Fn::Join":
            return value[0].join(resolve(value[1], names, conditions))
        if key == "Fn::If":
            chosen = value[1] if conditions[value[0]] else value[2]
            return resolve(chosen, names, conditions)
    return {key: resolve(value, names, conditions) for key, value in node.items()}


def stack_parameters(template: dict, stack: str, stack_id: str) -> dict[str, object]:
    """The pseudo parameters CloudFormation gives a stack named `stack` in this account and
    region, and the template's parameters at their defaults."""
    return {
        "AWS::Region": REGION,
        "AWS::AccountId": ACCOUNT,
        "AWS::Partition": "aws",
        "AWS::URLSuffix": "amazonaws.com",
        "AWS::StackName": stack,
        "AWS::StackId": stack_id,
        "AWS::NoValue": None,
        **{name: p.get("Default", "") for name, p in template.get("Parameters", {}).items()},
    }


def stack_names(template: dict, bucket: str) -> dict[str, object]:
    """The values a deployed stack gives its references (a stack without a custom domain)."""
    names: dict[str, object] = {
        **stack_parameters(template, "acadpage-prod", STACK_ID),
        "ContentBucket": bucket,
        "ContentBucket.Arn": f"arn:aws:s3:::{bucket}",
        "ContentBucket.RegionalDomainName": f"{bucket}.s3.{REGION}.amazonaws.com",
        "Distribution": DISTRIBUTION_ID,
        "Distribution.DomainName": DISTRIBUTION_DOMAIN,
        "RestAPI": API_ID,
        "RestAPI.Stage": "api",
    }
    for name, resource in template["Resources"].items():
        names.setdefault(name, f"{name}-id")  # policies, functions: their ids as opaque values
        if resource["Type"] == "AWS::CloudFront::OriginAccessControl":
            names[f"{name}.Id"] = f"{name}-id"
    return names


def run_viewer_request(code: str, event: dict) -> dict:
    """What a CloudFront Function's `handler` returns for `event`, run in node."""
    script = code + f"\nprocess.stdout.write(JSON.stringify(handler({json.dumps(event)})));\n"
    run = subprocess.run(
        ["node", "-e", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def viewer_event(method: str, uri: str, headers: dict[str, str]) -> dict:
    """The documented cloudfront-js-2.0 viewer-request event of one request."""
    return {
        "version": "1.0",
        "context": {
            "distributionDomainName": DISTRIBUTION_DOMAIN,
            "distributionId": DISTRIBUTION_ID,
            "eventType": "viewer-request",
            "requestId": "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==",
        },
        "viewer": {"ip": "198.51.100.11"},
        "request": {
            "method": method,
            "uri": uri,
            "querystring": {},
            "headers": {name.lower(): {"value": value} for name, value in headers.items()},
            "cookies": {},
        },
    }


@dataclass
class Answer:
    """What the viewer gets: status, headers (lower-case names) and body bytes."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    origin: str = ""
    forwarded: dict[str, str] = field(default_factory=dict)  # what reached the origin


class Distribution:
    """The packaged stack's distribution in front of `page_handler` (a Lambda handler) and an S3
    client holding the bucket."""

    def __init__(self, template: dict, expanded: dict, bucket: str, s3, page_handler):
        self.names = stack_names(template, bucket)
        self.conditions = {"HasCustomDomain": False}
        self.template, self.bucket, self.s3, self.page_handler = template, bucket, s3, page_handler
        self.config = distribution_config(template)
        (api,) = resources_of_type(expanded, "AWS::ApiGateway::RestApi").values()
        self.api = api["Properties"]["Body"]

    def _resource(self, reference: dict) -> dict:
        return self.template["Resources"][reference["Ref"]]["Properties"]

    def behaviour(self, path: str) -> dict:
        """The cache behaviour CloudFront picks: the first path pattern matching, else default."""
        for behaviour in self.config.get("CacheBehaviors", []):
            if fnmatch.fnmatchcase(path, behaviour["PathPattern"]):
                return behaviour
        return self.config["DefaultCacheBehavior"]

    def origin(self, behaviour: dict) -> dict:
        (origin,) = [o for o in self.config["Origins"] if o["Id"] == behaviour["TargetOriginId"]]
        return resolve(origin, self.names, self.conditions)

    def forwarded_headers(self, behaviour: dict, headers: dict[str, str]) -> dict[str, str]:
        """The viewer's headers CloudFront passes on under the behaviour's policies."""
        allowed: set[str] = set()
        every = False
        policies = [self._resource(behaviour["CachePolicyId"])["CachePolicyConfig"]]
        policies[0] = policies[0]["ParametersInCacheKeyAndForwardedToOrigin"]
        if "OriginRequestPolicyId" in behaviour:
            policies.append(
                self._resource(behaviour["OriginRequestPolicyId"])["OriginRequestPolicyConfig"]
            )
        for policy in policies:
            config = policy["HeadersConfig"]
            kind = config["HeaderBehavior"]
            if kind in ("whitelist", "allViewerAndWhitelistCloudFront"):
                allowed |= {name.lower() for name in config.get("Headers", [])}
            if kind.startswith("allViewer"):
                every = True
            # no query string or cookie reaches an origin: the event carries none
            assert policy["QueryStringsConfig"]["QueryStringBehavior"] == "none"
            assert policy["CookiesConfig"]["CookieBehavior"] == "none"
        forwarded = {k: v for k, v in headers.items() if every or k in allowed}
        if policies[0].get("EnableAcceptEncodingGzip") and "accept-encoding" in headers:
            forwarded["accept-encoding"] = "gzip"  # CloudFront normalizes it
        return forwarded

    def request(self, method: str, path: str, headers: dict[str, str] | None = None) -> Answer:
        """One viewer request, answered as the deployed stack would answer it."""
        viewer = {k.lower(): v for k, v in (headers or {}).items()}
        viewer.setdefault("host", DISTRIBUTION_DOMAIN)
        behaviour = self.behaviour(path)
        for association in behaviour.get("FunctionAssociations", []):
            assert association["EventType"] == "viewer-request"
            function = self.template["Resources"][association["FunctionARN"]["Fn::GetAtt"][0]]
            code = resolve(function["Properties"]["FunctionCode"], self.names, self.conditions)
            request = run_viewer_request(code, viewer_event(method, path, viewer))
            path = request["uri"]
            viewer = {name: value["value"] for name, value in request["headers"].items()}
        forwarded = self.forwarded_headers(behaviour, viewer)
        origin = self.origin(behaviour)
        if "S3OriginConfig" in origin:
            answer = self._from_bucket(origin, method, path, forwarded)
        else:
            assert "host" not in forwarded, "API Gateway needs its own Host"
            answer = self._from_api(origin, method, path, forwarded)
        answer.forwarded = forwarded
        etag = answer.headers.get("etag")
        if answer.status == 200 and etag and viewer.get("if-none-match") == etag:
            answer = Answer(304, answer.headers, b"", answer.origin, forwarded)
        policy = self._resource(behaviour["ResponseHeadersPolicyId"])
        answer.headers.update(response_headers(policy["ResponseHeadersPolicyConfig"]))
        return answer

    # --- the API origin: API Gateway REST, Lambda proxy ---------------------------------------

    def _route(self, path: str, method: str) -> tuple[str, dict[str, str]] | None:
        """The API resource and path parameters API Gateway matches, literal segments first."""
        candidates = []
        for template, methods in self.api["paths"].items():
            pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
            match = re.fullmatch(pattern, path)
            if match and method.lower() in methods:
                candidates.append((template.count("{"), template, match.groupdict()))
        return min(candidates)[1:] if candidates else None

    def _from_api(self, origin: dict, method: str, path: str, headers: dict) -> Answer:
        stage = origin["OriginPath"].strip("/")
        route = self._route(path, method)
        if route is None:
            gateway = self.api["x-amazon-apigateway-gateway-responses"]
            missing = gateway["MISSING_AUTHENTICATION_TOKEN"]
            answer_headers = {
                name.removeprefix("gatewayresponse.header.").lower(): value.strip("'")
                for name, value in missing["responseParameters"].items()
            }
            body = missing["responseTemplates"]["application/json"].encode()
            return Answer(missing["statusCode"], answer_headers, body, "api")
        resource, parameters = route
        api_headers = {
            **headers,
            "host": origin["DomainName"],
            "user-agent": "Amazon CloudFront",
            "via": "2.0 a1b2c3.cloudfront.net (CloudFront)",
            "x-amz-cf-id": "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==",
            "x-forwarded-for": "198.51.100.11, 130.176.0.1",
        }
        event = api_gateway_event(method, path, resource, parameters, api_headers, stage)
        response = self.page_handler(event, None)
        answer_headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
        body = response.get("body") or ""
        if response.get("isBase64Encoded"):
            accept = headers.get("accept", "").split(",")[0].split(";")[0].strip()
            binary = self.api.get("x-amazon-apigateway-binary-media-types", [])
            decoded = any(fnmatch.fnmatchcase(accept, kind) for kind in binary) if accept else False
            # API Gateway passes the base64 text through unless the first Accept value is binary
            data = base64.b64decode(body) if decoded else body.encode()
        else:
            data = body.encode() if isinstance(body, str) else body
        return Answer(response["statusCode"], answer_headers, data, "api")

    # --- the media origin: S3 through Origin Access Control ------------------------------------

    def _from_bucket(self, origin: dict, method: str, path: str, headers: dict) -> Answer:
        assert origin["DomainName"] == self.names["ContentBucket.RegionalDomainName"]
        assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
        assert origin["OriginAccessControlId"]
        key = origin.get("OriginPath", "").lstrip("/") + path.lstrip("/")
        if not self.bucket_policy_allows("s3:GetObject", key):
            return Answer(403, {"content-type": "application/xml"}, b"AccessDenied", "s3")
        from botocore.exceptions import ClientError

        try:
            call = self.s3.head_object if method == "HEAD" else self.s3.get_object
            stored = call(Bucket=self.bucket, Key=key)
        except ClientError:  # without s3:ListBucket S3 answers a missing key with 403
            return Answer(403, {"content-type": "application/xml"}, b"AccessDenied", "s3")
        answer_headers = {"content-type": stored["ContentType"], "etag": stored["ETag"]}
        if stored.get("CacheControl"):
            answer_headers["cache-control"] = stored["CacheControl"]
        body = b"" if method == "HEAD" else stored["Body"].read()
        return Answer(200, answer_headers, body, "s3")

    def bucket_policy_allows(self, action: str, key: str, source: str = "") -> bool:
        """Whether the bucket policy lets CloudFront (signing for `source`, by default this
        distribution) do `action` on `key` over HTTPS: an allow and no deny."""
        source = source or f"arn:aws:cloudfront::{ACCOUNT}:distribution/{DISTRIBUTION_ID}"
        (policy,) = resources_of_type(self.template, "AWS::S3::BucketPolicy").values()
        document = resolve(policy["Properties"]["PolicyDocument"], self.names, self.conditions)
        facts = {"aws:sourcearn": source, "aws:securetransport": "true"}
        resource = f"arn:aws:s3:::{self.bucket}/{key}"
        allowed = False
        for statement in document["Statement"]:
            if not statement_applies(statement, action, resource, facts):
                continue
            if statement["Effect"] == "Deny":
                return False
            allowed = True
        return allowed


def statement_applies(statement: dict, action: str, resource: str, facts: dict) -> bool:
    """Whether a policy statement covers CloudFront's service principal doing `action`."""
    principal = statement["Principal"]
    if principal != "*" and principal.get("Service") != "cloudfront.amazonaws.com":
        return False
    actions = (
        statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
    )
    resources = statement["Resource"]
    resources = resources if isinstance(resources, list) else [resources]
    if not any(fnmatch.fnmatchcase(action, a) for a in actions):
        return False
    if not any(fnmatch.fnmatchcase(resource, r) for r in resources):
        return False
    for operator, tests in statement.get("Condition", {}).items():
        for name, wanted in tests.items():
            if operator not in ("StringEquals", "Bool") or facts.get(name.lower()) != wanted:
                return False
    return True


def response_headers(config: dict) -> dict[str, str]:
    """The headers a response headers policy sets (each with Override)."""
    security = config.get("SecurityHeadersConfig", {})
    headers = {}
    if "StrictTransportSecurity" in security:
        hsts = security["StrictTransportSecurity"]
        headers["strict-transport-security"] = f"max-age={hsts['AccessControlMaxAgeSec']}"
    if "ContentTypeOptions" in security:
        headers["x-content-type-options"] = "nosniff"
    if "ContentSecurityPolicy" in security:
        headers["content-security-policy"] = security["ContentSecurityPolicy"][
            "ContentSecurityPolicy"
        ]
    if "ReferrerPolicy" in security:
        headers["referrer-policy"] = security["ReferrerPolicy"]["ReferrerPolicy"]
    return headers


def api_gateway_event(
    method: str, path: str, resource: str, parameters: dict, headers: dict, stage: str
) -> dict:
    """API Gateway REST's Lambda proxy event, in the shape of SAM CLI's `apigateway aws-proxy`."""
    return {
        "body": None,
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "isBase64Encoded": False,
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": parameters or None,
        "stageVariables": None,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "requestContext": {
            "accountId": ACCOUNT,
            "resourceId": "123456",
            "stage": stage,
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "requestTime": "09/Apr/2015:12:34:56 +0000",
            "requestTimeEpoch": 1428582896000,
            "identity": {"sourceIp": "130.176.0.1", "userAgent": headers.get("user-agent")},
            "path": f"/{stage}{path}",
            "resourcePath": resource,
            "httpMethod": method,
            "apiId": API_ID,
            "protocol": "HTTP/1.1",
            "domainName": f"{API_ID}.execute-api.{REGION}.amazonaws.com",
        },
    }
