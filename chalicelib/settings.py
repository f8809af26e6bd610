"""Every environment variable acadpage reads, read once, in one place."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from chalicelib.lab.siteid import SiteId, SiteKeys, site_keys
from chalicelib.site.origins import HOSTNAME, normal_origin, origin_problem

SCHOLAR_ID = re.compile(r"^[A-Za-z0-9_-]{12}$")
ORCID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
# what the distribution proves itself with: long enough not to be guessed, safe in a header
EDGE_KEY = re.compile(r"^[A-Za-z0-9_-]{32,256}$")
# each citation source and the variable that names the profile it refreshes
SOURCE_VARIABLES = {
    "scholar": "ACADPAGE_SCHOLAR_ID",
    "openalex": "ACADPAGE_OPENALEX_ID",
    "semanticscholar": "ACADPAGE_SEMANTICSCHOLAR_ID",
}
# the variables naming the profile: the sources' ids, and an ORCID OpenAlex looks the author up by
PROFILE_VARIABLES = (
    "ACADPAGE_SCHOLAR_ID",
    "ACADPAGE_OPENALEX_ID",
    "ACADPAGE_ORCID_ID",
    "ACADPAGE_SEMANTICSCHOLAR_ID",
)
NO_SOURCE = (
    "no citation source configured, so no numbers are refreshed: set ACADPAGE_SCHOLAR_ID "
    "(the 12 characters after user= in your Google Scholar profile address), "
    "ACADPAGE_OPENALEX_ID, ACADPAGE_ORCID_ID or ACADPAGE_SEMANTICSCHOLAR_ID in the stage's "
    "environment_variables in .chalice/config.json, then deploy again"
)


class SettingsError(ValueError):
    """One or more environment variables are missing or malformed; lists them all."""


@dataclass(frozen=True)
class Settings:
    """The deployment's configuration, as the environment gives it."""

    bucket: str = ""
    table: str = ""
    content_prefix: str = "content/"
    media_prefix: str = "media/"
    stats_prefix: str = "stats/"
    content_ttl_s: float = 10.0
    citation_ttl_s: float = 60.0
    stale_after_days: int = 14
    # what the page services of all sites may hold in one container (least recently used out)
    site_cache_bytes: int = 256 * 1024 * 1024
    scholar_id: str = ""
    openalex_id: str = ""
    semanticscholar_id: str = ""
    orcid_id: str = ""  # OpenAlex finds the author by it when ACADPAGE_OPENALEX_ID is not set
    # the partition the page reads, pinned by a command whose options change which profile it
    # fetches (`--scholar-id`), so what it stores is still what the page shows
    profile_key: str = ""
    openalex_api_key: str = ""
    semanticscholar_api_key: str = ""
    scholar_proxy: str = ""
    scholar_delay_s: float = 2.0
    scholar_max_pages: int = 30
    # where each source answers; overridden only for a mirror, a proxy endpoint or a local test
    scholar_url: str = "https://scholar.google.com"
    openalex_url: str = "https://api.openalex.org"
    semanticscholar_url: str = "https://api.semanticscholar.org/graph/v1"
    stage: str = ""  # the stage's name, the Stage dimension of the refresh's metrics
    # the CloudFront distribution in front of the API: its address, and its id for invalidations
    site_origin: str = ""
    distribution_id: str = ""
    # the secret the distribution's requests carry (X-Acadpage-Edge-Key): never in a repr or log
    edge_key: str = field(default="", repr=False)
    local_origin: str = ""  # `acadpage serve`'s own address
    # the host names members' sites answer at (ACADPAGE_MEMBER_HOSTS): their own, and `*.<domain>`
    # whose labels are site ids; lowercase, no final dot
    member_hosts: tuple[str, ...] = ()

    @property
    def citation_sources(self) -> tuple[str, ...]:
        """The sources whose profile id is set, Scholar first."""
        ids = (self.scholar_id, self.openalex_author, self.semanticscholar_id)
        return tuple(source for source, id_ in zip(SOURCE_VARIABLES, ids, strict=True) if id_)

    @property
    def openalex_author(self) -> str:
        """What OpenAlex looks the author up by: its own id, else the ORCID."""
        return self.openalex_id or self.orcid_id

    @property
    def source_urls(self) -> dict[str, str]:
        """The base URL of each citation source."""
        return {
            "scholar": self.scholar_url,
            "openalex": self.openalex_url,
            "semanticscholar": self.semanticscholar_url,
        }

    def keys(self, site: SiteId) -> SiteKeys:
        """Where `site`'s content, media, stats and numbers live in this deployment."""
        return site_keys(site, self.content_prefix, self.media_prefix, self.stats_prefix)

    @property
    def profile_id(self) -> str:
        """The partition the citation store keeps this site's numbers under: the one key the
        page, the schedule, a laptop refresh and an import all use."""
        ids = (self.scholar_id, self.openalex_id, self.orcid_id, self.semanticscholar_id)
        return self.profile_key or next((id_ for id_ in ids if id_), "default")


