"""What a load run will send, worked out before it sends anything (``--dry-run``).

A staging team asks before a run: how many requests, events and bytes, at
what peak rate against each quota, billed to which account. The plan is
computed from the same options the run uses (``LoadOptions``) and the
scenario's declaration, so it cannot drift from the run: a paced scenario
sends ``rate x run time`` requests, split between operations by its mix;
the throttle scenario's steps are known in advance (its drains and probes
are counted at their upper bound); a closed loop cannot be known and says
so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import msgspec
from rich.table import Table

from harness.factory import EventFactory
from harness.load.runner import LoadOptions
from harness.load.scenarios import Scenario
from harness.load.scenarios import scenario as find_scenario
from harness.spec import Spec
from harness.trail import run_id

DRAIN_FACTOR = 3  # a throttle step's drain sends at most three seconds' quota (locustfiles/throttle.py)


@dataclass(frozen=True)
class PlannedStep:
    name: str
    operation: str
    rate: float | None  # requests/s offered; None: a closed loop, not known in advance
    seconds: float
    requests: int | None
    events: int | None
    body_bytes: int | None
    bound: bool = False  # True: an upper bound (drains and probes stop at the first 429)


@dataclass(frozen=True)
class Plan:
    scenario: str
    steps: list[PlannedStep]
    quota: float
    destination: str
    in_flight: int | None = None  # the cap on requests waiting on the target at once (None: a closed loop)
    in_flight_bytes: int | None = None  # the request bodies the cap lets wait at once, at most

    def totals(self) -> dict[str, tuple[int | None, int | None, int | None]]:
        """Per operation: requests, events, bytes (None when a step of it is a closed loop)."""
        totals: dict[str, tuple[int | None, int | None, int | None]] = {}
        for step in self.steps:
            known = totals.get(step.operation, (0, 0, 0))
            totals[step.operation] = tuple(  # type: ignore[assignment]
                None if a is None or b is None else a + b
                for a, b in zip(known, (step.requests, step.events, step.body_bytes), strict=True))
        return totals

    def peak(self) -> dict[str, float | None]:
        """Per operation, the highest paced rate (a drain is a burst until the first 429, not a rate)."""
        peaks: dict[str, float | None] = {}
        for step in self.steps:
            if step.bound:
                continue
            before = peaks.get(step.operation, 0.0)
            peaks[step.operation] = None if step.rate is None or before is None else max(before, step.rate)
        return peaks


def body_sizes(spec: Spec, batch_size: int, account_id: str | None, tag: tuple[str, str] | None) -> dict[str, int]:
    """Bytes of one request body per operation, as the load users build them."""
    factory = EventFactory(spec, namespace=f"{run_id()}-000000", account_id=account_id, tag=tag)  # as the users
    return {spec.single.operation_id: len(msgspec.json.encode(factory.single_body())),
            spec.batch.operation_id: len(msgspec.json.encode(factory.batch_body(batch_size)))}


def _option(scenario: Scenario, extra: tuple[str, ...], flag: str) -> str:
    """A scenario option's value as the run will see it: given after the options, else its default."""
    for index, argument in enumerate(extra):
        if argument == flag and index + 1 < len(extra):
            return extra[index + 1]
        if argument.startswith(flag + "="):
            return argument.split("=", 1)[1]
    return str(next(option.default for option in scenario.options if option.flag == flag))


Step = Callable[..., PlannedStep]  # (name, operation, rate, seconds, bound=False, events_each=None)


def make_plan(options: LoadOptions, spec: Spec, destination: str, *, tag: tuple[str, str] | None = None,
              other_tenant: bool = False) -> Plan:
    scenario = find_scenario(options.scenario)
    batch_size = options.batch_size or spec.batch_max_items
    sizes = {spec.single.operation_id: body_sizes(spec, 1, options.account_id, tag)[spec.single.operation_id],
             **{f"{spec.batch.operation_id}/{n}": size for n, size in (
                 (batch_size, body_sizes(spec, batch_size, options.account_id, tag)[spec.batch.operation_id]),
                 (1, body_sizes(spec, 1, options.account_id, tag)[spec.batch.operation_id]))}}

    def step(name: str, operation: str, rate: float | None, seconds: float, bound: bool = False,
             events_each: int | None = None) -> PlannedStep:
        each = 1 if operation == spec.single.operation_id else events_each or batch_size
        size = sizes[operation if operation == spec.single.operation_id else f"{operation}/{each}"]
        requests = round(rate * seconds) if rate is not None else None
        return PlannedStep(name, operation, rate, seconds, requests, None if requests is None else requests * each,
                           None if requests is None else requests * size, bound)

    if scenario.name == "throttle":
        return Plan(scenario.name, _throttle_steps(scenario, options, spec, step, other_tenant), options.quota,
                    destination)
    rate = options.arrival_rate
    mix = _mix(scenario, options, spec)
    if rate is None:  # a closed loop: what it sends depends on how fast the target answers
        return Plan(scenario.name, [step(f"{options.user_count} users, closed loop", operation, None,
                                         options.run_time) for operation in mix], options.quota, destination)
    cap = options.in_flight_cap
    largest = max(sizes[operation if operation == spec.single.operation_id else f"{operation}/{batch_size}"]
                  for operation in mix)
    return Plan(scenario.name, [step(f"{share:.0%} of {rate:g}/s", operation, rate * share, options.run_time)
                                for operation, share in mix.items() if share > 0], options.quota, destination,
                cap, None if cap is None else cap * largest)


