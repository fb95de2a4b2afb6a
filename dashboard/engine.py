"""The engine that holds the events, chosen by configuration, and the answers it gives.

``Store`` is built once per dataset version (``ui`` caches it with ``st.cache_resource``) and
answers every question the pages ask about events, as pandas frames; the questions themselves
are the engine-neutral expressions of ``dashboard.events``. Engines:

``duckdb`` (default)
    embedded, no server: CSV events go into an in-memory table, Parquet events (one file or a
    directory of files) are queried in place; runs with a ``memory_limit`` and a
    ``temp_directory``. A DuckDB connection is not shared across threads (Streamlit runs each
    session in a thread of its own): each thread queries through its own cursor.
``pyspark``
    a Spark session on ``spark_master``: ``local[2]``, ``spark://host:7077`` or Spark Connect
    ``sc://host:15002``.

Configuration, later entries winning: the defaults below, the ``[engine]`` table of the TOML
file named by ``DASHBOARD_CONFIG``, then the environment variables in ``ENVIRONMENT``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import tempfile
import threading
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd

from dashboard import events as q
from dashboard.data.load import Dataset
from dashboard.data.read import events_parquet
from dashboard.data.tables import TABLES
from dashboard.filters import Filters
from dashboard.matrices import outcome_status

ENGINES = ("duckdb", "pyspark")
ENVIRONMENT = {
    "engine": "DASHBOARD_ENGINE",
    "spark_master": "DASHBOARD_SPARK_MASTER",
    "memory_limit": "DASHBOARD_DUCKDB_MEMORY_LIMIT",
    "temp_directory": "DASHBOARD_DUCKDB_TEMP_DIR",
    "threads": "DASHBOARD_DUCKDB_THREADS",
}
CONFIG_FILE_VARIABLE = "DASHBOARD_CONFIG"


@dataclass(frozen=True)
class EngineConfig:
    """Which engine answers, and how it is set up."""

    engine: str = "duckdb"
    spark_master: str = "local[2]"
    memory_limit: str = "1GB"  # DuckDB spills to temp_directory beyond it
    temp_directory: str = field(
        default_factory=lambda: str(Path(tempfile.gettempdir()) / "dashboard-duckdb")
    )
    threads: int = 0  # DuckDB threads; 0: one per core
    spark_conf: dict = field(default_factory=dict)  # extra Spark settings, from TOML only

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"unknown engine '{self.engine}': choose {' or '.join(ENGINES)}")


def config_from_env(environ: dict | None = None) -> EngineConfig:
    """The engine configuration from ``DASHBOARD_CONFIG`` (TOML) and the environment."""
    environ = os.environ if environ is None else environ
    values: dict = {}
    path = environ.get(CONFIG_FILE_VARIABLE)
    if path:
        with open(path, "rb") as handle:
            values.update(tomllib.load(handle).get("engine", {}))
    for name, variable in ENVIRONMENT.items():
        if environ.get(variable):
            values[name] = environ[variable]
    known = {f.name for f in fields(EngineConfig)}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"unknown engine settings: {', '.join(sorted(unknown))}")
    if "threads" in values:
        values["threads"] = int(values["threads"])
    return EngineConfig(**values)


def fingerprint(parts: object) -> str:
    """A short stable id of a dataset version (names, sizes and times of its files)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:12]


# --- the engines --------------------------------------------------------------------------


class DuckDBEngine:
    """One in-memory DuckDB database; each thread queries it through a cursor of its own."""

    name = "duckdb"

    def __init__(self, config: EngineConfig) -> None:
        import duckdb

        Path(config.temp_directory).mkdir(parents=True, exist_ok=True)
        settings = {"memory_limit": config.memory_limit, "temp_directory": config.temp_directory}
        if config.threads:
            settings["threads"] = config.threads
        self.connection = duckdb.connect(":memory:", config=settings)
        self._local = threading.local()

    def backend(self):
        backend = getattr(self._local, "backend", None)
        if backend is None:
            backend = self._local.backend = ibis.duckdb.from_connection(self.connection.cursor())
        return backend

    def events_from_frame(self, name: str, frame: pd.DataFrame) -> None:
        self.backend().create_table(name, q.normalized(ibis.memtable(frame)))

    def events_from_parquet(self, name: str, path: Path) -> None:
        pattern = str(path / "**" / "*.parquet") if path.is_dir() else str(path)
        literal = "'" + pattern.replace("'", "''") + "'"
        self.connection.execute(
            f'CREATE VIEW "{name}_raw" AS SELECT * FROM read_parquet({literal})'
        )
        self.backend().create_view(name, q.normalized(self.backend().table(f"{name}_raw")))

    def keep(self, name: str, expr: ir.Table) -> None:
        """Materialise a derived table once (``CREATE TABLE ... AS``)."""
        self.backend().create_table(name, expr)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.connection.close()


