"""`acadpage import-acadhomepage` and `import-bibtex`: content from other homepage formats."""

from __future__ import annotations

import shutil
from pathlib import Path

from chalicelib.cli.files import inside, read_text, refuse_overwrite
from chalicelib.errors import UserError
from chalicelib.site.content import ContentError, load_site

# A publications list validates inside the smallest complete content file.
_MINIMAL_SITE = "site: {title: T}\nprofile: {name: N}\nsections: [publications]\n"


def register(subparsers) -> None:
    """Add the import-acadhomepage and import-bibtex subcommands."""
    acad = subparsers.add_parser(
        "import-acadhomepage",
        help="convert an AcadHomepage site (its folder, or about.md and _config.yml)",
        description="Convert an AcadHomepage site into an acadpage content file. Given the "
        "site's folder (a clone of its repository), it finds _pages/about.md, _config.yml, the "
        "included files and the images, and copies the images into media/ next to the output. "
        "It reports what became structured, what was kept as written and what it could not "
        "read; it fails only when nothing usable could be written.",
    )
    acad.add_argument(
        "about", type=Path, metavar="SITE", help="the site's folder, or its _pages/about.md"
    )
    acad.add_argument(
        "--config",
        type=Path,
        metavar="CONFIG_YML",
        help="the site's _config.yml (default: the one in the site's folder)",
    )
    acad.add_argument("-o", "--output", type=Path, required=True, help="the content file to write")
    acad.add_argument("--force", action="store_true", help="replace the output file if it exists")
    acad.set_defaults(handler=import_acadhomepage_command)

    bib = subparsers.add_parser(
        "import-bibtex",
        help="convert a BibTeX file (or a folder of them) to a publications list",
        description="Convert a BibTeX file into the `publications:` list of a content file: "
        "authors as 'First Last', venue from journal or booktitle, links from url, doi, pdf, "
        "code and arxiv fields.",
    )
    bib.add_argument(
        "bibtex",
        type=Path,
        metavar="BIB",
        help="the BibTeX file (e.g. refs.bib), or a folder of them such as Hugo Blox's "
        "content/publication/ with one cite.bib per paper",
    )
    bib.add_argument("-o", "--output", type=Path, required=True, help="the YAML file to write")
    bib.add_argument("--force", action="store_true", help="replace the output file if it exists")
    bib.set_defaults(handler=import_bibtex_command)


def import_acadhomepage_command(args) -> int:
    """Write the converted content file and its images; print the import's report."""
    from chalicelib.importers.acadhomepage import import_acadhomepage

    about, config, root = _site_files(args.about, args.config)
    refuse_overwrite(args.output, args.force)
    imported = import_acadhomepage(
        read_text(about),
        read_text(config) if config else "",
        about.name,
        config.name if config else "_config.yml",
        read_relative=lambda name: _read_beside(about.parent, root, name),
    )
    return write_site(imported, args.output, root)


def write_site(imported, output: Path, root: Path) -> int:
    """Write a converted site (checked first, each value that fails left out) and its images;
    print the import's report."""
    text, dropped = _pruned(imported.text, output.name)
    site = _checked(text, output.name)
    _write(output, text)
    papers = sum(len(section.publications) for section in site.sections)
    print(f"wrote {output}: {len(site.sections)} sections, {papers} publications")
    print_group("structured", imported.structured)
    print_group("kept as written", imported.kept_raw)
    print_group("could not read", imported.unread)
    print_group("images", _copy_images(imported.media, root, output.parent / "media"))
    print_group(
        "pictures on other hosts, shown as their label linking to them (the page loads nothing "
        "from other hosts)",
        tuple(f"image {url}" for url in imported.remote_images),
    )
    print_group("left out, as they do not validate", dropped)
    _print_notes(imported.notes)
    return 0


def _pruned(text: str, filename: str) -> tuple[str, tuple[str, ...]]:
    """The converted text without the values that fail validation, and what was left out."""
    from chalicelib.importers.pruned import without_invalid

    try:
        return without_invalid(text, filename)
    except ContentError as error:
        raise UserError(
            f"the converted content does not validate, so nothing was written:\n{error}"
        ) from None


