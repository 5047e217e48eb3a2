"""The manifest lists exactly the ids the target acknowledged, streamed in flat memory; the trail is the run id."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import tracemalloc
import zlib
from pathlib import Path
from typing import Any

import pytest

from harness.load.manifest import IdPattern, ManifestWriter, PatternBatch, ids, join_parts, part_path
from harness.reference import TargetConfig, running_target
from harness.reference.app import TargetApp
from harness.reference.store import Decision
from tests.load.conftest import TOKEN, harness_load


class RejectsSome(TargetApp):
    """Rejects about one event in seven of each batch, naming each in its 207 (stores the others)."""

    def _store_events(self, tenant: str, operation: str, events: list[dict[str, Any]]) -> list[Decision]:
        refused = [zlib.crc32(event["id"].encode()) % 7 == 0 for event in events]
        if operation != "ingestBatch" or all(refused) or not any(refused):
            return super()._store_events(tenant, operation, events)
        kept = iter(super()._store_events(tenant, operation, [e for e, r in zip(events, refused, strict=True)
                                                                 if not r]))
        return [Decision.CONFLICT if r else next(kept) for r in refused]


def stored_ids(db: Path) -> set[str]:
    with sqlite3.connect(db) as connection:
        return {row[0] for row in connection.execute("SELECT id FROM events")}


def test_the_manifest_lists_exactly_what_the_target_stored_and_every_id_carries_the_run_id(tmp_path: Path) -> None:
    db = tmp_path / "target.db"
    config = TargetConfig(tokens=(TOKEN,), db=str(db), rate=1000.0)
    with running_target(config, make_app=RejectsSome) as target:
        result, report = harness_load("--base-url", target.base_url, "--admin-token", target.config.admin_token or "",
                                      "--run-time", "4s", "--batch-size", "50", "--processes", "2",
                                      "--account-id", "acct-staging-test", "--tag-dimension", "harnessRun",
                                      "--slo", "p95<10s", cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    listed = list(ids(tmp_path / "out" / "manifest.tsv.gz"))
    assert listed and {(op, tenant, state) for op, tenant, _, state in listed} == {
        ("ingestBatch", "token", "acknowledged"), ("ingestBatch", "token", "rejected")}
    stored = stored_ids(db)
    acknowledged = [event_id for _, _, event_id, state in listed if state == "acknowledged"]
    rejected = {event_id for _, _, event_id, state in listed if state == "rejected"}  # each named by a 207
    assert set(acknowledged) == stored and len(acknowledged) == len(stored) and not rejected & stored
    assert report["manifest"] == {"ingestBatch/token/acknowledged": len(stored),
                                  "ingestBatch/token/rejected": len(rejected)}
    assert report["summary"]["statuses"].get("207", 0) > 0  # some batches were partly refused
    run_id = report["run_id"]
    assert all(event_id.startswith(run_id + "-") for event_id in stored)
    assert f"(run {run_id})" in result.stdout + result.stderr
    with sqlite3.connect(db) as connection:
        payload = connection.execute("SELECT payload FROM events LIMIT 1").fetchone()[0]
    assert b'"accountId":"acct-staging-test"' in payload and f'"harnessRun":"{run_id}"'.encode() in payload
    assert not list((tmp_path / "out").glob("manifest-part-*"))  # the parts were joined


class StoresThenStalls(TargetApp):
    """Stores every batch, but answers one in four after 3 s: past the run's --timeout, so the harness never sees
    its acknowledgement (a gateway that times out while the backend commits)."""

    def __init__(self, config: TargetConfig) -> None:
        super().__init__(config)
        self.batches = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != "/ingestBatch":
            await super().__call__(scope, receive, send)
            return
        self.batches += 1
        if self.batches % 4:
            await super().__call__(scope, receive, send)
            return

        async def late(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                await asyncio.sleep(3)
            await send(message)

        await super().__call__(scope, receive, late)


@pytest.mark.parametrize("processes", ["1", "2"])
def test_every_event_sent_is_listed_and_what_was_unanswered_covers_what_was_stored_unseen(
        tmp_path: Path, processes: str) -> None:
    db = tmp_path / "target.db"
    with running_target(TargetConfig(tokens=(TOKEN,), db=str(db), rate=1000.0), make_app=StoresThenStalls) as target:
        result, report = harness_load("--base-url", target.base_url, "--admin-token", target.config.admin_token or "",
                                      "--run-time", "4s", "--batch-size", "20", "--rate", "20", "--timeout", "1",
                                      "--processes", processes, "--no-abort", "--slo", "errors<=50%", cwd=tmp_path)
    listed = list(ids(tmp_path / "out" / "manifest.tsv.gz"))
    states: dict[str, set[str]] = {}
    for _, _, event_id, state in listed:
        states.setdefault(state, set()).add(event_id)
    stored = stored_ids(db)
    assert set(states) == {"acknowledged", "unanswered"}, (set(states), result.stderr[-1500:])
    assert states["acknowledged"] <= stored  # what the harness saw acknowledged was stored, and
    assert stored <= states["acknowledged"] | states["unanswered"]  # what it stored unseen is listed as unanswered
    assert stored - states["acknowledged"]  # the target did store events the harness never saw acknowledged
    assert report["accounting"]["balanced"], report["accounting"]


def test_an_account_the_spec_refuses_is_one_line_before_anything_is_sent(tmp_path: Path) -> None:
    result, report = harness_load("--account-id", "x" * 600, cwd=tmp_path)
    assert result.returncode == 2 and "--account-id" in result.stderr and "maxLength 512" in result.stderr
    assert report is None


def test_millions_of_ids_stream_through_in_flat_memory(tmp_path: Path) -> None:
    writer = ManifestWriter(part_path(tmp_path))
    batch = [f"20261130-090417-02e2-c671dd-{n}-000000" for n in range(1000)]
    tracemalloc.start()
    for number in range(500):  # 500,000 ids, one at a time (a patterned batch is one line: the next test)
        writer.add("ingestBatch", "token", (f"{event_id}{number:04x}" for event_id in batch))
    writer.close()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 4_000_000, peak  # what one batch's lines take, not what the run sent
    assert join_parts(tmp_path) == {"ingestBatch/token/acknowledged": 500_000}


def test_a_patterned_batch_is_one_line_in_its_part_and_every_id_in_the_manifest(tmp_path: Path) -> None:
    """A template's batch is written as its number; joined, the manifest lists its ids as the target got them,
    less those a 207 named (what a target names that is no id of the batch is ignored, tabs and all)."""
    pattern = IdPattern(tuple(f"run-7f3a-{n}" for n in range(1000)))
    writer = ManifestWriter(part_path(tmp_path))
    tracemalloc.start()
    for number in range(1, 2001):  # 2,000,000 ids
        writer.add("ingestBatch", "token", PatternBatch(pattern, number))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    writer.add("ingestBatch", "token", PatternBatch(pattern, 2001), "uncertain",
               excluded=frozenset({pattern.id(3, 2001), "not\tours\nat all"}))
    writer.add("ingest", "other", ["single-1"])
    writer.close()
    assert peak < 1_000_000, peak
    assert part_path(tmp_path).stat().st_size < 200_000  # 2,000 batches in a few bytes each
    assert join_parts(tmp_path) == {"ingest/other/acknowledged": 1, "ingestBatch/token/acknowledged": 2_000_000,
                                    "ingestBatch/token/uncertain": 999}
    listed = list(ids(tmp_path / "manifest.tsv.gz"))
    assert listed[0] == ("ingestBatch", "token", "run-7f3a-0-0000000001", "acknowledged")
    assert listed[-1000:-1] == [("ingestBatch", "token", event_id, "uncertain")
                                for event_id in pattern.ids(2001) if event_id != pattern.id(3, 2001)]
    assert listed[-1] == ("ingest", "other", "single-1", "acknowledged")
    assert len({event_id for _, _, event_id, _ in listed}) == len(listed)


def test_a_part_cut_short_by_a_killed_process_is_joined_up_to_the_cut(tmp_path: Path) -> None:
    writer = ManifestWriter(part_path(tmp_path))
    writer.add("ingest", "token", (f"id-{n}" for n in range(10000)))
    writer.close()
    part = part_path(tmp_path)
    part.write_bytes(part.read_bytes()[:-200])
    counted = join_parts(tmp_path).get("ingest/token/acknowledged", 0)
    assert 0 < counted < 10000
    assert len(list(ids(tmp_path / "manifest.tsv.gz"))) == counted


INTERRUPTED_WORKER = """
import os, sys
from pathlib import Path
from harness.load.manifest import IdPattern, ManifestWriter, PatternBatch, part_path
pattern = IdPattern(tuple(f"run-{n}" for n in range(10)))
writer = ManifestWriter(part_path(Path(sys.argv[1])))
for number in range(1, 101):
    writer.add("ingestBatch", "token", PatternBatch(pattern, number))
writer.flush()  # Locust's test_stop
if sys.argv[2] == "late":
    writer.close()  # Locust's quit
    writer.add("ingestBatch", "token", PatternBatch(pattern, 101))  # an answer after the quit
writer.add("ingestBatch", "token", PatternBatch(pattern, 999)) if sys.argv[2] == "unflushed" else None
os._exit(0)  # interrupted: nothing closed, nothing collected
"""


@pytest.mark.parametrize(("how", "expected"), [("stopped", 1000), ("late", 1010), ("unflushed", 1000)])
def test_a_part_never_closed_keeps_what_was_flushed(tmp_path: Path, how: str, expected: int) -> None:
    """A worker its master interrupts on the way out never closes its part: what the run's stop flushed is there,
    and an answer arriving after the part was closed is appended to it, not written over it."""
    subprocess.run([sys.executable, "-c", INTERRUPTED_WORKER, str(tmp_path), how], check=True, timeout=60)
    assert join_parts(tmp_path) == {"ingestBatch/token/acknowledged": expected}
