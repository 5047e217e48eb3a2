"""Accepted events per second of the reference target, beside Stoplight Prism's mock.

Each target is started in its own process on loopback and driven by a load
generator in another process: keep-alive connections posting 1000-event
batches of unique events (prepared before the clock starts) for a fixed time.
Measured in the same run, alternated round by round, the median of the
rounds printed: the target with durable SQLite, with ``:memory:``, and Prism
(``@stoplight/prism-cli`` from npm, installed by this script into
``benchmarks/.prism``) mocking our spec, which validates and stores nothing.
Goals: at least 3 times Prism durable (issue 24), at least 100,000 accepted
events/s durable (issue 3).

    .venv/bin/python benchmarks/target_throughput.py [--seconds 4] [--rounds 3] [--memory-events 10000000]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from harness.factory import EventFactory
from harness.reference.server import bind, url_of
from harness.spec import bundled_spec_path, load_spec

TOKEN = "bench-token"
ADMIN = "bench-admin"
PRISM_DIR = Path(__file__).resolve().parent / ".prism"
BATCH = 1000
PREPARED_BATCHES_MAX = 4000  # about 600 MB of bodies; longer runs build theirs while sending


def unique_batches(namespace: str, count: int, prepared: bool) -> Iterable[bytes]:
    """``count`` unique 1000-event batches: built before the clock starts, or on the fly when they would not fit."""
    factory = EventFactory(load_spec(), namespace=namespace)
    if prepared:
        return [factory.batch_bytes(BATCH) for _ in range(count)]
    return (factory.batch_bytes(BATCH) for _ in range(count))


def load(url: str, seconds: float, connections: int, namespace: str, batches: int | None,
         results: multiprocessing.Queue) -> None:
    """Child process: post unique batches over ``connections`` keep-alive connections for ``seconds``.

    With ``batches``, each connection sends that many and stops early; otherwise enough for 40 batches/s.
    """
    per_connection = batches or int(seconds * 40) + 20
    prepared = per_connection * connections <= PREPARED_BATCHES_MAX
    bodies = [unique_batches(f"{namespace}-{i}", per_connection, prepared) for i in range(connections)]
    accepted = [0] * connections
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    start_at = time.monotonic() + 0.2
    deadline = start_at + seconds

    def worker(index: int) -> None:
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        with httpx.Client(base_url=url, headers=headers, timeout=30) as http:
            while time.monotonic() < start_at:
                time.sleep(0.001)
            for body in bodies[index]:
                if time.monotonic() >= deadline:
                    break
                status = http.post("/ingestBatch", content=body).status_code
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                if status == 202:
                    accepted[index] += BATCH

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start_at
    results.put((sum(accepted) / elapsed, statuses))


def drive(url: str, seconds: float, connections: int, namespace: str,
          batches: int | None = None) -> tuple[float, dict[int, int]]:
    results: multiprocessing.Queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=load, args=(url, seconds, connections, namespace, batches, results))
    process.start()
    rate, statuses = results.get(timeout=seconds + 300)
    process.join(timeout=30)
    return rate, statuses


@contextmanager
def child(command: list[str], url: str) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.post(f"{url}/ingest", content=b"{}", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{command[0]} did not start") from None
                time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def reference(db: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    sock = bind("127.0.0.1", 0)
    url = url_of(sock)
    port = sock.getsockname()[1]
    sock.close()
    command = [sys.executable, "-m", "harness", "serve", "--port", str(port), "--db", db, "--token", TOKEN,
               "--admin-token", ADMIN, "--rate", "1000000000"]
    with child(command, url) as process:
        yield url, process


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def prism_binary() -> Path | None:
    binary = PRISM_DIR / "node_modules" / ".bin" / "prism"
    if binary.exists():
        return binary
    if shutil.which("npm") is None:
        print("  npm not found: Prism is skipped")
        return None
    print("  installing @stoplight/prism-cli into benchmarks/.prism (once) ...", flush=True)
    PRISM_DIR.mkdir(exist_ok=True)
    result = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(PRISM_DIR),
                             "@stoplight/prism-cli"], capture_output=True, text=True, check=False)
    if result.returncode != 0 or not binary.exists():
        print(f"  Prism could not be installed: {result.stderr.strip().splitlines()[-1:]}")
        return None
    return binary


def measure_once(name: str, scratch: str, seconds: float, connections: int, prism: Path | None,
                 round_number: int) -> tuple[float, str] | None:
    """One target's accepted events/s (and what it answered), started afresh."""
    tag = f"bench-{name[:3]}-{round_number}"
    if name == "prism":
        if prism is None:
            return None
        sock = bind("127.0.0.1", 0)
        url, port = url_of(sock), sock.getsockname()[1]
        sock.close()
        with child([str(prism), "mock", str(bundled_spec_path()), "-h", "127.0.0.1", "-p", str(port)], url):
            rate, statuses = drive(url, seconds, connections, tag)
        return rate, str(statuses)
    db = os.path.join(scratch, f"events-{round_number}.db") if name == "durable SQLite" else ":memory:"
    with reference(db) as (url, process):
        rate, statuses = drive(url, seconds, connections, tag)
        return rate, f"{statuses}, peak RSS {peak_rss_mib(process.pid):.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=4.0, help="load time per target and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the targets alternate within each")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--memory-events", type=int, default=0,
                        help="also store this many events durably and report the target's peak memory")
    args = parser.parse_args()
    prism = prism_binary()
    seen: dict[str, list[float]] = {"durable SQLite": [], "in memory": [], "prism": []}
    with tempfile.TemporaryDirectory() as scratch:
        for round_number in range(args.rounds):  # alternated: every target meets the same machine each round
            for name, rates in seen.items():
                measured = measure_once(name, scratch, args.seconds, args.connections, prism, round_number)
                if measured is not None:
                    rates.append(measured[0])
                    print(f"  round {round_number + 1} {name:14}: {measured[0]:>10,.0f} events/s  {measured[1]}",
                          flush=True)
        figures = {name: statistics.median(rates) for name, rates in seen.items() if rates}
        for name, rate in figures.items():
            print(f"median {name:14}: {rate:>10,.0f} accepted events/s over {len(seen[name])} rounds")
        durable = figures["durable SQLite"]
        if figures.get("prism"):
            ratio = durable / figures["prism"]
            print(f"ratio durable / Prism: {ratio:.1f}x (goal >= 3x: {'met' if ratio >= 3 else 'MISSED'}; the "
                  "target validates every event against the spec and stores it durably, Prism validates and stores "
                  "nothing)")
        print(f"goal >= 100,000 events/s durable: {'met' if durable >= 100_000 else 'MISSED'} ({durable:,.0f})")
        if args.memory_events:
            with reference(os.path.join(scratch, "memory.db")) as (url, process):
                batches = -(-args.memory_events // (BATCH * args.connections))
                print(f"storing {batches * BATCH * args.connections:,} events (batches built while sending) ...",
                      flush=True)
                drive(url, 3600, args.connections, "bench-memory", batches=batches)
                stats = httpx.get(f"{url}/_harness/stats", headers={
                    "Authorization": f"Bearer {TOKEN}", "X-Harness-Admin": ADMIN}).json()
                print(f"after {stats['stored']:,} stored events: peak RSS {peak_rss_mib(process.pid):.0f} MiB "
                      f"(goal < 300 MiB)")


if __name__ == "__main__":
    main()
