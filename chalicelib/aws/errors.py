"""The acadpage command's AWS sessions, and the SDK errors it meets as one line that says what
to do about them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    CredentialRetrievalError,
    EndpointConnectionError,
    InvalidRegionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
)

from chalicelib.aws.stages import check_region
from chalicelib.errors import UserError

THROTTLED = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "ProvisionedThroughputExceededException",
    "SlowDown",
}
DENIED = {"AccessDenied", "AccessDeniedException", "AllAccessDisabled", "UnauthorizedOperation"}
EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}
BAD_CREDENTIALS = {
    "InvalidAccessKeyId",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "UnrecognizedClientException",
}
WRONG_REGION = {
    "AuthorizationHeaderMalformed",
    "PermanentRedirect",
    "IllegalLocationConstraintException",
}
_ENDPOINT_REGION = re.compile(r"\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com")


class AwsError(UserError):
    """An AWS call failed; the message names the operation and the way out."""


def describe_aws_error(error: Exception, operation: str, stage: str = "") -> str:
    """One actionable line for an SDK error met while doing `operation` (e.g. "uploading ...")."""
    bootstrap = f"`acadpage bootstrap --stage {stage}`" if stage else "`acadpage bootstrap`"
    if isinstance(error, NoCredentialsError | PartialCredentialsError | CredentialRetrievalError):
        return (
            f"{operation}: no usable AWS credentials; run `aws configure` (or `aws sso login`) "
            "or set AWS_PROFILE"
        )
    if isinstance(error, ProfileNotFound):
        return f"{operation}: {error}; check AWS_PROFILE against `aws configure list-profiles`"
    if isinstance(error, NoRegionError):
        return f"{operation}: no AWS region set; pass --region or set AWS_DEFAULT_REGION"
    if isinstance(error, InvalidRegionError):
        return f"{operation}: {error}; expected a region such as us-east-1"
    if isinstance(error, EndpointConnectionError):
        url = str(error.kwargs.get("endpoint_url", ""))
        found = _ENDPOINT_REGION.search(url)
        region = f" {found.group(1)!r}" if found else ""
        return (
            f"{operation}: cannot reach {url or 'AWS'}; check that the region{region} exists "
            "(e.g. us-east-1) and that this machine is online"
        )
    if not isinstance(error, ClientError):
        if isinstance(error, BotoCoreError):
            return f"{operation}: {error}"
        return f"{operation}: {type(error).__name__}: {error}"
    details = error.response.get("Error", {})
    code = error_code(error)
    message = str(details.get("Message", "")).strip()
    if code == "NoSuchBucket":
        bucket = details.get("BucketName", "")
        name = f"bucket {bucket!r}" if bucket else "the bucket"
        return f"{operation}: {name} does not exist (in this account and region); run {bootstrap}"
    if code == "ResourceNotFoundException":
        return (
            f"{operation}: the DynamoDB table was not found in this region ({message}); "
            f"check --region or run {bootstrap}"
        )
    if code in THROTTLED:
        return f"{operation}: AWS is throttling requests ({code}); wait a minute and try again"
    if code in DENIED:
        return (
            f"{operation}: access denied ({code}); the AWS identity in use needs this permission "
            "(see docs/deploy.md, 'Who may run what')"
        )
    if code in EXPIRED:
        return f"{operation}: the AWS credentials have expired; log in again (e.g. `aws sso login`)"
    if code in BAD_CREDENTIALS:
        return (
            f"{operation}: AWS rejected the credentials ({code}); check the access key "
            "or AWS_PROFILE with `aws sts get-caller-identity`"
        )
    if code in WRONG_REGION:
        region = details.get("Region", "") or details.get("Endpoint", "")
        where = f" (AWS says: {region})" if region else ""
        return f"{operation}: the bucket is in another region{where}; pass --region"
    if code == "BucketAlreadyExists":
        return (
            f"{operation}: the bucket name is taken by another AWS account (bucket names are "
            "global); choose another with --bucket"
        )
    return f"{operation}: {code}: {message}" if message else f"{operation}: {code}"


def error_code(error: ClientError) -> str:
    """The code AWS answered a failed call with ("NoSuchKey", "404", ...), or ""."""
    return str(error.response.get("Error", {}).get("Code", ""))


@contextmanager
def aws_operation(operation: str, stage: str = "") -> Iterator[None]:
    """Turn SDK errors met while doing `operation` into an AwsError with one actionable line."""
    try:
        yield
    except (BotoCoreError, ClientError) as error:
        raise AwsError(describe_aws_error(error, operation, stage)) from error


def aws_session(region: str | None):
    """A boto3 session in `region` (or the AWS config's region); nothing is called yet."""
    import boto3

    with aws_operation("opening an AWS session"):
        return boto3.session.Session(region_name=check_region(region) if region else None)


def session_region(session) -> str:
    """The session's region, or an AwsError saying how to set one."""
    if not session.region_name:
        raise AwsError("no AWS region set; pass --region or set AWS_DEFAULT_REGION")
    return check_region(session.region_name)
