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

The configuration (``EngineConfig``, from a TOML file and the environment) is in
``dashboard.config``.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import datetime as dt
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd

from dashboard import events as q
from dashboard.config import EngineConfig, config_from_env, duckdb_settings, fingerprint
from dashboard.data import DatasetError, load_dataset
from dashboard.data.comparison import Comparison
from dashboard.data.load import Dataset
from dashboard.data.read import parquet_of
from dashboard.data.tables import TABLES
from dashboard.filters import DEFAULT_ORIGIN, Filters, search_terms
from dashboard.matrices import outcome_status


def open_dataset(directory: Path, version: str) -> tuple[Dataset | None, Store | None, list]:
    """Check a dataset directory and put its events in the configured engine; or its errors.

    The dataset keeps the small tables; its events are handed to the engine (Parquet events are
    read in place and never loaded into pandas).
    """
    settings = config_from_env()
    try:
        dataset = load_dataset(directory, config=settings)
    except DatasetError as exc:
        return None, None, exc.errors
    store = Store.for_dataset(settings, dataset, directory, version)
    return dataclasses.replace(dataset, events=None), store, []


# --- the engines --------------------------------------------------------------------------


class DuckDBEngine:
    """One in-memory DuckDB database; each thread queries it through a cursor of its own."""

    name = "duckdb"

    def __init__(self, config: EngineConfig) -> None:
        import duckdb

        self.connection = duckdb.connect(":memory:", config=duckdb_settings(config))
        self._local = threading.local()
        self._cache = Path(config.cache_directory)
        self._spilled: Path | None = None  # this engine's own folder of spilled tables

    def backend(self):
        backend = getattr(self._local, "backend", None)
        if backend is None:
            backend = self._local.backend = ibis.duckdb.from_connection(self.connection.cursor())
        return backend

    def from_frame(self, name: str, table: str, frame: pd.DataFrame, periods=()) -> None:
        """A table of the dataset (``table``: events, with their ``periods``, or sources) from
        a loaded frame."""
        self.backend().create_table(name, q.normalized(ibis.memtable(frame), periods, table))

    def from_parquet(self, name: str, table: str, path: Path, periods=()) -> None:
        """A table of the dataset read in place from Parquet (a file or a directory of them)."""
        pattern = str(path / "**" / "*.parquet") if path.is_dir() else str(path)
        literal = "'" + pattern.replace("'", "''") + "'"
        self.connection.execute(
            f'CREATE VIEW "{name}_raw" AS SELECT * FROM read_parquet({literal})'
        )
        raw = self.backend().table(f"{name}_raw")
        self.backend().create_view(name, q.normalized(raw, periods, table))

    def keep(self, name: str, expr: ir.Table, saved: Path | None = None) -> None:
        """Materialise a derived table: from ``saved`` when an earlier run (or another replica)
        wrote it there, else computed once and, given ``saved``, written there for the next."""
        if saved is None:
            self.backend().create_table(name, expr)
            return
        if not saved.is_file():
            saved.parent.mkdir(parents=True, exist_ok=True)
            partial = saved.with_name(f"{saved.name}.{os.getpid()}.{threading.get_ident()}")
            self.backend().to_parquet(expr, partial)
            os.replace(partial, saved)  # atomic: a reader never sees half a file
        literal = "'" + str(saved).replace("'", "''") + "'"
        self.connection.execute(f'CREATE TABLE "{name}" AS SELECT * FROM read_parquet({literal})')

    spills = True

    def keep_on_disk(self, name: str, expr: ir.Table) -> None:
        """A derived table too large to hold in memory: written once to a Parquet file of this
        engine's own (removed when it closes) and read in place, as the events are."""
        if self._spilled is None:
            self._cache.mkdir(parents=True, exist_ok=True)
            self._spilled = Path(tempfile.mkdtemp(prefix="spilled-", dir=self._cache))
            atexit.register(shutil.rmtree, self._spilled, ignore_errors=True)  # on a server's exit
        path = self._spilled / f"{name}.parquet"
        self.backend().to_parquet(expr, path)
        literal = "'" + str(path).replace("'", "''") + "'"
        self.connection.execute(f'CREATE VIEW "{name}" AS SELECT * FROM read_parquet({literal})')

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.connection.close()
        if self._spilled is not None:
            shutil.rmtree(self._spilled, ignore_errors=True)


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

    def from_frame(self, name: str, table: str, frame: pd.DataFrame, periods=()) -> None:
        expr = q.normalized(ibis.memtable(frame), periods, table)
        self._backend.create_view(name, expr, overwrite=True)
        self.session.catalog.cacheTable(name)

    def from_parquet(self, name: str, table: str, path: Path, periods=()) -> None:
        raw = self._backend.read_parquet(str(path), table_name=f"{name}_raw")
        self._backend.create_view(name, q.normalized(raw, periods, table), overwrite=True)

    spills = False  # Spark keeps what it caches in its own memory and disk

    def keep(self, name: str, expr: ir.Table, saved: Path | None = None) -> None:
        """A temporary view, cached in Spark's memory on first use (``saved`` is for DuckDB)."""
        self._backend.create_view(name, expr, overwrite=True)
        self.session.catalog.cacheTable(name)

    def close(self) -> None:
        """Drop this store's views; the session stays for the next store."""


