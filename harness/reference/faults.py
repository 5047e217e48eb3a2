"""Fault injection for demos and for proving the harness: latency, 503s, outages.

Off by default. Set from flags at start and changed at runtime through the
admin API (``PUT /_harness/faults``).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any

from harness.reference.config import Latency, Outage


@dataclass
class Faults:
    latency: Latency = field(default_factory=Latency)
    error_ratio: float = 0.0
    outage_from: float | None = None  # monotonic seconds
    outage_until: float | None = None
    rng: random.Random = field(default_factory=random.Random)

    @classmethod
    def starting(cls, latency: Latency, error_ratio: float, outage: Outage | None) -> Faults:
        faults = cls(latency=latency, error_ratio=error_ratio)
        if outage is not None:
            faults.outage_from = time.monotonic() + outage.start
            faults.outage_until = faults.outage_from + outage.duration
        return faults

    def delay(self) -> float:
        latency = self.latency
        if latency.kind == "fixed":
            return latency.low
        if latency.kind == "uniform":
            return self.rng.uniform(latency.low, latency.high)
        if latency.kind == "exp":
            return self.rng.expovariate(1.0 / latency.low) if latency.low > 0 else 0.0
        return 0.0

    def unavailable(self) -> bool:
        """True when this request should get a 503 (an outage, or the error ratio)."""
        if self.outage_from is not None and self.outage_until is not None \
                and self.outage_from <= time.monotonic() < self.outage_until:
            return True
        return self.error_ratio > 0 and self.rng.random() < self.error_ratio

    def describe(self) -> dict[str, Any]:
        now = time.monotonic()
        outage_left = max(0.0, (self.outage_until or now) - max(now, self.outage_from or now))
        return {"latency": {"kind": self.latency.kind, "low_s": self.latency.low, "high_s": self.latency.high},
                "error_ratio": self.error_ratio, "outage_remaining_s": round(outage_left, 3)}

    def update(self, settings: dict[str, Any]) -> None:
        """Apply ``{"latency": "50ms", "error_ratio": 0.1, "outage_seconds": 5}``; raises ``ValueError``."""
        unknown = set(settings) - {"latency", "error_ratio", "outage_seconds"}
        if unknown:
            raise ValueError(f"unknown fault setting(s): {', '.join(sorted(unknown))}")
        if "latency" in settings:
            value = settings["latency"]
            self.latency = Latency() if value in (None, "none", "0") else Latency.parse(str(value))
        if "error_ratio" in settings:
            ratio = settings["error_ratio"]
            if not isinstance(ratio, int | float) or not 0 <= ratio <= 1:
                raise ValueError("error_ratio must be a number between 0 and 1")
            self.error_ratio = float(ratio)
        if "outage_seconds" in settings:
            seconds = settings["outage_seconds"]
            if not isinstance(seconds, int | float) or seconds < 0:
                raise ValueError("outage_seconds must be a number of seconds, 0 or more")
            self.outage_from = time.monotonic()
            self.outage_until = self.outage_from + float(seconds)
