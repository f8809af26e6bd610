"""The sidebar's profile links: AcadHomepage's author keys, their labels and their URLs (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class ProfileLink:
    """One link in the profile sidebar."""

    kind: str  # the content key, also the icon's name
    label: str
    url: str


# key: (label, URL for a bare user name; "" when only a full URL makes sense)
LINK_KINDS: dict[str, tuple[str, str]] = {
    "email": ("Email", "mailto:{}"),
    "googlescholar": ("Google Scholar", "https://scholar.google.com/citations?user={}"),
    "github": ("GitHub", "https://github.com/{}"),
    "orcid": ("ORCID", "https://orcid.org/{}"),
    "dblp": ("DBLP", ""),
    "linkedin": ("LinkedIn", "https://www.linkedin.com/in/{}"),
    "twitter": ("X (Twitter)", "https://x.com/{}"),
    "researchgate": ("ResearchGate", "https://www.researchgate.net/profile/{}"),
    "uri": ("Homepage", ""),
    "pubmed": ("PubMed", ""),
    "semanticscholar": ("Semantic Scholar", "https://www.semanticscholar.org/author/{}"),
    "openreview": ("OpenReview", "https://openreview.net/profile?id={}"),
    "bitbucket": ("Bitbucket", "https://bitbucket.org/{}"),
    "codepen": ("CodePen", "https://codepen.io/{}"),
    "dribbble": ("Dribbble", "https://dribbble.com/{}"),
    "flickr": ("Flickr", "https://www.flickr.com/people/{}"),
    "facebook": ("Facebook", "https://www.facebook.com/{}"),
    "foursquare": ("Foursquare", "https://foursquare.com/{}"),
    "google_plus": ("Google+", ""),
    "keybase": ("Keybase", "https://keybase.io/{}"),
    "instagram": ("Instagram", "https://instagram.com/{}"),
    "impactstory": ("Impactstory", ""),
    "lastfm": ("Last.fm", "https://last.fm/user/{}"),
    "pinterest": ("Pinterest", "https://www.pinterest.com/{}"),
    "soundcloud": ("SoundCloud", "https://soundcloud.com/{}"),
    "stackoverflow": ("Stack Overflow", "https://stackoverflow.com/users/{}"),
    "steam": ("Steam", "https://steamcommunity.com/id/{}"),
    "tumblr": ("Tumblr", "https://{}.tumblr.com"),
    "vine": ("Vine", "https://vine.co/u/{}"),
    "weibo": ("Weibo", "https://weibo.com/{}"),
    "xing": ("XING", "https://www.xing.com/profile/{}"),
    "youtube": ("YouTube", "https://www.youtube.com/@{}"),
    "wikipedia": ("Wikipedia", "https://en.wikipedia.org/wiki/{}"),
}


def link_url(kind: str, value: str) -> str | None:
    """The URL a profile value points at: a full URL as given, a user name through the template."""
    if value.startswith(("https://", "http://", "mailto:")):
        return value
    template = LINK_KINDS[kind][1]
    return template.format(quote(value, safe="@._-")) if template else None
