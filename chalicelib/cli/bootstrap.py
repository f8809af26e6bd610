"""`acadpage bootstrap`: a stage's bucket and table, created or found, and recorded.

Every AWS call here goes through `aws_operation`, so a failure is one line that names the call.
The helpers are given their clients; the command handler builds them from one boto3 session.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from chalicelib.aws.edge import DISTRIBUTION_ID
from chalicelib.aws.errors import aws_operation, aws_session, error_code, session_region
from chalicelib.aws.stages import (
    PROFILE_PARAMETERS,
    StageError,
    StageRecord,
    check_bucket,
    check_stage,
    check_table,
    default_bucket,
    default_table,
    deployed_url,
    lambda_policies,
    read_record,
    save_stage_config,
    stage_environment,
    write_record,
)

PITR_ATTEMPTS = 10  # a brand-new table may refuse backups for a few seconds
# As deploy/resources.json: replaced versions (what rollback restores) are kept for a year.
LIFECYCLE = {
    "Rules": [
        {
            "ID": "ForgetOldVersionsAfterAYear",
            "Status": "Enabled",
            "Filter": {"Prefix": ""},
            "NoncurrentVersionExpiration": {"NoncurrentDays": 365},
        }
    ]
}


def register(subparsers) -> None:
    """Add the bootstrap subcommand."""
    bootstrap = subparsers.add_parser(
        "bootstrap",
        help="create a stage's S3 bucket and DynamoDB table, and record their names",
        description="Create the stage's bucket (versioned, private, encrypted) and table "
        "(on-demand, point-in-time recovery) if they do not exist, record them in "
        ".acadpage/<stage>.json, and point .chalice/config.json and the functions' policies "
        "(.chalice/policy-<stage>-page.json, -refresh.json, -scholar-tick.json and "
        "-open-batches.json) at them, ready for "
        "`chalice deploy --stage <stage>`. With --from-stack, record the "
        "bucket and table of a CloudFormation stack deployed from `make package` instead.",
    )
    add_stage_arguments(bootstrap)
    bootstrap.add_argument("--bucket", help="bucket name (default: acadpage-<stage>-<account id>)")
    bootstrap.add_argument("--table", help="table name (default: acadpage-<stage>-citations)")
    bootstrap.add_argument(
        "--from-stack", metavar="STACK", help="record the resources of this CloudFormation stack"
    )
    bootstrap.set_defaults(handler=bootstrap_command)


def add_stage_arguments(parser: argparse.ArgumentParser) -> None:
    """--stage, --region and --project-dir, as every stage command takes them."""
    parser.add_argument("--stage", default="dev", help="the deployment stage (default dev)")
    parser.add_argument("--region", help="AWS region (default: the stage's, then your AWS config)")
    parser.add_argument(
        "--project-dir", type=Path, default=Path("."), help="the acadpage folder (default .)"
    )


def bootstrap_command(args) -> int:
    """Create (or find) the stage's bucket and table and record them."""
    stage = check_stage(args.stage)
    for name, check in ((args.bucket, check_bucket), (args.table, check_table)):
        if name:
            check(name)  # before any AWS call
    project = args.project_dir
    known = read_record(project, stage)
    session = aws_session(args.region or (known.region if known else None))
    region = session_region(session)
    if args.from_stack:
        record = stack_record(session.client("cloudformation"), args.from_stack, stage, region)
        path = write_record(project, record)
        print(f"recorded stack {args.from_stack!r}: bucket {record.bucket}, table {record.table}")
        if record.distribution_id:
            print(f"CloudFront distribution {record.distribution_id}: {record.site_url}")
        if record.profile:
            print("profile: " + ", ".join(f"{name}={value}" for name, value in record.profile))
        print(f"wrote {path.relative_to(project)}; next: acadpage push site.yaml --stage {stage}")
        return 0
    with aws_operation("checking the AWS credentials (sts get-caller-identity)", stage):
        account = session.client("sts").get_caller_identity()["Account"]
    env = stage_environment(project, stage)
    bucket, table = stage_names(args, known, env, account)
    partition = session.get_partition_for_region(region)
    distribution_arn = stage_distribution_arn(env, partition, account)  # checked before creating
    created = ensure_bucket(session.client("s3"), bucket, region)
    print(f"bucket {bucket} ({region}): {'created' if created else 'exists'}; versioned, private")
    dynamodb = session.client("dynamodb")
    created = ensure_table(dynamodb, table)
    table_arn = enable_point_in_time_recovery(dynamodb, table)
    print(f"table {table}: {'created' if created else 'exists'}; on-demand, point-in-time recovery")
    record = StageRecord(
        stage,
        bucket,
        table,
        region,
        deployed_url(project, stage) or (known.url if known else ""),
        distribution_id=known.distribution_id if known else "",
        site_url=known.site_url if known else "",
    )
    written = [write_record(project, record)]
    policies = lambda_policies(partition, bucket, table_arn, env, distribution_arn)
    written += save_stage_config(project, record, policies)
    print("wrote " + ", ".join(str(path.relative_to(project)) for path in written))
    print(f"next: chalice deploy --stage {stage}, then acadpage push site.yaml --stage {stage}")
    return 0


def stage_distribution_arn(env: dict, partition: str, account: str) -> str:
    """The ARN of the CloudFront distribution the stage's refresh invalidates, or "" for none."""
    distribution_id = env.get("ACADPAGE_DISTRIBUTION_ID", "")
    if not distribution_id:
        return ""
    if not DISTRIBUTION_ID.fullmatch(distribution_id):
        raise StageError(
            f".chalice/config.json ACADPAGE_DISTRIBUTION_ID: expected capital letters and digits "
            f"such as E2QWRUHAPOMQZL, got {distribution_id!r}"
        )
    return f"arn:{partition}:cloudfront::{account}:distribution/{distribution_id}"


