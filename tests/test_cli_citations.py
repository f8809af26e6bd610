"""`acadpage refresh`, `status` and `import-gs-data`, as a user runs them and reads their lines."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest

from chalicelib.citations.state import age_in_days
from chalicelib.citations.store import CitationStore, create_table
from chalicelib.cli import build_parser, main
from tests.httpserver import LocalHTTPServer, Reply
from tests.test_citation_views import snapshot_of

FIXTURES = Path(__file__).parent / "fixtures"
TABLE = "acadpage-dev-citations"
BUCKET = "acadpage-dev-site"
PROFILE = "P1RwlvoAAAAJ"
GS_OWNER = "DhtAFkwAAAAJ"  # the Scholar user of the reference gs_data.json
REFERENCE_UPDATED = datetime(2024, 3, 28, 8, 5, 19, 992692, tzinfo=UTC)
HTML = {"Content-Type": "text/html; charset=utf-8"}


def run(capsys, *argv: str) -> tuple[int, list[str], list[str]]:
    """Exit code, stdout lines and stderr lines of one `acadpage` command."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


@pytest.fixture
def workspace(aws, monkeypatch, tmp_path):
    """An empty folder to run in, a citation table, and the site's environment."""
    monkeypatch.chdir(tmp_path)
    for name in ("ACADPAGE_OPENALEX_ID", "ACADPAGE_SEMANTICSCHOLAR_ID", "ACADPAGE_BUCKET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ACADPAGE_TABLE", TABLE)
    monkeypatch.setenv("ACADPAGE_SCHOLAR_ID", PROFILE)
    monkeypatch.setenv("ACADPAGE_SCHOLAR_DELAY", "0")
    client = boto3.client("dynamodb", region_name="us-east-1")
    create_table(client, TABLE)
    return tmp_path


def table_store() -> CitationStore:
    return CitationStore(boto3.client("dynamodb", region_name="us-east-1"), TABLE)


# --- import-gs-data -------------------------------------------------------------------------------


@pytest.fixture
def owner(workspace, monkeypatch):
    """The site's profile is the reference gs_data.json's own Scholar user."""
    monkeypatch.setenv("ACADPAGE_SCHOLAR_ID", GS_OWNER)
    return workspace


def test_import_gs_data_of_the_reference_file(owner, capsys):
    code, out, err = run(capsys, "import-gs-data", str(FIXTURES / "gs_data.json"))

    assert (code, err) == (0, [])
    assert out == [
        "imported gs_data.json: 551074 citations, h-index 68, i10-index 72, 74 publications "
        "(updated 2024-03-28 08:05 UTC)"
    ]
    state = table_store().load_current(GS_OWNER)
    imported = state.snapshots["import"]
    assert (imported.citations, len(imported.publications)) == (551074, 74)
    assert state.status.sources["import"].outcome == "ok"


def test_import_gs_data_without_totals_counts_them_from_its_rows(owner, capsys):
    document = json.loads((FIXTURES / "gs_data.json").read_text())
    del document["hindex"], document["i10index"]
    (owner / "gs_data.json").write_text(json.dumps(document))

    code, out, err = run(capsys, "import-gs-data", "gs_data.json")

    counts = sorted((p["num_citations"] for p in document["publications"].values()), reverse=True)
    h_index = sum(1 for rank, count in enumerate(counts, start=1) if count >= rank)
    assert (code, err) == (0, [])
    assert out[0].startswith(f"imported gs_data.json: 551074 citations, h-index {h_index}, ")
    assert out[1] == "note: the file has no hindex, i10index: counted from its 74 publications"


def test_import_detects_a_gs_data_json_and_stores_its_numbers(owner, capsys):
    code, out, err = run(capsys, "import", str(FIXTURES / "gs_data.json"))

    assert (code, err) == (0, [])
    assert out[0].startswith("imported gs_data.json: 551074 citations, h-index 68, ")
    assert table_store().load_current(GS_OWNER).snapshots["import"].citations == 551074


def test_import_gs_data_then_status_shows_it(owner, capsys):
    run(capsys, "import-gs-data", str(FIXTURES / "gs_data.json"))
    age = age_in_days(REFERENCE_UPDATED, datetime.now(UTC))

    code, out, err = run(capsys, "status")

    assert (code, err) == (0, [])
    assert out[0] == (
        f"profile {GS_OWNER}: showing imported gs_data.json (from `acadpage import-gs-data`): "
        f"551074 citations, h-index 68, i10-index 72, updated {age} days ago "
        "(stale: older than 14 days)"
    )
    attempt = table_store().load_current(GS_OWNER).status.sources["import"].last_attempt_at
    at = attempt.strftime("%Y-%m-%d %H:%M UTC")
    assert out[1:] == [
        f"import: ok at {at} by `acadpage import-gs-data` (imported gs_data.json); "
        f"last success {at}"
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"citedby": "x"}', "gs_data.json citedby: expected an integer, got 'x'"),
        ("[]", "gs_data.json: expected a JSON object, got a list"),
        (
            "{nope",
            "gs_data.json:1: not valid JSON: Expecting property name enclosed in double "
            "quotes (column 2)",
        ),
    ],
)
def test_import_gs_data_names_the_bad_field_and_stores_nothing(workspace, capsys, content, message):
    (workspace / "gs_data.json").write_text(content)

    code, out, err = run(capsys, "import-gs-data", "gs_data.json")

    assert (code, out, err) == (1, [], [f"acadpage: {message}"])
    assert table_store().load_current(PROFILE) is None


