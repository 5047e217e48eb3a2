"""Service-level objectives: ``p95<300ms,p99<1s,errors<0.1%,events_per_s>=20000`` parsed and judged.

Latency percentiles come from the exact HDR histogram of the run, never from
Locust's rounded buckets. ``errors`` is the share of requests that failed
(429 is throttled, not an error), ``throttled`` the share answered 429 and
``dropped`` the share of an open model's starts dropped because the
requests in flight were at the cap (the target did not keep up: ``kept_up``);
rates are per second over the run; ``accepted_events``, ``undocumented``
(answers whose status the spec does not list) and ``malformed``
(acknowledgements whose body breaks the spec) are counts.

Every run is judged by :data:`DEFAULTS` too, so a run against a dead or
misbehaving server fails even with no ``--slo``; an objective given for the
same metric replaces its default. A default that measures capacity (a
latency or a rate) is only warned against the embedded reference target a
command started itself: that target shares the machine's CPU with the load
generator, so what it measures is the machine, not a system under test.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from harness.durations import parse_duration
from harness.load.summary import LoadSummary

_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt}
_SLO = re.compile(r"^\s*(?P<metric>[a-z_0-9.]+)\s*(?P<op><=|>=|<|>)\s*(?P<value>[0-9.]+)\s*(?P<unit>ms|s|%)?\s*$")
_RATES = ("events_per_s", "requests_per_s")
_SHARES = ("errors", "throttled", "dropped")
KEPT_UP = "dropped"  # the share of open-model starts dropped with the requests in flight at the cap
_COUNTS = ("accepted_events", "undocumented", "malformed")
DEFAULTS = "errors<=1%,throttled<100%,accepted_events>=1,undocumented<=0,malformed<=0,dropped<=1%,p95<1s"
PERCENTILES = (50.0, 75.0, 90.0, 95.0, 99.0, 99.9, 99.99)  # recorded by every run


@dataclass(frozen=True)
class Slo:
    text: str
    metric: str
    op: str
    threshold: float  # ms for latencies, a fraction for shares, per second for rates, a number for counts
    default: bool = False  # one of DEFAULTS, not given by the user

    @property
    def capacity(self) -> bool:
        """A latency or a rate: what the system's (and the machine's) speed decides, not its correctness."""
        return self.metric in (*_RATES, KEPT_UP) or self.latency

    @property
    def latency(self) -> bool:
        """A percentile, the mean or the max of the answer times."""
        return self.metric not in (*_SHARES, *_COUNTS, *_RATES)

    def measure(self, summary: LoadSummary) -> float:
        if self.metric == KEPT_UP:
            offered = summary.started + summary.dropped
            return summary.dropped_full / offered if offered else 0.0
        if self.metric in _SHARES:
            count = summary.failures if self.metric == "errors" else summary.throttled
            return count / summary.requests if summary.requests else 0.0
        if self.metric in _RATES or self.metric in _COUNTS:
            return float(getattr(summary, self.metric))
        return float(summary.latency_ms[self.metric])

    def met(self, summary: LoadSummary) -> tuple[bool, float]:
        value = self.measure(summary)
        return _OPERATORS[self.op](value, self.threshold), value

    def show(self, value: float) -> str:
        if self.metric in _SHARES:
            return f"{value:.3%}"
        if self.metric in _RATES:
            return f"{value:,.0f}/s"
        if self.metric in _COUNTS:
            return f"{value:,.0f}"
        return f"{value:.1f} ms"


def parse_slos(text: str) -> list[Slo]:
    """Parse a comma-separated SLO list; a ``ValueError`` names the part that cannot be read."""
    slos = []
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        match = _SLO.match(part)
        if match is None:
            raise ValueError(f"SLO {part!r}: write METRIC<VALUE, e.g. p95<300ms, errors<0.1%, events_per_s>=20000")
        metric, unit, value = match["metric"], match["unit"], float(match["value"])
        if re.fullmatch(r"p\d+(\.\d+)?|max|mean", metric):
            if unit == "%":
                raise ValueError(f"SLO {part!r}: a latency takes ms or s")
            value = parse_duration(f"{match['value']}{unit or 'ms'}") * 1000
            if metric not in ("max", "mean"):
                if float(metric[1:]) not in PERCENTILES:
                    raise ValueError(f"SLO {part!r}: percentiles recorded are "
                                     f"{', '.join(f'p{p:g}' for p in PERCENTILES)}")
                metric = f"p{float(metric[1:]):g}"
        elif metric in _SHARES:
            value = value / 100 if unit == "%" else value
        elif metric not in _RATES and metric not in _COUNTS:
            raise ValueError(f"SLO {part!r}: unknown metric {metric}; use pNN, max, mean, "
                             f"{', '.join((*_SHARES, *_RATES, *_COUNTS))}")
        slos.append(Slo(part, metric, match["op"], value))
    return slos


def with_defaults(given: list[Slo]) -> list[Slo]:
    """The objectives given, then each default whose metric none of them names."""
    named = {slo.metric for slo in given}
    return [*given, *(replace(slo, default=True) for slo in parse_slos(DEFAULTS) if slo.metric not in named)]
