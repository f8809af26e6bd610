"""A lab folder: LABDIR/lab.yaml and LABDIR/people/<ID>/site.yaml (+ media/), read and checked
as a whole, for `acadpage validate LABDIR` and `acadpage serve --content LABDIR`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from chalicelib.cli.files import read_bytes
from chalicelib.cli.site_media import media_problems
from chalicelib.errors import UserError
from chalicelib.lab.model import LAB_FILE, Lab, load_lab
from chalicelib.lab.siteid import DEFAULT_SITE, SITE_ID, SiteId
from chalicelib.site.content import ContentError, Site, load_site

PEOPLE = "people"


class LabFolderError(UserError):
    """A lab folder has problems; lists every one, file by file."""


@dataclass(frozen=True)
class LabFolder:
    """A checked lab folder: the lab, and each member's folder and site."""

    root: Path
    lab: Lab
    members: dict[SiteId, tuple[Path, Site]]


def site_of(args) -> SiteId:
    """The site a command's `--site` names (a lab member's), else the stage's own."""
    return SiteId.member(args.site, "--site") if args.site else DEFAULT_SITE


def is_lab_folder(path: Path) -> bool:
    """True for a folder with a lab.yaml."""
    return (path / LAB_FILE).is_file()


def read_lab_folder(root: Path) -> LabFolder:
    """The lab folder at `root`; raises LabFolderError listing every problem of every file."""
    problems: list[str] = []
    lab = None
    try:
        lab = load_lab(read_bytes(root / LAB_FILE), LAB_FILE)
    except ContentError as error:
        problems += [f"{root / LAB_FILE}: {p.format(LAB_FILE)}" for p in error.problems]
    members: dict[SiteId, tuple[Path, Site]] = {}
    for member in lab.members if lab else ():
        folder = root / PEOPLE / member.site.name
        try:
            members[member.site] = (folder, _member_site(folder))
        except ContentError as error:
            problems += [f"{folder / 'site.yaml'}: {p.format('site.yaml')}" for p in error.problems]
        except UserError as error:
            problems.append(f"{LAB_FILE} member {member.site}: {error}")
    listed = {member.site.name for member in lab.members} if lab else set()
    for folder in sorted((root / PEOPLE).glob("*")) if (root / PEOPLE).is_dir() else ():
        if folder.is_dir() and folder.name not in listed and lab is not None:
            wanted = "a lowercase site id" if not SITE_ID.fullmatch(folder.name) else "in lab.yaml"
            problems.append(f"{folder}: a member folder that is not listed in {LAB_FILE} "
                            f"(expected {wanted}, or remove the folder)")  # fmt: skip
    if problems:
        raise LabFolderError("\n".join(problems))
    return LabFolder(root, lab, members)  # type: ignore[arg-type]  # None only with problems


def _member_site(folder: Path) -> Site:
    """A member's site.yaml, checked, with every image it names in its media/ folder."""
    site = load_site(read_bytes(folder / "site.yaml"), "site.yaml")
    if problems := media_problems(site, folder / "site.yaml"):
        raise UserError("; ".join(f"{folder}/{line}" for line in problems))
    return site


def lab_summary(folder: LabFolder) -> list[str]:
    """One line for the lab and one per member, as `validate` prints them."""
    lines = [f"{LAB_FILE}: valid: {folder.lab.title!r}, {len(folder.lab.members)} members"]
    for member in folder.lab.members:
        _, site = folder.members[member.site]
        papers = sum(len(section.publications) for section in site.sections)
        lines.append(f"{PEOPLE}/{member.site}/site.yaml: valid: {site.profile.name!r} "
                     f"({member.group}), {papers} publications")  # fmt: skip
    return lines
