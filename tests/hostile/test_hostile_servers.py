"""Every command against servers that misbehave on purpose: it ends, within memory, with a reason, leaking nothing.

Issue 13's bounds: at most 3 minutes and 1 GiB for all of the harness's
processes together; exit 1 (findings) or 2 (the harness could not do its
job, said in one line); the token in no output and no report file, in any
of its encodings; nothing sent to the host a redirect names. CI runs every
behaviour against ``contract`` and ``load`` (throughput), and the behaviours
that reach the later stages against the other scenarios and ``run``;
``benchmarks/hostile_matrix.py`` runs every pair and prints the table.

Each pair is a test of its own, measured when it runs and bounded there
(``measure`` kills a command at twice its allowed time), so no test waits on
another's pairs: the whole matrix once sat in one fixture's setup, whose
wait had no bound and whose sum outgrew pytest's timeout on a slower machine.
The pairs are split into classes, the unit ``--dist loadscope`` hands a
worker, so the matrix is spread over CI's workers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.matrix import MAX_RSS, MAX_SECONDS, Measured, measure
from tests.hostile.server import BEHAVIOURS
from tests.test_neutral import commands_in, raw_controls_in

# servers that answer the preflight with something, so that a run goes on to its checks and load
ANSWERING = ("endless_chunked", "huge_body", "gzip_bomb", "token_echo", "key_echo", "deep_json", "long_number",
             "retry_after_day", "redirect_elsewhere", "injections", "header_bytes", "stacked_bomb", "broken_encoding",
             "parsers_disagree")
EVERY_OUTPUT = ("contract", "contract baseline", "load batch_throughput", "load throttle", "load burst", "load mixed",
                "load soak", "run", "pytest suite")  # every command and file the echoed key could reach
UNPARSABLE = {"deep_json": "nested 200,001 levels deep", "long_number": "a JSON number of 200,000 characters"}

# what each pair must say, beyond the bounds: the reason names what went wrong (where: "reason" is the last line
# of stderr, "said" every stream and Markdown report, a file name one file of the run's folder)
NAMED: dict[tuple[str, str], tuple[str, str | tuple[str, ...]]] = {
    **{(behaviour, "contract"): ("reason", "no complete answer within 3s")
       for behaviour in ("never_answers", "slow_headers", "slow_body")},
    **{(behaviour, "contract"): ("said", "answer larger than 1,048,576 bytes")
       for behaviour in ("endless_chunked", "huge_body", "gzip_bomb")},
    ("retry_after_day", "contract"): ("said", "asks to wait 86,400s"),
    ("redirect_elsewhere", "contract"): ("said", "307 redirect to"),
    ("token_echo", "contract"): ("reports/contract.md", "invalid token ***"),  # the echo shown, the token scrubbed
    ("key_echo", "contract"): ("said", "invalid token ***"),
    ("key_echo", "contract baseline"): ("baseline.json", ('"message"', "***")),
    # 200,000 levels deep or a 200,000-digit number: a finding naming it, in every command (what proves no parser
    # saw it: a parser would recurse or convert for minutes; how many seconds the run took depends on the machine)
    **{(behaviour, command): ("said", words) for behaviour, words in UNPARSABLE.items()
       for command in ("contract", "load batch_throughput")},
    # a head past the bounds (100 lines, 100 KiB) ends the request in every engine, saying so
    ("header_flood", "contract"): ("reason", "header"),  # http.client's words: which flood came first varies
    ("header_flood", "load batch_throughput"): ("said", ("more than 100 header lines", "headers larger than")),
    # codings stacked, a bomb inside a bomb, and codings that do not decode: the cap holds, the coding is named
    **{("stacked_bomb", command): ("said", "answer larger than 1,048,576 bytes")
       for command in ("contract", "load batch_throughput")},
    **{("broken_encoding", command): ("said", ("Content-Encoding 'gzip': the gzip layer does not decode",
                                                "Content-Encoding 'br': the br layer does not decode"))
       for command in ("contract", "load batch_throughput")},
    # JSON that parsers read differently: a member named twice is said with the value judged (every 207 has two
    # errors lists); the contract run also meets a message not UTF-8 and a lone surrogate, in turns
    ("parsers_disagree", "contract"): ("said", "names the member"),
    ("parsers_disagree", "load batch_throughput"): ("said", "names the member 'errors' 2 times"),
}

CONTRACT = [(behaviour, "contract") for behaviour in BEHAVIOURS if behaviour != "key_echo"]
THROUGHPUT = [(behaviour, "load batch_throughput") for behaviour in BEHAVIOURS if behaviour != "key_echo"]
ECHOED_KEY = [("key_echo", command) for command in EVERY_OUTPUT if command != "run"]
# a whole run each (half a minute, a tenth of the matrix's CPU): the echoed key in every file a run writes, the
# injections in its index and summary. The other behaviours (an answer no parser may see among them) meet the same
# engines in the contract and load pairs; benchmarks/hostile_matrix.py runs every behaviour through ``run``
RUN = [(behaviour, "run") for behaviour in ("key_echo", "injections")]
OTHERS = [(behaviour, "load throttle") for behaviour in ("huge_body", "retry_after_day")] + [("correct", "sdk")]
PAIRS = CONTRACT + THROUGHPUT + ECHOED_KEY + RUN + OTHERS


def _ids(pairs: list[tuple[str, str]]) -> list[str]:
    return [f"{behaviour}-{command.replace(' ', '-')}" for behaviour, command in pairs]


def _outputs(run: Measured) -> dict[str, str]:
    """The two streams and every text file the run wrote (not its charts, nor the gzip manifest of our own ids)."""
    files = {str(path.relative_to(run.workdir)): path.read_text("utf-8", "replace")
             for path in (run.workdir / "reports").rglob("*")
             if path.is_file() and path.suffix in (".md", ".json", ".xml", ".html", ".csv", ".txt", ".tsv")}
    return {"stdout": run.stdout, "stderr": run.stderr, **files}


def _said(run: Measured) -> str:
    return run.stdout + run.stderr + "".join(
        path.read_text("utf-8", "replace") for path in (run.workdir / "reports").rglob("*.md"))


def ends_in_bounds_and_leaks_nothing(behaviour: str, command: str, workdir: Path) -> None:
    run = measure(behaviour, command, workdir)
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
    if behaviour == "injections":  # what the target wrote is shown, never obeyed: by a terminal or a CI runner
        for name, text in _outputs(run).items():
            assert commands_in(text) == [] and raw_controls_in(text) == [], (name, commands_in(text),
                                                                               raw_controls_in(text))
        if command in ("contract", "run"):  # which quote the message (a load run names the 207's schema fault)
            assert "::error file=x::pwned" in _said(run)  # still shown: as the JSON body's escapes, or prefixed
    where, words = NAMED.get((behaviour, command), ("said", ""))
    text = {"reason": run.reason, "said": _said(run)}.get(where)
    text = (run.workdir / where).read_text("utf-8", "replace") if text is None else text
    for word in (words,) if isinstance(words, str) else words:
        assert word in text, (where, word, text[-1500:])


class TestContract:
    @pytest.mark.parametrize(("behaviour", "command"), CONTRACT, ids=_ids(CONTRACT))
    def test_ends_in_bounds_and_leaks_nothing(self, behaviour: str, command: str, tmp_path: Path) -> None:
        ends_in_bounds_and_leaks_nothing(behaviour, command, tmp_path)


class TestThroughput:
    @pytest.mark.parametrize(("behaviour", "command"), THROUGHPUT, ids=_ids(THROUGHPUT))
    def test_ends_in_bounds_and_leaks_nothing(self, behaviour: str, command: str, tmp_path: Path) -> None:
        ends_in_bounds_and_leaks_nothing(behaviour, command, tmp_path)


class TestEchoedKeyAndOthers:
    @pytest.mark.parametrize(("behaviour", "command"), ECHOED_KEY + OTHERS, ids=_ids(ECHOED_KEY + OTHERS))
    def test_ends_in_bounds_and_leaks_nothing(self, behaviour: str, command: str, tmp_path: Path) -> None:
        ends_in_bounds_and_leaks_nothing(behaviour, command, tmp_path)


class TestRunKeyEcho:  # the longest pairs (a whole run each), in two classes so that two workers share them
    @pytest.mark.parametrize(("behaviour", "command"), RUN[:1], ids=_ids(RUN[:1]))
    def test_ends_in_bounds_and_leaks_nothing(self, behaviour: str, command: str, tmp_path: Path) -> None:
        ends_in_bounds_and_leaks_nothing(behaviour, command, tmp_path)


class TestRunInjections:
    @pytest.mark.parametrize(("behaviour", "command"), RUN[1:], ids=_ids(RUN[1:]))
    def test_ends_in_bounds_and_leaks_nothing(self, behaviour: str, command: str, tmp_path: Path) -> None:
        ends_in_bounds_and_leaks_nothing(behaviour, command, tmp_path)


def test_every_behaviour_meets_contract_and_load_and_every_named_pair_is_run() -> None:
    """The split leaves nothing out: issue 13's pairs, and every pair whose words are checked, are measured."""
    assert {behaviour for behaviour, command in PAIRS if command == "contract"} == set(BEHAVIOURS)
    assert {behaviour for behaviour, command in PAIRS if command == "load batch_throughput"} == set(BEHAVIOURS)
    assert {command for behaviour, command in PAIRS if behaviour == "key_echo"} == set(EVERY_OUTPUT)
    assert set(NAMED) <= set(PAIRS)
    assert len(PAIRS) == len(set(PAIRS))
