"""Shape the dataset into the tables the pages show: pure pandas, DataFrames in, DataFrames out.

Events are indexed once (``index_events``): each event gets a bit mask of its areas and sides,
its repeated text columns become categoricals, and a daily cube of counts and score sums per area
is built. A filter change then combines integer masks and filters the small cube; rows are only
materialised for what a page shows (the newest N, one page of the Data table).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pycountry

from dashboard.data import Dataset
from dashboard.data.load import period_of
from dashboard.data.tables import (
    ACTOR_NAMES,
    PERIOD_NAMES,
    PERIOD_STARTS,
    PERIODS,
    SIDE_NAMES,
    SIDES,
    VERDICT_NAMES,
)
from dashboard.filters import Filters, search_terms

US_ACTORS = ("us_executive", "us_congress", "us_justice")
RU_ACTORS = ("ru_government",)
SIDE_BITS = {"US": 1, "RU": 2}
BASE_ACTORS = {"US": "us_executive", "RU": "ru_government"}
EVENT_TEXT = ("title", "description")
TERM_LABELS = {"term1": "1st Trump term", "term2": "2nd Trump term"}
NO_VALUE = "—"
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
    outcome_status: dict[tuple[str, str], str] = field(default_factory=dict)  # (area, period)


def _bits_for(cells: pd.Series, bits: dict[str, int]) -> pd.Series:
    """Bit mask of a ';'-separated cell, computed once per distinct cell value.

    The bits are OR-ed, never summed: two actors of one side must set that side's bit once
    (a sum once turned two US actors into the Russia bit).
    """
    categories = pd.Categorical(cells)
    lookup = [
        functools.reduce(operator.or_, (bits.get(item, 0) for item in c.split(";")), 0)
        for c in categories.categories
    ]
    masks = np.array([*lookup, 0], dtype="int64")  # code -1 (blank cell) takes the last entry
    return pd.Series(masks[categories.codes], index=cells.index)


def index_events(
    events: pd.DataFrame, area_ids: list[str], outcomes: pd.DataFrame | None = None
) -> EventIndex:
    """Index the events; ``outcomes`` give the status of each area × period cell."""
    area_bits = {area: 1 << i for i, area in enumerate(area_ids)}
    side_bits = {a: SIDE_BITS["US"] for a in US_ACTORS} | {a: SIDE_BITS["RU"] for a in RU_ACTORS}
    indexed = events.astype({c: "category" for c in CATEGORICAL}).reset_index(drop=True)
    indexed["area_mask"] = _bits_for(indexed["area_ids"], area_bits)
    indexed["side_mask"] = _bits_for(indexed["actors"], side_bits)
    days = indexed["date"].to_numpy(dtype="datetime64[us]").view("int64")
    newest_first = np.argsort(-days, kind="stable")
    status = {} if outcomes is None else outcome_status(outcomes)
    return EventIndex(indexed, _cube(indexed, area_bits), area_bits, newest_first, status)


def index_dataset(dataset: Dataset) -> EventIndex:
    """The event index of a loaded dataset."""
    return index_events(dataset.events, list(dataset.areas["area_id"]), dataset.outcomes)


def outcome_status(outcomes: pd.DataFrame) -> dict[tuple[str, str], str]:
    """The status of each area × period cell that has an outcome."""
    return dict(
        zip(
            zip(outcomes["area_id"], outcomes["period"], strict=True),
            outcomes["status"],
            strict=True,
        )
    )


def status_cells(status: dict[tuple[str, str], str], filters: Filters) -> set[tuple[str, str]]:
    """The area × period cells whose outcome has one of the chosen statuses."""
    return {cell for cell, value in status.items() if value in filters.statuses}


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
    """Rows holding every word or quoted phrase of ``search`` in one of ``columns``."""
    match = pd.Series(True, index=frame.index)
    texts = [frame[column].astype("string").fillna("").str.casefold() for column in columns]
    for term in search_terms(search):
        found = pd.Series(False, index=frame.index)
        for text in texts:
            found |= text.str.contains(term, regex=False)
        match &= found
    return match


def _area_terms(index: EventIndex, filters: Filters) -> list[tuple[str | None, int]] | None:
    """(period, area bits) pairs of which an event must meet one; None: no area restriction.

    Without a status filter it is the chosen areas in any period. With one, each period keeps
    the chosen areas whose outcome in that period has the status, so an event counts only
    through an area and period that both qualify.
    """
    chosen = filters.areas or tuple(index.area_bits)
    if filters.statuses:
        by_period: dict[str | None, int] = {}
        for area, period in status_cells(index.outcome_status, filters):
            if area in chosen:
                by_period[period] = by_period.get(period, 0) | index.area_bits.get(area, 0)
        return list(by_period.items())
    if filters.areas:
        return [(None, sum(index.area_bits.get(a, 0) for a in set(filters.areas)))]
    return None


def _time_and_side_mask(frame: pd.DataFrame, filters: Filters) -> np.ndarray:
    mask = np.ones(len(frame), dtype=bool)
    if filters.side:
        mask &= (frame["side_mask"].to_numpy() & SIDE_BITS[filters.side]) != 0
    if filters.period:
        mask &= (frame["period"] == filters.period).to_numpy()
    if filters.start:
        mask &= (frame["date"] >= pd.Timestamp(filters.start)).to_numpy()
    if filters.end:
        mask &= (frame["date"] <= pd.Timestamp(filters.end)).to_numpy()
    return mask


def _event_mask(events: pd.DataFrame, index: EventIndex, filters: Filters) -> np.ndarray:
    mask = _time_and_side_mask(events, filters)
    terms = _area_terms(index, filters)
    if terms is not None:
        area_mask = events["area_mask"].to_numpy()
        periods = events["period"].to_numpy()
        hit = np.zeros(len(events), dtype=bool)
        for period, bits in terms:
            in_area = (area_mask & bits) != 0
            hit |= in_area if period is None else in_area & (periods == period)
        mask &= hit
    return mask


def _cube_mask(cube: pd.DataFrame, index: EventIndex, filters: Filters) -> np.ndarray:
    mask = _time_and_side_mask(cube, filters)
    if filters.areas:
        mask &= cube["area_id"].isin(filters.areas).to_numpy()
    if filters.statuses:
        cells = status_cells(index.outcome_status, filters)
        pairs = zip(cube["area_id"], cube["period"], strict=True)
        mask &= np.fromiter((pair in cells for pair in pairs), dtype=bool, count=len(cube))
    return mask


def _cells_holding(cells: pd.Series, item: str) -> np.ndarray:
    """Rows of a categorical ';'-separated column whose cell lists ``item``."""
    hits = [i for i, cell in enumerate(cells.cat.categories) if item in cell.split(";")]
    return np.isin(cells.cat.codes.to_numpy(), hits)


def event_mask(
    index: EventIndex,
    filters: Filters,
    area: str | None = None,
    country: str | None = None,
    year: int | None = None,
) -> np.ndarray:
    """Which events match the filters, and an area, country or year: one bool per event."""
    events = index.events
    mask = _event_mask(events, index, filters)
    if year:
        mask &= (events["date"].dt.year == year).to_numpy()
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


def event_ids_mask(index: EventIndex, cells: pd.Series) -> np.ndarray:
    """Events named in any ';'-separated cell of ``cells`` (a commitment's evidence)."""
    ids = {i for cell in cells.dropna() for i in str(cell).split(";") if i}
    return index.events["event_id"].isin(ids).to_numpy()


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
        cube = index.cube
    return cube[_cube_mask(cube, index, filters)]


TEXT_COLUMNS = {
    "areas": ("name", "scope"),
    "sources": ("title", "publisher"),
    "positions": ("position",),
    "outcomes": ("outcome",),
    "impacts": ("effect",),
    "commitments": ("statement", "verdict_reason"),
}


def period_spans(today: dt.date | None = None) -> dict[str, tuple[dt.date, dt.date]]:
    """First and last day of each period; the last one runs to ``today``."""
    starts = list(PERIOD_STARTS.items())
    last = today or dt.date.today()
    ends = [start - dt.timedelta(days=1) for _, start in starts[1:]] + [last]
    return {name: (start, end) for (name, start), end in zip(starts, ends, strict=True)}


def _overlaps_dates(first: pd.Series, last: pd.Series, filters: Filters) -> pd.Series:
    keep = pd.Series(True, index=first.index)
    if filters.start:
        keep &= last >= pd.Timestamp(filters.start)
    if filters.end:
        keep &= first <= pd.Timestamp(filters.end)
    return keep


def _date_mask(frame: pd.DataFrame, table: str, filters: Filters) -> pd.Series:
    """Positions and commitments stated in the date range; outcomes and impacts of periods that
    overlap it."""
    if table == "positions":
        last = frame["stated_to"].fillna(frame["stated_from"])
        return _overlaps_dates(frame["stated_from"], last, filters)
    if table == "commitments":
        return _overlaps_dates(frame["stated"], frame["stated"], filters)
    spans = period_spans()
    first = frame["period"].map(lambda p: pd.Timestamp(spans[p][0]))
    last = frame["period"].map(lambda p: pd.Timestamp(spans[p][1]))
    return _overlaps_dates(first, last, filters)


def filter_table(
    frame: pd.DataFrame,
    table: str,
    filters: Filters,
    status: dict[tuple[str, str], str] | None = None,
) -> pd.DataFrame:
    """Positions, outcomes or impacts under the filters, as ``filters.FILTERS`` declares.

    ``status`` is the outcome status of each area × period cell (``outcome_status``); the
    status filter keeps the rows of cells whose outcome has a chosen status.
    """
    mask = pd.Series(True, index=frame.index)
    if filters.areas:
        mask &= frame["area_id"].isin(filters.areas)
    if filters.side and table in ("positions", "commitments"):
        mask &= frame["side"] == filters.side
    if filters.period:
        mask &= frame["period"] == filters.period
    if filters.start or filters.end:
        mask &= _date_mask(frame, table, filters)
    if filters.statuses:
        cells = status_cells(status or {}, filters)
        pairs = pd.Series(
            list(zip(frame["area_id"], frame["period"], strict=True)), index=frame.index
        )
        mask &= pairs.isin(cells)
    if filters.search:
        mask &= _text_match(frame, TEXT_COLUMNS[table], filters.search)
    return frame[mask]


def filtered(dataset: Dataset, table: str, filters: Filters) -> pd.DataFrame:
    """One of positions, outcomes, impacts and commitments under the filters."""
    status = outcome_status(dataset.outcomes)
    return filter_table(dataset.table(table), table, filters, status)


def shown_areas(names: dict[str, str], filters: Filters) -> dict[str, str]:
    """The areas a page lays out: the chosen ones, or all of them, in the table's order."""
    return {a: n for a, n in names.items() if not filters.areas or a in filters.areas}


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


CELL = ["area_id", "side", "actor", "period"]


def latest_positions(positions: pd.DataFrame) -> pd.DataFrame:
    """The latest stretch of each area × side × actor × period (the newest stated_from)."""
    ordered = positions.sort_values("stated_from", kind="stable")
    return ordered.drop_duplicates(subset=CELL, keep="last")


def stretches(positions: pd.DataFrame) -> pd.DataFrame:
    """Positions with each cell's stretches joined in order, each line dated: one row per cell.

    "2025-02-12 to 2025-03-03 (stance −1): The White House said …", so a table cell shows how a
    stated position moved within a term.
    """
    ordered = positions.sort_values("stated_from", kind="stable")
    ends = ordered["stated_to"].dt.strftime("%Y-%m-%d").fillna("")
    dated = ordered.assign(
        position=ordered["stated_from"].dt.strftime("%Y-%m-%d")
        + ends.map(lambda e: f" to {e}" if e else "")
        + ordered["stance"].map(lambda v: f" (stance {signed(v)}): ")
        + ordered["position"],
    )
    grouped = dated.groupby(CELL, observed=True, sort=False)
    joined = grouped.agg(
        position=("position", "\n\n".join),
        source_ids=("source_ids", lambda c: ";".join(dict.fromkeys(";".join(c).split(";")))),
        stance=("stance", "last"),
        stretches=("position", "size"),
    )
    return joined.reset_index()


def stated_span(position) -> str:
    """When a position was stated: "stated 2025-02-12 to 2025-03-03" or "stated 2025-02-12"."""
    first = f"stated {position.stated_from:%Y-%m-%d}"
    return first if pd.isna(position.stated_to) else f"{first} to {position.stated_to:%Y-%m-%d}"


def stance_column(side: str, period: str) -> str:
    return f"{SIDE_NAMES[side]} · {TERM_LABELS[period]}"


def stance_matrix(positions: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Stance per area (rows: ``names``) and side × period (columns), from the executives.

    Where a position moved within a term, the cell holds the latest stretch's stance. Columns
    that no position fills (a side or period filtered out) are dropped.
    """
    base = latest_positions(positions[positions["actor"].isin(BASE_ACTORS.values())])
    columns = [stance_column(s, p) for p in PERIODS for s in SIDES]
    matrix = pd.DataFrame(index=list(names.values()), columns=columns, dtype="Float64")
    for row in base[base["area_id"].isin(names)].itertuples(index=False):
        matrix.loc[names[row.area_id], stance_column(row.side, row.period)] = row.stance
    present = [c for c in columns if matrix[c].notna().any()]
    return matrix[present]


def source_names(source_ids: pd.Series, sources: pd.DataFrame) -> pd.Series:
    """For each cell of ';'-separated source ids, the publishers cited, comma-separated."""
    publishers = dict(zip(sources["source_id"], sources["publisher"], strict=True))
    return _names_of(source_ids, publishers).fillna(NO_VALUE)


def _with_columns(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``frame`` with every named column, blank where a pivot produced none."""
    return frame.assign(**{c: pd.NA for c in columns if c not in frame})


def side_by_side(
    positions: pd.DataFrame, outcomes: pd.DataFrame, names: dict[str, str]
) -> pd.DataFrame:
    """One row per area and period: the US position, Russia's, what happened and its status.

    A position that moved within the term shows each dated stretch in turn (``stretches``).
    """
    base = stretches(positions[positions["actor"].isin(BASE_ACTORS.values())])
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
    ).merge(_other_actors(positions), on=["area_id", "period"], how="left", validate="one_to_one")
    table = table[table["area_id"].isin(names)]
    table["area"] = table["area_id"].map(names)
    table["period_name"] = table["period"].map(PERIOD_NAMES)
    order = {area: i for i, area in enumerate(names)}
    table = table.sort_values(
        ["period", "area_id"], key=lambda s: s.map(order) if s.name == "area_id" else s
    )
    return table.reset_index(drop=True)


def _other_actors(positions: pd.DataFrame) -> pd.DataFrame:
    """Per area and period, the positions of actors other than the executives (Congress)."""
    other = positions[~positions["actor"].isin(BASE_ACTORS.values())]
    labelled = other.assign(
        text=other["actor"].map(ACTOR_NAMES) + ": " + other["position"],
    )
    grouped = labelled.groupby(["area_id", "period"], observed=True)
    return grouped.agg(
        other_positions=("text", "\n".join), other_source_ids=("source_ids", ";".join)
    ).reset_index()


def signed(value: object) -> str:
    """A whole number as a reader reads it: "+1", "0", "−2" (a real minus), "—" when missing."""
    if pd.isna(value):
        return NO_VALUE
    return f"{int(value):+d}".replace("-", "−") if value else "0"


def change_label(change: object) -> str:
    """A stance change in words a reader cannot misread: "+1", "−2", "no change", "—"."""
    return "no change" if not pd.isna(change) and change == 0 else signed(change)


def term_changes(positions: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Per area and side: stance in each term and the change from the first to the second."""
    base = latest_positions(positions[positions["actor"].isin(BASE_ACTORS.values())])
    wide = base.pivot_table(
        index=["area_id", "side"], columns="period", values=["stance", "position"], aggfunc="first"
    )
    wide.columns = [f"{value}_{period}" for value, period in wide.columns]
    wide = wide.reset_index()
    wide = _with_columns(wide, [f"{v}_{p}" for p in PERIODS for v in ("stance", "position")])
    wide["change"] = wide["stance_term2"].astype("Float64") - wide["stance_term1"].astype("Float64")
    wide["change_label"] = wide["change"].map(change_label)
    wide = wide[wide["area_id"].isin(names)]
    order = {**{a: i for i, a in enumerate(names)}, **{s: i for i, s in enumerate(SIDES)}}
    wide = wide.sort_values(["area_id", "side"], key=lambda column: column.map(order))
    wide["area"] = wide["area_id"].map(names)
    wide["side_name"] = wide["side"].map(SIDE_NAMES)
    return wide.reset_index(drop=True)


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

    An event is drawn in its first area among ``names`` (the areas shown), so a filter on
    Human rights never colours a mark as Ukraine. The monthly points count an event once in
    each of its areas and carry its mean score.
    """
    if len(events) <= max_points:
        first_area = (
            events["area_ids"]
            .astype("string")
            .map(lambda cell: next((names[a] for a in cell.split(";") if a in names), NO_VALUE))
        )
        return events.assign(area=first_area, count=1)
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


def event_choices(events: pd.DataFrame, limit: int, also: list[str]) -> dict[str, str]:
    """Event id -> "date — title" for the newest ``limit`` events and those in ``also``."""
    listed = events.head(limit)
    extra = events[events["event_id"].isin(also) & ~events["event_id"].isin(listed["event_id"])]
    listed = pd.concat([listed, extra]).sort_values("date", ascending=False, kind="stable")
    text = listed["date"].dt.strftime("%Y-%m-%d") + " — " + listed["title"].astype("string")
    return dict(zip(listed["event_id"].astype("string"), text, strict=True))


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


def view_summary(dataset: Dataset, index: EventIndex, filters: Filters) -> dict[str, object]:
    """The overview's counts under the filters, beside the whole dataset's."""
    mask = event_mask(index, filters)
    tables = filtered_small_tables(dataset, index, filters, mask)
    dates = index.events["date"].to_numpy()[mask]
    return {
        "events": int(mask.sum()),
        "all_events": len(index.events),
        "areas": len(tables["areas"]),
        "countries": tables["impacts"]["country"].nunique(),
        "sources": len(tables["sources"]),
        "primary_sources": int((tables["sources"]["kind"] == "primary").sum()),
        "first_date": pd.Timestamp(dates.min()).date() if len(dates) else None,
        "last_date": pd.Timestamp(dates.max()).date() if len(dates) else None,
        "updated": dataset.meta.get("updated", ""),
        "version": dataset.meta.get("version", ""),
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


CURATED = ("positions", "outcomes", "impacts", "commitments")
EXPORTED = ("events", *CURATED)  # the tables the filters reach in an export


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
    tables = {name: filtered(dataset, name, filters) for name in CURATED}
    areas = dataset.areas
    if filters.areas:
        areas = areas[areas["area_id"].isin(filters.areas)]
    ids = cited_by_events(index, mask)
    for frame in tables.values():
        for cell in frame["source_ids"].dropna().unique():
            ids.update(cell.split(";"))
    sources = dataset.sources[dataset.sources["source_id"].isin(ids)]
    return {"areas": areas, **tables, "sources": sources}


def _names_of(cells: pd.Series, names: dict[str, str]) -> pd.Series:
    """';'-separated ids as a comma-separated list of their names (None where blank)."""

    def label(cell: object) -> str | None:
        if not isinstance(cell, str) or not cell:
            return None
        return ", ".join(names.get(i, i) for i in cell.split(";") if i)

    return cells.astype(object).map(label)


def readable(frame: pd.DataFrame, names: dict[str, str], sources: pd.DataFrame) -> pd.DataFrame:
    """A table as a reader sees it: names for ids, publishers for sources, no blank ``None``.

    Exports keep the ids; this is only for the screen.
    """
    publishers = dict(zip(sources["source_id"], sources["publisher"], strict=True))
    labels = {
        "area_id": names,
        "area_ids": names,
        "period": PERIOD_NAMES,
        "side": SIDE_NAMES,
        "actors": ACTOR_NAMES,
        "countries": all_countries(),
        "source_ids": publishers,
        "evidence_event_ids": {},
        "verdict": VERDICT_NAMES,
    }
    shown = frame.copy()
    for column, mapping in labels.items():
        if column in shown:
            shown[column] = _names_of(shown[column], mapping)
    if "quad_class" in shown:
        shown["quad_class"] = shown["quad_class"].astype("string").str.replace("_", " ")
    if "key_moment" in shown:
        shown["key_moment"] = shown["key_moment"].map({True: "key moment", False: ""})
    text = [c for c in shown.columns if shown[c].dtype in (object, "string")]
    return shown.fillna(dict.fromkeys(text, NO_VALUE))
