"""Many authors per request from the open sources: OpenAlex's OR filter, Semantic Scholar's batch.

Like chalicelib.citations.fetchers (whose session handling it shares), it talks to the internet
and nothing else. Each answer becomes one FetchOutcome per asked id: the headline numbers only
(the works/papers lists need one request per author, so the batch snapshots are `partial`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import requests

from chalicelib.citations.answers import Answer, api_json
from chalicelib.citations.fetchers import FetchOutcome, http_answer
from chalicelib.citations.open_sources import (
    SourceFormatError,
    openalex_deleted,
    openalex_short_id,
    openalex_snapshot,
    semanticscholar_snapshot,
)

# OpenAlex's documentation: "up to 50 of these queries at once ... filtering on IDs using OR".
OPENALEX_BATCH = 50
# Semantic Scholar's POST /author/batch takes at most 1,000 ids (and answers at most 10 MB).
SEMANTICSCHOLAR_BATCH = 1000
SEMANTICSCHOLAR_BATCH_FIELDS = "name,affiliations,citationCount,hIndex,paperCount"


def fetch_openalex_authors(
    session: requests.Session,
    author_ids: Sequence[str],
    *,
    now: datetime,
    api_key: str = "",
    base_url: str = "https://api.openalex.org",
    timeout_s: float = 20,
) -> dict[str, FetchOutcome]:
    """Up to OPENALEX_BATCH authors (OpenAlex ids and ORCIDs mixed) in one or two requests."""
    _check_size("OpenAlex", author_ids, OPENALEX_BATCH)
    outcomes: dict[str, FetchOutcome] = {}
    plain = [i for i in author_ids if i.startswith("A")]
    orcids = [i for i in author_ids if not i.startswith("A")]
    for attribute, ids, key_of in (
        ("ids.openalex", plain, lambda author: openalex_short_id(str(author.get("id") or ""))),
        ("orcid", orcids, lambda author: openalex_short_id(str(author.get("orcid") or ""))),
    ):
        if not ids:
            continue
        params = {"filter": f"{attribute}:{'|'.join(ids)}", "per-page": str(OPENALEX_BATCH)}
        if api_key:
            params["api_key"] = api_key
        answer = http_answer(
            session, f"{base_url.rstrip('/')}/authors", params=params, timeout_s=timeout_s
        )
        what = f"authors {ids[0]}..{ids[-1]} ({len(ids)})"
        kind, listing, detail = api_json("OpenAlex", what, answer)
        results = listing.get("results") if listing is not None else None
        if listing is not None and not isinstance(results, list):
            kind, detail = "layout_changed", f"OpenAlex {what}: results: expected a list."
        if not isinstance(results, list):
            outcomes.update({i: FetchOutcome(kind, None, detail, 1) for i in ids})
            continue
        found = {key_of(author): author for author in results if isinstance(author, dict)}
        outcomes.update({i: _openalex_outcome(i, found.get(i), now) for i in ids})
    return outcomes


def _openalex_outcome(author_id: str, author: Any, now: datetime) -> FetchOutcome:
    """One author of a batch answer as an outcome of its own."""
    if author is None:
        return FetchOutcome("not_found", None, f"OpenAlex author {author_id}: not answered.", 1)
    if openalex_deleted(author):
        return FetchOutcome(
            "not_found",
            None,
            f"OpenAlex author {author_id} is a 'Deleted Author': look up the new id.",
            1,
        )
    try:
        snapshot = openalex_snapshot(author, None, now)
    except SourceFormatError as error:
        return FetchOutcome("layout_changed", None, f"{error}.", 1)
    return _headline_outcome(snapshot, f"OpenAlex author {author_id}")


def fetch_semanticscholar_authors(
    session: requests.Session,
    author_ids: Sequence[str],
    *,
    now: datetime,
    api_key: str = "",
    base_url: str = "https://api.semanticscholar.org/graph/v1",
    timeout_s: float = 30,
) -> dict[str, FetchOutcome]:
    """Up to SEMANTICSCHOLAR_BATCH authors in one POST /author/batch."""
    _check_size("Semantic Scholar", author_ids, SEMANTICSCHOLAR_BATCH)
    what = f"authors {author_ids[0]}..{author_ids[-1]} ({len(author_ids)})"
    answer = http_answer(
        session,
        f"{base_url.rstrip('/')}/author/batch",
        params={"fields": SEMANTICSCHOLAR_BATCH_FIELDS},
        json_body={"ids": list(author_ids)},
        headers={"x-api-key": api_key} if api_key else {},
        timeout_s=timeout_s,
    )
    # The answer is a JSON list, one entry (or null) per asked id in order; api_json wants an
    # object, so the list is wrapped before it is judged.
    if answer.status_code == 200 and answer.text.lstrip().startswith("["):
        answer = Answer(200, answer.url, (), '{"data": ' + answer.text + "}")
    kind, document, detail = api_json("Semantic Scholar", what, answer)
    entries = document.get("data") if document is not None else None
    if document is not None and (not isinstance(entries, list) or len(entries) != len(author_ids)):
        kind, document = "layout_changed", None
        detail = f"Semantic Scholar {what}: expected a list of {len(author_ids)} entries."
    if document is None:
        return {i: FetchOutcome(kind, None, detail, 1) for i in author_ids}
    pairs = zip(author_ids, entries, strict=True)
    return {asked: _semanticscholar_outcome(asked, entry, now) for asked, entry in pairs}


def _semanticscholar_outcome(author_id: str, entry: Any, now: datetime) -> FetchOutcome:
    """One entry of a batch answer (null for an id Semantic Scholar does not know)."""
    where = f"Semantic Scholar author {author_id}"
    if entry is None:
        return FetchOutcome("not_found", None, f"{where}: not found (null in the batch).", 1)
    try:
        snapshot = semanticscholar_snapshot(entry, now, [])
    except SourceFormatError as error:
        return FetchOutcome("layout_changed", None, f"{error}.", 1)
    if snapshot.profile_id != author_id:
        return FetchOutcome("layout_changed", None, f"{where}: the batch answered another id.", 1)
    return _headline_outcome(snapshot, where)


def _headline_outcome(snapshot, where: str) -> FetchOutcome:
    """An "ok" outcome of headline numbers without their list: partial by construction."""
    return FetchOutcome(
        "ok", snapshot, f"{where}: headline numbers from a batch.", 1, truncated=True
    )


def _check_size(source: str, ids: Sequence[str], limit: int) -> None:
    if not 1 <= len(ids) <= limit:
        raise ValueError(f"{source} batch: expected 1 to {limit} ids, got {len(ids)}")
