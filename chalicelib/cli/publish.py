"""`acadpage push`, `pull` and `rollback`: the content a stage serves, validated and versioned.

Every AWS call here goes through `aws_operation`, so a failure is one line that names the call.
"""

from __future__ import annotations

import base64
import hashlib
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from chalicelib.aws import edge
from chalicelib.aws.content_store import media_type
from chalicelib.aws.edge import MEDIA_CACHE_CONTROL, content_paths, invalidate
from chalicelib.aws.errors import aws_operation, aws_session, error_code, session_region
from chalicelib.aws.stages import (
    StageError,
    StageRecord,
    check_stage,
    deployed_environment,
    deployed_url,
    no_profile_message,
    read_record,
    write_record,
)
from chalicelib.cli.bootstrap import add_stage_arguments
from chalicelib.cli.content import read_content_file
from chalicelib.cli.files import read_bytes
from chalicelib.cli.labfolder import site_of
from chalicelib.cli.site_media import media_files
from chalicelib.errors import UserError
from chalicelib.lab.model import LAB_FILE, load_lab
from chalicelib.settings import Settings, SettingsError, load_settings
from chalicelib.site.content import LANGUAGE, ContentError, Site, load_site

CONTENT_TYPE = "application/yaml"
_MISSING_OBJECT = {"404", "NoSuchKey", "NotFound"}


def register(subparsers) -> None:
    """Add the push, pull and rollback subcommands."""
    push = subparsers.add_parser(
        "push",
        help="validate a content file and upload it with the media it uses",
        description="Validate FILE (nothing invalid is ever uploaded), then upload the media files "
        "it references from the media/ folder next to it and FILE itself, each only when missing "
        "or changed, and print the live address.",
    )
    push.add_argument(
        "file", type=Path,
        help="site.yaml or site.<lang>.yaml, a folder of them (a lab member's), or lab.yaml",
    )  # fmt: skip
    push.add_argument(
        "--site", help="the member site it is for (default: the deployment's own site)"
    )
    add_stage_arguments(push)
    push.set_defaults(handler=push_command)

    pull = subparsers.add_parser(
        "pull",
        help="download the content file the stage serves",
        description="Download the content file the stage currently serves.",
    )
    add_stage_arguments(pull)
    pull.add_argument("--file", default="site.yaml", help="which content file (default site.yaml)")
    pull.add_argument("-o", "--output", type=Path, required=True, help="where to write it")
    pull.set_defaults(handler=pull_command)

    rollback = subparsers.add_parser(
        "rollback",
        help="serve the previous version of a content file again",
        description="Copy the previous S3 version of a content file over the current one, after "
        "checking that it is valid. The replaced version stays in the history, so a second "
        "rollback undoes the first.",
    )
    add_stage_arguments(rollback)
    rollback.add_argument(
        "--file", default="site.yaml", help="which content file (default site.yaml)"
    )
    rollback.set_defaults(handler=rollback_command)


@dataclass(frozen=True)
class Target:
    """Where a stage's content lives: its record, its settings, an AWS session in its region."""

    record: StageRecord
    settings: Settings
    session: object


def stage_target(args) -> Target:
    """The stage's bucket, prefixes and an AWS session in its region."""
    stage = check_stage(args.stage)
    project = args.project_dir
    env = deployed_environment(project, stage)
    try:
        settings = load_settings(env)
    except SettingsError as error:
        raise StageError(f".chalice/config.json, stage {stage!r}: {error}") from None
    record = read_record(project, stage)
    if record is None and not settings.bucket:
        raise StageError(
            f"stage {stage!r} has no bucket yet: run `acadpage bootstrap --stage {stage}` "
            "(or `--from-stack STACK` after a CloudFormation deploy)"
        )
    session = aws_session(args.region or (record.region if record else None))
    region = session_region(session)
    if record is None:
        record = StageRecord(
            stage,
            settings.bucket,
            settings.table,
            region,
            distribution_id=settings.distribution_id,
            site_url=settings.site_origin,
        )
    return Target(record, settings, session)


