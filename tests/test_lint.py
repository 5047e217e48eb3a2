"""Spec lint against our own spec (clean) and a spec with each upstream defect."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from harness.cli import app
from harness.lint import lint
from harness.spec import load_spec

runner = CliRunner()


def with_upstream_defects(doc: dict[str, Any]) -> None:
    """The kinds of defect Togai's published document has, written for this test."""
    schemas = doc["components"]["schemas"]
    schemas["Event"]["example"]["accountId"] = 1  # a number where a string is required
    schemas["Event"]["example"]["timestamp"] = "2022-06-15 07:30:35.123"  # a space, no offset
    schemas["Attribute"]["example"]["value"] = 50.25  # a number where a string is required
    schemas["IngestBatchEventRequest"]["properties"]["events"]["maxItems"] = 100
    doc["paths"]["/ingest"]["post"]["responses"]["503"] = {"description": "Service unavailable"}
    del doc["components"]["responses"]["Throttled"]["headers"]


def test_our_spec_lints_clean() -> None:
    assert lint(load_spec()) == []
    result = runner.invoke(app, ["spec", "lint"])
    assert result.exit_code == 0, result.output


def test_each_upstream_defect_is_reported_with_its_pointer(spec_copy: Callable[..., Path]) -> None:
    path = spec_copy(with_upstream_defects)
    found = {(d.pointer, d.message.split(":")[0]) for d in lint(load_spec(path))}
    event = "/components/schemas/Event/example"
    assert (f"{event}/accountId", "example breaks its schema") in found
    assert (f"{event}/timestamp", "example breaks its schema") in found
    assert ("/components/schemas/Attribute/example/value", "example breaks its schema") in found
    # the 207 example embeds an event that is still valid: no false alarm there
    assert not any(p.startswith("/paths/~1ingestBatch/post/responses/207") for p, _ in found)
    prose = {p for p, m in found if m.startswith("the text says")}
    assert prose == {"/paths/~1ingestBatch/post/summary", "/paths/~1ingestBatch/post/description",
                     "/components/schemas/IngestBatchEventRequest/description"}
    assert ("/paths/~1ingest/post/responses/503",
            "ingest 503 has no JSON schema while the other error answers (400, 401, 422, 429, default) "
            "have one") in found
    assert ("/paths/~1ingest/post/responses/429", "ingest 429 declares no Retry-After header") in found
    assert ("/paths/~1ingestBatch/post/responses/429",
            "ingestBatch 429 declares no Retry-After header") in found


def test_cli_prints_one_line_per_defect_and_exits_1(spec_copy: Callable[..., Path]) -> None:
    path = spec_copy(with_upstream_defects)
    result = runner.invoke(app, ["spec", "lint", str(path)])
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if line]
    assert len(lines) == len(lint(load_spec(path))) >= 9
    assert all(line.startswith(f"{path}#/") for line in lines)


def test_cli_unusable_spec_exits_2_with_the_reason(tmp_path: Path) -> None:
    result = runner.invoke(app, ["spec", "lint", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 2
    assert "missing.yaml#/: file not found" in result.stderr
    assert "Traceback" not in result.output
