"""Two writes of one id at the same moment: one wins, the other conflicts (docs/contract.md#partial-failure).

A store that checks whether an id is held and then inserts it, with no lock
or unique index between, is right whenever requests come one at a time and
wrong when two with the same id and different payloads arrive together:
both find the id new, both are acknowledged, one is silently lost. Each
race here is two requests released at once over separate connections, on
/ingest, on /ingestBatch and across them: exactly one acknowledges the id,
the other refuses it (400; a batch of one refused whole).
The same event twice at once is acknowledged twice and held once. A race
met by a 429 or 503 (waited out, within the run's waits), or by a 207
whose body, as the spec documents it, does not say which events it
refused, tells nothing and is run again, a few times at most.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness import retry_after
from harness.contract.context import ProbeContext
from harness.contract.registry import probe
from harness.contract.session import Sent
from harness.facts import ID_FIELD, TRANSIENT, TRANSIENT_WAIT
from harness.spec import Operation

RACES = "races"
ATTEMPTS = 3  # each race is run this often (a lost race shows on some attempts only), fewer when inconclusive


@dataclass(frozen=True)
class Race:
    what: str
    first: Operation
    second: Operation
    same_payload: bool = False


@probe(RACES)
def races(ctx: ProbeContext) -> None:
    """The same id sent twice at once: with different payloads one wins and one conflicts; alike, both win."""
    single, batch = ctx.single, ctx.batch
    kinds = (Race("two /ingest requests", single, single), Race("two /ingestBatch requests", batch, batch),
             Race("/ingest and /ingestBatch", single, batch),
             Race("the same event on /ingest twice", single, single, same_payload=True),
             Race("the same event on /ingest and /ingestBatch", single, batch, same_payload=True))
    # the control: one at a time, a conflict is refused; where it is not, that is partial_failure's finding, and
    # a race would only say it again in other words
    first = ctx.factory.event()
    if ctx.expect(RACES, single, ctx.send(single, ctx.single_body(first), RACES), (202,), "a new event"):
        control = ctx.send(single, ctx.single_body(ctx.conflicting(first)), RACES, acknowledge=False)
        if control.status == 202:
            for operation in (single, batch):
                ctx.skip(RACES, operation, "not judged: /ingest accepts an event conflicting with an acknowledged "
                                           "one even one at a time (partial_failure's finding)")
            return
    for race in kinds:
        judged, explained = 0, False
        for _ in range(ATTEMPTS):
            verdict = _run(ctx, race)
            if isinstance(verdict, bool):
                judged += 1
                if verdict:
                    break
            explained = explained or verdict == EXPLAINED
        if judged == 0 and not explained:
            ctx.results.unverified(RACES, race.second.operation_id, f"{race.what} at once: every attempt met a 429, "
                                                                    "a 503 or no answer")
    for operation in (single, batch):
        ctx.passed(RACES, operation, f"{len(kinds)} races, up to {ATTEMPTS} attempts each")


EXPLAINED = "explained"  # an attempt kept from its verdict by a 429 that is a throttling finding of its own


def _run(ctx: ProbeContext, race: Race) -> bool | str | None:
    """One attempt: True when it found a fault, False when the target was right, None when it cannot be told
    (``EXPLAINED``: because of a 429 the throttling check names)."""
    event = ctx.factory.event()
    rival = dict(event) if race.same_payload else ctx.conflicting(event)
    sent = ctx.session.together([(race.first, _body(ctx, race.first, event)),
                                 (race.second, _body(ctx, race.second, rival))])
    for one, operation in zip(sent, (race.first, race.second), strict=True):
        if one.status in TRANSIENT:  # waited out (within the run's waits) before the next attempt
            advertised = retry_after.parse(one.exchange.response_headers.get("retry-after"))
            wait = (advertised if advertised is not None else TRANSIENT_WAIT) + retry_after.HONESTY_MARGIN
            if ctx.session.waits.allows(wait):
                ctx.session.waits.take(wait)
            return EXPLAINED if one.explained else None
        if one.status is None:
            return None
        if one.status not in (202, 207, 400):
            ctx.expect(RACES, operation, one, (202, 207, 400), f"{race.what} at once")
            return True
        if one.status == 207 and not ctx.spec.lists_errors(operation, "207"):
            return None  # which events a 207 refused, this spec's answer does not say
    outcomes = [_acknowledged(one, candidate) for one, candidate in zip(sent, (event, rival), strict=True)]
    won = outcomes.count(True)
    shown = f"{race.what} at once with id {event[ID_FIELD]}"
    answers = f"answered {sent[0].status} and {sent[1].status}"
    if race.same_payload:
        if won != 2:
            ctx.fail(RACES, race.second, f"{shown} and the same payload: {answers}, not both acknowledged "
                                         "(an idempotent retry)", sent[outcomes.index(False)])
            return True
        if ctx.readback is not None and (held := ctx.readback.lookup(event[ID_FIELD])) != event:
            ctx.fail(RACES, race.second, f"{shown} and the same payload, both acknowledged: held as {held!r}, "
                                         "not as sent")
            return True
        return False
    if won == 2:
        ctx.fail(RACES, race.second, f"{shown} and different payloads: both acknowledged ({answers}); one of "
                                     "them is lost (a check-then-insert without a lock or unique index)", sent[1])
        return True
    if won == 0:
        ctx.fail(RACES, race.second, f"{shown} and different payloads: neither acknowledged ({answers}); the "
                                     "first of them is new", sent[0])
        return True
    if ctx.readback is not None:
        winner = event if outcomes[0] else rival
        if (held := ctx.readback.lookup(event[ID_FIELD])) != winner:
            ctx.fail(RACES, race.second, f"{shown} and different payloads: the one acknowledged is not held as "
                                         f"sent (held: {held!r})")
            return True
    return False


def _body(ctx: ProbeContext, operation: Operation, event: dict[str, Any]) -> dict[str, Any]:
    """``event`` alone: on /ingestBatch a batch of one, so a refusal is a 400 every spec's answer can say (a 207
    is read too where the spec lists the refused events)."""
    return ctx.body(operation, event)


def _acknowledged(sent: Sent, event: dict[str, Any]) -> bool:
    """Whether ``sent`` (a 202, a 207 or a 400) acknowledged ``event``."""
    return sent.status == 202 or (sent.status == 207 and event not in sent.rejected())
