"""Where and how the dashboard computes: the engine, its limits, and its cache directory.

Read by the data layer (checks of large Parquet tables run in an embedded DuckDB) and by the
query layer (``dashboard.engine``). Later entries win: the defaults below, the ``[engine]`` table
of the TOML file named by ``DASHBOARD_CONFIG``, then the environment variables in ``ENVIRONMENT``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

ENGINES = ("duckdb", "pyspark")
ENVIRONMENT = {
    "engine": "DASHBOARD_ENGINE",
    "spark_master": "DASHBOARD_SPARK_MASTER",
    "memory_limit": "DASHBOARD_DUCKDB_MEMORY_LIMIT",
    "temp_directory": "DASHBOARD_DUCKDB_TEMP_DIR",
    "threads": "DASHBOARD_DUCKDB_THREADS",
    "cache_directory": "DASHBOARD_CACHE_DIR",
    "check_memory_limit": "DASHBOARD_CHECK_MEMORY_LIMIT",
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
    # DuckDB memory while checking a large Parquet table: beyond it, the search for repeated ids
    # spills to temp_directory (at 6,000,000 events: 0.6 GB peak and 2 s, against 1.1 GB and 8 s
    # with 600MB).
    check_memory_limit: str = "300MB"
    cache_directory: str = field(default_factory=lambda: str(default_cache_directory()))
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


def default_cache_directory() -> Path:
    """Where checked datasets are remembered and derived tables kept between runs."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "us-russia-dashboard"


def duckdb_settings(config: EngineConfig, checking: bool = False) -> dict:
    """The limits an embedded DuckDB connection runs with (``checking``: a dataset check's)."""
    Path(config.temp_directory).mkdir(parents=True, exist_ok=True)
    memory = config.check_memory_limit if checking else config.memory_limit
    settings = {"memory_limit": memory, "temp_directory": config.temp_directory}
    if config.threads:
        settings["threads"] = config.threads
    return settings
