"""The page as Chromium lays it out as text (innerText): no field runs into the next.

Publications (paper boxes, paper lists, `from: scholar` sections) and dated entries of many
pages — the example, sites `init` writes from saved Scholar pages, sites the importers write, and
generated sites with every combination of fields — are rendered here and laid out by Chromium.
Each field (title, authors, venue, badge, link, citation count, date) is fenced in the live page
and the laid-out text read around it: the gap to the neighbouring words must hold a space or a
line break, so `IEEE Access, 2023Citations: 8` is caught whatever the CSS does; a field rendered
empty (which leaves `Title, , 2025`) is reported too.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from chalicelib.citations.gs_data import snapshot_from_gs_data
from chalicelib.citations.model import CitationDisplay, CitationSnapshot, PaperCitations
from chalicelib.cli import main
from chalicelib.site.citation_links import resolve_site
from chalicelib.site.content import load_site
from chalicelib.site.render import render_home_page
from tests.conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.browser

FIXTURES = ROOT / "tests" / "fixtures"
# Real homepages' files, shared beside the project where it is developed (absent in a bare clone)
REAL_SITES = ROOT.parent / "shared" / "real-sites"
ITEMS = ".paper-list > li, article.paper-box, .dated-list > li"
FIELDS = (
    ".paper-title, .paper-authors, .paper-venue, .paper-list > li > strong, .badge, "
    ".paper-links a, .paper-citations, .dated-list > li > em"
)
# Fence each field in the live page, read the item's innerText, and judge both gaps.
GLUED_FIELDS_JS = """([items, fields]) => {
  const problems = [];
  const word = /[\\p{L}\\p{N}]/u;
  for (const item of document.querySelectorAll(items)) {
    for (const field of item.querySelectorAll(fields)) {
      if (field.closest('li, article') !== item) continue;
      if (!field.innerText.trim()) {  // an empty field leaves its separators: "Title, , 2025"
        const name = field.className || field.tagName;
        problems.push(`${name}: empty in ` + JSON.stringify(item.innerText));
        continue;
      }
      const open = document.createTextNode('\\u27e6'), close = document.createTextNode('\\u27e7');
      field.prepend(open);
      field.append(close);
      const text = item.innerText;
      open.remove();
      close.remove();
      const before = text.slice(0, text.indexOf('\\u27e6'));
      const after = text.slice(text.indexOf('\\u27e7') + 1);
      const gapBefore = before.match(/[^\\p{L}\\p{N}]*$/u)[0];
      const gapAfter = after.match(/^[^\\p{L}\\p{N}]*/u)[0];
      const glued = (gap, rest) => word.test(rest) && !/\\s/.test(gap);
      if (glued(gapAfter, after) || glued(gapBefore, before)) {
        const inner = text.slice(before.length + 1, text.length - after.length - 1);
        problems.push(`${field.className || field.tagName}: ` +
          JSON.stringify(before.slice(-25) + '[' + inner + ']' + after.slice(0, 25)));
      }
    }
  }
  return problems;
}"""


def display_of(snapshot: CitationSnapshot) -> CitationDisplay:
    return CitationDisplay(snapshot, "Google Scholar", age_days=0, stale=False)


def rendered(content: bytes | str, snapshot: CitationSnapshot | None) -> str:
    """The page the app serves for `content` with `snapshot`'s numbers."""
    site = load_site(content if isinstance(content, bytes) else content.encode())
    if snapshot is not None:
        site = resolve_site(site, snapshot.publications)
    return render_home_page(site, display_of(snapshot) if snapshot else None)


def with_scholar_section(text: str) -> str:
    """A site as `init` writes it, with its commented `from: scholar` section switched on."""
    return text.replace(
        "  # - {type: publications, from: scholar", "  - {type: publications, from: scholar"
    )


