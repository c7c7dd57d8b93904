# Two commands a newcomer needs: `make run` and `make test`. Each sets itself up.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/ssi.duckdb
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

run: $(BIN)/.runtime
	case "$(DB)" in \
	  postgres*://*) $(BIN)/python -m dashboard init --db "$(DB)" ;; \
	  *) if test -f "$(DB)"; then $(BIN)/python -m dashboard init --db "$(DB)"; \
	     else $(BIN)/python -m dashboard demo --db "$(DB)"; fi ;; \
	esac
	$(BIN)/python -m dashboard.serve --db "$(DB)" --port $(PORT)

demo: $(BIN)/.runtime
	$(BIN)/python -m dashboard demo --db $(DB)

test: $(BIN)/.dev
	$(BIN)/ruff check dashboard tests bench
	$(BIN)/ruff format --check dashboard tests bench
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2 -q

# The quick loop while coding: lint, layers and every test except the browser ones.
check: export SSI_FUZZ_EXAMPLES ?= 10
check: $(BIN)/.dev
	$(BIN)/ruff check dashboard tests bench
	$(BIN)/ruff format --check dashboard tests bench
	$(BIN)/lint-imports
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
