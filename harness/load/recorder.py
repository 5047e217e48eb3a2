"""Exact latencies and ingestion counts of a Locust run, aggregated across workers, written as JSON.

Locust's own statistics round response times into buckets; SLOs on
percentiles need exact values, so every request is also recorded in an HDR
histogram (microseconds, 3 significant digits), overall and per time window
for the latency-over-time chart. Workers send what they recorded since their
last report through Locust's ``report_to_master`` event, and their last
tally when the run stops (``harness.load.handover``); the master (or a local
run) merges it and, when Locust quits, writes the summary to the path given
by ``--harness-summary``.
"""

from __future__ import annotations

import logging
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gevent
import msgspec
from hdrh.histogram import HdrHistogram
from locust import events
from locust.env import Environment
from locust.runners import MasterRunner, WorkerRunner

from harness.facts import THROTTLED
from harness.limits import from_locust
from harness.load import summary as summary_file
from harness.load.abort import AbortRule, Breach, LiveWindow, parse_rules
from harness.load.handover import Handover
from harness.load.manifest import ACKNOWLEDGED, REJECTED, UNCERTAIN, ManifestWriter, PatternBatch, part_path
from harness.load.slo import PERCENTILES
from harness.load.summary import TENANT, LoadSummary, ScenarioVerdict, Step, Window
from harness.redaction import SCRUBBER, clip

LOWEST_US, HIGHEST_US, DIGITS = 1, 120_000_000, 3
LIVE_MESSAGE = "harness_live"  # a worker's answers per second, sent to the master each second
LIVE_LAG = 2  # seconds the master judges behind the clock: a worker's second arrives within the next one
SAMPLE_SIZE = 50  # acknowledged ids the harness asks the target about after a run
FAILURES_KEPT = 5  # distinct failure messages handed back, the most frequent


def _reason(error: object) -> str:
    """A failure's words: what ``response.failure`` was given, without Locust's exception wrapper."""
    text = str(error)
    for wrapper in ("CatchResponseError(", "ResponseError("):
        if text.startswith(wrapper) and text.endswith(")"):
            return text[len(wrapper):-1].strip("'\"")
    return text


def histogram() -> HdrHistogram:
    return HdrHistogram(LOWEST_US, HIGHEST_US, DIGITS)


@dataclass
class Tally:
    """What one process saw since its last report (or all of it, on the master)."""

    requests: int = 0
    failures: int = 0
    throttled: int = 0
    accepted_events: int = 0
    undocumented: int = 0  # answers with a status the spec does not list for the operation
    malformed: int = 0  # acknowledgements (202/207) whose body breaks the spec
    acknowledged_seen: int = 0
    # events sent without a complete answer (yet): in flight at the stop, timed out or cut off; each may be stored
    unanswered_events: int = 0
    started: int = 0  # requests the users' open-model schedules started ...
    dropped: int = 0  # ... and the starts they dropped, too late or with the user's requests all in flight
    dropped_full: int = 0  # ... of which with the user's requests all in flight: the target did not keep up
    sample: list[tuple[str, str]] = field(default_factory=list)  # (tenant, id) of acknowledged events, uniform
    statuses: Counter[str] = field(default_factory=Counter)
    latency: HdrHistogram = field(default_factory=histogram)
    windows: dict[int, HdrHistogram] = field(default_factory=dict)  # window start (s since run start) -> latencies
    window_counts: dict[int, Counter[str]] = field(default_factory=dict)  # ... -> ok / throttled / failed
    retry_after: Counter[str] = field(default_factory=Counter)
    steps: list[Step] = field(default_factory=list)  # throttle steps, from the pacer

    def to_message(self) -> dict[str, Any]:
        return {"requests": self.requests, "failures": self.failures, "throttled": self.throttled,
                "accepted_events": self.accepted_events, "undocumented": self.undocumented,
                "malformed": self.malformed, "acknowledged_seen": self.acknowledged_seen,
                "unanswered_events": self.unanswered_events, "started": self.started, "dropped": self.dropped,
                "dropped_full": self.dropped_full,
                "sample": self.sample,
                "statuses": dict(self.statuses),
                "latency": self.latency.encode().decode(), "retry_after": dict(self.retry_after),
                "windows": {str(k): v.encode().decode() for k, v in self.windows.items()},
                "window_counts": {str(k): dict(v) for k, v in self.window_counts.items()},
                "steps": msgspec.to_builtins(self.steps)}

    def keep(self, acknowledged: tuple[str, str], seen: int) -> None:
        """Reservoir sampling: each of the ``seen`` (tenant, id) so far is kept with the same chance."""
        if len(self.sample) < SAMPLE_SIZE:
            self.sample.append(acknowledged)
        elif (slot := random.randrange(max(seen, 1))) < SAMPLE_SIZE:
            self.sample[slot] = acknowledged

    def merge(self, message: dict[str, Any]) -> None:
        self.requests += message["requests"]
        self.failures += message["failures"]
        self.throttled += message["throttled"]
        self.accepted_events += message["accepted_events"]
        self.undocumented += message["undocumented"]
        self.malformed += message["malformed"]
        self.unanswered_events += message["unanswered_events"]
        self.started += message["started"]
        self.dropped += message["dropped"]
        self.dropped_full += message["dropped_full"]
        for tenant, event_id in message["sample"]:  # a list on the wire between processes
            self.keep((tenant, event_id), message["acknowledged_seen"])
        self.acknowledged_seen += message["acknowledged_seen"]
        self.statuses.update(message["statuses"])
        self.retry_after.update(message["retry_after"])
        self.latency.decode_and_add(message["latency"].encode())
        for key, encoded in message["windows"].items():
            self.windows.setdefault(int(key), histogram()).decode_and_add(encoded.encode())
        for key, counts in message["window_counts"].items():
            self.window_counts.setdefault(int(key), Counter()).update(counts)
        self.steps.extend(msgspec.convert(message["steps"], list[Step]))


