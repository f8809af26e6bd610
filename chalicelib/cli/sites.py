"""`acadpage site add | list | remove | admin-policy`: the member sites of a lab's stage, and
the IAM policy that lets each member write only their own."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from chalicelib.aws.errors import aws_operation
from chalicelib.aws.member_policy import admin_policy, member_policy
from chalicelib.aws.registry import SiteRecord, SiteRegistrar
from chalicelib.aws.stages import RECORD_DIR
from chalicelib.citations.open_sources import valid_openalex_id
from chalicelib.cli.bootstrap import add_stage_arguments
from chalicelib.errors import UserError
from chalicelib.lab.hosts import host_name
from chalicelib.lab.siteid import SiteId
from chalicelib.settings import ORCID, SCHOLAR_ID

USER_POLICY_NAME = "acadpage-site"


def register(subparsers) -> None:
    """Add the site subcommands."""
    site = subparsers.add_parser(
        "site",
        help="add, list or remove the member sites of a lab's stage",
        description="A lab's stage serves one site per member beside its own lab page. Each "
        "member writes only their own site, with the IAM policy `site add` writes.",
    )
    commands = site.add_subparsers(dest="site_command", metavar="SUBCOMMAND", required=True)
    add = commands.add_parser(
        "add",
        help="register a member site and write the IAM policy of its member",
        description="Register member site ID (served at /people/ID/ and at each --host), and "
        "write the policy that lets its member write only sites/ID/ in the bucket and the "
        "table items whose keys start with SITE#ID#. With --create-user, also create an IAM "
        "user with that policy and write its access key.",
    )
    add.add_argument("id", help="the site id: lowercase letters, digits and '-' (a DNS label)")
    add.add_argument("--host", action="append", default=[], help="a host name of the site")
    add.add_argument("--scholar", default="", help="the member's Google Scholar user id")
    add.add_argument("--openalex", default="", help="the member's OpenAlex author id (or ORCID)")
    add.add_argument("--orcid", default="", help="the member's ORCID iD")
    add.add_argument("--create-user", action="store_true", help="create the member's IAM user")
    add_stage_arguments(add)
    add.set_defaults(handler=add_command)
    listing = commands.add_parser("list", help="list the member sites of a stage")
    add_stage_arguments(listing)
    listing.set_defaults(handler=list_command)
    remove = commands.add_parser(
        "remove",
        help="stop serving a member site",
        description="Forget member site ID and its host names; its files under sites/ID/ and "
        "its numbers stay until you delete them.",
    )
    remove.add_argument("id", help="the site id")
    add_stage_arguments(remove)
    remove.set_defaults(handler=remove_command)
    admin = commands.add_parser(
        "admin-policy", help="write the IAM policy of the lab's admin (every site, the registry)"
    )
    add_stage_arguments(admin)
    admin.set_defaults(handler=admin_policy_command)


def site_record(args) -> SiteRecord:
    """The record `site add` registers, every value checked before any AWS call."""
    site = SiteId.member(args.id, "site id")
    hosts = tuple(dict.fromkeys(host_name(host, "--host") for host in args.host))
    if args.scholar and not SCHOLAR_ID.fullmatch(args.scholar):
        raise UserError(f"--scholar: expected a 12-character Google Scholar user id, got "
                        f"{args.scholar!r}")  # fmt: skip
    if args.openalex and not valid_openalex_id(args.openalex):
        raise UserError(f"--openalex: expected an OpenAlex author id such as A5023888391 (or an "
                        f"ORCID), got {args.openalex!r}")  # fmt: skip
    if args.orcid and not ORCID.fullmatch(args.orcid):
        raise UserError(f"--orcid: expected an ORCID iD such as 0000-0002-1825-0097, got "
                        f"{args.orcid!r}")  # fmt: skip
    return SiteRecord(site, hosts, args.scholar, args.openalex, args.orcid)


def _stage(args):
    """(the stage's target, its registry, the ARNs of its bucket, table and distribution)."""
    from chalicelib.cli.publish import stage_target

    target = stage_target(args)
    record, session = target.record, target.session
    with aws_operation("checking the AWS credentials (sts get-caller-identity)", record.stage):
        account = session.client("sts").get_caller_identity()["Account"]
    partition = session.get_partition_for_region(record.region)
    arns = (
        f"arn:{partition}:s3:::{record.bucket}",
        f"arn:{partition}:dynamodb:{record.region}:{account}:table/{record.table}",
        f"arn:{partition}:cloudfront::{account}:distribution/{record.distribution_id}"
        if record.distribution_id
        else "",
    )
    return target, SiteRegistrar(session.client("dynamodb"), record.table), arns


def sites_folder(project: Path, stage: str) -> Path:
    """Where the member policies and access keys of a stage are written (never committed)."""
    return project / RECORD_DIR / stage / "sites"


def add_command(args) -> int:
    """Register the site, write its member's policy (and user), say what comes next."""
    wanted = site_record(args)
    target, registry, arns = _stage(args)
    stage = target.record.stage
    record = registry.register(wanted)
    policy = member_policy(record.site, *arns)
    folder = sites_folder(args.project_dir, stage)
    path = _write(folder / f"{record.site}.policy.json", json.dumps(policy, indent=2) + "\n")
    where = ", ".join([f"/people/{record.site}/", *record.hosts])
    print(f"site {record.site}: registered on stage {stage}, served at {where}")
    print(f"wrote {path}: the member's IAM policy (their own content, media and numbers only)")
    if args.create_user:
        key_path = _create_user(target.session.client("iam"), stage, record.site, policy, folder)
        print(f"wrote {key_path}: the member's access key (give it to them, then delete it)")
    if record.hosts:
        print("add each host to the stack's MemberHostNames parameter (and its certificate)")
    print(f"the member publishes with: acadpage push people/{record.site} --site {record.site} "
          f"--stage {stage}")  # fmt: skip
    return 0


def _create_user(iam, stage: str, site: SiteId, policy: dict, folder: Path) -> Path:
    """An IAM user holding only the member policy, and a file with its new access key."""
    user = f"acadpage-{stage}-{site}"
    with aws_operation(f"creating IAM user {user}", stage):
        with contextlib.suppress(iam.exceptions.EntityAlreadyExistsException):
            iam.create_user(UserName=user, Tags=[{"Key": "acadpage-site", "Value": site.name}])
        iam.put_user_policy(UserName=user, PolicyName=USER_POLICY_NAME,
                            PolicyDocument=json.dumps(policy))  # fmt: skip
        key = iam.create_access_key(UserName=user)["AccessKey"]
    profile = (f"[profile acadpage-{site}]\naws_access_key_id = {key['AccessKeyId']}\n"
               f"aws_secret_access_key = {key['SecretAccessKey']}\n")  # fmt: skip
    return _write(folder / f"{site}.credentials", profile, private=True)


def _write(path: Path, text: str, *, private: bool = False) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if private:  # readable by its owner alone, from the first byte on
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(text)
        else:
            path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UserError(f"{path}: cannot write: {error.strerror}") from None
    return path


def list_command(args) -> int:
    """One line per member site."""
    _, registry, _ = _stage(args)
    records = registry.sites()
    for record in records:
        profiles = ", ".join(f"{name} {value}" for name, value in (
            ("scholar", record.scholar_id), ("openalex", record.openalex_id),
            ("orcid", record.orcid)) if value)  # fmt: skip
        hosts = " ".join(record.hosts) or "-"
        print(f"{record.site}\thosts: {hosts}\t{profiles or 'no profiles'}\tadded {record.added}")
    print(f"{len(records)} member sites")
    return 0


def remove_command(args) -> int:
    """Forget the site; say what stays."""
    site = SiteId.member(args.id, "site id")
    target, registry, _ = _stage(args)
    record = registry.unregister(site)
    print(f"site {site}: removed from stage {target.record.stage} (hosts: "
          f"{', '.join(record.hosts) or 'none'}); its files under sites/{site}/ and its numbers "
          "stay until you delete them")  # fmt: skip
    return 0


def admin_policy_command(args) -> int:
    """Write the lab admin's policy."""
    target, _, arns = _stage(args)
    policy = admin_policy(*arns)
    path = sites_folder(args.project_dir, target.record.stage) / "admin.policy.json"
    print(f"wrote {_write(path, json.dumps(policy, indent=2) + chr(10))}: the lab admin's policy")
    return 0