def content_file_name(name: str) -> str:
    """`name` when it is a content file the page reads (site.yaml, site.<lang>.yaml)."""
    parts = name.split(".")
    if name == "site.yaml" or (
        len(parts) == 3 and parts[0] == "site" and parts[2] == "yaml" and LANGUAGE.match(parts[1])
    ):
        return name
    raise UserError(
        f"{name}: expected a content file named site.yaml or site.<lang>.yaml (e.g. site.zh.yaml)"
    )


def upload_if_changed(
    s3, bucket: str, key: str, body: bytes, content_type: str, stage: str = "", cache_control=""
) -> str:
    """Put the object unless S3 holds the same bytes already; "uploaded" or "unchanged"."""
    from botocore.exceptions import ClientError

    digest = hashlib.md5(body, usedforsecurity=False)
    with aws_operation(f"checking s3://{bucket}/{key}", stage):
        try:
            stored = s3.head_object(Bucket=bucket, Key=key)["ETag"].strip('"')
        except ClientError as error:
            if error_code(error) not in _MISSING_OBJECT:
                raise
            stored = ""
    if stored == digest.hexdigest():
        return "unchanged"
    with aws_operation(f"uploading s3://{bucket}/{key}", stage):
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=body,
            ContentType=content_type,
            ContentMD5=base64.b64encode(digest.digest()).decode(),
            **({"CacheControl": cache_control} if cache_control else {}),
        )
    return "uploaded"


def named_scholar_profiles(site: Site) -> dict[str, str]:
    """Google Scholar user id -> the first field naming it (the profile or a paper's scholar_id)."""
    named = {}
    if site.profile.google_scholar_id:
        named[site.profile.google_scholar_id] = "profile.google_scholar_id"
    for section in site.sections:
        if section.kind == "publications":
            for index, paper in enumerate(section.publications):
                user = paper.scholar_id.split(":", 1)[0]
                if user:
                    named.setdefault(user, f"publications[{index}].scholar_id")
    return named


def scholar_warning(site: Site, file_name: str, settings: Settings, stage: str) -> str:
    """A warning when the content names a Scholar profile the stage's refresh does not fetch."""
    named = named_scholar_profiles(site)
    if not named or settings.scholar_id in named:
        return ""
    user, field = next(iter(named.items()))
    refreshed = (
        f"refreshes Scholar profile {settings.scholar_id!r} instead"
        if settings.scholar_id
        else "refreshes no Scholar profile"
    )
    return (
        f"acadpage: warning: {file_name} {field} names Google Scholar profile {user!r}, but "
        f"stage {stage!r} {refreshed}, so its numbers will not update; set ACADPAGE_SCHOLAR_ID "
        f'to "{user}" in the stage\'s environment_variables in .chalice/config.json and deploy'
    )


