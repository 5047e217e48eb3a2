"""Batch throughput: full batches of unique events on /ingestBatch, paced under the quota by default.

Accepted events per second are reported beside requests per second (in the
harness summary); a 207 counts only the events it accepted. ``harness load``
offers 0.9 x the quota (``--quota``) unless given ``--rate`` or
``--unthrottled`` (each user as fast as the target answers).

    HARNESS_TOKEN=... locust -f locustfiles/batch_throughput.py --host http://127.0.0.1:8080 \
        --headless -u 4 -t 60s --user-rate 11.25 [--batch-size 1000]
"""

from locust import task

from harness.load.scenarios import Scenario
from harness.load.users import IngestionUser

SCENARIO = Scenario(users=4, quota_paced=True)


class BatchThroughput(IngestionUser):
    @task
    def batch(self) -> None:
        self.paced(self.send_batch)
