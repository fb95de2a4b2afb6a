"""The questions pages ask about events, as Ibis expressions: a table expression in, one out.

Nothing here knows which engine answers: ``dashboard.engine.Store`` binds the tables and runs
the expressions at the edge (``.to_pandas()``), on DuckDB or on Spark alike. Multi-valued cells
(``"ukraine;arms_control"``) are matched as ``";" + cell + ";"`` holding ``";ukraine;"``, and
unnested for the daily cube.

    >>> matching(events, Filters(areas=("ukraine",)), cells=set())  # doctest: +SKIP
    >>> newest(matching(events, filters, cells), 10)  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable

import ibis
import ibis.expr.types as ir

from dashboard.data.comparison import Comparison, Period
from dashboard.data.tables import TABLES
from dashboard.filters import BOTH, Filters, search_terms

EVENT_TEXT = ("title", "description")
IBIS_TYPES = {
    "id": "string",
    "text": "string",
    "url": "string",
    "date": "date",
    "int": "int64",
    "float": "float64",
    "bool": "boolean",
}
EVENT_COLUMNS = [c.name for c in TABLES["events"].columns]
OPTIONAL_COLUMNS = [c.name for c in TABLES["events"].optional_columns]
CURATED_COLUMNS = [c for c in EVENT_COLUMNS if c not in OPTIONAL_COLUMNS]
SOURCE_COLUMNS = [c.name for c in TABLES["sources"].columns]
TREND_UNITS = {"week": "W", "month": "M"}
Cell = tuple[str, str]  # (area_id, period)


def _any(conditions: Iterable[ir.BooleanValue]) -> ir.BooleanValue:
    """OR of the conditions; false when there are none."""
    return functools.reduce(operator.or_, conditions, ibis.literal(False))


def holds(cells: ir.StringValue, item: str) -> ir.BooleanValue:
    """Whether a ';'-separated cell lists ``item`` (blank cells list nothing)."""
    return (ibis.literal(";") + cells.fill_null("") + ibis.literal(";")).contains(f";{item};")


def holds_any(cells: ir.StringValue, items: Iterable[str]) -> ir.BooleanValue:
    return _any(holds(cells, item) for item in items)


def period_of(date: ir.DateValue, periods: Iterable[Period]) -> ir.StringValue:
    """The declared period a date falls in; null between periods."""
    cases = [
        (
            (date >= ibis.date(p.start)) & (date <= ibis.date(p.end))
            if p.end
            else date >= ibis.date(p.start),
            p.id,
        )
        for p in periods
    ]
    return ibis.cases(*cases, else_=ibis.null("string")) if cases else ibis.null("string")


def side_flag(comparison: Comparison, side: str) -> str:
    """The daily cube's column that flags the events of a side (by its place: ids are data)."""
    return f"side_{comparison.side_ids.index(side)}"


def normalized(raw: ir.Table, periods: Iterable[Period], table: str = "events") -> ir.Table:
    """A table (events or sources) with its declared types, whatever types the file kept, and
    the events with their period.

    CSV tables arrive typed by the loader; Parquet may keep dates or flags as text: the casts
    make both alike, a blank date that may be blank reading as none. An optional column the
    file lacks reads as its default.
    """

    def value(c):
        if c.name not in raw.columns:
            return ibis.literal(c.default, type="string")
        if c.kind == "date" and not c.required:
            return raw[c.name].cast("string").strip().nullif("")
        return raw[c.name]

    columns = {
        c.name: value(c).cast(IBIS_TYPES[c.kind]).name(c.name) for c in TABLES[table].columns
    }
    shaped = raw.select(**columns)
    if table != "events":
        return shaped
    return shaped.mutate(period=period_of(columns["date"], periods))


def area_cells(filters: Filters, cells: set[Cell]) -> list[Cell] | None:
    """The (area, period) cells an event may pass through; None: any area in any period.

    ``cells`` are the area × period cells whose outcome has a chosen status. Without a status
    filter an event passes through a chosen area in any period (period ``""``).
    """
    if filters.statuses:
        return sorted(c for c in cells if not filters.areas or c[0] in filters.areas)
    if filters.areas:
        return [(area, "") for area in filters.areas]
    return None


def _in_cells(area: ir.BooleanValue, period: ir.StringValue, terms) -> ir.BooleanValue:
    return _any(area(a) & (period == p) if p else area(a) for a, p in terms)


def _common(table: ir.Table, filters: Filters) -> list[ir.BooleanValue]:
    """Provenance, period and date conditions, shared by events and the cube."""
    conditions = []
    if filters.provenance != BOTH:
        conditions.append(table.provenance == filters.provenance)
    if filters.period:
        conditions.append(table.period == filters.period)
    if filters.start:
        conditions.append(table.date >= ibis.date(filters.start))
    if filters.end:
        conditions.append(table.date <= ibis.date(filters.end))
    return conditions


