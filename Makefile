# Two commands do all the set-up on a fresh clone: `make run` and `make test`.
# Each creates the virtualenv and installs the project on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench lint clean tools durations

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/harness run

# Debian packages the tests need, installed when their command is missing: Chromium opens the run's report
# in the browser test; a JDK and Node.js run the SDK driver tests (examples/sdk-drivers).
TOOLS := chromium:chromium javac:openjdk-17-jdk-headless node:nodejs
tools:
	@for pair in $(TOOLS); do command=$${pair%%:*}; package=$${pair#*:}; \
		command -v $$command >/dev/null || { echo "installing Debian's $$package for the tests ..."; \
		apt-get install -y --no-install-recommends $$package >/dev/null 2>&1 || \
		{ apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends $$package >/dev/null 2>&1; } || \
		{ echo "error: Debian's $$package could not be installed (apt-get needs root and the package index)"; \
		  exit 1; }; }; done

PYTEST := $(BIN)/pytest -n 6 --dist loadscope --no-loadscope-reorder --durations=25

# the project's own bytecode, written once: the suite starts hundreds of harness processes, and where the
# environment sets PYTHONDONTWRITEBYTECODE each of them would compile every module again (0.07 CPU-s a start)
test: lint tools
	$(BIN)/python -m compileall -q harness locustfiles tests >/dev/null
	$(PYTEST)

# measure how long each work unit of the suite takes, for the order CI hands them out in (tests/conftest.py)
durations: $(STAMP) tools
	$(PYTEST) --record-durations tests/durations.json

# the linter alone, as `make test` runs it first
lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	for bench in benchmarks/*.py; do $(BIN)/python $$bench || exit 1; done

clean:
	rm -rf $(VENV) reports .pytest_cache