def init_pages(tmp_path: Path) -> list[tuple[str, str]]:
    pages = []
    for saved in sorted((FIXTURES / "scholar").glob("*.html")):
        folder = tmp_path / saved.stem
        assert main(["init", str(folder), "--scholar-page", str(saved), "--no-photo"]) == 0
        document = json.loads((folder / "gs_data.json").read_text())
        snapshot = snapshot_from_gs_data(document, document["scholar_id"])
        text = with_scholar_section((folder / "site.yaml").read_text())
        pages.append((f"init {saved.name}", rendered(text, snapshot)))
    return pages


def imported_pages(tmp_path: Path) -> list[tuple[str, str]]:
    pages = []
    for bib in sorted((FIXTURES / "bibtex").glob("*.bib")):
        out = tmp_path / f"{bib.stem}.yaml"
        if main(["import-bibtex", str(bib), "-o", str(out)]) != 0:
            continue  # a file the importer refuses (broken.bib) makes no page
        papers = yaml.safe_load(out.read_text())["publications"]
        site = {"site": {"title": "T"}, "profile": {"name": "Kaiming He"},
                "sections": ["publications"], "publications": papers}  # fmt: skip
        pages.append((f"import-bibtex {bib.name}", rendered(yaml.safe_dump(site), None)))
    for source in ("acadhomepage-site", "acadhomepage"):
        out = tmp_path / f"{source}.yaml"
        assert main(["import-acadhomepage", str(FIXTURES / source), "-o", str(out)]) == 0
        pages.append((f"import-acadhomepage {source}", rendered(out.read_text(), None)))
    return pages


def real_site_pages(tmp_path: Path) -> list[tuple[str, str]]:
    """The real sites of the project's shared folder, when it is there (never copied into
    tests/): AcadHomepage sites and BibTeX files imported, crawlers' gs_data.json listed."""
    pages = []
    for folder in sorted(REAL_SITES.glob("*/")) if REAL_SITES.is_dir() else []:
        out = tmp_path / f"real-{folder.name}.yaml"
        if (folder / "about.md").is_file():
            if main(["import-acadhomepage", str(folder), "-o", str(out)]) == 0:
                pages.append((f"real {folder.name}", rendered(out.read_text(), None)))
        elif (folder / "gs_data.json").is_file():
            document = json.loads((folder / "gs_data.json").read_text())
            owner = document.get("scholar_id") or "AAAAAAAAAAAA"
            site = {"site": {"title": "T"}, "profile": {"name": document.get("name") or "N"},
                    "sections": [{"type": "publications", "from": "scholar"}]}  # fmt: skip
            numbers = snapshot_from_gs_data(document, owner)
            pages.append((f"real {folder.name}", rendered(yaml.safe_dump(site), numbers)))
        else:
            papers = []
            for number, bib in enumerate(sorted(folder.glob("*.bib"))):
                part = tmp_path / f"real-{folder.name}-{number}.yaml"
                if main(["import-bibtex", str(bib), "-o", str(part)]) == 0:
                    papers += yaml.safe_load(part.read_text())["publications"]
            site = {"site": {"title": "T"}, "profile": {"name": "N"},
                    "sections": ["publications"], "publications": papers}  # fmt: skip
            pages.append((f"real {folder.name}", rendered(yaml.safe_dump(site), None)))
    return pages


