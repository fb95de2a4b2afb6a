"""Shape the dataset into the tables the pages show: pure pandas, DataFrames in, DataFrames out.

Events are indexed once (``index_events``): each event gets a bit mask of its areas and sides,
its repeated text columns become categoricals, and a daily cube of counts and score sums per area
is built. A filter change then combines integer masks and filters the small cube; rows are only
materialised for what a page shows (the newest N, one page of the Data table).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pycountry

from dashboard.data import Dataset
from dashboard.data.load import period_of
from dashboard.data.tables import PERIOD_NAMES, PERIODS, SIDE_NAMES, SIDES
from dashboard.filters import Filters

US_ACTORS = ("us_executive", "us_congress", "us_justice")
RU_ACTORS = ("ru_government",)
SIDE_BITS = {"US": 1, "RU": 2}
BASE_ACTORS = {"US": "us_executive", "RU": "ru_government"}
EVENT_TEXT = ("title", "description")
TERM_LABELS = {"term1": "1st term", "term2": "2nd term"}
CATEGORICAL = ("date_precision", "area_ids", "actors", "countries", "quad_class", "source_ids")


@dataclass(frozen=True)
class EventIndex:
    """Events with bit masks, their newest-first order, and a daily per-area cube of them.

    The events stay in file order: sorting them would copy every column, which at a million
    events held two copies in memory at once (514 MB above the process's base, measured). Row
    selection goes through ``select_events``, which reads them newest first via ``newest_first``.
    """

    events: pd.DataFrame
    cube: pd.DataFrame
    area_bits: dict[str, int]
    newest_first: np.ndarray  # row positions, newest event first (ties keep file order)


def _bits_for(cells: pd.Series, bits: dict[str, int]) -> pd.Series:
    """Bit mask of a ';'-separated cell, computed once per distinct cell value."""
    categories = pd.Categorical(cells)
    lookup = [sum(bits.get(item, 0) for item in set(c.split(";"))) for c in categories.categories]
    masks = np.array([*lookup, 0], dtype="int64")  # code -1 (blank cell) takes the last entry
    return pd.Series(masks[categories.codes], index=cells.index)


def index_events(events: pd.DataFrame, area_ids: list[str]) -> EventIndex:
    area_bits = {area: 1 << i for i, area in enumerate(area_ids)}
    side_bits = {a: SIDE_BITS["US"] for a in US_ACTORS} | {a: SIDE_BITS["RU"] for a in RU_ACTORS}
    indexed = events.astype({c: "category" for c in CATEGORICAL}).reset_index(drop=True)
    indexed["area_mask"] = _bits_for(indexed["area_ids"], area_bits)
    indexed["side_mask"] = _bits_for(indexed["actors"], side_bits)
    days = indexed["date"].to_numpy(dtype="datetime64[us]").view("int64")
    newest_first = np.argsort(-days, kind="stable")
    return EventIndex(indexed, _cube(indexed, area_bits), area_bits, newest_first)


def _cube(events: pd.DataFrame, area_bits: dict[str, int]) -> pd.DataFrame:
    numbers = events[["date", "side_mask", "quad_class", "goldstein", "area_mask"]]
    parts = []
    for area, bit in area_bits.items():
        in_area = numbers[(numbers["area_mask"] & bit) != 0]
        grouped = in_area.groupby(["date", "side_mask", "quad_class"], observed=True)
        part = grouped["goldstein"].agg(events="count", goldstein_sum="sum").reset_index()
        part["area_id"] = area
        parts.append(part)
    cube = pd.concat(parts, ignore_index=True)
    cube["period"] = period_of(cube["date"])
    return cube


def _text_match(frame: pd.DataFrame, columns: tuple[str, ...], search: str) -> pd.Series:
    needle = search.casefold()
    match = pd.Series(False, index=frame.index)
    for column in columns:
        text = frame[column].fillna("").str.casefold()
        match |= text.str.contains(needle, regex=False)
    return match


def _area_mask(index: EventIndex, filters: Filters) -> int:
    return sum(index.area_bits.get(a, 0) for a in filters.areas)


def _event_mask(frame: pd.DataFrame, index: EventIndex, filters: Filters) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    if filters.areas and "area_mask" in frame:
        mask &= (frame["area_mask"] & _area_mask(index, filters)) != 0
    if filters.side:
        mask &= (frame["side_mask"] & SIDE_BITS[filters.side]) != 0
    if filters.period:
        mask &= frame["period"] == filters.period
    if filters.start:
        mask &= frame["date"] >= pd.Timestamp(filters.start)
    if filters.end:
        mask &= frame["date"] <= pd.Timestamp(filters.end)
    return mask


def _cells_holding(cells: pd.Series, item: str) -> np.ndarray:
    """Rows of a categorical ';'-separated column whose cell lists ``item``."""
    hits = [i for i, cell in enumerate(cells.cat.categories) if item in cell.split(";")]
    return np.isin(cells.cat.codes.to_numpy(), hits)


def event_mask(
    index: EventIndex, filters: Filters, area: str | None = None, country: str | None = None
) -> np.ndarray:
    """Which events match the filters, and an area or country: one bool per row of index.events."""
    events = index.events
    mask = _event_mask(events, index, filters).to_numpy(copy=True)
    if area:
        mask &= (events["area_mask"].to_numpy() & index.area_bits.get(area, 0)) != 0
    if country:
        mask &= _cells_holding(events["countries"], country)
    if filters.search:
        rows = np.flatnonzero(mask)
        hits = _text_match(events.iloc[rows], EVENT_TEXT, filters.search).to_numpy()
        mask = np.zeros(len(events), dtype=bool)
        mask[rows[hits]] = True
    return mask


def select_events(
    index: EventIndex, mask: np.ndarray, start: int = 0, stop: int | None = None
) -> pd.DataFrame:
    """The matching events from ``start`` to ``stop`` (newest first), without copying the rest."""
    order = index.newest_first
    return index.events.iloc[order[np.asarray(mask, dtype=bool)[order]][start:stop]]


def filter_events(index: EventIndex, filters: Filters, limit: int | None = None) -> pd.DataFrame:
    """The events that match every filter, newest first (the first ``limit`` of them)."""
    return select_events(index, event_mask(index, filters), stop=limit)


def cited_by_events(index: EventIndex, mask: np.ndarray) -> set[str]:
    """Source ids cited by the matching events, from the categorical codes."""
    cells = index.events["source_ids"]
    codes = np.unique(cells.cat.codes.to_numpy()[mask])
    ids: set[str] = set()
    for cell in cells.cat.categories[codes[codes >= 0]]:
        ids.update(cell.split(";"))
    return ids


def filter_cube(index: EventIndex, filters: Filters) -> pd.DataFrame:
    """Daily per-area counts and score sums under the filters, from the cube where possible."""
    if filters.search:
        matched = filter_events(index, filters)
        cube = _cube(matched, index.area_bits)
    else:
        cube = index.cube[_event_mask(index.cube, index, filters)]
    if filters.areas:
        cube = cube[cube["area_id"].isin(filters.areas)]
    return cube


def filter_table(
    frame: pd.DataFrame, filters: Filters, text_columns: tuple[str, ...]
) -> pd.DataFrame:
    """Positions, outcomes or impacts under the area, side, period, status and search filters."""
    mask = pd.Series(True, index=frame.index)
    if filters.areas and "area_id" in frame:
        mask &= frame["area_id"].isin(filters.areas)
    if filters.side and "side" in frame:
        mask &= frame["side"] == filters.side
    if filters.period and "period" in frame:
        mask &= frame["period"] == filters.period
    if filters.statuses and "status" in frame:
        mask &= frame["status"].isin(filters.statuses)
    if filters.search:
        mask &= _text_match(frame, text_columns, filters.search)
    return frame[mask]


def area_names(dataset: Dataset) -> dict[str, str]:
    return dict(zip(dataset.areas["area_id"], dataset.areas["name"], strict=True))


def area_year_matrix(cube: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Events and mean cooperation–conflict score per area and year (long form)."""
    if cube.empty:
        return pd.DataFrame(columns=["area_id", "area", "year", "events", "mean_goldstein"])
    grouped = cube.assign(year=cube["date"].dt.year).groupby(["area_id", "year"], observed=True)
    matrix = grouped[["events", "goldstein_sum"]].sum().reset_index()
    matrix["mean_goldstein"] = (matrix["goldstein_sum"] / matrix["events"]).round(2)
    matrix["area"] = matrix["area_id"].map(names)
    matrix["events"] = matrix["events"].astype("int64")
    return matrix[["area_id", "area", "year", "events", "mean_goldstein"]]


def stance_matrix(positions: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Stance per area (rows) and side × period (columns) from the executive's positions."""
    base = positions[positions["actor"].isin(BASE_ACTORS.values())]
    columns = [f"{s} · {TERM_LABELS[p]}" for p in PERIODS for s in SIDES]
    matrix = pd.DataFrame(index=list(names.values()), columns=columns, dtype="Float64")
    for row in base.itertuples(index=False):
        column = f"{row.side} · {TERM_LABELS[row.period]}"
        matrix.loc[names.get(row.area_id, row.area_id), column] = row.stance
    present = [c for c in columns if matrix[c].notna().any()]
    return matrix[present]


def source_links(source_ids: pd.Series, sources: pd.DataFrame) -> pd.Series:
    """For each cell of ';'-separated source ids, the cited sources as 'title <url>' lines."""
    by_id = sources.set_index("source_id")
    label = (by_id["title"] + " — " + by_id["publisher"] + " <" + by_id["url"] + ">").to_dict()
    return source_ids.fillna("").map(
        lambda cell: "\n".join(label.get(s, s) for s in cell.split(";") if s)
    )


def _with_columns(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``frame`` with every named column, blank where a pivot produced none."""
    return frame.assign(**{c: pd.NA for c in columns if c not in frame})


def side_by_side(
    positions: pd.DataFrame, outcomes: pd.DataFrame, names: dict[str, str]
) -> pd.DataFrame:
    """One row per area and period: the US position, Russia's, what happened and its status."""
    base = positions[positions["actor"].isin(BASE_ACTORS.values())]
    wide = base.pivot_table(
        index=["area_id", "period"],
        columns="side",
        values=["position", "stance", "source_ids"],
        aggfunc="first",
    )
    wide.columns = [f"{side}_{value}" for value, side in wide.columns]
    wide = wide.reset_index()
    wide = _with_columns(
        wide, [f"{s}_{v}" for s in SIDES for v in ("position", "stance", "source_ids")]
    )
    table = wide.merge(
        outcomes[["area_id", "period", "outcome", "status", "alignment", "source_ids"]],
        on=["area_id", "period"],
        how="outer",
        validate="one_to_one",
    )
    table["area"] = table["area_id"].map(names)
    table["period_name"] = table["period"].map(PERIOD_NAMES)
    order = {area: i for i, area in enumerate(names)}
    table = table.sort_values(
        ["period", "area_id"], key=lambda s: s.map(order) if s.name == "area_id" else s
    )
    return table.reset_index(drop=True)


def term_changes(positions: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Per area and side: stance in each term and the change from the first to the second."""
    base = positions[positions["actor"].isin(BASE_ACTORS.values())]
    wide = base.pivot_table(
        index=["area_id", "side"], columns="period", values=["stance", "position"], aggfunc="first"
    )
    wide.columns = [f"{value}_{period}" for value, period in wide.columns]
    wide = wide.reset_index()
    wide = _with_columns(wide, [f"{v}_{p}" for p in PERIODS for v in ("stance", "position")])
    wide["change"] = wide["stance_term2"].astype("Float64") - wide["stance_term1"].astype("Float64")
    wide["area"] = wide["area_id"].map(names)
    wide["side_name"] = wide["side"].map(SIDE_NAMES)
    return wide


def alignment_overview(outcomes: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Alignment and status per area (rows) and period (columns) as text."""
    table = outcomes.assign(area=outcomes["area_id"].map(names))
    table["label"] = table["alignment"] + " (" + table["status"] + ")"
    wide = table.pivot_table(index="area", columns="period", values="label", aggfunc="first")
    wide = wide.reindex([n for n in names.values() if n in wide.index])
    wide.columns = [PERIOD_NAMES[p] for p in wide.columns]
    return wide


@functools.cache
def all_countries() -> dict[str, str]:
    """Every ISO 3166-1 country: alpha-3 code -> common name."""
    return {c.alpha_3: country_name(c.alpha_3) for c in pycountry.countries}


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


def impact_by_country(impacts: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """One row per country: the highest intensity, its rows' directions and effects."""
    columns = ["country", "country_name", "intensity", "rows", "directions", "effects"]
    if impacts.empty:
        return pd.DataFrame(columns=columns)
    labelled = impacts.assign(
        line=impacts["area_id"].map(names) + ": " + impacts["effect"],
    )
    grouped = labelled.groupby("country", observed=True)
    table = grouped.agg(
        intensity=("intensity", "max"),
        rows=("impact_id", "count"),
        directions=("direction", lambda s: ", ".join(sorted(set(s)))),
        effects=("line", lambda s: "\n".join(s)),
    ).reset_index()
    table["country_name"] = table["country"].map(country_name)
    table["intensity"] = table["intensity"].astype("int64")
    return table[columns].sort_values(["intensity", "country_name"], ascending=[False, True])


def timeline_points(
    events: pd.DataFrame, cube: pd.DataFrame, names: dict[str, str], max_points: int
) -> pd.DataFrame:
    """Events as points, or, past ``max_points``, one point per area and month from the cube.

    The monthly points count an event once in each of its areas and carry its mean score.
    """
    if len(events) <= max_points:
        first_area = events["area_ids"].str.split(";", n=1).str[0]
        return events.assign(area=first_area.map(names), count=1)
    month = cube["date"].dt.to_period("M").dt.to_timestamp()
    grouped = cube.assign(date=month, area=cube["area_id"].map(names)).groupby(
        ["date", "area"], observed=True
    )
    summary = grouped[["events", "goldstein_sum"]].sum().reset_index()
    summary["goldstein"] = (summary["goldstein_sum"] / summary["events"]).round(2)
    summary["count"] = summary["events"].astype("int64")
    summary["title"] = summary["count"].astype(str) + " events"
    summary["event_id"] = ""
    return summary[["date", "area", "goldstein", "count", "title", "event_id"]]


def key_moments(index: EventIndex, mask: np.ndarray, limit: int) -> pd.DataFrame:
    """The newest ``limit`` key moments among the matching events, oldest first."""
    key = index.events["key_moment"].fillna(False).to_numpy(dtype=bool)
    return select_events(index, mask & key, stop=limit).sort_values("date")


def dataset_summary(dataset: Dataset) -> dict[str, object]:
    """Counts, date span and last update for the overview."""
    events = dataset.events
    return {
        "areas": len(dataset.areas),
        "events": len(events),
        "positions": len(dataset.positions),
        "outcomes": len(dataset.outcomes),
        "impacts": len(dataset.impacts),
        "countries": dataset.impacts["country"].nunique(),
        "sources": len(dataset.sources),
        "primary_sources": int((dataset.sources["kind"] == "primary").sum()),
        "first_date": events["date"].min().date() if len(events) else None,
        "last_date": events["date"].max().date() if len(events) else None,
        "updated": dataset.meta.get("updated", ""),
    }


INTERNAL_COLUMNS = ["area_mask", "side_mask"]


def public_events(events: pd.DataFrame) -> pd.DataFrame:
    """Events without the index's internal columns, as users see and export them."""
    return events.drop(columns=[c for c in INTERNAL_COLUMNS if c in events])


def cited_sources(cells: list[pd.Series], sources: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``sources`` cited by any ';'-separated cell of the given columns."""
    ids: set[str] = set()
    for series in cells:
        for cell in series.dropna().unique():
            ids.update(cell.split(";"))
    return sources[sources["source_id"].isin(ids)]


TEXT_COLUMNS = {
    "areas": ("name", "scope"),
    "sources": ("title", "publisher"),
    "positions": ("position",),
    "outcomes": ("outcome",),
    "impacts": ("effect",),
}


def filtered_tables(
    dataset: Dataset, index: EventIndex, filters: Filters
) -> dict[str, pd.DataFrame]:
    """Every table under the filters, events included (for exports)."""
    mask = event_mask(index, filters)
    tables = filtered_small_tables(dataset, index, filters, mask)
    tables["events"] = public_events(select_events(index, mask))
    return tables


def filtered_small_tables(
    dataset: Dataset, index: EventIndex, filters: Filters, mask: np.ndarray
) -> dict[str, pd.DataFrame]:
    """Every table but events under the filters; sources include those the events cite."""
    tables = {
        name: filter_table(dataset.table(name), filters, TEXT_COLUMNS[name])
        for name in ("positions", "outcomes", "impacts")
    }
    areas = dataset.areas
    if filters.areas:
        areas = areas[areas["area_id"].isin(filters.areas)]
    ids = cited_by_events(index, mask)
    for frame in tables.values():
        for cell in frame["source_ids"].dropna().unique():
            ids.update(cell.split(";"))
    sources = dataset.sources[dataset.sources["source_id"].isin(ids)]
    return {"areas": areas, **tables, "sources": sources}
