"""Seeding an embedded (moto) AWS from a content folder, for `make serve` and tests."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from chalicelib.aws.content_store import media_type
from chalicelib.citations.gs_data import snapshot_from_gs_data
from chalicelib.citations.model import CitationSnapshot
from chalicelib.citations.store import CitationStore, create_table
from chalicelib.inputs import load_json
from chalicelib.settings import Settings


def seed_embedded_aws(settings: Settings, s3, dynamodb, folder: Path) -> str:
    """Create the bucket and table, upload the folder's content and media, and load its
    gs_data.json as the stored citation snapshot; returns a summary."""
    s3.create_bucket(Bucket=settings.bucket)
    content, media = folder_files(folder)
    for path in content:
        upload_content(settings, s3, path.name, path.read_bytes())
    for path in media:
        upload_media(settings, s3, path.name, path.read_bytes())
    summary = f"embedded AWS: {len(content)} content files, {len(media)} media files"
    gs_data = folder / "gs_data.json"
    if dynamodb is not None and settings.table:
        create_table(dynamodb, settings.table)  # empty without gs_data.json: a page with no numbers
    if dynamodb is not None and settings.table and gs_data.is_file():
        snapshot = folder_numbers(gs_data, settings.profile_id)
        CitationStore(dynamodb, settings.table).save_snapshot(snapshot)
        summary += f", citations of {snapshot.fetched_at:%Y-%m-%d} from gs_data.json"
    return summary


def folder_numbers(gs_data: Path, profile_id: str) -> CitationSnapshot:
    """The citation numbers of a content folder's gs_data.json, as `serve` and `preview` show."""
    document = load_json(gs_data.read_text(encoding="utf-8"), str(gs_data))
    snapshot = snapshot_from_gs_data(document, profile_id, filename=str(gs_data))
    return own_numbers(document, snapshot)


def own_numbers(document: dict, snapshot: CitationSnapshot) -> CitationSnapshot:
    """The numbers `acadpage init` wrote are Scholar's, from where it read them (its `acadpage`
    key says so), not an imported gs_data.json: the page names them as they came."""
    written = document.get("acadpage")
    if not isinstance(written, dict) or written.get("source") != "scholar":
        return snapshot
    origin = written.get("origin")
    return replace(snapshot, source="scholar", origin=origin if isinstance(origin, str) else "")


def folder_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """(content files, media files) of a content folder: site*.yaml and the images in media/."""
    content = sorted(path for path in folder.glob("site*.yaml") if path.is_file())
    media = (folder / "media").glob("*")
    return content, sorted(path for path in media if media_type(path.name) and path.is_file())


def upload_content(settings: Settings, s3, name: str, body: bytes) -> None:
    """One content file into the embedded bucket, where the page path reads it."""
    s3.put_object(Bucket=settings.bucket, Key=settings.content_prefix + name, Body=body)


def upload_media(settings: Settings, s3, name: str, body: bytes) -> None:
    """One media file into the embedded bucket, with the content type /media/ serves."""
    s3.put_object(
        Bucket=settings.bucket,
        Key=settings.media_prefix + name,
        Body=body,
        ContentType=media_type(name),
    )


def delete_media(settings: Settings, s3, name: str) -> None:
    """A media file removed from the folder leaves the embedded bucket too."""
    s3.delete_object(Bucket=settings.bucket, Key=settings.media_prefix + name)
