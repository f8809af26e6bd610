"""`acadpage refresh`, `status` and `import-gs-data`: the citation table, from a laptop."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from chalicelib.citations.refresh import SOURCE_IDS
from chalicelib.cli.files import read_json
from chalicelib.cli.labfolder import site_of
from chalicelib.cli.machine_schedule import EVERY, SCHEDULERS
from chalicelib.errors import UserError
from chalicelib.settings import SCHOLAR_ID, SOURCE_VARIABLES, Settings, SettingsError, load_settings


def register(subparsers) -> None:
    """Add the refresh, status and import-gs-data subcommands."""
    refresh = subparsers.add_parser(
        "refresh",
        help="fetch citation numbers now and publish them",
        description="Fetch Google Scholar, then OpenAlex and Semantic Scholar (each when its id is "
        "set), and publish the numbers that came back sound. Runs the same refresh as the "
        "schedule, from your own connection (which Scholar blocks less). Exit status 1 when "
        "nothing could be published.",
    )
    _stage_options(refresh)
    refresh.add_argument(
        "--source", choices=tuple(SOURCE_IDS), help="refresh only this source (default: all set)"
    )
    refresh.add_argument(
        "--accept-drop",
        action="store_true",
        help="publish what the last refresh held back, for whatever reason `acadpage status` "
        "shows (no fetch)",
    )
    refresh.add_argument(
        "--from-page",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="publish the numbers of Scholar profile pages saved from your browser (the first "
        "page, or the pages of 'show more') instead of fetching: when Scholar blocks every fetch",
    )
    refresh.add_argument(
        "--every",
        choices=EVERY,
        help="install this refresh on this machine's own scheduler (crontab, systemd user timer "
        "or launchd agent), daily or weekly; `off` removes it. Scholar blocks AWS, not your "
        "machine: weekly is polite and enough (docs/citations.md)",
    )
    refresh.add_argument(
        "--scheduler", choices=SCHEDULERS, help="with --every: which scheduler (default: detected)"
    )
    # Set by the installed schedule, so the status says the numbers came from it.
    refresh.add_argument("--on-schedule", action="store_true", help=argparse.SUPPRESS)
    for source in SOURCE_IDS:
        # Point a source at another server (a mirror, or a local one in tests).
        refresh.add_argument(f"--{source}-url", dest=f"{source}_url", help=argparse.SUPPRESS)
    refresh.set_defaults(handler=refresh_command)

    status = subparsers.add_parser(
        "status",
        help="show what the page shows and how each source's last refresh went",
        description="Print the citation status record: the source shown, its age, and each "
        "source's last attempt, last success and held-back numbers.",
    )
    _stage_options(status)
    status.add_argument("--json", action="store_true", help="print /status.json's document")
    status.set_defaults(handler=status_command)

    import_gs_data = subparsers.add_parser(
        "import-gs-data",
        help="load an AcadHomepage gs_data.json into the citation table",
        description="Validate a gs_data.json (as AcadHomepage's crawler writes it) and store it as "
        "the source 'import', shown while it is fresher than the other sources' numbers. A file "
        "of another Scholar user than the site's profile is refused; --scholar-id names the "
        "profile to import under.",
    )
    import_gs_data.add_argument("file", type=Path, help="the gs_data.json file")
    _stage_options(import_gs_data)
    import_gs_data.set_defaults(handler=import_gs_data_command)


def _stage_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--stage",
        default="dev",
        help="the stage whose resources `acadpage bootstrap` recorded in .acadpage/STAGE.json "
        "(default: dev), over the stage's variables in .chalice/config.json and ACADPAGE_*",
    )
    parser.add_argument("--region", help="AWS region (default: the stage's, then your AWS config)")
    parser.add_argument("--table", help="the DynamoDB table (overrides stage and environment)")
    parser.add_argument("--scholar-id", help="the Google Scholar user id (overrides environment)")
    parser.add_argument("--site", help="a lab member's site id: their numbers, not the stage's")


def stage_settings(args, environ: Mapping[str, str]) -> tuple[Settings, str | None]:
    """(settings, AWS region): what the stage's functions see (its Chalice variables and the
    profile its stack was deployed with) under this shell's, then the stage's record, then
    command-line options. In a project, what is stored goes where the stage's page reads,
    whatever profile the shell or `--scholar-id` fetches."""
    from chalicelib.aws.stages import (
        chalice_config_path,
        check_region,
        deployed_environment,
        read_record,
    )

    project = Path.cwd()
    in_project = chalice_config_path(project).is_file()
    deployed = deployed_environment(project, args.stage) if in_project else {}
    try:
        settings = load_settings({**deployed, **environ})
        page_key = load_settings(deployed).profile_id if in_project else ""
    except SettingsError as error:
        raise UserError(str(error)) from None
    if args.site:  # a member's numbers: their own profiles (--scholar-id), none of the stage's
        settings, page_key = replace(settings, scholar_id="", openalex_id="", orcid_id=""), ""
    record = read_record(project, args.stage)
    overrides = {"bucket": record.bucket, "table": record.table} if record else {}
    if args.table:
        overrides["table"] = args.table
    if args.scholar_id:
        if not SCHOLAR_ID.fullmatch(args.scholar_id):
            raise UserError(
                "--scholar-id: expected a 12-character Google Scholar user id, "
                f"got {args.scholar_id!r}"
            )
        overrides["scholar_id"] = args.scholar_id
    region = args.region or (record.region if record else None)
    settings = replace(settings, **overrides, profile_key=page_key)
    return settings, check_region(region) if region else None


def _aws_client(service: str, region: str | None):
    """A boto3 client, made here and only when a command needs it."""
    from chalicelib.aws.errors import aws_operation, aws_session, session_region

    session = aws_session(region)
    session_region(session)
    with aws_operation(f"opening the {service} client"):
        return session.client(service)


def _citation_store(settings: Settings, region: str | None, args):
    from chalicelib.citations.store import CitationStore

    if not settings.table:
        raise UserError(
            "no DynamoDB table configured: set ACADPAGE_TABLE, pass --table, "
            f"or run `acadpage bootstrap --stage {args.stage}`"
        )
    partition = settings.keys(site_of(args)).citation_partition
    return CitationStore(_aws_client("dynamodb", region), settings.table, partition=partition)


class ProgressLine:
    """Progress on a stream: rewritten in place on a terminal, one line per update otherwise."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.in_place = stream.isatty()
        self.width = 0

    def show(self, text: str) -> None:
        """Replace the progress shown with `text`."""
        if self.in_place:
            self.stream.write("\r" + text.ljust(self.width))
            self.width = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def end(self) -> None:
        """Leave the terminal's cursor on a fresh line."""
        if self.in_place and self.width:
            self.stream.write("\n")
            self.stream.flush()
        self.width = 0


