"""Mixed traffic: single events on /ingest and batches on /ingestBatch, in a configurable ratio.

    HARNESS_TOKEN=... locust -f locustfiles/mixed.py --host URL --headless -u 8 -t 60s \
        [--single-share 0.8] [--batch-size 100] [--user-rate 10]
"""

import random
from typing import Any

from locust import events, task

from harness.load.scenario import IngestionUser


@events.init_command_line_parser.add_listener
def _arguments(parser: Any) -> None:
    parser.add_argument("--single-share", type=float, default=0.8, help="Share of requests sent to /ingest")


class Mixed(IngestionUser):
    @task
    def mixed(self) -> None:
        if random.random() < self.environment.parsed_options.single_share:
            self.send_event()
        else:
            self.send_batch()
