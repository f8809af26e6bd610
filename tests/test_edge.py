"""The CloudFront edge: a stage records its distribution, push and rollback invalidate exactly the
paths they changed, the refresh clears the citation files, and push names the real address."""

from __future__ import annotations

import json
import shutil

import boto3
import pytest

from chalicelib import runtime
from chalicelib.aws.edge import CITATION_PATHS, content_paths, invalidate
from chalicelib.citations.scholar import parse_profile_page
from chalicelib.cli import main
from tests.conftest import EXAMPLES, ROOT
from tests.httpserver import LocalHTTPServer, Reply
from tests.test_cli_deploy import OPENALEX_PROFILE, SCHOLAR_WARNING
from tests.test_schedule import EXPECTED, PROFILE_PAGE, run_schedule

ACCOUNT = "123456789012"  # moto's
BUCKET = f"acadpage-dev-{ACCOUNT}"
EXAMPLE_BASE_URL = "https://lorem-ipsum.example.org"
API_URL = "https://abc123.execute-api.us-east-1.amazonaws.com/api/"


def create_distribution() -> tuple[str, str]:
    """A distribution in moto's CloudFront: (id, domain name)."""
    config = {
        "CallerReference": "acadpage-test",
        "Comment": "acadpage",
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "api",
                    "DomainName": "abc123.execute-api.us-east-1.amazonaws.com",
                    "OriginPath": "/api",
                    "CustomOriginConfig": {
                        "HTTPPort": 80,
                        "HTTPSPort": 443,
                        "OriginProtocolPolicy": "https-only",
                    },
                }
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "api",
            "ViewerProtocolPolicy": "redirect-to-https",
            "MinTTL": 0,
            "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
            "TrustedSigners": {"Enabled": False, "Quantity": 0},
        },
    }
    answer = boto3.client("cloudfront").create_distribution(DistributionConfig=config)
    return answer["Distribution"]["Id"], answer["Distribution"]["DomainName"]


def invalidated_paths(distribution_id: str) -> list[list[str]]:
    """The paths of every invalidation of the distribution (in the order CloudFront lists them)."""
    cloudfront = boto3.client("cloudfront")
    listing = cloudfront.list_invalidations(DistributionId=distribution_id)["InvalidationList"]
    return [
        cloudfront.get_invalidation(DistributionId=distribution_id, Id=item["Id"])["Invalidation"][
            "InvalidationBatch"
        ]["Paths"].get("Items", [])
        for item in listing.get("Items", [])
    ]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path):
    """The project's Chalice settings (content TTL 0 for the dev stage) and the example site."""
    (tmp_path / ".chalice").mkdir()
    for path in (ROOT / ".chalice").glob("*.json"):
        shutil.copy(path, tmp_path / ".chalice" / path.name)
    config_path = tmp_path / ".chalice" / "config.json"
    config = json.loads(config_path.read_text())
    stage = config.setdefault("stages", {}).setdefault("dev", {})
    stage.setdefault("environment_variables", {})["ACADPAGE_CONTENT_TTL"] = "0"
    stage["environment_variables"]["ACADPAGE_OPENALEX_ID"] = OPENALEX_PROFILE
    config_path.write_text(json.dumps(config))
    shutil.copytree(EXAMPLES, tmp_path / "site")
    return tmp_path


def stack_with_outputs(outputs: dict[str, str]) -> None:
    """A stack in moto's CloudFormation with the storage of `make package` and these outputs."""
    template = {
        "Resources": {
            "ContentBucket": {
                "Type": "AWS::S3::Bucket",
                "Properties": {"BucketName": BUCKET},
            },
        },
        "Outputs": {
            "ContentBucketName": {"Value": {"Ref": "ContentBucket"}},
            "CitationTableName": {"Value": "acadpage-dev-citations"},
            **{name: {"Value": value} for name, value in outputs.items()},
        },
    }
    boto3.client("cloudformation").create_stack(
        StackName="acadpage-dev", TemplateBody=json.dumps(template)
    )