def refresh_command(args) -> int:
    """Refresh the configured sources, print a line per source; 1 when nothing was published."""
    import requests

    from chalicelib.citations.refresh import (
        accept_held_back,
        configured_sources,
        refresh_citations,
        source_fetchers,
    )
    from chalicelib.citations.stats_files import StatsWriter

    settings, region = stage_settings(args, os.environ)
    only = "scholar" if args.from_page else args.source
    if args.from_page and args.source not in (None, "scholar"):
        raise UserError(f"--from-page: saved pages are Scholar's, not {args.source}'s")
    if args.every and (args.from_page or args.accept_drop):
        raise UserError("--every: schedules the fetching refresh, not --from-page or --accept-drop")
    saved = None
    if args.from_page:
        from chalicelib.cli.scholar import saved_pages

        saved = saved_pages(args.from_page, datetime.now(UTC), profile_id=settings.scholar_id)
        # the saved pages name their profile: no need to configure it first
        settings = replace(settings, scholar_id=settings.scholar_id or saved[0].profile_id)
    if args.every != "off" and not configured_sources(settings, only):
        raise UserError(no_source_message(only, args.stage))
    if args.every:
        from chalicelib.cli.machine_schedule import every_command

        return every_command(args, settings, os.environ, Path.cwd())
    store, keys = _citation_store(settings, region, args), settings.keys(site_of(args))
    s3 = _aws_client("s3", region) if settings.bucket else None
    stats = StatsWriter(s3, settings.bucket, keys.stats_prefix) if settings.bucket else None
    progress = ProgressLine(sys.stderr)
    now = datetime.now(UTC)
    if args.accept_drop:
        report = accept_held_back(settings, store, now=now, stats_writer=stats, only=args.source)
        return _print_report(report, settings, stats)
    with requests.Session() as session:
        if saved is not None:
            fetchers = {"scholar": saved_pages_fetcher(args.from_page, *saved)}
        else:
            fetchers = source_fetchers(
                settings,
                session,
                now=now,
                scholar_progress=lambda pages, rows: progress.show(
                    f"scholar: page {pages} fetched, {rows} rows so far"
                ),
                base_urls={source: getattr(args, f"{source}_url") for source in SOURCE_IDS},
            )
        try:
            report = refresh_citations(
                settings,
                store,
                fetchers,
                now=now,
                stats_writer=stats,
                progress=progress.show,
                only=only,
                origin=refresh_origin(args),
            )
        finally:
            progress.end()
    return _print_report(report, settings, stats)