def make_engine(config: EngineConfig):
    return SparkEngine(config) if config.engine == "pyspark" else DuckDBEngine(config)


# --- the store ----------------------------------------------------------------------------


def _typed(frame: pd.DataFrame, table: str = "events") -> pd.DataFrame:
    """Columns with the dtypes the loader gives, whichever engine produced them."""
    kinds = {c.name: c.kind for c in TABLES[table].columns}
    out = {}
    for name in frame.columns:
        column, kind = frame[name], kinds.get(name, "id")
        if kind == "date" or name in ("first_date", "last_date"):
            out[name] = pd.to_datetime(column).astype("datetime64[us]")
        elif kind == "float" or name in ("goldstein_sum", "goldstein_mean"):
            out[name] = column.astype("Float64")
        elif kind == "int" or name in ("events", "year"):
            out[name] = column.astype("int64")
        elif kind == "bool" or name.startswith("side_"):
            out[name] = column.astype("boolean")
        else:
            out[name] = column.astype("str").where(column.notna())
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def _saved_cube(config: EngineConfig, parquet: Path, comparison: Comparison) -> Path:
    """Where the daily cube of these Parquet events is kept: named by the files (path, size,
    time), the comparison (its sides and periods are the cube's flags and keys) and the code that
    builds it, so a change to any of them rebuilds the cube."""
    files = sorted(parquet.rglob("*.parquet")) if parquet.is_dir() else [parquet]
    stamp = [(str(f.resolve()), f.stat().st_size, f.stat().st_mtime_ns) for f in files]
    code = Path(q.__file__).read_bytes()
    shape = repr((comparison.sides, comparison.actors, comparison.periods))
    return Path(config.cache_directory) / "cubes" / f"{fingerprint((stamp, shape, code))}.parquet"


@dataclass(frozen=True)
class Only:
    """What a question adds to the filters: an area, a country, a year or event ids."""

    area: str | None = None
    country: str | None = None
    year: int | None = None
    event_ids: tuple[str, ...] = ()  # a commitment's evidence


ANYWHERE = Only()
# Events matching a search are kept as a table in memory up to this many; more are written to a
# Parquet file read in place (DuckDB), or searched each time (Spark).
SEARCH_KEEP_MAX = 2_000_000
SEARCHES_KEPT = 16  # searches kept per dataset version; later ones are searched each time
# Beside a machine-coded feed, the curated events (a few hundred) are kept as a table of their
# own, up to this many: the pages ask for them by default, and reading them out of the feed's
# Parquet file cost 50-250 ms a question at 500,000 imported events.
CURATED_KEPT_MAX = 100_000
SOURCES_REMEMBERED = 50_000  # sources kept once looked up (see Store.sources_of)


