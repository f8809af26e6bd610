"""lab.yaml -> the validated lab: its title and its members, each a site with a role and a
group, every problem located by line and field (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.lab.siteid import SITE_ID, SiteId, expected
from chalicelib.site.content import load_document
from chalicelib.site.fields import Fields
from chalicelib.site.origins import normal_origin, origin_problem
from chalicelib.site.yamlnodes import collector_paused

LAB_FILE = "lab.yaml"
# the lab page's groups, in the order it shows them, and each one's heading
GROUPS = {
    "pi": "Principal investigators",
    "postdocs": "Postdocs",
    "students": "Students",
    "staff": "Staff",
    "alumni": "Alumni",
}
MAX_MEMBERS = 1000


@dataclass(frozen=True)
class Member:
    """One member of the lab: their site, what they do, and the group the lab page lists them in."""

    site: SiteId
    group: str
    role: str = ""


@dataclass(frozen=True)
class Lab:
    """The lab: what its page says about it, and its members in the order lab.yaml gives."""

    title: str
    members: tuple[Member, ...]
    description: str = ""
    base_url: str = ""
    language: str = "en"

    def member(self, site: SiteId) -> Member | None:
        """The member whose site is `site`, or None."""
        return next((member for member in self.members if member.site == site), None)


def load_lab(raw: bytes, filename: str = LAB_FILE) -> Lab:
    """The validated lab of lab.yaml's bytes; raises ContentError listing every problem."""
    with collector_paused():
        return load_document(raw, filename, _read_lab)


def _read_lab(top: Fields) -> Lab:
    settings_node = top.node_of("lab", required=True)
    lab = Fields(settings_node, "lab", top.problems) if settings_node is not None else None
    title = lab.text("title", required=True) if lab else ""
    description = lab.text("description") if lab else ""
    base_url = lab.text("base_url") if lab else ""
    if base_url and (problem := origin_problem(base_url)):
        lab.expect("base_url", lab.values["base_url"], problem)  # type: ignore[union-attr]
        base_url = ""
    language = lab.text("language", "en") if lab else "en"
    if lab:
        lab.done()
    members = _read_members(top)
    top.done()
    return Lab(title, members, description, normal_origin(base_url) if base_url else "", language)


def _read_members(top: Fields) -> tuple[Member, ...]:
    items = top.items("members", required=True)
    if len(items) > MAX_MEMBERS:
        top.problems.add(
            top.values["members"], "members", f"expected at most {MAX_MEMBERS} members"
        )
        return ()
    members: list[Member] = []
    seen: set[str] = set()
    for path, node in items:
        fields = Fields(node, path, top.problems)
        site = fields.text("site", required=True)
        group = fields.choice("group", tuple(GROUPS), "students") if "group" in fields else ""
        if "group" not in fields:
            fields.node_of("group", required=True)
        role = fields.text("role")
        fields.done()
        if site and not SITE_ID.fullmatch(site):
            fields.expect("site", fields.values["site"], expected().removeprefix("expected "))
        elif site in seen:
            top.problems.add(fields.values["site"], fields.where("site"),
                             f"site {site!r} is listed twice")  # fmt: skip
        elif site == "default":
            wanted = "expected a member's site id; 'default' is the lab's own site"
            top.problems.add(fields.values["site"], fields.where("site"), wanted)
        elif site and group:
            seen.add(site)
            members.append(Member(SiteId(site), group, role))
    return tuple(members)
