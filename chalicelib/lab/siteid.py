"""The site a read or write belongs to, as a value: every S3 key and table key of a site comes
from here, so nothing is keyed by a process-wide setting."""

from __future__ import annotations

import re
from dataclasses import dataclass

from chalicelib.citations.items import profile_key
from chalicelib.errors import UserError

# a DNS label (a member's site may be `<id>.lab.example.org`), lowercase so one site has one id
SITE_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
DEFAULT_NAME = "default"
# under which the bucket keeps every member site (the default site keeps today's prefixes)
SITES_PREFIX = "sites/"
# where a member's site answers on the lab's own host (and its pages' base path there)
MEMBER_PATH = "/people/{site}"
# the table's partition keys: a member's all start with SITE#<id>#, which IAM can require
SITE_PARTITION = "SITE#{name}#"


class SiteIdError(UserError):
    """A site id that is not a lowercase DNS label; says where it came from."""


@dataclass(frozen=True, order=True)
class SiteId:
    """One site of a deployment; `SiteId.parse` checks a value from outside."""

    name: str

    def __post_init__(self):
        if not SITE_ID.fullmatch(self.name):
            raise SiteIdError(f"site id: {expected()}, got {self.name!r}")

    @classmethod
    def parse(cls, text: object, where: str = "site id") -> SiteId:
        """A site id from a user, a path or a record; the error names `where`."""
        if not isinstance(text, str) or not SITE_ID.fullmatch(text):
            raise SiteIdError(f"{where}: {expected()}, got {text!r}")
        return cls(text)

    @classmethod
    def member(cls, text: object, where: str = "site id") -> SiteId:
        """A member's site id: any site id but the default one's."""
        site = cls.parse(text, where)
        if site.is_default:
            raise SiteIdError(
                f"{where}: {DEFAULT_NAME!r} is the deployment's own site, not a member"
            )
        return site

    @property
    def is_default(self) -> bool:
        """True for the deployment's own site (a single-person deployment has only it)."""
        return self.name == DEFAULT_NAME

    def __str__(self) -> str:
        return self.name


DEFAULT_SITE = SiteId(DEFAULT_NAME)


def expected() -> str:
    """What a site id looks like, for error messages."""
    return "expected 1 to 40 lowercase letters, digits or '-', not starting or ending with '-'"


@dataclass(frozen=True)
class SiteKeys:
    """Where one site's data lives: its S3 prefixes and its table partitions."""

    site: SiteId
    content_prefix: str
    media_prefix: str
    stats_prefix: str

    def citation_partition(self, profile_id: str) -> str:
        """The partition key of the site's numbers for one profile."""
        own = profile_key(profile_id)
        return own if self.site.is_default else member_partition(self.site) + own


def site_root_path(site: SiteId) -> str:
    """Where a site's pages are on the lab's own host: "" for the default, /people/<id>."""
    return "" if site.is_default else MEMBER_PATH.format(site=site.name)


def member_prefix(site: SiteId) -> str:
    """The bucket prefix of a member site: `sites/<id>/`."""
    return f"{SITES_PREFIX}{site.name}/"


def member_partition(site: SiteId) -> str:
    """What every table partition key of a member site starts with."""
    return SITE_PARTITION.format(name=site.name)


def site_keys(
    site: SiteId, content_prefix: str = "content/", media_prefix: str = "media/",
    stats_prefix: str = "stats/",
) -> SiteKeys:  # fmt: skip
    """The keys of `site`: the default site keeps the deployment's own prefixes (today's keys,
    so an upgraded single-site deployment moves nothing); a member lives under sites/<id>/."""
    if site.is_default:
        return SiteKeys(site, content_prefix, media_prefix, stats_prefix)
    root = member_prefix(site)
    return SiteKeys(site, f"{root}content/", f"{root}media/", f"{root}stats/")
