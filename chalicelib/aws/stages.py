"""Deployment stages: their names, the resources recorded for each, and their Chalice settings.

A stage's bucket, table and region live in `.acadpage/<stage>.json` (this machine's record);
`.chalice/config.json` and the functions' `.chalice/policy-<stage>-page.json` and `-refresh.json`
carry the same names for `chalice deploy`.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from chalicelib.errors import UserError
from chalicelib.lab.siteid import SITES_PREFIX
from chalicelib.settings import PROFILE_VARIABLES

STAGE_NAME = re.compile(r"^[a-z][a-z0-9-]{0,20}$")
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")
_TABLE_NAME = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")
_REGION_NAME = re.compile(r"^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$")
RECORD_DIR = ".acadpage"
DEFAULT_SCHEDULE = "cron(0 8 * * ? *)"

# What each Lambda function does, and nothing more (tests/test_iam.py checks it against the code).
PAGE_FUNCTION = "api_handler"  # the page: reads only
REFRESH_FUNCTION = "refresh_citations"  # the scheduled refresh: writes the citations
SCHOLAR_TICK_FUNCTION = "scholar_tick"  # the fan-out's paced Scholar tick (docs/fanout.md)
OPEN_BATCHES_FUNCTION = "open_batches"  # the fan-out's batched open sources
FANOUT_FUNCTIONS = (SCHOLAR_TICK_FUNCTION, OPEN_BATCHES_FUNCTION)
POLICY_FILE_OF = {  # policy-<stage>-<this>.json
    PAGE_FUNCTION: "page",
    REFRESH_FUNCTION: "refresh",
    SCHOLAR_TICK_FUNCTION: "scholar-tick",
    OPEN_BATCHES_FUNCTION: "open-batches",
}
CONTENT_READ_ACTIONS = ("s3:GetObject",)
# Without ListBucket, S3 answers a missing key with 403 instead of 404, and the page could not
# tell "no such language or image" from "no permission".
BUCKET_LIST_ACTIONS = ("s3:ListBucket",)
STATS_WRITE_ACTIONS = ("s3:PutObject",)
FANOUT_READ_ACTIONS = ("dynamodb:BatchGetItem",)  # every site's last fetch in one read
TABLE_READ_ACTIONS = ("dynamodb:GetItem", "dynamodb:Query")  # GetItem: the site registry
TABLE_WRITE_ACTIONS = (
    "dynamodb:BatchWriteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
)
INVALIDATE_ACTIONS = ("cloudfront:CreateInvalidation",)
# The packaged stack's parameters naming the profile, and the variable each one sets.
PROFILE_PARAMETERS = dict(
    zip(("ScholarId", "OpenAlexId", "OrcidId", "SemanticScholarId"), PROFILE_VARIABLES, strict=True)
)
LOG_ACTIONS = ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")


class StageError(UserError):
    """A stage name, resource name, record or config file is wrong; says which and why."""


@dataclass(frozen=True)
class StageRecord:
    """The AWS resources of one stage, as `acadpage bootstrap` created or found them."""

    stage: str
    bucket: str
    table: str
    region: str
    url: str = ""  # the API's address
    distribution_id: str = ""  # the CloudFront distribution in front of it, if any
    site_url: str = ""  # the distribution's address (its custom domain, else its own)
    # (variable, id) of the profile a stack was deployed with: what its functions see
    profile: tuple[tuple[str, str], ...] = ()

    @property
    def address(self) -> str:
        """Where visitors reach the stage: the distribution, else the API."""
        return self.site_url or self.url


def check_stage(name: str) -> str:
    """`name` when it is a usable stage name; a StageError saying what is allowed otherwise."""
    if not STAGE_NAME.match(name):
        raise StageError(
            f"stage {name!r}: expected a lowercase name of up to 21 letters, digits and '-', "
            "starting with a letter (e.g. dev, prod)"
        )
    return name


def bucket_problem(name: str) -> str:
    """Why `name` cannot be an S3 bucket for acadpage, or "" when it can."""
    if "." in name:
        return "dots break HTTPS to the bucket; use letters, digits and '-'"
    if not _BUCKET_NAME.match(name):
        return (
            "expected 3-63 lowercase letters, digits and '-', "
            "starting and ending with a letter or digit"
        )
    if name.startswith(("xn--", "sthree-")) or name.endswith(("-s3alias", "--ol-s3")):
        return "S3 reserves this prefix or suffix"
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return ""
    return "a bucket name cannot look like an IP address"


def check_bucket(name: str) -> str:
    """`name` when S3 accepts it as a bucket name; a StageError naming the rule otherwise."""
    problem = bucket_problem(name)
    if problem:
        raise StageError(f"bucket name {name!r}: {problem}")
    return name


def check_table(name: str) -> str:
    """`name` when DynamoDB accepts it as a table name; a StageError otherwise."""
    if not _TABLE_NAME.match(name):
        raise StageError(f"table name {name!r}: expected 3-255 letters, digits, '_', '-' and '.'")
    return name


def check_region(name: str) -> str:
    """`name` when it is shaped like an AWS region (e.g. eu-west-1); a StageError otherwise."""
    if not _REGION_NAME.match(name):
        raise StageError(f"region {name!r}: expected an AWS region such as us-east-1 or eu-west-1")
    return name


def default_bucket(stage: str, account_id: str) -> str:
    """The bucket name bootstrap picks: bucket names are global, so the account id makes it ours."""
    return f"acadpage-{stage}-{account_id}"


def default_table(stage: str) -> str:
    """The table name bootstrap picks (table names only need to be unique in the account)."""
    return f"acadpage-{stage}-citations"


def record_path(project_dir: Path, stage: str) -> Path:
    """Where a stage's record is kept."""
    return project_dir / RECORD_DIR / f"{check_stage(stage)}.json"


