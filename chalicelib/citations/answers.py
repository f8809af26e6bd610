"""HTTP answers reduced to what classifying them needs, and the sentences saying why they
gave no numbers (pure: the fetchers hand them in)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from chalicelib.citations.scholar import ScholarPage, is_block_url
from chalicelib.inputs import json_depth_problem


@dataclass(frozen=True)
class Answer:
    """One HTTP answer reduced to what classification needs, or the network error instead."""

    status_code: int = 0
    url: str = ""
    hops: tuple[str, ...] = ()  # URLs of the redirects followed on the way
    text: str = ""
    error: str = ""


def api_json(source: str, what: str, answer: Answer) -> tuple[str, Any, str]:
    """(kind, decoded JSON or None, detail) for one API answer."""
    where = f"{source} {what}"
    if answer.error:
        return "network_error", None, f"{where} could not be fetched: {answer.error}."
    status = answer.status_code
    if status in (401, 403, 429):
        return "blocked", None, f"{where}: refused with HTTP {status} (rate limit or API key)."
    if status == 404:
        return "not_found", None, f"{where}: not found (HTTP 404)."
    if status != 200:
        return "network_error", None, f"{where}: the server answered HTTP {status}."
    if deep := json_depth_problem(answer.text):  # before json.loads recurses into it
        return "layout_changed", None, f"{where}: expected JSON as its API writes it, got {deep}."
    try:
        value = json.loads(answer.text)
    except ValueError:
        return "layout_changed", None, f"{where}: expected JSON, got {answer.text[:40]!r}."
    if not isinstance(value, dict):
        return (
            "layout_changed",
            None,
            f"{where}: expected a JSON object, got {type(value).__name__}.",
        )
    return "ok", value, ""


def repeats_earlier_rows(page: ScholarPage, seen: set[str], number: int) -> bool:
    """Whether a later page brings nothing new: Scholar ignoring `cstart` would loop forever."""
    if number == 1:
        return False
    if not page.publications:
        return page.has_more
    return page.publications[0].id in seen


def scholar_failure(where: str, page: ScholarPage, answer: Answer) -> str:
    """The sentence saying why a Scholar page gave no numbers."""
    if page.status == "not_found":
        return f"{where}: Scholar has no such profile (HTTP 404)."
    if page.status == "layout_changed":
        return f"{where} does not look like a profile page; Scholar may have changed its layout."
    if answer.status_code != 200:
        reason = f"HTTP {answer.status_code}"
    elif any(is_block_url(url) for url in (*answer.hops, answer.url)):
        final = urlsplit(answer.url)
        reason = f"a redirect to {final.hostname}{final.path}"
    else:
        reason = "a captcha page"
    return f"{where}: Scholar refused with {reason}; try again later or set a proxy."
