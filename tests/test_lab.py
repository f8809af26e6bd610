"""The lab: lab.yaml read strictly, every member's papers merged into one list (a paper three
members list appears once), and the lab page with its filters, sitemap, feed and structured
data, served from the lab's own site with members under /people/<id>/."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from chalicelib import runtime
from chalicelib.aws.registry import SiteRecord, SiteRegistrar
from chalicelib.lab.model import load_lab
from chalicelib.lab.publications import merge_publications
from chalicelib.lab.siteid import SiteId
from chalicelib.site.content import ContentError, load_site
from tests.conftest import LOCAL_BUCKET, ROOT

LAB = ROOT / "examples" / "lab"
MEMBERS = ("ada", "ben", "chen")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("members: []\n", "lab.yaml:1 lab: required field is missing"),
        ("lab: {title: L}\n", "lab.yaml:1 members: required field is missing"),
        ("lab: {title: L}\nmembers:\n  - {site: Ada, group: pi}\n",
         "lab.yaml:3 members[0].site: expected 1 to 40 lowercase letters, digits or '-', not "
         "starting or ending with '-', got 'Ada'"),
        ("lab: {title: L}\nmembers:\n  - {site: ada, group: kings}\n",
         "lab.yaml:3 members[0].group: expected one of 'pi', 'postdocs', 'students', 'staff', "
         "'alumni', got 'kings'"),
        ("lab: {title: L}\nmembers:\n  - {site: ada, group: pi}\n  - {site: ada, group: pi}\n",
         "lab.yaml:4 members[1].site: site 'ada' is listed twice"),
        ("lab: {title: L}\nmembers:\n  - {site: ada}\n",
         "lab.yaml:3 members[0].group: required field is missing"),
        ("lab: {title: L}\nmembers:\n  - {site: ada, group: pi, rank: 1}\n",
         "lab.yaml:3 members[0].rank: unknown field"),
    ],
)  # fmt: skip
def test_a_bad_lab_file_names_the_line_the_field_and_what_was_expected(text, problem):
    with pytest.raises(ContentError) as raised:
        load_lab(text.encode())
    assert str(raised.value).splitlines()[0].startswith(problem)


def test_the_example_lab_reads_its_members_in_order():
    lab = load_lab((LAB / "lab.yaml").read_bytes())
    assert [(m.site.name, m.group) for m in lab.members] == [
        ("ada", "pi"), ("ben", "students"), ("chen", "alumni")]  # fmt: skip


def member_sites():
    return [
        (SiteId(name), load_site((LAB / "people" / name / "site.yaml").read_bytes()), {})
        for name in MEMBERS
    ]


def test_a_paper_listed_by_three_members_appears_once_matched_by_doi_then_title():
    merged = merge_publications(member_sites())
    titles = [paper.title for paper in merged.papers]
    assert titles == ["Seeing and Saying, Jointly", "Small Models That Caption Well",
                      "A Survey of Grounded Captioning"]  # fmt: skip
    joint = merged.papers[0]
    assert [site.name for site in joint.members] == ["ada", "ben", "chen"]
    assert joint.doi == "10.1000/vl.2024.1" and joint.venue == "CVPR 2024"
    # every author who is a member is theirs, however their own page writes them
    assert [(a.name, a.member.name if a.member else None) for a in joint.authors] == [
        ("A. Lovelace", "ada"), ("Ben Okafor", "ben"), ("Chen Wei", "chen")]  # fmt: skip
    assert merged.per_year == ((2022, 1), (2023, 1), (2024, 1))


def test_two_dois_under_one_title_are_two_papers_and_a_scholar_id_joins_two_titles():
    from dataclasses import replace

    (ada, site, _), (ben, other, _) = member_sites()[:2]
    section = site.sections[1]
    preprint = replace(section.publications[0], links=(), link="https://doi.org/10.48550/arxiv.1",
                       scholar_id="AAAAAAAAAAAA:x")  # fmt: skip
    renamed = replace(other.sections[1].publications[1], scholar_id="AAAAAAAAAAAA:x",
                      title="Tiny captioners")  # fmt: skip
    merged = merge_publications([
        (ada, replace(site, sections=(replace(section, publications=(
            *section.publications, preprint)),)), {"AAAAAAAAAAAA:x": 7}),
        (ben, replace(other, sections=(replace(other.sections[1], publications=(renamed,)),)), {}),
    ])  # fmt: skip
    assert sorted(len(paper.members) for paper in merged.papers) == [1, 1, 2]
    joined = next(paper for paper in merged.papers if len(paper.members) == 2)
    assert joined.citations == 7 and merged.citations == 7


def test_papers_a_member_kept_as_written_are_not_blank_lines_in_the_lab_list():
    from dataclasses import replace

    (ada, site, counts), *_ = member_sites()
    section = site.sections[1]
    kept = tuple(replace(section.publications[0], title="", authors=(), html=f"<p>{n}</p>")
                 for n in ("Kept one", "Kept two"))  # fmt: skip
    with_kept = replace(site, sections=(replace(section, publications=(
        *kept, *section.publications)),))  # fmt: skip
    merged = merge_publications([(ada, with_kept, counts)])
    assert merged == merge_publications([(ada, replace(site, sections=(section,)), counts)])
    assert all(paper.title for paper in merged.papers)


@pytest.fixture
def lab_stack(seeded, monkeypatch):
    """The example lab as one deployment: lab.yaml the lab's own content, each member registered
    and pushed under sites/<id>/."""
    s3 = runtime.s3_client()
    s3.delete_object(Bucket=LOCAL_BUCKET, Key="content/site.yaml")
    s3.put_object(Bucket=LOCAL_BUCKET, Key="content/lab.yaml", Body=(LAB / "lab.yaml").read_bytes())
    registrar = SiteRegistrar(runtime.dynamodb_client(), runtime.settings().table)
    for name in MEMBERS:
        folder = LAB / "people" / name
        s3.put_object(Bucket=LOCAL_BUCKET, Key=f"sites/{name}/content/site.yaml",
                      Body=(folder / "site.yaml").read_bytes())  # fmt: skip
        s3.put_object(Bucket=LOCAL_BUCKET, Key=f"sites/{name}/media/face.svg",
                      Body=(folder / "media" / "face.svg").read_bytes(),
                      ContentType="image/svg+xml")  # fmt: skip
        registrar.register(SiteRecord(SiteId(name)))
    runtime.reset()


def get(path: str):
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="local", project_dir=str(ROOT)) as client:
        return client.http.get(path)


def test_the_lab_page_lists_members_by_group_and_each_paper_once(lab_stack):
    answer = get("/")
    assert answer.status_code == 200
    page = answer.body.decode()
    groups = re.findall(r'<h3 class="member-group">([^<]*)</h3>', page)
    assert groups == ["Principal investigators", "Students", "Alumni"]
    assert page.count('class="member-name" href="/people/') == 3
    assert 'src="/people/ada/media/face.svg"' in page
    assert page.count("Seeing and Saying, Jointly") == 1
    assert '<a class="member-author" href="/people/ben/">Ben Okafor</a>' in page
    assert "<dt>Papers</dt><dd>3</dd>" in page
    assert get("/people/ada/media/face.svg").status_code == 200
    assert "I lead the Vision and Language Lab." in get("/people/ada/").body.decode()


def test_filters_are_pages_that_work_without_javascript(lab_stack):
    year = get("/year/2023").body.decode()
    assert "Small Models That Caption Well" in year and "Seeing and Saying" not in year
    member = get("/member/ada").body.decode()
    assert "A Survey of Grounded Captioning" in member and "Small Models" not in member
    for path in ("/year/1999", "/member/zed", "/member/Ada", "/year/20x4", "/zh"):
        assert get(path).status_code == 404, path


def test_the_labs_sitemap_feed_and_structured_data_name_the_lab_and_every_member(lab_stack):
    sitemap = ET.fromstring(get("/sitemap.xml").body)
    locations = [loc.text for loc in sitemap.iter(f"{SITEMAP}loc")]
    assert locations[:4] == ["/", "/member/ada", "/member/ben", "/member/chen"]
    assert {"/people/ada/", "/people/ben/", "/people/chen/", "/year/2024"} <= set(locations)
    feed = ET.fromstring(get("/feed.xml").body)
    titles = [entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")]
    assert titles[0] == "Seeing and Saying, Jointly" and len(titles) == 3
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>',
                       get("/").body.decode()).group(1)  # fmt: skip
    data = json.loads(script)
    assert data["@type"] == "ResearchOrganization"
    assert [person["name"] for person in data["member"]] == [
        "Ada Lovelace",
        "Ben Okafor",
        "Chen Wei",
    ]
    member_sitemap = ET.fromstring(get("/people/ben/sitemap.xml").body)
    assert [loc.text for loc in member_sitemap.iter(f"{SITEMAP}loc")] == ["/people/ben/"]


def test_a_bad_lab_file_keeps_the_last_good_lab_page(lab_stack):
    assert get("/").status_code == 200
    runtime.s3_client().put_object(Bucket=LOCAL_BUCKET, Key="content/lab.yaml", Body=b"lab: [")
    service = runtime.lab_service()
    start = service.clock()
    service.clock = lambda: start + 60
    answer = get("/")
    assert answer.status_code == 200 and "Vision and Language Lab" in answer.body.decode()


def test_validate_checks_the_whole_lab_folder(capsys):
    from chalicelib.cli import main

    doc = (ROOT / "docs" / "lab.md").read_text()
    assert (
        "acadpage validate examples/lab " in doc and "acadpage serve --content examples/lab " in doc
    )
    assert main(["validate", str(LAB)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "lab.yaml: valid: 'Vision and Language Lab', 3 members",
        "people/ada/site.yaml: valid: 'Ada Lovelace' (pi), 2 publications",
        "people/ben/site.yaml: valid: 'Ben Okafor' (students), 2 publications",
        "people/chen/site.yaml: valid: 'Chen Wei' (alumni), 2 publications",
    ]


def test_validate_lists_every_problem_of_every_file_of_a_lab(tmp_path, capsys):
    import shutil

    from chalicelib.cli import main

    folder = tmp_path / "lab"
    shutil.copytree(LAB, folder)
    (folder / "people" / "ben" / "site.yaml").write_text("site: {title: B}\n")
    (folder / "people" / "chen" / "media" / "face.svg").unlink()
    (folder / "people" / "dora").mkdir()
    assert main(["validate", str(folder)]) == 1
    err = capsys.readouterr().err
    assert f"{folder}/people/ben/site.yaml: site.yaml:1 profile: required field is missing" in err
    assert f"lab.yaml member chen: {folder}/people/chen/site.yaml profile.avatar: media file " \
        "'face.svg' not found in media/ next to site.yaml" in err  # fmt: skip
    assert f"{folder}/people/dora: a member folder that is not listed in lab.yaml" in err


@pytest.fixture
def lab_folder(tmp_path):
    import shutil

    target = tmp_path / "lab"
    shutil.copytree(LAB, target)
    return target


@pytest.fixture
def served_lab(aws, lab_folder, monkeypatch):
    """`acadpage serve --content LABDIR` on a free port of 127.0.0.1, watching every 50 ms."""
    from chalicelib.cli.labfolder import read_lab_folder
    from tests.test_live import serving

    lab = read_lab_folder(lab_folder)
    members = [(site, folder) for site, (folder, _) in lab.members.items()]
    yield from serving(monkeypatch, lab_folder, members)


def test_serving_a_lab_folder_shows_the_lab_and_each_member_and_follows_edits(
    served_lab, lab_folder
):
    import time

    from tests.test_live import get as fetch
    from tests.test_live import save

    _, _, lab_page = fetch(served_lab + "/")
    assert "Vision and Language Lab" in lab_page and "/people/ben/" in lab_page
    _, _, ben = fetch(served_lab + "/people/ben/")
    assert "I am a PhD student" in ben
    page = lab_folder / "people" / "ben" / "site.yaml"
    save(page, page.read_text().replace("I am a PhD student", "I defended my thesis"))
    lab_file = lab_folder / "lab.yaml"
    save(lab_file, lab_file.read_text().replace("Vision and Language Lab", "Sight Lab", 1))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        ben, lab_page = fetch(served_lab + "/people/ben/")[2], fetch(served_lab + "/")[2]
        if "I defended my thesis" in ben and "Sight Lab" in lab_page:
            break
        time.sleep(0.05)
    assert "I defended my thesis" in ben and "<title>Sight Lab</title>" in lab_page


@pytest.mark.parametrize("year", ["²⁰²³", "٢٠٢٣"])
def test_a_year_written_with_other_digits_names_no_lab_page(lab_stack, year):
    assert get(f"/year/{year}").status_code == 404
