"""A site's origin (`https://host[:port]`): checked before any absolute address is built from it."""

from __future__ import annotations

import re

# A DNS name (or an IPv4 address), as it may appear in an address: letters, digits, '-' and dots.
HOSTNAME = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)
_ORIGIN = re.compile(r"^(https?)://([^/?#]*)(.*)$", re.DOTALL | re.IGNORECASE)


def origin_problem(text: str) -> str:
    """What keeps `text` from being a site origin such as `https://www.example.org`, or ""."""
    if any(ord(char) < 0x21 or ord(char) == 0x7F for char in text):
        return "an http(s) address without spaces or control characters"
    match = _ORIGIN.match(text)
    if not match:
        return "an http(s) address such as https://www.example.org"
    authority, rest = match.group(2), match.group(3)
    if rest not in ("", "/"):
        return "the site's address alone (https://host), without a path, query or fragment"
    if "@" in authority:
        return "an address without a user name or password (https://host)"
    host, colon, port = authority.partition(":")
    if not HOSTNAME.fullmatch(host):
        return "an address with a host name such as www.example.org"
    if colon and not (port.isdigit() and len(port) <= 5 and 0 < int(port) <= 65535):
        return "a port from 1 to 65535"
    return ""


def normal_origin(text: str) -> str:
    """A checked origin as addresses start with it: lowercase scheme and host, no final slash."""
    scheme, _, authority = text.rstrip("/").partition("://")
    return f"{scheme.lower()}://{authority.lower()}"
