"""The engine's configuration, its DuckDB settings, and queries from many threads at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

from dashboard.config import EngineConfig, config_from_env, fingerprint
from dashboard.engine import Store
from dashboard.filters import Filters
from tests.conftest import DATA


def test_defaults_are_duckdb_with_a_memory_limit():
    config = config_from_env({})
    assert config.engine == "duckdb"
    assert config.memory_limit == "1GB"
    assert config.spark_master == "local[2]"


def test_toml_then_environment(tmp_path):
    path = tmp_path / "engine.toml"
    path.write_text(
        '[engine]\nengine = "pyspark"\nspark_master = "spark://spark-master:7077"\n'
        'memory_limit = "2GB"\n[engine.spark_conf]\n"spark.executor.memory" = "4g"\n'
    )
    config = config_from_env({"DASHBOARD_CONFIG": str(path)})
    assert config.engine == "pyspark"
    assert config.spark_master == "spark://spark-master:7077"
    assert config.spark_conf == {"spark.executor.memory": "4g"}
    overridden = config_from_env(
        {
            "DASHBOARD_CONFIG": str(path),
            "DASHBOARD_ENGINE": "duckdb",
            "DASHBOARD_SPARK_MASTER": "sc://connect:15002",
            "DASHBOARD_DUCKDB_THREADS": "2",
        }
    )
    assert overridden.engine == "duckdb"
    assert overridden.spark_master == "sc://connect:15002"
    assert overridden.memory_limit == "2GB"
    assert overridden.threads == 2


@pytest.mark.parametrize(
    ("environ", "message"),
    [({"DASHBOARD_ENGINE": "sqlite"}, "unknown engine 'sqlite'")],
)
def test_a_wrong_setting_is_refused(environ, message):
    with pytest.raises(ValueError, match=message):
        config_from_env(environ)


def test_unknown_toml_keys_are_refused(tmp_path):
    path = tmp_path / "engine.toml"
    path.write_text('[engine]\nmemory = "2GB"\n')
    with pytest.raises(ValueError, match="unknown engine settings: memory"):
        config_from_env({"DASHBOARD_CONFIG": str(path)})


def test_duckdb_runs_with_the_memory_limit_and_temp_directory(shipped, tmp_path):
    config = EngineConfig(memory_limit="256MB", temp_directory=str(tmp_path / "spill"), threads=1)
    store = Store.open(config, "settings", {}, shipped.comparison, frame=shipped.events)
    settings = store.engine.connection.execute(
        "SELECT current_setting('memory_limit'), current_setting('temp_directory'),"
        " current_setting('threads')"
    ).fetchone()
    assert settings[0] in ("256.0 MiB", "244.1 MiB")  # DuckDB prints MB in MiB
    assert settings[1] == str(tmp_path / "spill")
    assert settings[2] == 1
    store.close()


def test_many_threads_query_one_store(shipped_store):
    """Streamlit runs each session in a thread: each gets a cursor of its own."""
    cases = [Filters(), Filters(side="RU"), Filters(areas=("ukraine",)), Filters(search="talks")]
    expected = {f: shipped_store.count(f) for f in cases}

    def ask(i: int) -> tuple[Filters, int, int]:
        filters = cases[i % len(cases)]
        return filters, shipped_store.count(filters), len(shipped_store.newest(filters, 5))

    with ThreadPoolExecutor(max_workers=8) as pool:
        for filters, count, listed in pool.map(ask, range(64)):
            assert count == expected[filters]
            assert listed == min(5, count)


def test_fingerprint_names_a_dataset_version():
    assert fingerprint((("events.csv", 10, 1),)) == fingerprint((("events.csv", 10, 1),))
    assert fingerprint((("events.csv", 10, 1),)) != fingerprint((("events.csv", 11, 1),))


@pytest.mark.parametrize("search", ["sanctions", '"new start"', "putin trump"])
def test_kept_search_answers_as_a_search_of_all_events(shipped, monkeypatch, search):
    """The events kept for a search answer every question as searching all events does."""
    kept = Store.for_dataset(EngineConfig(), shipped, DATA, f"kept_{abs(hash(search))}")
    monkeypatch.setattr("dashboard.engine.SEARCH_KEEP_MAX", 0)  # too many: search each time
    direct = Store.for_dataset(EngineConfig(), shipped, DATA, f"direct_{abs(hash(search))}")
    for filters in (Filters(search=search), Filters(search=search, areas=("ukraine",))):
        assert kept.count(filters) == direct.count(filters)
        pd.testing.assert_frame_equal(kept.newest(filters, 20), direct.newest(filters, 20))
        pd.testing.assert_frame_equal(kept.area_year(filters), direct.area_year(filters))
        assert kept.span(filters) == direct.span(filters)
    assert kept.count(Filters(search=search)) > 0
    assert kept._searches and all(name is None for name in direct._searches.values())
