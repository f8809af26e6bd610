"""`acadpage validate` and `acadpage preview`: content files checked and rendered offline."""

from __future__ import annotations

from pathlib import Path

from chalicelib.cli.files import read_bytes
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
    validate.add_argument("file", type=Path, help="the content file, e.g. site.yaml")
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
    site = read_content_file(args.file)
    papers = sum(len(section.publications) for section in site.sections)
    print(f"{args.file.name}: valid: {len(site.sections)} sections, {papers} publications")
    return 0


def preview_command(args) -> int:
    """Write the rendered page; media keys point at the content file's media/ folder."""
    from chalicelib.site.render import render_home_page

    site = read_content_file(args.file)
    media_dir = (args.file.resolve().parent / "media").as_uri()
    html = render_home_page(site, None, media_root=media_dir)
    try:
        args.output.write_text(html, encoding="utf-8")
    except OSError as error:
        raise UserError(f"{args.output}: cannot write: {error.strerror}") from None
    print(f"wrote {args.output} ({len(html.encode()):,} bytes)")
    return 0
