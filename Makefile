# Two commands a newcomer needs: `make run` and `make test`. Each sets itself up.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= $(or $(SSI_DASHBOARD_DB),data/ssi.duckdb)
PORT ?= 8501

.PHONY: run test check lint format bench fuzz demo clean

$(BIN)/.runtime: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

$(BIN)/.dev: requirements-dev.txt requirements.txt $(BIN)/.runtime
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

# DB may be a PostgreSQL address: it reaches the commands through the environment, not
# their arguments (which the process list shows), and these lines are not echoed. Keep the
# password out of the address itself: docs/DEPLOY.md.
run: export SSI_DASHBOARD_DB = $(DB)
run: $(BIN)/.runtime
	@case "$$SSI_DASHBOARD_DB" in \
	  postgres*://*) $(BIN)/python -m dashboard init ;; \
	  *) if test -f "$$SSI_DASHBOARD_DB"; then $(BIN)/python -m dashboard init; \
	     else $(BIN)/python -m dashboard demo; fi ;; \
	esac
	@$(BIN)/python -m dashboard.web.serve --port $(PORT)

demo: export SSI_DASHBOARD_DB = $(DB)
demo: $(BIN)/.runtime
	@$(BIN)/python -m dashboard demo

test: $(BIN)/.dev
	$(BIN)/ruff check dashboard tests bench
	$(BIN)/ruff format --check dashboard tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 -q

# The quick loop while coding: lint, layers, types and every test except the browser ones,
# on the file store only (make test runs PostgreSQL too, and every example).
check: export SSI_FUZZ_EXAMPLES ?= 10
check: export SSI_TEST_BACKENDS ?= duckdb
check: export SSI_PROPERTY_EXAMPLES ?= 10
check: $(BIN)/.dev
	$(BIN)/ruff check dashboard tests bench
	$(BIN)/ruff format --check dashboard tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 -q -m "not browser and not bench"

lint: $(BIN)/.dev
	$(BIN)/ruff check dashboard tests bench

format: $(BIN)/.dev
	$(BIN)/ruff format dashboard tests bench

bench: $(BIN)/.dev
	$(BIN)/python -m pytest -q -m bench bench -p no:xdist -s

# The long fuzzing run (make test runs 40 examples per reader; this runs 2,000).
fuzz: $(BIN)/.dev
	SSI_FUZZ_EXAMPLES=$${SSI_FUZZ_EXAMPLES:-2000} $(BIN)/python -m pytest -n 2 -q tests/test_fuzz_import.py

clean:
	rm -rf $(VENV) artifacts .pytest_cache
