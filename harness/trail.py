"""A run's trail: one run id per harness invocation, in its console, reports, requests and events.

A shared staging keeps what a load run sends. So that its team can tell this
run's events apart afterwards (to exclude or purge them), every invocation
has a run id: printed at the start, written into every report, sent in a
``User-Agent`` naming the harness and its version, and used as the prefix of
every event id the load users make. Child processes (Locust, its workers,
the SDK child) inherit it through ``HARNESS_RUN_ID``.
"""

from __future__ import annotations

import os
import secrets
import time
from functools import cache
from importlib import metadata

RUN_ID_ENV = "HARNESS_RUN_ID"
DISTRIBUTION = "togai-ingestion-harness"


@cache
def run_id() -> str:
    """``20261130-091233-3fa2``: sortable by time, unique enough among runs; the parent's in a child process."""
    inherited = os.environ.get(RUN_ID_ENV, "")
    if inherited:
        return inherited
    made = time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + secrets.token_hex(2)
    os.environ[RUN_ID_ENV] = made  # every child process started from here on carries the same
    return made


@cache
def version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "0+unknown"


def user_agent(part: str = "") -> str:
    """``togai-harness/0.1.0 (load; run 20261130-091233-3fa2)``: who sent it, and which run."""
    return f"togai-harness/{version()} ({part + '; ' if part else ''}run {run_id()})"
