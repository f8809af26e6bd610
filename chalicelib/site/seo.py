"""What search engines and feed readers read: page metadata, JSON-LD, sitemap, Atom (pure)."""

from __future__ import annotations

import html
import json
import re
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from chalicelib.site.content import Publication, Site, media_url
from chalicelib.site.fields import is_url

_DATE = re.compile(r"^\s*(\d{4})(?:[-./](\d{1,2})(?:[-./](\d{1,2}))?)?(?!\d)")
_MONTH_YEAR = re.compile(r"^\s*([A-Za-z]{3,9})\.?,?\s+(\d{4})(?!\d)")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_TAG = re.compile(r"<[^>]*>")
_SCRIPT_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_SCRIPT_UNSAFE_CHARS = re.compile("[<>&\u2028\u2029]")
FEED_TITLE_LENGTH = 100


@dataclass(frozen=True)
class PageSeo:
    """The page's metadata for the <head>: absolute addresses are empty without a site root."""

    url: str  # canonical address of this language's page
    image: str  # absolute address of the profile picture, for Open Graph and Twitter
    locale: str  # Open Graph's form of the language: zh_CN
    has_feed: bool  # the site has news, so /feed.xml has entries
    structured_data: Markup  # JSON-LD, safe inside <script type="application/ld+json">


def page_seo(site: Site, alternates: Sequence, request_root: str = "") -> PageSeo:
    """The metadata of one language's page; `alternates` as the language switch has them,
    `request_root` the site's address as the request reached it (see `site_root`)."""
    root = site_root(site.settings.base_url, request_root)
    url = page_url(site, alternates, root)
    return PageSeo(
        url=url,
        image=absolute_media(site.profile.avatar, root),
        locale=site.settings.language.replace("-", "_"),
        has_feed=any(section.kind == "news" and section.entries for section in site.sections),
        structured_data=Markup(script_json(structured_data(site, url, root))),
    )


def page_url(site: Site, alternates: Sequence, root: str) -> str:
    """The canonical address of this language's page, or "" without an absolute site root."""
    if not root.startswith(("https://", "http://")):
        return ""
    for alternate in alternates:
        if alternate.language == site.settings.language and alternate.href.startswith(root):
            return alternate.href
    return f"{root}/"


def absolute_media(value: str, base_url: str) -> str:
    """An image field as an absolute address, or "" when none can be built."""
    if not base_url.startswith(("https://", "http://")) and not is_url(value):
        return ""
    return media_url(value, f"{base_url}/media")


def absolute_link(value: str, base_url: str) -> str:
    """A link field as an absolute address ("" for a site path without `base_url`)."""
    if value.startswith(("https://", "http://")):
        return value
    if value.startswith("/") and base_url.startswith(("https://", "http://")):
        return base_url + value
    return ""


def structured_data(site: Site, url: str, root: str = "") -> dict:
    """schema.org JSON-LD: the profile page, its Person with `sameAs`, a ScholarlyArticle each."""
    profile, base_url = site.profile, site_root(site.settings.base_url, root)
    person_id = f"{url}#person"
    person: dict = {"@type": "Person", "@id": person_id, "name": profile.name}
    if url:
        person["url"] = url
    if image := absolute_media(profile.avatar, base_url):
        person["image"] = image
    if profile.bio:
        person["description"] = profile.bio
    if profile.employer:
        person["affiliation"] = {"@type": "Organization", "name": profile.employer}
    if profile.location:
        person["address"] = profile.location
    for link in profile.links:
        if link.kind == "email":
            person["email"] = link.url
        else:
            person.setdefault("sameAs", []).append(link.url)
    page = {
        "@type": "ProfilePage",
        "name": site.settings.title,
        "inLanguage": site.settings.language,
        "mainEntity": {"@id": person_id},
    }
    if url:
        page["url"] = url
    if site.settings.description:
        page["description"] = site.settings.description
    articles = [
        _scholarly_article(paper, person_id, base_url)
        for section in site.sections
        for paper in section.publications
        if not paper.html  # a item kept as written has no fields to describe
    ]
    return {"@context": "https://schema.org", "@graph": [page, person, *articles]}


def _scholarly_article(paper: Publication, person_id: str, base_url: str) -> dict:
    article: dict = {
        "@type": "ScholarlyArticle",
        "headline": paper.title,
        "author": [
            {"@id": person_id} if author.is_owner else {"@type": "Person", "name": author.name}
            for author in paper.authors
        ],
    }
    if paper.year:
        article["datePublished"] = str(paper.year)
    if paper.venue:
        article["isPartOf"] = {"@type": "CreativeWork", "name": paper.venue}
    if link := absolute_link(paper.link, base_url):
        article["url"] = link
    if image := absolute_media(paper.image, base_url):
        article["image"] = image
    return article


