"""The page edge: cached loading, the shared sidebar filters, and small rendering helpers.

Pages call ``context()`` and get the dataset, the event store and the active filters; they never
read files, and ask the store questions without knowing which engine answers. Data text is
shown with ``st.text`` or inside tables, never as Markdown or HTML.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import about, engine, export, figures, matrices, say_do, uploaded
from dashboard.data import (
    DataError,
    Dataset,
    data_dir_from_env,
    upload,
)
from dashboard.data.load import dataset_fingerprint
from dashboard.data.tables import STATUSES, TABLES
from dashboard.filters import (
    DEFAULT_ORIGIN,
    EVENT_ORIGINS,
    SEARCHED,
    Filters,
    active_filters,
    parse_query,
    with_page,
)

STATIC_URL = "app/static/"
PLOTLY_CONFIG = {
    "topojsonURL": STATIC_URL,
    "displaylogo": False,
    "responsive": True,
    # Fewer buttons: the toolbar then covers less of a phone-wide chart.
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "zoomIn2d", "zoomOut2d", "autoScale2d"],
}
DATA_TITLE = "the dashboard's dataset"  # when the data package names no title
ALL = "all"
# A page switch drops widget values the browser did not report in its rerun request (it can
# miss some under load: the soak lost "period" that way); "session" keeps the filters anyway.
PERSIST = "session"


@dataclass(frozen=True)
class Context:
    """What a page works from: the data, the filters, and the names of all and of shown areas."""

    dataset: Dataset
    store: engine.Store
    filters: Filters
    names: dict[str, str]
    shown: dict[str, str]

    @property
    def comparison(self):
        return self.dataset.comparison

    def readable(self, frame: pd.DataFrame) -> pd.DataFrame:
        cells = [frame["source_ids"]] if "source_ids" in frame else []
        return matrices.readable(frame, self.names, self.cited(cells), self.comparison)

    def cited(self, cells: list[pd.Series]) -> pd.DataFrame:
        """The sources the ';'-separated cells cite, by publisher and title (asked of the store:
        an imported dataset holds a source per article)."""
        return self.store.sources_of(i for series in cells for i in matrices.ids_in(series))


@st.cache_resource(
    show_spinner="Loading and checking the dataset…",
    max_entries=2,
    on_release=lambda loaded: loaded[1] and loaded[1].close(),
)
def _load(directory: str, version: str) -> tuple[Dataset | None, engine.Store | None, list]:
    """The checked dataset and its event store, shared read-only by every session.

    ``st.cache_resource``: one engine per dataset version (a fingerprint of its files), built
    once with its derived tables.
    """
    return engine.open_dataset(Path(directory), version)


# Any period will do: the fragment exists for its side effect on reconnection (see below), and
# its timer also runs it once a day, cheaply. Under 2**31 ms, where browsers' timers overflow.
RECONNECT_RERUN_PERIOD_S = 86_400


@st.fragment(run_every=RECONNECT_RERUN_PERIOD_S)
def rerun_on_reconnect() -> None:
    """Make the browser rerun the page whenever its websocket reconnects.

    Since Streamlit 1.37 the browser reruns on reconnection only if a run was cut off or an
    auto-rerunning fragment is on the page; otherwise it expects the server to have kept its
    session. Behind the proxy a session whose replica died reconnects to another replica that
    has never seen it: without a rerun, that replica holds an empty session under a page that
    still shows the old run, and the reader's next change reaches a session with no state,
    whose first run takes the filters from the URL and so undoes that change. This empty
    fragment with a timer makes every reconnection a full rerun, which rebuilds the session
    from the URL at once.
    """


def load() -> tuple[Dataset | None, engine.Store | None, list[DataError], Path]:
    """The dataset this session explores: the reader's own upload, or the configured one."""
    own = uploaded.load()
    if own is not None:
        return own
    directory = data_dir_from_env()
    version = dataset_fingerprint(directory) if directory.is_dir() else ""
    dataset, store, errors = _load(str(directory), version)
    return dataset, store, errors, directory


