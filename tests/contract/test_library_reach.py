"""What harness.contract.guard relies on in schemathesis is still there and still means the same.

schemathesis offers no hook on the ``requests`` sessions its engine makes (its capability probes send before
any test-case hook runs), so the guard swaps ``schemathesis.engine.context.make_session`` for the block of a
run: the one reach-in of the harness into a library's internals. These fail when a release changes it, before a
contract run silently reads an unbounded body or follows a redirect.
"""

from __future__ import annotations

import inspect

from schemathesis.engine import context as engine_context
from schemathesis.engine.run import probes

from harness.bounded import WaitBudget
from harness.contract.guard import guarded
from harness.limits import Limits


def reliance_problems(context_source: str, probes_source: str) -> list[str]:
    """What no longer holds, in words: each session the engine makes comes from the module's ``make_session``,
    looked up when it is called (so that the guard's swap is the one called)."""
    problems = []
    if "def make_session(" not in context_source:
        problems.append("schemathesis.engine.context no longer defines make_session")
    if "session = make_session(" not in context_source:
        problems.append("the engine's context no longer makes its sessions with make_session")
    if "from schemathesis.engine.context import make_session" not in probes_source:
        problems.append("the capability probes no longer look make_session up when they run")
    return problems


def test_what_the_guard_relies_on_in_schemathesis_holds() -> None:
    assert reliance_problems(inspect.getsource(engine_context), inspect.getsource(probes)) == []


def test_the_check_can_fail() -> None:
    """As if a release made sessions another way: the check says which reliance broke."""
    changed = inspect.getsource(engine_context).replace("session = make_session(", "session = build_session(")
    assert reliance_problems(changed, inspect.getsource(probes)) == [
        "the engine's context no longer makes its sessions with make_session"]


def test_the_swap_lasts_for_the_block_and_no_longer() -> None:
    original = engine_context.make_session
    with guarded(Limits(), WaitBudget(Limits())):
        assert engine_context.make_session is not original
    assert engine_context.make_session is original
