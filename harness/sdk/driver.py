"""One SDK driver process, spoken to over the driver protocol (``harness.sdk.protocol``), within bounds.

The driver is someone else's program: it may hang, exit, write garbage or
flood its output. Every answer is awaited for a bounded time, every line read
is capped, its standard error is kept only as its last lines (for the
reason), and a driver that breaks the protocol is stopped by its pid. What
went wrong is one line (``DriverFailed``), scrubbed of the run's secrets.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shlex
import subprocess
import threading
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from harness.errors import EngineError
from harness.redaction import SCRUBBER, clip
from harness.sdk.protocol import (
    PROTOCOL_VERSION,
    Bye,
    Call,
    Configure,
    Configured,
    Fatal,
    FromDriver,
    Hello,
    HelloRequest,
    Result,
    ToDriver,
    decode_from_driver,
    encode,
)

START_SECONDS = 60.0  # to answer hello: a JVM, a Node runtime or a virtualenv's imports start in this
CALL_SECONDS = 60.0  # per call: the SDK's own retries (Retry-After 2 s, a few 503s) fit well inside
MAX_LINE = 1_000_000  # characters of one protocol line
STDERR_LINES = 20
Expected = TypeVar("Expected", bound=FromDriver)


class DriverFailed(EngineError):
    """The driver broke the protocol or its bounds: the reason in one line."""


def split_command(command: str) -> list[str]:
    """``--driver 'java -cp build TogaiDriver'`` as an argument list; a bad one is a one-line error."""
    try:
        parts = shlex.split(command)
    except ValueError as error:
        raise EngineError(f"--driver {command!r}: {error}") from None
    if not parts:
        raise EngineError("--driver is empty: give the command that starts the SDK's driver")
    return parts


class DriverProcess:
    """Started on entry, stopped (by its pid) on exit whatever happened."""

    def __init__(self, command: Sequence[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> None:
        self.command = list(command)
        self.env = {**os.environ, **(env or {})}
        self.cwd = cwd
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr: deque[str] = deque(maxlen=STDERR_LINES)
        self.process: subprocess.Popen[str] | None = None

    def __enter__(self) -> DriverProcess:
        try:
            self.process = subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace",
                                            env=self.env, cwd=self.cwd)
        except OSError as error:
            raise DriverFailed(f"the driver could not start ({shlex.join(self.command)[:200]}): {error}") from None
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _read_stdout(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in iter(lambda: self.process.stdout.readline(MAX_LINE + 1), ""):  # type: ignore[union-attr]
            self._lines.put(line)
        self._lines.put(None)  # the driver closed its output (it exited)

    def _read_stderr(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        for line in iter(lambda: self.process.stderr.readline(10_000), ""):  # type: ignore[union-attr]
            if line.strip():
                self._stderr.append(line.rstrip("\n"))

    def stop(self) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(OSError, ValueError):
            if process.stdin is not None:
                process.stdin.close()
        try:
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    # -- the exchange -------------------------------------------------------
    def hello(self) -> Hello:
        hello = self._ask(HelloRequest(), Hello, START_SECONDS, "the handshake")
        if hello.protocol != PROTOCOL_VERSION:
            raise DriverFailed(f"the driver speaks protocol {hello.protocol}; this harness speaks "
                               f"{PROTOCOL_VERSION}")
        return hello

    def configure(self, base_url: str, token: str) -> None:
        self._ask(Configure(base_url, token), Configured, START_SECONDS, "configure")

    def call(self, call: Call) -> Result:
        result = self._ask(call, Result, CALL_SECONDS, f"case {call.id}")
        if result.id != call.id:
            raise DriverFailed(f"the driver answered case {clip(result.id, 60)!r} to case {call.id}")
        return result

    def bye(self) -> None:
        with contextlib.suppress(DriverFailed):
            self._send(Bye())
        self.stop()

    def _send(self, message: ToDriver) -> None:
        process = self.process
        assert process is not None and process.stdin is not None
        try:
            process.stdin.write(encode(message).decode() + "\n")
            process.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            raise DriverFailed(self._ended("before it read the next message")) from None

    def _ask(self, message: ToDriver, expected: type[Expected], seconds: float, what: str) -> Expected:
        self._send(message)
        try:
            line = self._lines.get(timeout=seconds)
        except queue.Empty:
            raise DriverFailed(f"the driver did not answer {what} within {seconds:.0f}s; stopped it") from None
        if line is None:
            raise DriverFailed(self._ended(f"during {what}"))
        if len(line) > MAX_LINE:
            raise DriverFailed(f"the driver wrote a line over {MAX_LINE:,} characters during {what}")
        try:
            answer: Any = decode_from_driver(line.strip())
        except (msgspec.DecodeError, msgspec.ValidationError) as error:
            raise DriverFailed(f"the driver wrote a line that is not a protocol message during {what}: "
                               f"{clip(line.strip(), 120)!r} ({clip(str(error), 120)})") from None
        if isinstance(answer, Fatal):
            raise DriverFailed(f"the driver gave up during {what}: {clip(answer.message, 300)}")
        if not isinstance(answer, expected):
            raise DriverFailed(f"the driver answered {what} with a {type(answer).__name__.lower()} message")
        return answer

    def _ended(self, when: str) -> str:
        process, code = self.process, None
        if process is not None:
            try:
                code = process.wait(timeout=5)
            except subprocess.TimeoutExpired:  # it closed its output but lives on
                process.kill()
                code = process.wait(timeout=10)
        last = SCRUBBER.scrub(self._stderr[-1]) if self._stderr else "nothing on its standard error"
        return f"the driver exited (code {code}) {when}: {clip(last, 300)}"
