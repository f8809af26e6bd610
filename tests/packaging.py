"""`make package` as the tests build it, and its SAM template expanded as CloudFormation would.

The package is built offline (pip reads only the wheelhouse `make test` fills) and without AWS
credentials, as `make package` does; the fixtures in conftest.py build it once per session.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

BIN = Path(sys.executable).parent
WHEELHOUSE = ROOT / ".cache" / "wheelhouse"
STAGE = "dev"
# The profile the tests package the stage with, as a user's shell (or the stage's config) names it.
PACKAGED_PROFILE = {"ACADPAGE_SCHOLAR_ID": "P1RwlvoAAAAJ", "ACADPAGE_OPENALEX_ID": "A5023888391"}
# Where `aws cloudformation package` puts the code; SAM refuses a local CodeUri.
UPLOADED_CODE = "s3://artifacts-bucket/deployment.zip"


def offline_environment(tmp: Path) -> dict[str, str]:
    """This process's environment without AWS credentials and with pip cut off from indexes."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "PIP_")) or name == "AWS_CA_BUNDLE"
    }
    env.update(
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=str(tmp / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp / "no-aws-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(WHEELHOUSE),
        PIP_CONFIG_FILE=os.devnull,
    )
    return env


def build_package(tmp: Path, stage: str = STAGE) -> subprocess.CompletedProcess:
    """Run `make package`'s steps into tmp/package: the stage's profile checked, templates
    compiled, `chalice package`, the bytecode Lambda loads added to the zip, and the profile
    written as the stack's parameters."""
    profile = [sys.executable, "-m", "scripts.stack_parameters", stage]
    environment = {**os.environ, **PACKAGED_PROFILE}
    subprocess.run(profile, cwd=ROOT, env=environment, check=True, capture_output=True)
    compiled = [sys.executable, "-m", "scripts.compile_templates"]
    subprocess.run(compiled, cwd=ROOT, check=True, capture_output=True, timeout=120)
    command = [
        str(BIN / "chalice"),
        "package",
        "--stage",
        stage,
        "--merge-template",
        "deploy/resources.json",
        str(tmp / "package"),
    ]
    run = subprocess.run(
        command,
        cwd=ROOT,
        env=offline_environment(tmp),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if run.returncode == 0:
        zip_path = str(tmp / "package" / "deployment.zip")
        precompile = [sys.executable, "-m", "scripts.precompile_package", zip_path]
        subprocess.run(precompile, cwd=ROOT, check=True, capture_output=True, timeout=300)
        parameters = [*profile, str(tmp / "package" / "sam.json")]
        subprocess.run(parameters, cwd=ROOT, env=environment, check=True, capture_output=True)
    return run


def resources_of_type(template: dict, *kinds: str) -> dict[str, dict]:
    """The template's resources of one of `kinds`, by logical name."""
    return {name: r for name, r in template["Resources"].items() if r["Type"] in kinds}


def functions(template: dict) -> dict[str, dict]:
    """The template's Lambda functions (SAM or plain CloudFormation) by logical name."""
    return resources_of_type(template, "AWS::Serverless::Function", "AWS::Lambda::Function")


def distribution_config(template: dict) -> dict:
    """The DistributionConfig of the template's one CloudFront distribution."""
    (distribution,) = resources_of_type(template, "AWS::CloudFront::Distribution").values()
    return distribution["Properties"]["DistributionConfig"]


def expand_sam(template: dict, parameters: dict | None = None) -> dict:
    """The CloudFormation template that SAM's own translator makes of `template`."""
    import boto3
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    document = copy.deepcopy(template)
    for function in functions(document).values():
        function["Properties"]["CodeUri"] = UPLOADED_CODE
    translator = Translator(
        managed_policy_map={},
        sam_parser=Parser(),
        boto_session=boto3.Session(region_name="us-east-1"),
    )
    return translator.translate(
        document,
        parameter_values=parameters or {},
        passthrough_metadata=True,
        get_managed_policy_map=dict,
    )