def refresh_origin(args) -> str:
    """Who brings these numbers, as the status keeps it (state.ORIGIN_LABELS)."""
    if args.from_page:
        return "saved-page"
    return "owner-machine-schedule" if args.on_schedule else "owner-machine"


def _print_report(report, settings: Settings, stats) -> int:
    """One line per source and the stats files written; 1 when nothing was published."""
    from chalicelib.citations.refresh import describe_result

    for result in report.results:
        print(describe_result(result))
    if report.stats_keys:
        written = " and ".join(f"s3://{settings.bucket}/{key}" for key in report.stats_keys)
        print(f"wrote {written}")
    elif report.published and stats is None:
        print("stats files not written: no bucket configured (ACADPAGE_BUCKET)", file=sys.stderr)
    return 0 if report.published else 1


def saved_pages_fetcher(files: list[Path], snapshot, more: bool):
    """A Scholar fetcher answering with saved profile pages (read and checked by
    cli.scholar.saved_pages) instead of the network, so they go through the refresh's own
    guard and publish path."""
    from chalicelib.citations.fetchers import FetchOutcome
    from chalicelib.cli.scholar import more_rows_note

    names = ", ".join(path.name for path in files)
    detail = f"saved Scholar pages {names}: {len(snapshot.publications)} publications."
    if more:
        print(f"note: {more_rows_note(files, snapshot)}", file=sys.stderr)
        detail += " Scholar has more rows than the pages hold."
    # a last page still offering more rows is partial: the guard never lets it replace a whole list
    outcome = FetchOutcome("ok", snapshot, detail, len(files), truncated=more)
    return lambda user_id: outcome


def no_source_message(only: str | None, stage: str) -> str:
    """What to configure (or pass) when a refresh has no profile to fetch."""
    where = f"in the {stage} stage's environment_variables in .chalice/config.json"
    if only not in (None, "scholar"):
        return f"no {only} id configured for stage {stage}: set {SOURCE_VARIABLES[only]} {where}"
    others = (
        " (or ACADPAGE_OPENALEX_ID, ACADPAGE_ORCID_ID, ACADPAGE_SEMANTICSCHOLAR_ID)"
        if only is None
        else ""
    )
    return (
        f"no Google Scholar id configured for stage {stage}: pass --scholar-id ID (the 12 "
        "characters after user= in your profile's address), or set ACADPAGE_SCHOLAR_ID"
        f"{others} {where}"
    )


