"""acadpage bootstrap, push, pull and rollback against an embedded AWS, and their error lines."""

from __future__ import annotations

import json
import re
import shutil

import boto3
import pytest
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    InvalidRegionError,
    NoCredentialsError,
    NoRegionError,
    ProfileNotFound,
)

from chalicelib.aws.errors import describe_aws_error
from chalicelib.aws.stages import bucket_problem
from chalicelib.cli import build_parser, main
from tests.conftest import EXAMPLES, ROOT

ACCOUNT = "123456789012"  # moto's
BUCKET = f"acadpage-dev-{ACCOUNT}"
TABLE = "acadpage-dev-citations"


@pytest.fixture
def project(tmp_path):
    """A copy of the project's Chalice settings, its dev stage naming an OpenAlex profile, and of
    the example site, to change freely."""
    (tmp_path / ".chalice").mkdir()
    for path in (ROOT / ".chalice").glob("*.json"):
        shutil.copy(path, tmp_path / ".chalice" / path.name)
    set_stage_variables(tmp_path, "dev", ACADPAGE_OPENALEX_ID=OPENALEX_PROFILE)
    shutil.copytree(EXAMPLES, tmp_path / "site")
    return tmp_path


OPENALEX_PROFILE = "A5023888391"


def set_stage_variables(project, stage: str, **variables: str) -> None:
    """Set environment variables of `stage` in the project's .chalice/config.json."""
    path = project / ".chalice" / "config.json"
    config = json.loads(path.read_text())
    stage_config = config.setdefault("stages", {}).setdefault(stage, {})
    stage_config.setdefault("environment_variables", {}).update(variables)
    path.write_text(json.dumps(config, indent=2))


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def in_project(project) -> list[str]:
    return ["--project-dir", str(project)]


@pytest.fixture
def bootstrapped(aws, project, capsys):
    code, _, err = run(capsys, "bootstrap", "--stage", "dev", *in_project(project))
    assert (code, err) == (0, "")
    return project


def s3_keys(bucket: str = BUCKET) -> list[str]:
    listing = boto3.client("s3").list_objects_v2(Bucket=bucket)
    return [item["Key"] for item in listing.get("Contents", [])]


def s3_body(key: str) -> bytes:
    return boto3.client("s3").get_object(Bucket=BUCKET, Key=key)["Body"].read()


# --- every subcommand documents itself --------------------------------------------------------


def subcommands() -> list[str]:
    parser = build_parser()
    (action,) = [a for a in parser._actions if a.dest == "command"]
    return sorted(action.choices)


@pytest.mark.parametrize("command", subcommands())
def test_every_subcommand_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: acadpage {command}")


def test_the_deploy_and_import_commands_are_installed():
    assert {"bootstrap", "push", "pull", "rollback", "import-acadhomepage", "import-bibtex"} <= set(
        subcommands()
    )


# --- bootstrap --------------------------------------------------------------------------------


def test_bootstrap_creates_a_private_versioned_encrypted_bucket_keeping_a_years_history(
    bootstrapped,
):
    s3 = boto3.client("s3")
    assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    assert s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    (rule,) = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    (rule,) = s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"]
    assert rule["NoncurrentVersionExpiration"]["NoncurrentDays"] == 365


