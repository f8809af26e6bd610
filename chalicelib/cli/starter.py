"""The site.yaml that `acadpage init` writes: a profile's numbers and rows as a content file
that validates as written, with the sections it cannot fill left as commented examples."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

from chalicelib.citations.matching import author_names, is_owner_form
from chalicelib.citations.model import CitationSnapshot, PaperCitations
from chalicelib.site.content import PAPER_ID
from chalicelib.site.profile_links import link_url

FEATURED = 3  # the most cited few get the paper box with an image
# Characters YAML refuses in a file, or reads as a line break, even inside double quotes.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class StarterProfile:
    """What init knows about the owner: a source's snapshot and the ids it came from."""

    snapshot: CitationSnapshot
    avatar: str  # the media key of the photo or of the default avatar
    scholar_id: str = ""
    orcid: str = ""


def quoted(text: str) -> str:
    """`text` as a double-quoted YAML scalar that reads back exactly (JSON's quoting is YAML's)."""
    encoded = json.dumps(text, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", encoded)


def owner_forms(name: str, rows: tuple[PaperCitations, ...]) -> tuple[str, ...]:
    """The owner's name and every other way the rows' author lists write it ("K He")."""
    forms = [name]
    for row in rows:
        for author in author_names(row.authors):
            if author not in forms and is_owner_form(author, name):
                forms.append(author)
    return tuple(forms)


def starter_rows(snapshot: CitationSnapshot) -> list[PaperCitations]:
    """The rows worth a publication entry, newest first: titled, and not a merged duplicate."""
    rows = [row for row in snapshot.publications if row.title and not row.duplicate]
    unique = list({row.id: row for row in rows}.values())
    return sorted(unique, key=lambda row: (-(row.year or 0), -row.citations))


def featured_ids(rows: list[PaperCitations]) -> set[str]:
    """The ids of the FEATURED most cited rows."""
    cited = sorted(rows, key=lambda row: -row.citations)
    return {row.id for row in cited[:FEATURED] if row.citations > 0}


def default_avatar_svg(name: str) -> str:
    """A round avatar with the owner's initial, for a profile without a photo to download."""
    initial = escape(next((c for c in name if c.isalnum()), "?").upper())
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 160" width="160" '
        'height="160"><circle cx="80" cy="80" r="80" fill="#0b4aa2"/><text x="80" y="108" '
        'font-family="Arial,Helvetica,sans-serif" font-size="88" fill="#fff" '
        f'text-anchor="middle">{initial}</text></svg>\n'
    )


def starter_site_yaml(profile: StarterProfile) -> str:
    """The whole content file, every value quoted so nothing a profile says can break it."""
    snapshot = profile.snapshot
    name = snapshot.name or "Your Name"
    rows = starter_rows(snapshot)
    lines = [
        "# Your homepage. Edit, save, and `acadpage serve` shows it at once; the fields are",
        "# described in docs/content.md. `acadpage validate site.yaml` checks the file.",
        "site:",
        f"  title: {quoted(name)}",
        f"  description: {quoted(_description(name, snapshot.affiliation))}",
        "  # base_url: https://www.example.org",
        "",
        *_profile_lines(profile, name, rows),
        "",
        "sections:",
        "  - about",
        "  # - news",
        "  - publications",
        "  # - {type: publications, from: scholar, title: All publications, sort: year}",
        "  # - education",
        "  # - awards",
        "  # - talks",
        "  # - internships",
        "",
        *_about_lines(snapshot),
        "",
        "# news:",
        '#   - date: "2025.01"',
        '#     text: "🎉 Our paper was accepted at **a conference**."',
        "# education:",
        "#   - date: 2019.09 - 2024.06",
        "#     text: Ph.D., [Your University](https://www.example.org/)",
        "# awards:",
        '#   - date: "2024"',
        "#     text: Best Paper Award",
        "# talks:",
        '#   - date: "2024.10"',
        "#     text: An invited talk, [slides](https://www.example.org/slides.pdf)",
        "# internships:",
        "#   - date: 2022.06 - 2022.09",
        "#     text: Research intern, A Lab",
        "",
        *_publication_lines(rows, profile.scholar_id),
    ]
    return "\n".join(lines) + "\n"


def _description(name: str, affiliation: str) -> str:
    return f"{name}, {affiliation}" if affiliation else f"{name}'s academic homepage"


def _profile_lines(profile: StarterProfile, name: str, rows: list[PaperCitations]) -> list[str]:
    snapshot = profile.snapshot
    forms = owner_forms(name, tuple(rows))
    lines = [
        "profile:",
        f"  name: {quoted(name)}",
        f"  author_names: [{', '.join(quoted(form) for form in forms)}]"
        "  # highlighted in author lists",
        f"  avatar: {quoted(profile.avatar)}",
    ]
    if snapshot.affiliation:
        lines.append(f"  employer: {quoted(snapshot.affiliation)}")
    if profile.scholar_id:
        lines.append(f"  google_scholar_id: {quoted(profile.scholar_id)}")
        url = link_url("googlescholar", profile.scholar_id)
        lines.append(f"  googlescholar: {quoted(url)}")
    if profile.orcid:
        lines.append(f"  orcid: {quoted(profile.orcid)}")
    lines += ["  # email: you@example.org", "  # github: your-user-name"]
    return lines


def _about_lines(snapshot: CitationSnapshot) -> list[str]:
    """The about section as a literal block, easy to edit; one paragraph per fact."""
    paragraphs = ["Write a few lines about yourself here: markdown, as in docs/content.md."]
    if snapshot.affiliation:
        paragraphs.append(f"**Affiliation:** {snapshot.affiliation}")
    if snapshot.interests:
        paragraphs.append("**Research interests:** " + ", ".join(snapshot.interests))
    lines = ["about: |"]
    for paragraph in paragraphs:
        # a literal block takes any text but the characters YAML refuses or reads as breaks
        lines += [f"  {_YAML_UNSAFE.sub(' ', ' '.join(paragraph.split()))}", ""]
    return lines[:-1]


def _publication_lines(rows: list[PaperCitations], scholar_id: str) -> list[str]:
    if not rows:
        return ["publications: []  # add your papers here; see docs/content.md"]
    featured = featured_ids(rows)
    lines = ["publications:"]
    for row in rows:
        lines.append(f"  - title: {quoted(row.title)}")
        authors = author_names(row.authors)
        if authors:
            lines.append(f"    authors: [{', '.join(quoted(author) for author in authors)}]")
        if row.venue:
            lines.append(f"    venue: {quoted(row.venue)}")
        if row.year and 1000 <= row.year <= 9999:
            lines.append(f"    year: {row.year}")
        if row.id in featured:
            lines.append("    featured: true")
        if scholar_id and row.id.startswith(f"{scholar_id}:") and PAPER_ID.fullmatch(row.id):
            lines.append(f"    scholar_id: {quoted(row.id)}")
    return lines
