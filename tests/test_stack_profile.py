"""The profile in the stack: `make package` writes the stage's ids as the stack's parameters and
refuses a stage naming none, `bootstrap --from-stack` reads them back, and every command stores
the numbers under the one key the stack's page reads."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from chalicelib.aws.stages import PROFILE_PARAMETERS, no_profile_message
from chalicelib.citations.store import CitationStore
from chalicelib.cli import main
from chalicelib.settings import PROFILE_VARIABLES, load_settings
from tests.conftest import EXAMPLES, ROOT
from tests.packaging import PACKAGED_PROFILE, functions

GS_OWNER = "DhtAFkwAAAAJ"  # the Scholar user of tests/fixtures/gs_data.json
GS_DATA = Path(__file__).parent / "fixtures" / "gs_data.json"


def test_the_stack_takes_the_stages_profile_as_parameters_and_both_functions_read_them(template):
    parameters = template["Parameters"]
    variable_of = PROFILE_PARAMETERS
    written = {variable_of[name]: parameters[name]["Default"] for name in variable_of}
    assert {k: v for k, v in written.items() if v} == PACKAGED_PROFILE
    for name, function in functions(template).items():
        variables = function["Properties"]["Environment"]["Variables"]
        for parameter, variable in variable_of.items():
            assert variables[variable] == {"Ref": parameter}, name


def test_cloudformation_refuses_a_stack_naming_no_source(template):
    (assertion,) = template["Rules"]["ProfileNamesASource"]["Assertions"]
    (all_empty,) = assertion["Assert"]["Fn::Not"]
    assert all_empty == {
        "Fn::And": [{"Fn::Equals": [{"Ref": name}, ""]} for name in PROFILE_PARAMETERS]
    }
    assert "RuleCondition" not in template["Rules"]["ProfileNamesASource"]  # always checked


@pytest.mark.parametrize(
    ("variable", "good", "bad"),
    [
        ("ACADPAGE_SCHOLAR_ID", "P1RwlvoAAAAJ", "P1Rwlvo"),
        ("ACADPAGE_OPENALEX_ID", "A5023888391", "5023888391"),
        ("ACADPAGE_OPENALEX_ID", "0000-0002-1825-0097", "orcid:0000"),
        ("ACADPAGE_ORCID_ID", "0000-0002-1825-009X", "0000-0002-1825"),
        ("ACADPAGE_SEMANTICSCHOLAR_ID", "1741101", "S1741101"),
    ],
)
def test_each_profile_parameter_takes_the_ids_the_app_takes(template, variable, good, bad):
    (parameter,) = [p for p, v in PROFILE_PARAMETERS.items() if v == variable]
    pattern = template["Parameters"][parameter]["AllowedPattern"]
    assert re.fullmatch(pattern, good) and re.fullmatch(pattern, "")
    assert not re.fullmatch(pattern, bad)
    assert load_settings({variable: good}).citation_sources


def package_step(*argv: str, **environment: str) -> subprocess.CompletedProcess:
    """`make package`'s profile step, in a shell whose ACADPAGE_* are only `environment`'s."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACADPAGE_")} | environment
    command = [sys.executable, "-m", "scripts.stack_parameters", *argv]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def test_make_package_refuses_a_stage_naming_no_source_in_one_line():
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    assert not any(
        config["stages"]["prod"]["environment_variables"].get(v) for v in PROFILE_VARIABLES
    )

    run = package_step("prod")

    assert (run.returncode, run.stdout) == (1, "")
    assert run.stderr == f"make package: {no_profile_message('prod')}\n"
    assert "ACADPAGE_SCHOLAR_ID" in run.stderr and "stages.prod.environment_variables" in run.stderr


def test_make_package_refuses_an_id_the_stack_would_refuse():
    run = package_step("prod", ACADPAGE_SEMANTICSCHOLAR_ID="S1741101")

    assert run.returncode == 1
    assert run.stderr == (
        "make package: ACADPAGE_SEMANTICSCHOLAR_ID of stage 'prod': expected a Semantic Scholar "
        "author id such as 1741101, or empty, got 'S1741101'\n"
    )


# --- the stack, bootstrap --from-stack, and the one key ------------------------------------------


def profile_stack(template: dict, **parameters: str) -> str:
    """The template's bucket, table and profile parameters, with their outputs and the page's
    environment as an output: what moto's CloudFormation runs of it."""
    names = ("ContentBucket", "CitationTable")
    page = functions(template)["APIHandler"]["Properties"]["Environment"]["Variables"]
    return json.dumps(
        {
            "Parameters": {name: template["Parameters"][name] for name in PROFILE_PARAMETERS},
            "Resources": {name: template["Resources"][name] for name in names},
            "Outputs": {
                **{k: template["Outputs"][k] for k in ("ContentBucketName", "CitationTableName")},
                # what the page function's environment resolves to (moto does not run Lambda)
                "PageProfile": {
                    "Value": {"Fn::Join": ["|", [page[v] for v in PROFILE_PARAMETERS.values()]]}
                },
            },
        }
    )


