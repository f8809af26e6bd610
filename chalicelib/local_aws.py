"""Seeding an embedded (moto) AWS from a content folder, for `make serve` and tests."""

from __future__ import annotations

from pathlib import Path

from chalicelib.content_store import media_type
from chalicelib.settings import Settings


def seed_embedded_aws(settings: Settings, s3, dynamodb, folder: Path) -> str:
    """Create the bucket and table and upload the folder's content and media; returns a summary."""
    s3.create_bucket(Bucket=settings.bucket)
    content = sorted(folder.glob("site*.yaml"))
    for path in content:
        s3.put_object(
            Bucket=settings.bucket, Key=settings.content_prefix + path.name, Body=path.read_bytes()
        )
    media = [p for p in sorted((folder / "media").glob("*")) if media_type(p.name)]
    for path in media:
        s3.put_object(
            Bucket=settings.bucket,
            Key=settings.media_prefix + path.name,
            Body=path.read_bytes(),
            ContentType=media_type(path.name),
        )
    return f"embedded AWS: {len(content)} content files and {len(media)} media files in s3://{settings.bucket}"