def _site_files(given: Path, config: Path | None) -> tuple[Path, Path | None, Path]:
    """(about page, _config.yml or None, the site's root folder) of a folder or a page."""
    if given.is_dir():
        root = given
        pages = [given / "_pages" / "about.md", given / "_pages" / "about.markdown"]
        about = next((page for page in [*pages, given / "about.md"] if page.is_file()), None)
        if about is None:
            raise UserError(f"{given}: no _pages/about.md here; is it an AcadHomepage site?")
    else:
        about = given
        root = given.parent.parent if given.parent.name == "_pages" else given.parent
    if config is None and (root / "_config.yml").is_file():
        config = inside(root, root / "_config.yml")
        if config is None:
            raise UserError(f"{root}/_config.yml: leads outside the site's folder; not read")
    return about, config, root


def _read_beside(folder: Path, root: Path, name: str) -> str | None:
    """A file the page includes, or None when it is not there; one outside the site's folder
    (`../../etc/passwd`, or a link to it) is refused, never read."""
    path = inside(root, folder / name)
    if path is None:
        raise UserError(f"{name!r} leads outside the site's folder; not read")
    return read_text(path) if path.is_file() else None


def _copy_images(media: tuple[tuple[str, str], ...], root: Path, target: Path) -> tuple[str, ...]:
    """Copy the site's images into media/; lines saying what was copied and what was not."""
    lines = []
    copied = 0
    for source, key in media:
        path = inside(root, root / source)
        if path is None:
            lines.append(f"{source}: outside the site's folder {root}; not copied")
            continue
        if not path.is_file():
            lines.append(f"{source}: not found in {root}; copy it to {target / key} yourself")
            continue
        destination = target / key
        try:
            target.mkdir(parents=True, exist_ok=True)
            if destination.exists() and destination.read_bytes() != path.read_bytes():
                lines.append(f"{source}: {destination} exists and differs; left as it is")
                continue
            shutil.copyfile(path, destination)
        except OSError as error:
            raise UserError(f"{destination}: cannot write: {error.strerror}") from None
        copied += 1
    if copied:
        lines.insert(0, f"copied {copied} images into {target}")
    return tuple(lines)


def print_group(title: str, lines: tuple[str, ...]) -> None:
    if lines:
        print(f"{title}:")
        for line in lines:
            print(f"  {line}")


def import_bibtex_command(args) -> int:
    """Write the converted publications list; print how many and what to do by hand."""
    from chalicelib.importers.bibtex import import_bibtex_files

    refuse_overwrite(args.output, args.force)
    imported = import_bibtex_files(_bibtex_files(args.bibtex), args.bibtex.name)
    site = _checked(_MINIMAL_SITE + imported.text, args.output.name)
    _write(args.output, imported.text)
    papers = sum(len(section.publications) for section in site.sections)
    print(f"wrote {args.output}: {papers} publications")
    _print_notes(imported.notes)
    return 0


def _bibtex_files(given: Path) -> list[tuple[str, str]]:
    """(name, text) of the BibTeX file, or of every .bib file below the folder, in path order;
    a Hugo publication folder's stray `cite.bib` (in no paper folder) is named, not read."""
    from chalicelib.importers.bibtex import stray_cite_bibs

    if not given.is_dir():
        return [(given.name, read_text(given))]
    paths = []
    for found in sorted(given.rglob("*.bib")):
        path = inside(given, found)
        if path is None:
            print(f"not read: {found}: it leads outside {given}")
        elif path.is_file():
            paths.append(path)
    if not paths:
        raise UserError(f"{given}: no .bib files in this folder")
    root = given.resolve()
    names = [path.relative_to(root).as_posix() for path in paths]
    stray = stray_cite_bibs(names)
    for name in sorted(stray):
        print(f"not read: {name}: beside the paper folders, in none of them, so no page shows it")
    return [(name, read_text(root / name)) for name in names if name not in stray]


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
