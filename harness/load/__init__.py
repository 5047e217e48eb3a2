"""The load side of the harness: Locust plumbing for the locustfiles, and ``harness load`` around them."""