def test_import_gs_data_of_another_scholar_user_is_refused(workspace, capsys):
    code, out, err = run(capsys, "import-gs-data", str(FIXTURES / "gs_data.json"))

    assert (code, out) == (1, [])
    assert err == [
        f"acadpage: {FIXTURES / 'gs_data.json'} scholar_id: the file holds the numbers of "
        f"Scholar user '{GS_OWNER}', but it would be imported under this site's profile "
        f"'{PROFILE}'; nothing was imported (pass --scholar-id {GS_OWNER} if this is your profile)"
    ]
    assert table_store().load_current(PROFILE) is None


def test_import_gs_data_under_the_scholar_id_given(workspace, capsys):
    argv = ("import-gs-data", str(FIXTURES / "gs_data.json"), "--scholar-id", GS_OWNER)
    assert run(capsys, *argv)[0] == 0
    assert table_store().load_current(GS_OWNER).snapshots["import"].citations == 551074


def test_import_gs_data_of_a_missing_file(workspace, capsys):
    assert run(capsys, "import-gs-data", "missing.json") == (
        1,
        [],
        ["acadpage: missing.json: no such file"],
    )


def test_import_gs_data_older_than_the_stored_import_is_refused(owner, capsys):
    newer = snapshot_of("import", profile_id=GS_OWNER, now=REFERENCE_UPDATED + timedelta(days=1))
    table_store().save_snapshot(newer)

    code, out, err = run(capsys, "import-gs-data", str(FIXTURES / "gs_data.json"))

    assert (code, out) == (1, [])
    assert err == [
        f"acadpage: {FIXTURES / 'gs_data.json'}: not imported: the stored import is newer "
        "than its 'updated' time"
    ]


# --- status ---------------------------------------------------------------------------------------


def test_status_before_any_refresh(workspace, capsys):
    assert run(capsys, "status") == (
        0,
        [f"profile {PROFILE}: no citation numbers stored yet; run `acadpage refresh`"],
        [],
    )


def test_status_lists_every_source_attempt_success_and_held_back_numbers(workspace, capsys):
    now = datetime.now(UTC).replace(microsecond=0)
    store = table_store()
    store.save_snapshot(snapshot_of("scholar", profile_id=PROFILE, citations=120, now=now))
    store.record_attempt(PROFILE, "scholar", at=now, kind="ok", published=True)
    store.record_attempt(
        PROFILE, "openalex", at=now, kind="ok", held_back_reason="the total fell 30%, from 90 to 63"
    )
    store.record_attempt(
        PROFILE, "semanticscholar", at=now, kind="network_error", detail="timed out"
    )
    at = now.strftime("%Y-%m-%d %H:%M UTC")

    code, out, err = run(capsys, "status")

    assert (code, err) == (0, [])
    assert out == [
        f"profile {PROFILE}: showing Google Scholar: 120 citations, h-index 7, i10-index 5, "
        "updated today",
        f"scholar: ok at {at}; last success {at}",
        f"openalex: ok at {at}; last success never; held back since {at}: "
        "the total fell 30%, from 90 to 63",
        f"semanticscholar: network_error at {at} (timed out); last success never",
    ]


def test_status_json_prints_the_status_document(workspace, capsys):
    table_store().record_attempt(PROFILE, "scholar", at=datetime.now(UTC), kind="blocked")

    code, out, _ = run(capsys, "status", "--json")

    document = json.loads("\n".join(out))
    assert code == 0
    assert document["displayed"] is None
    assert document["sources"]["scholar"]["outcome"] == "blocked"


# --- where the resources come from ----------------------------------------------------------------


def test_a_stage_record_names_the_table(owner, capsys):
    create_table(boto3.client("dynamodb", region_name="us-east-1"), "acadpage-prod-citations")
    (owner / ".acadpage").mkdir()
    (owner / ".acadpage" / "prod.json").write_text(
        json.dumps({"bucket": "b", "table": "acadpage-prod-citations", "region": "us-east-1"})
    )

    run(capsys, "import-gs-data", str(FIXTURES / "gs_data.json"), "--stage", "prod")

    prod = CitationStore(
        boto3.client("dynamodb", region_name="us-east-1"), "acadpage-prod-citations"
    )
    assert prod.load_current(GS_OWNER).snapshots["import"].citations == 551074
    assert table_store().load_current(GS_OWNER) is None


