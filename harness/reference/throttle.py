"""Token buckets: the contract's throttling (docs/contract.md#throttling).

A bucket holds at most ``capacity`` requests (one second's worth of quota by
default) and refills at ``rate`` per second. A refused request learns an
honest ``Retry-After``: the whole seconds, rounded up, after which the bucket
holds a token again.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    rate: float
    capacity: float
    tokens: float
    updated: float

    def take(self, now: float) -> float | None:
        """Take one token; ``None`` when admitted, else the seconds until one is there."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return None
        return (1.0 - self.tokens) / self.rate


@dataclass
class Throttle:
    """One bucket per key (tenant and operation, or client IP)."""

    rate: float
    capacity: float
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[Hashable, TokenBucket] = field(default_factory=dict)

    def admit(self, key: Hashable) -> int | None:
        """``None`` when admitted, else the ``Retry-After`` in whole seconds (at least 1)."""
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(self.rate, self.capacity, self.capacity, now)
        wait = bucket.take(now)
        if wait is None:
            return None
        return max(1, math.ceil(wait))
