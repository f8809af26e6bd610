"""`acadpage lab status`: every member of the stack, each source's schedule, Scholar's pause."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

from chalicelib.cli.citations import _citation_store, _stage_options, stage_settings


def register(subparsers) -> None:
    """Add the lab subcommand (status)."""
    lab = subparsers.add_parser(
        "lab",
        help="the refresh of every site of the stack",
        description="How the stack refreshes its sites' numbers (docs/fanout.md).",
    )
    actions = lab.add_subparsers(dest="lab_command", metavar="ACTION", required=True)
    status = actions.add_parser(
        "status",
        help="each member's and source's last success, numbers' age and next due time",
        description="For each member (site) and source: the last success, the age of the "
        "numbers shown, the next due time; and whether Scholar is paused, until when.",
    )
    _stage_options(status)
    status.add_argument("--json", action="store_true", help="print the document as JSON")
    status.set_defaults(handler=lab_status_command)


def lab_status_command(args) -> int:
    """Print the stack's refresh status, read from the citation table."""
    from chalicelib.citations.lab_status import lab_lines, scholar_pause, site_status
    from chalicelib.citations.pacer_store import PacerStore
    from chalicelib.citations.pacing import PacerState

    settings, region = stage_settings(args, os.environ)
    store = _citation_store(settings, region, args)
    pacer_store = PacerStore(store.client, store.table_name)
    now = datetime.now(UTC)
    pacer = pacer_store.read_state() or PacerState()
    clocks = pacer_store.profile_clocks()
    members = [("default", settings, store), *_registered(settings, store)]
    document = {
        "scholar": scholar_pause(pacer, now),
        "sites": [
            site_status(
                site_id,
                site.citation_sources,
                site_store.load_current(site.profile_id),
                clocks.get(site_id),
                pacer,
                now,
                stale_after_days=site.stale_after_days,
            )
            for site_id, site, site_store in members
        ],
    }
    if args.json:
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        print("\n".join(lab_lines(document)))
    return 0


def _registered(settings, store) -> list:
    """(site id, settings, citation store) of every member the stage's registry lists."""
    from chalicelib.aws.registry import SiteRegistry, member_settings
    from chalicelib.citations.store import CitationStore

    members = []
    for record in SiteRegistry(store.client, store.table_name).sites():
        site = member_settings(settings, record)
        partition = settings.keys(record.site).citation_partition
        member_store = CitationStore(store.client, store.table_name, partition=partition)
        members.append((record.site.name, site, member_store))
    return members
