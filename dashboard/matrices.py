"""Shape the dataset into the tables the pages show: pure pandas, DataFrames in, DataFrames out.

The small curated tables (areas, positions, outcomes, impacts, sources) are filtered here. The
events live in an engine (``dashboard.engine.Store``): what this module gets of them is already
an answer, a few rows or an aggregate, which it shapes for the page.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING

import pandas as pd
import pycountry

from dashboard.data import Dataset
from dashboard.data.comparison import Comparison
from dashboard.data.tables import VERDICT_NAMES
from dashboard.filters import Filters, search_terms
from dashboard.gdelt.layout import UNASSIGNED

if TYPE_CHECKING:
    from dashboard.engine import Store

NO_VALUE = "—"


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


TEXT_COLUMNS = {
    "areas": ("name", "scope"),
    "sources": ("title", "publisher"),
    "positions": ("position",),
    "outcomes": ("outcome",),
    "impacts": ("effect",),
    "commitments": ("statement", "verdict_reason"),
}


def _overlaps_dates(first: pd.Series, last: pd.Series, filters: Filters) -> pd.Series:
    keep = pd.Series(True, index=first.index)
    if filters.start:
        keep &= last >= pd.Timestamp(filters.start)
    if filters.end:
        keep &= first <= pd.Timestamp(filters.end)
    return keep


def _date_mask(
    frame: pd.DataFrame, table: str, filters: Filters, spans: dict[str, tuple[dt.date, dt.date]]
) -> pd.Series:
    """Positions and commitments stated in the date range; outcomes and impacts of periods that
    overlap it."""
    if table == "positions":
        last = frame["stated_to"].fillna(frame["stated_from"])
        return _overlaps_dates(frame["stated_from"], last, filters)
    if table == "commitments":
        return _overlaps_dates(frame["stated"], frame["stated"], filters)
    first = frame["period"].map(lambda p: pd.Timestamp(spans[p][0]))
    last = frame["period"].map(lambda p: pd.Timestamp(spans[p][1]))
    return _overlaps_dates(first, last, filters)


def filter_table(
    frame: pd.DataFrame,
    table: str,
    filters: Filters,
    comparison: Comparison,
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
        mask &= _date_mask(frame, table, filters, comparison.spans())
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
    return filter_table(dataset.table(table), table, filters, dataset.comparison, status)


def shown_areas(names: dict[str, str], filters: Filters) -> dict[str, str]:
    """The areas a page lays out: the chosen ones, or all of them, in the table's order."""
    return {a: n for a, n in names.items() if not filters.areas or a in filters.areas}


def area_names(dataset: Dataset) -> dict[str, str]:
    return dict(zip(dataset.areas["area_id"], dataset.areas["name"], strict=True))


def area_year_matrix(sums: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Events and mean cooperation–conflict score per area and year (long form), from the
    engine's per area and year sums (``Store.area_year``)."""
    if sums.empty:
        return pd.DataFrame(columns=["area_id", "area", "year", "events", "mean_goldstein"])
    matrix = sums.copy()
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

    "2025-02-12 to 2025-03-03 (stance −1): The government said …", so a table cell shows how a
    stated position moved within a term.
    """
    ordered = positions.sort_values("stated_from", kind="stable")
    ends = ordered["stated_to"].dt.strftime("%Y-%m-%d").fillna("")
    dated = ordered.assign(
        position=ordered["stated_from"].dt.strftime("%Y-%m-%d")
        + ends.map(lambda e: f" to {e}" if e else "").astype("string")
        # as text even with no rows: an empty map keeps the stance's Int64 type, and text plus
        # Int64 failed (a search no position holds broke Compare)
        + ordered["stance"].map(lambda v: f" (stance {signed(v)}): ").astype("string")
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


def stance_column(comparison: Comparison, side: str, period: str) -> str:
    """ "<side name> · <period label>": a column of the side × period matrices."""
    return f"{comparison.side_names[side]} · {comparison.period_labels[period]}"


def stance_columns(comparison: Comparison) -> list[str]:
    """Every side × compared period column, period by period."""
    return [
        stance_column(comparison, s, p) for p in comparison.compared for s in comparison.side_ids
    ]


def principal_positions(positions: pd.DataFrame, comparison: Comparison) -> pd.DataFrame:
    """The positions of each side's principal actor: those the matrices are drawn from."""
    return positions[positions["actor"].isin(comparison.principals)]


def stance_matrix(
    positions: pd.DataFrame, names: dict[str, str], comparison: Comparison
) -> pd.DataFrame:
    """Stance per area (rows: ``names``) and side × period (columns), from each side's principal
    actor.

    Where a position moved within a period, the cell holds the latest stretch's stance. Columns
    that no position fills (a side or period filtered out) are dropped.
    """
    base = latest_positions(principal_positions(positions, comparison))
    columns = stance_columns(comparison)
    matrix = pd.DataFrame(index=list(names.values()), columns=columns, dtype="Float64")
    for row in base[base["area_id"].isin(names)].itertuples(index=False):
        matrix.loc[names[row.area_id], stance_column(comparison, row.side, row.period)] = row.stance
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
    positions: pd.DataFrame, outcomes: pd.DataFrame, names: dict[str, str], comparison: Comparison
) -> pd.DataFrame:
    """One row per area and period: each side's position (``<side>_position``), what happened
    and its status.

    A position that moved within the period shows each dated stretch in turn (``stretches``).
    """
    base = stretches(principal_positions(positions, comparison))
    wide = base.pivot_table(
        index=["area_id", "period"],
        columns="side",
        values=["position", "stance", "source_ids"],
        aggfunc="first",
    )
    wide.columns = [f"{side}_{value}" for value, side in wide.columns]
    wide = wide.reset_index()
    wide = _with_columns(
        wide,
        [f"{s}_{v}" for s in comparison.side_ids for v in ("position", "stance", "source_ids")],
    )
    table = wide.merge(
        outcomes[["area_id", "period", "outcome", "status", "alignment", "source_ids"]],
        on=["area_id", "period"],
        how="outer",
        validate="one_to_one",
    ).merge(
        _other_actors(positions, comparison),
        on=["area_id", "period"],
        how="left",
        validate="one_to_one",
    )
    table = table[table["area_id"].isin(names)]
    table["area"] = table["area_id"].map(names)
    table["period_name"] = table["period"].map(comparison.period_names)
    order = {
        **{area: i for i, area in enumerate(names)},
        **{p: i for i, p in enumerate(comparison.period_ids)},
    }
    table = table.sort_values(["period", "area_id"], key=lambda s: s.map(order))
    return table.reset_index(drop=True)


