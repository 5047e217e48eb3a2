"""Our load generator's success path against plain Locust and wrk, with what each part costs.

The sink is a child process that reads each request's head, moves its body
to /dev/null with ``splice`` (the kernel moves the pages: no copy into the
sink) and answers the documented 202 (``{"errors": []}`` for a batch). It
takes about a fifth of a core where a Python HTTP server would take all of
one, so on this machine the load generator, not the sink, is what runs out
of CPU: each row says how busy the Locust process was.

Every rung posts the same bytes (one 1000-event body of our template, ids as
long as a real run's), over 4 connections, closed loop; alternated, the
median of ``--repeat`` rounds:

1. wrk (Debian's ``wrk``, installed by this script with apt-get when
   missing) posting that body;
2. plain Locust: ``FastHttpUser`` posting that body (the baseline);
3. plain Locust posting a fresh template batch each time (unique ids);
4. ours: the ``batch_throughput`` scenario exactly as ``harness load
   --unthrottled`` runs it (``harness.load.runner.locust_command``): unique
   ids, every answer judged against the spec and recorded (the exact
   histograms, the manifest of acknowledged ids, the abort rules' windows).

Goal (issue 24): ours at least 0.9 of plain Locust's requests/s.

    .venv/bin/python benchmarks/loadgen.py [--seconds 8] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from harness.load.manifest import join_parts
from harness.load.runner import LoadOptions, locust_command
from harness.reference.server import bind, url_of
from harness.spec import load_spec

TOKEN = "bench-token"
ACCEPTED = {b"/ingestBatch": b'{"errors":[]}', b"/ingest": b""}  # the documented 202 of each operation


def answer(path: bytes) -> bytes:
    body = ACCEPTED.get(path, b"")
    kind = b"content-type: application/json\r\n" if body else b""
    return b"HTTP/1.1 202 Accepted\r\ncontent-length: %d\r\n%s\r\n%s" % (len(body), kind, body)


def discard(connection: socket.socket, length: int, pipe: tuple[int, int], null: int) -> None:
    """``length`` bytes of the connection gone: spliced to /dev/null through a pipe, or read where splice is not."""
    while length:
        if hasattr(os, "splice"):
            moved = os.splice(connection.fileno(), pipe[1], min(length, 1 << 20))
            left = moved
            while left:
                left -= os.splice(pipe[0], null, left)
        else:
            moved = len(connection.recv(min(length, 1 << 20)))
        if not moved:
            raise ConnectionError("closed mid-body")
        length -= moved


def serve_connection(connection: socket.socket) -> None:
    pipe, null = os.pipe(), os.open(os.devnull, os.O_WRONLY)
    try:
        while True:
            head = connection.recv(16384, socket.MSG_PEEK)
            if not head:
                return
            end = head.find(b"\r\n\r\n")
            if end < 0:
                time.sleep(0.0001)  # the rest of the head is on its way
                continue
            lines = connection.recv(end + 4).split(b"\r\n")
            length = next((int(line.partition(b":")[2]) for line in lines[1:]
                           if line.partition(b":")[0].strip().lower() == b"content-length"), 0)
            discard(connection, length, pipe, null)
            connection.sendall(answer(lines[0].split(b" ")[1]))
    except OSError:
        return
    finally:
        connection.close()
        os.close(null)
        for end_ in pipe:
            os.close(end_)


def serve_sink(listener: socket.socket) -> None:
    listener.listen(64)
    while True:
        connection, _ = listener.accept()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=serve_connection, args=(connection,), daemon=True).start()


@dataclass
class Sample:
    requests_per_s: float
    cpu: float  # cores the load generator's process used


def measured(command: list[str], seconds: float) -> Sample:
    """Requests/s from Locust's own JSON stats, and the CPU its process used (this process's waited children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(command, env={**os.environ, "HARNESS_TOKEN": TOKEN}, capture_output=True, text=True,
                            check=False, timeout=seconds + 120)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0 and not result.stdout.lstrip().startswith("["):
        raise SystemExit(f"error: {command[4]} failed: {result.stderr[-800:]}")
    stats = json.loads(result.stdout[result.stdout.index("["):])
    failures = sum(entry["num_failures"] for entry in stats)
    if failures:
        raise SystemExit(f"error: {command[4]}: {failures} failed requests: the success path was not measured")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Sample(sum(entry["num_requests"] for entry in stats) / seconds, cpu / seconds)


def plain_locust(url: str, seconds: float, locust_file: Path) -> list[str]:
    return [sys.executable, "-m", "locust", "-f", str(locust_file), "--headless", "--host", url, "-u", "4", "-r", "4",
            "-t", f"{int(seconds)}s", "--only-summary", "--json", "--loglevel", "ERROR"]


PLAIN = '''
from pathlib import Path
from locust import FastHttpUser, task
BODY = Path(__file__).with_name("body.json").read_bytes()
class FixedBody(FastHttpUser):
    @task
    def batch(self):
        self.client.post("/ingestBatch", data=BODY, headers={"Content-Type": "application/json"})
'''

