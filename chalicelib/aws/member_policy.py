"""The IAM policies of a lab's people: a member may write only their own site (its content,
media and stats under sites/<id>/, its table items whose keys start with SITE#<id>#); the lab's
admin may write every site and the registry."""

from __future__ import annotations

from chalicelib.lab.siteid import SiteId, member_partition, member_prefix

OBJECT_ACTIONS = ("s3:DeleteObject", "s3:GetObject", "s3:GetObjectVersion", "s3:PutObject")
LIST_ACTIONS = ("s3:ListBucket", "s3:ListBucketVersions")
TABLE_ACTIONS = (
    "dynamodb:BatchWriteItem",
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
)
INVALIDATE_ACTIONS = ("cloudfront:CreateInvalidation",)
MEMBER_FOLDERS = ("content", "media", "stats")


def member_policy(
    site: SiteId, bucket_arn: str, table_arn: str, distribution_arn: str = ""
) -> dict:
    """The policy of member `site`: their own objects and table items, nothing of anyone else.

    S3 object ARNs pin the prefix; ListBucket is bounded by `s3:prefix`; every table action by
    `dynamodb:LeadingKeys` (all of the request's partition keys must start with SITE#<id>#).
    CloudFront cannot bound an invalidation by path, so a member may clear any path of the
    distribution: that costs a cache miss, never another member's content.
    """
    prefix = member_prefix(site)
    statements = [
        _allow("OwnSiteObjects", OBJECT_ACTIONS,
               [f"{bucket_arn}/{prefix}{folder}/*" for folder in MEMBER_FOLDERS]),
        _allow("ListOwnSite", LIST_ACTIONS, [bucket_arn],
               {"StringLike": {"s3:prefix": [f"{prefix}*"]}}),
        _allow("OwnSiteNumbers", TABLE_ACTIONS, [table_arn], {
            "ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"{member_partition(site)}*"]},
            # ForAllValues holds for a request without keys: such a request is refused
            "Null": {"dynamodb:LeadingKeys": "false"},
        }),
    ]  # fmt: skip
    if distribution_arn:
        statements.append(_allow("ClearOwnPagesAtTheEdge", INVALIDATE_ACTIONS, [distribution_arn]))
    return {"Version": "2012-10-17", "Statement": statements}


def admin_policy(bucket_arn: str, table_arn: str, distribution_arn: str = "") -> dict:
    """The policy of the lab's admin: every site's objects, the whole table (the registry
    included), and the distribution."""
    statements = [
        _allow("EverySiteObjects", OBJECT_ACTIONS, [f"{bucket_arn}/*"]),
        _allow("ListEverySite", LIST_ACTIONS, [bucket_arn]),
        _allow("EverySiteNumbersAndTheRegistry", TABLE_ACTIONS, [table_arn]),
    ]
    if distribution_arn:
        statements.append(_allow("ClearAnyPageAtTheEdge", INVALIDATE_ACTIONS, [distribution_arn]))
    return {"Version": "2012-10-17", "Statement": statements}


def _allow(sid: str, actions, resources: list[str], condition: dict | None = None) -> dict:
    statement = {"Sid": sid, "Effect": "Allow", "Action": list(actions), "Resource": resources}
    if condition:
        statement["Condition"] = condition
    return statement
