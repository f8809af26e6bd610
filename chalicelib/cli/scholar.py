"""`acadpage scholar-parse`: what acadpage reads from a saved Google Scholar profile page."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from chalicelib.citations.model import CitationSnapshot
from chalicelib.citations.scholar import (
    ScholarPage,
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
    a UserError names a file that is not a profile page (or is another profile's)."""
    pages = []
    for path in files:
        page = parse_profile_page(read_text(path))
        if page.status != "ok":
            reason = {
                "blocked": "a captcha or 'unusual traffic' page",
                "layout_changed": "not a Scholar profile page as acadpage knows it",
            }.get(page.status, page.status)
            raise UserError(f"{path}: expected a saved Google Scholar profile page, got {reason}")
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
    snapshot = merge_pages(user, pages, now)
    unique = tuple({paper.id: paper for paper in snapshot.publications}.values())
    return replace(snapshot, publications=unique), pages[-1].has_more
