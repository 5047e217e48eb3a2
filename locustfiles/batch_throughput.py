"""Batch throughput: full batches of unique events on /ingestBatch, as fast as the target takes them.

Accepted events per second are reported beside requests per second (in the
harness summary); a 207 counts only the events it accepted.

    HARNESS_TOKEN=... locust -f locustfiles/batch_throughput.py --host http://127.0.0.1:8080 \
        --headless -u 4 -t 60s [--batch-size 1000]
"""

from locust import task

from harness.load.scenarios import Scenario
from harness.load.users import IngestionUser

SCENARIO = Scenario(users=4)


class BatchThroughput(IngestionUser):
    @task
    def batch(self) -> None:
        self.send_batch()