def error_page(errors: list[DataError], directory: Path) -> None:
    """The dataset could not be loaded: say where and why, with every problem listed."""
    st.title("The dataset could not be loaded")
    st.text(str(directory))
    problems_table(
        errors,
        f"{len(errors)} problem(s) were found in the dataset directory above. "
        "Nothing was changed on disk; fix the files and reload this page.",
    )


def problems_table(errors: list[DataError], summary: str) -> None:
    """Every problem of a dataset as a table of file, row, column and problem, and as text."""
    st.error(summary)
    problems = pd.DataFrame(
        [(e.file, str(e.row), e.column, e.message) for e in errors],
        columns=["file", "row", "column", "problem"],
    )
    grid(problems)
    st.text("\n".join(str(e) for e in errors))


def template_download() -> None:
    """The zip a reader starts a dataset of their own from (``dashboard.data.upload``)."""
    st.download_button(
        "Download the template (zip)",
        data=upload.template_zip,
        file_name="dataset-template.zip",
        mime="application/zip",
        key="template_zip",
        on_click="ignore",
    )


def _date_bounds() -> tuple[dt.date, dt.date]:
    """The event dates a reader may choose: from the first period's start to today."""
    dataset, *_ = load()
    return dataset.comparison.earliest, dt.date.today()


def _init_widgets(filters: Filters) -> None:
    earliest, today = _date_bounds()
    state = st.session_state
    state.f_areas = list(filters.areas)
    state.f_side = filters.side or ALL
    state.f_period = filters.period or ALL
    state.f_dates = (filters.start or earliest, filters.end or today)
    state.f_status = list(filters.statuses)
    state.f_search = filters.search
    state.f_provenance = filters.provenance
    state.page_params = dict(filters.page)


def _filters_from_widgets(earliest: dt.date, today: dt.date) -> Filters:
    state = st.session_state
    dates = tuple(state.f_dates) if isinstance(state.f_dates, list | tuple) else ()
    start = dates[0] if dates and dates[0] != earliest else None
    end = dates[1] if len(dates) == 2 and dates[1] != today else None
    return Filters(
        areas=tuple(state.f_areas),
        side=None if state.f_side == ALL else state.f_side,
        period=None if state.f_period == ALL else state.f_period,
        start=start,
        end=end,
        statuses=tuple(state.f_status),
        search=state.f_search.strip(),
        provenance=state.get("f_provenance", DEFAULT_ORIGIN),
        page=dict(state.get("page_params", {})),
    )


