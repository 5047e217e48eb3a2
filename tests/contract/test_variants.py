"""Correct servers that make other allowed choices pass every command: no false alarm anywhere."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from harness.contract.runner import ContractOptions, run_contract
from harness.limits import Limits
from harness.redaction import Secret
from harness.targets import Target
from harness.verdicts import Outcome
from tests.contract.broken import OTHER_TOKEN
from tests.contract.variants import VARIANTS, Variant
from tests.load.conftest import TOKEN, harness_load

# the throttle scenario again only where the choice touches what it reads (a 429's headers, the connection)
THROTTLE_SENSITIVE = {"charset", "close_delimited", "connection_close", "early_hints", "retry_after_longer",
                      "transient_503"}
# with the second tenant: its step, and its acknowledged events asked about as that tenant (black-box, no read-back)
QUICK_THROTTLE = ("--scenario", "throttle", "--expect-quota", "20", "--steps", "0.5,1.5", "--step-seconds", "2",
                  "--rest-seconds", "1", "--other-token", OTHER_TOKEN)


# two classes: the unit CI's loadscope hands a worker (the module was one unit of four minutes, the suite's longest)
class TestContract:
    @pytest.mark.parametrize("variant", VARIANTS, ids=[variant.name for variant in VARIANTS])
    def test_every_check_is_silent_on_a_correct_variant(self, variant: Variant) -> None:
        config = variant.target_config(TOKEN)
        with variant.served(config) as url:
            target = Target(url, Secret(TOKEN), None, config.max_body_bytes,  # black-box: no read-back
                            Secret(OTHER_TOKEN))
            report = run_contract(target, ContractOptions(max_examples=8, limits=Limits(max_retry_wait=5)))
        failures = [f"{row.name} on {row.subject}: {row.message}" for row in report.rows
                    if row.outcome in (Outcome.FAILED, Outcome.ERROR)]
        assert failures == [], f"{variant.choice}: false alarms"
        assert {row.outcome for row in report.rows if row.name == "tenants"} == {Outcome.PASSED}


class TestLoad:
    @pytest.mark.parametrize("variant", VARIANTS, ids=[variant.name for variant in VARIANTS])
    def test_load_throughput_and_throttle_pass_on_a_correct_variant(self, variant: Variant, tmp_path: Path) -> None:
        config = variant.target_config(TOKEN)
        with variant.served(config) as url:
            # the latency objective loosened: the choices under test do not touch latency, a busy CI machine does;
            # so the errors one for the staging blip, in both runs: 0.5 % of a 2 s run's 90 paced requests is 2 or
            # more (over the default 1 %) in one run of 13, and the throttle run's few hundred went over it in CI:
            # a statistic no run this short can hold (the contract judges the 503)
            objectives = "p95<10s,errors<=5%" if variant.name == "transient_503" else "p95<10s"
            throughput, report = harness_load("--base-url", url, "--run-time", "2s", "--users", "2",
                                              "--batch-size", "50", "--slo", objectives, cwd=tmp_path)
            assert throughput.returncode == 0, f"{variant.choice}: {report and report['breaches']} {throughput.stderr}"
        if variant.name not in THROTTLE_SENSITIVE:
            return
        slow = dataclasses.replace(variant, config={**variant.config, "rate": 20.0})
        with slow.served(slow.target_config(TOKEN)) as url:
            throttle, report = harness_load("--base-url", url, *QUICK_THROTTLE, "--slo", objectives,
                                            cwd=tmp_path)
        assert throttle.returncode == 0, f"{variant.choice}: {report and report['breaches']} {throttle.stderr[-500:]}"