@pytest.fixture
def edge_stage(aws, project, capsys):
    """The dev stage recorded from a stack with a CloudFront distribution in front of its API."""
    distribution_id, domain = create_distribution()
    stack_with_outputs(
        {
            "EndpointURL": API_URL,
            "DistributionId": distribution_id,
            "DistributionDomainName": domain,
            "SiteURL": f"https://{domain}",
        }
    )
    code, _, err = run(
        capsys, "bootstrap", "--stage", "dev", "--from-stack", "acadpage-dev", "--project-dir",
        project,
    )  # fmt: skip
    assert (code, err) == (0, ""), err
    return project, distribution_id, domain


def push(capsys, project, name="site.yaml"):
    return run(capsys, "push", project / "site" / name, "--stage", "dev", "--project-dir", project)


# --- the paths a change makes stale -----------------------------------------------------------


@pytest.mark.parametrize(
    ("content_file", "translations", "media", "changed", "expected"),
    [
        ("site.yaml", ("zh",), ["avatar.svg"], True,
         ["/", "/zh", "/sitemap.xml", "/feed.xml", "/favicon.ico", "/media/avatar.svg"]),
        ("site.yaml", (), [], True, ["/", "/sitemap.xml", "/feed.xml", "/favicon.ico"]),
        ("site.zh.yaml", (), [], True, ["/zh", "/sitemap.xml"]),
        ("site.zh.yaml", (), ["b.png", "a.png"], False, ["/media/a.png", "/media/b.png"]),
        ("site.yaml", ("zh",), [], False, []),
    ],
)  # fmt: skip
def test_content_paths_are_what_the_change_makes_stale(
    content_file, translations, media, changed, expected
):
    assert content_paths(content_file, translations, media, content_changed=changed) == expected


def test_invalidate_sends_the_paths_and_returns_the_id(aws):
    distribution_id, _ = create_distribution()
    invalidation = invalidate(boto3.client("cloudfront"), distribution_id, ["/", "/zh", "/"])
    got = boto3.client("cloudfront").get_invalidation(
        DistributionId=distribution_id, Id=invalidation
    )
    assert got["Invalidation"]["InvalidationBatch"]["Paths"]["Items"] == ["/", "/zh"]


def test_invalidate_on_a_missing_distribution_is_one_line(aws):
    from chalicelib.aws.errors import AwsError

    with pytest.raises(AwsError, match=r"^invalidating 1 paths on CloudFront distribution EGONE"):
        invalidate(boto3.client("cloudfront"), "EGONE", ["/"], stage="dev")


@pytest.mark.parametrize("bad", ["../E1", "e1", "E1/invalidation", ""])
def test_a_malformed_distribution_id_never_reaches_cloudfront(bad):
    from chalicelib.aws.errors import AwsError

    with pytest.raises(AwsError, match="expected capital letters and digits"):
        invalidate(object(), bad, ["/"])  # no client call is attempted


# --- the stage records its distribution ---------------------------------------------------------


def test_bootstrap_from_stack_records_the_distribution(edge_stage, capsys):
    project, distribution_id, domain = edge_stage
    record = json.loads((project / ".acadpage" / "dev.json").read_text())
    assert record["distribution_id"] == distribution_id
    assert record["site_url"] == f"https://{domain}"
    assert record["url"] == API_URL


def test_bootstrap_from_stack_takes_the_distribution_domain_without_site_url(aws, project, capsys):
    stack_with_outputs({"DistributionId": "E1", "DistributionDomainName": "d1.cloudfront.net"})
    code, out, _ = run(
        capsys, "bootstrap", "--stage", "dev", "--from-stack", "acadpage-dev", "--project-dir",
        project,
    )  # fmt: skip
    assert code == 0
    assert "CloudFront distribution E1: https://d1.cloudfront.net" in out
    record = json.loads((project / ".acadpage" / "dev.json").read_text())
    assert (record["distribution_id"], record["site_url"]) == ("E1", "https://d1.cloudfront.net")


def test_bootstrap_again_keeps_the_recorded_distribution(edge_stage, capsys):
    project, distribution_id, _ = edge_stage
    assert run(capsys, "bootstrap", "--stage", "dev", "--project-dir", project)[0] == 0
    record = json.loads((project / ".acadpage" / "dev.json").read_text())
    assert record["distribution_id"] == distribution_id


# --- push and rollback at the edge ----------------------------------------------------------------


