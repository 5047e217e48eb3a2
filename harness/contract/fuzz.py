"""The schemathesis stage: every built-in check that applies, plus our judges, tuned for this contract.

Tuned so a correct target raises no false alarm: the documented 503 and a
429 are not server errors, a 429 is waited out for its ``Retry-After`` and
re-sent within the run's bounds (``harness.contract.guard``, in place of
schemathesis's unbounded ``rate-limit: auto``), generated events get unique
ids (a reused id with another payload is a conflict, probed separately,
docs/contract.md#partial-failure), and the ``ignored_auth`` probes run only
when the unauthenticated budget allows. Our judges (``@judge`` in
``harness.contract.checks``) are registered as schemathesis checks under
their own names, once, when this module is imported.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

import schemathesis
import schemathesis.engine
from schemathesis.checks import CheckContext
from schemathesis.config import SchemathesisConfig
from schemathesis.core.transport import Response
from schemathesis.engine import events
from schemathesis.engine.recorder import ScenarioRecorder

from harness.bounded import WaitBudget
from harness.contract import registry
from harness.contract.guard import guarded
from harness.contract.ids import unique_ids
from harness.contract.model import THROTTLING, Exchange, Results, redact_headers
from harness.contract.session import UnauthBudget
from harness.errors import EngineError
from harness.facts import OVER_BATCH_LIMIT, OVER_BYTE_LIMIT, REJECTED, THROTTLED, WRONG_CONTENT_TYPE
from harness.redaction import Secret, clip
from harness.spec import Spec, load_spec

FUZZ = registry.FUZZ
IGNORED_AUTH_REQUESTS = 4  # two per operation: no credentials, then invalid ones
_BUILT_IN = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
             "response_schema_conformance", "response_headers_conformance", "negative_data_rejection",
             "positive_data_acceptance", "missing_required_header", "unsupported_method")


def configure(base_url: str, token: Secret, *, max_examples: int, seed: int,
              budget: UnauthBudget, checks: tuple[str, ...] = (), timeout: float = 30.0) -> SchemathesisConfig:
    ignored_auth = budget.take(IGNORED_AUTH_REQUESTS)
    enabled = {name: {"enabled": not checks or name in checks} for name in register_judges()}
    return SchemathesisConfig.from_dict({
        "base-url": base_url,
        "seed": seed,
        "request-timeout": timeout,  # each socket operation; harness.contract.guard bounds the whole answer
        "headers": {"Authorization": f"Bearer {token.reveal()}"},
        "cache": {"enabled": False},  # a run is judged on its own cases, and writes nothing into the cwd
        # security parameters are not generated: credentials come from the run's headers, and only the
        # budgeted ignored_auth probes go without them
        "generation": {"mode": "all", "max-examples": max_examples, "with-security-parameters": False},
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True},
                   "stateful": {"enabled": False}},
        "checks": {
            **{name: {"enabled": True} for name in _BUILT_IN},
            "not_a_server_error": {"expected-statuses": ["2xx", "3xx", "4xx", "503"]},
            "positive_data_acceptance": {"expected-statuses": ["2xx", "429", "503"]},
            "negative_data_rejection": {"expected-statuses": sorted({str(status) for status in (
                *REJECTED, *OVER_BATCH_LIMIT, *OVER_BYTE_LIMIT, *WRONG_CONTENT_TYPE, 401, THROTTLED, 503)})},
            "ignored_auth": {"enabled": ignored_auth},
            "use_after_free": {"enabled": False},
            "ensure_resource_availability": {"enabled": False},
            "object_level_authorization": {"enabled": False},
            **enabled,
        },
    })


def run_schemathesis(spec: Spec, base_url: str, token: Secret, results: Results, *,
                     max_examples: int, seed: int, budget: UnauthBudget, waits: WaitBudget, id_prefix: str,
                     checks: tuple[str, ...] = (), on_scenario: Callable[[str], None] = lambda label: None,
                     deadline: float | None = None) -> tuple[int, bool]:
    """Run the engine; record its failures as findings under the failing check's name.

    Returns the cases run, and whether the engine was stopped at ``deadline`` (a ``time.monotonic()``).
    """
    config = configure(base_url, token, max_examples=max_examples, seed=seed, budget=budget, checks=checks,
                       timeout=waits.bounds.request_seconds)
    # only the two ingestion operations, wherever a whole-API document has them among its others
    # the document as the harness read it (harness.documents: every YAML value a JSON value), not as the
    # engine's own YAML reader would; its location as from_path gives it, for the judges to find the spec
    loaded = schemathesis.openapi.from_dict(copy.deepcopy(spec.document), config=config)
    loaded.location = spec.path.absolute().as_uri()
    schema = loaded.include(operation_id=[operation.operation_id for operation in spec.operations.values()])
    operations = {(op.method, op.path): op.operation_id for op in spec.operations.values()}
    cases, stopped = 0, False
    with unique_ids(id_prefix), guarded(waits.bounds, waits):
        stream = schemathesis.engine.from_schema(schema).execute()
        for event in stream:
            if deadline is not None and not stopped and time.monotonic() > deadline:
                stream.stop()  # the engine ends after the case in hand
                stopped = True
            if isinstance(event, events.ScenarioFinished):
                cases += len(event.recorder.cases)
                _record(event.recorder, operations, results, token)
                on_scenario(event.recorder.label)
            elif isinstance(event, events.FatalError):
                raise EngineError(token.redact(f"schemathesis stopped: {event.exception}")) from None
            elif isinstance(event, events.NonFatalError):
                raise EngineError(token.redact(f"schemathesis could not test {event.label}: "
                                                f"{event.info.title}: {event.info.message} {event.value!r}".strip()))
    for operation in spec.operations.values():
        results.passed(FUZZ, operation.operation_id, f"{max_examples} examples per phase" + (
            f"; stopped at the time budget after {cases} cases" if stopped else ""))
    return cases, stopped


def _record(recorder: ScenarioRecorder, operations: dict[tuple[str, str], str], results: Results,
            token: Secret) -> None:
    method, _, path = recorder.label.partition(" ")
    operation = operations.get((method.upper(), path), recorder.label)
    judged = {name for name, check in registry.checks().items() if check.judge is not None}
    for case_id, nodes in recorder.checks.items():
        for node in nodes:
            if node.failure_info is None:
                interaction = recorder.interactions.get(case_id)
                status = interaction.response.status_code if interaction and interaction.response else None
                if node.name not in judged or (node.name == THROTTLING and status == 429):
                    results.passed(node.name, operation)  # our judges pass where our probes saw their case
                continue
            failure = node.failure_info.failure
            interaction = recorder.interactions.get(failure.case_id or case_id)
            exchange = _exchange(interaction) if interaction is not None else None
            message = token.redact(f"{failure.title}: {failure.message}".strip().rstrip(":"))
            results.fail(node.name, operation, clip(" ".join(message.split()), 800), exchange)


def _exchange(interaction: Any) -> Exchange:
    request, response = interaction.request, interaction.response
    headers = redact_headers((name, values[0]) for name, values in request.headers.items())
    if response is None:
        return Exchange(request.method, request.uri, headers, request.body or b"", error="no response")
    return Exchange(request.method, request.uri, headers, request.body or b"", response.status_code,
                    {name.lower(): values[0] for name, values in response.headers.items()}, response.content or b"")


def register_judges() -> tuple[str, ...]:
    """Every judge of the registry as a schemathesis check of the same name (idempotent); their names."""
    judged = tuple(name for name, check in registry.checks().items() if check.judge is not None)
    for name in judged:
        if name not in _REGISTERED:
            _REGISTERED.add(name)
            schemathesis.check(_as_schemathesis_check(name))
    return judged


_REGISTERED: set[str] = set()


def _as_schemathesis_check(name: str) -> Callable[[CheckContext, Response, schemathesis.Case], bool | None]:
    check = registry.checks()[name]
    assert check.judge is not None
    judge = check.judge

    def run(ctx: CheckContext, response: Response, case: schemathesis.Case) -> bool | None:
        spec = load_spec(_spec_path(case))
        operation = next(op for op in spec.operations.values()
                         if op.path == case.operation.path and op.method == case.operation.method.upper())
        seen = registry.Seen(response.status_code, {k.lower(): _first(v) for k, v in response.headers.items()},
                             response.content or b"")
        body: Any = case.body if isinstance(case.body, (dict, list)) else None
        problems = judge(spec, operation, body, seen)
        if problems:  # None (nothing to judge) and [] both pass
            raise AssertionError("; ".join(problems))
        return None

    run.__name__ = run.__qualname__ = name  # schemathesis names a check after its function
    run.__doc__ = check.doc
    return run


def _spec_path(case: schemathesis.Case) -> str | None:
    """The spec file the run was built from (the bundled one when schemathesis was given no file)."""
    location = case.operation.schema.location or ""
    return location.removeprefix("file://") if location.startswith("file://") else None


def _first(value: Any) -> str:
    return value[0] if isinstance(value, list) else str(value)
