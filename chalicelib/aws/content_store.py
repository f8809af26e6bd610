"""The only module that reads content and media from S3; it is given its client."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.errors import UserError

MEDIA_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "avif": "image/avif",
    "svg": "image/svg+xml",
    "ico": "image/x-icon",
}
_MISSING = {"NoSuchKey", "NoSuchBucket", "404", "NotFound"}


class ContentStoreError(UserError):
    """S3 could not be read; names the operation and the key."""


@dataclass(frozen=True)
class ObjectFetch:
    """The answer to a conditional GET: `modified` with a body, `unchanged`, or `missing`."""

    state: str
    body: bytes = b""
    etag: str = ""
    content_type: str = ""


def media_type(name: str) -> str | None:
    """The content type served for a media file name, or None when it is not an image we serve."""
    return MEDIA_TYPES.get(name.rsplit(".", 1)[-1].lower()) if "." in name else None


class ContentStore:
    """Content files under one prefix and media under another, in one bucket."""

    def __init__(self, s3_client, bucket: str, content_prefix: str, media_prefix: str):
        self.s3 = s3_client
        self.bucket = bucket
        self.content_prefix = content_prefix
        self.media_prefix = media_prefix

    def fetch_content(self, filename: str, etag: str = "") -> ObjectFetch:
        """A content file, fetched only if its ETag differs from `etag`."""
        return self._get(self.content_prefix + filename, etag)

    def fetch_media(self, filename: str, etag: str = "") -> ObjectFetch:
        """A media file, fetched only if its ETag differs from `etag`."""
        return self._get(self.media_prefix + filename, etag)

    def _get(self, key: str, etag: str) -> ObjectFetch:
        from botocore.exceptions import BotoCoreError, ClientError

        from chalicelib.aws.errors import error_code

        request = {"Bucket": self.bucket, "Key": key}
        if etag:
            request["IfNoneMatch"] = etag
        try:
            answer = self.s3.get_object(**request)
            body = answer["Body"].read()
        except ClientError as error:
            code = error_code(error)
            if code in ("304", "NotModified"):
                # the object's own ETag, as S3 sends it with the 304: never the caller's value
                headers = error.response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
                return ObjectFetch("unchanged", etag=str(headers.get("etag", "")))
            if code in _MISSING:
                return ObjectFetch("missing")
            raise ContentStoreError(f"reading s3://{self.bucket}/{key} failed: {code}") from error
        except BotoCoreError as error:
            raise ContentStoreError(f"reading s3://{self.bucket}/{key} failed: {error}") from error
        return ObjectFetch("modified", body, answer.get("ETag", ""), answer.get("ContentType", ""))