class Store:
    """The events of one dataset version in an engine, and the questions the pages ask.

    ``status`` is the outcome status of each area × period cell (from the outcomes table);
    the status filter keeps events through a cell whose outcome has a chosen status.
    """

    def __init__(
        self,
        engine,
        version: str,
        status: dict[tuple[str, str], str],
        comparison: Comparison,
    ) -> None:
        self.engine = engine
        self.version = version
        self.comparison = comparison
        self.status = dict(status)
        self._events = f"events_{version}"
        self._cube = f"cube_{version}"
        self._totals = f"totals_{version}"
        self._keys = f"keys_{version}"
        self._sources = f"sources_{version}"
        self._curated = f"curated_{version}"
        self._searches: dict[tuple[str, ...], str | None] = {}
        self._looked_up: dict[str, tuple | None] = {}  # source id -> its row (None: no such id)
        # The last cited-ids question and its answer: a page asks for the count of the sources
        # and for a page of them under the same filters, and one look-up serves both.
        self._last_cited: tuple[tuple, set[str] | None] | None = None
        self._lock = threading.Lock()

    # building ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        config: EngineConfig,
        version: str,
        status: dict[tuple[str, str], str],
        comparison: Comparison,
        frame: pd.DataFrame | None = None,
        parquet: Path | None = None,
        sources: pd.DataFrame | Path | None = None,
    ) -> Store:
        """Put the events (a typed frame, or Parquet read in place) and the sources (the same;
        none given: an empty table) into the configured engine and build the daily cube once."""
        store = cls(make_engine(config), version, status, comparison)
        periods = comparison.periods
        if parquet is not None:
            store.engine.from_parquet(store._events, "events", Path(parquet), periods)
        elif frame is not None:
            store.engine.from_frame(
                store._events, "events", frame[[c for c in q.EVENT_COLUMNS if c in frame]], periods
            )
        else:
            raise ValueError("give the events as a frame or a Parquet path")
        if isinstance(sources, Path):
            store.engine.from_parquet(store._sources, "sources", sources)
        else:
            empty = pd.DataFrame({c: pd.Series(dtype="str") for c in q.SOURCE_COLUMNS})
            store.engine.from_frame(
                store._sources, "sources", empty if sources is None else sources
            )
        backend = store.engine.backend()
        saved = _saved_cube(config, Path(parquet), comparison) if parquet is not None else None
        events = backend.table(store._events)
        store.engine.keep(store._cube, q.daily_cube(events, comparison), saved)
        totals = saved.with_name(f"{saved.stem}-totals.parquet") if saved else None
        store.engine.keep(store._totals, q.daily_totals(events, comparison), totals)
        store.engine.keep(store._keys, q.key_moments(events))
        # Unbound tables of the known schemas: a question then costs no catalog look-up, and
        # runs on whichever cursor (thread) executes it.
        store._tables = {
            name: ibis.table(backend.table(name).schema(), name=name)
            for name in (store._events, store._cube, store._totals, store._keys, store._sources)
        }
        store.total = store._scalar(store.events().count())
        store.source_total = int(store._scalar(store.sources().count()))
        store.machine_coded = int(store._scalar(q.machine_coded(store.events())))
        curated = store.total - store.machine_coded
        if store.machine_coded and curated <= CURATED_KEPT_MAX:
            store.engine.keep(store._curated, q.curated(store.events()))
            store._tables[store._curated] = ibis.table(
                backend.table(store._curated).schema(), name=store._curated
            )
        # Where every event is curated, the provenance columns say nothing: rows keep the
        # shape the curated dataset always had.
        store.columns = q.EVENT_COLUMNS if store.machine_coded else q.CURATED_COLUMNS
        return store

    @classmethod
    def for_dataset(
        cls, config: EngineConfig, dataset: Dataset, directory: Path, version: str
    ) -> Store:
        """The events and sources of a checked dataset: Parquet read in place, CSV from the
        loaded frames."""
        parquet = parquet_of(directory, "events")
        return cls.open(
            config,
            version,
            outcome_status(dataset.outcomes),
            dataset.comparison,
            frame=None if parquet else dataset.events,
            parquet=parquet,
            sources=parquet_of(directory, "sources")
            if dataset.sources is None
            else dataset.sources,
        )

    def events(self) -> ir.Table:
        return self._tables[self._events]

    def cube(self) -> ir.Table:
        return self._tables[self._cube]

    def sources(self) -> ir.Table:
        return self._tables[self._sources]

    def cells(self, filters: Filters) -> set[tuple[str, str]]:
        return {cell for cell, value in self.status.items() if value in filters.statuses}

    def _scalar(self, expr):
        return self.engine.backend().execute(expr)

    def _frame(self, expr: ir.Table) -> pd.DataFrame:
        return _typed(self.engine.backend().to_pandas(expr))

    def _start(self, filters: Filters) -> tuple[ir.Table, Filters]:
        """The events a question starts from, and what is left of the filters: the curated
        events alone where only they are asked for and are kept apart from a feed, else the
        matches of a kept search (``_searched``), else all."""
        if filters.provenance == DEFAULT_ORIGIN and self._curated in self._tables:
            return self._tables[self._curated], filters
        return self._searched(filters)

    def _searched(self, filters: Filters) -> tuple[ir.Table, Filters]:
        """The events a question starts from, and what is left of the filters.

        A text search reads every title and description, which at 10,000,000 events costs more
        than the rest of a page. The events that match a search are kept as a table of their
        own (in memory up to ``SEARCH_KEEP_MAX`` of them, past that in a Parquet file; for
        ``SEARCHES_KEPT`` searches), so the page's other questions, and the next change of
        another filter, start from those.
        """
        terms = tuple(search_terms(filters.search))
        if not terms:
            return self.events(), filters
        with self._lock:
            if terms not in self._searches and len(self._searches) < SEARCHES_KEPT:
                self._searches[terms] = self._keep_search(terms)
            name = self._searches.get(terms)
        if name is None:
            return self.events(), filters
        return self._tables[name], dataclasses.replace(filters, search="")

    def _keep_search(self, terms: tuple[str, ...]) -> str | None:
        found = self.events().filter(*q.terms_match(self.events(), q.EVENT_TEXT, terms))
        name = f"search_{self.version}_{len(self._searches)}"
        if int(self._scalar(found.count())) <= SEARCH_KEEP_MAX:
            self.engine.keep(name, found)
        elif self.engine.spills:  # at 100,000,000 events a search read them all: 10-17 s a page
            self.engine.keep_on_disk(name, found)
        else:
            return None
        self._tables[name] = ibis.table(self.engine.backend().table(name).schema(), name=name)
        return name

    def matching(self, filters: Filters, only: Only = ANYWHERE, key_moments=False) -> ir.Table:
        events, filters = self._start(filters)
        return q.matching(
            events,
            filters,
            self.cells(filters),
            self.comparison,
            only.area,
            only.country,
            only.year,
            key_moments,
            only.event_ids,
        )

    # the questions --------------------------------------------------------------------------

    def count(self, filters: Filters, only: Only = ANYWHERE) -> int:
        """How many events match."""
        if only == ANYWHERE and self._from_totals(filters):
            return self.span(filters)[0]
        return int(self._scalar(self.matching(filters, only).count()))

    @staticmethod
    def _from_totals(filters: Filters) -> bool:
        """Whether the daily totals answer a count: no filter needs an event's text."""
        return not filters.search

    def newest(
        self, filters: Filters, limit: int | None = None, offset: int = 0, only: Only = ANYWHERE
    ) -> pd.DataFrame:
        """The matching events, newest first: ``limit`` of them from ``offset`` (all if None)."""
        events = self.matching(filters, only)
        if limit is not None and not (filters.search or only.country or only.event_ids):
            floor = self._date_floor(filters, offset + limit, only)
            if floor is not None:
                events = events.filter(events.date >= ibis.date(floor))
        return self._frame(q.newest(events.select(*self.columns), limit, offset))

    def _date_floor(self, filters: Filters, rows: int, only: Only) -> dt.date | None:
        """A day from which on at least ``rows`` events match, read from the daily cube.

        The newest events then come from that day on only: in a date-ordered Parquet file,
        from its last row groups (DuckDB skips the others by their dates). At 10,000,000 events
        the newest 10 took 313 ms from all the events.
        """
        cube = q.cube_matching(self.cube(), filters, self.cells(filters), self.comparison)
        if only.area:
            cube = cube.filter(cube.area_id == only.area)
        if only.year:
            cube = cube.filter(cube.date.year() == only.year)
        per_day = self.engine.backend().to_pandas(q.fewest_per_day(cube))
        per_day = per_day.sort_values("date", ascending=False, ignore_index=True)
        enough = per_day["fewest"].cumsum() >= rows
        if not enough.any():
            return None
        return pd.Timestamp(per_day.loc[enough.idxmax(), "date"]).date()

    def key_moments(self, filters: Filters, limit: int) -> pd.DataFrame:
        """The newest ``limit`` key moments among the matching events, oldest first: from the
        kept key moments (at 10,000,000 events, all of them were read for 40: 428 ms)."""
        keys = self._tables[self._keys]
        found = q.matching(keys, filters, self.cells(filters), self.comparison)
        expr = q.newest(found.select(*self.columns), limit)
        return self._frame(expr).iloc[::-1].reset_index(drop=True)

    def _cube_under(self, filters: Filters) -> ir.Table:
        events, left = self._start(filters)
        cells = self.cells(filters)
        if left is not filters:  # searched: the kept matches stand in for the events
            found = q.daily_cube(q.matching(events, left, cells, self.comparison), self.comparison)
            return q.cube_matching(found, left, cells, self.comparison)
        return q.filtered_cube(events, self.cube(), filters, cells, self.comparison)

    def daily_cube(self, filters: Filters) -> pd.DataFrame:
        """Per day, area and side: events and score sums under the filters."""
        by_day = q.cube_by_day(self._cube_under(filters))
        return self._frame(by_day.order_by(q.cube_keys(by_day)))

    def area_year(self, filters: Filters) -> pd.DataFrame:
        """Events and score sums per area and year under the filters."""
        return self._frame(q.area_year(self._cube_under(filters)))

    def area_month(self, filters: Filters) -> pd.DataFrame:
        """Events and score sums per area and month under the filters."""
        return self._frame(q.area_month(self._cube_under(filters)))

    def span(self, filters: Filters) -> tuple[int, pd.Timestamp | None, pd.Timestamp | None]:
        """How many events match, and the first and last of their dates."""
        if self._from_totals(filters):
            totals = self._tables[self._totals]
            expr = q.totals_span(totals, filters, self.cells(filters), self.comparison)
        else:
            expr = q.span(self.matching(filters))
        row = self._frame(expr).iloc[0]
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

    # the sources ----------------------------------------------------------------------------
    #
    # An imported dataset holds a source per article (half a million for 500,000 GDELT events),
    # read in place from Parquet: any look-up reads the ids of all of them (50-100 ms there).
    # The sources looked up are remembered (``SOURCES_REMEMBERED`` of them), so a page's
    # tables and their source lists, and the next rerun, cost one look-up or none.

    def sources_of(self, ids: Iterable[str]) -> pd.DataFrame:
        """The sources with these ids (those some shown rows cite), by publisher and title."""
        ids = sorted({i for i in ids if i})
        if len(ids) > SOURCES_REMEMBERED:
            return self._sources_frame(q.ordered_sources(q.sources_among(self.sources(), ids)))
        with self._lock:
            missing = [i for i in ids if i not in self._looked_up]
        if missing:
            found = self._sources_frame(q.sources_among(self.sources(), missing))
            rows = dict(zip(found["source_id"], found.itertuples(index=False), strict=True))
            with self._lock:
                if len(self._looked_up) + len(missing) > SOURCES_REMEMBERED:
                    self._looked_up.clear()
                self._looked_up.update({i: rows.get(i) for i in missing})
        with self._lock:
            records = [self._looked_up.get(i) for i in ids]
        frame = pd.DataFrame.from_records(
            [r for r in records if r is not None], columns=q.SOURCE_COLUMNS
        )
        return _typed(frame, "sources").sort_values(
            ["publisher", "title", "source_id"], ignore_index=True
        )

    def cited_sources(
        self, filters: Filters, also: Iterable[str] = (), limit: int | None = None, offset: int = 0
    ) -> pd.DataFrame:
        """The sources the matching events cite, and those of ``also`` (the ids the curated rows
        under the filters cite), by publisher and title: ``limit`` of them from ``offset``."""
        ids = self._cited_ids(filters, also)
        if ids is not None:
            end = None if limit is None else offset + limit
            return self.sources_of(ids).iloc[offset:end].reset_index(drop=True)
        page = q.page(self._cited(filters, also), q.SOURCE_ORDER, limit, offset)
        return self._sources_frame(page)

    def cited_counts(self, filters: Filters, also: Iterable[str] = ()) -> tuple[int, int]:
        """How many sources ``cited_sources`` lists, and how many of them are primary."""
        ids = self._cited_ids(filters, also)
        if ids is not None:
            kinds = self.sources_of(ids)["kind"]
            return len(kinds), int((kinds == "primary").sum())
        row = self.engine.backend().to_pandas(q.source_counts(self._cited(filters, also)))
        return int(row["sources"].iloc[0]), int(row["primary"].fillna(0).iloc[0])

    def _cited_ids(self, filters: Filters, also: Iterable[str]) -> set[str] | None:
        """The ids the matching events and ``also`` cite; None when there are more than can be
        remembered (the engine then answers from all the sources)."""
        cited = q.cited_ids(self.matching(filters)).limit(SOURCES_REMEMBERED + 1)
        asked = (cited.op(), frozenset(also))  # ibis expressions compare by structure
        with self._lock:
            if self._last_cited is not None and self._last_cited[0] == asked:
                return self._last_cited[1]
        ids = set(self.engine.backend().to_pandas(cited)["source_id"].dropna()) | set(also)
        ids = ids if len(ids) <= SOURCES_REMEMBERED else None
        with self._lock:
            self._last_cited = (asked, ids)
        return ids

    def _cited(self, filters: Filters, also: Iterable[str]) -> ir.Table:
        return q.cited_sources(self.sources(), self.matching(filters), set(also))

    def _sources_frame(self, expr: ir.Table) -> pd.DataFrame:
        return _typed(self.engine.backend().to_pandas(expr), "sources")

    def close(self) -> None:
        self.engine.close()
