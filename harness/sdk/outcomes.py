"""What the SDK did with one case, as the harness keeps it: the driver's result, typed.

The shapes of what a driver reports (``Returned``, ``Raised``) are the
protocol's (``harness.sdk.protocol``); a case the driver never ran, or
broke on, is stood in for here, so that every case has an outcome and the
judge says what happened in its cell.
"""

from __future__ import annotations

import msgspec

from harness.sdk.protocol import Raised, Returned

NOT_RUN_TYPE = "harness.NotRun"  # the driver ended before this case
DRIVER_FAILED_TYPE = "harness.DriverFailed"  # the driver broke the protocol or its bounds on this case


class CaseOutcome(msgspec.Struct, frozen=True):
    id: str
    started: float = 0.0
    seconds: float = 0.0
    returned: Returned | None = None
    raised: Raised | None = None
    applicable: bool = True  # False: the driver lacks a capability the case needs


def not_run(case_id: str, reason: str) -> CaseOutcome:
    return CaseOutcome(case_id, raised=Raised(NOT_RUN_TYPE, reason))


def driver_failed(case_id: str, reason: str) -> CaseOutcome:
    return CaseOutcome(case_id, raised=Raised(DRIVER_FAILED_TYPE, reason))


__all__ = ["DRIVER_FAILED_TYPE", "NOT_RUN_TYPE", "CaseOutcome", "Raised", "Returned", "driver_failed", "not_run"]
