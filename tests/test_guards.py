"""The production guard judges the host a client connects to, by every way a URL gets in; each bypass refused.

Each case runs the command line in process (Typer's runner) and must end
with exit 2 and a one-line reason, having sent nothing: the addresses below
are never contacted (the guard refuses them first, and none is on loopback).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.targets import host_of, unauth_budget

TOKEN = "a-guard-test-token-0001"

ALIASES = ["https://api。togai。com", "https://api．togai．com", "https://api｡togai｡com", "https://api.togai.com.",
           "HTTPS://API.TOGAI.COM:443/", "https://ａｐｉ.togai.com", "https://api%2Etogai%2Ecom",
           "https://Api.Togai.Com./v1"]


@pytest.fixture(autouse=True)
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each case in a folder of its own: no harness.toml of the repository is read, nothing is written here."""
    monkeypatch.chdir(tmp_path)
    for name in ("HARNESS_BASE_URL", "HARNESS_ADMIN_TOKEN", "HARNESS_OTHER_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"HARNESS_TOKEN": TOKEN, **(env or {})})
    return result.exit_code, result.stderr


def one_line_refusal(code: int, stderr: str, reason: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert code == 2, stderr
    assert len(lines) == 1 and lines[0].startswith("error: ") and reason in lines[0], stderr


@pytest.mark.parametrize("url", ALIASES)
def test_every_spelling_of_the_production_host_is_that_host(url: str) -> None:
    assert host_of(url) == "api.togai.com"
    one_line_refusal(*invoke("contract", "--base-url", url), "api.togai.com is Togai's production API")


@pytest.mark.parametrize("url", ["https://sandbox-api。togai。com", "https://SANDBOX-API.togai.com."])
def test_the_unauthenticated_budget_knows_togais_hosts_however_spelled(url: str) -> None:
    assert unauth_budget(url, 100) == 5
    assert unauth_budget("http://127.0.0.1:8080", 100) == 100


@pytest.mark.parametrize("command", ["contract", "load", "run", "sdk"])
def test_the_environment_is_guarded_like_the_flag(command: str) -> None:
    one_line_refusal(*invoke(command, env={"HARNESS_BASE_URL": "https://api．togai．com"}), "--allow-production")


def test_a_url_with_credentials_is_refused_before_it_is_printed() -> None:
    code, stderr = invoke("contract", "--base-url", "http://user:hunter2-secret@127.0.0.1:9")
    one_line_refusal(code, stderr, "carries credentials")
    assert "hunter2" not in stderr


def test_a_config_file_cannot_lift_the_guard(tmp_path: Path) -> None:
    config = tmp_path / "harness.toml"
    config.write_text('[target]\nbase_url = "https://api.togai.com"\nallow_production = true\n')
    one_line_refusal(*invoke("--config", str(config), "contract"), "a config file cannot do")
    config.write_text('[contract]\nallow-production = true\n')
    one_line_refusal(*invoke("--config", str(config), "contract"), "takes --allow-production on the command line")
    config.write_text('[target]\nbase_url = "https://api。togai。com"\n')
    one_line_refusal(*invoke("--config", str(config), "contract"), "--allow-production")


@pytest.mark.parametrize("passed", [("--host", "https://api.togai.com"), ("--host=https://api.togai.com",),
                                    ("-H", "https://api.togai.com"), ("-Hhttps://api.togai.com",)])
def test_a_target_passed_through_to_locust_is_refused(passed: tuple[str, ...]) -> None:
    code, stderr = invoke("load", "--base-url", "http://127.0.0.1:9", "--run-time", "1s", *passed)
    one_line_refusal(code, stderr, "give the target with --base-url")


def test_the_other_tenants_token_is_checked_like_the_first() -> None:
    one_line_refusal(*invoke("load", "--base-url", "http://127.0.0.1:9", "--other-token", "short"),
                     "--other-token / HARNESS_OTHER_TOKEN is shorter than 8 characters")