class SparkEngine:
    """A Spark session (local, standalone cluster or Spark Connect), one per process."""

    name = "pyspark"

    def __init__(self, config: EngineConfig) -> None:
        from pyspark.sql import SparkSession

        builder = SparkSession.builder.appName("us-russia-dashboard")
        if config.spark_master.startswith("sc://"):
            builder = builder.remote(config.spark_master)
        else:
            builder = builder.master(config.spark_master)
            builder = builder.config("spark.ui.enabled", "false")
            builder = builder.config("spark.sql.shuffle.partitions", "4")
        for key, value in config.spark_conf.items():
            builder = builder.config(key, str(value))
        self.session = builder.getOrCreate()
        if not config.spark_master.startswith("sc://"):
            self.session.sparkContext.setLogLevel("ERROR")
        self._backend = ibis.pyspark.connect(self.session)

    def backend(self):
        return self._backend

    def events_from_frame(self, name: str, frame: pd.DataFrame) -> None:
        self._backend.create_view(name, q.normalized(ibis.memtable(frame)), overwrite=True)
        self.session.catalog.cacheTable(name)

    def events_from_parquet(self, name: str, path: Path) -> None:
        raw = self._backend.read_parquet(str(path), table_name=f"{name}_raw")
        self._backend.create_view(name, q.normalized(raw), overwrite=True)

    def keep(self, name: str, expr: ir.Table) -> None:
        """A temporary view, cached in Spark's memory on first use."""
        self._backend.create_view(name, expr, overwrite=True)
        self.session.catalog.cacheTable(name)

    def close(self) -> None:
        """Drop this store's views; the session stays for the next store."""


def make_engine(config: EngineConfig):
    return SparkEngine(config) if config.engine == "pyspark" else DuckDBEngine(config)


