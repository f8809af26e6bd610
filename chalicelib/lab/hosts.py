"""Which site a host name is: a member's own domain, `<id>.<site domain>`, or the deployment's."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.errors import UserError
from chalicelib.lab.siteid import DEFAULT_SITE, SITE_ID, SiteId
from chalicelib.site.origins import HOSTNAME


class HostError(UserError):
    """A host name that is not one; names where it came from."""


def host_name(text: str, where: str = "host") -> str:
    """A host name as it is compared and kept (lowercase, no final dot); raises naming `where`."""
    host = text.strip().lower().rstrip(".")
    if not HOSTNAME.fullmatch(host) or "." not in host:
        raise HostError(f"{where}: expected a host name such as alice.example.org, got {text!r}")
    return host


def origin_host(origin: str) -> str:
    """The host of a checked origin (`https://host[:port]`), lowercase."""
    return origin.partition("://")[2].partition(":")[0].lower()


def site_for_host(
    host: str, site_domain: str, registered: Callable[[str], SiteId | None]
) -> SiteId | None:
    """The site `host` names: a registered host's site, `<id>.<site_domain>` when a label, else
    the deployment's own site; None for a name under the site domain that is no site id.

    `registered` looks a host up in the registry (cached by the caller); whether the id of a
    `<id>.<site_domain>` name is a registered site is the caller's question too.
    """
    if not host:
        return DEFAULT_SITE
    if found := registered(host):
        return found
    if site_domain and host.endswith("." + site_domain):
        label = host[: -len(site_domain) - 1]
        return SiteId(label) if SITE_ID.fullmatch(label) else None
    return DEFAULT_SITE
