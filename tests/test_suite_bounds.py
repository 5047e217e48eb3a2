"""No wait in the test suite without a bound: a hung child, thread or server fails one test, never the run.

A fixture that waited on ``future.result()`` with no timeout once held CI
until pytest-timeout killed it (issue 36). This reads every test module
and names each call that can wait for ever: a subprocess run or read, a
future's result, a thread's or pool's join, a process's or event's wait,
each without a timeout. A ``wait()`` right after ``kill()`` is bounded (the
process is gone).
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
SUBPROCESS_WAITS = {"run", "call", "check_call", "check_output"}  # subprocess.X(...) waits for the child
NO_ARGUMENT_WAITS = {"result", "join", "wait", "communicate"}  # x.X() with neither a timeout nor an argument


def _unbounded(call: ast.Call) -> bool:
    if not isinstance(call.func, ast.Attribute) or any(keyword.arg == "timeout" for keyword in call.keywords):
        return False
    name, owner = call.func.attr, call.func.value
    if isinstance(owner, ast.Name) and owner.id == "subprocess":
        return name in SUBPROCESS_WAITS
    return name in NO_ARGUMENT_WAITS and not call.args


def _kills(statement: ast.stmt) -> bool:
    return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "kill"
               for node in ast.walk(statement))


def unbounded_waits(source: str, name: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        for field in ("body", "orelse", "finalbody", "handlers"):
            statements = getattr(node, field, None)
            if not isinstance(statements, list):
                continue
            for before, statement in zip([None, *statements], statements, strict=False):
                if not isinstance(statement, ast.Expr | ast.Assign | ast.Return | ast.AnnAssign | ast.With):
                    continue
                # a with statement's own calls are its items'; those of its body are read as statements of their own
                parts = statement.items if isinstance(statement, ast.With) else [statement]
                calls = [each for part in parts for each in ast.walk(part)
                         if isinstance(each, ast.Call) and _unbounded(each)]
                waits_after_kill = before is not None and _kills(before)
                found += [f"{name}:{call.lineno}" for call in calls
                          if not (waits_after_kill and isinstance(call.func, ast.Attribute)
                                  and call.func.attr == "wait")]
    return sorted(set(found))


def test_no_test_waits_without_a_bound() -> None:
    found = [place for path in sorted(TESTS.rglob("*.py"))
             for place in unbounded_waits(path.read_text(), str(path.relative_to(TESTS.parent)))]
    assert found == [], "give each of these a timeout"


def test_the_reader_finds_each_kind_of_unbounded_wait() -> None:
    source = """
import subprocess
def f(pool, process, thread, event):
    subprocess.run(["x"], check=True)
    pool.submit(f).result()
    thread.join()
    process.communicate()
    event.wait()
    subprocess.run(["x"], timeout=5)
    pool.submit(f).result(timeout=5)
    ", ".join(["a"])
    process.kill()
    process.wait()
    with open("x") as file:
        process.kill()
        process.wait()
        thread.join()
"""
    assert unbounded_waits(source, "m") == sorted(f"m:{line}" for line in (4, 5, 6, 7, 8, 17))
