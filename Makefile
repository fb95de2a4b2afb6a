# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
PORT ?= 8501
REPLICAS ?= 3

.PHONY: run serve test check lint format bench bench-huge bench-spark bench-proxy bench-gdelt soak soak-proxy screenshots clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

run: $(INSTALLED)  ## serve the dashboard on the shipped dataset
	$(PY) -m streamlit run dashboard/app.py --server.port $(PORT)

serve: $(INSTALLED)  ## $(REPLICAS) replicas behind nginx on $(PORT): sticky sessions, failover (installs nginx if missing)
	$(PY) -m tests.proxy_setup
	$(PY) -m scripts.serve --replicas $(REPLICAS) --port $(PORT)

test: $(INSTALLED)  ## every test, PySpark, browser and proxy tests included (installs Java, Chromium, axe-core and nginx if missing)
	$(PY) -m tests.engine_setup
	$(PY) -m tests.browser.setup
	$(PY) -m tests.proxy_setup
	$(PY) -m pytest

check: $(INSTALLED)  ## validate the shipped dataset
	$(PY) -m dashboard check data

lint: $(INSTALLED)
	$(PY) -m ruff check . && $(PY) -m ruff format --check .

format: $(INSTALLED)
	$(PY) -m ruff format . && $(PY) -m ruff check --fix .

bench: $(INSTALLED)  ## speed, payload and memory from 1,000 to 10,000,000 events, then GDELT's import and its pages
	$(PY) -m tests.browser.setup
	$(PY) -m scripts.bench
	$(PY) -m scripts.bench_gdelt
	$(PY) -m scripts.bench --dataset .bench/gdelt-10000000/dataset

bench-huge: $(INSTALLED)  ## the same at 100,000,000 events (about 1.6 GB of disk in .bench/)
	$(PY) -m tests.browser.setup
	$(PY) -m scripts.bench --huge --quick

bench-spark: $(INSTALLED)  ## the server-side questions on PySpark local[2] at 10,000,000 events
	$(PY) -m tests.engine_setup
	$(PY) -m scripts.bench --scales 10000000 --engine pyspark --no-browser --quick

bench-proxy: $(INSTALLED)  ## filter changes per second through nginx at 1, 2 and 3 replicas
	$(PY) -m tests.browser.setup
	$(PY) -m tests.proxy_setup
	$(PY) -m scripts.soak_proxy throughput

bench-gdelt: $(INSTALLED)  ## import-gdelt on 10,000,000 synthetic GDELT rows: time, rows/s, peak memory
	$(PY) -m scripts.bench_gdelt

soak: $(INSTALLED)  ## 20 concurrent browser sessions with different filters
	$(PY) -m tests.browser.setup
	$(PY) -m scripts.soak

soak-proxy: $(INSTALLED)  ## 60 browser sessions through nginx for 2 minutes, one replica killed and restarted
	$(PY) -m tests.browser.setup
	$(PY) -m tests.proxy_setup
	$(PY) -m scripts.soak_proxy soak

screenshots: $(INSTALLED)  ## a PNG of each page into docs/screenshots/
	$(PY) -m tests.browser.setup
	$(PY) -m scripts.screenshots

clean:
	rm -rf $(VENV) .bench .serve .pytest_cache .ruff_cache
