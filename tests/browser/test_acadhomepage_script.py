"""An AcadHomepage page on another origin fills its citation spans from our gs_data.json.

The page re-creates AcadHomepage's `_includes/fetch_google_scholar_stats.html` without jQuery
(fetch instead of $.getJSON, the same lookups), with its base address switched to our site.
"""

from __future__ import annotations

import json
import time

import pytest

from tests.conftest import EXAMPLES
from tests.httpserver import LocalHTTPServer, Reply

pytestmark = pytest.mark.browser

PAPERS = ["DhtAFkwAAAAJ:ALROH1vI_8AC", "DhtAFkwAAAAJ:uDGL6kOW6j0C"]
ACADHOMEPAGE_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>About</title>
<link rel="icon" href="data:,"></head>
<body>
<p>total <a href="#">google scholar citations
<strong><span id='total_cit'>260000+</span></strong></a></p>
<p>Paper one <strong><span class='show_paper_citations' data='{first}'></span></strong></p>
<p>Paper two <strong><span class='show_paper_citations' data='{second}'></span></strong></p>
<script>
document.addEventListener("DOMContentLoaded", function () {{
    var gsDataBaseUrl = '{base}';
    fetch(gsDataBaseUrl + "google-scholar-stats/gs_data.json")
        .then(function (response) {{ return response.json(); }})
        .then(function (data) {{
            var totalCitation = data['citedby']
            document.getElementById('total_cit').innerHTML = totalCitation;
            var citationEles = document.getElementsByClassName('show_paper_citations')
            Array.prototype.forEach.call(citationEles, element => {{
                var paperId = element.getAttribute('data')
                var numCitations = data['publications'][paperId]['num_citations']
                element.innerHTML = '| Citations: ' + numCitations;
            }});
        }});
}});
</script>
</body></html>"""


@pytest.fixture
def acadhomepage(site_url):
    """The AcadHomepage page, served from another 127.0.0.1 port than our site."""
    page = ACADHOMEPAGE_PAGE.format(base=site_url + "/", first=PAPERS[0], second=PAPERS[1])
    html = {"Content-Type": "text/html; charset=utf-8"}
    with LocalHTTPServer({"/": Reply(200, html, page)}) as server:
        yield server.url


def test_acadhomepage_spans_fill_with_our_numbers_from_another_origin(browser, acadhomepage):
    expected = json.loads((EXAMPLES / "gs_data.json").read_text("utf-8"))
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(acadhomepage + "/", wait_until="load")
        deadline = time.monotonic() + 10
        while page.locator("#total_cit").inner_text() == "260000+":
            assert time.monotonic() < deadline, f"total_cit never filled; errors: {errors}"
            page.wait_for_timeout(50)

        assert page.locator("#total_cit").inner_text() == str(expected["citedby"])
        spans = page.locator(".show_paper_citations").all_inner_texts()
        assert spans == [
            f"| Citations: {expected['publications'][paper]['num_citations']}" for paper in PAPERS
        ]
        assert errors == []
    finally:
        context.close()


def test_a_missing_file_reads_as_a_404_from_another_origin_not_a_cors_error(
    browser, acadhomepage, site_url
):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(acadhomepage + "/", wait_until="load")
        status = page.evaluate(
            "(url) => fetch(url).then((r) => r.status, (e) => 'failed: ' + e)",
            site_url + "/google-scholar-stats/missing.json",
        )
        assert status == 404
    finally:
        context.close()