def test_bootstrap_creates_an_on_demand_table_with_point_in_time_recovery(bootstrapped):
    dynamodb = boto3.client("dynamodb")
    table = dynamodb.describe_table(TableName=TABLE)["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    backups = dynamodb.describe_continuous_backups(TableName=TABLE)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"


def test_bootstrap_records_the_stage_and_points_chalice_at_it(bootstrapped):
    record = json.loads((bootstrapped / ".acadpage" / "dev.json").read_text())
    assert record == {"bucket": BUCKET, "table": TABLE, "region": "us-east-1"}
    config = json.loads((bootstrapped / ".chalice" / "config.json").read_text())
    env = config["stages"]["dev"]["environment_variables"]
    assert (env["ACADPAGE_BUCKET"], env["ACADPAGE_TABLE"]) == (BUCKET, TABLE)
    assert (
        config["stages"]["local"]
        == json.loads((ROOT / ".chalice" / "config.json").read_text())["stages"]["local"]
    )
    functions = config["stages"]["dev"]["lambda_functions"]
    assert {name: f["iam_policy_file"] for name, f in functions.items()} == {
        "api_handler": "policy-dev-page.json",
        "refresh_citations": "policy-dev-refresh.json",
        "scholar_tick": "policy-dev-scholar-tick.json",
        "open_batches": "policy-dev-open-batches.json",
    }

    def resources(name):
        policy = json.loads((bootstrapped / ".chalice" / name).read_text())
        return {r for statement in policy["Statement"] for r in statement["Resource"]}

    table_arn = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{TABLE}"
    assert resources("policy-dev-page.json") == {
        f"arn:aws:s3:::{BUCKET}/content/*",
        f"arn:aws:s3:::{BUCKET}/media/*",
        f"arn:aws:s3:::{BUCKET}/sites/*/content/*",
        f"arn:aws:s3:::{BUCKET}/sites/*/media/*",
        f"arn:aws:s3:::{BUCKET}",
        table_arn,
        "arn:aws:logs:*:*:*",
    }
    for name in ("refresh", "scholar-tick", "open-batches"):
        assert resources(f"policy-dev-{name}.json") == {
            f"arn:aws:s3:::{BUCKET}/stats/*",
            f"arn:aws:s3:::{BUCKET}/sites/*/stats/*",
            table_arn,
            "arn:aws:logs:*:*:*",
        }, name


def test_bootstrap_grants_the_refresh_the_invalidation_of_the_stages_own_distribution(
    aws, project, capsys
):
    config_path = project / ".chalice" / "config.json"
    config = json.loads(config_path.read_text())
    config["stages"]["dev"]["environment_variables"]["ACADPAGE_DISTRIBUTION_ID"] = "E2QWRUHAPOMQZL"
    config_path.write_text(json.dumps(config))

    code, _, err = run(capsys, "bootstrap", "--stage", "dev", *in_project(project))

    assert (code, err) == (0, "")
    policy = json.loads((project / ".chalice" / "policy-dev-refresh.json").read_text())
    [statement] = [s for s in policy["Statement"] if "cloudfront:CreateInvalidation" in s["Action"]]
    assert statement["Resource"] == [f"arn:aws:cloudfront::{ACCOUNT}:distribution/E2QWRUHAPOMQZL"]
    for name in ("page", "scholar-tick", "open-batches"):  # the fan-out leaves the edge alone
        assert "cloudfront" not in (project / ".chalice" / f"policy-dev-{name}.json").read_text()


def test_bootstrap_refuses_a_distribution_id_that_is_not_one(aws, project, capsys):
    config_path = project / ".chalice" / "config.json"
    config = json.loads(config_path.read_text())
    config["stages"]["dev"]["environment_variables"]["ACADPAGE_DISTRIBUTION_ID"] = "E1/*"
    config_path.write_text(json.dumps(config))

    code, _, err = run(capsys, "bootstrap", "--stage", "dev", *in_project(project))

    assert code == 1
    assert "ACADPAGE_DISTRIBUTION_ID: expected capital letters and digits" in err
    assert boto3.client("s3").list_buckets()["Buckets"] == []


def test_bootstrap_again_finds_what_exists(bootstrapped, capsys):
    code, out, _ = run(capsys, "bootstrap", "--stage", "dev", *in_project(bootstrapped))
    assert code == 0
    assert f"bucket {BUCKET} (us-east-1): exists; versioned, private\n" in out
    assert f"table {TABLE}: exists; on-demand, point-in-time recovery\n" in out
    assert "next: chalice deploy --stage dev, then acadpage push site.yaml --stage dev\n" in out


def test_bootstrap_takes_names_and_region(aws, project, capsys):
    argv = ["--stage", "prod", "--region", "eu-west-1", "--bucket", "my-homepage-bucket"]
    code, out, _ = run(capsys, "bootstrap", *argv, "--table", "pages", *in_project(project))
    assert code == 0, out
    s3 = boto3.client("s3", region_name="eu-west-1")
    location = s3.get_bucket_location(Bucket="my-homepage-bucket")["LocationConstraint"]
    assert location == "eu-west-1"
    boto3.client("dynamodb", region_name="eu-west-1").describe_table(TableName="pages")
    record = json.loads((project / ".acadpage" / "prod.json").read_text())
    assert record == {"bucket": "my-homepage-bucket", "table": "pages", "region": "eu-west-1"}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--stage", "Prod"],
            "stage 'Prod': expected a lowercase name of up to 21 letters, digits and '-', "
            "starting with a letter (e.g. dev, prod)",
        ),
        (
            ["--stage", "dev", "--bucket", "My_Bucket"],
            "bucket name 'My_Bucket': expected 3-63 lowercase letters, digits and '-', "
            "starting and ending with a letter or digit",
        ),
        (
            ["--stage", "dev", "--bucket", "www.example.org"],
            "bucket name 'www.example.org': dots break HTTPS to the bucket; "
            "use letters, digits and '-'",
        ),
        (
            ["--stage", "dev", "--region", "us east"],
            "region 'us east': expected an AWS region such as us-east-1 or eu-west-1",
        ),
    ],
)
def test_bootstrap_refuses_bad_names_before_creating_anything(aws, project, capsys, argv, message):
    code, out, err = run(capsys, "bootstrap", *argv, *in_project(project))
    assert (code, out, err) == (1, "", f"acadpage: {message}\n")
    assert boto3.client("s3").list_buckets()["Buckets"] == []


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("ab", "expected 3-63"),
        ("-abc", "expected 3-63"),
        ("xn--abc", "S3 reserves"),
        ("abc-s3alias", "S3 reserves"),
        ("192.168.1.1", "dots break HTTPS"),
        ("acadpage-dev-123456789012", ""),
    ],
)
def test_bucket_name_rules(name, problem):
    assert bucket_problem(name).startswith(problem) if problem else bucket_problem(name) == ""


