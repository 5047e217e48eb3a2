"""Every command against servers that misbehave on purpose: it ends, within memory, with a reason, leaking nothing.

Issue 13's bounds: at most 3 minutes and 1 GiB for all of the harness's
processes together; exit 1 (findings) or 2 (the harness could not do its
job, said in one line); the token in no output and no report file, in any
of its encodings; nothing sent to the host a redirect names. CI runs every
behaviour against ``contract`` and ``load`` (throughput), and the behaviours
that reach the later stages against the other scenarios and ``run``;
``benchmarks/hostile_matrix.py`` runs every pair and prints the table.
"""

from __future__ import annotations

import pytest

from tests.hostile.matrix import MAX_RSS, MAX_SECONDS, Measured, measure_all
from tests.hostile.server import BEHAVIOURS

# servers that answer the preflight with something, so that a run goes on to its checks and load
ANSWERING = ("endless_chunked", "huge_body", "gzip_bomb", "token_echo", "key_echo", "deep_json", "long_number",
             "retry_after_day", "redirect_elsewhere")
EVERY_OUTPUT = ("contract", "contract baseline", "load batch_throughput", "load throttle", "load burst", "load mixed",
                "load soak", "run", "pytest suite")  # every command and file the echoed key could reach
UNPARSABLE = ("deep_json", "long_number")
PAIRS = ([(behaviour, "contract") for behaviour in BEHAVIOURS if behaviour != "key_echo"]
         + [(behaviour, "load batch_throughput") for behaviour in BEHAVIOURS if behaviour != "key_echo"]
         + [(behaviour, "load throttle") for behaviour in ("huge_body", "retry_after_day")]
         + [("key_echo", command) for command in EVERY_OUTPUT]
         + [(behaviour, "run") for behaviour in ("gzip_bomb", *UNPARSABLE)]
         + [("correct", "sdk")])


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Measured]:
    return measure_all(PAIRS, tmp_path_factory.mktemp("hostile"), parallel=4)


@pytest.mark.parametrize(("behaviour", "command"), PAIRS, ids=[f"{b}-{c.replace(' ', '-')}" for b, c in PAIRS])
def test_a_command_against_a_hostile_server_ends_in_bounds_and_leaks_nothing(
        measured: dict[tuple[str, str], Measured], behaviour: str, command: str) -> None:
    run = measured[(behaviour, command)]
    assert run.exit_code in ((0,) if behaviour == "correct" else (1, 2)), (run.exit_code, run.stderr[-2000:])
    assert run.seconds < MAX_SECONDS
    assert run.peak_rss < MAX_RSS, f"{run.peak_rss / 2**20:.0f} MiB"
    assert not run.leaks, f"a piece of the token is in {run.leaks}"
    assert "Traceback" not in run.stderr + run.stdout, (run.stderr + run.stdout)[-2000:]
    if run.exit_code == 2:
        assert run.reason.startswith("error: ") and len(run.reason) < 400, run.reason
    if behaviour in ANSWERING and command in ("contract", "pytest suite"):
        assert run.exit_code == 1  # the target answered: what it answered is a finding, not an error
    if behaviour == "redirect_elsewhere":
        assert run.redirected == 0, "a request followed the redirect to the other host"


def test_each_behaviour_is_named_in_what_the_contract_run_reports(
        measured: dict[tuple[str, str], Measured]) -> None:
    """Not only bounded: the reason names what went wrong."""
    said = {behaviour: measured[(behaviour, "contract")] for behaviour in BEHAVIOURS}
    assert "no complete answer within 3s" in said["never_answers"].reason
    assert "no complete answer within 3s" in said["slow_headers"].reason
    assert "no complete answer within 3s" in said["slow_body"].reason
    for behaviour in ("endless_chunked", "huge_body", "gzip_bomb"):
        assert "answer larger than 1,048,576 bytes" in said[behaviour].stdout, behaviour
    assert "asks to wait 86,400s" in said["retry_after_day"].stdout
    assert "307 redirect to" in said["redirect_elsewhere"].stdout
    echoed = (said["token_echo"].workdir / "reports" / "contract.md").read_text()
    assert "invalid token ***" in echoed  # the echo is in the report, the token scrubbed from it


@pytest.mark.parametrize("behaviour", UNPARSABLE)
def test_an_answer_no_parser_survives_is_named_not_parsed(measured: dict[tuple[str, str], Measured],
                                                          behaviour: str) -> None:
    """200,000 levels deep or a 200,000-digit number: a finding naming it, in seconds, in every command."""
    named = "nested 200,001 levels deep" if behaviour == "deep_json" else "a JSON number of 200,000 characters"
    for command in ("contract", "load batch_throughput", "run"):
        run = measured[(behaviour, command)]
        assert run.seconds < MAX_SECONDS / 2, (command, run.seconds)  # in seconds, not at a bound
        said = run.stdout + run.stderr + "".join(
            path.read_text("utf-8", "replace") for path in (run.workdir / "reports").rglob("*.md"))
        assert named in said, (command, said[-1500:])


def test_the_echoed_key_is_reported_scrubbed(measured: dict[tuple[str, str], Measured]) -> None:
    """What the target said is still shown, with *** where the key stood, in the console and the baseline."""
    contract = measured[("key_echo", "contract")]
    assert "invalid token ***" in contract.stdout
    baseline = (measured[("key_echo", "contract baseline")].workdir / "baseline.json").read_text()
    assert '"message"' in baseline and "***" in baseline
