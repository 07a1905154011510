# StockLens: `make run` serves the demo board, `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-install only when the requirements change.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(BIN)/python app.py serve

test: $(VENV)/.installed-dev
	scripts/install_test_deps.sh
	scripts/ensure_services.sh
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

# make bench SCALES="1 10" (sales lines ≈ 1.15M × scale; README "Performance" says how long)
SCALES ?= 1 10 30
# the benchmarks use psutil and requests, which the dev requirements bring
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/demo_build.py --scales 1
	$(BIN)/python bench/board_bench.py --scales $(SCALES)
	$(BIN)/python bench/singleflight_bench.py
	$(BIN)/python bench/backtest.py
	$(BIN)/python bench/report.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