def script_json(data: object) -> str:
    """JSON that cannot end its <script> element early: `<`, `>`, `&` written as \\u003c..."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return _SCRIPT_UNSAFE_CHARS.sub(lambda match: _SCRIPT_UNSAFE[match.group(0)], text)


def site_root(base_url: str, request_root: str) -> str:
    """The address every absolute link starts with: the content's `base_url`, else the site's
    address as the request reached it, which the caller built from trusted parts only (the
    distribution's configured origin, the domain API Gateway reports), never from a header."""
    return base_url or request_root


def language_pages(sites: Sequence[Site], root: str) -> list[tuple[str, str]]:
    """(language, address) of every language's page: the default at `/`, the others at `/<lang>`."""
    if not sites:
        return []
    default = sites[0].settings
    pages = [(default.language, f"{root}/")]
    for site in sites[1:]:
        language = site.settings.language
        if language in default.translations and language != default.language:
            pages.append((language, f"{root}/{language}"))
    return pages


def sitemap_xml(sites: Sequence[Site], root: str) -> str:
    """The sitemap: every language's page, each listing the others as hreflang alternates."""
    pages = language_pages(sites, root)
    alternates = ""
    if len(pages) > 1:
        links = [*pages, ("x-default", f"{root}/")]
        alternates = "".join(
            f'\n    <xhtml:link rel="alternate" hreflang={quoteattr(language)} '
            f"href={quoteattr(address)}/>"
            for language, address in links
        )
    urls = "".join(
        f"\n  <url>\n    <loc>{escape(address)}</loc>{alternates}\n  </url>" for _, address in pages
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">'
        f"{urls}\n</urlset>\n"
    )


def robots_txt(root: str) -> str:
    """robots.txt: everything may be crawled; the sitemap's address when it is known (absolute)."""
    rules = "User-agent: *\nAllow: /\n"
    if not root.startswith(("https://", "http://")):
        return rules
    return f"{rules}\nSitemap: {root}/sitemap.xml\n"


def rfc3339(date_text: str) -> str | None:
    """An RFC 3339 time for a news date such as "2022.02", "2022-02-15" or "Feb 2022", else None.

    Only the first date counts ("2019.06 - 2022.04" is June 2019); a missing month or day is 1.
    """
    match = _DATE.match(date_text)
    if match:
        year, month, day = (int(part) if part else 1 for part in match.groups())
    else:
        match = _MONTH_YEAR.match(date_text)
        month_number = _MONTHS.get(match.group(1).lower()) if match else None
        if not match or month_number is None:
            return None
        year, month, day = int(match.group(2)), month_number, 1
    try:
        moment = datetime(year, month, day, tzinfo=UTC)
    except ValueError:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def plain_text(fragment: str) -> str:
    """The words of a sanitized HTML fragment, tags dropped and spaces collapsed."""
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


def atom_feed(site: Site, root: str, now: datetime) -> str:
    """An Atom feed of the news items; `now` dates the feed only when no item has a date."""
    entries = [
        (section.id, entry, rfc3339(entry.date))
        for section in site.sections
        if section.kind == "news"
        for entry in section.entries
    ]
    dated = [updated for _, _, updated in entries if updated]
    feed_updated = max(dated) if dated else now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    settings = site.settings
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(settings.language)}>',
        f"  <title>{escape(settings.title)}</title>",
    ]
    if settings.description:
        parts.append(f"  <subtitle>{escape(settings.description)}</subtitle>")
    parts += [
        f"  <id>{escape(root)}/</id>",
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(root + "/feed.xml")}/>',
        f'  <link rel="alternate" type="text/html" href={quoteattr(root + "/")}/>',
        f"  <updated>{feed_updated}</updated>",
        f"  <author><name>{escape(site.profile.name)}</name></author>",
    ]
    for (section_id, entry, updated), entry_id in zip(
        entries, _entry_ids(root, entries), strict=True
    ):
        parts.append(_feed_entry(root, section_id, entry, updated or feed_updated, entry_id))
    parts.append("</feed>\n")
    return "\n".join(parts)


def _entry_ids(root: str, entries: list) -> list[str]:
    """A stable, unique id per item: from its section, date and text, counting twins from the
    oldest (the bottom), so items added on top never change the ids of older ones."""
    seen: Counter = Counter()
    ids = []
    for section_id, entry, _ in reversed(entries):
        key = f"{root}/#{section_id}\n{entry.date}\n{entry.html}"
        seen[key] += 1
        ids.append(f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key + str(seen[key]))}")
    return ids[::-1]


def _feed_entry(root: str, section_id: str, entry, updated: str, entry_id: str) -> str:
    text = plain_text(entry.html)
    title = text if len(text) <= FEED_TITLE_LENGTH else text[: FEED_TITLE_LENGTH - 1] + "…"
    return (
        "  <entry>\n"
        f"    <id>{entry_id}</id>\n"
        f"    <title>{escape(title or entry.date or 'News')}</title>\n"
        f"    <updated>{updated}</updated>\n"
        f'    <link rel="alternate" type="text/html" href={quoteattr(f"{root}/#{section_id}")}/>\n'
        f'    <content type="html">{escape(entry.html)}</content>\n'
        "  </entry>"
    )


def favicon_location(site: Site | None, base_path: str) -> str:
    """Where /favicon.ico redirects: the site's favicon (media or URL), or "" when it has none."""
    return media_url(site.settings.favicon, f"{base_path}/media") if site else ""