def status_command(args) -> int:
    """Print the status record, as lines or as /status.json's document."""
    from chalicelib.citations.status import status_document

    settings, region = stage_settings(args, os.environ)
    state = _citation_store(settings, region, args).load_current(settings.profile_id)
    document = status_document(
        state, datetime.now(UTC), settings.stale_after_days, configured=settings.citation_sources
    )
    if args.json:
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0
    for line in status_lines(document, settings.profile_id):
        print(line)
    return 0


def _when(text: str | None) -> str:
    if text is None:
        return "never"
    return datetime.fromisoformat(text).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def status_lines(document: dict, profile_id: str) -> list[str]:
    """The status document as the lines `acadpage status` prints."""
    shown = document["displayed"]
    problem = [document["problem"]] if document.get("problem") else []
    if shown is None and problem:
        lines = [f"profile {profile_id}: no citation numbers stored"]
    elif shown is None:
        lines = [f"profile {profile_id}: no citation numbers stored yet; run `acadpage refresh`"]
    else:
        stale = (
            f" (stale: older than {document['stale_after_days']} days)" if shown["stale"] else ""
        )
        came = f" (from {shown['origin_label']})" if shown["origin_label"] else ""
        lines = [
            f"profile {profile_id}: showing {shown['label']}{came}: {shown['citations']} "
            f"citations, h-index {shown['h_index']}, i10-index {shown['i10_index']}, "
            f"{shown['freshness']}{stale}"
        ]
    for source, entry in document["sources"].items():
        if entry["last_attempt_at"] is None:
            line = f"{source}: no attempt recorded"
        else:
            detail = f" ({entry['detail']})" if entry["detail"] else ""
            by = f" by {entry['origin_label']}" if entry["origin_label"] else ""
            line = f"{source}: {entry['outcome']} at {_when(entry['last_attempt_at'])}{by}{detail}"
        line += f"; last success {_when(entry['last_success_at'])}"
        if entry["stored_origin_label"] and entry["stored_origin"] != entry["origin"]:
            line += f" (numbers stored from {entry['stored_origin_label']})"
        if entry["held_back"]:
            line += f"; held back since {_when(entry['held_back_at'])}: {entry['held_back_reason']}"
            held = entry.get("held_back_numbers")
            if held:
                line += (
                    f" (held: {held['citations']} citations, h-index {held['h_index']}, "
                    f"i10-index {held['i10_index']}, {held['publications']} publications; "
                    "publish them with `acadpage refresh --accept-drop`)"
                )
        lines.append(line)
    return problem + lines


def import_gs_data_command(args) -> int:
    """Validate a gs_data.json, then store it as the source "import"."""
    from chalicelib.citations.gs_data import (
        check_gs_data_owner,
        recounted_fields,
        snapshot_from_gs_data,
    )

    settings, region = stage_settings(args, os.environ)
    document = read_json(args.file)
    check_gs_data_owner(document, settings.scholar_id, str(args.file))
    snapshot = replace(
        snapshot_from_gs_data(document, settings.profile_id, filename=str(args.file)),
        origin="gs-data-file",
    )
    store = _citation_store(settings, region, args)
    if not store.save_snapshot(snapshot):
        raise UserError(
            f"{args.file}: not imported: the stored import is newer than its 'updated' time"
        )
    store.record_attempt(
        settings.profile_id,
        "import",
        at=datetime.now(UTC),
        kind="ok",
        detail=f"imported {args.file.name}",
        published=True,
        origin=snapshot.origin,
    )
    print(
        f"imported {args.file.name}: {snapshot.citations} citations, h-index {snapshot.h_index}, "
        f"i10-index {snapshot.i10_index}, {len(snapshot.publications)} publications "
        f"(updated {snapshot.fetched_at:%Y-%m-%d %H:%M} UTC)"
    )
    recounted = recounted_fields(document)
    if recounted:
        print(
            f"note: the file has no {', '.join(recounted)}: counted from its "
            f"{len(snapshot.publications)} publications"
        )
    return 0
