"""`acadpage scholar-parse`: what acadpage reads from a saved Google Scholar profile page."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from chalicelib.citations.model import CitationSnapshot
from chalicelib.citations.scholar import (
    ScholarPage,
    block_kind,
    merge_pages,
    parse_profile_page,
    scholar_page_json,
)
from chalicelib.cli.files import read_text
from chalicelib.errors import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the scholar-parse subcommand."""
    parser = subparsers.add_parser(
        "scholar-parse",
        help="show what acadpage reads from a saved Google Scholar profile page",
        description=(
            "Parse a Google Scholar profile page saved from a browser (File > Save Page As, "
            "HTML only) and show the numbers and publication rows acadpage would store."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="the saved profile page (.html)")
    parser.add_argument(
        "--json", action="store_true", help="print everything as JSON instead of a summary"
    )
    parser.set_defaults(handler=scholar_parse)


def scholar_parse(args: argparse.Namespace) -> int:
    """Print the parsed page; exit code 0 for a usable profile page, 1 otherwise."""
    page = parse_profile_page(read_text(Path(args.file)))
    if args.json:
        print(json.dumps(scholar_page_json(page), indent=2, ensure_ascii=False))
    else:
        print(page_summary(page))
    return 0 if page.status == "ok" else 1


def page_summary(page: ScholarPage) -> str:
    """A few lines a person can check against the profile in a browser."""
    if page.status != "ok":
        return f"status: {page.status}"
    duplicates = sum(1 for paper in page.publications if paper.duplicate)
    since = f"since {page.since_year}" if page.since_year else "since"
    return "\n".join(
        [
            "status: ok",
            f"name: {page.name}",
            f"citations: {page.citations_all} (all), {page.citations_since} ({since})",
            f"h-index: {page.h_index_all} (all), {page.h_index_since} ({since})",
            f"i10-index: {page.i10_index_all} (all), {page.i10_index_since} ({since})",
            f"rows: {len(page.publications)}, of which duplicates: {duplicates}",
            f"more pages: {'yes' if page.has_more else 'no'}",
        ]
    )


def saved_pages(
    files: list[Path], now: datetime, profile_id: str = ""
) -> tuple[CitationSnapshot, bool]:
    """One snapshot of saved Scholar profile pages, and whether the last one offers more rows;
    a UserError names a file that is not a profile page (or is another profile's).

    The snapshot is dated when the newest file was saved (its modification time), not now: the
    page's numbers are as old as the save."""
    pages = []
    for path in files:
        text = read_text(path)
        page = parse_profile_page(text)
        if page.status != "ok":
            raise UserError(f"{path}: {_not_a_profile(page.status, block_kind(text))}")
        pages.append(page)
    users = {page.user_id for page in pages if page.user_id}
    if profile_id:
        users.discard(profile_id)
        if users:
            raise UserError(
                f"{files[0]}: these pages are of Scholar profile {sorted(users)[0]}, "
                f"not of {profile_id}"
            )
    elif len(users) > 1:
        raise UserError(f"{files[0]}: the pages are of different profiles: {sorted(users)}")
    user = profile_id or (users.pop() if users else "")
    saved_at = datetime.fromtimestamp(max(path.stat().st_mtime for path in files), UTC)
    snapshot = merge_pages(user, pages, min(now, saved_at))
    unique = tuple({paper.id: paper for paper in snapshot.publications}.values())
    snapshot = replace(snapshot, publications=unique, origin="saved-page")
    return snapshot, pages[-1].has_more


SAVE_AGAIN = (
    "open your profile in the browser, {step} until the profile itself shows, then save it "
    'again (File > Save Page As, "Webpage, HTML only")'
)


def _not_a_profile(status: str, kind: str) -> str:
    """Why a saved file is no profile page, and what to do."""
    if kind == "sign-in":
        return (
            "Scholar blocked this save: the file is Google's sign-in page, not your profile; "
            + (SAVE_AGAIN.format(step="sign in to Google (or open it in another browser)"))
        )
    if status == "blocked":
        return (
            "Scholar blocked this save: the file is a captcha or 'unusual traffic' page, not "
            "your profile; " + SAVE_AGAIN.format(step="answer the captcha (or wait an hour)")
        )
    return "expected a saved Google Scholar profile page, got a page acadpage does not know"


def more_rows_note(files: list[Path], snapshot: CitationSnapshot) -> str:
    """What to do when the last saved page still offers "Show more": the rest are missing."""
    address = "https://scholar.google.com/citations?user=" + (snapshot.profile_id or "ID")
    return (
        f"{files[-1]}: Scholar has more rows than these pages hold (the page offers "
        f"'Show more'): only {len(snapshot.publications)} publications were read. For every "
        f"row, save {address}&pagesize=100 (and &cstart=100, &cstart=200, ... for more than "
        "100 papers) and give every file, the first page first"
    )
