"""Bursts: a spike of users, then idle, repeated, to see the token bucket drain and refill.

    HARNESS_TOKEN=... locust -f locustfiles/burst.py --host URL --headless -t 60s \
        [--burst-users 20] [--burst-seconds 5] [--idle-seconds 5]
"""

from typing import Any

from locust import LoadTestShape, events, task

from harness.load.scenario import IngestionUser


@events.init_command_line_parser.add_listener
def _arguments(parser: Any) -> None:
    parser.add_argument("--burst-users", type=int, default=20, help="Users during a spike")
    parser.add_argument("--burst-seconds", type=float, default=5.0, help="Length of a spike")
    parser.add_argument("--idle-seconds", type=float, default=5.0, help="Pause between spikes")


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
