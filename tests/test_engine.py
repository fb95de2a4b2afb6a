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
def test_kept_search_answers_as_a_search_of_all_events(shipped, monkeypatch, tmp_path, search):
    """The events kept for a search, in memory or (past ``SEARCH_KEEP_MAX``) in a Parquet file,
    answer every question as searching all events does."""
    config = EngineConfig(cache_directory=str(tmp_path))
    name = abs(hash(search))
    stores = {
        kind: Store.for_dataset(config, shipped, DATA, f"{kind}_{name}")
        for kind in ("memory", "disk", "direct")
    }
    limits = {  # what each store may keep
        "memory": {},
        "disk": {"SEARCH_KEEP_MAX": 0},  # too many for memory: written to disk
        "direct": {"SEARCHES_KEPT": 0},  # nothing kept: searched each time
    }
    cases = (Filters(search=search), Filters(search=search, areas=("ukraine",)))
    answers = {}
    for kind, store in stores.items():
        with monkeypatch.context() as patch:
            for constant, value in limits[kind].items():
                patch.setattr(f"dashboard.engine.{constant}", value)
            answers[kind] = [
                (store.count(f), store.newest(f, 20), store.area_year(f), store.span(f))
                for f in cases
            ]
    for kept in ("memory", "disk"):
        for got, expected in zip(answers[kept], answers["direct"], strict=True):
            assert got[0] == expected[0] and got[3] == expected[3]
            pd.testing.assert_frame_equal(got[1], expected[1])
            pd.testing.assert_frame_equal(got[2], expected[2])
    assert answers["direct"][0][0] > 0
    assert stores["direct"]._searches == {}
    assert all(stores["memory"]._searches.values())
    spilled = list(tmp_path.glob("spilled-*/search_*.parquet"))
    assert len(spilled) == 1  # the disk store's one search
    stores["disk"].close()
    assert not list(tmp_path.glob("spilled-*"))  # removed with its store