def test_bootstrap_from_a_missing_stack_says_so(aws, project, capsys):
    code, _, err = run(
        capsys, "bootstrap", "--stage", "prod", "--from-stack", "nope", *in_project(project)
    )
    assert code == 1
    assert err == (
        "acadpage: CloudFormation stack 'nope' does not exist in us-east-1; deploy it first "
        "(docs/deploy.md) or pass --region\n"
    )


# --- push -------------------------------------------------------------------------------------


# the example names Kaiming He's Scholar profile; the dev stage here refreshes OpenAlex only
SCHOLAR_WARNING = (
    "acadpage: warning: site.yaml profile.google_scholar_id names Google Scholar profile "
    "'DhtAFkwAAAAJ', but stage 'dev' refreshes no Scholar profile, so its numbers will not "
    'update; set ACADPAGE_SCHOLAR_ID to "DhtAFkwAAAAJ" in the stage\'s environment_variables '
    "in .chalice/config.json and deploy\n"
)


def test_push_uploads_media_then_content_and_prints_the_address(bootstrapped, capsys):
    site = bootstrapped / "site" / "site.yaml"
    code, out, err = run(capsys, "push", site, "--stage", "dev", *in_project(bootstrapped))
    assert (code, err) == (0, SCHOLAR_WARNING)
    zh = site.with_name("site.zh.yaml")
    # the default file brings the translations it names (translations: [zh])
    assert out.splitlines() == [
        f"[1/5] s3://{BUCKET}/media/500x300.svg: uploaded (270 bytes)",
        f"[2/5] s3://{BUCKET}/media/avatar.svg: uploaded (259 bytes)",
        f"[3/5] s3://{BUCKET}/media/favicon.svg: uploaded (231 bytes)",
        f"[4/5] s3://{BUCKET}/content/site.zh.yaml: uploaded ({zh.stat().st_size:,} bytes)",
        f"[5/5] s3://{BUCKET}/content/site.yaml: uploaded ({site.stat().st_size:,} bytes)",
        "not deployed yet: run `chalice deploy --stage dev`",
    ]
    assert s3_body("content/site.zh.yaml") == zh.read_bytes()
    assert s3_body("content/site.yaml") == site.read_bytes()
    head = boto3.client("s3").head_object(Bucket=BUCKET, Key="media/avatar.svg")
    assert head["ContentType"] == "image/svg+xml"


