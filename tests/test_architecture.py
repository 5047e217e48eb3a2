"""The import rules of ARCHITECTURE.md, kept true: each layer imports only what it may."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "harness"

FOUNDATION = {"harness.errors", "harness.facts", "harness.pointers", "harness.durations", "harness.retry_after",
              "harness.redaction", "harness.neutral", "harness.verdicts", "harness.progress", "harness.bounded",
              "harness.limits", "harness.baseline", "harness.json_bounds", "harness.json_text", "harness.trail",
              "harness.encodings"}
# ARCHITECTURE.md's table of layers, bottom up: the modules (or packages) of each, and the layers it may import
LAYERS: dict[str, tuple[set[str], set[str]]] = {
    "foundation": (FOUNDATION, {"foundation"}),
    "spec": ({"harness.documents", "harness.spec", "harness.schema_engine", "harness.samples", "harness.answers",
              "harness.factory", "harness.lint", "harness.spec_diff"}, {"spec", "foundation"}),
    "clients": ({"harness.client", "harness.outcomes", "harness.mock", "harness.pytest_plugin",
                 "harness.admin_client"}, {"clients", "spec", "foundation"}),
    "reference server": ({"harness.reference"}, {"reference server", "spec", "foundation"}),
    "target selection": ({"harness.targets"}, {"target selection", "reference server", "spec", "foundation"}),
    "contract engine": ({"harness.contract"}, {"contract engine", "target selection", "clients", "spec",
                                               "foundation"}),
    "load engine": ({"harness.load"}, {"load engine", "target selection", "clients", "spec", "foundation"}),
    "sdk engine": ({"harness.sdk"}, {"sdk engine", "target selection", "clients", "spec", "foundation"}),
    "reports": ({"harness.reports"}, {"reports", "foundation"}),
    "orchestration": ({"harness.run"}, {"orchestration", "reports", "contract engine", "load engine", "sdk engine",
                                        "target selection", "reference server", "clients", "spec", "foundation"}),
    "command line": ({"harness.cli", "harness.__main__", "harness"}, set()),  # may import everything
}
# beyond the table: libraries a layer may not use (the reference server never mocks with respx)
FORBIDDEN: dict[str, tuple[str, ...]] = {"harness.reference": ("respx",)}
HEAVY = ("schemathesis", "locust", "matplotlib", "gevent", "hypothesis", "uvicorn")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> str:
    """The layer a module belongs to: the most specific entry of the table that holds it."""
    matches = [(len(entry), layer) for layer, (entries, _) in LAYERS.items() for entry in entries
               if within(module, entry) and (entry != "harness" or module == "harness")]
    assert matches, f"{module} is in no layer of ARCHITECTURE.md"
    return max(matches)[1]


def banned_for(module: str) -> list[str]:
    """Every harness module (and library) ``module`` may not import: those of layers its layer may not."""
    allowed = LAYERS[layer_of(module)][1]
    if not allowed:
        return []
    banned = [name for name in MODULES if name != "harness" and layer_of(name) not in allowed]
    return banned + [library for prefix, libraries in FORBIDDEN.items() if within(module, prefix)
                     for library in libraries]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_imports_only_what_its_layer_may(module: str) -> None:
    banned = banned_for(module)
    broken = sorted({name for name in imports(MODULES[module]) for prefix in banned if within(name, prefix)})
    assert not broken, f"{module} ({layer_of(module)}) imports {broken}, which ARCHITECTURE.md forbids for its layer"


def test_locustfiles_import_only_the_load_engine_and_below() -> None:
    """Locust's locustfiles run in Locust's own process: the load engine and what it may import, nothing else."""
    allowed = LAYERS["load engine"][1]
    for path in sorted((ROOT / "locustfiles").glob("*.py")):
        broken = sorted(name for name in imports(path) if name.startswith("harness.")
                        and name in MODULES and layer_of(name) not in allowed)
        assert not broken, f"{path.name} imports {broken}"


def test_nothing_imports_the_command_line() -> None:
    importers = [name for name, path in MODULES.items()
                 if not within(name, "harness.cli") and name != "harness.__main__"
                 and any(within(found, "harness.cli") for found in imports(path))]
    assert importers == []


def test_the_rules_can_fail() -> None:
    """The checker sees a forbidden import where there is one (a rule that cannot fail proves nothing)."""
    found = imports(MODULES["harness.cli.contract"])
    assert any(within(name, "harness.contract") for name in found)
    # an import each layer's rule refuses, one per rule of the table
    refused = {"harness.limits": "harness.spec", "harness.spec": "harness.client", "harness.mock": "harness.targets",
               "harness.reference.app": "harness.targets", "harness.targets": "harness.client",
               "harness.contract.runner": "harness.load.runner", "harness.load.users": "harness.reference.store",
               "harness.sdk.runner": "harness.run", "harness.reports.console": "harness.spec",
               "harness.run": "harness.cli.console", "harness.reference.server": "respx"}
    for module, imported in refused.items():
        assert any(within(imported, prefix) for prefix in banned_for(module)), (module, imported)
    assert banned_for("harness.cli.run") == []


@pytest.mark.parametrize("argv", [["--help"], ["serve", "--help"], ["spec", "lint"], ["spec", "show"],
                                  ["load", "--help"], ["contract", "--help"]])
def test_light_commands_import_no_engine_underneath(argv: list[str]) -> None:
    probe = ("import sys, runpy\n"
             f"sys.argv = ['harness', *{argv!r}]\n"
             "try:\n    runpy.run_module('harness', run_name='__main__')\n"
             "except SystemExit:\n    pass\n"
             f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False,
                            cwd=ROOT)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout[-500:] + result.stderr[-500:]


def test_no_source_file_is_ignored_by_git() -> None:
    """A package named like a build output (``reports/``, ``target/``) must not vanish from commits."""
    result = subprocess.run(["git", "ls-files", "--others", "--ignored", "--exclude-standard", "--", "harness",
                             "locustfiles", "specs", "tests", "docs"], capture_output=True, text=True, cwd=ROOT,
                            check=False, timeout=30)
    if result.returncode != 0:
        pytest.skip("not a git checkout")
    ignored = [line for line in result.stdout.splitlines() if "__pycache__" not in line and not line.endswith(".pyc")]
    assert ignored == []


def module_imports(path: Path) -> set[str]:
    """What a module imports at its top level, ``if TYPE_CHECKING:`` blocks included (a cycle of types is a
    cycle of design), not a function's body (imported when it runs: how an engine is loaded lazily)."""
    found: set[str] = set()

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.update(f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in MODULES else node.module
                             for alias in node.names)
            elif isinstance(node, ast.If):
                visit(node.body + node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body + node.orelse + node.finalbody)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return {name for name in found if name in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle, each once, as the modules along it."""
    found, state, stack = [], dict.fromkeys(graph, 0), []

    def walk(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for imported in sorted(graph[module]):
            if state[imported] == 1:
                found.append([*stack[stack.index(imported):], imported])
            elif state[imported] == 0:
                walk(imported)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if state[module] == 0:
            walk(module)
    return found


def test_no_import_cycle_in_the_package() -> None:
    graph = {name: module_imports(path) - {name} for name, path in MODULES.items()}
    assert cycles(graph) == []


def test_the_cycle_finder_can_fail() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]
