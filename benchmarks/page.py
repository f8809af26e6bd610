"""Figures of the page path: warm requests, renders, import time."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "site.yaml"


def p50_ms(action, runs: int) -> float:
    """Median wall time of `action` in milliseconds, after a few warm-up runs."""
    for _ in range(min(5, runs)):
        action()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return median(samples) * 1000


def api_gateway_event(path: str) -> dict:
    """A minimal REST API proxy event for `GET path`, as API Gateway sends it."""
    route = "/" if path == "/" else "/{lang}"
    return {
        "resource": route,
        "path": path,
        "httpMethod": "GET",
        "headers": {"host": "127.0.0.1", "accept": "text/html"},
        "multiValueQueryStringParameters": None,
        "pathParameters": None if path == "/" else {"lang": path.strip("/")},
        "stageVariables": None,
        "requestContext": {
            "httpMethod": "GET",
            "resourcePath": route,
            "path": path,
            "stage": "api",
        },
        "body": None,
        "isBase64Encoded": False,
    }


def warm_request_p50_ms() -> float:
    """A cached page through the Lambda handler, over an embedded AWS seeded with the example."""
    from moto import mock_aws

    from chalicelib import runtime
    from chalicelib.aws.embedded import seed_embedded_aws

    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="us-east-1",
        ACADPAGE_BUCKET="acadpage-bench",
        ACADPAGE_TABLE="",
    )
    with mock_aws():
        runtime.reset()
        seed_embedded_aws(runtime.settings(), runtime.s3_client(), None, EXAMPLE.parent)
        from app import app

        event = api_gateway_event("/")
        assert app(event, None)["statusCode"] == 200
        return p50_ms(lambda: app(event, None), 2000)


def render_example_p50_ms() -> float:
    """Validate the example content and render it, as after a content change."""
    from chalicelib.site.content import load_site
    from chalicelib.site.render import render_home_page

    raw = EXAMPLE.read_bytes()
    return p50_ms(lambda: render_home_page(load_site(raw), None), 200)


def generated_site(publications: int) -> bytes:
    """A content file with `publications` publications, a third of them featured."""
    lines = [EXAMPLE.read_text().split("\npublications:\n")[0], "publications:"]
    for i in range(publications):
        lines += [
            f"  - title: Paper number {i} on *deep* learning",
            f"    link: https://example.org/papers/{i}.pdf",
            f"    authors: [Kaiming He, Author {i}, Someone Else]",
            f"    venue: CVPR {2000 + i % 25}",
            f"    year: {2000 + i % 25}",
            f"    featured: {'true' if i % 3 == 0 else 'false'}",
            "    image: 500x300.svg",
            f"    scholar_id: d6u01FkAAAAJ:PAPER{i:07d}",
            f"    links: {{pdf: https://example.org/{i}.pdf, code: https://github.com/x/{i}}}",
            "    description: [A one-line summary with **emphasis**.]",
        ]
    return "\n".join(lines).encode()


def render_pubs(publications: int) -> tuple[float, float]:
    """(render p50 ms, validate p50 ms) of a generated site."""
    from chalicelib.site.content import load_site
    from chalicelib.site.render import render_home_page

    raw = generated_site(publications)
    site = load_site(raw)
    return p50_ms(lambda: render_home_page(site, None), 50), p50_ms(lambda: load_site(raw), 20)


def match_titles_ms(publications: int, rows: int) -> float:
    """p50 ms of finding every publication's count by its title (once per content and citation
    version): the generated site without scholar_ids against a profile of `rows` rows."""
    import re

    from chalicelib.citations.model import PaperCitations
    from chalicelib.site.citation_links import resolve_site
    from chalicelib.site.content import load_site

    raw = re.sub(rb"\n    scholar_id: [^\n]*", b"", generated_site(publications))
    site = load_site(raw)
    stored = [
        PaperCitations(f"d6u01FkAAAAJ:ROW{n:07d}", f"PAPER NUMBER {n} ON DEEP LEARNING.", n)
        for n in range(rows)
    ]
    return p50_ms(lambda: resolve_site(site, stored), 5)


def import_ms(statement: str) -> float:
    """Median time of `statement` in a fresh interpreter, in milliseconds."""
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    runs = [
        float(subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout)
        for _ in range(7)
    ]  # fmt: skip
    return median(runs) * 1000


def page_bytes() -> tuple[int, int]:
    """(whole page, its inlined CSS) of the rendered example, in bytes: all a visitor downloads
    besides the images."""
    from chalicelib.site.content import load_site
    from chalicelib.site.render import render_home_page
    from chalicelib.site.templates import TEMPLATES_DIR

    html = render_home_page(load_site(EXAMPLE.read_bytes()), None)
    return len(html.encode()), len((TEMPLATES_DIR / "site.css").read_bytes())


def deployment_zip_mb() -> float | None:
    """The size of build/package/deployment.zip (made by `make package`), if it is there."""
    package = ROOT / "build" / "package" / "deployment.zip"
    return package.stat().st_size / 1_000_000 if package.exists() else None


def figures():
    """Every page figure, as (name, value, unit)."""
    html, css = page_bytes()
    yield "page_html_css_bytes", html, "bytes"
    yield "page_css_bytes", css, "bytes"
    zip_mb = deployment_zip_mb()
    if zip_mb is not None:
        yield "deployment_zip_mb", zip_mb, "MB"
    yield "warm_request_p50_ms", warm_request_p50_ms(), "ms"
    yield "render_example_p50_ms", render_example_p50_ms(), "ms"
    render_500, validate_500 = render_pubs(500)
    yield "render_500_pubs_p50_ms", render_500, "ms"
    yield "validate_500_pubs_p50_ms", validate_500, "ms"
    yield "match_500_titles_2000_rows_p50_ms", match_titles_ms(500, 2000), "ms"
    yield "import_boto3_ms", import_ms("import boto3"), "ms"
    yield "import_app_ms", import_ms("import app"), "ms"