class Recorder:
    """One per Locust process; the locustfiles reach it as ``RECORDER``."""

    def __init__(self) -> None:
        self.tally = Tally()
        self.environment: Environment | None = None
        self.started = time.time()
        self.window = 1
        self.workers: set[str] = set()
        self.summary_path: Path | None = None
        self.judges: list[Callable[[LoadSummary, Any], ScenarioVerdict]] = []
        self.live = LiveWindow()  # answers per second, for the abort rules
        self.rules: list[AbortRule] = []
        self.breach: Breach | None = None
        self.manifest: ManifestWriter | None = None  # this process's part of the run's manifest

    def verdict(self, judge: Callable[[LoadSummary, Any], ScenarioVerdict]) -> Callable[[LoadSummary, Any],
                                                                                      ScenarioVerdict]:
        """Decorate a locustfile's ``judge(summary, options)``: the scenario's own verdict, judged on quit."""
        self.judges.append(judge)
        return judge

    # -- recording (every process) --------------------------------------
    def on_request(self, response_time: float, response: Any = None, exception: BaseException | None = None,
                   **_: Any) -> None:
        """Locust's ``request`` event: every request any user makes, with its exact time in ms."""
        self.request(getattr(response, "status_code", None), response_time / 1000, exception is not None)

    def request(self, status: int | None, seconds: float, failed: bool) -> None:
        tally = self.tally
        tally.requests += 1
        micros = min(max(int(seconds * 1_000_000), LOWEST_US), HIGHEST_US)
        tally.latency.record_value(micros)
        key = int(time.time() - self.started) // self.window * self.window
        window = tally.windows.get(key)
        if window is None:
            window = tally.windows[key] = histogram()
            tally.window_counts[key] = Counter()
        window.record_value(micros)
        tally.statuses[str(status) if status is not None else "error"] += 1
        outcome = "throttled" if status == THROTTLED else "failed" if failed else "ok"
        tally.window_counts[key][outcome] += 1
        self.live.record(time.time(), seconds, failed)
        if status == THROTTLED:
            tally.throttled += 1
        elif failed:
            tally.failures += 1

    def accepted(self, count: int) -> None:
        self.tally.accepted_events += count

    def unanswered(self, events: int) -> None:
        """``events`` sent (positive) or answered (negative): what is left at the end had no answer."""
        self.tally.unanswered_events += events

    def paced(self, started: int, dropped: int, dropped_full: int) -> None:
        """A stopping user's schedule: the requests it started, the starts it dropped, and of those the ones
        dropped because its requests in flight were at the cap."""
        self.tally.started += started
        self.tally.dropped += dropped
        self.tally.dropped_full += dropped_full

    def acknowledged(self, event_id: str, tenant: str = TENANT) -> None:
        """One acknowledged event's id and its tenant, kept in the uniform sample the harness probes after the run."""
        self.tally.acknowledged_seen += 1
        self.tally.keep((tenant, event_id), self.tally.acknowledged_seen)

    def stored(self, operation: str, tenant: str, ids: Sequence[str] | PatternBatch, rejected: int,
               named: frozenset[str]) -> None:
        """An acknowledgement's events into the manifest: all but those a 207 named as rejected (``rejected``,
        those of the batch's own ids: what a target names may be anything); when it rejected events without
        naming them, the rest are ``uncertain``."""
        if self.manifest is None:
            return
        self.manifest.add(operation, tenant, ids, UNCERTAIN if rejected > len(named) else ACKNOWLEDGED, named)
        if named:
            own = ids.pattern.ids(ids.number) if isinstance(ids, PatternBatch) else ids
            self.manifest.add(operation, tenant, [event_id for event_id in own if event_id in named], REJECTED)

    def sent(self, operation: str, tenant: str, ids: Sequence[str] | PatternBatch, state: str) -> None:
        """Events whose request was not acknowledged, in the manifest with what became of them (throttled,
        rejected, unanswered: harness.load.manifest)."""
        if self.manifest is not None:
            self.manifest.add(operation, tenant, ids, state)

    def undocumented(self) -> None:
        self.tally.undocumented += 1

    def malformed(self) -> None:
        self.tally.malformed += 1

    def retry_after(self, value: str) -> None:
        self.tally.retry_after[value] += 1

    def step(self, result: Step) -> None:
        self.tally.steps.append(result)

    # -- Locust wiring ----------------------------------------------------
    def install(self, environment: Environment) -> None:
        self.environment = environment
        options = environment.parsed_options
        run_time = getattr(options, "run_time", None) or 60
        self.window = max(1, int(run_time) // 120)  # at most about 120 windows, whatever the run time
        path = getattr(options, "harness_summary", "")
        self.summary_path = Path(path) if path else None
        environment.events.request.add_listener(self.on_request)
        environment.events.test_start.add_listener(lambda **_: self._restart())
        environment.events.report_to_master.add_listener(self._report)
        environment.events.worker_report.add_listener(self._merge)
        # each worker's last tally reaches the master before it quits, however long its users take to stop
        bound = (environment.stop_timeout or 0) + from_locust(options).request_seconds
        Handover(self._take, self._merge_tally, bound).install(environment)
        manifest = getattr(options, "harness_manifest", "")
        self.manifest = ManifestWriter(part_path(Path(manifest))) if manifest else None
        if self.manifest is not None:  # every user has stopped and its answers are in: readable at once
            environment.events.test_stop.add_listener(lambda **_: self.manifest and self.manifest.flush())
        environment.events.quit.add_listener(lambda **_: self.write())
        self.rules = parse_rules(getattr(options, "harness_abort", "") or "")
        if self.rules:
            self.live = LiveWindow(keep=max(rule.window for rule in self.rules) + LIVE_LAG + 5)
            if isinstance(environment.runner, MasterRunner):
                environment.runner.register_message(LIVE_MESSAGE, lambda msg, **_: self.live.merge(msg.data))
            environment.events.test_start.add_listener(lambda **_: gevent.spawn(self._watch))

    def _watch(self) -> None:
        """Each second: a worker sends its whole seconds to the master; the master (or a local run) judges the
        abort rules and, on a breach, quits the run (every user stops; the reports are written as usual)."""
        runner = self.environment.runner if self.environment else None
        worker = isinstance(runner, WorkerRunner)
        lag = LIVE_LAG if isinstance(runner, MasterRunner) else 0  # the workers' seconds are a second behind
        while runner is not None and self.breach is None:
            gevent.sleep(1.0)
            now = time.time()
            if worker:
                runner.send_message(LIVE_MESSAGE, self.live.take_before(now))
                continue
            breach = self.live.judge(self.rules, int(now) - lag, self.started)
            if breach is not None:
                self.breach = breach
                logging.getLogger("harness").warning(breach.message)
                runner.quit()

    def _restart(self) -> None:
        self.started = time.time()

    def _take(self) -> dict[str, Any]:
        """What this process recorded since its last report, as a message; the tally starts again."""
        message, self.tally = self.tally.to_message(), Tally()
        return message

    def _report(self, client_id: str, data: dict[str, Any]) -> None:
        data["harness"] = self._take()

    def _merge(self, client_id: str, data: dict[str, Any]) -> None:
        if "harness" in data:
            self._merge_tally(client_id, data["harness"])

    def _merge_tally(self, client_id: str, message: dict[str, Any]) -> None:
        self.workers.add(client_id)
        self.tally.merge(message)

    def summary(self) -> LoadSummary:
        tally = self.tally
        elapsed = max(time.time() - self.started, 1e-9)
        latency = {f"p{p:g}": tally.latency.get_value_at_percentile(p) / 1000 for p in PERCENTILES}
        latency["max"] = tally.latency.get_max_value() / 1000
        latency["mean"] = tally.latency.get_mean_value() / 1000
        windows = [Window(key, sum(tally.window_counts.get(key, {}).values()),
                          *(hist.get_value_at_percentile(p) / 1000 for p in (50.0, 95.0, 99.0)),
                          **dict(tally.window_counts.get(key, {})))
                   for key, hist in sorted(tally.windows.items())]
        return LoadSummary(elapsed, tally.requests, tally.failures, tally.throttled, tally.accepted_events,
                           tally.requests / elapsed, tally.accepted_events / elapsed, dict(tally.statuses), latency,
                           dict(tally.retry_after), self.window, windows, tally.steps, sorted(self.workers),
                           undocumented=tally.undocumented, malformed=tally.malformed,
                           unanswered_events=tally.unanswered_events, started=tally.started,
                           dropped=tally.dropped, dropped_full=tally.dropped_full, sample=tally.sample,
                           failure_reasons=self.failure_reasons())

    def failure_reasons(self) -> list[tuple[str, int]]:
        """Locust's own record of failures (merged from the workers), the most frequent first, scrubbed."""
        stats = self.environment.stats if self.environment is not None else None
        errors = sorted(stats.errors.values() if stats is not None else (), key=lambda e: -e.occurrences)
        return [(clip(f"{error.method} {error.name}: {_reason(error.error)}", 300), error.occurrences)
                for error in errors[:FAILURES_KEPT]]

    def write(self) -> None:
        if self.manifest is not None:
            self.manifest.close()
        if self.summary_path is None or isinstance(self.environment and self.environment.runner, WorkerRunner):
            return
        summary = self.summary()
        options = self.environment.parsed_options if self.environment else None
        for judge in self.judges:
            summary.verdict = judge(summary, options)
        summary.aborted = self.breach.message if self.breach else None
        self.summary_path.parent.mkdir(parents=True, exist_ok=True)
        self.summary_path.write_bytes(SCRUBBER.scrub_bytes(summary_file.encode(summary)))  # Retry-After values


RECORDER = Recorder()


@events.init_command_line_parser.add_listener
def _arguments(parser: Any) -> None:
    parser.add_argument("--harness-summary", default="", help="Write the harness's JSON summary here on quit")
    parser.add_argument("--harness-manifest", default="",
                        help="Folder where each process streams the ids it sent, by state (harness.load.manifest)")
    parser.add_argument("--harness-abort", default="",
                        help="Abort rules judged each second, e.g. errors>20%%/10s,ok<1/10s (harness.load.abort)")


@events.init.add_listener
def _install(environment: Environment, **_: Any) -> None:
    RECORDER.install(environment)
    # Locust starts its --run-time timer next, and gevent's timers count from the loop's cached clock, which
    # has stood still since the loop last ran (before the locustfile's imports, in a fresh process): without
    # this, a run asked for 14 s ended after 12 on a busy CI machine, and one after a 1.5 s import ran 0.3 s.
    gevent.get_hub().loop.update_now()