def test_the_stages_configured_scholar_id_picks_the_profile(workspace, capsys, monkeypatch):
    """A laptop refresh must use the partition the deployed page reads."""
    monkeypatch.delenv("ACADPAGE_SCHOLAR_ID")
    stage = {"environment_variables": {"ACADPAGE_SCHOLAR_ID": "DhtAFkwAAAAJ"}}
    (workspace / ".chalice").mkdir()
    (workspace / ".chalice" / "config.json").write_text(json.dumps({"stages": {"prod": stage}}))

    code, out, _ = run(capsys, "status", "--stage", "prod")

    assert code == 0
    assert out == ["profile DhtAFkwAAAAJ: no citation numbers stored yet; run `acadpage refresh`"]


def test_table_option_wins_and_a_missing_table_is_one_line(workspace, capsys):
    assert run(capsys, "status", "--table", "no-such-table") == (
        1,
        [],
        [
            f"acadpage: reading the citations of profile '{PROFILE}': DynamoDB table "
            "'no-such-table' not found; check ACADPAGE_TABLE (or --table) and the AWS region"
        ],
    )


def test_scholar_id_option_picks_the_profile(workspace, capsys):
    code, out, _ = run(capsys, "status", "--scholar-id", "DhtAFkwAAAAJ")

    assert code == 0
    assert out == ["profile DhtAFkwAAAAJ: no citation numbers stored yet; run `acadpage refresh`"]


@pytest.mark.parametrize(
    ("setup", "argv", "message"),
    [
        (
            {"ACADPAGE_TABLE": None},
            ["status"],
            "no DynamoDB table configured: set ACADPAGE_TABLE, pass --table, "
            "or run `acadpage bootstrap --stage dev`",
        ),
        (
            {"ACADPAGE_STALE_AFTER_DAYS": "soon"},
            ["status"],
            "ACADPAGE_STALE_AFTER_DAYS: expected a whole number >= 0, got 'soon'",
        ),
        (
            {},
            ["status", "--scholar-id", "nope"],
            "--scholar-id: expected a 12-character Google Scholar user id, got 'nope'",
        ),
        (
            {"ACADPAGE_SCHOLAR_ID": None},
            ["refresh"],
            "no Google Scholar id configured for stage dev: pass --scholar-id ID (the 12 "
            "characters after user= in your profile's address), or set ACADPAGE_SCHOLAR_ID (or "
            "ACADPAGE_OPENALEX_ID, ACADPAGE_ORCID_ID, ACADPAGE_SEMANTICSCHOLAR_ID) in the dev "
            "stage's environment_variables in .chalice/config.json",
        ),
        (
            {},
            ["refresh", "--source", "openalex"],
            "no openalex id configured for stage dev: set ACADPAGE_OPENALEX_ID in the dev "
            "stage's environment_variables in .chalice/config.json",
        ),
    ],
)
def test_configuration_problems_are_one_line(workspace, capsys, monkeypatch, setup, argv, message):
    for name, value in setup.items():
        if value is None:
            monkeypatch.delenv(name)
        else:
            monkeypatch.setenv(name, value)

    assert run(capsys, *argv) == (1, [], [f"acadpage: {message}"])


def test_a_broken_stage_record_is_one_line(workspace, capsys):
    (workspace / ".acadpage").mkdir()
    (workspace / ".acadpage" / "dev.json").write_text('{"table": 7}')

    assert run(capsys, "status") == (
        1,
        [],
        [
            "acadpage: .acadpage/dev.json: expected text fields bucket, table, region; "
            "run `acadpage bootstrap --stage dev` again"
        ],
    )


