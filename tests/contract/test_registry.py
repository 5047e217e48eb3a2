"""A contract check is declared once, in its own module, and known by the same name everywhere."""

from __future__ import annotations

import pytest
import schemathesis.checks

from harness.contract import registry
from harness.contract.fuzz import register_judges


def test_every_check_module_declares_the_check_it_is_named_after() -> None:
    checks = registry.checks()
    assert tuple(checks) == registry.names()[:-1]
    assert registry.names()[-1] == registry.FUZZ
    assert all(check.probe or check.judge for check in checks.values())
    assert {name for name, check in checks.items() if check.judge} == {"answer_size", "empty_bodies", "error_responses",
                                                                         "partial_failure", "redirects", "throttling"}
    assert [name for name, check in checks.items() if check.runs_last] == ["accounting"]


def test_judges_are_schemathesis_checks_under_the_same_names() -> None:
    judged = register_judges()
    assert judged == register_judges()  # registering twice is harmless
    known = schemathesis.checks.CHECKS.get_all_names()
    assert set(judged) <= set(known)


def test_a_check_declared_under_another_name_is_refused() -> None:
    @registry.judge("not_this_module")
    def stray(*_: object) -> list[str]:
        return []

    try:
        with pytest.raises(TypeError, match="named after its module"):
            registry.checks()
    finally:
        registry._CHECKS.pop("not_this_module")