def read_record(project_dir: Path, stage: str) -> StageRecord | None:
    """The stage's record, or None when the stage was never bootstrapped on this machine."""
    path = record_path(project_dir, stage)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise StageError(
            f"{path.relative_to(project_dir)}: unreadable stage record ({error})"
        ) from None
    if not isinstance(document, dict):
        document = {}
    values = {name: document.get(name) for name in ("bucket", "table", "region")}
    missing = [name for name, value in values.items() if not isinstance(value, str) or not value]
    if missing:
        raise StageError(
            f"{path.relative_to(project_dir)}: expected text fields {', '.join(missing)}; "
            f"run `acadpage bootstrap --stage {stage}` again"
        )
    optional = {name: document.get(name, "") for name in ("url", "distribution_id", "site_url")}
    profile = document.get("profile")
    profile = profile if isinstance(profile, dict) else {}
    return StageRecord(
        stage,
        **values,
        **{k: v if isinstance(v, str) else "" for k, v in optional.items()},
        profile=tuple(
            (name, value)
            for name, value in profile.items()
            if name in PROFILE_VARIABLES and isinstance(value, str)
        ),
    )


def write_record(project_dir: Path, record: StageRecord) -> Path:
    """Save the stage's record; returns its path."""
    path = record_path(project_dir, record.stage)
    document = {key: value for key, value in asdict(record).items() if key != "stage" and value}
    if record.profile:
        document["profile"] = dict(record.profile)
    _write_json(path, document)
    return path


def _write_json(path: Path, document: dict) -> None:
    try:
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as error:
        raise StageError(f"{path}: cannot write: {error.strerror}") from None


def chalice_config_path(project_dir: Path) -> Path:
    """The Chalice project's config file."""
    return project_dir / ".chalice" / "config.json"


def read_chalice_config(project_dir: Path) -> dict:
    """The Chalice config as a dict; a StageError when it is missing or not JSON."""
    path = chalice_config_path(project_dir)
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StageError(
            f"{path}: no such file; run acadpage in the project folder (or pass --project-dir)"
        ) from None
    except ValueError as error:
        raise StageError(f"{path}: not valid JSON ({error})") from None
    if not isinstance(config, dict):
        raise StageError(f"{path}: expected a JSON object")
    return config


def stage_environment(project_dir: Path, stage: str) -> dict[str, str]:
    """The environment Chalice gives the stage's functions: top-level values, then the stage's."""
    config = read_chalice_config(project_dir)
    stage_config = config.get("stages", {}).get(stage, {})
    return {
        **config.get("environment_variables", {}),
        **stage_config.get("environment_variables", {}),
    }


def deployed_environment(project_dir: Path, stage: str) -> dict[str, str]:
    """The environment the stage's functions run with: the stage's Chalice variables, and the
    profile its stack was deployed with when `bootstrap --from-stack` recorded one."""
    environment = stage_environment(project_dir, stage)
    record = read_record(project_dir, stage)
    return {**environment, **dict(record.profile)} if record else environment


def no_profile_message(stage: str) -> str:
    """The one line `push` and `make package` refuse a stage naming no profile with."""
    return (
        f"stage {stage!r} names no citation source, so its page would show no numbers: set "
        f"{', '.join(PROFILE_VARIABLES)} (any of them) in stages.{stage}.environment_variables "
        "of .chalice/config.json"
    )


