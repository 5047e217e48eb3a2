"""Ids compared exactly: two ids a loose store would merge are two events (docs/contract.md#idempotent-retry).

Backends keep ids through a collation or a column: MySQL's default
collations compare without case and pad with spaces, a ``VARCHAR(191)``
keeps what fits, a normalising layer merges the NFC and NFD forms of one
string. Such a server acknowledges random ids perfectly; only pairs built to
collide tell. Each pair is two events (different ids, so different
payloads): both must be acknowledged as new. A conflict, or a retry of
either refused afterwards (one took the other's place), or, with the
read-back, either held otherwise than sent, is a finding named by the pair's
class. Every id is one the spec allows; the longest pairs follow its
``maxLength``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.contract.context import ProbeContext
from harness.contract.registry import probe
from harness.contract.session import Sent
from harness.facts import ID_FIELD
from harness.spec import Operation

ID_IDENTITY = "id_identity"
COLUMN_WIDTHS = (36, 64, 128, 191, 255)  # id columns backends commonly declare (uuid, hash, utf8mb4 index limit)


@dataclass(frozen=True)
class IdPair:
    """Two ids a faithful store keeps apart and a loose one merges; ``differ`` says how they differ."""

    first: str
    second: str
    differ: str


Finder = Callable[[IdPair, str, Sent | None, Operation], None]  # records a pair's finding on an operation


def id_pairs(base: str, max_length: int | None) -> list[IdPair]:
    """The pairs probed, each built on ``base`` (unique to the run) and no longer than ``max_length``."""
    pairs = [IdPair(f"{base}-case", f"{base}-case".upper(), "ids differing only in letter case"),
             IdPair(f"{base}-lead", f" {base}-lead", "ids differing only by a leading space"),
             IdPair(f"{base}-trail", f"{base}-trail ", "ids differing only by a trailing space"),
             IdPair(f"{base}-ltab", f"\t{base}-ltab", "ids differing only by a leading tab"),
             IdPair(f"{base}-ttab", f"{base}-ttab\t", "ids differing only by a trailing tab"),
             IdPair(f"{base}-caf\u00e9", f"{base}-cafe\u0301", "ids that are the NFC and NFD forms of one string")]
    for width in COLUMN_WIDTHS:
        if max_length is None or width < max_length:
            shared = _padded(f"{base}-w{width}-", width)
            pairs.append(IdPair(f"{shared}a", f"{shared}b", f"ids differing only after their first {width} "
                                                            f"characters (an id column {width} wide)"))
    if max_length is not None and max_length - 1 not in COLUMN_WIDTHS:
        shared = _padded(f"{base}-max-", max_length - 1)
        pairs.append(IdPair(f"{shared}a", f"{shared}b", f"ids of the maximum {max_length} characters "
                                                        f"differing only in the last"))
    return [pair for pair in pairs if len(pair.first) == len(pair.first.strip()) and pair.first != pair.second]


def _padded(prefix: str, width: int) -> str:
    return (prefix + "x" * width)[:width]


def _shown(event_id: str) -> str:
    """An id as a finding shows it: every character past ASCII escaped (the NFC and NFD forms look alike), a long
    one by its ends and its length."""
    if len(event_id) <= 40:
        return ascii(event_id)
    return f"{ascii(event_id[:12])[:-1]}…{ascii(event_id[-8:])[1:]} ({len(event_id)} characters)"


@probe(ID_IDENTITY)
def id_identity(ctx: ProbeContext) -> None:
    """Ids differing only in case, surrounding whitespace, Unicode form or past a column width are two events."""
    valid = ctx.spec.validator(ctx.spec.event_schema_pointer).is_valid
    try:
        max_length: int | None = int(ctx.spec.constraint(ctx.single, (ctx.single.envelope_key, ID_FIELD),
                                                          "maxLength"))
    except KeyError:
        max_length = None

    def events(pairs: list[IdPair]) -> list[tuple[IdPair, dict[str, Any], dict[str, Any]]]:
        made = []
        for pair in pairs:
            first, second = ctx.factory.event(), ctx.factory.event()
            first[ID_FIELD], second[ID_FIELD] = pair.first, pair.second
            if valid(first) and valid(second):
                made.append((pair, first, second))
        return made

    found: set[str] = set()  # the classes found: their pairs are not retried
    named: set[tuple[str, str]] = set()  # one finding per class and operation

    def finding(pair: IdPair, what: str, sent: Sent | None, operation: Operation) -> None:
        found.add(pair.differ)
        if (pair.differ, operation.operation_id) not in named:
            named.add((pair.differ, operation.operation_id))
            ctx.fail(ID_IDENTITY, operation, f"{pair.differ} are not kept apart: {what}", sent)

    # across the operations: each pair's first id in one batch, each second alone on /ingest
    across = events(id_pairs(f"{ctx.factory.event()[ID_FIELD]}-x", max_length))
    within = events(id_pairs(f"{ctx.factory.event()[ID_FIELD]}-b", max_length))
    if not across:
        for operation in (ctx.single, ctx.batch):
            ctx.skip(ID_IDENTITY, operation, "the spec allows none of the probed ids")
        return
    for chunk in _chunks([first for _, first, _ in across], ctx.spec.batch_max_items):
        if not ctx.expect(ID_IDENTITY, ctx.batch, ctx.send(ctx.batch, ctx.batch_body(chunk), ID_IDENTITY),
                          (202,), "a batch of new events with distinct ids"):
            return
    for pair, _, second in across:
        sent = ctx.send(ctx.single, ctx.single_body(second), ID_IDENTITY)
        if sent.status == 400:
            finding(pair, f"/ingest refused {_shown(pair.second)} (400) after {_shown(pair.first)} was "
                          "acknowledged on /ingestBatch", sent, ctx.single)
        else:
            ctx.expect(ID_IDENTITY, ctx.single, sent, (202,), f"a new event {_shown(pair.second)}")
    # within /ingestBatch: each pair's first ids in one batch, then its seconds in another
    for chunk in _chunks(within, ctx.spec.batch_max_items):
        ctx.expect(ID_IDENTITY, ctx.batch, ctx.send(ctx.batch, ctx.batch_body([f for _, f, _ in chunk]),
                                                    ID_IDENTITY), (202,), "a batch of new events with distinct ids")
        _judge_batch(ctx, chunk, [s for _, _, s in chunk], finding,
                     lambda pair: f"a batch refused {_shown(pair.second)} after {_shown(pair.first)} "
                                  "was acknowledged in another")
    # both of every pair again: a retry each; a refusal means one took the other's place
    again = [(pair, first, second) for pair, first, second in (*across, *within) if pair.differ not in found]
    for chunk in _chunks(again, ctx.spec.batch_max_items // 2):
        _judge_batch(ctx, chunk, [event for _, first, second in chunk for event in (first, second)], finding,
                     lambda pair: f"both {_shown(pair.first)} and {_shown(pair.second)} were acknowledged, then a "
                                  "retry of one was refused (the other took its place)")
    if ctx.readback is not None:
        acknowledged = ctx.session.ledger.payloads
        for pair, first, second in (*across, *within):
            for event in (first, second):
                if pair.differ not in found and event[ID_FIELD] in acknowledged:
                    held = ctx.readback.lookup(event[ID_FIELD])
                    if held != event:
                        state = "is not held" if held is None else "is held with another payload"
                        finding(pair, f"acknowledged event {_shown(event[ID_FIELD])} {state} (the read-back)",
                                None, ctx.single)
    note = f"{len(across)} classes of id pairs, across the operations and within /ingestBatch"
    note += "; held as sent: checked with the read-back" if ctx.readback else "; held as sent: needs the read-back"
    for operation in (ctx.single, ctx.batch):
        ctx.passed(ID_IDENTITY, operation, note)


def _judge_batch(ctx: ProbeContext, chunk: list[tuple[IdPair, dict[str, Any], dict[str, Any]]],
                 sending: list[dict[str, Any]], finding: Finder, what: Callable[[IdPair], str]) -> None:
    """Send ``sending`` as one batch; every pair of ``chunk`` with an event refused (listed in a 207, or all
    of them in a 400) is a finding worded by ``what(pair)``."""
    sent = ctx.send(ctx.batch, ctx.batch_body(sending), ID_IDENTITY)
    if sent.status == 202:
        return
    if sent.status not in (207, 400):
        ctx.expect(ID_IDENTITY, ctx.batch, sent, (202,), "a batch of events with distinct ids")
        return
    refused = {event.get(ID_FIELD) for event in sent.rejected() if isinstance(event, dict)}
    if sent.status == 207 and not refused:  # a 207 whose body (as the spec documents it) does not say which
        ctx.fail(ID_IDENTITY, ctx.batch, f"{what(chunk[0][0])}: 207 refused some of {len(sending)} events whose ids "
                                         "differ only in case, whitespace, Unicode form or past a column width "
                                         "(which, the answer does not say)", sent)
        return
    for pair, first, second in chunk:
        if sent.status == 400 or refused & {first[ID_FIELD], second[ID_FIELD]}:
            finding(pair, f"{what(pair)} ({sent.status})", sent, ctx.batch)


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    size = max(size, 1)
    return [items[start:start + size] for start in range(0, len(items), size)]