def _other_actors(positions: pd.DataFrame, comparison: Comparison) -> pd.DataFrame:
    """Per area and period, the positions of the sides' other voices (a parliament acting
    apart), each named."""
    other = positions[~positions["actor"].isin(comparison.principals)]
    labelled = other.assign(
        text=other["actor"].map(comparison.actor_names) + ": " + other["position"],
    )
    grouped = labelled.groupby(["area_id", "period"], observed=True)
    return grouped.agg(
        other_positions=("text", "\n".join), other_source_ids=("source_ids", ";".join)
    ).reset_index()


def comparison_tables(comparison: Comparison) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sides with the actors of each, and the periods with their dates, for readers."""
    roles = {"principal": "its voice", "stating": "also states positions", "acting": "in events"}
    sides = pd.DataFrame(
        {
            "Side": [s.name for s in comparison.sides],
            "Actors": [
                "; ".join(
                    f"{a.name} ({roles[a.role]})" for a in comparison.actors if a.side == s.id
                )
                for s in comparison.sides
            ],
        }
    )
    periods = pd.DataFrame(
        {
            "Period": [p.name for p in comparison.periods],
            "From": [p.start.isoformat() for p in comparison.periods],
            "To": [p.end.isoformat() if p.end else "still running" for p in comparison.periods],
            "Positions recorded": [
                "yes" if p.compared else "no: events only" for p in comparison.periods
            ],
        }
    )
    return sides, periods


def signed(value: object) -> str:
    """A whole number as a reader reads it: "+1", "0", "−2" (a real minus), "—" when missing."""
    if pd.isna(value):
        return NO_VALUE
    return f"{int(value):+d}".replace("-", "−") if value else "0"


def change_label(change: object) -> str:
    """A stance change in words a reader cannot misread: "+1", "−2", "no change", "—"."""
    return "no change" if not pd.isna(change) and change == 0 else signed(change)


def period_changes(
    positions: pd.DataFrame,
    names: dict[str, str],
    comparison: Comparison,
    periods: tuple[str, str],
) -> pd.DataFrame:
    """Per area and side: stance and position in two periods (``stance_from``, ``stance_to``,
    ``position_from``, ``position_to``) and the change from the first to the second."""
    first, second = periods
    base = latest_positions(principal_positions(positions, comparison))
    base = base[base["period"].isin(periods)]
    wide = base.pivot_table(
        index=["area_id", "side"], columns="period", values=["stance", "position"], aggfunc="first"
    )
    ends = {first: "from", second: "to"}
    wide.columns = [f"{value}_{ends[period]}" for value, period in wide.columns]
    wide = wide.reset_index()
    wide = _with_columns(wide, [f"{v}_{e}" for e in ("from", "to") for v in ("stance", "position")])
    wide["change"] = wide["stance_to"].astype("Float64") - wide["stance_from"].astype("Float64")
    wide["change_label"] = wide["change"].map(change_label)
    wide = wide[wide["area_id"].isin(names)]
    order = {
        **{a: i for i, a in enumerate(names)},
        **{s: i for i, s in enumerate(comparison.side_ids)},
    }
    wide = wide.sort_values(["area_id", "side"], key=lambda column: column.map(order))
    wide["area"] = wide["area_id"].map(names)
    wide["side_name"] = wide["side"].map(comparison.side_names)
    return wide.reset_index(drop=True)


def alignment_overview(
    outcomes: pd.DataFrame, names: dict[str, str], comparison: Comparison
) -> pd.DataFrame:
    """Alignment and status per area (rows) and period (columns, in the periods' order) as text."""
    table = outcomes.assign(area=outcomes["area_id"].map(names))
    table["label"] = table["alignment"] + " (" + table["status"] + ")"
    wide = table.pivot_table(index="area", columns="period", values="label", aggfunc="first")
    wide = wide.reindex([n for n in names.values() if n in wide.index])
    wide = wide[[p for p in comparison.period_ids if p in wide.columns]]
    wide.columns = [comparison.period_names[p] for p in wide.columns]
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
    events: pd.DataFrame, monthly: pd.DataFrame | None, names: dict[str, str], max_points: int
) -> pd.DataFrame:
    """Events as points, or, past ``max_points``, one point per area and month (``monthly``:
    the engine's per area and month sums, ``Store.area_month``).

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
    grouped = monthly.assign(area=monthly["area_id"].map(names)).groupby(
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


def view_summary(dataset: Dataset, store: Store, filters: Filters) -> dict[str, object]:
    """The overview's counts under the filters, beside the whole dataset's (of the feed the
    filters choose, where the dataset holds machine-coded events)."""
    tables = curated_tables(dataset, filters)
    sources, primary = store.cited_counts(filters, also=curated_citations(tables))
    count, first, last = store.span(filters)
    feed = Filters(provenance=filters.provenance)
    return {
        "events": count,
        "all_events": store.count(feed) if store.machine_coded else store.total,
        "areas": int((tables["areas"]["area_id"] != UNASSIGNED).sum()),  # not the import's bucket
        "countries": tables["impacts"]["country"].nunique(),
        "sources": sources,
        "primary_sources": primary,
        "first_date": first.date() if first is not None else None,
        "last_date": last.date() if last is not None else None,
        "updated": dataset.meta.get("updated", ""),
        "version": dataset.meta.get("version", ""),
    }


def ids_in(cells: pd.Series) -> tuple[str, ...]:
    """The distinct ids named in ';'-separated cells, in order of first mention."""
    return tuple(dict.fromkeys(i for cell in cells.dropna() for i in str(cell).split(";") if i))


def cited_sources(cells: list[pd.Series], sources: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``sources`` cited by any ';'-separated cell of the given columns."""
    ids: set[str] = set()
    for series in cells:
        for cell in series.dropna().unique():
            ids.update(cell.split(";"))
    return sources[sources["source_id"].isin(ids)]


