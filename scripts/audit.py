"""`make audit`: Lighthouse on the example site served locally; prints the four category scores.

The example is served by `acadpage serve` on 127.0.0.1 with its `base_url` set to that address,
as a deployed site's `base_url` is its own address (else the canonical link points elsewhere).
Lighthouse drives the system Chromium (CHROME_PATH); reports go to artifacts/lighthouse/.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from scripts.local_site import SiteDidNotStart, free_port, served_site

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
REPORTS = ROOT / "artifacts" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage "
    "--disable-background-networking --disable-component-update --disable-sync "
    "--no-first-run --disable-quic"
)
BASE_URL_LINE = re.compile(r"^(\s+base_url:).*$", re.MULTILINE)


def content_served_at(source: Path, url: str, into: Path) -> Path:
    """A copy of the content folder whose `base_url` is `url`."""
    target = into / "content"
    shutil.copytree(source, target)
    for path in target.glob("site*.yaml"):
        path.write_text(BASE_URL_LINE.sub(rf"\1 {url}", path.read_text(encoding="utf-8")))
    return target


def run_lighthouse(url: str, preset: str, chrome_path: str) -> dict:
    """The Lighthouse result (its JSON report) for `url`."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    output = REPORTS / preset
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        "--output=html",
        f"--output-path={output}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": chrome_path}
    subprocess.run(command, check=True, env=env)
    return json.loads(output.with_suffix(".report.json").read_text())


def shortfalls(report: dict) -> list[str]:
    """The audits that cost points: category, audit id and title."""
    lines = []
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                lines.append(f"  {category}: {ref['id']} ({audit['score']}): {audit['title']}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Serve the example, run Lighthouse on it, print the scores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / "examples")
    parser.add_argument("--preset", choices=("mobile", "desktop"), default="mobile")
    args = parser.parse_args(argv)
    chrome_path = os.environ.get("CHROME_PATH") or shutil.which("chromium")
    if not chrome_path:
        sys.exit("audit: no Chromium: set CHROME_PATH or install Debian's chromium")
    if not LIGHTHOUSE.exists():
        sys.exit("audit: Lighthouse is not installed: run `npm ci`")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as scratch:
        content = content_served_at(args.content, url, Path(scratch))
        try:
            with served_site(content, Path(scratch) / "serve.log", port=port):
                report = run_lighthouse(url + "/", args.preset, chrome_path)
        except SiteDidNotStart as error:
            sys.exit(f"audit: {error}")
    print(f"Lighthouse {report['lighthouseVersion']} ({args.preset}) on the example site:")
    for category in CATEGORIES:
        print(f"{category}: {round(report['categories'][category]['score'] * 100)}")
    missing = shortfalls(report)
    if missing:
        print("audits below full marks:", *missing, sep="\n")
    print(f"reports: {REPORTS.relative_to(ROOT)}/{args.preset}.report.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