def test_push_says_nothing_of_scholar_when_the_stage_refreshes_the_named_profile(
    bootstrapped, capsys
):
    config_path = bootstrapped / ".chalice" / "config.json"
    config = json.loads(config_path.read_text())
    config["stages"]["dev"]["environment_variables"]["ACADPAGE_SCHOLAR_ID"] = "DhtAFkwAAAAJ"
    config_path.write_text(json.dumps(config))
    site = bootstrapped / "site" / "site.yaml"

    code, _, err = run(capsys, "push", site, "--stage", "dev", *in_project(bootstrapped))

    assert (code, err) == (0, "")


def test_push_warns_of_a_paper_whose_scholar_profile_the_stage_does_not_refresh(
    bootstrapped, capsys
):
    config_path = bootstrapped / ".chalice" / "config.json"
    config = json.loads(config_path.read_text())
    config["stages"]["dev"]["environment_variables"]["ACADPAGE_SCHOLAR_ID"] = "P1RwlvoAAAAJ"
    config_path.write_text(json.dumps(config))
    site = bootstrapped / "site" / "site.yaml"
    text = site.read_text().replace("  google_scholar_id: DhtAFkwAAAAJ\n", "")
    site.write_text(text)

    code, _, err = run(capsys, "push", site, "--stage", "dev", *in_project(bootstrapped))

    assert code == 0
    assert err.startswith(
        "acadpage: warning: site.yaml publications[0].scholar_id names Google Scholar profile "
        "'DhtAFkwAAAAJ', but stage 'dev' refreshes Scholar profile 'P1RwlvoAAAAJ' instead"
    )


def test_push_sends_only_what_changed(bootstrapped, capsys):
    site = bootstrapped / "site" / "site.yaml"
    argv = ["push", site, "--stage", "dev", *in_project(bootstrapped)]
    run(capsys, *argv)
    avatar = bootstrapped / "site" / "media" / "avatar.svg"
    avatar.write_text(avatar.read_text().replace("</svg>", "<!-- new --></svg>"))
    code, out, _ = run(capsys, *argv)
    assert code == 0
    states = [line.split(": ")[1].split(" (")[0] for line in out.splitlines()[:4]]
    assert states == ["unchanged", "uploaded", "unchanged", "unchanged"]
    assert s3_body("media/avatar.svg") == avatar.read_bytes()


def test_push_never_uploads_invalid_content(bootstrapped, capsys):
    site = bootstrapped / "site" / "site.yaml"
    site.write_text(site.read_text().replace("year: 2016", "year: n.d."))
    code, out, err = run(capsys, "push", site, "--stage", "dev", *in_project(bootstrapped))
    assert (code, out) == (1, "")
    assert re.fullmatch(
        r"acadpage: site\.yaml:\d+ publications\[0\]\.year: expected an integer, got 'n\.d\.'\n",
        err,
    )
    assert s3_keys() == []


def test_push_names_the_field_of_a_missing_media_file_and_uploads_nothing(bootstrapped, capsys):
    (bootstrapped / "site" / "media" / "avatar.svg").unlink()
    site = bootstrapped / "site" / "site.yaml"
    code, _, err = run(capsys, "push", site, "--stage", "dev", *in_project(bootstrapped))
    assert code == 1
    assert err == (
        "acadpage: nothing uploaded:\n"
        "site.yaml profile.avatar: media file 'avatar.svg' not found in media/ next to site.yaml\n"
        "site.zh.yaml profile.avatar: media file 'avatar.svg' not found in media/ next to "
        "site.zh.yaml\n"
    )
    assert s3_keys() == []


def test_push_a_translation_under_its_own_name(bootstrapped, capsys):
    translation = bootstrapped / "site" / "site.zh.yaml"
    translation.write_text((bootstrapped / "site" / "site.yaml").read_text())
    code, out, _ = run(capsys, "push", translation, "--stage", "dev", *in_project(bootstrapped))
    assert code == 0
    assert "content/site.zh.yaml" in s3_keys()
    assert out.endswith("not deployed yet: run `chalice deploy --stage dev`\n")


