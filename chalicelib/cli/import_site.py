"""`acadpage import PATH`: whatever PATH is (a site folder of a known template, a .bib, a
gs_data.json), the importer for it; the `import-*` commands stay for naming one yourself."""

from __future__ import annotations

from pathlib import Path

from chalicelib.cli.citations import _stage_options, import_gs_data_command
from chalicelib.cli.files import inside, read_text, refuse_overwrite
from chalicelib.cli.imports import (
    import_acadhomepage_command,
    import_bibtex_command,
    print_group,
    write_site,
)
from chalicelib.errors import UserError

# What a folder holds -> which template made it; the first whose marks are all there wins.
TEMPLATES = (
    (
        "Hugo Blox",
        ("content",),
        ("content/authors", "content/author", "content/publication", "content/publications"),
    ),
    ("al-folio", ("_pages/about.md",), ("_news", "_bibliography")),
    ("academicpages", ("_pages/about.md",), ("_publications", "_talks", "_teaching")),
    ("AcadHomepage", ("_pages/about.md",), ()),
)
MAX_FILES = 5000  # a site folder lists its papers and news; more is no site


def register(subparsers) -> None:
    """Add the import subcommand."""
    command = subparsers.add_parser(
        "import",
        help="convert a homepage (AcadHomepage, al-folio, academicpages or Hugo Blox folder, "
        "a .bib, a gs_data.json)",
        description="Detect what PATH is and run the importer for it: an AcadHomepage, al-folio, "
        "academicpages or Hugo Blox site folder (a clone of its repository), a BibTeX file, or a "
        "gs_data.json (stored as the stage's imported citation numbers, as import-gs-data does).",
    )
    command.add_argument("path", type=Path, metavar="PATH", help="the site folder or file")
    command.add_argument("-o", "--output", type=Path, help="the content file to write")
    command.add_argument(
        "--force", action="store_true", help="replace the output file if it exists"
    )
    _stage_options(command)  # for a gs_data.json: where its numbers are stored
    command.set_defaults(handler=import_command)


def detected(path: Path) -> str:
    """What PATH is: a template's name, "bibtex" or "gs_data"; else a UserError saying why."""
    if path.is_file():
        if path.suffix.lower() == ".bib":
            return "bibtex"
        if path.suffix.lower() == ".json":
            return "gs_data"
        if path.suffix.lower() in (".md", ".markdown"):
            return "AcadHomepage"
        raise UserError(f"{path}: expected a site folder, a .bib or a gs_data.json")
    if not path.is_dir():
        raise UserError(f"{path}: no such file or folder")
    for name, needed, marks in TEMPLATES:
        if all((path / p).exists() for p in needed) and (
            not marks or any((path / m).is_dir() for m in marks)
        ):
            return name
    if any(path.rglob("*.bib")):
        return "bibtex"
    raise UserError(
        f"{path}: not a site folder acadpage knows (expected _pages/about.md of AcadHomepage, "
        "al-folio or academicpages, or content/ of Hugo Blox)"
    )


def import_command(args) -> int:
    """Run the importer for what args.path is."""
    kind = detected(args.path)
    if kind == "gs_data":
        args.file = args.path
        return import_gs_data_command(args)
    if args.output is None:
        raise UserError("-o/--output: expected the content file to write, e.g. -o site.yaml")
    what = "a BibTeX file" if kind == "bibtex" else f"a site made with {kind}"
    print(f"{args.path}: read as {what}")
    if kind == "bibtex":
        args.bibtex = args.path
        return import_bibtex_command(args)
    if kind == "AcadHomepage":
        args.about, args.config = args.path, None
        return import_acadhomepage_command(args)
    return _import_folder(kind, args)


def _import_folder(kind: str, args) -> int:
    from chalicelib.importers.academicpages import import_academicpages
    from chalicelib.importers.alfolio import import_alfolio
    from chalicelib.importers.hugoblox import import_hugoblox

    importer = {
        "al-folio": import_alfolio,
        "academicpages": import_academicpages,
        "Hugo Blox": import_hugoblox,
    }[kind]
    refuse_overwrite(args.output, args.force)
    left_out: list[str] = []
    code = write_site(importer(site_folder(args.path, left_out)), args.output, args.path)
    print_group("left out, as they lead outside the site's folder (not read)", tuple(left_out))
    return code


def site_folder(root: Path, left_out: list[str]):
    """The folder as the importers read it: files inside it only (no path, no symlink leads out);
    what leads out is named in `left_out`, never read."""
    from chalicelib.importers.folder import SiteFolder

    base = root.resolve()

    def within(name: str) -> Path | None:
        path = inside(base, base / name)
        if path is None and name not in left_out:
            left_out.append(name)
        return path

    def read(name: str) -> str | None:
        path = within(name)
        return read_text(path) if path is not None and path.is_file() else None

    def files(folder: str) -> list[str]:
        top = within(folder)
        if top is None or not top.is_dir():
            return []
        found = []
        for path in sorted(top.rglob("*")):
            if len(found) >= MAX_FILES:
                raise UserError(f"{top}: more than {MAX_FILES} files; is it a site folder?")
            name = f"{folder}/{path.relative_to(top).as_posix()}"
            # a link is looked at even to a folder (the walk does not enter it): one out is named
            regular = path.is_file()  # a link to a file too
            if (regular or path.is_symlink()) and within(name) and regular:
                found.append(name)
        return found

    return SiteFolder(read=read, files=files)