@pytest.fixture
def stack_project(template, aws, tmp_path, monkeypatch):
    """A project whose prod stage names no profile, and a stack deployed with ScholarId."""
    (tmp_path / ".chalice").mkdir()
    (tmp_path / ".chalice" / "config.json").write_text(
        (ROOT / ".chalice" / "config.json").read_text()
    )
    for variable in PROFILE_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    body = profile_stack(template)
    boto3.client("cloudformation").create_stack(
        StackName="acadpage-prod",
        TemplateBody=body,
        Parameters=[
            {"ParameterKey": "ScholarId", "ParameterValue": GS_OWNER},
            {"ParameterKey": "OpenAlexId", "ParameterValue": ""},
        ],
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def page_key() -> str:
    """The key the stack's page function reads, from the environment the stack gives it."""
    (stack,) = boto3.client("cloudformation").describe_stacks(StackName="acadpage-prod")["Stacks"]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    environment = dict(
        zip(PROFILE_PARAMETERS.values(), outputs["PageProfile"].split("|"), strict=True)
    )
    return load_settings(environment).profile_id


def test_bootstrap_from_stack_records_the_stacks_profile(stack_project, capsys):
    assert main(["bootstrap", "--stage", "prod", "--from-stack", "acadpage-prod"]) == 0

    out = capsys.readouterr().out
    assert f"profile: ACADPAGE_SCHOLAR_ID={GS_OWNER}\n" in out
    record = json.loads((stack_project / ".acadpage" / "prod.json").read_text())
    assert record["profile"] == {"ACADPAGE_SCHOLAR_ID": GS_OWNER}
    assert record["region"] == "us-east-1"
    assert page_key() == GS_OWNER
    table = boto3.client("dynamodb").describe_table(TableName=record["table"])["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert [key["AttributeName"] for key in table["KeySchema"]] == ["pk", "sk"]


def test_push_refuses_a_stage_naming_no_source_and_takes_the_stacks(stack_project, capsys):
    site = str(EXAMPLES / "site.yaml")
    (stack,) = boto3.client("cloudformation").describe_stacks(StackName="acadpage-prod")["Stacks"]
    bucket = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}["ContentBucketName"]
    (stack_project / ".acadpage").mkdir()
    (stack_project / ".acadpage" / "prod.json").write_text(
        json.dumps({"bucket": bucket, "table": "t", "region": "us-east-1"})
    )
    capsys.readouterr()

    assert main(["push", site, "--stage", "prod"]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"acadpage: {no_profile_message('prod')}; nothing was uploaded\n")
    assert "Contents" not in boto3.client("s3").list_objects_v2(Bucket=bucket)

    assert main(["bootstrap", "--stage", "prod", "--from-stack", "acadpage-prod"]) == 0
    assert main(["push", site, "--stage", "prod"]) == 0
    assert boto3.client("s3").list_objects_v2(Bucket=bucket)["KeyCount"] > 0


def test_a_laptop_import_and_status_use_the_key_the_stacks_page_reads(stack_project, capsys):
    assert main(["bootstrap", "--stage", "prod", "--from-stack", "acadpage-prod"]) == 0
    record = json.loads((stack_project / ".acadpage" / "prod.json").read_text())
    store = CitationStore(boto3.client("dynamodb"), record["table"])

    assert main(["import-gs-data", str(GS_DATA), "--stage", "prod"]) == 0
    # a laptop naming another Scholar profile still stores where the page reads
    capsys.readouterr()
    assert main(["status", "--stage", "prod", "--scholar-id", "P1RwlvoAAAAJ"]) == 0

    assert capsys.readouterr().out.startswith(f"profile {page_key()}: showing ")
    assert store.load_current(page_key()).snapshots["import"].citations == 551074


def test_an_orcid_alone_names_the_profile_and_openalex_looks_it_up():
    from chalicelib.citations.refresh import configured_sources
    from chalicelib.settings import SettingsError

    settings = load_settings({"ACADPAGE_ORCID_ID": "0000-0002-1825-0097"})
    assert settings.citation_sources == ("openalex",)
    assert configured_sources(settings) == [("openalex", "0000-0002-1825-0097")]
    assert settings.profile_id == "0000-0002-1825-0097"
    with pytest.raises(SettingsError) as error:
        load_settings({"ACADPAGE_ORCID_ID": "0000-0002"})
    assert str(error.value) == (
        "ACADPAGE_ORCID_ID: expected an ORCID such as 0000-0002-1825-0097, got '0000-0002'"
    )