# text variables checked further once read: http(s) URLs, and site origins
_URLS = {
    "ACADPAGE_SCHOLAR_PROXY": "scholar_proxy",
    "ACADPAGE_SCHOLAR_URL": "scholar_url",
    "ACADPAGE_OPENALEX_URL": "openalex_url",
    "ACADPAGE_SEMANTICSCHOLAR_URL": "semanticscholar_url",
}
_ORIGINS = {"ACADPAGE_SITE_ORIGIN": "site_origin", "ACADPAGE_LOCAL_ORIGIN": "local_origin"}
_TEXT = {
    "ACADPAGE_BUCKET": "bucket",
    "ACADPAGE_TABLE": "table",
    "ACADPAGE_CONTENT_PREFIX": "content_prefix",
    "ACADPAGE_MEDIA_PREFIX": "media_prefix",
    "ACADPAGE_STATS_PREFIX": "stats_prefix",
    "ACADPAGE_SCHOLAR_ID": "scholar_id",
    "ACADPAGE_OPENALEX_ID": "openalex_id",
    "ACADPAGE_SEMANTICSCHOLAR_ID": "semanticscholar_id",
    "ACADPAGE_ORCID_ID": "orcid_id",
    "ACADPAGE_OPENALEX_API_KEY": "openalex_api_key",
    "ACADPAGE_SEMANTICSCHOLAR_API_KEY": "semanticscholar_api_key",
    "ACADPAGE_STAGE": "stage",
    "ACADPAGE_DISTRIBUTION_ID": "distribution_id",
    "ACADPAGE_EDGE_KEY": "edge_key",
    **_URLS,
    **_ORIGINS,
}
_NUMBERS = {
    "ACADPAGE_CONTENT_TTL": ("content_ttl_s", float),
    "ACADPAGE_CITATION_TTL": ("citation_ttl_s", float),
    "ACADPAGE_STALE_AFTER_DAYS": ("stale_after_days", int),
    "ACADPAGE_SCHOLAR_DELAY": ("scholar_delay_s", float),
    "ACADPAGE_SCHOLAR_MAX_PAGES": ("scholar_max_pages", int),
    "ACADPAGE_SITE_CACHE_BYTES": ("site_cache_bytes", int),
}


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Settings from `environ`; raises SettingsError naming every bad variable."""
    values: dict[str, object] = {}
    problems: list[str] = []
    for variable, name in _TEXT.items():
        if environ.get(variable):
            values[name] = environ[variable].strip()
    for variable, (name, kind) in _NUMBERS.items():
        raw = environ.get(variable, "").strip()
        if not raw:
            continue
        try:
            number = kind(raw)
        except ValueError:
            number = -1
        if number < 0:
            wanted = "a whole number" if kind is int else "a number"
            problems.append(f"{variable}: expected {wanted} >= 0, got {raw!r}")
        else:
            values[name] = number
    scholar_id = values.get("scholar_id", "")
    if scholar_id and not SCHOLAR_ID.fullmatch(str(scholar_id)):
        problems.append(
            "ACADPAGE_SCHOLAR_ID: expected a 12-character Google Scholar user id, "
            f"got {scholar_id!r}"
        )
    orcid = str(values.get("orcid_id", ""))
    if orcid and not ORCID.fullmatch(orcid):
        problems.append(
            f"ACADPAGE_ORCID_ID: expected an ORCID such as 0000-0002-1825-0097, got {orcid!r}"
        )
    edge_key = str(values.get("edge_key", ""))
    if edge_key and not EDGE_KEY.fullmatch(edge_key):
        # a secret: the message says what is wrong with the value, never what it is
        wrong = "other characters" if 32 <= len(edge_key) <= 256 else f"{len(edge_key)} characters"
        problems.append(
            "ACADPAGE_EDGE_KEY: expected 32 to 256 letters, digits, '-' or '_' (the stack sets "
            f"its own id), got {wrong}"
        )
    for variable, name in _URLS.items():
        url = str(values.get(name, ""))
        if url and not url.startswith(("https://", "http://")):
            problems.append(f"{variable}: expected an http(s) URL, got {url!r}")
        elif url:
            values[name] = url.rstrip("/")
    for variable, name in _ORIGINS.items():
        origin = str(values.get(name, ""))
        if origin and (problem := origin_problem(origin)):
            problems.append(f"{variable}: expected {problem}, got {origin!r}")
        elif origin:
            values[name] = normal_origin(origin)
    # the stack's MemberHostNames: `*.lab.example.org` and members' own names, comma-separated
    member_hosts = []
    for name in filter(None, environ.get("ACADPAGE_MEMBER_HOSTS", "").replace(" ", "").split(",")):
        domain = name.lower().removeprefix("*.").rstrip(".")
        if not HOSTNAME.fullmatch(domain) or "." not in domain:
            problems.append(f"ACADPAGE_MEMBER_HOSTS: expected host names such as "
                            f"*.lab.example.org or alice.example.org, got {name!r}")  # fmt: skip
        else:
            member_hosts.append(f"*.{domain}" if name.startswith("*.") else domain)
    if member_hosts:
        values["member_hosts"] = tuple(member_hosts)
    for name in ("content_prefix", "media_prefix", "stats_prefix"):
        prefix = str(values.get(name, ""))
        if prefix and not prefix.endswith("/"):
            values[name] = prefix + "/"
    if problems:
        raise SettingsError("; ".join(problems))
    return Settings(**values)
