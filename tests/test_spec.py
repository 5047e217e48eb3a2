from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.spec import SpecError, load_spec


def test_bundled_spec_exposes_both_operations_and_their_statuses() -> None:
    spec = load_spec()
    assert set(spec.operations) == {"ingest", "ingestBatch"}
    assert spec.single.path == "/ingest" and not spec.single.is_batch
    assert spec.batch.path == "/ingestBatch" and spec.batch.is_batch
    assert spec.single.statuses == ("202", "400", "401", "422", "429", "503", "default")
    assert spec.batch.statuses == ("202", "207", "400", "401", "422", "429", "503", "default")
    assert not spec.single.responses["202"].has_body
    assert spec.batch.responses["207"].has_body


def test_limits_are_read_from_the_spec() -> None:
    spec = load_spec()
    assert spec.batch_max_items == 1000
    assert spec.batch_min_items == 1
    assert spec.constraint(spec.single, ("event", "schemaName"), "maxLength") == 50
    assert spec.constraint(spec.batch, ("events", "[]", "attributes"), "maxItems") == 10
    pattern = spec.constraint(spec.batch, ("events", "[]", "attributes", "[]", "value"), "pattern")
    assert pattern == r"^-?\d{1,512}(\.\d+)?$"


def test_a_changed_limit_in_the_spec_changes_what_the_harness_reads(spec_copy) -> None:
    def smaller_batches(doc: dict[str, Any]) -> None:
        doc["components"]["schemas"]["IngestBatchEventRequest"]["properties"]["events"]["maxItems"] = 7

    assert load_spec(spec_copy(smaller_batches)).batch_max_items == 7


def test_429_declares_retry_after() -> None:
    spec = load_spec()
    for op in spec.operations.values():
        assert [h.name for h in op.responses["429"].headers] == ["Retry-After"]


def _problems(path: Path) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    assert caught.value.path == path.resolve()
    return [str(p) for p in caught.value.problems]


def test_missing_file_is_named(tmp_path: Path) -> None:
    assert _problems(tmp_path / "nope.yaml") == ["/: file not found"]


def test_bad_yaml_gives_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("openapi: 3.0.3\npaths: [unclosed\n")
    [problem] = _problems(path)
    assert "line 3" in problem and "not valid YAML" in problem


@pytest.mark.parametrize(("edit", "pointer", "words"), [
    (lambda d: d.__setitem__("openapi", "2.0"), "/openapi", "OpenAPI 3.x"),
    (lambda d: d["paths"]["/ingest"]["post"]["requestBody"]["content"]["application/json"]["schema"]
     .__setitem__("$ref", "#/components/schemas/Nowhere"),
     "/paths/~1ingest/post/requestBody/content/application~1json/schema/$ref", "does not resolve"),
    (lambda d: d["components"]["schemas"]["Event"]["properties"]["id"].__setitem__("maxLength", "ten"),
     "/components/schemas/Event/properties/id/maxLength", "not a valid schema"),
    (lambda d: d["paths"]["/ingestBatch"]["post"].__setitem__("operationId", "other"),
     "/paths", "ingestBatch"),
    (lambda d: d["paths"]["/ingest"]["post"].__setitem__("responses", {}),
     "/paths/~1ingest/post/responses", "no responses"),
])
def test_broken_spec_names_the_pointer(spec_copy: Callable[..., Path], edit: Callable[[dict], None],
                                       pointer: str, words: str) -> None:
    problems = _problems(spec_copy(edit))
    assert any(p.startswith(f"{pointer}:") and words in p for p in problems), problems