def test_push_of_the_default_file_names_a_missing_translation_and_uploads_nothing(
    bootstrapped, capsys
):
    (bootstrapped / "site" / "site.zh.yaml").unlink()
    site = bootstrapped / "site" / "site.yaml"

    code, _, err = run(capsys, "push", site, "--stage", "dev", *in_project(bootstrapped))

    assert (code, s3_keys()) == (1, [])
    assert err == (
        "acadpage: nothing uploaded: site.yaml site.translations names site.zh.yaml, not found "
        "next to site.yaml; write it, or take its language out of translations\n"
    )


def test_push_refuses_a_file_the_page_would_never_read(bootstrapped, capsys):
    other = bootstrapped / "site" / "homepage.yaml"
    shutil.copy(bootstrapped / "site" / "site.yaml", other)
    code, _, err = run(capsys, "push", other, "--stage", "dev", *in_project(bootstrapped))
    assert code == 1
    assert err == (
        "acadpage: homepage.yaml: expected a content file named site.yaml or site.<lang>.yaml "
        "(e.g. site.zh.yaml)\n"
    )


def test_push_prints_and_remembers_the_deployed_address(bootstrapped, capsys):
    site = bootstrapped / "site" / "site.yaml"
    site.write_text(site.read_text().replace("  base_url: https://lorem-ipsum.example.org\n", ""))
    url = "https://abc123.execute-api.us-east-1.amazonaws.com/api/"
    deployed = {
        "resources": [{"name": "rest_api", "resource_type": "rest_api", "rest_api_url": url}],
        "schema_version": "2.0",
        "backend": "api",
    }
    (bootstrapped / ".chalice" / "deployed").mkdir()
    (bootstrapped / ".chalice" / "deployed" / "dev.json").write_text(json.dumps(deployed))
    code, out, _ = run(capsys, "push", site, "--stage", "dev", *in_project(bootstrapped))
    assert code == 0
    assert out.endswith(f"live: {url}\nlive: {url}zh\n")
    translation = bootstrapped / "site" / "site.zh.yaml"
    translation.write_text(site.read_text())
    _, out, _ = run(capsys, "push", translation, "--stage", "dev", *in_project(bootstrapped))
    assert out.endswith(f"live: {url}zh\n")
    assert json.loads((bootstrapped / ".acadpage" / "dev.json").read_text())["url"] == url


def test_push_before_bootstrap_says_what_to_run(aws, project, capsys):
    site = project / "site" / "site.yaml"
    code, _, err = run(capsys, "push", site, "--stage", "dev", *in_project(project))
    assert code == 1
    assert err == (
        "acadpage: stage 'dev' has no bucket yet: run `acadpage bootstrap --stage dev` "
        "(or `--from-stack STACK` after a CloudFormation deploy)\n"
    )


def test_push_to_a_bucket_that_is_gone_says_which_and_what_to_do(bootstrapped, capsys):
    record = bootstrapped / ".acadpage" / "dev.json"
    record.write_text(json.dumps({"bucket": "gone-bucket", "table": TABLE, "region": "us-east-1"}))
    site = bootstrapped / "site" / "site.yaml"
    code, out, err = run(capsys, "push", site, "--stage", "dev", *in_project(bootstrapped))
    assert (code, out) == (1, "")
    assert err == SCHOLAR_WARNING + (
        "acadpage: checking s3://gone-bucket/media/500x300.svg: bucket 'gone-bucket' does not "
        "exist (in this account and region); run `acadpage bootstrap --stage dev`\n"
    )


# --- pull and rollback ------------------------------------------------------------------------


def test_pull_writes_what_the_stage_serves(bootstrapped, capsys, tmp_path):
    site = bootstrapped / "site" / "site.yaml"
    run(capsys, "push", site, "--stage", "dev", *in_project(bootstrapped))
    pulled = tmp_path / "pulled.yaml"
    code, out, _ = run(capsys, "pull", "--stage", "dev", "-o", pulled, *in_project(bootstrapped))
    assert code == 0
    assert pulled.read_bytes() == site.read_bytes()
    assert out.startswith(f"wrote {pulled} ({site.stat().st_size:,} bytes, version ")


def test_pull_before_any_push_says_how_to_upload(bootstrapped, capsys, tmp_path):
    argv = ["pull", "--stage", "dev", "-o", tmp_path / "x.yaml", *in_project(bootstrapped)]
    code, _, err = run(capsys, *argv)
    assert code == 1
    assert err == (
        f"acadpage: s3://{BUCKET}/content/site.yaml does not exist yet; upload it with "
        "`acadpage push site.yaml --stage dev`\n"
    )


