"""`make package`: the Lambda zip and a CloudFormation template with the bucket and the table.

The package is built once per session (the `package` fixture, tests/packaging.py), offline and
without AWS credentials, as `make package` does.
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile

from chalicelib.aws.stages import stage_environment
from chalicelib.cli.bootstrap import LIFECYCLE
from tests.conftest import ROOT
from tests.packaging import BIN, STAGE, functions

MAX_ZIP_MB = 5.5


def test_makefile_builds_the_package_the_way_this_test_does():
    makefile = (ROOT / "Makefile").read_text()
    command = re.sub(r"\s*\\\n\s*", " ", makefile)
    assert (
        "chalice package --stage $(STAGE) --merge-template deploy/resources.json $(PACKAGE_DIR)"
        in command
    )
    assert "PACKAGE_DIR := build/package" in makefile
    assert "PIP_NO_INDEX=1" in makefile
    package_rule = makefile.split("\npackage:")[1].split("\n\n")[0]
    assert "$(PY) -m scripts.compile_templates" in package_rule
    assert "$(PY) -m scripts.precompile_package $(PACKAGE_DIR)/deployment.zip" in package_rule
    steps = [line.strip() for line in package_rule.splitlines()[1:]]
    assert steps[0] == "$(PY) -m scripts.stack_parameters $(STAGE)"  # refused before building
    assert steps[-1] == "$(PY) -m scripts.stack_parameters $(STAGE) $(PACKAGE_DIR)/sam.json"


def test_zip_holds_the_app_and_templates_but_not_boto3_and_stays_under_max_zip_mb(package):
    archive = package / "deployment.zip"
    names = zipfile.ZipFile(archive).namelist()
    assert "app.py" in names
    assert "templates/home.html" in names
    assert not [name for name in names if name.startswith(("boto3/", "botocore/"))]
    assert not [name for name in names if name.startswith(("pybtex/", "moto/"))]
    size_mb = archive.stat().st_size / 1e6
    assert size_mb <= MAX_ZIP_MB, f"deployment.zip is {size_mb:.2f} MB"


def test_zip_holds_exactly_the_modules_the_two_functions_import(package):
    from scripts.precompile_package import imported_first_party

    names = set(zipfile.ZipFile(package / "deployment.zip").namelist())
    sources = {
        p.relative_to(ROOT).as_posix(): p.read_bytes() for p in ROOT.glob("chalicelib/**/*.py")
    }
    sources["app.py"] = (ROOT / "app.py").read_bytes()
    imported = imported_first_party(sources)
    shipped = {
        name
        for name in names
        if name.endswith(".py") and name.startswith(("app.py", "chalicelib/"))
    }
    assert shipped == imported
    # what the issue found in the zip, never run by either function
    never_run = (
        "chalicelib/cli/",
        "chalicelib/importers/",
        "chalicelib/aws/embedded.py",
        "certifi/tests/",
    )
    assert not [name for name in names if name.startswith(never_run)]
    # the refresh's own modules are there (the page's first request does not import them)
    assert {"chalicelib/citations/refresh.py", "chalicelib/citations/fetchers.py"} <= shipped


def test_template_passes_cfn_lint(package):
    run = subprocess.run(
        [str(BIN / "cfn-lint"), str(package / "sam.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_bucket_is_versioned_private_and_encrypted_and_kept(template):
    bucket = template["Resources"]["ContentBucket"]
    assert bucket["Type"] == "AWS::S3::Bucket"
    assert bucket["DeletionPolicy"] == "Retain"
    properties = bucket["Properties"]
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    (rule,) = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    (kept,) = properties["LifecycleConfiguration"]["Rules"]
    (bootstrapped,) = LIFECYCLE["Rules"]  # the other path keeps old versions as long
    assert kept["NoncurrentVersionExpiration"] == bootstrapped["NoncurrentVersionExpiration"]


def test_table_is_on_demand_with_point_in_time_recovery_and_the_stores_keys(template):
    table = template["Resources"]["CitationTable"]
    assert table["Type"] == "AWS::DynamoDB::Table"
    assert table["DeletionPolicy"] == "Retain"
    properties = table["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert properties["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]


def test_every_function_reads_the_stacks_bucket_and_table_and_stage_settings(template):
    found = functions(template)
    assert "APIHandler" in found
    stage_env = stage_environment(ROOT, STAGE)
    for name, function in found.items():
        variables = function["Properties"]["Environment"]["Variables"]
        assert variables["ACADPAGE_BUCKET"] == {"Ref": "ContentBucket"}, (
            f"{name}: add its Environment to deploy/resources.json as for APIHandler"
        )
        assert variables["ACADPAGE_TABLE"] == {"Ref": "CitationTable"}
        assert variables["ACADPAGE_CONTENT_PREFIX"] == stage_env["ACADPAGE_CONTENT_PREFIX"]
        assert variables["ACADPAGE_REFRESH_SCHEDULE"] == stage_env["ACADPAGE_REFRESH_SCHEDULE"]


def test_every_functions_role_is_granted_the_stacks_resources_not_the_policy_files(template):
    for name, function in functions(template).items():
        role_name = function["Properties"]["Role"]["Fn::GetAtt"][0]
        document = json.dumps(template["Resources"][role_name]["Properties"]["Policies"])
        assert "ContentBucket" in document and "CitationTable" in document, (
            f"{name}: give {role_name} the policy of ApiHandlerRole in deploy/resources.json"
        )
        assert "acadpage-dev-" not in document


def test_schedules_are_the_stages_refresh_and_the_fan_outs_opt_in_ticks(template):
    schedules = {
        name: [
            (event["Properties"]["Schedule"], event["Properties"].get("State"))
            for event in function["Properties"].get("Events", {}).values()
            if event["Type"] == "Schedule"
        ]
        for name, function in functions(template).items()
    }
    fan_out_only = {"Fn::If": ["FanOutOn", "ENABLED", "DISABLED"]}
    assert schedules == {
        "APIHandler": [],
        "RefreshCitations": [(stage_environment(ROOT, STAGE)["ACADPAGE_REFRESH_SCHEDULE"], None)],
        # docs/fanout.md: a one-minute tick paces Scholar; the open sources every 2 hours
        "ScholarTick": [("rate(1 minute)", fan_out_only)],
        "OpenBatches": [("rate(2 hours)", fan_out_only)],
    }
    parameter = template["Parameters"]["FanOut"]
    assert (parameter["Default"], parameter["AllowedValues"]) == ("off", ["off", "on"])


def test_unknown_deep_paths_answer_404_not_403(template):
    responses = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"][
        "x-amazon-apigateway-gateway-responses"
    ]
    assert responses["MISSING_AUTHENTICATION_TOKEN"]["statusCode"] == 404


def test_outputs_name_the_bucket_table_and_address(template):
    assert template["Outputs"]["ContentBucketName"]["Value"] == {"Ref": "ContentBucket"}
    assert template["Outputs"]["CitationTableName"]["Value"] == {"Ref": "CitationTable"}
    assert "EndpointURL" in template["Outputs"]