def text_match(table: ir.Table, columns: Iterable[str], search: str) -> list[ir.BooleanValue]:
    """One condition per word or quoted phrase: held by one of ``columns``, any case."""
    return terms_match(table, columns, search_terms(search))


def terms_match(
    table: ir.Table, columns: Iterable[str], terms: Iterable[str]
) -> list[ir.BooleanValue]:
    """One condition per search term (see ``filters.search_terms``)."""
    columns = list(columns)
    return [_any(table[c].fill_null("").lower().contains(term) for c in columns) for term in terms]


def matching(
    events: ir.Table,
    filters: Filters,
    cells: set[Cell],
    comparison: Comparison,
    area: str | None = None,
    country: str | None = None,
    year: int | None = None,
    key_moments: bool = False,
    event_ids: tuple[str, ...] = (),
) -> ir.Table:
    """The events that match every filter, and an area, a country, a year or ids when given."""
    conditions = _common(events, filters)
    if filters.side:
        conditions.append(holds_any(events.actors, comparison.actors_of(filters.side)))
    terms = area_cells(filters, cells)
    if terms is not None:
        conditions.append(_in_cells(lambda a: holds(events.area_ids, a), events.period, terms))
    if area:
        conditions.append(holds(events.area_ids, area))
    if country:
        conditions.append(holds(events.countries, country))
    if year:
        conditions.append(events.date.year() == year)
    if key_moments:
        conditions.append(events.key_moment.fill_null(False))
    if event_ids:
        conditions.append(events.event_id.isin(list(event_ids)))
    conditions += text_match(events, EVENT_TEXT, filters.search)
    return events.filter(*conditions) if conditions else events


NEWEST_FIRST = (ibis.desc("date"), ibis.asc("event_id"))


def newest(events: ir.Table, limit: int | None = None, offset: int = 0) -> ir.Table:
    """Newest first; events of one day by id, so every engine gives the same order."""
    return page(events, NEWEST_FIRST, limit, offset)


def page(table: ir.Table, order, limit: int | None = None, offset: int = 0) -> ir.Table:
    """``limit`` rows (all if None) from ``offset`` in ``order``, which must leave no ties.

    A page past the first is cut by row number over that order: Ibis's own ``offset`` on
    PySpark numbers rows over no order and leaks its number column.
    """
    if offset:
        position = ibis.row_number().over(order_by=order)
        numbered = table.mutate(_position=position)
        end = numbered._position < offset + limit if limit is not None else ibis.literal(True)
        rows = numbered.filter(numbered._position >= offset, end)
        return rows.order_by(order).drop("_position")
    ordered = table.order_by(order)
    return ordered.limit(limit) if limit is not None else ordered


CUBE_SUMS = ("events", "goldstein_sum")


def side_flags(events: ir.Table, comparison: Comparison) -> dict[str, ir.BooleanValue]:
    """Each side's flag column: whether an actor of that side took part in the event."""
    return {
        side_flag(comparison, side): holds_any(events.actors, comparison.actors_of(side))
        for side in comparison.side_ids
    }


def daily_cube(events: ir.Table, comparison: Comparison) -> ir.Table:
    """Per day, area (an event counts in each of its areas), side flags and provenance: count and
    score sum."""
    flags = side_flags(events, comparison)
    flagged = events.mutate(**flags, area_id=events.area_ids.split(";").unnest())
    return flagged.group_by(["date", "period", "area_id", *flags, "provenance"]).aggregate(
        events=flagged.count(), goldstein_sum=flagged.goldstein.sum()
    )


def _flagged(table: ir.Table, filters: Filters, comparison: Comparison) -> list[ir.BooleanValue]:
    """The provenance, period, date and side conditions on a table of side flags (a cube)."""
    conditions = _common(table, filters)
    if filters.side:
        conditions.append(table[side_flag(comparison, filters.side)])
    return conditions


def daily_totals(events: ir.Table, comparison: Comparison) -> ir.Table:
    """Per day, list of areas, side flags and provenance: how many events. Each event is
    counted once (under its whole list of areas, of which a feed has a few dozen kinds), so
    counts and date spans under any filter but a text search are read from it."""
    flags = side_flags(events, comparison)
    flagged = events.mutate(**flags)
    return flagged.group_by(["date", "period", "area_ids", *flags, "provenance"]).aggregate(
        events=flagged.count()
    )


def totals_span(
    totals: ir.Table, filters: Filters, cells: set[Cell], comparison: Comparison
) -> ir.Table:
    """One row: how many events the totals hold under the filters (not a text search, which
    needs each event's texts), and the first and last of their dates."""
    conditions = _flagged(totals, filters, comparison)
    terms = area_cells(filters, cells)
    if terms is not None:
        conditions.append(_in_cells(lambda a: holds(totals.area_ids, a), totals.period, terms))
    chosen = totals.filter(*conditions) if conditions else totals
    return chosen.aggregate(
        events=chosen.events.sum().fill_null(0),
        first_date=chosen.date.min(),
        last_date=chosen.date.max(),
    )


