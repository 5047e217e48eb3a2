"""Abort rules: a load run stops itself when the target breaks, judged on a sliding window while it runs.

A shared staging that collapses mid-run should not be hammered until
``--run-time``. Each rule is ``METRIC OP VALUE/WINDOW``: ``errors>20%/10s``
(the share of requests that failed, 429 not counted as failed), ``ok<1/10s``
(answers that were not failures: acknowledged or throttled), ``p99>10s/30s``
(a latency percentile). A rule is judged only over whole seconds the run has
lived through and only when the window saw a request, so a pause (a
scenario resting, a ``Retry-After`` waited out) is never a breach. Rules
given for a metric replace its default, as SLOs do (``harness.load.slo``).

Every process counts its answers per wall-clock second (``LiveWindow``);
Locust workers send their seconds to the master each second (Locust's own
custom messages), which judges; a local run judges its own. This module is
pure (no Locust), so the rules are tested without a run.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hdrh.histogram import HdrHistogram

from harness.durations import parse_duration

DEFAULT_RULES = "errors>20%/10s,ok<1/10s,p99>10s/30s"
_RULE = re.compile(r"^\s*(?P<metric>errors|ok|p\d+(?:\.\d+)?)\s*(?P<op><=|>=|<|>)\s*(?P<value>[0-9.]+)\s*"
                   r"(?P<unit>ms|s|%)?\s*/\s*(?P<window>[0-9.]+\s*(?:ms|s|m|h)?)\s*$")
_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt}
LATENCY_LOWEST_US, LATENCY_HIGHEST_US = 1, 120_000_000


def latency_histogram() -> HdrHistogram:
    return HdrHistogram(LATENCY_LOWEST_US, LATENCY_HIGHEST_US, 2)  # 2 digits: a second's worth, kept small


@dataclass(frozen=True)
class AbortRule:
    text: str
    metric: str  # errors (a share), ok (a count), pNN (a latency, seconds)
    op: str
    threshold: float
    window: int  # whole seconds

    def show(self, value: float) -> str:
        if self.metric == "errors":
            return f"errors {value:.0%}"
        if self.metric == "ok":
            return f"{value:.0f} answers not failed"
        return f"{self.metric} {value:.2f}s"


def parse_rules(text: str) -> list[AbortRule]:
    """A comma-separated rule list; a ``ValueError`` names the part that cannot be read, with an example."""
    rules = []
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        match = _RULE.match(part)
        if match is None:
            raise ValueError(f"abort rule {part!r}: write METRIC>VALUE/WINDOW with METRIC errors, ok or pNN, "
                             "e.g. errors>5%/10s, ok<1/10s, p99>2s/30s")
        metric, unit, value = match["metric"], match["unit"], float(match["value"])
        if metric == "errors":
            value = value / 100 if unit == "%" else value
        elif metric.startswith("p"):
            if unit == "%":
                raise ValueError(f"abort rule {part!r}: a latency takes ms or s")
            value = parse_duration(f"{match['value']}{unit or 's'}")
        window = parse_duration(match["window"])
        if window < 1:
            raise ValueError(f"abort rule {part!r}: the window is whole seconds, at least 1s")
        rules.append(AbortRule(part, metric, match["op"], value, round(window)))
    return rules


def with_default_rules(given: list[AbortRule]) -> list[AbortRule]:
    """The rules given, then each default whose metric none of them names."""
    named = {rule.metric for rule in given}
    return [*given, *(rule for rule in parse_rules(DEFAULT_RULES) if rule.metric not in named)]


@dataclass
class Second:
    ok: int = 0
    failed: int = 0
    latency: HdrHistogram = field(default_factory=latency_histogram)


@dataclass(frozen=True)
class Breach:
    rule: AbortRule
    value: float
    at: float  # seconds since the run started

    @property
    def message(self) -> str:
        minutes, seconds = divmod(int(self.at), 60)
        return (f"aborted at {minutes:02d}:{seconds:02d}: {self.rule.show(self.value)} over the last "
                f"{self.rule.window} s (rule {self.rule.text})")


class LiveWindow:
    """Answers per wall-clock second, the last ``keep`` seconds of them: bounded whatever the run's length."""

    def __init__(self, keep: int = 60) -> None:
        self.keep = keep
        self.seconds: dict[int, Second] = {}

    def record(self, now: float, latency_s: float, failed: bool) -> None:
        second = self.seconds.get(key := int(now))
        if second is None:
            second = self.seconds[key] = Second()
            self._forget(key)
        if failed:
            second.failed += 1
        else:
            second.ok += 1
        second.latency.record_value(min(max(int(latency_s * 1e6), LATENCY_LOWEST_US), LATENCY_HIGHEST_US))

    def _forget(self, newest: int) -> None:
        for key in [key for key in self.seconds if key <= newest - self.keep]:
            del self.seconds[key]

    def take_before(self, now: float) -> dict[str, Any]:
        """The whole seconds before ``now``, as a message for the master; they leave this window."""
        done = [key for key in self.seconds if key < int(now)]
        message = {str(key): {"ok": self.seconds[key].ok, "failed": self.seconds[key].failed,
                              "latency": self.seconds[key].latency.encode().decode()} for key in done}
        for key in done:
            del self.seconds[key]
        return message

    def merge(self, message: dict[str, Any]) -> None:
        for key, data in message.items():
            second = self.seconds.setdefault(int(key), Second())
            second.ok += data["ok"]
            second.failed += data["failed"]
            second.latency.decode_and_add(data["latency"].encode())
        if self.seconds:
            self._forget(max(self.seconds))

    def judge(self, rules: list[AbortRule], end: int, started: float) -> Breach | None:
        """The first rule breached over the whole seconds ``[end - window, end)`` the run lived through."""
        for rule in rules:
            if end - rule.window < started:
                continue
            window = [self.seconds[key] for key in range(end - rule.window, end) if key in self.seconds]
            requests = sum(second.ok + second.failed for second in window)
            if not requests:
                continue
            if rule.metric == "errors":
                value = sum(second.failed for second in window) / requests
            elif rule.metric == "ok":
                value = float(sum(second.ok for second in window))
            else:
                merged = latency_histogram()
                for second in window:
                    merged.add(second.latency)
                value = merged.get_value_at_percentile(float(rule.metric[1:])) / 1e6
            if _OPERATORS[rule.op](value, rule.threshold):
                return Breach(rule, value, end - started)
        return None
