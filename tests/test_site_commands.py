"""`acadpage site add | list | remove` and `push DIR --site ID`: a new member is registered,
pushes their folder into their own keys, and their page answers at once."""

from __future__ import annotations

import shutil

import boto3
import pytest

from chalicelib import runtime
from tests.conftest import ROOT
from tests.test_cli_deploy import BUCKET, TABLE, in_project, run

LAB = ROOT / "examples" / "lab"


@pytest.fixture
def stage(aws, tmp_path, capsys):
    """A bootstrapped dev stage of a project holding the example lab."""
    shutil.copytree(
        ROOT / ".chalice", tmp_path / ".chalice", ignore=shutil.ignore_patterns("deployed")
    )
    shutil.copytree(LAB, tmp_path / "lab")
    assert run(capsys, "bootstrap", "--stage", "dev", *in_project(tmp_path))[0] == 0
    return tmp_path


def site(capsys, project, *argv):
    return run(capsys, "site", *argv, "--stage", "dev", *in_project(project))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["add", "Ada"], "site id: expected 1 to 40 lowercase letters, digits or '-', not "
                         "starting or ending with '-', got 'Ada'"),
        (["add", "default"], "site id: 'default' is the deployment's own site, not a member"),
        (["add", "ada", "--host", "http://x"], "--host: expected a host name such as "
                                               "alice.example.org, got 'http://x'"),
        (["add", "ada", "--scholar", "abc"], "--scholar: expected a 12-character Google Scholar "
                                             "user id, got 'abc'"),
        (["add", "ada", "--orcid", "1234"], "--orcid: expected an ORCID iD such as "
                                            "0000-0002-1825-0097, got '1234'"),
        (["remove", "zed"], "site zed: not registered (`acadpage site list` shows them)"),
    ],
)  # fmt: skip
def test_bad_site_arguments_are_one_line_naming_the_argument(stage, capsys, argv, message):
    code, _, err = site(capsys, stage, *argv)
    assert (code, err) == (1, f"acadpage: {message}\n")


def test_sites_are_added_listed_and_removed(stage, capsys):
    assert site(capsys, stage, "add", "ada", "--scholar", "DhtAFkwAAAAJ", "--orcid",
                "0000-0002-1825-0097", "--host", "Ada.Example.org.")[0] == 0  # fmt: skip
    assert site(capsys, stage, "add", "ben")[0] == 0
    lines = site(capsys, stage, "list")[1].splitlines()
    assert lines[0].startswith("ada\thosts: ada.example.org\tscholar DhtAFkwAAAAJ, orcid "
                               "0000-0002-1825-0097\tadded 20")  # fmt: skip
    assert lines[1].startswith("ben\thosts: -\tno profiles") and lines[2] == "2 member sites"
    _, out, _ = site(capsys, stage, "remove", "ada")
    assert out.startswith("site ada: removed from stage dev (hosts: ada.example.org)")
    assert site(capsys, stage, "list")[1].splitlines()[-1] == "1 member sites"


def test_a_member_pushes_their_folder_into_their_own_keys_and_the_page_answers_at_once(
    stage, capsys
):
    assert site(capsys, stage, "add", "ada")[0] == 0
    code, out, err = run(capsys, "push", stage / "lab" / "people" / "ada", "--site", "ada",
                         "--stage", "dev", *in_project(stage))  # fmt: skip
    assert (code, err) == (0, "")
    assert f"s3://{BUCKET}/sites/ada/content/site.yaml: uploaded" in out
    listing = boto3.client("s3").list_objects_v2(Bucket=BUCKET)["Contents"]
    assert sorted(item["Key"] for item in listing) == [
        "sites/ada/content/site.yaml", "sites/ada/media/face.svg"]  # fmt: skip
    code, _, err = run(capsys, "push", stage / "lab" / "lab.yaml", "--stage", "dev",
                         *in_project(stage))  # fmt: skip
    assert (code, err) == (0, "")
    # the page function with the stage's settings, right after the push: no wait
    runtime.reset()
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="dev", project_dir=str(stage)) as client:
        page = client.http.get("/people/ada/")
        lab = client.http.get("/")
    assert page.status_code == 200 and "I lead the Vision and Language Lab." in page.body.decode()
    assert lab.status_code == 200 and 'href="/people/ada/"' in lab.body.decode()


def test_a_members_numbers_are_imported_under_their_site_and_shown_on_their_page(
    stage, capsys, monkeypatch
):
    import json

    from tests.conftest import FIXTURES

    monkeypatch.chdir(stage)
    document = json.loads((FIXTURES / "gs_data.json").read_text())
    scholar = document["scholar_id"]
    assert site(capsys, stage, "add", "ada", "--scholar", scholar)[0] == 0
    code, _, err = run(capsys, "import-gs-data", FIXTURES / "gs_data.json", "--site", "ada",
                       "--stage", "dev", "--scholar-id", scholar)  # fmt: skip
    assert (code, err) == (0, "")
    keys = {item["pk"]["S"] for item in boto3.client("dynamodb").scan(TableName=TABLE)["Items"]}
    assert any(key.startswith("SITE#ada#PROFILE#") for key in keys)
    assert not any(key.startswith("PROFILE#") for key in keys)  # the stage's own: untouched
    assert run(capsys, "push", stage / "lab" / "people" / "ada", "--site", "ada", "--stage", "dev",
               *in_project(stage))[0] == 0  # fmt: skip
    runtime.reset()
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="dev", project_dir=str(stage)) as client:
        shown = json.loads(client.http.get("/people/ada/gs_data.json").body)
    assert shown["citedby"] == document["citedby"]