def test_rollback_restores_the_previous_version(bootstrapped, capsys):
    site = bootstrapped / "site" / "site.yaml"
    first = site.read_bytes()
    push = ["push", site, "--stage", "dev", *in_project(bootstrapped)]
    run(capsys, *push)
    site.write_text(site.read_text().replace("title: Lorem ipsum", "title: Changed", 1))
    run(capsys, *push)
    assert s3_body("content/site.yaml") != first

    code, out, _ = run(capsys, "rollback", "--stage", "dev", *in_project(bootstrapped))
    assert code == 0
    assert s3_body("content/site.yaml") == first
    assert out.startswith(f"restored s3://{BUCKET}/content/site.yaml as saved ")
    versions = boto3.client("s3").list_object_versions(Bucket=BUCKET, Prefix="content/site.yaml")
    assert len(versions["Versions"]) == 3  # nothing is lost: the rollback is a new version


def test_rollback_refuses_an_invalid_previous_version(bootstrapped, capsys):
    s3 = boto3.client("s3")
    s3.put_object(Bucket=BUCKET, Key="content/site.yaml", Body=b"site: {title: T}\n")
    site = bootstrapped / "site" / "site.yaml"
    run(capsys, "push", site, "--stage", "dev", *in_project(bootstrapped))
    code, _, err = run(capsys, "rollback", "--stage", "dev", *in_project(bootstrapped))
    assert code == 1
    assert re.match(
        rf"acadpage: the previous version of s3://{BUCKET}/content/site\.yaml \(saved .* UTC\) "
        r"is not valid, so it was not restored:\nsite\.yaml:1 profile: required field is missing",
        err,
    )
    assert s3_body("content/site.yaml") == site.read_bytes()


def test_rollback_with_one_version_says_there_is_nothing_earlier(bootstrapped, capsys):
    run(
        capsys,
        "push",
        bootstrapped / "site" / "site.yaml",
        "--stage",
        "dev",
        *in_project(bootstrapped),
    )
    code, _, err = run(capsys, "rollback", "--stage", "dev", *in_project(bootstrapped))
    assert code == 1
    assert err == (
        f"acadpage: s3://{BUCKET}/content/site.yaml has no earlier version to roll back to "
        "(versioning keeps one per push, from bootstrap on)\n"
    )


# --- AWS errors: one actionable line each -----------------------------------------------------


def client_error(code: str, message: str = "", **extra) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message, **extra}}, "Operation")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            NoCredentialsError(),
            "uploading x: no usable AWS credentials; run `aws configure` (or `aws sso login`) "
            "or set AWS_PROFILE",
        ),
        (
            ProfileNotFound(profile="work"),
            "uploading x: The config profile (work) could not be found; check AWS_PROFILE "
            "against `aws configure list-profiles`",
        ),
        (
            NoRegionError(),
            "uploading x: no AWS region set; pass --region or set AWS_DEFAULT_REGION",
        ),
        (
            InvalidRegionError(region_name="us east"),
            "uploading x: Provided region_name 'us east' doesn't match a supported format.; "
            "expected a region such as us-east-1",
        ),
        (
            EndpointConnectionError(endpoint_url="https://s3.us-eest-1.amazonaws.com/b"),
            "uploading x: cannot reach https://s3.us-eest-1.amazonaws.com/b; check that the "
            "region 'us-eest-1' exists (e.g. us-east-1) and that this machine is online",
        ),
        (
            client_error("NoSuchBucket", "The specified bucket does not exist", BucketName="b"),
            "uploading x: bucket 'b' does not exist (in this account and region); "
            "run `acadpage bootstrap --stage dev`",
        ),
        (
            client_error("ResourceNotFoundException", "Requested resource not found"),
            "uploading x: the DynamoDB table was not found in this region (Requested resource "
            "not found); check --region or run `acadpage bootstrap --stage dev`",
        ),
        (
            client_error("ThrottlingException", "Rate exceeded"),
            "uploading x: AWS is throttling requests (ThrottlingException); wait a minute and "
            "try again",
        ),
        (
            client_error("SlowDown", "Please reduce your request rate."),
            "uploading x: AWS is throttling requests (SlowDown); wait a minute and try again",
        ),
        (
            client_error("AccessDenied", "Access Denied"),
            "uploading x: access denied (AccessDenied); the AWS identity in use needs this "
            "permission (see docs/deploy.md, 'Who may run what')",
        ),
        (
            client_error("ExpiredToken", "The provided token has expired."),
            "uploading x: the AWS credentials have expired; log in again (e.g. `aws sso login`)",
        ),
        (
            client_error("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist"),
            "uploading x: AWS rejected the credentials (InvalidAccessKeyId); check the access "
            "key or AWS_PROFILE with `aws sts get-caller-identity`",
        ),
        (
            client_error("AuthorizationHeaderMalformed", "wrong region", Region="eu-west-1"),
            "uploading x: the bucket is in another region (AWS says: eu-west-1); pass --region",
        ),
        (
            client_error("BucketAlreadyExists", "The requested bucket name is not available."),
            "uploading x: the bucket name is taken by another AWS account (bucket names are "
            "global); choose another with --bucket",
        ),
        (
            client_error("InternalError", "We encountered an internal error."),
            "uploading x: InternalError: We encountered an internal error.",
        ),
    ],
)
def test_each_aws_error_is_one_actionable_line(error, expected):
    message = describe_aws_error(error, "uploading x", stage="dev")
    assert message == expected
    assert "\n" not in message


