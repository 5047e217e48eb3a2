"""Locust's own distributed mode: a master and two workers on loopback, one aggregated summary."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

from harness.load.runner import LoadOptions, locust_command
from harness.reference import TargetConfig, running_target
from harness.reference.config import Latency
from harness.spec import load_spec
from tests.load.conftest import TOKEN, harness_load


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_master_with_two_workers_aggregates_both(tmp_path: Path) -> None:
    port = free_port()
    environment = {**os.environ, "HARNESS_TOKEN": TOKEN}
    worker_command = [sys.executable, "-m", "harness", "load", "--worker", "--master-host", "127.0.0.1",
                      "--master-port", str(port)]
    with running_target(TargetConfig(tokens=(TOKEN,), rate=1000)) as target:
        workers = [subprocess.Popen(worker_command, env=environment, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL) for _ in range(2)]
        try:
            result, report = harness_load("--master", "--expect-workers", "2", "--master-port", str(port),
                                          "--base-url", target.base_url, "--admin-token",
                                          target.config.admin_token or "", "--users", "4", "--run-time", "4s",
                                          "--batch-size", "50", cwd=tmp_path)
        finally:
            deadline = time.monotonic() + 30
            for worker in workers:
                try:
                    worker.wait(timeout=max(deadline - time.monotonic(), 1))
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
    assert result.returncode == 0, result.stdout + result.stderr
    summary = report["summary"]
    assert len(summary["workers"]) == 2
    assert summary["accepted_events"] > 0 and report["accounting"]["balanced"]
    assert [worker.returncode for worker in workers] == [0, 0]


def test_a_worker_whose_users_stop_slowly_still_hands_over_its_last_tally(tmp_path: Path) -> None:
    """Each answer takes 1.5 s, so at the run's end every worker waits that long for its users' requests: past
    the half second Locust's master waits on its own. The events those answers acknowledged are counted."""
    with running_target(TargetConfig(tokens=(TOKEN,), rate=1000, latency=Latency.parse("fixed:1.5s"))) as target:
        result, report = harness_load("--processes", "2", "--base-url", target.base_url, "--admin-token",
                                      target.config.admin_token or "", "--users", "4", "--rate", "8",
                                      "--run-time", "4s", "--batch-size", "20", "--slo", "p95<5s",
                                      "--max-in-flight", "40", cwd=tmp_path)  # room for a slow machine's answers
    assert result.returncode == 0, result.stdout + result.stderr
    summary = report["summary"]
    assert len(summary["workers"]) == 2
    assert summary["accepted_events"] > 0 and report["accounting"]["balanced"], report["accounting"]


def test_processes_meet_their_own_master_on_loopback_at_the_port_chosen_for_the_run() -> None:
    """Two ``--processes`` runs on one machine each get a free port from the CLI: a fixed 5557 let the second
    run's workers join the first's master (its events sent to the first's target, both manifests wrong)."""
    options = LoadOptions(processes=2, master_bind_port=40123)
    command = locust_command(options, "http://127.0.0.1:1", Path("out"), load_spec(None))
    flags = dict(pairwise(command))
    assert flags["--processes"] == "2" and flags["--master-bind-host"] == "127.0.0.1"
    assert flags["--master-bind-port"] == flags["--master-port"] == "40123"
