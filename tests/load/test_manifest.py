"""The manifest lists exactly the ids the target acknowledged, streamed in flat memory; the trail is the run id."""

from __future__ import annotations

import gzip
import sqlite3
import tracemalloc
import zlib
from pathlib import Path
from typing import Any

from harness.load.manifest import ManifestWriter, count, ids, join_parts, part_path
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
        ("ingestBatch", "token", "acknowledged")}
    stored = stored_ids(db)
    assert {event_id for _, _, event_id, _ in listed} == stored and len(listed) == len(stored)
    assert report["manifest"] == {"ingestBatch/token/acknowledged": len(stored)}
    assert report["summary"]["statuses"].get("207", 0) > 0  # some batches were partly refused
    run_id = report["run_id"]
    assert all(event_id.startswith(run_id + "-") for event_id in stored)
    assert f"(run {run_id})" in result.stdout + result.stderr
    with sqlite3.connect(db) as connection:
        payload = connection.execute("SELECT payload FROM events LIMIT 1").fetchone()[0]
    assert b'"accountId":"acct-staging-test"' in payload and f'"harnessRun":"{run_id}"'.encode() in payload
    assert not list((tmp_path / "out").glob("manifest-part-*"))  # the parts were joined


def test_an_account_the_spec_refuses_is_one_line_before_anything_is_sent(tmp_path: Path) -> None:
    result, report = harness_load("--account-id", "x" * 600, cwd=tmp_path)
    assert result.returncode == 2 and "--account-id" in result.stderr and "maxLength 512" in result.stderr
    assert report is None


def test_millions_of_ids_stream_through_in_flat_memory(tmp_path: Path) -> None:
    writer = ManifestWriter(part_path(tmp_path))
    batch = [f"20261130-090417-02e2-c671dd-{n}-000000" for n in range(1000)]
    tracemalloc.start()
    for number in range(2000):  # 2,000,000 ids
        writer.add("ingestBatch", "token", (f"{event_id}{number:04x}" for event_id in batch))
    writer.close()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 4_000_000, peak  # what one batch's lines take, not what the run sent
    assert join_parts(tmp_path) == {"ingestBatch/token/acknowledged": 2_000_000}


def test_a_part_cut_short_by_a_killed_process_is_counted_up_to_the_cut(tmp_path: Path) -> None:
    path = tmp_path / "cut.tsv.gz"
    with gzip.open(path, "wt") as file:
        file.write("".join(f"ingest\ttoken\tid-{n}\tacknowledged\n" for n in range(10000)))
    path.write_bytes(path.read_bytes()[:-200])
    counted = count(path)
    assert 0 < counted.get("ingest/token/acknowledged", 0) < 10000
