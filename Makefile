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

# make run PORT=8060 HOST=0.0.0.0 (any address but loopback needs a user account: README)
HOST ?= 127.0.0.1
PORT ?= 8050
run: $(VENV)/.installed
	$(BIN)/python app.py serve --host $(HOST) --port $(PORT)

# The state's own tests (auth, boards, views, thresholds, forecasts) run a second time with
# the state on PostgreSQL: a new database per test, copied from a migrated template.
STATE_PG ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PG_STATE_TESTS := tests/unit/test_app_state_*.py tests/unit/test_board_export_import.py \
	tests/unit/test_threshold_form.py tests/unit/test_auth_accounts.py \
	tests/unit/test_auth_rate_limit.py tests/unit/test_throttle_claim.py \
	tests/unit/test_cli_users.py tests/integration/test_auth_*.py \
	tests/integration/test_sessions_*.py tests/integration/test_throttle_concurrency.py \
	tests/integration/test_forecast_job.py

test: $(VENV)/.installed-dev
	scripts/install_test_deps.sh
	scripts/ensure_services.sh
	$(BIN)/ruff check .
	$(BIN)/pytest
	STOCKLENS_TEST_STATE_DB=$(STATE_PG) $(BIN)/pytest $(PG_STATE_TESTS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

# make bench SCALES="1 10" (sales lines ≈ 1.15M × scale; README "Performance" says how long)
SCALES ?= 1 10 30
# Spark SQL at SPARK_SCALE (bench/spark_bench.py: ~10 min at 10; it starts and stops
# scripts/spark_cluster.sh, which installs Java 17 and the Spark distribution if missing)
SPARK_SCALE ?= 10
# the benchmarks use psutil and requests, which the dev requirements bring
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/demo_build.py --scales 1
	$(BIN)/python bench/board_bench.py --scales $(SCALES)
	$(BIN)/python bench/singleflight_bench.py
	$(BIN)/python bench/backtest.py
	$(BIN)/python bench/replay_bench.py
	$(BIN)/python bench/forecast_job_bench.py --scale 10
	$(BIN)/python bench/spark_bench.py --scale $(SPARK_SCALE)
	$(BIN)/python bench/extract_bench.py --scale 10
	$(BIN)/python bench/report.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