# --- the store ----------------------------------------------------------------------------


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Event columns with the dtypes the loader gives, whichever engine produced them."""
    kinds = {c.name: c.kind for c in TABLES["events"].columns}
    out = {}
    for name in frame.columns:
        column, kind = frame[name], kinds.get(name, "id")
        if kind == "date" or name in ("first_date", "last_date"):
            out[name] = pd.to_datetime(column).astype("datetime64[us]")
        elif kind == "float" or name in ("goldstein_sum", "goldstein_mean"):
            out[name] = column.astype("Float64")
        elif kind == "int" or name in ("events", "year"):
            out[name] = column.astype("int64")
        elif kind == "bool" or name in ("us", "ru"):
            out[name] = column.astype("boolean")
        else:
            out[name] = column.astype("str").where(column.notna())
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


@dataclass(frozen=True)
class Only:
    """What a question adds to the filters: an area, a country, a year or event ids."""

    area: str | None = None
    country: str | None = None
    year: int | None = None
    event_ids: tuple[str, ...] = ()  # a commitment's evidence


ANYWHERE = Only()


class Store:
    """The events of one dataset version in an engine, and the questions the pages ask.

    ``status`` is the outcome status of each area × period cell (from the outcomes table);
    the status filter keeps events through a cell whose outcome has a chosen status.
    """

    def __init__(self, engine, version: str, status: dict[tuple[str, str], str]) -> None:
        self.engine = engine
        self.version = version
        self.status = dict(status)
        self._events = f"events_{version}"
        self._cube = f"cube_{version}"

    # building ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        config: EngineConfig,
        version: str,
        status: dict[tuple[str, str], str],
        frame: pd.DataFrame | None = None,
        parquet: Path | None = None,
    ) -> Store:
        """Put the events (a typed frame, or Parquet read in place) into the configured engine
        and build the daily cube once."""
        store = cls(make_engine(config), version, status)
        if parquet is not None:
            store.engine.events_from_parquet(store._events, Path(parquet))
        elif frame is not None:
            store.engine.events_from_frame(
                store._events, frame[[c for c in q.EVENT_COLUMNS if c in frame]]
            )
        else:
            raise ValueError("give the events as a frame or a Parquet path")
        backend = store.engine.backend()
        store.engine.keep(store._cube, q.daily_cube(backend.table(store._events)))
        # Unbound tables of the known schemas: a question then costs no catalog look-up, and
        # runs on whichever cursor (thread) executes it.
        store._tables = {
            name: ibis.table(backend.table(name).schema(), name=name)
            for name in (store._events, store._cube)
        }
        store.total = store._scalar(store.events().count())
        store.machine_coded = int(store._scalar(q.machine_coded(store.events())))
        # Where every event is curated, the provenance columns say nothing: rows keep the
        # shape the curated dataset always had.
        store.columns = q.EVENT_COLUMNS if store.machine_coded else q.CURATED_COLUMNS
        return store

    @classmethod
    def for_dataset(
        cls, config: EngineConfig, dataset: Dataset, directory: Path, version: str
    ) -> Store:
        """The events of a checked dataset: ``events.parquet`` read in place, CSV from the
        loaded frame."""
        parquet = events_parquet(directory)
        return cls.open(
            config,
            version,
            outcome_status(dataset.outcomes),
            frame=None if parquet else dataset.events,
            parquet=parquet,
        )

    def events(self) -> ir.Table:
        return self._tables[self._events]

    def cube(self) -> ir.Table:
        return self._tables[self._cube]

    def cells(self, filters: Filters) -> set[tuple[str, str]]:
        return {cell for cell, value in self.status.items() if value in filters.statuses}

    def _scalar(self, expr):
        return self.engine.backend().execute(expr)

    def _frame(self, expr: ir.Table) -> pd.DataFrame:
        return _typed(self.engine.backend().to_pandas(expr))

    def matching(self, filters: Filters, only: Only = ANYWHERE, key_moments=False) -> ir.Table:
        return q.matching(
            self.events(),
            filters,
            self.cells(filters),
            only.area,
            only.country,
            only.year,
            key_moments,
            only.event_ids,
        )

    # the questions --------------------------------------------------------------------------

    def count(self, filters: Filters, only: Only = ANYWHERE) -> int:
        """How many events match."""
        return int(self._scalar(self.matching(filters, only).count()))

    def newest(
        self, filters: Filters, limit: int | None = None, offset: int = 0, only: Only = ANYWHERE
    ) -> pd.DataFrame:
        """The matching events, newest first: ``limit`` of them from ``offset`` (all if None)."""
        expr = q.newest(self.matching(filters, only).select(*self.columns), limit, offset)
        return self._frame(expr)

    def key_moments(self, filters: Filters, limit: int) -> pd.DataFrame:
        """The newest ``limit`` key moments among the matching events, oldest first."""
        expr = q.newest(self.matching(filters, key_moments=True).select(*self.columns), limit)
        return self._frame(expr).iloc[::-1].reset_index(drop=True)

    def daily_cube(self, filters: Filters) -> pd.DataFrame:
        """Per day, area and side: events and score sums under the filters."""
        cube = q.filtered_cube(self.events(), self.cube(), filters, self.cells(filters))
        return self._frame(q.cube_by_day(cube).order_by(["date", "area_id", "us", "ru"]))

    def area_year(self, filters: Filters) -> pd.DataFrame:
        """Events and score sums per area and year under the filters."""
        cube = q.filtered_cube(self.events(), self.cube(), filters, self.cells(filters))
        return self._frame(q.area_year(cube))

    def area_month(self, filters: Filters) -> pd.DataFrame:
        """Events and score sums per area and month under the filters."""
        cube = q.filtered_cube(self.events(), self.cube(), filters, self.cells(filters))
        return self._frame(q.area_month(cube))

    def span(self, filters: Filters) -> tuple[int, pd.Timestamp | None, pd.Timestamp | None]:
        """How many events match, and the first and last of their dates."""
        row = self._frame(q.span(self.matching(filters))).iloc[0]
        first, last = row["first_date"], row["last_date"]
        return (
            int(row["events"]),
            (None if pd.isna(first) else first),
            (None if pd.isna(last) else last),
        )

    def trend(self, filters: Filters, unit: str) -> pd.DataFrame:
        """The machine-coded events under the other filters, per week or month and quad class:
        count and mean score."""
        machine = dataclasses.replace(filters, provenance="gdelt")
        return self._frame(q.trend(self.matching(machine), unit))

    def cited_source_ids(self, filters: Filters) -> set[str]:
        """The source ids cited by the matching events."""
        cells = self.engine.backend().to_pandas(q.source_cells(self.matching(filters)))
        ids: set[str] = set()
        for cell in cells["source_ids"].dropna():
            ids.update(cell.split(";"))
        return ids

    def close(self) -> None:
        self.engine.close()