def test_no_credentials_is_one_line_and_no_traceback(project, capsys, monkeypatch, tmp_path):
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SECURITY_TOKEN",
        "AWS_SESSION_TOKEN",
    ):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        monkeypatch.delenv(name, raising=False)
    code, out, err = run(capsys, "bootstrap", "--stage", "dev", *in_project(project))
    assert (code, out) == (1, "")
    assert err == (
        "acadpage: checking the AWS credentials (sts get-caller-identity): no usable AWS "
        "credentials; run `aws configure` (or `aws sso login`) or set AWS_PROFILE\n"
    )


def test_no_region_is_one_line(project, capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    code, _, err = run(capsys, "bootstrap", "--stage", "dev", *in_project(project))
    assert code == 1
    assert err == "acadpage: no AWS region set; pass --region or set AWS_DEFAULT_REGION\n"


# --- the docs show commands that work ---------------------------------------------------------


def documented_commands() -> list[str]:
    text = (ROOT / "docs" / "deploy.md").read_text() + (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    return sorted(
        {
            line.split("  #")[0].strip()
            for block in blocks
            for line in block.splitlines()
            if line.startswith(".venv/bin/acadpage ") or line.startswith("acadpage ")
        }
    )


def test_the_deploy_guide_shows_the_acadpage_commands():
    commands = " ".join(documented_commands())
    for command in (
        "bootstrap",
        "push",
        "pull",
        "rollback",
        "import-acadhomepage",
        "import-bibtex",
    ):
        assert f"acadpage {command}" in commands


@pytest.mark.parametrize("command", documented_commands())
def test_every_documented_acadpage_command_parses(command):
    argv = command.split()[1:]
    build_parser().parse_args(argv)


def cost_rows(text: str) -> dict[str, list[float]]:
    table = text.split("### What it costs", 1)[1]
    rows = {}
    for line in table.splitlines():
        cells = [cell.strip(" *") for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[2].startswith("$"):
            rows[cells[0]] = [float(cells[2][1:]), float(cells[3][1:])]
    return rows


def test_the_readme_cost_table_adds_up():
    rows = cost_rows((ROOT / "README.md").read_text())
    total = rows.pop("total at list prices")
    free = rows.pop("with the free tiers that never expire")
    for column in (0, 1):
        assert abs(sum(row[column] for row in rows.values()) - total[column]) <= 0.02
    # What the free tiers take off: Lambda (within 1M requests and 400,000 GB-s) and the logs.
    assert abs(total[0] - rows["Lambda"][0] - rows["CloudWatch Logs"][0] - free[0]) <= 0.01
    assert rows["API Gateway REST API"] == [0.42, 4.20]  # 120,000 and 1.2M requests at $3.50/M
