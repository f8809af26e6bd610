"""The lab page path: lab.yaml of the lab's own site read at most once per content TTL (a bad
one keeps the last good lab), its members' sites and numbers taken from their own page
services, merged once per version of them all, and each filtered page rendered once."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.aws.content_store import ContentStore
from chalicelib.homepage import PAGE_CACHE_CONTROL, Expiring, Homepage, PageResponse, _keep
from chalicelib.lab.model import LAB_FILE, Lab, load_lab
from chalicelib.lab.page import LabFilter, MemberView, lab_feed, lab_sitemap, render_lab_page
from chalicelib.lab.publications import LabPublications, merge_publications
from chalicelib.lab.siteid import SiteId, site_root_path
from chalicelib.site.content import media_url

MEMBER_READS = 16  # members' sites read at once when the lab page is first built


@dataclass
class LabService:
    """The lab of one deployment: its page, sitemap and feed inputs, from cached reads."""

    store: ContentStore
    member_page: Callable[[SiteId], Homepage]
    content_ttl_s: float = 10.0
    clock: Callable[[], float] = time.monotonic
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("acadpage"))
    _lab: Expiring | None = None
    _etag: str = ""
    _merged: dict[tuple, LabPublications] = field(default_factory=dict)
    _pages: dict[tuple, tuple[str, str]] = field(default_factory=dict)
    # kept for the container's life: a pool made per request cost more than the cached page
    _readers: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(MEMBER_READS, thread_name_prefix="lab-member")
    )

    def lab(self) -> Lab | None:
        """The last good lab.yaml of the lab's own site, or None when it has none."""
        if self._lab is None:
            self._lab = Expiring(self._read_lab, self.content_ttl_s, logger=self.logger)
        return self._lab.get(self.clock())

    def _read_lab(self) -> Lab | None:
        current = self._lab.value if self._lab is not None else None
        fetched = self.store.fetch_content(LAB_FILE, self._etag if current else "")
        if fetched.state == "unchanged":
            return current
        if fetched.state == "missing":
            return None
        lab = load_lab(fetched.body)  # a ContentError keeps the last good lab (Expiring logs it)
        self._etag = fetched.etag
        return lab

    def members(self, lab: Lab, base_path: str, root: str) -> tuple[list[MemberView], tuple]:
        """Each member as the page shows them, and the version of all their sites and numbers."""
        views, versions, shown = [], [], []
        # each member's first read waits on S3: read them side by side, not one after another
        every = list(
            self._readers.map(lambda member: self.member_page(member.site).shown(), lab.members)
        )
        for member, found in zip(lab.members, every, strict=True):
            path = site_root_path(member.site)
            if found is None:
                views.append(MemberView(member, member.site.name, f"{root or base_path}{path}/"))
                versions.append((member.site, ""))
                continue
            site, display, version = found
            snapshot = display.snapshot if display else None
            views.append(MemberView(
                member, site.profile.name, f"{root or base_path}{path}/",
                photo=media_url(site.profile.avatar, f"{base_path}{path}/media"),
                links=site.profile.links,
                citations=snapshot.citations if snapshot else None,
                h_index=snapshot.h_index if snapshot else None,
            ))  # fmt: skip
            counts = snapshot.paper_counts() if snapshot else {}
            shown.append((member.site, site, counts))
            versions.append((member.site, version))
        return views, (tuple(versions), tuple(shown))

    def publications(self, version: tuple) -> LabPublications:
        """The merged list of the members' papers, once per version of them all."""
        versions, shown = version
        merged = self._merged.get(versions)
        if merged is None:
            merged = _keep(self._merged, versions, merge_publications(shown))
        return merged

    def page(self, lab: Lab, shown: LabFilter, base_path: str, root: str) -> PageResponse | None:
        """The lab page (filtered by member or year), or None when the filter names nothing."""
        views, version = self.members(lab, base_path, root)
        publications = self.publications(version)
        if shown.member is not None and lab.member(shown.member) is None:
            return None
        if shown.year is not None and not publications.of_year(shown.year):
            return None
        key = (id(lab), version[0], shown, base_path, root)
        rendered = self._pages.get(key)
        if rendered is None:
            html = render_lab_page(lab, views, publications, shown, base_path=base_path, root=root)
            etag = '"' + hashlib.sha256(html.encode()).hexdigest()[:32] + '"'
            rendered = _keep(self._pages, key, (html, etag))
        body, etag = rendered
        return PageResponse(200, body, etag=etag, cache_control=PAGE_CACHE_CONTROL)

    def sitemap(self, lab: Lab, base_path: str, root: str) -> str:
        """The lab's sitemap: its own pages and every member's."""
        views, version = self.members(lab, base_path, root)
        people = [root + site_root_path(member.site) for member in lab.members]
        return lab_sitemap(views, self.publications(version), root, people)

    def feed(self, lab: Lab, base_path: str, root: str, now: datetime) -> str:
        """The lab's Atom feed of its newest papers."""
        _, version = self.members(lab, base_path, root)
        return lab_feed(lab, self.publications(version), root, now)
