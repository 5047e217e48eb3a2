"""A driver that breaks the protocol in the way its first argument names, for the bounds tests.

hang-at-hello, exit-mid-run (after two calls), garbage (a non-JSON line on the third call), hang-on-call (the
third), huge-line (a 2 MB line), wrong-id (answers another case's id), fatal (gives up at configure).
"""

from __future__ import annotations

import json
import sys
import time

MODE = sys.argv[1]
calls = 0


def answer(message: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


for line in sys.stdin:
    message = json.loads(line)
    if message["type"] == "hello":
        if MODE == "hang-at-hello":
            time.sleep(3600)
        answer({"type": "hello", "protocol": 1, "sdk": f"hostile-{MODE}", "version": "0", "language": "python",
                "capabilities": ["ingest", "ingestBatch"]})
    elif message["type"] == "configure":
        if MODE == "fatal":
            answer({"type": "fatal", "message": "no SDK here"})
            continue
        answer({"type": "configured"})
    elif message["type"] == "call":
        calls += 1
        if calls == 3:
            if MODE == "exit-mid-run":
                sys.stderr.write("the SDK fell over\n")
                sys.exit(7)
            if MODE == "garbage":
                sys.stdout.write("Exception in thread main: not a protocol line\n")
                sys.stdout.flush()
                continue
            if MODE == "hang-on-call":
                time.sleep(3600)
            if MODE == "huge-line":
                sys.stdout.write("{" + " " * 2_000_000 + "\n")
                sys.stdout.flush()
                continue
            if MODE == "wrong-id":
                answer({"type": "result", "id": "another-case", "returned": {"type": "None"}})
                continue
        answer({"type": "result", "id": message["id"], "returned": {"type": "None", "data": None}})
    elif message["type"] == "bye":
        break
