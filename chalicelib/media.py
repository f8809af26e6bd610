"""Images from the bucket's media/ prefix, served by name with the right content type."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chalicelib.aws.content_store import ContentStore, ContentStoreError, media_type
from chalicelib.site.fields import is_media_key

MEDIA_CACHE_CONTROL = "public, max-age=3600, s-maxage=86400"
_ENTITY_TAGS = re.compile(r"[\x21-\x7e][\x20-\x7e]{0,1022}")


@dataclass(frozen=True)
class MediaAnswer:
    """Status, headers and body of a media request."""

    status: int
    body: bytes | str = b""  # text for the plain-text error answers
    headers: dict[str, str] = field(default_factory=dict)


def media_response(store: ContentStore, name: str, if_none_match: str | None) -> MediaAnswer:
    """The media file `name`; a name that is not a plain image file name never reaches S3."""
    content_type = media_type(name)
    if content_type is None or not is_media_key(name):
        return _not_found()
    try:
        fetched = store.fetch_media(name, _entity_tags(if_none_match))
    except ContentStoreError:
        return MediaAnswer(503, "media unavailable", {"Content-Type": "text/plain; charset=utf-8"})
    if fetched.state == "missing":
        return _not_found()
    headers = {"Content-Type": content_type, "Cache-Control": MEDIA_CACHE_CONTROL}
    if fetched.state == "unchanged":
        return MediaAnswer(304, "", {**headers, **({"ETag": fetched.etag} if fetched.etag else {})})
    # SVG travels as text: API Gateway would demand a matching Accept header for a binary type
    body = fetched.body
    if content_type.endswith("+xml"):
        body = body.decode("utf-8", "replace")
    return MediaAnswer(200, body, {**headers, "ETag": fetched.etag})


def _entity_tags(if_none_match: str | None) -> str:
    """The If-None-Match header when S3 can take it (visible ASCII, one line, 1 kB at most);
    "" for anything else (a folded or binary header), which only costs a full answer."""
    value = (if_none_match or "").strip()
    return value if _ENTITY_TAGS.fullmatch(value) else ""


def _not_found() -> MediaAnswer:
    return MediaAnswer(404, "not found", {"Content-Type": "text/plain; charset=utf-8"})
