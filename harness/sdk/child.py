"""Runs one SDK adapter through the cases, inside the SDK's environment. Standard library only.

Started by ``harness sdk`` as ``python child.py`` with the SDK's own
interpreter; reads the job (target, adapter, cases) as JSON on stdin and
writes one JSON line per case on stdout. Before each call it scripts the
target's answers through the admin API, labelled with the case id, so the
harness can later read what the SDK sent for that case.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

NETWORK_MODULES = ("urllib3", "http", "socket", "ssl", "requests", "httpx", "httpcore", "aiohttp")


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


def script(job: dict[str, Any], case: dict[str, Any]) -> None:
    request = urllib.request.Request(
        f"{job['base_url']}/_harness/scenario", method="PUT",
        data=json.dumps({"label": case["id"], "answers": case["answers"]}).encode(),
        headers={"Authorization": f"Bearer {job['token']}", "X-Harness-Admin": job["admin_token"],
                 "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


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
            "network": any(c.split(".")[0] in NETWORK_MODULES for c in [kind.__module__, *chain])}


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


def run_case(adapter: Any, case: dict[str, Any]) -> dict[str, Any]:
    if case.get("timestamp"):
        field, form = case["timestamp"]
        case = {**case, "events": with_timestamp(case["events"], field, form)}
    started = time.monotonic()
    try:
        if case["operation"] == "single":
            value = adapter.send_event(case["events"][0])
        else:
            value = adapter.send_batch(case["events"])
        outcome: dict[str, Any] = {"returned": describe_value(value)}
    except Exception as error:  # whatever the SDK raises is the observation
        outcome = {"raised": describe_error(error)}
    return {"id": case["id"], "started": time.time() - (time.monotonic() - started),
            "seconds": time.monotonic() - started, **outcome}


def emit(line: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


def main() -> int:
    job = json.load(sys.stdin)
    try:
        adapter = load_adapter(job["adapter"])(job["base_url"], job["token"])
    except Exception as error:
        emit({"fatal": f"the adapter could not start: {type(error).__name__}: {error}"})
        return 3
    emit({"version": str(getattr(adapter, "version", "")), "default_host": getattr(adapter, "default_host", None)})
    for case in job["cases"]:
        script(job, case)
        emit(run_case(adapter, case))
    return 0


if __name__ == "__main__":
    sys.exit(main())
