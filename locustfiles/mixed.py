"""Mixed traffic: single events on /ingest and batches on /ingestBatch, in a configurable ratio.

    HARNESS_TOKEN=... locust -f locustfiles/mixed.py --host URL --headless -u 8 -t 60s \
        [--single-share 0.8] [--batch-size 100] [--user-rate 10]
"""

import random

from locust import task

from harness.load.scenarios import Option, Scenario
from harness.load.users import IngestionUser

SCENARIO = Scenario(users=8, quota_paced=True, sends=("ingest", "ingestBatch"), share_option="--single-share",
                    options=(Option("--single-share", 0.8, "Share of requests sent to /ingest"),))
SCENARIO.register()


class Mixed(IngestionUser):
    @task
    def mixed(self) -> None:
        self.paced(self.send_either)

    def send_either(self) -> None:
        if random.random() < self.environment.parsed_options.single_share:
            self.send_event()
        else:
            self.send_batch()