def sidebar(dataset: Dataset, pages: dict, machine_coded: bool = False) -> Filters:
    """Page links and the shared filters; on a session's first run the filters come from the URL.

    The page links are drawn after the filters are known (in a container above them), so each
    link carries the current filters: moving between pages keeps the view and its shareable URL.
    "Events from" is offered only where the dataset holds machine-coded events.
    """
    today = dt.date.today()
    comparison = dataset.comparison
    earliest = comparison.earliest
    if "f_areas" not in st.session_state:
        params = {key: st.query_params.get_all(key) for key in st.query_params}
        filters, notices = parse_query(params, list(dataset.areas.area_id), comparison)
        if filters.provenance != DEFAULT_ORIGIN and not machine_coded:
            notices.append("This dataset has no machine-coded events: 'provenance' was ignored.")
            filters = replace(filters, provenance=DEFAULT_ORIGIN)
        _init_widgets(filters)
        st.session_state.notices = notices
    names = matrices.area_names(dataset)
    links = st.sidebar.container()
    with st.sidebar:
        st.header("Filters")
        st.multiselect(
            "Policy areas",
            list(names),
            format_func=names.get,
            key="f_areas",
            persist_state=PERSIST,
            placeholder="All areas",
        )
        sides = comparison.side_names
        every_side = "Both" if len(sides) == 2 else "All sides"
        st.radio(
            "Side",
            [ALL, *sides],
            format_func=lambda s: inert(sides.get(s, every_side)),  # radio labels: Markdown
            key="f_side",
            persist_state=PERSIST,
            horizontal=True,
        )
        st.selectbox(
            "Period",
            [ALL, *comparison.period_ids],
            format_func=lambda p: comparison.period_names.get(p, "All periods"),
            key="f_period",
            persist_state=PERSIST,
        )
        st.date_input(
            "Event dates",
            min_value=earliest,
            max_value=today,
            key="f_dates",
            persist_state=PERSIST,
            format="YYYY-MM-DD",
        )
        st.multiselect(
            "Outcome status",
            list(STATUSES),
            key="f_status",
            placeholder="Any status",
            persist_state=PERSIST,
        )
        if machine_coded:
            st.radio(
                "Events from",
                list(EVENT_ORIGINS),
                format_func=EVENT_ORIGINS.get,
                key="f_provenance",
                persist_state=PERSIST,
                help="Curated: the hand-checked record. GDELT: events machine-coded from news "
                "reports, imported with python -m dashboard import-gdelt. The two are never "
                "mixed unless you choose Both.",
            )
        st.text_input(
            "Search text",
            key="f_search",
            max_chars=200,
            placeholder="e.g. sanctions",
            persist_state=PERSIST,
            help=f"Searches the {SEARCHED}. A row matches when it holds every word; put a "
            'phrase in quotes to keep it together ("New START"). Press Enter to apply.',
        )
        st.button("Reset filters", on_click=_init_widgets, args=(Filters(),))
    filters = _filters_from_widgets(earliest, today)
    sync_url(filters)
    with links:
        for page, label in pages.items():
            st.page_link(page, label=label, query_params=filters.to_query())
        st.divider()
    return filters


def sync_url(filters: Filters) -> None:
    query = {**filters.to_query(), **filters.page}
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def set_page_param(key: str, value: str | None) -> Filters:
    """Record a page-level choice (region, selected country…) in the state and the URL."""
    filters = with_page(st.session_state.filters, **{key: value})
    st.session_state.page_params = dict(filters.page)
    st.session_state.filters = filters
    sync_url(filters)
    return filters


def show_notices() -> None:
    for notice in st.session_state.pop("notices", []):
        st.warning(notice)


def context() -> Context:
    """What every page needs; app.py has already loaded the data and drawn the sidebar."""
    dataset, store, _, _ = load()
    filters = st.session_state.filters
    names = matrices.area_names(dataset)
    return Context(dataset, store, filters, names, matrices.shown_areas(names, filters))


def dataset_version() -> str:
    """The loaded dataset's version, for file names ("" when it states none)."""
    dataset, *_ = load()
    return str(dataset.meta.get("version", "")) if dataset else ""


def download_csv(
    frame: pd.DataFrame | Callable[[], pd.DataFrame],
    table: str,
    filters: Filters,
    key: str,
    rows: int | None = None,
) -> None:
    """A CSV download of ``frame``; a callable is only run when the button is pressed."""
    rows = len(frame) if rows is None else rows
    st.download_button(
        f"Download {table} as CSV ({plural(rows, 'row')})",
        data=lambda: export.csv_bytes(frame() if callable(frame) else frame),
        file_name=export.file_name(table, filters.describe(), version=dataset_version()),
        mime="text/csv",
        key=key,
        on_click="ignore",
    )


def grid(frame: pd.DataFrame, **kwargs):
    """A data grid as every page shows one: full width, no index, "—" where a value is missing."""
    return st.dataframe(frame, hide_index=True, width="stretch", placeholder="—", **kwargs)


