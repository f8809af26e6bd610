"""Seeding an embedded (moto) AWS from a content folder, for `make serve` and tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from chalicelib.aws.content_store import media_type
from chalicelib.aws.registry import SiteRecord, SiteRegistrar, member_settings
from chalicelib.citations.gs_data import snapshot_from_gs_data
from chalicelib.citations.model import CitationSnapshot
from chalicelib.citations.store import CitationStore, create_table
from chalicelib.inputs import load_json
from chalicelib.lab.siteid import DEFAULT_SITE, SiteId
from chalicelib.settings import Settings


def seed_embedded_aws(
    settings: Settings, s3, dynamodb, folder: Path, members: Sequence[tuple[SiteId, Path]] = ()
) -> str:
    """Create the bucket and table, upload the folder's content and media, and load its
    gs_data.json as the stored citation snapshot; a lab folder's `members` each as their own
    registered site. Returns a summary."""
    s3.create_bucket(Bucket=settings.bucket)
    if dynamodb is not None and settings.table:
        create_table(dynamodb, settings.table)  # empty without gs_data.json: a page with no numbers
    pattern = "lab.yaml" if members else "site*.yaml"
    summary = "embedded AWS: " + _seed_site(settings, s3, dynamodb, DEFAULT_SITE, folder, pattern)
    for site, member_folder in members:
        if dynamodb is not None and settings.table:
            SiteRegistrar(dynamodb, settings.table).register(SiteRecord(site))
        summary += f"\n  {site}: " + _seed_site(settings, s3, dynamodb, site, member_folder)
    return summary


def _seed_site(settings: Settings, s3, dynamodb, site: SiteId, folder: Path,
               pattern: str = "site*.yaml") -> str:  # fmt: skip
    content, media = folder_files(folder, pattern)
    for path in content:
        upload_content(settings, s3, path.name, path.read_bytes(), site)
    for path in media:
        upload_media(settings, s3, path.name, path.read_bytes(), site)
    summary = f"{len(content)} content files, {len(media)} media files"
    gs_data = folder / "gs_data.json"
    if dynamodb is not None and settings.table and gs_data.is_file():
        shown = settings if site.is_default else member_settings(settings, SiteRecord(site))
        snapshot = folder_numbers(gs_data, shown.profile_id)
        store = CitationStore(
            dynamodb, settings.table, partition=settings.keys(site).citation_partition
        )
        store.save_snapshot(snapshot)
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


def folder_files(folder: Path, pattern: str = "site*.yaml") -> tuple[list[Path], list[Path]]:
    """(content files, media files) of a content folder: site*.yaml (or the `pattern`
    files) and the images in media/."""
    content = sorted(path for path in folder.glob(pattern) if path.is_file())
    media = (folder / "media").glob("*")
    return content, sorted(path for path in media if media_type(path.name) and path.is_file())


def upload_content(
    settings: Settings, s3, name: str, body: bytes, site: SiteId = DEFAULT_SITE
) -> None:
    """One content file of `site` into the embedded bucket, where the page path reads it."""
    s3.put_object(Bucket=settings.bucket, Key=settings.keys(site).content_prefix + name, Body=body)


def upload_media(
    settings: Settings, s3, name: str, body: bytes, site: SiteId = DEFAULT_SITE
) -> None:
    """One media file of `site` into the embedded bucket, with the content type /media/ serves."""
    s3.put_object(
        Bucket=settings.bucket,
        Key=settings.keys(site).media_prefix + name,
        Body=body,
        ContentType=media_type(name),
    )


def delete_media(settings: Settings, s3, name: str, site: SiteId = DEFAULT_SITE) -> None:
    """A media file removed from the folder leaves the embedded bucket too."""
    s3.delete_object(Bucket=settings.bucket, Key=settings.keys(site).media_prefix + name)
