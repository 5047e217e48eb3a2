"""``harness spec diff``: each change to the two operations at the right severity, with whom it breaks."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.spec import bundled_spec_path, load_spec
from harness.spec_diff import Severity, diff

Edit = Callable[[dict[str, Any]], None]


def ours() -> dict[str, Any]:
    return yaml.safe_load(bundled_spec_path().read_text())


def written(tmp_path: Path, document: dict[str, Any], name: str, **dump: Any) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, **{"sort_keys": False, **dump}))
    return path


def newer(document: dict[str, Any]) -> None:
    """Facts of Togai's newer ingestion document."""
    schemas = document["components"]["schemas"]
    schemas["IngestBatchEventRequest"]["properties"]["events"]["maxItems"] = 500
    schemas["Event"]["required"] = [name for name in schemas["Event"]["required"] if name != "id"]
    schemas["IngestEventResponse"] = {"type": "object", "properties": {
        "success": {"type": "boolean"}, "statusCode": {"type": "integer"}, "message": {"type": "string"}}}
    for path in ("/ingest", "/ingestBatch"):
        for status in ("202", "207"):
            if status in document["paths"][path]["post"]["responses"]:
                document["paths"][path]["post"]["responses"][status]["content"] = {
                    "application/json": {"schema": {"$ref": "#/components/schemas/IngestEventResponse"}}}


def changes_between(tmp_path: Path, edit: Edit) -> dict[tuple[str, str], tuple[Severity, str]]:
    document = ours()
    edit(document)
    found = diff(load_spec(bundled_spec_path()), load_spec(written(tmp_path, document, "new.yaml")))
    return {(change.operation, change.where): (change.severity, change.message) for change in found}


def test_the_newer_documents_facts_each_at_their_severity(tmp_path: Path) -> None:
    changes = changes_between(tmp_path, newer)
    assert changes[("ingestBatch", "request events maxItems")][0] is Severity.ERR
    assert "1000 → 500" in changes[("ingestBatch", "request events maxItems")][1]
    assert changes[("ingest", "response 202")] == (
        Severity.ERR, "gains a body: an SDK that expects no content may fail on it")
    for status in ("202", "207"):
        severity, message = changes[("ingestBatch", f"response {status} errors")]
        assert severity is Severity.ERR and "partial-failure handling breaks" in message
    severity, message = changes[("ingest", "request event.id")]
    assert severity is Severity.WARN and "metered twice" in message
    assert changes[("ingestBatch", "response 207 success")][0] is Severity.INFO


def test_backwards_the_same_changes_read_otherwise(tmp_path: Path) -> None:
    newer_path = ours()
    newer(newer_path)
    found = diff(load_spec(written(tmp_path, newer_path, "newer.yaml")), load_spec(bundled_spec_path()))
    by_place = {(change.operation, change.where): change.severity for change in found}
    assert by_place[("ingestBatch", "request events maxItems")] is Severity.INFO  # loosened
    assert by_place[("ingest", "request event.id")] is Severity.ERR  # newly required


def same_meaning(document: dict[str, Any]) -> None:
    """Another layout: the Attribute schema inlined where it is used, Event split with allOf, keys reordered."""
    schemas = document["components"]["schemas"]
    schemas["Event"]["properties"]["attributes"]["items"] = copy.deepcopy(schemas["Attribute"])
    error = schemas["ErrorResponse"]
    schemas["ErrorResponse"] = {"allOf": [{"type": "object", "properties": error["properties"]},
                                          {"required": error.get("required", [])}]}
    document["paths"] = dict(reversed(list(document["paths"].items())))


@pytest.mark.parametrize("edit", [same_meaning, lambda document: None])
def test_the_same_meaning_in_another_layout_is_no_change(tmp_path: Path, edit: Edit) -> None:
    assert changes_between(tmp_path, edit) == {}


@pytest.mark.parametrize(("edit", "place", "severity"), [
    (lambda d: d["components"]["responses"]["Throttled"].pop("headers"), ("ingest", "response 429 header retry-after"),
     Severity.ERR),
    (lambda d: d["components"]["securitySchemes"]["bearerAuth"].update(type="apiKey", scheme=None, name="x-api-key",
                                                                       **{"in": "header"}), ("ingest", "security"),
     Severity.ERR),
    (lambda d: d["components"]["schemas"]["Attribute"]["properties"]["value"].update(pattern="^[0-9]+$"),
     ("ingest", "request event.attributes[].value pattern"), Severity.WARN),
    (lambda d: d["components"]["schemas"]["Event"]["properties"]["schemaName"].update(minLength=1),
     ("ingest", "request event.schemaName minLength"), Severity.ERR),
    (lambda d: d["paths"]["/ingest"]["post"]["responses"].update({"409": {"description": "conflict"}}),
     ("ingest", "response 409"), Severity.WARN),
])
def test_each_kind_of_change(tmp_path: Path, edit: Edit, place: tuple[str, str], severity: Severity) -> None:
    assert changes_between(tmp_path, edit)[place][0] is severity


def harness(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness", *args], cwd=cwd, capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if not k.startswith("HARNESS_")}, timeout=120,
                          check=False)


def test_the_command_gates_at_fail_on_and_writes_every_format(tmp_path: Path) -> None:
    document = ours()
    newer(document)
    new = str(written(tmp_path, document, "newer.yaml"))
    old = str(bundled_spec_path())
    gated = harness("spec", "diff", old, new, "--report-dir", "d", cwd=tmp_path)
    assert gated.returncode == 1, gated.stderr
    rows = {row["name"]: row for row in json.loads((tmp_path / "d" / "spec-diff.json").read_text())["rows"]}
    assert rows["ERR request events maxItems"]["outcome"] == "failed"
    assert rows["WARN request event.id"]["outcome"] == "passed"  # below --fail-on ERR: reported, not gating
    assert {path.name for path in (tmp_path / "d").iterdir()} >= {"spec-diff.json", "spec-diff.md",
                                                                   "spec-diff-junit.xml"}
    warn_only = ours()
    warn_only["components"]["schemas"]["Event"]["required"].remove("id")
    lenient = str(written(tmp_path, warn_only, "warn.yaml"))
    assert harness("spec", "diff", old, lenient, "--report-dir", "w", cwd=tmp_path).returncode == 0
    assert harness("spec", "diff", old, lenient, "--fail-on", "WARN", "--report-dir", "w", cwd=tmp_path
                   ).returncode == 1
    refused = harness("spec", "diff", old, str(tmp_path / "missing.yaml"), cwd=tmp_path)
    assert refused.returncode == 2 and "missing.yaml" in refused.stderr and "Traceback" not in refused.stderr
