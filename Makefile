# Two commands do all the set-up on a fresh clone: `make run` and `make test`.
# Each creates the virtualenv and installs the project on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench lint clean chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/harness run

# The browser test opens the run's report in Debian's Chromium, installed here when missing.
chromium:
	@command -v chromium >/dev/null || { echo "installing Debian's chromium for the browser test ..."; \
		apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 || \
		{ apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; } || \
		{ echo "error: Debian's chromium could not be installed (apt-get needs root and the package index)"; exit 1; }; }

test: $(STAMP) chromium
	$(BIN)/ruff check .
	$(BIN)/pytest -n 4 --dist loadscope --durations=25

bench: $(STAMP)
	for bench in benchmarks/*.py; do $(BIN)/python $$bench || exit 1; done

clean:
	rm -rf $(VENV) reports .pytest_cache
