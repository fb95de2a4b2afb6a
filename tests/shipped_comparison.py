"""The shipped dataset's comparison, read plainly from its CSV files with the csv module: the
independent reference tests hold the dashboard's answers against (not dashboard's own code)."""

import csv
import datetime as dt
import functools
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


AREA_IDS = tuple(r["area_id"] for r in _rows("areas"))
SIDES = tuple(r["side_id"] for r in _rows("sides"))
SIDE_NAMES = {r["side_id"]: r["name"] for r in _rows("sides")}
ACTOR_NAMES = {r["actor_id"]: r["name"] for r in _rows("actors")}
SIDE_ACTORS = {s: {r["actor_id"] for r in _rows("actors") if r["side_id"] == s} for s in SIDES}
PRINCIPAL = {r["side_id"]: r["actor_id"] for r in _rows("actors") if r["role"] == "principal"}
PERIODS = tuple(r["period_id"] for r in _rows("periods"))
PERIOD_NAMES = {r["period_id"]: r["name"] for r in _rows("periods")}
COMPARED = tuple(r["period_id"] for r in _rows("periods") if r["compared"] == "true")
PERIOD_STARTS = {r["period_id"]: dt.date.fromisoformat(r["start"]) for r in _rows("periods")}
EARLIEST = min(PERIOD_STARTS.values())


def period_of(day: dt.date) -> str:
    """The period a day falls in: the last one started by then (the shipped periods touch)."""
    return [p for p, start in PERIOD_STARTS.items() if start <= day][-1]


@functools.cache
def comparison():
    """The shipped comparison as the dashboard holds it, for calls that take one."""
    from dashboard.data import load_dataset

    return load_dataset(DATA).comparison
