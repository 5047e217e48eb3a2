# Two commands do all the set-up on a fresh clone: `make run` and `make test`.
# Each creates the virtualenv and installs the project on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/harness spec lint
	$(BIN)/harness spec show
	@echo "Serving the reference target on http://127.0.0.1:8080 (token: harness-dev-token); Ctrl-C stops it."
	$(BIN)/harness serve --db :memory: --port 8080

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest

bench: $(STAMP)
	for bench in benchmarks/*.py; do $(BIN)/python $$bench || exit 1; done

clean:
	rm -rf $(VENV) reports .pytest_cache
