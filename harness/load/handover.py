"""Each worker's last tally reaches the master before the run ends.

Locust's master, quitting, tells its workers to quit and waits half a
second for their final statistics. A worker first stops its users, and a
user stops only when its in-flight requests are answered (or time out): on a
slow machine or against a slow target that takes longer than half a second,
and the master then ends without the worker's last report. Its acknowledged
events would be missing from the summary while the target stored them: the
accounting would cry "lost events" on a correct target.

So, when the master's test stops (at the run time, on an abort, or from the
web UI), it asks every worker, through a custom message, to stop its users
and send what it recorded since its last report, and waits (bounded) until
each has answered; only then does Locust's own quit go on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import gevent
from locust.env import Environment
from locust.runners import STATE_MISSING, MasterRunner, WorkerRunner

STOP_MESSAGE = "harness_stop"  # master -> worker: stop your users, then send your last tally
FINAL_MESSAGE = "harness_final"  # worker -> master: the last tally, after every user stopped
MARGIN = 5.0  # seconds, past the users' own stop bound, before the master stops waiting


class Handover:
    """The handshake, on either side. ``take`` empties this process's tally into a message; ``merge`` adds a
    worker's message to the master's; ``bound`` is how long a worker may take to stop its users."""

    def __init__(self, take: Callable[[], dict[str, Any]], merge: Callable[[str, dict[str, Any]], None],
                 bound: float) -> None:
        self.take = take
        self.merge = merge
        self.bound = bound
        self.answered: set[str] = set()
        self.environment: Environment | None = None

    def install(self, environment: Environment) -> None:
        self.environment = environment
        runner = environment.runner
        if isinstance(runner, MasterRunner):
            runner.register_message(FINAL_MESSAGE, self._on_final)
            environment.events.test_stop.add_listener(lambda **_: self.collect())
        elif isinstance(runner, WorkerRunner):
            runner.register_message(STOP_MESSAGE, lambda **_: self._stop_and_send(), concurrent=True)

    # -- the master -------------------------------------------------------
    def collect(self) -> None:
        """Ask each worker of the run for its last tally; return when all answered or the bound passed. A
        worker the master already stopped (the web UI's stop) is no longer among its clients, but still
        holds its last seconds: every worker that ever joined is asked, but for those known to be gone."""
        runner = self.environment.runner if self.environment else None
        if not isinstance(runner, MasterRunner):
            return
        gone = {client.id for client in runner.clients.all if client.state == STATE_MISSING}
        asked = set(runner.worker_indexes) - gone - self.answered
        for client_id in asked:
            runner.send_message(STOP_MESSAGE, None, client_id)
        deadline = time.monotonic() + self.bound + MARGIN
        while not asked <= self.answered and time.monotonic() < deadline:
            gevent.sleep(0.05)
        if missing := asked - self.answered:
            logging.getLogger("harness").warning(
                "%d worker(s) sent no last tally within %.0fs: their last seconds are not in the summary",
                len(missing), self.bound + MARGIN)

    def _on_final(self, msg: Any, **_: Any) -> None:
        self.answered.add(msg.node_id)
        self.merge(msg.node_id, msg.data)

    # -- a worker ---------------------------------------------------------
    def _stop_and_send(self) -> None:
        runner = self.environment.runner if self.environment else None
        if not isinstance(runner, WorkerRunner):
            return
        runner.stop()  # returns when every user stopped: its in-flight requests answered or timed out
        runner.send_message(FINAL_MESSAGE, self.take())
