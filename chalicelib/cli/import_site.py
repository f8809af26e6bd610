"""`acadpage import PATH`: whatever PATH is (a site folder of a known template, a .bib, a
gs_data.json), the importer for it; the `import-*` commands stay for naming one yourself."""

from __future__ import annotations

from pathlib import Path

from chalicelib.cli.citations import _stage_options, import_gs_data_command
from chalicelib.cli.files import read_text, refuse_overwrite
from chalicelib.cli.imports import import_acadhomepage_command, import_bibtex_command, write_site
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
    return write_site(importer(site_folder(args.path)), args.output, args.path)


def site_folder(root: Path):
    """The folder as the importers read it: files inside it only (no path, no symlink leads out)."""
    from chalicelib.importers.folder import SiteFolder

    base = root.resolve()

    def inside(name: str) -> Path | None:
        path = (base / name).resolve()
        return path if path.is_relative_to(base) else None

    def read(name: str) -> str | None:
        path = inside(name)
        return read_text(path) if path is not None and path.is_file() else None

    def files(folder: str) -> list[str]:
        top = inside(folder)
        if top is None or not top.is_dir():
            return []
        found = []
        for path in sorted(top.rglob("*")):
            if len(found) >= MAX_FILES:
                raise UserError(f"{top}: more than {MAX_FILES} files; is it a site folder?")
            if path.is_file() and path.resolve().is_relative_to(base):
                found.append(path.relative_to(base).as_posix())
        return found

    return SiteFolder(read=read, files=files)
