"""The CloudFront edge: which paths a change makes stale, and the invalidation that drops them
from every edge location (given its client)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence

from chalicelib.aws.errors import AwsError, aws_operation
from chalicelib.lab.siteid import DEFAULT_SITE, SiteId, site_root_path

# What the scheduled refresh rewrites; the page itself shows the numbers only a TTL later.
CITATION_PATHS = ("/badge/*", "/gs_data.json", "/gs_data_shieldsio.json", "/google-scholar-stats/*")


def citation_paths(site: SiteId = DEFAULT_SITE) -> tuple[str, ...]:
    """The citation paths a refresh of `site` makes stale: at its own host names (a path
    invalidates every host of the distribution) and under /people/<id>/ for a member."""
    return tuple(site_paths(site, CITATION_PATHS))


def site_address(address: str, site: SiteId) -> str:
    """A site's page on the lab's own address: the address itself, or `<address>/people/<id>/`."""
    return address if site.is_default else f"{address.rstrip('/')}{site_root_path(site)}/"


def site_paths(site: SiteId, paths: Sequence[str]) -> list[str]:
    """The edge paths of a site's change: at its own host names (the same paths: one
    invalidation covers every host of the distribution) and, for a member, under /people/<id>."""
    if site.is_default:
        return list(paths)
    return [*paths, *(site_root_path(site) + path for path in paths)]


LAB_PAGES = ("/year/*", "/member/*")  # what a change of lab.yaml stales beside the root
DISTRIBUTION_ID = re.compile(r"^[A-Z0-9]{1,32}$")
# What `push` stores with each image, for the packaged stack's /media/* behaviour that serves
# them straight from the bucket: browsers keep an image a day, the edge a year (push invalidates
# the images it changes).
MEDIA_CACHE_CONTROL = "public, max-age=86400, s-maxage=31536000"
# CloudFront refuses more file paths than this in the invalidations in progress (AWS quota).
MAX_PATHS = 3000


def content_paths(
    content_file: str,
    translations: Sequence[str] = (),
    media: Iterable[str] = (),
    *,
    content_changed: bool = True,
) -> list[str]:
    """The edge paths stale after `content_file` (site.yaml or site.<lang>.yaml) changed and
    the `media` names were uploaded.

    site.yaml is the default page, the feed and the favicon, and every translation's page shows
    its alternates, so it stales `/` and each `/<lang>`; a translation stales its own page. The
    sitemap lists every language.
    """
    paths = [f"/media/{name}" for name in sorted(set(media))]
    if not content_changed:
        return paths
    parts = content_file.split(".")
    if len(parts) == 3:
        return [f"/{parts[1]}", "/sitemap.xml", *paths]
    pages = ["/", *(f"/{language}" for language in translations)]
    return [*pages, "/sitemap.xml", "/feed.xml", "/favicon.ico", *paths]


def invalidate(
    cloudfront, distribution_id: str, paths: Sequence[str], *, stage: str = "", now=time.time_ns
) -> str:
    """Ask CloudFront to drop `paths` from every edge location; returns the invalidation's id."""
    if not DISTRIBUTION_ID.fullmatch(distribution_id):
        raise AwsError(
            f"CloudFront distribution id {distribution_id!r}: expected capital letters and digits "
            "such as E2QWRUHAPOMQZL (the stack's DistributionId output)"
        )
    items = list(dict.fromkeys(paths))
    if len(items) > MAX_PATHS:
        items = [*(p for p in items if not p.startswith("/media/")), "/media/*"]
    batch = {
        "Paths": {"Quantity": len(items), "Items": items},
        "CallerReference": f"acadpage-{now()}",
    }
    operation = f"invalidating {len(items)} paths on CloudFront distribution {distribution_id}"
    with aws_operation(operation, stage):
        answer = cloudfront.create_invalidation(
            DistributionId=distribution_id, InvalidationBatch=batch
        )
    return answer["Invalidation"]["Id"]