def test_no_credentials_is_one_actionable_line(monkeypatch, tmp_path, capsys):
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SECURITY_TOKEN",
        "AWS_SESSION_TOKEN",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "BOTO_CONFIG"):
        monkeypatch.setenv(name, str(tmp_path / "absent"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never ask an instance for a role
    monkeypatch.chdir(tmp_path)

    assert run(capsys, "status", "--table", TABLE, "--scholar-id", PROFILE) == (
        1,
        [],
        [
            f"acadpage: reading the citations of profile '{PROFILE}': no usable AWS credentials; "
            "run `aws configure` (or `aws sso login`) or set AWS_PROFILE"
        ],
    )


# --- refresh --------------------------------------------------------------------------------------


@pytest.fixture
def scholar_server():
    with LocalHTTPServer() as server:
        yield server


def test_refresh_publishes_and_writes_the_stats_files(
    workspace, capsys, monkeypatch, scholar_server
):
    page = (FIXTURES / "scholar" / "profile_P1RwlvoAAAAJ_complete.html").read_text("utf-8")
    scholar_server.route("/citations", Reply(200, HTML, page))
    monkeypatch.setenv("ACADPAGE_BUCKET", BUCKET)
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)

    code, out, err = run(capsys, "refresh", "--scholar-url", scholar_server.url)

    assert (code, err) == (
        0,
        [f"scholar: fetching {PROFILE}", "scholar: page 1 fetched, 5 rows so far"],
    )
    assert out == [
        "scholar: published 39 citations, h-index 4, i10-index 2 (5 publications)",
        f"wrote s3://{BUCKET}/stats/gs_data.json and s3://{BUCKET}/stats/gs_data_shieldsio.json",
    ]
    shields = json.loads(
        s3.get_object(Bucket=BUCKET, Key="stats/gs_data_shieldsio.json")["Body"].read()
    )
    assert shields == {"schemaVersion": 1, "label": "citations", "message": "39"}


def test_refresh_that_publishes_nothing_exits_1_and_says_why(workspace, capsys, scholar_server):
    scholar_server.route("/citations", Reply(429, HTML, "Too Many Requests"))

    code, out, err = run(capsys, "refresh", "--scholar-url", scholar_server.url)

    assert code == 1
    assert len(out) == 1 and out[0].startswith("scholar: blocked: ")
    assert err == [f"scholar: fetching {PROFILE}"]
    status = table_store().load_current(PROFILE).status.sources["scholar"]
    assert status.outcome == "blocked"


def test_refresh_without_a_bucket_says_the_stats_were_not_written(
    workspace, capsys, scholar_server
):
    page = (FIXTURES / "scholar" / "profile_P1RwlvoAAAAJ_complete.html").read_text("utf-8")
    scholar_server.route("/citations", Reply(200, HTML, page))

    code, _, err = run(capsys, "refresh", "--scholar-url", scholar_server.url)

    assert code == 0
    assert err[-1] == "stats files not written: no bucket configured (ACADPAGE_BUCKET)"


def test_held_back_numbers_show_in_status_and_accept_drop_publishes_them(
    workspace, capsys, scholar_server
):
    page = (FIXTURES / "scholar" / "profile_P1RwlvoAAAAJ_complete.html").read_text("utf-8")
    poisoned = page.replace(
        '<td class="gsc_rsb_std">39</td>', '<td class="gsc_rsb_std">999</td>', 1
    )
    scholar_server.route("/citations", Reply(200, HTML, poisoned))

    code, out, _ = run(capsys, "refresh", "--scholar-url", scholar_server.url)

    reason = (
        "the 5 rows add up to only 39 of the total of 999 citations, although the list is complete"
    )
    assert (code, out) == (
        1,
        [
            f"scholar: held back, {reason}; the stored numbers stay "
            "(`acadpage refresh --accept-drop` publishes the held ones)"
        ],
    )
    _, status, _ = run(capsys, "status")
    assert status[1].endswith(
        f": {reason} (held: 999 citations, h-index 4, i10-index 2, 5 publications; "
        "publish them with `acadpage refresh --accept-drop`)"
    )

    code, out, _ = run(capsys, "refresh", "--accept-drop")

    assert (code, out) == (
        0,
        ["scholar: published 999 citations, h-index 4, i10-index 2 (5 publications)"],
    )
    assert table_store().load_current(PROFILE).snapshots["scholar"].citations == 999
    assert run(capsys, "refresh", "--accept-drop") == (
        1,
        [],
        ["acadpage: nothing is held back for any source; `acadpage status` shows each source"],
    )


# --- help -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("refresh", "Fetch Google Scholar, then OpenAlex and Semantic Scholar"),
        ("status", "Print the citation status record"),
        ("import-gs-data", "Validate a gs_data.json"),
    ],
)
def test_every_command_explains_itself(capsys, command, words):
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])

    assert exited.value.code == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert words in help_text
    assert "--stage" in help_text


def test_no_region_is_one_actionable_line(workspace, monkeypatch, capsys):
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(workspace / "absent"))

    assert run(capsys, "status") == (
        1,
        [],
        ["acadpage: no AWS region set; pass --region or set AWS_DEFAULT_REGION"],
    )


def test_the_commands_docs_show_are_the_commands_there_are():
    docs = (Path(__file__).resolve().parent.parent / "docs" / "citations.md").read_text("utf-8")
    commands = docs.split("## Commands", 1)[1].split("```")[1]
    shown = [line for line in commands.splitlines() if line.startswith("acadpage ")]

    assert len(shown) == 4
    for line in shown:
        words = line.replace("[", "").replace("]", "").split()[1:]
        words = ["dev" if word == "S" else word.split("|")[0] for word in words]
        args = build_parser().parse_args(words)
        assert args.handler.__module__ == "chalicelib.cli.citations"