def chart(figure, key: str, title: str | None = None, **kwargs):
    """A plotly chart; with ``title``, a credit line in it and its PNG named after it."""
    config = PLOTLY_CONFIG
    if title:
        dataset, *_ = load()
        data_title = (dataset.meta.get("title") if dataset else None) or DATA_TITLE
        figure = figures.with_credit(figure, title, str(data_title))
        filters = st.session_state.get("filters") or Filters()
        name = export.file_name(
            title.lower(), filters.describe(), "png", dataset_version()
        ).removesuffix(".png")
        config = {**PLOTLY_CONFIG, "toImageButtonOptions": {"filename": name, "scale": 2}}
    return st.plotly_chart(figure, config=config, key=key, **kwargs)


def clickable_chart(figure, key: str, title: str):
    """A chart whose clicked point reruns the page and comes back as its selection."""
    return chart(figure, key, title=title, on_select="rerun", selection_mode="points")


MARKDOWN_SIGNS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")


def inert(text: str) -> str:
    """Data text for a Markdown-rendering element (a title, a caption): every sign that Markdown,
    emoji codes or LaTeX would read is escaped, so the text shows as written."""
    return MARKDOWN_SIGNS.sub(r"\\\1", text)


def filter_caption(ctx: Context, tables: tuple[str, ...]) -> None:
    """Under a page title: which filters are in force for the tables the page shows (area,
    side and period names and the search are data: shown inert)."""
    st.caption(inert(active_filters(ctx.filters, ctx.names, tables, ctx.comparison)))


def empty_state(what: str, section: str = "") -> None:
    """Say plainly that nothing matches, and offer to reset the filters (``section`` tells two
    empty sections of one page apart)."""
    st.info(f"No {what} match the current filters.")
    st.button(
        "Reset filters",
        key=f"reset_{what}_{section}",
        on_click=_init_widgets,
        args=(Filters(),),
    )


IRREGULAR_PLURALS = {"country": "countries"}


def plural(count: int, word: str) -> str:
    """ "1 row", "2 rows", "3 countries"."""
    return f"{count:,} " + (word if count == 1 else IRREGULAR_PLURALS.get(word, word + "s"))


def selected_points(state) -> list[dict]:
    """Points a user clicked or selected on a chart drawn with ``on_select="rerun"``."""
    try:
        return list(state["selection"]["points"])
    except (KeyError, TypeError):
        return []


def new_click(chart_state, key: str, fields: tuple[str, ...] = ("location",)) -> tuple | None:
    """The clicked point's ``fields`` (as text), only on the rerun in which the click changed.

    A chart keeps its selection across reruns; reporting it only once lets a reader's later
    choice in a box stand, and lets the newest click win when two charts feed one choice.
    """
    points = selected_points(chart_state)
    point = tuple(str(points[0].get(f)) for f in fields) if points else None
    return point if _changed(key, point) else None


def new_cell_click(chart_state, key: str) -> tuple[str, str] | None:
    """The (row, column) of a newly clicked heatmap cell (``figures.clickable_cells``)."""
    points = selected_points(chart_state)
    cell = figures.cell_of(points[0]) if points else None
    return cell if _changed(key, cell) else None


def _changed(key: str, click) -> bool:
    """Whether a chart's click differs from the one seen on the previous rerun."""
    last = st.session_state.get(f"{key}_last_click")
    st.session_state[f"{key}_last_click"] = click
    return click != last


def sources_table(sources: pd.DataFrame, key: str) -> None:
    grid(
        sources[["title", "publisher", "published", "kind", "url"]],
        key=key,
        column_config={
            "title": st.column_config.TextColumn("Title", width="large"),
            "publisher": "Publisher",
            "published": st.column_config.DateColumn("Published", format="YYYY-MM-DD"),
            "kind": "Kind",
            "url": st.column_config.LinkColumn("Link"),
        },
    )


