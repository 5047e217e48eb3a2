"""The reference target: a faithful, durable implementation of the contract (docs/contract.md#semantics).

It is the default target of every command and the known-good server every
check is proven against. ``running_target`` starts it in-process for tests;
``harness serve`` runs it as a service. The server (uvicorn) is imported
only when it is asked for, so reading the settings stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harness.reference.config import TargetConfig

if TYPE_CHECKING:
    from harness.reference.server import RunningTarget, running_target

__all__ = ["RunningTarget", "TargetConfig", "running_target"]


def __getattr__(name: str) -> Any:
    if name in ("RunningTarget", "running_target"):
        from harness.reference import server  # noqa: PLC0415

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