def test_push_invalidates_exactly_what_changed_and_prints_the_invalidation(edge_stage, capsys):
    project, distribution_id, _ = edge_stage
    code, out, err = push(capsys, project)
    assert (code, err) == (0, SCHOLAR_WARNING)
    [first] = invalidated_paths(distribution_id)
    assert first == ["/", "/zh", "/sitemap.xml", "/feed.xml", "/favicon.ico",
                     "/media/500x300.svg", "/media/avatar.svg", "/media/favicon.svg"]  # fmt: skip
    [invalidation] = boto3.client("cloudfront").list_invalidations(DistributionId=distribution_id)[
        "InvalidationList"
    ]["Items"]
    assert f"edge: invalidation {invalidation['Id']} of /, /zh, " in out
    assert f"on distribution {distribution_id}" in out

    avatar = project / "site" / "media" / "avatar.svg"
    avatar.write_text(avatar.read_text().replace("</svg>", "<!-- new --></svg>"))
    push(capsys, project)
    assert sorted(invalidated_paths(distribution_id)) == sorted([first, ["/media/avatar.svg"]])


def test_push_of_nothing_new_invalidates_nothing(edge_stage, capsys):
    project, distribution_id, _ = edge_stage
    push(capsys, project)
    _, out, _ = push(capsys, project)
    assert "edge:" not in out
    assert len(invalidated_paths(distribution_id)) == 1


def test_push_of_a_translation_invalidates_its_page(edge_stage, capsys):
    project, distribution_id, _ = edge_stage
    translation = project / "site" / "site.zh.yaml"
    push(capsys, project)  # the media and both languages, first
    translation.write_text(translation.read_text() + "\n# edited\n")
    code, _, _ = push(capsys, project, "site.zh.yaml")
    assert code == 0 and translation.exists()
    assert ["/zh", "/sitemap.xml"] in invalidated_paths(distribution_id)


def test_push_waits_out_the_content_ttl_before_invalidating(edge_stage, capsys, monkeypatch):
    project, _, _ = edge_stage
    config_path = project / ".chalice" / "config.json"
    config = json.loads(config_path.read_text())
    config["stages"]["dev"]["environment_variables"]["ACADPAGE_CONTENT_TTL"] = "0.05"
    config_path.write_text(json.dumps(config))
    _, out, _ = push(capsys, project)
    assert "waiting 0.05 s (ACADPAGE_CONTENT_TTL) until every function reads the change" in out
    assert out.index("waiting") < out.index("edge: invalidation")


def test_rollback_invalidates_the_restored_page(edge_stage, capsys):
    project, distribution_id, _ = edge_stage
    boto3.client("s3").put_bucket_versioning(
        Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"}
    )
    site = project / "site" / "site.yaml"
    push(capsys, project)
    site.write_text(site.read_text().replace("title: Lorem ipsum", "title: Changed", 1))
    push(capsys, project)
    code, out, err = run(capsys, "rollback", "--stage", "dev", "--project-dir", project)
    assert (code, err) == (0, "") and "edge: invalidation " in out
    assert len(invalidated_paths(distribution_id)) == 3
    expected = ["/", "/zh", "/sitemap.xml", "/feed.xml", "/favicon.ico"]
    assert invalidated_paths(distribution_id).count(expected) == 2  # the second push, the rollback


def test_push_without_a_distribution_invalidates_nothing(aws, project, capsys):
    assert run(capsys, "bootstrap", "--stage", "dev", "--project-dir", project)[0] == 0
    _, out, _ = push(capsys, project)
    assert "edge:" not in out


# --- the address push prints ----------------------------------------------------------------------


def test_push_prints_the_distributions_address_and_warns_about_another_base_url(edge_stage, capsys):
    project, _, domain = edge_stage
    code, out, _ = push(capsys, project)
    assert code == 0
    lines = out.splitlines()
    assert f"live: https://{domain}" in lines
    assert f"live: {EXAMPLE_BASE_URL}" not in lines
    assert (
        f"warning: site.yaml sets site.base_url to {EXAMPLE_BASE_URL}, but the stage is served "
        f"at https://{domain}; the page's canonical, Open Graph, sitemap and feed addresses name "
        f"{EXAMPLE_BASE_URL}. Unless {EXAMPLE_BASE_URL} is your own domain pointing at this "
        "stage, remove base_url from site.yaml (the stage's own address is then used) and push "
        "again."
    ) in lines