def push_command(args) -> int:
    """Validate, upload what changed (media first, content last), clear it at the edge, print
    the address; `--site` names a member's site, and a folder stands for its site.yaml."""
    site_id = site_of(args)
    first = args.file / "site.yaml" if args.file.is_dir() else args.file
    is_lab = first.name == LAB_FILE and site_id.is_default  # the lab's own page
    name = LAB_FILE if is_lab else content_file_name(first.name)
    site = load_lab(read_bytes(first)) if is_lab else read_content_file(first)
    # the default file brings its translations: /zh would stay 404 without site.zh.yaml
    files = [first] if is_lab else [*translation_files(site, first), first]
    sites = {} if is_lab else {first: site} | {path: read_content_file(path) for path in files[:-1]}
    checked = [media_files(each, path) for path, each in sites.items()]
    if problems := [line for _, missing in checked for line in missing]:
        raise UserError("nothing uploaded:\n" + "\n".join(problems))
    media = sorted(dict(item for found, _ in checked for item in found).items())
    target = stage_target(args)
    bucket, settings = target.record.bucket, target.settings
    own_page = site_id.is_default and not is_lab  # a member's profiles are in the registry
    if own_page and not settings.citation_sources:
        raise StageError(no_profile_message(target.record.stage) + "; nothing was uploaded")
    keys = settings.keys(site_id)
    warning = scholar_warning(site, first.name, settings, target.record.stage) if own_page else ""
    if warning:
        print(warning, file=sys.stderr)
    content_keys = {keys.content_prefix + path.name for path in files}
    uploads = [(keys.media_prefix + key, path, media_type(key) or "") for key, path in media]
    uploads += [(keys.content_prefix + path.name, path, CONTENT_TYPE) for path in files]
    s3 = target.session.client("s3")
    uploaded = []
    for number, (key, path, content_type) in enumerate(uploads, 1):
        body = read_bytes(path)
        cache_control = MEDIA_CACHE_CONTROL if key not in content_keys else ""
        state = upload_if_changed(
            s3, bucket, key, body, content_type, target.record.stage, cache_control
        )
        print(f"[{number}/{len(uploads)}] s3://{bucket}/{key}: {state} ({_size(len(body))})")
        if state == "uploaded":
            uploaded.append(key)
    content_changed = bool(content_keys.intersection(uploaded))
    changed_media = [
        key.removeprefix(keys.media_prefix) for key in uploaded if key not in content_keys
    ]
    translations = () if is_lab else site.settings.translations
    paths = edge.site_paths(site_id, content_paths(
        name, translations, changed_media, content_changed=content_changed))  # fmt: skip
    paths += edge.LAB_PAGES if is_lab and content_changed else ()
    invalidate_edge(target, paths, content_changed)
    record = current_record(args.project_dir, target.record)
    if not record.address:
        print(f"not deployed yet: run `chalice deploy --stage {record.stage}`")
        return 0
    for path in (first, *files[:-1]):
        print(f"live: {page_address(edge.site_address(record.address, site_id), path.name)}")
    base_url = site.base_url if is_lab else site.settings.base_url
    if warning := base_url_warning(base_url, record.address, first.name):
        print(warning)
    return 0


def translation_files(site: Site, content_file: Path) -> list[Path]:
    """The site.<lang>.yaml files the default file's `translations` name, next to it; a
    UserError names any missing."""
    if content_file.name != "site.yaml":
        return []
    files = [content_file.with_name(f"site.{lang}.yaml") for lang in site.settings.translations]
    missing = [path.name for path in files if not path.is_file()]
    if missing:
        raise UserError(
            f"nothing uploaded: {content_file.name} site.translations names "
            f"{', '.join(missing)}, not found next to {content_file.name}; write "
            "it, or take its language out of translations"
        )
    return files


def invalidate_edge(target: Target, paths: list[str], content_changed: bool) -> None:
    """Drop `paths` from the stage's CloudFront distribution, if it has one; print the id.

    After a content change it first waits out the functions' content TTL: a warm function may
    serve the old page until then, and CloudFront would keep that for its s-maxage again.
    """
    distribution = target.record.distribution_id
    if not distribution or not paths:
        return
    wait_s = target.settings.content_ttl_s if content_changed else 0
    if wait_s > 0:
        print(f"waiting {wait_s:g} s (ACADPAGE_CONTENT_TTL) until every function reads the change")
        time.sleep(wait_s)
    cloudfront = target.session.client("cloudfront")
    stage = target.record.stage
    invalidation = invalidate(cloudfront, distribution, paths, stage=stage)
    print(
        f"edge: invalidation {invalidation} of {', '.join(paths)} on distribution {distribution}; "
        f"follow it with `aws cloudfront get-invalidation --distribution-id {distribution} "
        f"--id {invalidation}`"
    )


def current_record(project: Path, record: StageRecord) -> StageRecord:
    """The stage's record with the API address of its last `chalice deploy` (remembered)."""
    found = deployed_url(project, record.stage)
    if found and found != record.url:
        record = replace(record, url=found)
        write_record(project, record)
    return record


def page_address(address: str, name: str) -> str:
    """The address of the page a content file feeds: the stage's root, or `/<lang>` under it."""
    language = name.split(".")[1] if name.count(".") == 2 else ""
    return f"{address.rstrip('/')}/{language}" if language else address


