"""Settings of the reference target, shared by ``harness serve`` and ``running_target``."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from harness.durations import parse_duration
from harness.facts import DOCUMENTED_QUOTA, UNAUTH_WINDOW_SECONDS

DEFAULT_MAX_BODY_BYTES = 1_048_576

MEMORY = ":memory:"


@dataclass(frozen=True)
class Latency:
    """Added latency: ``fixed:50ms``, ``uniform:10ms:100ms`` or ``exp:50ms`` (mean)."""

    kind: str = "none"
    low: float = 0.0
    high: float = 0.0

    @classmethod
    def parse(cls, text: str) -> Latency:
        parts = text.split(":")
        try:
            if len(parts) == 1:
                return cls("fixed", parse_duration(parts[0]), 0.0)
            if parts[0] in ("fixed", "exp") and len(parts) == 2:
                return cls(parts[0], parse_duration(parts[1]), 0.0)
            if parts[0] == "uniform" and len(parts) == 3:
                low, high = parse_duration(parts[1]), parse_duration(parts[2])
                if low <= high:
                    return cls("uniform", low, high)
        except ValueError:
            pass
        raise ValueError(f"latency {text!r}: use 50ms, fixed:50ms, uniform:10ms:100ms or exp:50ms")


@dataclass(frozen=True)
class Outage:
    """A window of 503s: ``START:DURATION`` after the target starts, e.g. ``10s:5s``."""

    start: float
    duration: float

    @classmethod
    def parse(cls, text: str) -> Outage:
        match = re.fullmatch(r"([^:]+):([^:]+)", text)
        try:
            if match:
                return cls(parse_duration(match[1]), parse_duration(match[2]))
        except ValueError:
            pass
        raise ValueError(f"outage {text!r}: use START:DURATION, e.g. 10s:5s")


@dataclass(frozen=True)
class TargetConfig:
    tokens: tuple[str, ...] = ("harness-dev-token",)
    db: str = MEMORY
    rate: float = DOCUMENTED_QUOTA
    burst: float | None = None  # bucket capacity; one second's worth of quota when None
    batch_max: int | None = None  # the spec's maxItems when None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    admin_token: str | None = field(default_factory=lambda: secrets.token_urlsafe(18))
    unauth_quota: int | None = None  # per client IP, per ``unauth_window`` seconds; off when None
    unauth_window: float = UNAUTH_WINDOW_SECONDS
    latency: Latency = Latency()
    error_ratio: float = 0.0
    outage: Outage | None = None
    spec_path: Path | None = None

    def __post_init__(self) -> None:
        problems = []
        if not self.tokens or any(not token or any(c.isspace() for c in token) for token in self.tokens):
            problems.append("each --token must be a non-empty string without spaces")
        if self.rate <= 0:
            problems.append("--rate must be above 0")
        if self.burst is not None and self.burst < 1:
            problems.append("--burst must be at least 1")
        if self.batch_max is not None and self.batch_max < 1:
            problems.append("--batch-max must be at least 1")
        if self.max_body_bytes < 1:
            problems.append("--max-body-bytes must be at least 1")
        if not 0.0 <= self.error_ratio <= 1.0:
            problems.append("--error-ratio must be between 0 and 1")
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def capacity(self) -> float:
        return self.burst if self.burst is not None else max(self.rate, 1.0)

    @property
    def durable(self) -> bool:
        return self.db != MEMORY
