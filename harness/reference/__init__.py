"""The embedded reference target: a faithful, durable implementation of the contract.

It is the default target of every command and the known-good server every
check is proven against. ``running_target`` starts it in-process for tests;
``harness serve`` runs it as a service.
"""

from harness.reference.config import TargetConfig
from harness.reference.server import RunningTarget, running_target

__all__ = ["RunningTarget", "TargetConfig", "running_target"]