BODY = '''
import sys
from harness.factory import EventFactory
from harness.load.users import BatchTemplate
from harness.spec import load_spec
from harness.trail import run_id
with open(sys.argv[1], "wb") as file:
    file.write(BatchTemplate(EventFactory(load_spec(None), namespace=f"{run_id()}-abcdef"), 1000).next())
'''

PLAIN_UNIQUE = '''
from locust import FastHttpUser, task
from harness.factory import EventFactory
from harness.load.users import BatchTemplate
from harness.spec import load_spec
from harness.trail import run_id
class UniqueIds(FastHttpUser):
    def on_start(self):
        self.template = BatchTemplate(EventFactory(load_spec(None), namespace=f"{run_id()}-abcdef"), 1000)
    @task
    def batch(self):
        self.client.post("/ingestBatch", data=self.template.next(), headers={"Content-Type": "application/json"})
'''


def wrk_command(url: str, seconds: float, body_file: Path) -> list[str] | None:
    if shutil.which("wrk") is None and shutil.which("apt-get") and os.geteuid() == 0:
        print("  installing wrk with apt-get (once) ...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "wrk"], capture_output=True, check=False)
    if shutil.which("wrk") is None:
        return None
    script = body_file.with_suffix(".lua")
    script.write_text(f'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                      f'local f = io.open("{body_file}", "rb")\nwrk.body = f:read("*a")\nf:close()\n')
    return ["wrk", "-t", "2", "-c", "4", "-d", f"{int(seconds)}s", "-s", str(script), f"{url}/ingestBatch"]


def run_wrk(command: list[str]) -> Sample:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds = float(command[command.index("-d") + 1].rstrip("s"))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Sample(float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)[1]), cpu / seconds)  # type: ignore[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    listener = bind("127.0.0.1", 0)
    url = url_of(listener)
    sink = multiprocessing.Process(target=serve_sink, args=(listener,), daemon=True)
    sink.start()
    listener.close()
    try:
        with tempfile.TemporaryDirectory() as scratch_name:
            scratch = Path(scratch_name)
            # in a child: importing the users imports Locust, whose gevent patches this process's subprocess
            subprocess.run([sys.executable, "-c", BODY, str(scratch / "body.json")], check=True)
            body = (scratch / "body.json").read_bytes()
            (scratch / "plain.py").write_text(PLAIN)
            (scratch / "plain_unique.py").write_text(PLAIN_UNIQUE)
            report = scratch / "ours"
            options = LoadOptions(unthrottled=True, users=4, run_time=args.seconds)
            ours = [*locust_command(options, url, report, load_spec(None)), "--json"]
            rungs: dict[str, list[str] | None] = {
                "wrk, the same body": wrk_command(url, args.seconds, scratch / "body.json"),
                "plain Locust FastHttpUser, the same body": plain_locust(url, args.seconds, scratch / "plain.py"),
                "  + unique ids (a template batch each time)": plain_locust(url, args.seconds,
                                                                          scratch / "plain_unique.py"),
                "ours: + judged, recorded, manifest, abort rules": ours}
            samples: dict[str, list[Sample]] = {name: [] for name, command in rungs.items() if command}
            joined = []
            for _ in range(args.repeat):  # alternated, so that machine noise hits all alike
                for name, command in rungs.items():
                    if command is None:
                        continue
                    samples[name].append(run_wrk(command) if command[0] == "wrk" else measured(command, args.seconds))
                started = time.perf_counter()
                counts = join_parts(report)
                joined.append((sum(counts.values()), time.perf_counter() - started))
        print(f"load generator on the success path: {len(body):,}-byte batches of 1000 events, 4 connections, "
              f"{args.seconds:g} s, median of {args.repeat} alternated rounds")
        plain = statistics.median(s.requests_per_s for s in samples["plain Locust FastHttpUser, the same body"])
        for name, runs in samples.items():
            rate = statistics.median(s.requests_per_s for s in runs)
            cpu = statistics.median(s.cpu for s in runs)
            micros = statistics.median(1e6 * s.cpu / s.requests_per_s for s in runs)
            print(f"  {name:<50} {rate:>7,.0f} requests/s  {rate / plain:>5.2f} x plain  "
                  f"{cpu:>4.2f} cores  {micros:>4.0f} µs CPU/request")
        ours_rate = statistics.median(s.requests_per_s for s in samples[next(reversed(samples))])
        ratio = ours_rate / plain
        print(f"goal: ours >= 0.9 x plain Locust's requests/s: {ratio:.2f} "
              f"({'met' if ratio >= 0.9 else 'MISSED'})")
        ids, seconds = max(joined)
        print(f"after the run (not in the figures above): the manifest of {ids:,} acknowledged ids joined in "
              f"{seconds:.1f} s")
    finally:
        sink.terminate()
        sink.join()


if __name__ == "__main__":
    main()
