"""`acadpage init DIR`: a new site's folder (site.yaml and media/) from a Scholar profile, saved
from the browser or fetched, or from an OpenAlex author (by OpenAlex id or ORCID)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from chalicelib.cli.files import refuse_overwrite
from chalicelib.cli.scholar import more_rows_note, saved_pages
from chalicelib.cli.starter import StarterProfile, default_avatar_svg, starter_site_yaml
from chalicelib.errors import UserError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
# what a downloaded photo may be, told by its first bytes (never by what the server claims)
PHOTO_SIGNATURES = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png", b"GIF8": "gif"}


@dataclass(frozen=True)
class Photo:
    """The avatar to write into media/: its file name and bytes, and where it came from."""

    name: str
    body: bytes
    origin: str


def register(subparsers) -> None:
    """Add the init subcommand."""
    parser = subparsers.add_parser(
        "init",
        help="start a site from your Google Scholar profile (or OpenAlex / ORCID)",
        description="Write DIR/site.yaml and DIR/media/ from a profile: name, affiliation, "
        "interests, photo and every publication, the most cited ones featured. The file "
        "validates as written; edit it, then serve, bootstrap and push.",
    )
    # optional here, so `--scholar-page FILE... DIR` (where the option takes DIR too) still works
    parser.add_argument("folder", type=Path, nargs="?", metavar="DIR", help="the site's folder")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--scholar-page",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="your Scholar profile page saved from the browser (File > Save Page As); "
        "more files for the pages of 'show more'",
    )
    source.add_argument("--scholar", metavar="ID", help="fetch the Scholar profile ID (user=...)")
    source.add_argument("--openalex", metavar="ID", help="an OpenAlex author id (A...)")
    source.add_argument("--orcid", metavar="ID", help="an ORCID, looked up through OpenAlex")
    parser.add_argument("--force", action="store_true", help="replace an existing DIR/site.yaml")
    parser.add_argument(
        "--no-photo", action="store_true", help="use the default avatar, download no photo"
    )
    for source_name in ("scholar", "openalex"):
        # Point a source at another server (a mirror, or a local one in tests).
        parser.add_argument(
            f"--{source_name}-url", dest=f"{source_name}_url", help=argparse.SUPPRESS
        )
    parser.set_defaults(handler=init_command)


def init_command(args) -> int:
    """Gather the profile, build and validate the file, then write it and print what is next."""
    import requests

    from chalicelib.site.content import load_site

    args.folder = site_folder(args)
    target = args.folder / "site.yaml"
    refuse_overwrite(target, args.force)
    with requests.Session() as session:
        profile = _gather_profile(args, session)
        photo = _photo(session, profile.snapshot, args.no_photo)
    profile = replace(profile, avatar=photo.name)
    text = starter_site_yaml(profile)
    site = load_site(text.encode("utf-8"), "site.yaml")  # a file init writes always validates
    numbers = _local_numbers(profile)
    _write(args.folder, text, photo, numbers)
    papers = sum(len(section.publications) for section in site.sections)
    featured = sum(paper.featured for section in site.sections for paper in section.publications)
    print(f"wrote {target}: {site.profile.name}, {papers} publications ({featured} featured)")
    print(f"wrote {args.folder / 'media' / photo.name} ({photo.origin})")
    if numbers:
        print(f"wrote {args.folder / 'gs_data.json'} (the numbers `acadpage serve` shows)")
    print("next:")
    for line in next_steps(args.folder):
        print(f"  {line}")
    return 0


def site_folder(args) -> Path:
    """DIR, also when it came after the saved pages (the option's list takes it then)."""
    if args.folder is not None:
        return args.folder
    pages = args.scholar_page or []
    last = pages[-1] if len(pages) > 1 else None
    if last is not None and not last.is_file() and last.suffix.lower() not in (".html", ".htm"):
        return pages.pop()
    raise UserError(
        "DIR: name the site's folder, e.g. `acadpage init mysite --scholar-page profile.html`"
    )


def next_steps(folder: Path) -> list[str]:
    """The three commands from a written folder to a live page."""
    return [
        f"1. acadpage serve --content {folder}   # the page on http://127.0.0.1:8000, "
        "following your edits",
        "2. acadpage bootstrap --stage dev   # your bucket and table on AWS, then "
        "`chalice deploy --stage dev`",
        f"3. acadpage push {folder / 'site.yaml'} --stage dev   # the page goes live",
    ]


def _gather_profile(args, session) -> StarterProfile:
    """The profile's snapshot from the one source the command was given."""
    if args.scholar_page:
        return _saved_pages_profile(args.scholar_page)
    from chalicelib.citations.refresh import source_fetchers
    from chalicelib.settings import SettingsError, load_settings

    try:
        settings = load_settings(os.environ)
    except SettingsError as error:
        raise UserError(str(error)) from None
    fetchers = source_fetchers(
        settings,
        session,
        now=datetime.now(UTC),
        scholar_progress=lambda pages, rows: print(
            f"scholar: page {pages} fetched, {rows} rows so far", file=sys.stderr
        ),
        base_urls={"scholar": args.scholar_url, "openalex": args.openalex_url},
    )
    if args.scholar:
        outcome = fetchers["scholar"](args.scholar)
        hint = (
            " Save your profile page from the browser and run "
            f"`acadpage init {args.folder} --scholar-page FILE`."
        )
    else:
        outcome = fetchers["openalex"](args.openalex or args.orcid)
        hint = ""
    if outcome.kind != "ok" or outcome.snapshot is None:
        raise UserError(f"{outcome.detail}{hint}")
    if args.scholar:
        fetched = replace(outcome.snapshot, origin="owner-machine")
        return StarterProfile(fetched, "", scholar_id=args.scholar)
    return StarterProfile(outcome.snapshot, "", orcid=args.orcid or "")


def _saved_pages_profile(files: list[Path]) -> StarterProfile:
    """The profile of Scholar pages saved from the browser, the first page first."""
    snapshot, more = saved_pages(files, datetime.now(UTC))
    if more:
        print(f"note: {more_rows_note(files, snapshot)}", file=sys.stderr)
    return StarterProfile(snapshot, "", scholar_id=snapshot.profile_id)


def _photo(session, snapshot, no_photo: bool) -> Photo:
    """The profile photo when it can be downloaded and is an image, else the default avatar."""
    default = Photo("avatar.svg", default_avatar_svg(snapshot.name).encode(), "the default avatar")
    if no_photo or not snapshot.photo_url.startswith(("https://", "http://")):
        return default
    import requests

    try:
        from chalicelib.citations.fetchers import SCHOLAR_HEADERS

        browser = {"User-Agent": SCHOLAR_HEADERS["User-Agent"]}  # as Scholar's own page asks
        with session.get(snapshot.photo_url, headers=browser, timeout=20, stream=True) as response:
            body = response.raw.read(MAX_PHOTO_BYTES + 1, decode_content=True)
    except (requests.RequestException, OSError) as error:
        print(f"photo not downloaded ({type(error).__name__}): using the default avatar")
        return default
    kind = next((ext for sig, ext in PHOTO_SIGNATURES.items() if body.startswith(sig)), None)
    if response.status_code != 200 or kind is None or len(body) > MAX_PHOTO_BYTES:
        print(
            f"photo not used (HTTP {response.status_code}, no small image): "
            "using the default avatar"
        )
        return default
    return Photo(f"avatar.{kind}", body, f"the photo from {snapshot.photo_url}")


def _local_numbers(profile: StarterProfile) -> str:
    """The Scholar numbers as gs_data.json, which `acadpage serve` loads; "" for other sources."""
    from chalicelib.citations.gs_data import gs_data

    if not profile.scholar_id:
        return ""
    return json.dumps(gs_data(profile.snapshot), indent=2, ensure_ascii=False) + "\n"


def _write(folder: Path, text: str, photo: Photo, numbers: str) -> None:
    """site.yaml, the avatar and the numbers, written only once all was gathered and checked."""
    try:
        (folder / "media").mkdir(parents=True, exist_ok=True)
        (folder / "media" / photo.name).write_bytes(photo.body)
        if numbers:
            (folder / "gs_data.json").write_text(numbers, encoding="utf-8")
        (folder / "site.yaml").write_text(text, encoding="utf-8")
    except OSError as error:
        raise UserError(f"{error.filename}: cannot write: {error.strerror}") from None