def sources_on_demand(sources: pd.DataFrame, label: str, key: str) -> None:
    """The sources table in an expander, drawn only once the reader opens it: a table the
    browser redraws on every filter change costs about 70 ms (make bench, Compare)."""
    box = st.expander(f"{label} ({len(sources):,})", key=f"{key}_open", on_change="rerun")
    if box.open:
        with box:
            sources_table(sources, key)


def citation(dataset: Dataset) -> str:
    """The citation, with the address this reader is looking at."""
    return about.citation(dataset.meta, url=st.context.url or "")


def documents(dataset: Dataset, filters: Filters) -> dict[str, str]:
    """The texts that travel with every zip export."""
    names = matrices.area_names(dataset)
    filters_line = active_filters(filters, names, matrices.EXPORTED, dataset.comparison)
    readme = about.zip_readme(dataset.meta, filters_line)
    return {
        "README.txt": readme,
        "LICENCE-data.txt": about.DATA_LICENCE,
        "CITATION.txt": citation(dataset),
    }


COLUMN_LABELS = {
    "area_id": "Area",
    "area_ids": "Areas",
    "source_ids": "Sources",
    "goldstein": "Score",
    "quad_class": "CAMEO class",
    "key_moment": "Key moment",
    "date_precision": "Date precision",
    "stated_from": "Stated from",
    "stated_to": "Stated to",
    "provenance": "From",
    "provenance_id": "Feed id",
}


def column_label(name: str) -> str:
    return COLUMN_LABELS.get(name) or name.replace("_", " ").capitalize()


def column_config(table: str) -> dict:
    """How each table's columns are shown: human labels, dates as dates, URLs as links."""
    wide = {"scope", "position", "outcome", "description", "effect", "title"}
    config: dict = {}
    for column in TABLES[table].columns:
        label, about_it = column_label(column.name), column.description
        if column.kind == "url":
            config[column.name] = st.column_config.LinkColumn(label, help=about_it)
        elif column.kind == "date":
            config[column.name] = st.column_config.DateColumn(
                label, format="YYYY-MM-DD", help=about_it
            )
        else:
            config[column.name] = st.column_config.Column(
                label, help=about_it, width="large" if column.name in wide else None
            )
    return config


EVENT_LIST_LIMIT = 500


EVENT_COLUMNS = {
    "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
    "title": st.column_config.TextColumn("Event", width="medium"),
    "description": st.column_config.TextColumn("Description", width="large"),
    "area_ids": "Areas",
    "goldstein": st.column_config.NumberColumn("Score", format="%+.1f"),
    "source_ids": st.column_config.TextColumn("Sources (links below)"),
}


def events_table(
    ctx: Context, what: str, key: str, only: engine.Only = engine.ANYWHERE
) -> pd.DataFrame:
    """The newest events behind a selection, with a count of all of them; returns those shown."""
    events = ctx.store.newest(ctx.filters, EVENT_LIST_LIMIT, only=only)
    count = len(events) if len(events) < EVENT_LIST_LIMIT else ctx.store.count(ctx.filters, only)
    st.caption(f"{plural(count, 'event')} {what} under the current filters (newest first).")
    if count:
        grid(
            ctx.readable(events[list(EVENT_COLUMNS)]),
            key=key,
            column_config=EVENT_COLUMNS,
        )
    return events


PAGE_SIZE = 1000  # rows of a long table shown at once


def page_start(rows: int, key: str) -> int:
    """A page number box where ``rows`` need more than one page; the first row of the page."""
    pages = max(1, math.ceil(rows / PAGE_SIZE))
    if pages == 1:
        return 0
    page = st.number_input(f"Page (of {pages:,}, {PAGE_SIZE:,} rows each)", 1, pages, 1, key=key)
    return (page - 1) * PAGE_SIZE


