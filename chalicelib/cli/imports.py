"""`acadpage import-acadhomepage` and `import-bibtex`: content from other homepage formats."""

from __future__ import annotations

from pathlib import Path

from chalicelib.cli.files import read_text
from chalicelib.errors import UserError
from chalicelib.site.content import ContentError, load_site

# A publications list validates inside the smallest complete content file.
_MINIMAL_SITE = "site: {title: T}\nprofile: {name: N}\nsections: [publications]\n"


def register(subparsers) -> None:
    """Add the import-acadhomepage and import-bibtex subcommands."""
    acad = subparsers.add_parser(
        "import-acadhomepage",
        help="convert an AcadHomepage site (about.md and _config.yml) to a content file",
        description="Convert an AcadHomepage site's _pages/about.md and _config.yml into an "
        "acadpage content file. What cannot be carried over is listed as notes.",
    )
    acad.add_argument("about", type=Path, metavar="ABOUT_MD", help="the site's _pages/about.md")
    acad.add_argument(
        "--config", type=Path, required=True, metavar="CONFIG_YML", help="the site's _config.yml"
    )
    acad.add_argument("-o", "--output", type=Path, required=True, help="the content file to write")
    acad.add_argument("--force", action="store_true", help="replace the output file if it exists")
    acad.set_defaults(handler=import_acadhomepage_command)

    bib = subparsers.add_parser(
        "import-bibtex",
        help="convert a BibTeX file to a publications list",
        description="Convert a BibTeX file into the `publications:` list of a content file: "
        "authors as 'First Last', venue from journal or booktitle, links from url, doi, pdf, "
        "code and arxiv fields.",
    )
    bib.add_argument("bibtex", type=Path, metavar="BIB", help="the BibTeX file, e.g. refs.bib")
    bib.add_argument("-o", "--output", type=Path, required=True, help="the YAML file to write")
    bib.add_argument("--force", action="store_true", help="replace the output file if it exists")
    bib.set_defaults(handler=import_bibtex_command)


def import_acadhomepage_command(args) -> int:
    """Write the converted content file; print what it holds and what to do by hand."""
    from chalicelib.importers.acadhomepage import import_acadhomepage

    _refuse_overwrite(args.output, args.force)
    imported = import_acadhomepage(
        read_text(args.about), read_text(args.config), args.about.name, args.config.name
    )
    site = _checked(imported.text, args.output.name)
    _write(args.output, imported.text)
    papers = sum(len(section.publications) for section in site.sections)
    print(f"wrote {args.output}: {len(site.sections)} sections, {papers} publications")
    _print_notes(imported.notes)
    return 0


def import_bibtex_command(args) -> int:
    """Write the converted publications list; print how many and what to do by hand."""
    from chalicelib.importers.bibtex import import_bibtex

    _refuse_overwrite(args.output, args.force)
    imported = import_bibtex(read_text(args.bibtex), args.bibtex.name)
    site = _checked(_MINIMAL_SITE + imported.text, args.output.name)
    _write(args.output, imported.text)
    papers = sum(len(section.publications) for section in site.sections)
    print(f"wrote {args.output}: {papers} publications")
    _print_notes(imported.notes)
    return 0


def _refuse_overwrite(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise UserError(f"{path}: already exists; pass --force to replace it")


def _checked(text: str, filename: str):
    """The site the converted text describes; a converted file that does not validate is a bug."""
    try:
        return load_site(text.encode(), filename)
    except ContentError as error:
        raise UserError(
            f"the converted content does not validate, so nothing was written:\n{error}"
        ) from None


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UserError(f"{path}: cannot write: {error.strerror}") from None


def _print_notes(notes: tuple[str, ...]) -> None:
    for note in notes:
        print(f"note: {note}")
