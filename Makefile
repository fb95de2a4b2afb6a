# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
PORT ?= 8501

.PHONY: run test check lint format bench bench-gdelt soak screenshots clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

run: $(INSTALLED)  ## serve the dashboard on the shipped dataset
	$(PY) -m streamlit run dashboard/app.py --server.port $(PORT)

test: $(INSTALLED)  ## every test, PySpark and browser tests included (installs Java, Chromium and axe-core if missing)
	$(PY) -m tests.engine_setup
	$(PY) -m tests.browser.setup
	$(PY) -m pytest

check: $(INSTALLED)  ## validate the shipped dataset
	$(PY) -m dashboard check data

lint: $(INSTALLED)
	$(PY) -m ruff check . && $(PY) -m ruff format --check .

format: $(INSTALLED)
	$(PY) -m ruff format . && $(PY) -m ruff check --fix .

bench: $(INSTALLED)  ## speed, payload and memory from 1,000 to 1,000,000 events
	$(PY) -m tests.browser.setup
	$(PY) -m scripts.bench

bench-gdelt: $(INSTALLED)  ## import-gdelt on 10,000,000 synthetic GDELT rows: time, rows/s, peak memory
	$(PY) -m scripts.bench_gdelt

soak: $(INSTALLED)  ## 20 concurrent browser sessions with different filters
	$(PY) -m tests.browser.setup
	$(PY) -m scripts.soak

screenshots: $(INSTALLED)  ## a PNG of each page into docs/screenshots/
	$(PY) -m tests.browser.setup
	$(PY) -m scripts.screenshots

clean:
	rm -rf $(VENV) .bench .pytest_cache .ruff_cache
