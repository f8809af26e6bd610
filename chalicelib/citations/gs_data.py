"""AcadHomepage's gs_data.json, written from a snapshot and read back into one (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime

from chalicelib.citations.badges import (
    NO_NUMBERS,
    STALE_COLOR,
    badge_cache_seconds,
    shown_value,
)
from chalicelib.citations.guard import h_index_of
from chalicelib.citations.model import CitationDisplay, CitationSnapshot, PaperCitations
from chalicelib.citations.state import SCHOLAR_SOURCES, display_label, iso_time, utc
from chalicelib.errors import UserError
from chalicelib.inputs import FORBIDDEN_CHARACTER, character_problem, excerpt
from chalicelib.settings import SCHOLAR_ID


class GsDataError(UserError):
    """A gs_data.json that cannot be imported; the message names the field."""


def scholar_user_id(snapshot: CitationSnapshot) -> str:
    """The Google Scholar user id behind a Scholar or imported snapshot, or "" when unknown."""
    if snapshot.source not in SCHOLAR_SOURCES:
        return ""
    owner = _one_scholar_user(p.id for p in snapshot.publications)
    if owner:
        return owner
    return snapshot.profile_id if SCHOLAR_ID.fullmatch(snapshot.profile_id) else ""


def _one_scholar_user(paper_ids: Iterable[object]) -> str:
    """The Scholar user all `USER:PUBID` ids share, or "" when they name none or several."""
    users = {key.split(":", 1)[0] for key in paper_ids if isinstance(key, str) and ":" in key}
    return users.pop() if len(users) == 1 and SCHOLAR_ID.fullmatch(next(iter(users))) else ""


def latest_scholar(snapshots: Mapping[str, CitationSnapshot]) -> CitationSnapshot | None:
    """The freshest Scholar (or imported) snapshot, whose USER:PUBID keys pages use."""
    found = [snapshots[s] for s in SCHOLAR_SOURCES if s in snapshots]
    return max(found, key=lambda s: utc(s.fetched_at), default=None)


def gs_data(snapshot: CitationSnapshot, scholar: CitationSnapshot | None = None) -> dict:
    """The snapshot as AcadHomepage's gs_data.json: same keys, publications keyed by USER:PUBID.

    When the numbers come from an open source, the publications keep the keys of `scholar`
    (the last Scholar snapshot), with the open source's count where a title matches; the
    extra key `acadpage` (which AcadHomepage's script ignores) says whose numbers these are.
    """
    keys_from = snapshot if snapshot.source in SCHOLAR_SOURCES else scholar
    document: dict = {"container_type": "Author"}
    optional_text = {
        "scholar_id": scholar_user_id(keys_from) if keys_from is not None else "",
        "url_picture": snapshot.photo_url,
        "affiliation": snapshot.affiliation,
    }
    document.update({key: value for key, value in optional_text.items() if value})
    document["name"] = snapshot.name
    if snapshot.interests:
        document["interests"] = list(snapshot.interests)
    document["citedby"] = snapshot.citations
    document["publications"] = _keyed_publications(snapshot, keys_from)
    numbers = {
        "citedby5y": snapshot.citations_since,
        "hindex": snapshot.h_index,
        "hindex5y": snapshot.h_index_since,
        "i10index": snapshot.i10_index,
        "i10index5y": snapshot.i10_index_since,
    }
    document.update({key: value for key, value in numbers.items() if value is not None})
    document["cites_per_year"] = {
        str(year): count for year, count in sorted(snapshot.cites_per_year)
    }
    document["updated"] = utc(snapshot.fetched_at).strftime("%Y-%m-%d %H:%M:%S.%f")
    document["acadpage"] = {
        "source": snapshot.source,
        "label": display_label(snapshot),
        **({"origin": snapshot.origin} if snapshot.origin else {}),
        "fetched_at": iso_time(snapshot.fetched_at),
        "publications_from": None
        if keys_from is None
        else {"source": keys_from.source, "fetched_at": iso_time(keys_from.fetched_at)},
    }
    return document


def title_key(title: str) -> str:
    """A title reduced to its lower-case letters and digits, to match one paper across sources."""
    return "".join(character for character in title.casefold() if character.isalnum())


def _keyed_publications(shown: CitationSnapshot, keys_from: CitationSnapshot | None) -> dict:
    """Publications under Scholar's keys; counts from `shown` wherever a title matches."""
    if keys_from is None:
        return {}
    if keys_from is shown:
        return {p.id: _gs_publication(p) for p in shown.publications}
    counts = {title_key(p.title): p.citations for p in shown.publications if title_key(p.title)}
    return {
        p.id: _gs_publication(replace(p, citations=counts.get(title_key(p.title), p.citations)))
        for p in keys_from.publications
    }


def _gs_publication(paper: PaperCitations) -> dict:
    bib = {"title": paper.title}
    if paper.year is not None:
        bib["pub_year"] = str(paper.year)
    return {
        "container_type": "Publication",
        "bib": bib,
        "author_pub_id": paper.id,
        "num_citations": paper.citations,
    }


def gs_data_shieldsio(display: CitationDisplay | None) -> dict:
    """AcadHomepage's gs_data_shieldsio.json: the total citations as a shields.io endpoint.

    Stale numbers say their age and turn grey, with a short cache, as our own badges do.
    """
    if display is None:
        return {"schemaVersion": 1, "label": "citations", "message": NO_NUMBERS}
    message = shown_value(display.snapshot.citations, display)
    document = {"schemaVersion": 1, "label": "citations", "message": message}
    if display.stale:
        document.update(color=STALE_COLOR, cacheSeconds=badge_cache_seconds(display))
    return document


def gs_documents(
    display: CitationDisplay | None, snapshots: Mapping[str, CitationSnapshot]
) -> tuple[dict | None, dict]:
    """gs_data.json (None without numbers) and gs_data_shieldsio.json of what is shown."""
    if display is None:
        return None, gs_data_shieldsio(None)
    return gs_data(display.snapshot, latest_scholar(snapshots)), gs_data_shieldsio(display)


def snapshot_from_gs_data(
    document: object,
    profile_id: str,
    fetched_at: datetime | None = None,
    filename: str = "gs_data.json",
) -> CitationSnapshot:
    """A snapshot (source "import") from a gs_data.json; raises GsDataError naming the file and
    the bad field."""
    if not isinstance(document, dict):
        raise GsDataError(f"{filename}: expected a JSON object, got {_shown(document)}")
    try:
        return _gs_snapshot(document, profile_id, fetched_at)
    except GsDataError as error:
        raise GsDataError(f"{filename} {error}") from None


def _gs_snapshot(document: dict, profile_id: str, fetched_at: datetime | None) -> CitationSnapshot:
    publications = _gs_publications(document.get("publications"))
    counts = [paper.citations for paper in publications]
    # Other crawlers leave out what they did not read; what the rows determine is counted again.
    citations = _gs_count(document, "citedby", counted=sum(counts) if counts else None)
    h_index = _gs_count(document, "hindex", counted=h_index_of(counts) if counts else None)
    i10_index = _gs_count(
        document, "i10index", counted=sum(1 for c in counts if c >= 10) if counts else None
    )
    since = {name: _gs_count(document, name, required=False) for name in _GS_SINCE}
    when = utc(fetched_at) if fetched_at is not None else _gs_updated(document)
    return CitationSnapshot(
        source="import",
        profile_id=profile_id,
        fetched_at=when,
        citations=citations,
        h_index=h_index,
        i10_index=i10_index,
        citations_since=since["citedby5y"],
        h_index_since=since["hindex5y"],
        i10_index_since=since["i10index5y"],
        # Scholar's "since" column covers the last five calendar years before the current one.
        since_year=when.year - 5 if any(v is not None for v in since.values()) else None,
        name=_gs_text(document, "name"),
        affiliation=_gs_text(document, "affiliation"),
        interests=_gs_interests(document.get("interests")),
        photo_url=_gs_text(document, "url_picture"),
        cites_per_year=_gs_cites_per_year(document.get("cites_per_year")),
        publications=publications,
    )


def recounted_fields(document: object) -> tuple[str, ...]:
    """The totals a gs_data.json leaves out that the import counts from its publications."""
    if not isinstance(document, dict) or not document.get("publications"):
        return ()
    return tuple(name for name in ("citedby", "hindex", "i10index") if name not in document)


_GS_SINCE = ("citedby5y", "hindex5y", "i10index5y")


def _shown(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return excerpt(value) if isinstance(value, str) else repr(value)


def _whole_number(value: object, place: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise GsDataError(f"{place}: expected an integer, got {_shown(value)}")
    if value < 0:
        raise GsDataError(f"{place}: expected an integer >= 0, got {value}")
    return value


def _gs_count(
    document: dict, name: str, *, required: bool = True, counted: int | None = None
) -> int | None:
    """The named total; when missing, `counted` (from the rows), else None or an error."""
    if name not in document:
        if counted is not None:
            return counted
        if required:
            raise GsDataError(
                f"{name}: expected an integer, got nothing (missing, and no "
                "publications to count it from)"
            )
        return None
    return _whole_number(document[name], name)


def _gs_text(document: Mapping, name: str, place: str = "") -> str:
    value = document.get(name, "")
    if value is None:
        return ""
    return _checked_text(value, place or name)


def _checked_text(value: object, place: str) -> str:
    """Text the store and every page can carry: no control character, no lone surrogate."""
    if not isinstance(value, str):
        raise GsDataError(f"{place}: expected text, got {_shown(value)}")
    bad = FORBIDDEN_CHARACTER.search(value)
    if bad:
        raise GsDataError(f"{place}: {character_problem(bad.group())}")
    return value


def _gs_updated(document: dict) -> datetime:
    wanted = "expected a time like '2024-03-28 08:05:19'"
    if "updated" not in document:
        raise GsDataError(f"updated: {wanted}, got nothing (missing)")
    value = document["updated"]
    if not isinstance(value, str):
        raise GsDataError(f"updated: {wanted}, got {_shown(value)}")
    try:
        return utc(datetime.fromisoformat(value.strip()))
    except ValueError:
        raise GsDataError(f"updated: {wanted}, got {value!r}") from None


def _gs_interests(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise GsDataError(f"interests: expected a list of text, got {_shown(value)}")
    return tuple(_checked_text(interest, f"interests[{i}]") for i, interest in enumerate(value))


def _gs_year(value: object, place: str) -> int:
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}", text.strip()):
        raise GsDataError(f"{place}: expected a year like '2016', got {_shown(value)}")
    return int(text)


def _gs_cites_per_year(value: object) -> tuple[tuple[int, int], ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise GsDataError(f"cites_per_year: expected an object of year: count, got {_shown(value)}")
    pairs = []
    for year, count in value.items():
        place = f"cites_per_year[{year!r}]"
        pairs.append((_gs_year(year, place), _whole_number(count, place)))
    return tuple(sorted(pairs))


def _paper_citations(entry: dict, place: str) -> int:
    """`num_citations` as scholarly writes it, or `cited_by.value` as other crawlers do."""
    if "num_citations" not in entry and isinstance(entry.get("cited_by"), dict):
        cited_by = entry["cited_by"]
        value = cited_by.get("value")
        return _whole_number(0 if value is None else value, f"{place}.cited_by.value")
    return _whole_number(entry.get("num_citations"), f"{place}.num_citations")


def _gs_publications(value: object) -> tuple[PaperCitations, ...]:
    if value is None:
        return ()
    if isinstance(value, list):  # other crawlers list the papers, each with its own id
        value = {_listed_id(index, entry): entry for index, entry in enumerate(value)}
    if not isinstance(value, dict):
        raise GsDataError(
            f"publications: expected an object keyed by publication id, got {_shown(value)}"
        )
    return tuple(_gs_paper(key, entry) for key, entry in value.items())


def _listed_id(index: int, entry: object) -> str:
    paper_id = ""
    if isinstance(entry, dict):
        paper_id = entry.get("author_pub_id") or entry.get("citation_id") or ""
    if not isinstance(paper_id, str) or not paper_id:
        raise GsDataError(
            f"publications[{index}]: expected an author_pub_id, got nothing (missing)"
        )
    return paper_id


def gs_data_owner(document: object) -> str:
    """The Scholar user a gs_data.json is of: its `scholar_id`, else its publications' ids."""
    if not isinstance(document, dict):
        return ""
    own = document.get("scholar_id")
    if isinstance(own, str) and SCHOLAR_ID.fullmatch(own):
        return own
    papers = document.get("publications")
    return _one_scholar_user(papers.keys() if isinstance(papers, dict) else ())


def check_gs_data_owner(document: object, scholar_id: str, filename: str = "gs_data.json") -> None:
    """Refuse a gs_data.json of another Scholar user than the profile it is imported under."""
    owner = gs_data_owner(document)
    if owner and owner != scholar_id:
        profile = f"this site's profile {scholar_id!r}" if scholar_id else "no Scholar profile"
        raise GsDataError(
            f"{filename} scholar_id: the file holds the numbers of Scholar user {owner!r}, "
            f"but it would be imported under {profile}; nothing was imported (pass "
            f"--scholar-id {owner} if this is your profile)"
        )


def _gs_paper(key: str, entry: object) -> PaperCitations:
    place = f"publications[{excerpt(key)}]"
    _checked_text(key, place)
    if not isinstance(entry, dict):
        raise GsDataError(f"{place}: expected an object, got {_shown(entry)}")
    bib = entry.get("bib", {})
    if not isinstance(bib, dict):
        raise GsDataError(f"{place}.bib: expected an object, got {_shown(bib)}")
    year = bib.get("pub_year", entry.get("year"))
    title_place = f"{place}.bib.title" if "title" in bib else f"{place}.title"
    return PaperCitations(
        id=key,
        title=_gs_text(bib if "title" in bib else entry, "title", title_place),
        citations=_paper_citations(entry, place),
        authors=_gs_text(bib, "author", f"{place}.bib.author"),
        venue=_gs_text(bib, "citation", f"{place}.bib.citation"),
        year=None if year in (None, "") else _gs_year(year, f"{place}.bib.pub_year"),
    )