def test_push_without_base_url_warns_about_nothing(edge_stage, capsys):
    project, _, domain = edge_stage
    site = project / "site" / "site.yaml"
    site.write_text(site.read_text().replace(f"  base_url: {EXAMPLE_BASE_URL}\n", ""))
    _, out, _ = push(capsys, project)
    assert out.endswith(f"live: https://{domain}\nlive: https://{domain}/zh\n")
    _, out, _ = push(capsys, project, "site.zh.yaml")
    assert f"live: https://{domain}/zh\n" in out


def test_push_before_any_deploy_does_not_print_base_url_as_live(aws, project, capsys):
    assert run(capsys, "bootstrap", "--stage", "dev", "--project-dir", project)[0] == 0
    _, out, _ = push(capsys, project)
    assert out.endswith("not deployed yet: run `chalice deploy --stage dev`\n")
    assert EXAMPLE_BASE_URL not in out


# --- the scheduled refresh ---------------------------------------------------------------------


def test_the_refresh_clears_the_citation_files_at_the_edge_after_it_publishes(client, monkeypatch):
    distribution_id, _ = create_distribution()
    with LocalHTTPServer({}) as scholar:
        scholar.route("/citations", Reply(200, {"Content-Type": "text/html"}, PROFILE_PAGE))
        monkeypatch.setenv("ACADPAGE_SCHOLAR_URL", scholar.url)
        monkeypatch.setenv("ACADPAGE_SCHOLAR_DELAY", "0")
        monkeypatch.setenv("ACADPAGE_DISTRIBUTION_ID", distribution_id)
        runtime.reset()
        assert run_schedule(client)["published"] is True
        assert invalidated_paths(distribution_id) == [list(CITATION_PATHS)]

        # the same numbers again: a success, and nothing at the edge is stale
        assert run_schedule(client)["published"] is True
        assert len(invalidated_paths(distribution_id)) == 1

        scholar.route("/citations", Reply(429, {"Content-Type": "text/html"}, "Too Many"))
        with pytest.raises(runtime.RefreshFailedError):
            run_schedule(client)
        assert len(invalidated_paths(distribution_id)) == 1  # nothing new was published

        # one more citation this year (the chart and gs_data.json show it)
        changed = PROFILE_PAGE.replace('gsc_g_al">2<', 'gsc_g_al">3<', 1)
        assert parse_profile_page(changed).cites_per_year != EXPECTED.cites_per_year
        scholar.route("/citations", Reply(200, {"Content-Type": "text/html"}, changed))
        run_schedule(client)
        assert len(invalidated_paths(distribution_id)) == 2


def test_a_failed_invalidation_does_not_fail_the_refresh(client, monkeypatch, caplog):
    with LocalHTTPServer({}) as scholar:
        scholar.route("/citations", Reply(200, {"Content-Type": "text/html"}, PROFILE_PAGE))
        monkeypatch.setenv("ACADPAGE_SCHOLAR_URL", scholar.url)
        monkeypatch.setenv("ACADPAGE_SCHOLAR_DELAY", "0")
        monkeypatch.setenv("ACADPAGE_DISTRIBUTION_ID", "EGONE")
        runtime.reset()
        assert run_schedule(client)["published"] is True
    assert "edge_invalidation_failed" in caplog.text


def test_the_deploy_guide_lists_the_paths_the_code_invalidates():
    import app

    guide = (ROOT / "docs" / "deploy.md").read_text()
    section = guide.split("## At the edge")[1].split("\n## ")[0]
    assert f"`{app.EDGE_HEADER}: <SiteURL>`" in section
    rows = {line.split("|")[1].strip(): line.split("|")[2] for line in section.splitlines()
            if line.startswith("| ") and "---" not in line}  # fmt: skip
    for path in content_paths("site.yaml", ("zh",), ["a.png"]):
        shown = path.replace("/zh", "/<lang>").replace("/media/a.png", "/media/<name>")
        assert f"`{shown}`" in rows["`site.yaml`"] + rows["an image uploaded"]
    assert all(f"`{path}`" in rows["`site.<lang>.yaml`"] for path in ("/<lang>", "/sitemap.xml"))
    citations = rows["the scheduled refresh publishing numbers that change what is shown"]
    assert [p for p in CITATION_PATHS if f"`{p}`" not in citations] == []
