"""``harness spec diff OLD NEW``: what a new version of the spec breaks, for the two ingestion operations.

Every change to the two operations is classified, as oasdiff and Specmatic's
backward-compatibility check do, by who it breaks:

- **ERR**: breaks clients already written against OLD, or servers already
  conforming to it (a request limit tightened, a new required property, a
  response that loses a property clients read or gains a body an SDK does
  not expect, a header or security scheme removed);
- **WARN**: may break (a pattern rewritten, a new status an SDK may not
  handle, the idempotency key made optional);
- **INFO**: breaks no one (a limit loosened, a new optional property).

Schemas are compared by meaning, not text: ``$ref``s are followed, ``allOf``
merged, key order and layout ignored. The messages say what breaks for an
SDK, because the harness knows what the operations mean (``id`` is the
idempotency key; a 207's ``errors`` list is how partial failure is told).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from harness import pointers
from harness.facts import ACKNOWLEDGED, ID_FIELD, THROTTLED
from harness.spec import Constraint, Operation, Spec
from harness.verdicts import Outcome, Report, Row


class Severity(IntEnum):
    INFO = 0
    WARN = 1
    ERR = 2


@dataclass(frozen=True)
class Change:
    severity: Severity
    operation: str
    where: str  # the request field, response status or header changed
    message: str  # what changed, and whom it breaks


UPPER = ("maxLength", "maxItems", "maximum")  # lowering one tightens a request
LOWER = ("minLength", "minItems", "minimum")  # raising one tightens a request


def diff(old: Spec, new: Spec) -> list[Change]:
    """Every change to the two operations from ``old`` to ``new``, the most severe first."""
    changes: list[Change] = []
    for operation_id, before in old.operations.items():
        after = new.operations[operation_id]
        if (before.method, before.path) != (after.method, after.path):
            changes.append(Change(Severity.ERR, operation_id, "operation", f"moved from {before.method} "
                                  f"{before.path} to {after.method} {after.path}: every client sends to the old one"))
        changes += _requests(old, new, before, after)
        changes += _responses(old, new, before, after)
        changes += _security(old, new, before, after)
    return sorted(changes, key=lambda change: (-change.severity, change.operation, change.where))


# -- requests -------------------------------------------------------------------------------------
def _requests(old: Spec, new: Spec, before: Operation, after: Operation) -> Iterator[Change]:
    was = {(c.path, c.keyword): c for c in old.constraints(before)}
    now = {(c.path, c.keyword): c for c in new.constraints(after)}
    old_paths, new_paths = {path for path, _ in was}, {path for path, _ in now}
    op = before.operation_id
    for path in sorted(new_paths - old_paths):
        if path[:-1] in new_paths and path[:-1] in old_paths:  # the new property itself (its subtree follows it)
            yield Change(Severity.INFO, op, f"request {_dotted(path)}", "a new property")
    for path in sorted(old_paths - new_paths):
        if path[:-1] in old_paths and path[:-1] in new_paths:
            closed = (path[:-1], "additionalProperties") in now
            yield Change(Severity.ERR if closed else Severity.WARN, op, f"request {_dotted(path)}",
                         "property removed: clients that send it are refused" if closed else
                         "property removed: clients that send it may be refused")
    for key in sorted(set(was) | set(now), key=str):
        path, keyword = key
        if path not in old_paths or path not in new_paths:
            continue  # a property added or removed whole, said above
        yield from _constraint_change(op, path, keyword, was.get(key), now.get(key))


def _constraint_change(op: str, path: tuple[str, ...], keyword: str, was: Constraint | None,
                       now: Constraint | None) -> Iterator[Change]:
    where = f"request {_dotted(path)} {keyword}"
    before, after = (was.value if was else None), (now.value if now else None)
    if before == after:
        return
    if keyword == "required":
        added, removed = set(after or ()) - set(before or ()), set(before or ()) - set(after or ())
        for name in sorted(added):
            yield Change(Severity.ERR, op, f"request {_dotted((*path, name))}",
                         "newly required: clients that leave it out are refused")
        for name in sorted(removed):
            if name == ID_FIELD:
                yield Change(Severity.WARN, op, f"request {_dotted((*path, name))}",
                             "the idempotency key is no longer required: an event sent without one cannot be "
                             "told from a retry, so a retry may be metered twice")
            else:
                yield Change(Severity.INFO, op, f"request {_dotted((*path, name))}", "no longer required")
        return
    if keyword == "additionalProperties":
        yield (Change(Severity.ERR, op, where, "unknown properties now refused: clients that send extra "
                                               "fields break") if after is False else
               Change(Severity.INFO, op, where, "unknown properties now accepted"))
        return
    if keyword in UPPER + LOWER:
        tightened = (after is not None and (before is None or (after < before if keyword in UPPER
                                                                 else after > before)))
        if tightened:
            yield Change(Severity.ERR, op, where, f"{keyword} {_shown(before)} → {after}: requests valid "
                                                  f"today are refused{_batch_note(path, keyword, after)}")
        else:
            yield Change(Severity.INFO, op, where, f"{keyword} {_shown(before)} → {_shown(after)}: loosened")
        return
    if keyword == "enum":
        gone = [value for value in before or () if value not in (after or ())]
        yield (Change(Severity.ERR, op, where, f"values no longer allowed: {gone}") if gone and after is not None
               else Change(Severity.INFO, op, where, "more values allowed"))
        return
    severity = Severity.ERR if keyword == "type" or (before is None and keyword == "format") else Severity.WARN
    yield Change(severity, op, where, f"{keyword} {_shown(before)} → {_shown(after)}: values valid under one "
                                      "may be refused under the other")


def _batch_note(path: tuple[str, ...], keyword: str, value: Any) -> str:
    return f" (a batch of more than {value} events)" if keyword == "maxItems" and len(path) == 1 else ""


# -- responses ------------------------------------------------------------------------------------
def _responses(old: Spec, new: Spec, before: Operation, after: Operation) -> Iterator[Change]:
    op = before.operation_id
    for status in sorted(set(after.responses) - set(before.responses)):
        yield Change(Severity.WARN, op, f"response {status}", "a new documented status: an SDK written against "
                                                               "the old spec may not handle it")
    for status in sorted(set(before.responses) - set(after.responses)):
        yield Change(Severity.INFO, op, f"response {status}", "no longer documented")
    for status in sorted(set(before.responses) & set(after.responses)):
        was, now = before.responses[status], after.responses[status]
        where = f"response {status}"
        if was.schema_pointer is None and now.schema_pointer is not None:
            yield Change(Severity.ERR, op, where, "gains a body: an SDK that expects no content may fail on it")
        elif was.schema_pointer is not None and now.schema_pointer is None:
            yield Change(Severity.ERR, op, where, "loses its body: clients that read it break")
        elif was.schema_pointer is not None and now.schema_pointer is not None:
            yield from _shape_change(op, where, status, before.is_batch, _shape(old, was.schema_pointer, set()),
                                     _shape(new, now.schema_pointer, set()), ())
        old_headers = {h.name.lower() for h in was.headers}
        new_headers = {h.name.lower() for h in now.headers}
        for name in sorted(old_headers - new_headers):
            throttle = name == "retry-after" and status == str(THROTTLED)
            yield Change(Severity.ERR if throttle else Severity.WARN, op, f"{where} header {name}",
                         "no longer declared: clients that honour it lose when to come back" if throttle else
                         "no longer declared: clients that read it may break")
        for name in sorted(new_headers - old_headers):
            yield Change(Severity.INFO, op, f"{where} header {name}", "newly declared")


def _shape(spec: Spec, pointer: str, visiting: set[str]) -> dict[str, Any]:
    """A schema reduced to what a client relies on: type, properties (with their shapes), required, items."""
    real = spec.deref(pointer)
    if real in visiting:
        return {}
    visiting = visiting | {real}
    schema = spec.schema(real)
    shape: dict[str, Any] = {"type": schema.get("type"), "properties": {}, "required": set(schema.get("required",
                                                                                                    ()))}
    for name in schema.get("properties", {}):
        shape["properties"][name] = _shape(spec, pointers.join(real, "properties", name), visiting)
    for index, _ in enumerate(schema.get("allOf", ())):  # allOf merged: the same meaning however it is split
        part = _shape(spec, pointers.join(real, "allOf", index), visiting)
        shape["properties"].update(part["properties"])
        shape["required"] |= part["required"]
        shape["type"] = shape["type"] or part["type"]
    if isinstance(schema.get("items"), dict):
        shape["items"] = _shape(spec, pointers.join(real, "items"), visiting)
    return shape


def _shape_change(op: str, where: str, status: str, batch: bool, was: dict[str, Any], now: dict[str, Any],
                  path: tuple[str, ...]) -> Iterator[Change]:
    at = f"{where} {_dotted(path)}" if path else where
    if was.get("type") and now.get("type") and was["type"] != now["type"]:
        yield Change(Severity.ERR, op, at, f"type {was['type']} → {now['type']}: clients that parse it break")
        return
    for name in sorted(set(was["properties"]) - set(now["properties"])):
        partial = batch and name == "errors" and not path and int(status) in ACKNOWLEDGED
        yield Change(Severity.ERR, op, f"{where} {_dotted((*path, name))}",
                     "removed: partial-failure handling breaks (a client can no longer tell which events were "
                     "rejected)" if partial else "removed: clients that read it break")
    for name in sorted(set(now["properties"]) - set(was["properties"])):
        yield Change(Severity.INFO, op, f"{where} {_dotted((*path, name))}", "a new property")
    for name in sorted((was["required"] - now["required"]) & set(now["properties"])):
        yield Change(Severity.WARN, op, f"{where} {_dotted((*path, name))}",
                     "no longer always present: clients that rely on it may break")
    for name in sorted(set(was["properties"]) & set(now["properties"])):
        yield from _shape_change(op, where, status, batch, was["properties"][name], now["properties"][name],
                                 (*path, name))
    if "items" in was and "items" in now:
        yield from _shape_change(op, where, status, batch, was["items"], now["items"], (*path, "[]"))


# -- security -------------------------------------------------------------------------------------
def _security(old: Spec, new: Spec, before: Operation, after: Operation) -> Iterator[Change]:
    was, now = _schemes(old, before), _schemes(new, after)
    if was != now:
        yield Change(Severity.ERR, before.operation_id, "security",
                     f"authentication {sorted(was) or 'none'} → {sorted(now) or 'none'}: clients send the old "
                     "credentials")


def _schemes(spec: Spec, operation: Operation) -> set[tuple[str, str]]:
    """The (type, scheme) of every security scheme the operation accepts, names aside."""
    raw = spec.node(operation.pointer).get("security", spec.document.get("security", []))
    defined = spec.document.get("components", {}).get("securitySchemes", {})
    found = set()
    for requirement in raw or ():
        for name in requirement:
            scheme = defined.get(name, {})
            if isinstance(scheme, dict) and "$ref" in scheme:
                scheme = spec.schema(scheme["$ref"].removeprefix("#"))
            found.add((str(scheme.get("type")), str(scheme.get("scheme") or scheme.get("in") or "")))
    return found


# -- the report -----------------------------------------------------------------------------------
def _dotted(path: tuple[str, ...]) -> str:
    return ".".join(path).replace(".[]", "[]").replace(".{}", "{}") or "(body)"


def _shown(value: Any) -> str:
    return "none" if value is None else str(value)


def diff_report(old: Spec, new: Spec, fail_on: Severity = Severity.ERR) -> Report:
    """Each change a row: failed at or above ``fail_on`` (gating CI), passed below it with its severity."""
    changes = diff(old, new)
    rows = [Row(f"{change.severity.name} {change.where}", change.operation,
                Outcome.FAILED if change.severity >= fail_on else Outcome.PASSED,
                f"{change.severity.name}: {change.message}", group="spec-diff") for change in changes]
    if not rows:
        rows = [Row("no change", "*", Outcome.PASSED, "the two operations mean the same in both", group="spec-diff")]
    counts = {severity: sum(change.severity is severity for change in changes) for severity in Severity}
    summary = ", ".join(f"{counts[severity]} {severity.name}" for severity in reversed(Severity))
    return Report("spec-diff", f"Spec diff {old.path.name} → {new.path.name}", f"{old.path} → {new.path}", rows,
                  summary=f"{summary}; failing at {fail_on.name} and above")
