"""Which site a host name is: a member's own domain, `<id>.<site domain>`, or the deployment's."""

from __future__ import annotations

from collections.abc import Callable, Sequence

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


def member_domain(member_hosts: Sequence[str]) -> str:
    """The domain whose labels are member sites: the first `*.` name of the member hosts."""
    return next((name[2:] for name in member_hosts if name.startswith("*.")), "")


def is_member_host(host: str, member_hosts: Sequence[str]) -> bool:
    """True when `host` is one of the stack's member host names or under one of its `*.` names:
    the distribution answers no other name, so no other is worth a registry lookup."""
    return any(
        host == name or (name.startswith("*.") and host.endswith(name[1:])) for name in member_hosts
    )


def site_for_host(
    host: str, member_hosts: Sequence[str], registered: Callable[[str], SiteId | None]
) -> SiteId | None:
    """The site `host` names: for a member host name, a registered host's site, else
    `<id>.<member domain>` when a label; else the deployment's own site; None for a name under
    the member domain that is no site id.

    `registered` looks a host up in the registry (cached by the caller), asked only for member
    host names; whether the id of a `<id>.<member domain>` name is a registered site is the
    caller's question too.
    """
    if not is_member_host(host, member_hosts):
        return DEFAULT_SITE
    if found := registered(host):
        return found
    domain = member_domain(member_hosts)
    if domain and host.endswith("." + domain):
        label = host[: -len(domain) - 1]
        return SiteId(label) if SITE_ID.fullmatch(label) else None
    return DEFAULT_SITE
