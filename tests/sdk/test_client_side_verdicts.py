"""The verdicts of the client-side cases, from what reached the server: refused, ⚠ sent, ❌ accepted or changed."""

from __future__ import annotations

from typing import Any

from harness.sdk.cases import Case
from harness.sdk.judge import judge
from harness.sdk.outcomes import CaseOutcome, Raised, Returned


def case(kind: str, timestamp: tuple[str, str] | None = None) -> Case:
    return Case("ingest:x", "ingest", "x", kind, None, [], [{}], timestamp=timestamp, description="51 characters")


def request(valid: bool, event: dict[str, Any] | None = None, problem: str = "") -> dict[str, Any]:
    return {"valid": valid, "problem": problem, "body": {"event": event or {}}, "at": 0.0}


RAISED = Raised(type="sdk.ApiException", status=400, message="400 Bad Request")
RETURNED = CaseOutcome("ingest:x", returned=Returned(type="builtins.NoneType", data=None))


def test_invalid_data_refused_before_sending_conforms_and_sent_is_a_warning() -> None:
    refused = judge(case("client-validation"), CaseOutcome("ingest:x", raised=RAISED), [])
    assert refused.verdict == "conforms" and refused.reason.startswith("refused before sending")
    sent = judge(case("client-validation"), CaseOutcome("ingest:x", raised=RAISED),
                 [request(False, problem="event/schemaName: too long")])
    assert sent.verdict == "warns" and "must reject it" in sent.reason and "too long" in sent.reason
    assert sent.mark == "⚠"
    swallowed = judge(case("client-validation"), RETURNED, [request(False, problem="too long")])
    assert swallowed.verdict == "breaks" and "reported as accepted" in swallowed.reason


def test_a_valid_edge_must_go_out_unchanged() -> None:
    assert judge(case("valid-edge"), RETURNED, [request(True)]).verdict == "conforms"
    assert judge(case("valid-edge"), CaseOutcome("ingest:x", raised=RAISED), []).verdict == "breaks"
    changed = judge(case("valid-edge"), RETURNED, [request(False, problem="schemaName required")])
    assert changed.verdict == "breaks" and "changed valid data" in changed.reason


def test_a_timestamp_must_leave_with_an_offset_whatever_the_sdk_names_the_field() -> None:
    naive = case("timestamp", ("timestamp", "naive"))
    bad = judge(naive, RETURNED, [request(True, {"eventTimestamp": "2024-03-15T19:22:23.427000"})])
    assert bad.verdict == "breaks" and "without an offset" in bad.reason and "2024-03-15T19:22:23.427000" in bad.reason
    refused = judge(naive, CaseOutcome("ingest:x", raised=RAISED), [])
    assert refused.verdict == "conforms"
    utc = judge(case("timestamp", ("timestamp", "utc")), RETURNED,
                [request(True, {"timestamp": "2024-03-15T19:22:23Z"})])
    assert utc.verdict == "conforms"


def test_a_207_row_is_judged_only_where_the_spec_gives_the_207_a_list_of_rejected_events() -> None:
    def partial(lists_rejected: bool) -> Case:
        return Case("ingestBatch:207", "ingestBatch", "207 documented", "success", 207, [{"status": 207}], [{}],
                    batch=True, lists_rejected=lists_rejected)

    summary_only = CaseOutcome("x", returned=Returned(type="sdk.IngestBatchResponse", data='{"success": true}'))
    unchecked = judge(partial(False), summary_only, [request(True)])
    assert unchecked.verdict == "n/a" and "not checkable with this spec" in unchecked.reason
    lost = judge(partial(True), summary_only, [request(True)])  # the spec lists them: losing them breaks
    assert lost.verdict == "breaks" and "without the rejected events" in lost.reason