def lambda_policies(
    partition: str, bucket: str, table_arn: str, env: dict[str, str], distribution_arn: str = ""
) -> dict[str, dict]:
    """Each function's IAM policy by Chalice function name: its own calls on the stage's names."""
    bucket_arn = f"arn:{partition}:s3:::{bucket}"
    # the default site's prefixes, and every member site's under sites/<id>/ (lab.siteid)
    read = [
        f"{bucket_arn}/{env.get('ACADPAGE_CONTENT_PREFIX', 'content/')}*",
        f"{bucket_arn}/{env.get('ACADPAGE_MEDIA_PREFIX', 'media/')}*",
        f"{bucket_arn}/{SITES_PREFIX}*/content/*",
        f"{bucket_arn}/{SITES_PREFIX}*/media/*",
    ]
    stats = [
        f"{bucket_arn}/{env.get('ACADPAGE_STATS_PREFIX', 'stats/')}*",
        f"{bucket_arn}/{SITES_PREFIX}*/stats/*",
    ]
    logs = _statement("Logs", LOG_ACTIONS, [f"arn:{partition}:logs:*:*:*"])
    page = [
        _statement("ReadContentAndMedia", CONTENT_READ_ACTIONS, read),
        _statement("TellMissingKeysApart", BUCKET_LIST_ACTIONS, [bucket_arn]),
        _statement("ReadCitations", TABLE_READ_ACTIONS, [table_arn]),
        logs,
    ]
    writes = [
        _statement("WriteCitationStats", STATS_WRITE_ACTIONS, stats),
        _statement("CitationTable", TABLE_WRITE_ACTIONS, [table_arn]),
    ]
    refresh = list(writes)
    if distribution_arn:
        invalidate = _statement("InvalidateCitationPaths", INVALIDATE_ACTIONS, [distribution_arn])
        refresh.append(invalidate)
    # the fan-out writes what the refresh writes but leaves the edge alone: its numbers reach
    # the page when the citation paths' cache expires (docs/fanout.md)
    fanout = [
        *writes,
        _statement("ReadCitationItems", FANOUT_READ_ACTIONS, [table_arn]),
    ]
    return {
        PAGE_FUNCTION: {"Version": "2012-10-17", "Statement": page},
        REFRESH_FUNCTION: {"Version": "2012-10-17", "Statement": [*refresh, logs]},
        **{f: {"Version": "2012-10-17", "Statement": [*fanout, logs]} for f in FANOUT_FUNCTIONS},
    }


def _statement(sid: str, actions: tuple[str, ...], resources: list[str]) -> dict:
    return {"Sid": sid, "Effect": "Allow", "Action": list(actions), "Resource": resources}


def save_stage_config(
    project_dir: Path, record: StageRecord, policies: dict[str, dict]
) -> list[Path]:
    """Point the stage's Chalice config and each function's policy file at the record's names."""
    config = read_chalice_config(project_dir)
    stages = config.setdefault("stages", {})
    stage = stages.setdefault(record.stage, {})
    stage.setdefault("api_gateway_stage", "api")
    stage["autogen_policy"] = False
    functions = stage.setdefault("lambda_functions", {})
    policy_files = {}
    for function, policy in policies.items():
        settings = functions.setdefault(function, {})
        default = f"policy-{record.stage}-{POLICY_FILE_OF.get(function, function)}.json"
        policy_files[settings.setdefault("iam_policy_file", default)] = policy
    env = stage.setdefault("environment_variables", {})
    env["ACADPAGE_BUCKET"] = record.bucket
    env["ACADPAGE_TABLE"] = record.table
    env.setdefault("ACADPAGE_REFRESH_SCHEDULE", DEFAULT_SCHEDULE)
    config_path = chalice_config_path(project_dir)
    _write_json(config_path, config)
    written = [config_path]
    for name, policy in policy_files.items():
        _write_json(config_path.parent / name, policy)
        written.append(config_path.parent / name)
    return written


def deployed_url(project_dir: Path, stage: str) -> str:
    """The API's address from the last `chalice deploy` of the stage, or ""."""
    path = project_dir / ".chalice" / "deployed" / f"{stage}.json"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    for resource in document.get("resources", []) if isinstance(document, dict) else []:
        if isinstance(resource, dict) and resource.get("resource_type") == "rest_api":
            url = resource.get("rest_api_url", "")
            return url if isinstance(url, str) else ""
    return ""
