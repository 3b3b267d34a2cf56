"""A per-person flood limit: a token bucket that warns once, then stays quiet until it refills."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


class Verdict(Enum):
    """What to do with one incoming message."""

    ALLOW = "allow"
    WARN = "warn"  # over the limit: say so once
    DROP = "drop"  # still over the limit: stay quiet


@dataclass
class _Bucket:
    tokens: float
    updated: float
    warned: bool = False


class FloodGuard:
    """Allow bursts of ``capacity`` messages per person, refilling at ``per_second``."""

    def __init__(
        self,
        capacity: float = 20,  # a person tapping quickly through their log can send a dozen in a few seconds
        per_second: float = 2.0,
        clock: Callable[[], float] = time.time,
        max_people: int = 50_000,
    ) -> None:
        self.capacity = capacity
        self.per_second = per_second
        self.clock = clock
        self.max_people = max_people
        self._buckets: dict[str, _Bucket] = {}

    def check(self, key: str, sent_at: float | None = None) -> Verdict:
        """Take one token for this person and say whether the message may go on.

        ``sent_at`` is when the person sent it (seconds since the epoch), if known: messages that waited
        while the bot was down arrive together but were not sent together, so they are no flood.
        """
        now = self.clock() if sent_at is None else sent_at
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_people:
                self._forget_full(now)
            bucket = self._buckets[key] = _Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + max(now - bucket.updated, 0) * self.per_second)
        bucket.updated = max(now, bucket.updated)
        if bucket.tokens >= self.capacity / 2:
            bucket.warned = False  # the flood is over: a new one may be warned about again
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return Verdict.ALLOW
        if bucket.warned:
            return Verdict.DROP
        bucket.warned = True
        return Verdict.WARN

    def _forget_full(self, now: float) -> None:
        """Drop people whose bucket has refilled: they would start full anyway. Keeps memory bounded."""
        refill = self.capacity / self.per_second
        self._buckets = {k: b for k, b in self._buckets.items() if now - b.updated < refill}
