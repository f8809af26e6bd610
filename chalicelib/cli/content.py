"""`acadpage validate` and `acadpage preview`: content files checked and rendered offline."""

from __future__ import annotations

import os
from pathlib import Path

from chalicelib.cli.citations import _stage_options
from chalicelib.cli.files import read_bytes
from chalicelib.cli.site_media import media_problems
from chalicelib.errors import UserError
from chalicelib.site.content import Site, load_site


def register(subparsers) -> None:
    """Add the validate and preview subcommands."""
    validate = subparsers.add_parser(
        "validate",
        help="check a content file offline",
        description="Check a content file (site.yaml) offline; every problem is listed with its "
        "line and field.",
    )
    validate.add_argument(
        "file", type=Path, help="the content file (site.yaml), or a lab folder with lab.yaml"
    )
    validate.add_argument(
        "--citations",
        action="store_true",
        help="also list which publications find their count in the stage's stored Scholar rows "
        "(matched by title, ambiguous, unmatched)",
    )
    _stage_options(validate)
    validate.set_defaults(handler=validate_command)

    preview = subparsers.add_parser(
        "preview",
        help="render the page to a local HTML file, with no AWS",
        description="Render a content file to a self-contained HTML file, with no AWS at all. "
        "Media keys resolve to the file's media/ folder.",
    )
    preview.add_argument("file", type=Path, help="the content file, e.g. site.yaml")
    preview.add_argument("-o", "--output", type=Path, required=True, help="where to write the page")
    preview.set_defaults(handler=preview_command)


def read_content_file(path: Path) -> Site:
    """The validated site of a local content file; a UserError names the file otherwise."""
    return load_site(read_bytes(path), path.name)


def validate_command(args) -> int:
    """Print the sections found, or raise ContentError listing every problem."""
    from chalicelib.cli.labfolder import is_lab_folder, lab_summary, read_lab_folder

    if args.file.is_dir() and is_lab_folder(args.file):
        for line in lab_summary(read_lab_folder(args.file)):
            print(line)
        return 0
    site = read_content_file(args.file)
    problems = media_problems(site, args.file)
    if problems:
        raise UserError("\n".join(problems))
    papers = sum(len(section.publications) for section in site.sections)
    print(f"{args.file.name}: valid: {len(site.sections)} sections, {papers} publications")
    if args.citations:
        for line in citation_lines(site, _stored_scholar_rows(args)):
            print(line)
    return 0


def _stored_scholar_rows(args) -> tuple:
    """The publication rows of the stage's stored Scholar snapshot (none stored: empty)."""
    from chalicelib.citations.state import scholar_rows
    from chalicelib.cli.citations import _citation_store, stage_settings

    settings, region = stage_settings(args, os.environ)
    state = _citation_store(settings, region, args).load_current(settings.profile_id)
    return scholar_rows(state)


def citation_lines(site: Site, rows) -> list[str]:
    """Which publications show a count, and why the others do not."""
    from chalicelib.site.citation_links import publication_matches

    if not rows:
        return ["citations: no Scholar rows stored yet; run `acadpage refresh` first"]
    known = {row.id: row for row in rows if not row.duplicate}
    papers = dict.fromkeys(paper for section in site.sections for paper in section.publications)
    lines = [f"citations: {len(rows)} Scholar rows stored"]
    for paper in papers:
        row = known.get(paper.scholar_id)
        if row is not None:
            lines.append(f"explicit: {paper.title!r}: {row.id} ({row.citations:,} citations)")
        elif paper.scholar_id:
            lines.append(f"explicit: {paper.title!r}: {paper.scholar_id}, which no stored row has")
    for match in publication_matches(site, rows):
        if match.row is not None:
            lines.append(
                f"matched: {match.title!r} -> {match.row.id} ({match.row.citations:,} citations)"
            )
        elif match.candidates:
            ids = ", ".join(row.id for row in match.candidates)
            lines.append(f"ambiguous: {match.title!r}: rows {ids}; set scholar_id to one")
        else:
            lines.append(f"unmatched: {match.title!r}: no stored row has this title")
    return lines


def preview_command(args) -> int:
    """Write the rendered page; media keys point at the content file's media/ folder."""
    from chalicelib.site.citation_links import resolve_site
    from chalicelib.site.render import render_home_page

    site = read_content_file(args.file)
    media_dir = (args.file.resolve().parent / "media").as_uri()
    display = folder_display(args.file.parent / "gs_data.json")
    if display is not None:
        site = resolve_site(site, display.snapshot.publications)
    html = render_home_page(site, display, media_root=media_dir)
    try:
        args.output.write_text(html, encoding="utf-8")
    except OSError as error:
        raise UserError(f"{args.output}: cannot write: {error.strerror}") from None
    print(f"wrote {args.output} ({len(html.encode()):,} bytes)")
    return 0


def folder_display(gs_data: Path):
    """The numbers of the folder's gs_data.json (written by `init`), as `serve` shows them;
    None without one. A file that cannot be read is named."""
    from datetime import UTC, datetime

    from chalicelib.aws.embedded import folder_numbers
    from chalicelib.citations.gs_data import GsDataError
    from chalicelib.citations.state import display_of

    if not gs_data.is_file():
        return None
    try:
        snapshot = folder_numbers(gs_data, "preview")
    except (ValueError, GsDataError) as error:
        raise UserError(f"{gs_data}: not used: {error}") from None
    return display_of(snapshot, datetime.now(UTC), stale_after_days=14)
