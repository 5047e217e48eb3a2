"""Soak: a steady load for a long time; the harness reports latency and error drift over the run.

    HARNESS_TOKEN=... locust -f locustfiles/soak.py --host URL --headless -u 4 -t 30m \
        --user-rate 5 [--batch-size 100]
"""

from locust import task

from harness.load.scenarios import Scenario
from harness.load.users import IngestionUser

SCENARIO = Scenario(users=4, quota_paced=True)


class Soak(IngestionUser):
    @task
    def batch(self) -> None:
        self.paced(self.send_batch)
