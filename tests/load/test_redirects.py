"""Load users never follow a redirect: the other host gets nothing, and the 3xx fails the run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.admin_client import AdminClient
from harness.redaction import Secret
from harness.reference import TargetConfig, running_target
from tests.contract.broken import Headers, rewriting
from tests.load.conftest import TOKEN, harness_load


def test_a_307_to_another_host_is_not_followed_and_fails_the_run(tmp_path: Path) -> None:
    with running_target(TargetConfig(tokens=(TOKEN,))) as elsewhere:
        location = f"{elsewhere.base_url}/ingestBatch".encode()

        def redirect(scope: dict[str, Any], status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
            if scope["path"] == "/ingestBatch":
                return 307, [(b"location", location), (b"content-type", b"text/plain")], b"moved"
            return status, headers, body

        with running_target(TargetConfig(tokens=(TOKEN,)), make_app=rewriting(redirect)) as target:
            result, report = harness_load("--base-url", target.base_url, "--run-time", "2s", "--users", "1",
                                          "--batch-size", "5", cwd=tmp_path)
        assert elsewhere.config.admin_token is not None
        with AdminClient(elsewhere.base_url, Secret(TOKEN), Secret(elsewhere.config.admin_token)) as admin:
            received = admin.counts()
    assert result.returncode == 1, result.stdout[-500:] + result.stderr[-500:]
    assert report is not None and report["summary"]["statuses"].get("307", 0) > 0
    failed = {slo["slo"] for slo in report["slos"] if not slo["met"]}
    assert {"undocumented<=0", "accepted_events>=1"} <= failed
    assert received.acknowledged == 0 and received.rejected == 0  # nothing reached the other host
