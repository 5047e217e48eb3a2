"""A whole-API document (the two operations among many others) drives every command; a bad one gets one line.

Togai publishes one document for all of its APIs, with its generated
clients: hundreds of operations, ``GET``s without a body, schemas shared
through ``$ref``. The harness finds the two ingestion operations by their
``operationId``, follows what they reference, and leaves the rest alone
(a defect there is not ours to judge).
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from harness.admin_client import AdminClient
from harness.factory import EventFactory
from harness.redaction import Secret
from harness.reference import TargetConfig, running_target
from harness.spec import bundled_spec_path, load_spec
from tests.reference.served import served

TOKEN = "whole-api-tenant-01"


def whole_api(document: dict[str, Any]) -> dict[str, Any]:
    """Our spec inside a larger API: unrelated operations first, a shared schema, defects where we do not look."""
    whole = copy.deepcopy(document)
    whole["paths"] = {
        "/customers": {"get": {"operationId": "listCustomers", "responses": {"200": {"description": "ok"}}},
                       "post": {"operationId": "createCustomer", "requestBody": {"content": {"application/json": {
                           "schema": {"$ref": "#/components/schemas/Customer"}}}},
                                "responses": {"201": {"description": "created"}}}},
        "/customers/{id}": {"get": {"operationId": "getCustomer", "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"$ref": "other-file.yaml#/Customer"}}}}}}},  # an external $ref, not ours
        "/accounts/{id}/usage": {"delete": {"operationId": "noBody", "responses": {"204": {"description": ""}}}},
        **whole["paths"],
    }
    whole["components"]["schemas"]["Customer"] = {"type": "object", "properties": {
        "id": {"type": "string"}, "errors": {"$ref": "#/components/schemas/ErrorResponse"}},
        "example": {"id": 12}}  # breaks its schema, in a part that is not ours to lint
    whole["components"]["schemas"]["Broken"] = {"type": 12}  # invalid, and referenced by nothing of ours
    return whole


# YAML as others write it: each scalar below is a string to a JSON-based OpenAPI reader, and something else to a
# YAML 1.1 one (a date, a timestamp, a boolean, an octal or sexagesimal number, a float infinity, not-a-number)
_EVENT_EXAMPLE = ("{schemaName: plan-2022, id: 2022-07-04, timestamp: 2022-07-04T10:00:00Z, accountId: 0777, "
                  "attributes: [{name: on, value: 0777, unit: yes}], dimensions: {region: no, window: 1:30}}")
_ELSEWHERE = ("{effectiveFrom: 2022-07-04, at: 2022-07-04 10:00:00, active: yes, mode: on, off: off, code: 0777, "
              "octal: 0o17, hex: 0x1F, window: 190:20:30, big: .inf, small: -.inf, missing: .nan, count: 1_000}")


def with_yaml_scalars(document: dict[str, Any]) -> str:
    """The document as YAML text with unquoted scalars: in the Event example (which the operations reference), in
    a schema nothing of ours references, and every status code written as a bare number (``202:``)."""
    edited = copy.deepcopy(document)
    edited["components"]["schemas"]["Event"]["example"] = "__EVENT_EXAMPLE__"
    edited["components"]["schemas"]["Plan"] = {"type": "object", "example": "__ELSEWHERE__"}
    text = yaml.safe_dump(edited, sort_keys=False)
    text = text.replace("__EVENT_EXAMPLE__", _EVENT_EXAMPLE).replace("__ELSEWHERE__", _ELSEWHERE)
    return re.sub(r"^(\s+)'([1-5][0-9][0-9])':", r"\1\2:", text, flags=re.MULTILINE)


@pytest.fixture
def whole_api_path(tmp_path: Path) -> Path:
    path = tmp_path / "togai-whole-api.yaml"
    path.write_text(with_yaml_scalars(whole_api(yaml.safe_load(bundled_spec_path().read_text()))))
    return path


def test_the_test_document_holds_each_scalar_as_yaml_1_1_would_misread_it(whole_api_path: Path) -> None:
    """Read as PyYAML reads by default, the document is not JSON: proof that the scalars reach the harness raw."""
    misread = yaml.safe_load(whole_api_path.read_text())
    example = misread["components"]["schemas"]["Event"]["example"]
    assert type(example["id"]).__name__ == "date" and example["attributes"][0]["name"] is True
    assert example["accountId"] == 511 and example["dimensions"]["window"] == 90  # octal, sexagesimal
    assert 202 in misread["paths"]["/ingestBatch"]["post"]["responses"]
    read = load_spec(whole_api_path).document
    assert read["components"]["schemas"]["Event"]["example"] == {
        "schemaName": "plan-2022", "id": "2022-07-04", "timestamp": "2022-07-04T10:00:00Z", "accountId": "0777",
        "attributes": [{"name": "on", "value": "0777", "unit": "yes"}],
        "dimensions": {"region": "no", "window": "1:30"}}
    assert read["components"]["schemas"]["Plan"]["example"] == {
        "effectiveFrom": "2022-07-04", "at": "2022-07-04 10:00:00", "active": "yes", "mode": "on", "off": "off",
        "code": "0777", "octal": "0o17", "hex": "0x1F", "window": "190:20:30", "big": ".inf", "small": "-.inf",
        "missing": ".nan", "count": "1_000"}
    assert "202" in read["paths"]["/ingestBatch"]["post"]["responses"]


def harness(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_")}
    return subprocess.run([sys.executable, "-m", "harness", *args], cwd=cwd, capture_output=True, text=True,
                          env={**environment, "HARNESS_TOKEN": TOKEN}, timeout=300, check=False)


def test_the_two_operations_are_found_among_the_others(whole_api_path: Path) -> None:
    spec = load_spec(whole_api_path)
    assert {op.operation_id: (op.method, op.path) for op in spec.operations.values()} == {
        "ingest": ("POST", "/ingest"), "ingestBatch": ("POST", "/ingestBatch")}
    assert spec.batch_max_items == load_spec().batch_max_items


def test_every_command_reads_it(whole_api_path: Path, tmp_path: Path) -> None:
    """Every command, its YAML scalars and bare status codes included (``run`` reads it in the newer one's test)."""
    path = str(whole_api_path)
    for args in (("spec", "lint", path), ("spec", "show", path),
                 ("spec", "diff", str(bundled_spec_path()), path, "--report-dir", "d"),
                 ("contract", "--spec", path, "--max-examples", "3", "--report-dir", "c"),
                 ("load", "--spec", path, "--run-time", "2s", "--users", "1", "--batch-size", "10",
                  "--report-dir", "l"),
                 ("sdk", "--adapter", "harness", "--spec", path, "--report-dir", "s")):
        result = harness(*args, cwd=tmp_path)
        assert result.returncode == 0, (args, result.stdout[-1500:], result.stderr[-1500:])
        assert "Traceback" not in result.stderr
    with served(":memory:", TOKEN, "served-admin", "--spec", path) as (_, url):
        example = load_spec(whole_api_path).document["components"]["schemas"]["Event"]["example"]
        answer = httpx.post(f"{url}/ingest", json={"event": example}, headers={"Authorization": f"Bearer {TOKEN}"},
                            timeout=10)
    assert answer.status_code == 202, answer.text  # the example, read as JSON values, is a valid event


UNUSABLE = "  x-effective-from: !!timestamp 2022-07-04\n"  # an explicit tag: a value JSON cannot hold


@pytest.mark.parametrize("command", [("spec", "lint"), ("spec", "show"), ("contract", "--spec"),
                                     ("load", "--dry-run", "--spec"), ("sdk", "--adapter", "harness", "--spec"),
                                     ("run", "--dry-run", "--spec"), ("serve", "--port", "0", "--spec")])
def test_a_value_json_cannot_hold_is_one_line_naming_its_pointer_and_exit_2(
        command: tuple[str, ...], tmp_path: Path) -> None:
    text = with_yaml_scalars(whole_api(yaml.safe_load(bundled_spec_path().read_text())))
    path = tmp_path / "tagged.yaml"
    path.write_text(text.replace("\ninfo:\n", "\ninfo:\n" + UNUSABLE, 1))
    result = harness(*command, str(path), cwd=tmp_path)
    assert result.returncode == 2, (result.returncode, result.stdout[-800:], result.stderr[-800:])
    assert "Traceback" not in result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "/info/x-effective-from" in lines[0] and "JSON cannot hold" in lines[0], lines


@pytest.mark.parametrize(("edit", "pointer"), [
    (lambda doc: doc["paths"].pop("/ingestBatch"), "/paths: no operation with operationId 'ingestBatch'"),
    (lambda doc: doc["paths"]["/ingest"]["post"].pop("requestBody"), "/paths/~1ingest/post/requestBody"),
    (lambda doc: doc["components"]["schemas"]["Event"].update(type=12), "/components/schemas/Event/type"),
])
def test_a_document_the_harness_cannot_use_gets_one_line_naming_the_pointer(
        tmp_path: Path, edit: Any, pointer: str) -> None:
    document = whole_api(yaml.safe_load(bundled_spec_path().read_text()))
    edit(document)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    result = harness("spec", "show", str(path), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert pointer in result.stderr, result.stderr


def strip_examples(node: Any) -> None:
    if isinstance(node, dict):
        for key in [key for key in node if key in ("example", "examples")]:
            node.pop(key)
        for child in node.values():
            strip_examples(child)
    elif isinstance(node, list):
        for child in node:
            strip_examples(child)


def test_samples_come_from_the_schema_when_the_examples_break_it(tmp_path: Path) -> None:
    """Published examples break their own schemas; a spec's patterns still get valid values, and the embedded
    target serves the spec it is given (here a batch limit of 500)."""
    document = yaml.safe_load(bundled_spec_path().read_text())
    strip_examples(document)
    schemas = document["components"]["schemas"]
    schemas["Attribute"]["example"] = {"name": "distance", "value": 100}  # a number for a string
    schemas["Event"]["example"] = {"timestamp": "2022-06-15 07:30:35"}  # no T, no offset, fields missing
    schemas["Event"]["properties"]["accountId"]["pattern"] = r"^acct_[0-9a-f]{8}$"  # nothing plain matches
    schemas["IngestBatchEventRequest"]["properties"]["events"]["maxItems"] = 500
    path = tmp_path / "examples-broken.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    contract = harness("contract", "--spec", str(path), "--max-examples", "3", "--report-dir", "c", cwd=tmp_path)
    assert contract.returncode == 0, (contract.stdout[-2000:], contract.stderr[-1000:])
    assert "maxItems 500 from the spec" in (tmp_path / "c" / "contract.md").read_text()
    load = harness("load", "--spec", str(path), "--run-time", "2s", "--users", "1", "--report-dir", "l", cwd=tmp_path)
    assert load.returncode == 0, (load.stdout[-2000:], load.stderr[-1000:])


def summary_acknowledgements(document: dict[str, Any]) -> None:
    """202 and 207 of both operations answer one ``IngestEventResponse``, as Togai's newer document has it."""
    document["components"]["schemas"]["IngestEventResponse"] = {
        "type": "object", "additionalProperties": False, "required": ["success"],
        "properties": {"success": {"type": "boolean"}, "statusCode": {"type": "integer"},
                       "message": {"type": "string"}}}
    for path in ("/ingest", "/ingestBatch"):
        for status in ("202", "207"):
            if status in document["paths"][path]["post"]["responses"]:
                document["paths"][path]["post"]["responses"][status]["content"] = {
                    "application/json": {"schema": {"$ref": "#/components/schemas/IngestEventResponse"}}}


def test_a_207_without_a_per_event_list_is_said_to_be_not_checkable(tmp_path: Path) -> None:
    """Togai's newer document answers both operations with one summary object: the embedded target serving it
    answers so, and the partial-failure check says it cannot tell which events were rejected, rather than fail."""
    document = yaml.safe_load(bundled_spec_path().read_text())
    summary_acknowledgements(document)
    path = tmp_path / "newer-bodies.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    result = harness("contract", "--spec", str(path), "--max-examples", "3", "--report-dir", "c", cwd=tmp_path)
    assert result.returncode == 0, (result.stdout[-2000:], result.stderr[-1000:])
    report = (tmp_path / "c" / "contract.md").read_text()
    assert "not checkable with this spec: its 207 documents no per-event errors list" in report


def test_an_event_without_an_id_where_the_spec_allows_it_is_stored_as_new_never_a_5xx(tmp_path: Path) -> None:
    document = yaml.safe_load(bundled_spec_path().read_text())
    event = document["components"]["schemas"]["Event"]
    event["required"] = [name for name in event["required"] if name != "id"]
    path = tmp_path / "id-optional.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    spec = load_spec(path)
    body = {"event": {key: value for key, value in EventFactory(spec).event().items() if key != "id"}}
    with running_target(TargetConfig(tokens=(TOKEN,), spec_path=path)) as target, \
            AdminClient(target.base_url, Secret(TOKEN), Secret(target.config.admin_token or "")) as admin, \
            httpx.Client(base_url=target.base_url, headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        before = admin.counts()
        answers = [http.post("/ingest", json=body).status_code for _ in range(2)]
        stored = (admin.counts() - before).stored
    assert answers == [202, 202] and stored == 2  # no id: nothing to tell a retry by, so each is new


def newer_facts(document: dict[str, Any]) -> None:
    """Togai's newer ingestion document: batch 500, optional id, non-empty names, dimension values of 1 to 200
    characters, one summary object for every acknowledgement (no per-event list), no ``Retry-After`` declared on
    the 429, and examples that break their own schemas."""
    schemas = document["components"]["schemas"]
    document["components"]["responses"]["Throttled"].pop("headers")
    schemas["Attribute"]["example"] = {"name": "distance", "value": 100}  # a number for a string
    schemas["Event"]["example"] = {"timestamp": "2022-06-15 07:30:35"}  # no T, no offset, fields missing
    schemas["IngestBatchEventRequest"]["properties"]["events"]["maxItems"] = 500
    schemas["Event"]["required"] = [name for name in schemas["Event"]["required"] if name != "id"]
    schemas["Event"]["properties"]["schemaName"]["minLength"] = 1
    schemas["Event"]["properties"]["dimensions"]["additionalProperties"].update(minLength=1, maxLength=200)
    summary_acknowledgements(document)
    text = yaml.safe_dump(document, sort_keys=False).replace("1000 events", "500 events")
    document.clear()
    document.update(yaml.safe_load(text))


def test_harness_run_on_the_embedded_target_serving_the_newer_document_exits_0(tmp_path: Path) -> None:
    """Every stage (lint, contract, load, throttle, SDK) on the newer facts, inside a whole-API document."""
    document = yaml.safe_load(bundled_spec_path().read_text())
    newer_facts(document)
    document = whole_api(document)
    path = tmp_path / "newer.yaml"
    path.write_text(with_yaml_scalars(document))  # its YAML scalars unquoted, its status codes bare numbers
    result = harness("run", "--quick", "--spec", str(path), "--report-dir", "r", cwd=tmp_path)
    assert result.returncode == 0, (result.stdout[-3000:], result.stderr[-1000:])
    lint = json.loads((tmp_path / "r" / "lint" / "lint.json").read_text())  # the document's defects: shown, not gating
    assert lint["outcome"] == "warned" and lint["failed"] == 0
    assert {row["message"] for row in lint["rows"]} >= {"ingest 429 declares no Retry-After header",
                                                         "ingestBatch 429 declares no Retry-After header"}
    assert any("/Attribute/example" in row["subject"] for row in lint["rows"]), lint["rows"]
    assert "spec lint: spec lint" in result.stdout  # each warning is named under the run's table
    # the SDK's 207 row: this document's 207 lists no rejected events, so there is nothing in it to check
    sdk = (tmp_path / "r" / "sdk" / "sdk.md").read_text()
    assert "not checkable with this spec: its 207 lists no rejected events" in sdk, sdk[-2000:]
    alone = harness("spec", "lint", str(path), cwd=tmp_path)  # the document's own gate still fails on them
    assert alone.returncode == 1, alone.stdout[-2000:]


def test_a_document_that_names_the_operations_otherwise_is_told_their_names(tmp_path: Path) -> None:
    document = whole_api(yaml.safe_load(bundled_spec_path().read_text()))
    document["paths"]["/ingest"]["post"]["operationId"] = "postEvent"
    document["paths"]["/ingestBatch"]["post"]["operationId"] = "postEvents"
    path = tmp_path / "renamed.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    unnamed = harness("contract", "--spec", str(path), cwd=tmp_path)
    assert unnamed.returncode == 2 and "no operation with operationId 'ingest'" in unnamed.stderr
    named = ("--operations", "ingest=postEvent,ingestBatch=postEvents")
    for args in (("contract", "--spec", str(path), "--max-examples", "3", "--report-dir", "c"),
                 ("load", "--spec", str(path), "--run-time", "2s", "--users", "1", "--batch-size", "10",
                  "--report-dir", "l")):
        result = harness(*named, *args, cwd=tmp_path)
        assert result.returncode == 0, (args, result.stdout[-1500:], result.stderr[-1500:])
    assert "postEvents" in (tmp_path / "c" / "contract.md").read_text()
    wrong = harness("--operations", "single=postEvent", "spec", "show", str(path), cwd=tmp_path)
    assert wrong.returncode == 2 and "ingest=OPERATION_ID,ingestBatch=OPERATION_ID" in wrong.stderr


def test_harness_serve_serves_the_document_it_is_given(tmp_path: Path) -> None:
    """``harness serve --spec``: the newer document's batch limit, its summary acknowledgement, its optional id."""
    document = yaml.safe_load(bundled_spec_path().read_text())
    newer_facts(document)
    path = tmp_path / "newer.yaml"
    path.write_text(yaml.safe_dump(whole_api(document), sort_keys=False))
    factory = EventFactory(load_spec(path), namespace="served")
    with served(":memory:", TOKEN, "served-admin", "--spec", str(path)) as (_, url), \
            httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        at_limit = http.post("/ingestBatch", json={"events": factory.events(500)})
        over = http.post("/ingestBatch", json={"events": factory.events(501)})
        no_id = http.post("/ingest", json={"event": {k: v for k, v in factory.event().items() if k != "id"}})
    assert at_limit.status_code == 202 and at_limit.json()["success"] is True, at_limit.text
    assert "errors" not in at_limit.json()  # the document's summary object, no per-event list
    assert over.status_code in (400, 422), over.text
    assert no_id.status_code == 202, no_id.text
