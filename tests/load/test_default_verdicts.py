"""With no --slo, a load run still fails when requests fail: the default objectives judge every run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.load.runner import EMBEDDED_CAPACITY, slo_row
from harness.load.slo import DEFAULTS, parse_slos, with_defaults
from harness.load.summary import LoadSummary
from harness.reference import TargetConfig, running_target
from harness.reference.config import Latency
from harness.verdicts import Outcome
from tests.contract.broken import Headers, rewriting
from tests.load.conftest import TOKEN, harness_load


def _login_page(scope: dict[str, Any], status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    return 200, [(b"content-type", b"text/html")], b"<html><body>Please sign in</body></html>"


def _always_throttled(scope: dict[str, Any], status: int, headers: Headers,
                      body: bytes) -> tuple[int, Headers, bytes]:
    if scope["path"] == "/ingestBatch":
        return 429, [(b"content-type", b"application/json"), (b"retry-after", b"1")], b'{"message": "Slow down."}'
    return status, headers, body


def _malformed_ack(scope: dict[str, Any], status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    return status, headers, (b'{"errors": "none"}' if status == 202 else body)


@pytest.mark.parametrize(("name", "make_app", "config", "breached"), [
    ("every answer 503", None, {"error_ratio": 1.0}, {"errors", "accepted_events"}),
    ("a 200 HTML login page", rewriting(_login_page), {}, {"errors", "undocumented", "accepted_events"}),
    ("every batch throttled", rewriting(_always_throttled), {}, {"throttled", "accepted_events"}),
    ("a 202 whose body breaks the spec", rewriting(_malformed_ack), {}, {"errors", "malformed", "accepted_events"}),
])
def test_a_dead_or_broken_server_fails_the_run_without_any_slo(name: str, make_app: Any, config: dict[str, Any],
                                                                breached: set[str], tmp_path: Path) -> None:
    options = {"make_app": make_app} if make_app else {}
    with running_target(TargetConfig(tokens=(TOKEN,), **config), **options) as target:
        # the latency gate loosened: its own test is below, and a busy CI machine is not what is proven here
        result, report = harness_load("--base-url", target.base_url, "--run-time", "2s", "--users", "2",
                                      "--batch-size", "20", "--slo", "p95<10s", cwd=tmp_path)
    assert result.returncode == 1, f"{name}: {result.stdout[-800:]} {result.stderr[-800:]}"
    assert report is not None
    failed = {slo["slo"].split("<")[0].split(">")[0] for slo in report["slos"] if not slo["met"]}
    assert failed == breached, name


def test_a_slow_target_is_flagged_by_the_default_latency_gate(tmp_path: Path) -> None:
    with running_target(TargetConfig(tokens=(TOKEN,), latency=Latency.parse("1200ms"))) as target:
        # with the read-back (--admin-token): the loss probe would re-send 50 events at 1.2 s each
        result, report = harness_load("--base-url", target.base_url, "--admin-token", target.config.admin_token or "",
                                      "--run-time", "3s", "--users", "2", "--batch-size", "10", cwd=tmp_path)
    assert result.returncode == 1 and report is not None
    assert [slo["slo"] for slo in report["slos"] if not slo["met"]] == ["p95<1s"]


def test_the_defaults_are_shown_and_a_given_objective_replaces_its_default(tmp_path: Path) -> None:
    with running_target(TargetConfig(tokens=(TOKEN,), error_ratio=1.0)) as target:
        result, report = harness_load("--base-url", target.base_url, "--run-time", "2s", "--users", "1",
                                      "--batch-size", "10", "--slo", "errors<=100%", cwd=tmp_path)
    assert report is not None
    slos = {slo["slo"].removeprefix("kept_up (").removesuffix(")"): slo for slo in report["slos"]}
    assert "errors<=100%" in slos and "errors<=1%" not in slos
    assert set(slos) - {"errors<=100%"} == set(DEFAULTS.split(",")) - {"errors<=1%"}
    assert "a default objective" in slos["accepted_events>=1"]["value"]
    assert result.returncode == 1  # nothing was accepted: the default for accepted_events still fails it


@pytest.mark.parametrize(("objectives", "embedded", "outcome"), [
    ("", True, Outcome.WARNED),  # the default p95<1s, missed by the embedded target: the machine's speed, said so
    ("", False, Outcome.FAILED),  # the same miss by a target the user gave: a finding
    ("p95<1s", True, Outcome.FAILED),  # an objective the user gave gates, whatever the target
    ("errors<=1%", True, Outcome.FAILED),  # a default of correctness, never warned
])
def test_the_embedded_target_only_warns_a_default_capacity_objective(objectives: str, embedded: bool,
                                                                      outcome: Outcome) -> None:
    slow_and_failing = LoadSummary(2.0, 100, 50, 0, 500, 50.0, 250.0, {"202": 50, "503": 50},
                                   {"p95": 1500.0}, {}, 1, [], [], [])
    metric = (objectives or "p95<1s").split("<")[0]
    slo = next(slo for slo in with_defaults(parse_slos(objectives)) if slo.metric == metric)
    row = slo_row(slo, slow_and_failing, "batch_throughput", embedded=embedded)
    assert row.outcome is outcome, row.message
    assert (EMBEDDED_CAPACITY in row.message) is (outcome is Outcome.WARNED)
    assert bool(row.findings) is (outcome is Outcome.FAILED)


@pytest.mark.parametrize(("embedded", "kept_up", "latency"), [
    (False, Outcome.FAILED, Outcome.WARNED),  # a target the user gave fell behind: kept_up fails, its queue is warned
    (True, Outcome.WARNED, Outcome.WARNED),  # the embedded target: the machine's capacity, warned both
])
def test_a_target_behind_the_offered_rate_fails_kept_up_and_its_latency_is_the_queue(
        embedded: bool, kept_up: Outcome, latency: Outcome) -> None:
    behind = LoadSummary(20.0, 400, 0, 0, 4000, 20.0, 200.0, {"202": 400}, {"p95": 4000.0}, {}, 1, [], [], [],
                         started=440, dropped=464, dropped_full=464)
    rows = {slo.metric: slo_row(slo, behind, "batch_throughput", embedded=embedded, offered_rate=45.0, behind=True)
            for slo in with_defaults([])}
    assert rows["dropped"].outcome is kept_up and rows["dropped"].name == "kept_up (dropped<=1%)"
    assert rows["dropped"].message.startswith("the target answered 20.0 of the 45 requests/s offered (capacity below")
    assert rows["p95"].outcome is latency
    assert rows["errors"].outcome is Outcome.PASSED  # correctness is judged as ever
    caught_up = LoadSummary(20.0, 900, 0, 0, 9000, 45.0, 450.0, {"202": 900}, {"p95": 80.0}, {}, 1, [], [], [],
                            started=900, dropped=3, dropped_full=3)
    (slo,) = [slo for slo in with_defaults([]) if slo.metric == "dropped"]
    assert slo_row(slo, caught_up, "batch_throughput", offered_rate=45.0).outcome is Outcome.PASSED
