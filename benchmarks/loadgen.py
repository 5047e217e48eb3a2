"""Our load generator against wrk, and the open-model pacer's accuracy, on a trivial loopback sink.

The sink (a child process: uvicorn and a trivial ASGI app) reads each
request body and answers the documented 202 (``{"errors": []}`` for a batch),
nothing else. In the same run:
- wrk (Debian's ``wrk``, installed by this script with apt-get when missing)
  posting one fixed 1000-event body over 4 connections;
- plain Locust (``FastHttpUser`` posting the same fixed body), 4 users;
- our ``batch_throughput`` locustfile (unique ids in every request, answers
  judged and recorded) with 4 users. Goals: at least 0.9 of plain Locust's
  requests/s (issue 24: what unique ids and judging cost), 0.8 of wrk's.
- the pacer at 10, 100 and 1000 requests/s: achieved arrival rate over target
  (goal: within 2 %).

    .venv/bin/python benchmarks/loadgen.py [--seconds 8] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import uvicorn

from harness.factory import EventFactory
from harness.load.scenarios import scenario
from harness.reference.server import bind, url_of

BATCH = 1000


ACCEPTED = {"/ingestBatch": b'{"errors":[]}', "/ingest": b""}  # the documented 202 of each operation


async def sink(scope: dict, receive: Any, send: Any) -> None:
    """A trivial ASGI app: read the whole body, answer the operation's documented 202 (a batch's lists no errors)."""
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    body = ACCEPTED.get(scope["path"], b"")
    headers = [(b"content-length", str(len(body)).encode())]
    if body:
        headers.append((b"content-type", b"application/json"))
    await send({"type": "http.response.start", "status": 202, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def serve_sink(port: int) -> None:
    uvicorn.run(sink, host="127.0.0.1", port=port, log_level="error", access_log=False, lifespan="off")


def wrk_binary() -> str | None:
    if shutil.which("wrk") is None and shutil.which("apt-get") and os.geteuid() == 0:
        print("  installing wrk with apt-get (once) ...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "wrk"], capture_output=True, check=False)
    return shutil.which("wrk")


def run_wrk(url: str, seconds: float, body_file: Path) -> float:
    script = body_file.with_suffix(".lua")
    script.write_text(f'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                      f'local f = io.open("{body_file}", "rb")\nwrk.body = f:read("*a")\nf:close()\n')
    result = subprocess.run(["wrk", "-t", "2", "-c", "4", "-d", f"{int(seconds)}s", "-s", str(script),
                             f"{url}/ingestBatch"], capture_output=True, text=True, check=True)
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)[1])  # type: ignore[index]


FIXED_BODY_LOCUSTFILE = """
from pathlib import Path
from locust import FastHttpUser, task
BODY = Path(__file__).with_name("body.json").read_bytes()
class FixedBody(FastHttpUser):
    @task
    def batch(self):
        self.client.post("/ingestBatch", data=BODY, headers={"Content-Type": "application/json"})
"""


def run_locust(url: str, seconds: float, locust_file: Path) -> float:
    """Requests/s of a locustfile with 4 users, from Locust's own JSON stats."""
    result = subprocess.run([sys.executable, "-m", "locust", "-f", str(locust_file), "--headless", "--host", url,
                             "-u", "4", "-r", "4", "-t", f"{int(seconds)}s", "--only-summary", "--json",
                             "--loglevel", "ERROR"], env={**os.environ, "HARNESS_TOKEN": "bench"},
                            capture_output=True, text=True, check=True)
    return sum(entry["num_requests"] for entry in json.loads(result.stdout)) / seconds


PACER_PROBE = """
import sys, time
from gevent import monkey; monkey.patch_all()
from geventhttpclient import HTTPClient
from geventhttpclient.url import URL
from harness.load.pacer import pace
url, rate, seconds = URL(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
client = HTTPClient.from_url(url, concurrency=200)
run = pace(rate, seconds, lambda: client.post("/ingest", body=b"{}").read())
span = run.last_start - run.first_start
print(run.started, run.dropped, (run.started - 1) / span if span > 0 else 0.0)
"""


def pacer_accuracy(url: str, rate: float, seconds: float) -> tuple[float, int]:
    result = subprocess.run([sys.executable, "-c", PACER_PROBE, url, str(rate), str(seconds)], capture_output=True,
                            text=True, check=True)
    _, dropped, achieved = result.stdout.split()
    return float(achieved) / rate, int(dropped)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sock = bind("127.0.0.1", 0)
    url, port = url_of(sock), sock.getsockname()[1]
    sock.close()
    sink = multiprocessing.Process(target=serve_sink, args=(port,), daemon=True)
    sink.start()
    time.sleep(0.5)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            body = Path(scratch) / "body.json"
            body.write_bytes(EventFactory().batch_bytes(BATCH))
            fixed = Path(scratch) / "fixed_body.py"
            fixed.write_text(FIXED_BODY_LOCUSTFILE)
            has_wrk = wrk_binary() is not None
            runs: dict[str, list[float]] = {"wrk": [], "fixed": [], "ours": []}
            for _ in range(args.repeat):  # alternated, so that machine noise hits all alike
                if has_wrk:
                    runs["wrk"].append(run_wrk(url, args.seconds, body))
                runs["fixed"].append(run_locust(url, args.seconds, fixed))
                runs["ours"].append(run_locust(url, args.seconds, scenario("batch_throughput").path))
        wrk = statistics.median(runs["wrk"]) if has_wrk else None
        plain, ours = statistics.median(runs["fixed"]), statistics.median(runs["ours"])
        print(f"wrk, one fixed {BATCH}-event body          : {wrk or float('nan'):>8,.0f} requests/s "
              f"(median of {args.repeat})")
        print(f"plain Locust FastHttpUser, fixed body    : {plain:>8,.0f} requests/s")
        print(f"batch_throughput (unique ids, judged)    : {ours:>8,.0f} requests/s")
        print(f"ratio ours / plain Locust: {ours / plain:.2f} (what unique ids and judging cost; goal >= 0.9: "
              f"{'met' if ours / plain >= 0.9 else 'MISSED'})")
        if wrk:
            print(f"ratio ours / wrk: {ours / wrk:.2f} (goal >= 0.8: {'met' if ours / wrk >= 0.8 else 'MISSED'})")
        for rate in (10.0, 100.0, 1000.0):
            ratio, dropped = pacer_accuracy(url, rate, 5.0)
            print(f"pacer at {rate:>6,.0f}/s: achieved {ratio:.3f} of target ({(ratio - 1):+.1%}), "
                  f"{dropped} dropped starts (goal within 2 %: {'met' if abs(ratio - 1) <= 0.02 else 'MISSED'})")
    finally:
        sink.terminate()
        sink.join()


if __name__ == "__main__":
    main()