def page_choice(label: str, options: dict[str, str], param: str, key: str) -> str:
    """A segmented choice kept in the URL parameter ``param``; the first option is the default."""
    default = next(iter(options))
    current = st.session_state.filters.page.get(param, default)
    if current not in options:
        st.warning(f"Unknown {label.lower()} in the link was ignored; showing {options[default]}.")
        current = default
    chosen = (
        st.segmented_control(
            label, list(options), format_func=options.get, default=current, key=key
        )
        or default
    )
    if chosen != st.session_state.filters.page.get(param, default):
        set_page_param(param, None if chosen == default else chosen)
    return chosen


TREND_UNITS = {"week": "Weekly", "month": "Monthly"}
TREND_MOMENTS = 40  # curated key moments marked on the trend


def gdelt_trend(ctx: Context, key: str) -> None:
    """The machine-coded layer as a weekly or monthly trend, key moments marked; nothing where
    the dataset has no machine-coded events."""
    if not ctx.store.machine_coded:
        return
    st.subheader("Machine-coded events (GDELT): the trend between the key moments")
    unit = page_choice("Trend by", TREND_UNITS, "trend", key=f"{key}_unit")
    trend = ctx.store.trend(ctx.filters, unit)
    curated = replace(ctx.filters, provenance=DEFAULT_ORIGIN)
    moments = ctx.store.key_moments(curated, TREND_MOMENTS)
    st.caption(
        f"{plural(int(trend['events'].sum()), 'machine-coded event')} under the other filters, "
        f"per {unit} and CAMEO quad class: how many (top) and their mean cooperation–conflict "
        "score (below). Dashed lines number the curated key moments, oldest first. GDELT codes "
        "news reports by machine: counts follow press attention and hold duplicates (see "
        "Sources & methodology)."
    )
    chart(figures.gdelt_trend(trend, moments, unit), f"{key}_chart", title="GDELT trend")
    if not moments.empty:
        grid(
            moments.assign(number=range(1, len(moments) + 1))[["number", "date", "title"]],
            key=f"{key}_moments",
            column_config={
                "number": st.column_config.NumberColumn("#", width="small"),
                "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
                "title": st.column_config.TextColumn("Key moment", width="large"),
            },
        )


def commitments_link(commitments: pd.DataFrame, area: str, side: str, period: str) -> None:
    """A link to the Say vs do page's cell for this area, side and period, where it has rows."""
    count = len(say_do.in_cell(commitments, area, side, period))
    if count:
        st.page_link(
            "views/say_do.py",
            label=f"{plural(count, 'commitment')}: what was said and done",
            icon=":material/fact_check:",
            query_params={**st.session_state.filters.to_query(), "cell": f"{area}|{side}|{period}"},
        )


def clicked_events(chart_state, key: str) -> list[str]:
    """Event ids of the marks clicked on the timeline, only on the rerun where they changed."""
    ids = [
        str(point["customdata"][2])
        for point in selected_points(chart_state)
        if len(point.get("customdata") or []) > 2 and point["customdata"][2]
    ]
    return ids if _changed(key, ids) else []


def linked_choice(
    label: str,
    options: list[str],
    param: str,
    key: str,
    clicked: str | None = None,
    format_func=str,
    required: bool = True,
) -> str | None:
    """A selectbox kept in the URL parameter ``param``; a new click on a chart selects too.

    The first option (or nothing, when not ``required``) is the default and stays out of the
    URL. A chart keeps its selection across reruns, so only a click that differs from the last
    one applied overrides what the reader picked in the box since.
    """
    state = st.session_state
    default = options[0] if required and options else None
    if clicked in options and clicked != state.get(f"{key}_clicked"):
        state[f"{key}_clicked"] = state[key] = clicked
    elif state.get(key) not in options:
        linked = state.filters.page.get(param)
        state[key] = linked if linked in options else default
    chosen = st.selectbox(
        label,
        options,
        format_func=format_func,
        key=key,
        placeholder=f"Choose {'an' if label[0] in 'AEIOU' else 'a'} {label.lower()}",
    )
    if chosen != state.filters.page.get(param, default):
        set_page_param(param, None if chosen == default else chosen)
    return chosen
