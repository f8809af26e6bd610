"""Many sites in one warm container: each site's page service in a cache bounded by bytes (the
least recently used leaves first), and the registry's answers (host -> site, site -> record)
remembered for a TTL, so a request for a warm site reads nothing but what its TTLs ask for."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from chalicelib.lab.hosts import origin_host, site_for_host
from chalicelib.lab.siteid import SITE_ID, SiteId

Key = TypeVar("Key")
Value = TypeVar("Value")
MISSING = object()


class SizedCache(Generic[Key, Value]):
    """Values built on first use and kept while their sizes add up to at most `max_bytes`,
    least recently used first out. A value may grow after it is handed out (a page service
    renders pages), so the size of the one handed out last is measured again at the next call
    that may drop one (a single-site deployment's requests measure nothing)."""

    def __init__(
        self, build: Callable[[Key], Value], size_of: Callable[[Value], int], max_bytes: int
    ):
        self.build = build
        self.size_of = size_of
        self.max_bytes = max_bytes
        self._values: OrderedDict[Key, Value] = OrderedDict()
        self._sizes: dict[Key, int] = {}
        self._total = 0
        self._last: Any = MISSING
        self._lock = threading.Lock()

    def get(self, key: Key) -> Value:
        """The value of `key`, built when absent; the least recently used leave to make room."""
        with self._lock:
            if key != self._last or len(self._values) > 1:  # one value alone: nothing to drop
                self._measure(self._last)
            value = self._values.get(key, MISSING)
            if value is MISSING:
                value = self.build(key)
                self._values[key] = value
                self._sizes[key] = 0
                self._measure(key)
            self._values.move_to_end(key)
            self._last = key
            while self._total > self.max_bytes and len(self._values) > 1:
                self._drop(next(iter(self._values)))
            return value

    @property
    def resident_bytes(self) -> int:
        """What the kept values weigh, as last measured."""
        return self._total

    def __len__(self) -> int:
        return len(self._values)

    def _measure(self, key) -> None:
        if key in self._values:
            size = self.size_of(self._values[key])
            self._total += size - self._sizes[key]
            self._sizes[key] = size

    def _drop(self, key) -> None:
        self._values.pop(key)
        self._total -= self._sizes.pop(key)


class SiteUnavailable(Exception):
    """The registry could not be read and no earlier answer is known: the request waits for it
    (a 503), rather than being shown another site."""


class Remembered(Generic[Key, Value]):
    """Answers of a lookup kept for `ttl_s` (absent ones too), at most `max_entries` of them; a
    failed lookup keeps the last answer, and with none raises SiteUnavailable."""

    def __init__(
        self,
        lookup: Callable[[Key], Value],
        ttl_s: float,
        max_entries: int = 20_000,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.lookup = lookup
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self.clock = clock
        self._answers: OrderedDict[Key, tuple[float, Value]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, key: Key) -> Value:
        now = self.clock()
        with self._lock:
            kept = self._answers.get(key)
        if kept is not None and now - kept[0] < self.ttl_s:
            return kept[1]
        try:
            answer = self.lookup(key)
        except Exception as error:  # the registry is down: the last answer, else no answer
            logging.getLogger("acadpage").error(json.dumps(
                {"event": "site_lookup_failed", "key": str(key), "error": str(error)}))  # fmt: skip
            if kept is None:
                raise SiteUnavailable(str(error)) from error
            return kept[1]
        with self._lock:
            self._answers[key] = (now, answer)
            self._answers.move_to_end(key)
            while len(self._answers) > self.max_entries:
                self._answers.popitem(last=False)
        return answer


class SiteDirectory:
    """Which site a request is for, from the registry through TTL caches.

    `record_of(site)` answers a member's record or None; `site_at(host)` a registered host's
    site or None, asked only for the `member_hosts` (Settings.member_hosts), so a deployment
    without them looks no host up. Without a registry (no table) it has its own site only.
    """

    def __init__(
        self,
        record_of: Callable[[SiteId], Any],
        site_at: Callable[[str], SiteId | None],
        member_hosts: Sequence[str] = (),
        ttl_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.record = Remembered(record_of, ttl_s, clock=clock)
        self._site_at = Remembered(site_at, ttl_s, clock=clock)
        self.member_hosts = tuple(member_hosts)

    def site_for_origin(self, origin: str) -> SiteId | None:
        """The site an address names (its host), or None when it names no site."""
        site = site_for_host(origin_host(origin), self.member_hosts, self._site_at)
        if site is None or site.is_default:
            return site
        return site if self.record(site) is not None else None

    def member(self, text: str) -> SiteId | None:
        """The registered member site a path names (`/people/<id>/`), or None."""
        if not SITE_ID.fullmatch(text):
            return None
        site = SiteId(text)
        return None if site.is_default or self.record(site) is None else site