def base_url_warning(base_url: str, address: str, filename: str) -> str:
    """What to change when the content names another address than the one the stage serves."""
    if not base_url or address.rstrip("/") == base_url:
        return ""
    return (
        f"warning: {filename} sets site.base_url to {base_url}, but the stage is served at "
        f"{address}; the page's canonical, Open Graph, sitemap and feed addresses name "
        f"{base_url}. Unless {base_url} is your own domain pointing at this stage, remove "
        f"base_url from {filename} (the stage's own address is then used) and push again."
    )


def pull_command(args) -> int:
    """Write the stage's current content file to --output."""
    name = content_file_name(args.file)
    target = stage_target(args)
    bucket, key = target.record.bucket, target.settings.content_prefix + name
    answer = _get_object(target.session.client("s3"), bucket, key, args.stage)
    body = answer["Body"].read()
    try:
        args.output.write_bytes(body)
    except OSError as error:
        raise UserError(f"{args.output}: cannot write: {error.strerror}") from None
    version = answer.get("VersionId") or "unversioned"
    saved = f"{answer['LastModified']:%Y-%m-%d %H:%M} UTC"
    print(f"wrote {args.output} ({_size(len(body))}, version {version}, saved {saved})")
    return 0


def _get_object(s3, bucket: str, key: str, stage: str, version: str = "") -> dict:
    from botocore.exceptions import ClientError

    request = {"Bucket": bucket, "Key": key, **({"VersionId": version} if version else {})}
    with aws_operation(f"reading s3://{bucket}/{key}", stage):
        try:
            return s3.get_object(**request)
        except ClientError as error:
            if error_code(error) != "NoSuchKey":
                raise
    name = key.rsplit("/", 1)[-1]
    raise UserError(
        f"s3://{bucket}/{key} does not exist yet; upload it with "
        f"`acadpage push {name} --stage {stage}`"
    )


def rollback_command(args) -> int:
    """Make the previous version of the content file the current one again, if it is valid."""
    name = content_file_name(args.file)
    target = stage_target(args)
    bucket, key = target.record.bucket, target.settings.content_prefix + name
    s3 = target.session.client("s3")
    previous = previous_version(s3, bucket, key, args.stage)
    answer = _get_object(s3, bucket, key, args.stage, previous["VersionId"])
    saved = f"{previous['LastModified']:%Y-%m-%d %H:%M} UTC"
    try:
        restored = load_site(answer["Body"].read(), name)
    except ContentError as error:
        raise UserError(
            f"the previous version of s3://{bucket}/{key} (saved {saved}) is not valid, so it "
            f"was not restored:\n{error}"
        ) from None
    with aws_operation(f"restoring s3://{bucket}/{key}", args.stage):
        s3.copy_object(
            Bucket=bucket,
            Key=key,
            CopySource={"Bucket": bucket, "Key": key, "VersionId": previous["VersionId"]},
        )
    print(f"restored s3://{bucket}/{key} as saved {saved} (version {previous['VersionId']})")
    invalidate_edge(target, content_paths(name, restored.settings.translations), True)
    print("the page shows it within ACADPAGE_CONTENT_TTL seconds; roll back again to undo")
    return 0


def previous_version(s3, bucket: str, key: str, stage: str) -> dict:
    """The version to restore: the one before the current, or the newest if it was deleted."""
    versions: list[dict] = []
    deleted = False
    with aws_operation(f"listing the versions of s3://{bucket}/{key}", stage):
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=key):
            versions += [v for v in page.get("Versions", []) if v["Key"] == key]
            deleted |= any(m["Key"] == key and m["IsLatest"] for m in page.get("DeleteMarkers", []))
    # S3 lists the versions of a key newest first.
    wanted = 0 if deleted else 1
    if len(versions) <= wanted or versions[wanted]["VersionId"] == "null":
        raise UserError(
            f"s3://{bucket}/{key} has no earlier version to roll back to "
            "(versioning keeps one per push, from bootstrap on)"
        )
    return versions[wanted]


def _size(count: int) -> str:
    return f"{count:,} bytes" if count < 10_000 else f"{count / 1000:,.0f} kB"
