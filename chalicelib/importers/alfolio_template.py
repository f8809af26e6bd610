"""What an al-folio site shows as the template ships it rather than as its owner wrote it (pure):
the demo owner (`You R. Name`, Einstein's Scholar names and ids), the template's description and
address, placeholder analytics ids, and the GitHub emoji codes jemoji turns into pictures."""

from __future__ import annotations

import re

# al-folio's _config.yml and _data/socials.yml as the template ships them (the older `You R.
# Name` release and the current one): taken from a site, they would present the demo as its owner
SHIPPED = {
    "first_name": {"You"},
    "middle_name": {"R."},
    "last_name": {"Name"},
    "description": {
        "A simple, whitespace theme for academics. Based on [*folio](https://github.com/bogoli/-folio)"
        " design."
    },
    "url": {"https://alshedivat.github.io"},
    "email": {"you@example.com"},
    "scholar_userid": {"qc6CJjYAAAAJ"},
    "inspirehep_id": {"1010907"},
    "wikidata_id": {"Q937"},
}
# the demo about page's subtitle and address (`Affiliations. Address. Contacts. Moto. Etc.`)
SHIPPED_ABOUT = re.compile(r"^Affiliations\. Address\.|your office number|your address street")
SHIPPED_SCHOLAR = {"last_name": {"Einstein"}, "first_name": {"Albert", "A."}}
PLACEHOLDER = re.compile(r"X{4,}|^(your|you@)", re.I)  # UA-XXXXXXXXX, G-XXXXXXXXXX
EMOJI_CODE = re.compile(r":[a-z0-9_+-]*[a-z][a-z0-9_+-]*:")
# a code written on its own, not a part of an address (`urn:li:activity`) or a time
ALONE = re.compile(r"(?<![\w:/.])(:[\w+-]+:)(?![\w:/])")


def without_shipped(settings: dict, where: str, notes: list[str]) -> dict:
    """The settings without al-folio's shipped values and placeholders, each one named."""
    kept = {}
    for key, value in settings.items():
        text = " ".join(str(value).split()) if isinstance(value, str | int) else None
        if text is not None and (text in SHIPPED.get(key, ()) or _placeholder(key, text)):
            notes.append(f"{where} {key}: {text!r} is al-folio's own example; left out")
        else:
            kept[key] = value
    scholar = kept.get("scholar")
    if isinstance(scholar, dict):
        kept["scholar"] = _scholar_names(scholar, where, notes)
    return kept


def _placeholder(key: str, text: str) -> bool:
    return key in ("google_analytics", "google_site_verification", "bing_site_verification") and (
        bool(PLACEHOLDER.search(text))
    )


def _scholar_names(scholar: dict, where: str, notes: list[str]) -> dict:
    """`scholar:`'s names without the template's Einstein (the demo owner's)."""
    names = {key: scholar.get(key) for key in SHIPPED_SCHOLAR}
    lasts = names["last_name"] if isinstance(names["last_name"], list) else [names["last_name"]]
    if lasts and all(str(name) in SHIPPED_SCHOLAR["last_name"] for name in lasts if name):
        notes.append(
            f"{where} scholar: the names papers highlight ({', '.join(map(str, lasts))}) are "
            "al-folio's example; left out"
        )
        return {key: value for key, value in scholar.items() if key not in SHIPPED_SCHOLAR}
    return scholar


def with_emoji(text: str, where: str, notes: list[str]) -> str:
    """GitHub's emoji codes (`:sparkles:`) as the pictures jemoji showed; a code it does not
    know stays as written and is named."""
    try:
        import emoji
    except ImportError:  # the importers' extra not installed: the codes stay, and are named
        emoji = None

    def picture(found: re.Match) -> str:
        shown = emoji.emojize(found.group(), language="alias") if emoji else found.group()
        if shown == found.group() and ALONE.match(text, found.start()):
            notes.append(f"{where}: {found.group()} is no emoji code acadpage knows; kept as text")
        return shown

    return EMOJI_CODE.sub(picture, text)