def _mix(scenario: Scenario, options: LoadOptions, spec: Spec) -> dict[str, float]:
    """Which operations the scenario sends, and each one's share of the requests (its declaration says)."""
    named = {"ingest": spec.single.operation_id, "ingestBatch": spec.batch.operation_id}
    first = float(_option(scenario, options.extra, scenario.share_option)) if scenario.share_option else 1.0
    shares = [first, 1 - first] if len(scenario.sends) == 2 else [1.0]
    return {named[operation]: share for operation, share in zip(scenario.sends, shares, strict=True)}


def _throttle_steps(scenario: Scenario, options: LoadOptions, spec: Spec, step: Step,
                    other_tenant: bool) -> list[PlannedStep]:
    """The throttle scenario's schedule (locustfiles/throttle.py), drains and probes at their upper bound."""
    quota = float(_option(scenario, options.extra, "--expect-quota"))
    seconds = float(_option(scenario, options.extra, "--step-seconds"))
    single, batch = spec.single.operation_id, spec.batch.operation_id
    operation = batch if _option(scenario, options.extra, "--quota-operation") == "ingestBatch" else single
    drain = DRAIN_FACTOR * quota
    steps: list[PlannedStep] = []
    for factor in (float(f) for f in _option(scenario, options.extra, "--steps").split(",")):
        steps.append(step(f"drain before {factor:g} x quota", operation, drain, 1.0, True))
        steps.append(step(f"{factor:g} x quota", operation, factor * quota, seconds))
        if factor > 1:  # a fresh 429, then one request after its Retry-After
            steps.append(step("Retry-After probe", operation, drain + 1, 1.0, True))
    both = float(_option(scenario, options.extra, "--both-operations"))
    if both > 0:
        for each in (single, batch):
            steps.append(step("drain, both operations", each, drain, 1.0, True, 1))
            steps.append(step(f"both operations, {both:g} x quota each", each, both * quota, seconds, False, 1))
    if other_tenant:
        steps.append(step("drain before the tenant step", single, drain, 1.0, True))
        steps.append(step("this tenant floods at 4 x quota", single, 4 * quota, seconds))
        steps.append(step("the other tenant at 0.5 x quota", single, 0.5 * quota, seconds))
    return steps


def _amount(value: int | None, unit: str = "", bound: bool = False) -> str:
    if value is None:
        return "not known (closed loop)"
    if unit == "B":
        scaled = next((value / 1000**power, prefix) for power, prefix in ((3, "GB"), (2, "MB"), (1, "kB"), (0, "B"))
                      if value >= 1000**power or power == 0)
        text = f"{scaled[0]:,.1f} {scaled[1]}"
    else:
        text = f"{value:,}"
    return f"up to {text}" if bound else text


def render(plan: Plan) -> tuple[Table, list[str]]:
    """The plan as a person reads it before saying yes: a table of the steps, then a line per operation (its
    totals and its peak against the quota) and where the events go."""
    table = Table(title=f"plan of load scenario {plan.scenario}: nothing sent")
    for column in ("step", "operation", "rate", "seconds", "requests", "events", "bytes"):
        table.add_column(column, overflow="fold")
    for step in plan.steps:
        rate = "closed loop" if step.rate is None else "burst" if step.bound else f"{step.rate:g}/s"
        table.add_row(step.name, step.operation, rate, f"{step.seconds:g}", _amount(step.requests, bound=step.bound),
                      _amount(step.events, bound=step.bound), _amount(step.body_bytes, "B", step.bound))
    lines = []
    peaks = plan.peak()
    for operation, (requests, events, size) in plan.totals().items():
        peak = peaks.get(operation)
        against = ("closed loop: as fast as the target answers" if peak is None else
                   f"peak {peak:g}/s = {peak / plan.quota:.0%} of the quota of {plan.quota:g}/s")
        bound = any(step.bound for step in plan.steps if step.operation == operation)
        lines.append(f"{operation}: {_amount(requests, bound=bound)} requests, {_amount(events, bound=bound)} "
                     f"events, {_amount(size, 'B', bound)}; {against}")
    if plan.in_flight is not None:
        lines.append(f"at most {plan.in_flight:,} requests in flight (up to {_amount(plan.in_flight_bytes, 'B')} "
                     "of bodies): a start past it is dropped and counted, never queued (--max-in-flight)")
    lines.append(f"events billed to {plan.destination}")
    return table, lines
