"""Bursts: a spike of users, then idle, repeated, to see the token bucket drain and refill.

    HARNESS_TOKEN=... locust -f locustfiles/burst.py --host URL --headless -t 60s \
        [--burst-users 20] [--burst-seconds 5] [--idle-seconds 5]
"""

from locust import LoadTestShape, task

from harness.load.scenarios import Option, Scenario
from harness.load.users import IngestionUser

SCENARIO = Scenario(users=20, sends=("ingest",), options=(
    Option("--burst-users", 20, "Users during a spike"),
    Option("--burst-seconds", 5.0, "Length of a spike"),
    Option("--idle-seconds", 5.0, "Pause between spikes"),
))
SCENARIO.register()


class Burst(IngestionUser):
    @task
    def event(self) -> None:
        self.send_event()


class SpikeThenIdle(LoadTestShape):
    def tick(self) -> tuple[int, float] | None:
        options = self.runner.environment.parsed_options
        if options.run_time and self.get_run_time() >= options.run_time:
            return None
        period = options.burst_seconds + options.idle_seconds
        spiking = self.get_run_time() % period < options.burst_seconds
        return (options.burst_users, options.burst_users) if spiking else (0, options.burst_users)