def key_moments(events: ir.Table) -> ir.Table:
    """The events marked as key moments: a few dozen, however many events there are."""
    return events.filter(events.key_moment.fill_null(False))


def cube_keys(cube: ir.Table) -> list[str]:
    """Day, period, area and side flags: the cube's columns but its sums and provenance."""
    return [c for c in cube.columns if c not in (*CUBE_SUMS, "provenance")]


def cube_by_day(cube: ir.Table) -> ir.Table:
    """The cube's rows summed over provenance: one row per day, area and side flags."""
    return cube.group_by(cube_keys(cube)).aggregate(
        events=cube.events.sum(), goldstein_sum=cube.goldstein_sum.sum()
    )


def fewest_per_day(cube: ir.Table) -> ir.Table:
    """Per day, the most events one row of the cube holds: no more than the day's matching events
    (an event counts in each of its areas, so the rows of a day cannot simply be added up)."""
    return cube.group_by("date").aggregate(fewest=cube.events.max())


def cube_matching(
    cube: ir.Table, filters: Filters, cells: set[Cell], comparison: Comparison
) -> ir.Table:
    """The cube's rows under the filters: only areas (and periods) an event passes through."""
    conditions = _flagged(cube, filters, comparison)
    terms = area_cells(filters, cells)
    if terms is not None:
        conditions.append(_in_cells(lambda a: cube.area_id == a, cube.period, terms))
    return cube.filter(*conditions) if conditions else cube


def filtered_cube(
    events: ir.Table, cube: ir.Table, filters: Filters, cells: set[Cell], comparison: Comparison
):
    """The daily cube under the filters: from the kept cube, or from the matching events when
    a search applies (the cube holds no text)."""
    if filters.search:
        cube = daily_cube(matching(events, filters, cells, comparison), comparison)
    return cube_matching(cube, filters, cells, comparison)


def _sums(table: ir.Table, keys: dict) -> ir.Table:
    grouped = table.group_by(**keys).aggregate(
        events=table.events.sum(), goldstein_sum=table.goldstein_sum.sum()
    )
    return grouped.order_by(list(keys))


def area_year(cube: ir.Table) -> ir.Table:
    """Events and score sums per area and year."""
    return _sums(cube, {"area_id": cube.area_id, "year": cube.date.year()})


def area_month(cube: ir.Table) -> ir.Table:
    """Events and score sums per area and month (``date``: the month's first day)."""
    return _sums(cube, {"area_id": cube.area_id, "date": cube.date.truncate("M")})


def span(events: ir.Table) -> ir.Table:
    """One row: how many events, the first and the last date."""
    return events.aggregate(
        events=events.count(), first_date=events.date.min(), last_date=events.date.max()
    )


def trend(events: ir.Table, unit: str) -> ir.Table:
    """Per week or month (``date``: its first day; weeks start on Monday) and quad class: how
    many events and their mean score."""
    period = events.date.truncate(TREND_UNITS[unit]).name("date")
    grouped = events.group_by([period, "quad_class"]).aggregate(
        events=events.count(), goldstein_mean=events.goldstein.mean()
    )
    return grouped.order_by(["date", "quad_class"])


def curated(events: ir.Table) -> ir.Table:
    """The curated events (hand-checked, not imported from a feed)."""
    return events.filter(events.provenance == "curated")


def machine_coded(events: ir.Table) -> ir.IntegerScalar:
    """How many events are not curated (imported from a machine-coded feed)."""
    return events.filter(events.provenance != "curated").count()


# --- the sources they cite -------------------------------------------------------------------

SOURCE_ORDER = (ibis.asc("publisher"), ibis.asc("title"), ibis.asc("source_id"))


def sources_among(sources: ir.Table, ids: Iterable[str]) -> ir.Table:
    """The sources with these ids."""
    return sources.filter(sources.source_id.isin(sorted(ids)))


def ordered_sources(sources: ir.Table) -> ir.Table:
    """By publisher and title (as the Sources page lists them), ties by id."""
    return sources.order_by(SOURCE_ORDER)


def cited_ids(events: ir.Table) -> ir.Table:
    """The distinct source ids the events cite (a column ``source_id``).

    Many events cite the same list of sources: each distinct list is split once (at 10,000,000
    synthetic events, 24 ms instead of 130 for splitting every event's list).
    """
    lists = events.select("source_ids").distinct()
    return lists.select(source_id=lists.source_ids.split(";").unnest()).distinct()


def cited_sources(sources: ir.Table, events: ir.Table, also: set[str]) -> ir.Table:
    """The sources the events cite, and those with an id in ``also``."""
    cited = sources.source_id.isin(cited_ids(events).source_id)
    if also:
        cited = cited | sources.source_id.isin(sorted(also))
    return sources.filter(cited)


def source_counts(sources: ir.Table) -> ir.Table:
    """One row: how many sources, and how many of them primary."""
    return sources.aggregate(
        sources=sources.count(), primary=(sources.kind == "primary").ifelse(1, 0).sum()
    )
