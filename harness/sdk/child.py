"""The Python SDK driver: an adapter run through the driver protocol (docs/sdk-driver-protocol.md).

Started by ``harness sdk`` as ``python child.py ADAPTER`` with the SDK's own
interpreter (its virtualenv), so it is standard library only. It speaks the
same protocol as a Java or Node driver: the harness scripts the target's
answers for each case and sends the call; this driver hands the events to
the adapter's ``send_event``/``send_batch`` and answers what the SDK
returned or raised. Anything the SDK or the adapter prints goes to standard
error: standard output carries protocol lines only.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TextIO

PROTOCOL = 1
PLACEHOLDER_URL, PLACEHOLDER_TOKEN = "http://127.0.0.1:9", "harness-placeholder-token"
NETWORK_MODULES = ("urllib3", "http", "socket", "ssl", "requests", "httpx", "httpcore", "aiohttp")
CRASHES = ("TypeError", "AttributeError", "KeyError", "IndexError", "UnboundLocalError", "NameError")
CAPABILITIES = ["ingest", "ingestBatch", "timestamp:utc", "timestamp:offset", "timestamp:naive",
                "timestamp:z-string"]


def load_adapter(reference: str) -> Any:
    """``path/to/file.py:factory`` or ``package.module:factory``."""
    target, _, factory = reference.rpartition(":")
    if target.endswith(".py"):
        spec = importlib.util.spec_from_file_location(Path(target).stem, target)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    else:
        module = importlib.import_module(target)
    return getattr(module, factory)


def describe_value(value: Any) -> dict[str, Any]:
    if value is None:
        return {"type": "None", "data": None}
    data = value.to_dict() if hasattr(value, "to_dict") else value
    try:
        text = json.dumps(data, default=str)
    except (TypeError, ValueError):
        text = repr(data)
    return {"type": f"{type(value).__module__}.{type(value).__qualname__}", "data": text[:1000]}


def describe_error(error: BaseException) -> dict[str, Any]:
    status = next((value for name in ("status", "status_code", "code")
                   if isinstance(value := getattr(error, name, None), int)), None)
    kind = type(error)
    chain, cause = [], error.__cause__ or error.__context__
    while cause is not None and len(chain) < 5:
        chain.append(f"{type(cause).__module__}.{type(cause).__qualname__}")
        cause = cause.__cause__ or cause.__context__
    body = getattr(error, "body", None)
    return {"type": f"{kind.__module__}.{kind.__qualname__}", "status": status, "message": str(error)[:500],
            "body": body.decode(errors="replace")[:500] if isinstance(body, bytes) else
            (str(body)[:500] if body is not None else None), "causes": chain,
            "network": any(c.split(".")[0] in NETWORK_MODULES for c in [kind.__module__, *chain]),
            "crash": kind.__module__ == "builtins" and kind.__qualname__ in CRASHES}


def with_timestamp(events: list[dict[str, Any]], field: str, form: str) -> list[dict[str, Any]]:
    """The events with their date-time ``field`` as the SDK's caller may hold it (the same instant each time)."""
    changed = []
    for event in events:
        instant = datetime.fromisoformat(str(event[field])).astimezone(UTC)
        value: Any = {"utc": instant, "offset": instant.astimezone(timezone(timedelta(hours=5, minutes=30))),
                      "naive": instant.replace(tzinfo=None),
                      "z-string": instant.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"}[form]
        changed.append({**event, field: value})
    return changed


def call(adapter: Any, message: dict[str, Any]) -> dict[str, Any]:
    events = message["events"]
    if message.get("timestamp"):
        events = with_timestamp(events, message["timestamp"]["field"], message["timestamp"]["form"])
    started = time.monotonic()
    try:
        value = adapter.send_event(events[0]) if message["operation"] == "ingest" else adapter.send_batch(events)
        outcome: dict[str, Any] = {"returned": describe_value(value)}
    except Exception as error:  # whatever the SDK raises is the observation
        outcome = {"raised": describe_error(error)}
    return {"type": "result", "id": message["id"], "seconds": time.monotonic() - started, **outcome}


def serve(reference: str, requests: TextIO, answers: TextIO) -> int:
    """Answer each message of ``requests`` on ``answers`` until ``bye`` or the end of the input."""
    factory: Any = None
    adapter: Any = None

    def answer(message: dict[str, Any]) -> None:
        answers.write(json.dumps(message) + "\n")
        answers.flush()

    for line in requests:
        message = json.loads(line)
        kind = message.get("type")
        try:
            if kind == "hello":
                factory = load_adapter(reference)
                # the adapter says its SDK's version and default host once made: made here with placeholders
                # (making one sends nothing), then made for real on configure
                probe = factory(PLACEHOLDER_URL, PLACEHOLDER_TOKEN)
                answer({"type": "hello", "protocol": PROTOCOL, "sdk": reference.rsplit("/", 1)[-1],
                        "version": str(getattr(probe, "version", "") or ""), "language": "python",
                        "default_host": getattr(probe, "default_host", None), "capabilities": CAPABILITIES})
            elif kind == "configure":
                adapter = factory(message["base_url"], message["token"])
                answer({"type": "configured"})
            elif kind == "call":
                answer(call(adapter, message))
            elif kind == "bye":
                return 0
        except Exception as error:  # the adapter could not load or start
            answer({"type": "fatal", "message": f"the adapter could not start: {type(error).__name__}: {error}"})
            return 3
    return 0


def main() -> int:
    # whatever the SDK or the adapter prints (even straight to file descriptor 1) goes to standard error:
    # standard output carries protocol lines only
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return serve(sys.argv[1], sys.stdin, protocol)


if __name__ == "__main__":
    sys.exit(main())
