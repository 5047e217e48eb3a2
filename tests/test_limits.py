"""The run's bounds reach a Locust process whole: the flags harness load writes are the ones the users read."""

from __future__ import annotations

import argparse
from dataclasses import fields

from harness.limits import LOCUST_FLAGS, Limits, add_locust_arguments, from_locust, to_locust


def parser() -> argparse.ArgumentParser:
    declared = argparse.ArgumentParser()
    add_locust_arguments(declared)
    return declared


def test_every_bound_crosses_into_locust_and_back() -> None:
    bounds = Limits(request_seconds=2.5, max_answer_bytes=4096, max_retry_wait=0.25, retry_wait_budget=7.0)
    assert from_locust(parser().parse_args(to_locust(bounds))) == bounds
    assert set(LOCUST_FLAGS) == {field.name for field in fields(Limits)}  # a new bound cannot be left behind


def test_a_locust_run_without_the_flags_has_the_defaults() -> None:
    assert from_locust(parser().parse_args([])) == Limits()
    assert from_locust(argparse.Namespace()) == Limits()  # a locustfile run by hand with another parser