CURATED = ("positions", "outcomes", "impacts", "commitments")
EXPORTED = ("events", *CURATED)  # the tables the filters reach in an export


def filtered_tables(dataset: Dataset, store: Store, filters: Filters) -> dict[str, pd.DataFrame]:
    """Every table under the filters (for exports): events newest first, sources those the
    rows and the events cite, by publisher and title."""
    tables = curated_tables(dataset, filters)
    sources = store.cited_sources(filters, also=curated_citations(tables))
    return {**tables, "sources": sources, "events": store.newest(filters)}


def curated_tables(dataset: Dataset, filters: Filters) -> dict[str, pd.DataFrame]:
    """The areas and the curated tables under the filters."""
    areas = dataset.areas
    if filters.areas:
        areas = areas[areas["area_id"].isin(filters.areas)]
    return {"areas": areas, **{name: filtered(dataset, name, filters) for name in CURATED}}


def curated_citations(tables: dict[str, pd.DataFrame]) -> set[str]:
    """The source ids the curated rows cite."""
    return {
        i for frame in tables.values() if "source_ids" in frame for i in ids_in(frame["source_ids"])
    }


def _names_of(cells: pd.Series, names: dict[str, str]) -> pd.Series:
    """';'-separated ids as a comma-separated list of their names (None where blank)."""

    def label(cell: object) -> str | None:
        if not isinstance(cell, str) or not cell:
            return None
        return ", ".join(names.get(i, i) for i in cell.split(";") if i)

    return cells.astype(object).map(label)


def readable(
    frame: pd.DataFrame, names: dict[str, str], sources: pd.DataFrame, comparison: Comparison
) -> pd.DataFrame:
    """A table as a reader sees it: names for ids, publishers for sources, no blank ``None``.

    Exports keep the ids; this is only for the screen.
    """
    publishers = dict(zip(sources["source_id"], sources["publisher"], strict=True))
    labels = {
        "area_id": names,
        "area_ids": names,
        "period": comparison.period_names,
        "side": comparison.side_names,
        "actor": comparison.actor_names,
        "actors": comparison.actor_names,
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
