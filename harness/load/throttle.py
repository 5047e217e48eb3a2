"""Judging the throttle steps: where the target starts to throttle, against the quota it documents.

A step is *throttled* when 429s are sustained (over ``SUSTAINED_SHARE`` of its
requests, in at least half of its seconds) and *clear* when it had none.
Starting from an empty bucket, a step above the quota admits the quota, so
the admitted rate of throttled steps measures it; the onset is bracketed by
the highest clear step and the lowest throttled one (docs/contract.md#throttling).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from harness.facts import UNAUTH_WINDOW_SECONDS
from harness.load.summary import ScenarioVerdict, Step
from harness.retry_after import parse as parse_retry_after
from harness.verdicts import Finding, Outcome, Row

SUSTAINED_SHARE = 0.05


@dataclass(frozen=True)
class ThrottleFinding:
    name: str  # a row of its own
    passed: bool
    message: str


@dataclass
class ThrottleVerdict:
    expected_quota: float
    tolerance: float
    highest_clear: float | None = None  # offered rate, requests/s
    lowest_throttled: float | None = None
    measured_quota: float | None = None
    findings: list[ThrottleFinding] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(finding.passed for finding in self.findings)

    @property
    def onset(self) -> str:
        return (f"onset between {self.highest_clear or 0:g} and {self.lowest_throttled or 0:g} req/s; admits "
                f"{self.measured_quota or 0:.1f}/s against the quota {self.expected_quota:g}/s")

    def to_dict(self) -> dict[str, Any]:
        return {"expected_quota": self.expected_quota, "tolerance": self.tolerance,
                "highest_clear_rate": self.highest_clear, "lowest_throttled_rate": self.lowest_throttled,
                "measured_quota": self.measured_quota, "passed": self.passed,
                "findings": [vars(finding) for finding in self.findings]}

    def as_verdict(self, scenario: str) -> ScenarioVerdict:
        rows = [Row(f.name, scenario, Outcome.PASSED if f.passed else Outcome.FAILED, f.message,
                    [] if f.passed else [Finding(f.message)], group="throttle") for f in self.findings]
        return ScenarioVerdict(rows, [("throttle onset", self.onset)], self.onset, {"throttle": self.to_dict()})


def sustained(step: Step) -> bool:
    requests = step.accepted + step.throttled + step.failed
    return requests > 0 and step.throttled / requests > SUSTAINED_SHARE and step.throttled_seconds >= step.seconds / 2


def judge_steps(steps: list[Step], retry_after: dict[str, int], expected: float, tolerance: float) -> ThrottleVerdict:
    verdict = ThrottleVerdict(expected, tolerance)
    add = verdict.findings.append
    both = [s for s in steps if s.operations == "both"]
    tenants = [s for s in steps if s.operations == "other tenant"]
    steps = [s for s in steps if s.operations == "one"]
    low, high = expected * (1 - tolerance), expected * (1 + tolerance)
    clear = [s.offered_rate for s in steps if s.throttled == 0]
    throttled = [s for s in steps if sustained(s)]
    verdict.highest_clear = max(clear, default=None)
    verdict.lowest_throttled = min((s.offered_rate for s in throttled), default=None)
    early = [s for s in throttled if s.offered_rate <= low]
    add(ThrottleFinding("no throttling below the quota", not early,
                        f"429s sustained at {early[0].offered_rate:.0f} req/s, below the quota's "
                        f"{expected:g} - {tolerance:.0%}" if early else
                        f"no sustained 429 at or below {low:.0f} req/s"))
    if not throttled:
        add(ThrottleFinding("throttles past the quota", False,
                            f"no sustained 429 up to {max((s.offered_rate for s in steps), default=0):.0f} "
                            f"req/s, against a documented quota of {expected:g} req/s"))
    else:
        verdict.measured_quota = statistics.median(s.admitted_rate for s in throttled)
        within = low <= verdict.measured_quota <= high
        add(ThrottleFinding("throttles past the quota", within,
                            f"admits {verdict.measured_quota:.1f} req/s once throttled; documented quota "
                            f"{expected:g} req/s ± {tolerance:.0%}"))
    missing = retry_after.get("missing", 0)
    malformed = sum(count for value, count in retry_after.items()
                    if value != "missing" and parse_retry_after(value) is None)
    too_long = sum(count for value, count in retry_after.items()
                   if (parse_retry_after(value) or 0) > UNAUTH_WINDOW_SECONDS)
    seen_429 = sum(retry_after.values())
    add(ThrottleFinding("429 carries Retry-After", seen_429 > 0 and missing == malformed == too_long == 0,
                        "no 429 seen" if not seen_429 else
                        f"{missing} of {seen_429} 429s without Retry-After, {malformed} neither delta-seconds nor "
                        f"an HTTP-date, {too_long} asking to wait longer than the longest documented quota window "
                        f"({UNAUTH_WINDOW_SECONDS:,.0f}s)" if missing or malformed or too_long else
                        f"all {seen_429} 429s carry a usable Retry-After"))
    quota_found = verdict.measured_quota is not None and low <= verdict.measured_quota <= high
    for step in both if quota_found else ():  # with one operation's quota off, both at once tell nothing more
        shared = sustained(step)
        add(ThrottleFinding("a quota per operation", not shared,
                            f"429s sustained with {step.offered_rate:g} req/s on each operation at once (each under "
                            f"its quota of {expected:g}, together over it): one bucket for both operations"
                            if shared else f"{step.offered_rate:g} req/s on each operation at once, no sustained 429"))
    for step in tenants:
        shared = sustained(step)
        add(ThrottleFinding("a quota per tenant", not shared,
                            f"another tenant sending {step.offered_rate:g} req/s was throttled while this one flooded: "
                            "the tenants share a quota" if shared else
                            f"another tenant sending {step.offered_rate:g} req/s was not throttled by this one's "
                            "flood"))
    probes = [s.honesty for s in steps if s.honesty is not None and s.honesty.admitted is not None]
    refused = [p for p in probes if not p.admitted]
    if probes:
        add(ThrottleFinding("Retry-After is honest", not refused,
                            f"a request sent {refused[0].retry_after}s after a 429 was answered {refused[0].status}"
                            if refused else f"{len(probes)} requests sent after their Retry-After were admitted"))
    return verdict