def generated_site(rng: random.Random, number: int) -> tuple[str, CitationSnapshot]:
    """A site whose papers take every shape the format allows, and the numbers of its rows."""
    owner = "Ada Lovelace"
    venues = ["IEEE Access", "(ISTAS), 1-8", "Proc. Natl. Acad. Sci.", "CVPR 2016", "arXiv", ""]
    papers, rows = [], []
    for i in range(rng.randint(3, 14)):
        scholar_id = f"AAAAAAAAAAAA:P{number:03d}{i:03d}"
        paper = {"title": rng.choice([f"Paper {i} on graphs", f"What is {i}?", f"On *x* {i}."])}
        if rng.random() < 0.5:
            paper["link"] = f"https://example.org/{i}"
        if rng.random() < 0.8:
            paper["authors"] = rng.sample(
                [owner + "*", "Alan Turing", "Grace Hopper†", "B. Liskov"], 2
            )
        if venue := rng.choice(venues):
            paper["venue"] = venue
        if rng.random() < 0.6:
            paper["year"] = rng.randint(1990, 2025)
        if rng.random() < 0.3:
            paper["badge"] = rng.choice(["Oral", "Best Paper", "CVPR"])
        if rng.random() < 0.3:
            paper["featured"] = True
            if rng.random() < 0.5:
                paper["image"] = "figure.png"
        chosen = rng.sample(["pdf", "code", "project", "video", "bibtex"], rng.randint(0, 3))
        if chosen:
            paper["links"] = {label: f"https://example.org/{i}/{label}" for label in chosen}
        if rng.random() < 0.7:
            paper["scholar_id"] = scholar_id
        if rng.random() < 0.2:
            paper["description"] = ["A line with **emphasis**."]
        papers.append(paper)
        rows.append(PaperCitations(scholar_id, paper["title"], rng.randint(0, 5000),
                                   "A Lovelace, A Turing", rng.choice(venues), 2020))  # fmt: skip
    news = [{"date": f"2024.0{rng.randint(1, 9)}", "text": "A *thing* happened."}]
    listing = {"type": "publications", "from": "scholar", "title": "All", "sort": "citations"}
    content = {
        "site": {"title": "Generated"},
        "profile": {"name": owner, "google_scholar_id": "AAAAAAAAAAAA"},
        "sections": ["news", "publications", listing],
        "news": news,
        "publications": papers,
    }  # fmt: skip
    total = sum(row.citations for row in rows)
    fetched = datetime(2026, 1, 1, tzinfo=UTC)
    snapshot = CitationSnapshot(
        "scholar", "AAAAAAAAAAAA", fetched, total, 3, 2, publications=tuple(rows)
    )
    return yaml.safe_dump(content, allow_unicode=True), snapshot


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> list[tuple[str, str]]:
    tmp_path = tmp_path_factory.mktemp("laid-out")
    found = [
        ("example", rendered((EXAMPLES / "site.yaml").read_bytes(), None)),
        ("example zh", rendered((EXAMPLES / "site.zh.yaml").read_bytes(), None)),
        *init_pages(tmp_path),
        *imported_pages(tmp_path),
        *real_site_pages(tmp_path),
    ]
    rng = random.Random(18)
    for number in range(40):
        text, snapshot = generated_site(rng, number)
        found.append((f"generated site {number}", rendered(text, snapshot)))
    return found


def test_no_field_is_glued_to_the_next_in_the_laid_out_text(browser, pages):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.route("**/*", lambda route: route.abort())  # images: nothing leaves the machine
    glued, fields_seen = {}, 0
    try:
        for name, html in pages:
            page.set_content(html, wait_until="domcontentloaded")
            # the page's own CSS is applied, so the layout is the one visitors get
            assert page.evaluate("getComputedStyle(document.body).margin") != "8px", name
            fields_seen += page.evaluate(
                "([items, fields]) => [...document.querySelectorAll(items)]"
                ".reduce((n, item) => n + item.querySelectorAll(fields).length, 0)",
                [ITEMS, FIELDS],
            )
            if problems := page.evaluate(GLUED_FIELDS_JS, [ITEMS, FIELDS]):
                glued[name] = problems
    finally:
        context.close()

    assert fields_seen > 1000  # the check saw many fields, of every kind
    assert glued == {}


def test_the_check_catches_a_glued_field(browser):
    """Without a separator between the venue and the links, the check reports it."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content(
        '<ul class="paper-list"><li><span class="paper-title">T</span>, <strong>IEEE Access, '
        '2023</strong><span class="paper-links"><span class="paper-citations">Citations: 8'
        "</span></span></li></ul>"
    )
    problems = page.evaluate(GLUED_FIELDS_JS, [ITEMS, FIELDS])
    context.close()

    assert problems == [
        'STRONG: "T, [IEEE Access, 2023]Citations: 8"',
        'paper-citations: "T, IEEE Access, 2023[Citations: 8]"',
    ]