def stage_names(args, known: StageRecord | None, env: dict, account: str) -> tuple[str, str]:
    """The bucket and table: as given, else as recorded or configured, else the defaults."""
    bucket = (
        args.bucket
        or (known.bucket if known else "")
        or env.get("ACADPAGE_BUCKET", "")
        or default_bucket(args.stage, account)
    )
    table = (
        args.table
        or (known.table if known else "")
        or env.get("ACADPAGE_TABLE", "")
        or default_table(args.stage)
    )
    return check_bucket(bucket), check_table(table)


def ensure_bucket(s3, bucket: str, region: str) -> bool:
    """Create the bucket unless we own it already, then make it private, encrypted, versioned."""
    from botocore.exceptions import ClientError

    with aws_operation(f"looking for bucket {bucket!r}"):
        try:
            s3.head_bucket(Bucket=bucket)
            created = False
        except ClientError as error:
            code = error_code(error)
            if code == "403":
                raise StageError(
                    f"bucket name {bucket!r} is taken by another AWS account (bucket names are "
                    "global); choose another with --bucket"
                ) from error
            if code not in ("404", "NoSuchBucket", "NotFound"):
                raise
            created = True
    if created:
        request: dict = {"Bucket": bucket}
        if region != "us-east-1":
            request["CreateBucketConfiguration"] = {"LocationConstraint": region}
        with aws_operation(f"creating bucket {bucket!r}"):
            s3.create_bucket(**request)
    with aws_operation(f"checking the region of bucket {bucket!r}"):
        location = s3.get_bucket_location(Bucket=bucket).get("LocationConstraint") or "us-east-1"
    if location != region:
        raise StageError(
            f"bucket {bucket!r} is in {location}, not {region}; pass --region {location} "
            "or choose another name with --bucket"
        )
    with aws_operation(f"blocking public access to bucket {bucket!r}"):
        s3.put_public_access_block(
            Bucket=bucket,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
    with aws_operation(f"turning on encryption for bucket {bucket!r}"):
        # SSE-S3, not KMS: with it an object's ETag stays its MD5, which `push` compares.
        s3.put_bucket_encryption(
            Bucket=bucket,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            },
        )
    with aws_operation(f"turning on versioning for bucket {bucket!r}"):
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    with aws_operation(f"setting how long bucket {bucket!r} keeps old versions"):
        s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration=LIFECYCLE)
    return created


def ensure_table(dynamodb, table: str) -> bool:
    """Create the citation table (on-demand) unless it exists; True when created."""
    from chalicelib.citations.store import create_table

    created = create_table(dynamodb, table, wait=False)
    with aws_operation(f"waiting for table {table!r} to be active"):
        dynamodb.get_waiter("table_exists").wait(
            TableName=table, WaiterConfig={"Delay": 2, "MaxAttempts": 60}
        )
    return created


def enable_point_in_time_recovery(
    dynamodb, table: str, sleep: Callable[[float], None] = time.sleep
) -> str:
    """Turn on point-in-time recovery; returns the table's ARN."""
    from botocore.exceptions import ClientError

    with aws_operation(f"turning on point-in-time recovery for table {table!r}"):
        for attempt in range(PITR_ATTEMPTS):
            try:
                dynamodb.update_continuous_backups(
                    TableName=table,
                    PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
                )
                break
            except ClientError as error:
                unavailable = error_code(error) == "ContinuousBackupsUnavailableException"
                if not unavailable or attempt == PITR_ATTEMPTS - 1:
                    raise
                sleep(3)
    with aws_operation(f"reading the ARN of table {table!r}"):
        return dynamodb.describe_table(TableName=table)["Table"]["TableArn"]


# The outputs of deploy/resources.json every stack has; the API's and the distribution's may lack.
REQUIRED_OUTPUTS = ("ContentBucketName", "CitationTableName")


def stack_record(cloudformation, stack: str, stage: str, region: str) -> StageRecord:
    """The stage's resources, read from the outputs of a stack deployed from `make package`."""
    from botocore.exceptions import ClientError

    with aws_operation(f"reading CloudFormation stack {stack!r}", stage):
        try:
            stacks = cloudformation.describe_stacks(StackName=stack)["Stacks"]
        except ClientError as error:
            if "does not exist" in error.response.get("Error", {}).get("Message", ""):
                raise StageError(
                    f"CloudFormation stack {stack!r} does not exist in {region}; deploy it "
                    "first (docs/deploy.md) or pass --region"
                ) from error
            raise
    outputs = {item["OutputKey"]: item["OutputValue"] for item in stacks[0].get("Outputs", [])}
    missing = [key for key in REQUIRED_OUTPUTS if key not in outputs]
    if missing:
        raise StageError(
            f"CloudFormation stack {stack!r}: expected the outputs {', '.join(missing)} "
            "of deploy/resources.json; was it deployed from `make package`?"
        )
    domain = outputs.get("DistributionDomainName", "")
    parameters = {
        item["ParameterKey"]: item.get("ParameterValue", "")
        for item in stacks[0].get("Parameters", [])
    }
    profile = tuple(
        (variable, parameters[name])
        for name, variable in PROFILE_PARAMETERS.items()
        if parameters.get(name)
    )
    return StageRecord(
        stage,
        bucket=outputs["ContentBucketName"],
        table=outputs["CitationTableName"],
        region=region,
        url=outputs.get("EndpointURL", ""),
        distribution_id=outputs.get("DistributionId", ""),
        site_url=outputs.get("SiteURL") or (f"https://{domain}" if domain else ""),
        profile=profile,
    )
