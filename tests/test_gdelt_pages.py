"""The machine-coded layer in the dashboard: "Events from", the trend, the Data page.

On a dataset built by the importer, and on the shipped one, which must look as it always did.
"""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import figures, ui
from dashboard.data import load_dataset
from dashboard.engine import EngineConfig, Store
from dashboard.filters import Filters, parse_query
from tests.conftest import as_read
from tests.shipped_comparison import comparison
from tests.test_pages import APP, assert_clean, open_app, plotly_charts


@pytest.fixture()
def on_gdelt(gdelt_dir, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(gdelt_dir))
    return gdelt_dir


@pytest.fixture(scope="module")
def gdelt_store(gdelt_dir):
    return Store.for_dataset(EngineConfig(), load_dataset(gdelt_dir), gdelt_dir, "gdelt_pages")


@pytest.fixture(scope="module")
def gdelt_rows(gdelt_dir) -> pd.DataFrame:
    """The imported events as plain pandas read them, for the references below."""
    events = pd.read_parquet(gdelt_dir / "events.parquet")
    return events[events.provenance == "gdelt"]


def test_events_from_is_a_url_parameter():
    areas = ["ukraine"]
    assert parse_query({"provenance": "gdelt"}, areas, comparison())[0].provenance == "gdelt"
    assert parse_query({}, areas, comparison())[0].provenance == "curated"
    filters, notices = parse_query({"provenance": "gossip"}, areas, comparison())
    assert filters.provenance == "curated"
    assert notices == ["'provenance' must be one of curated, gdelt, both; 'gossip' was ignored."]
    assert Filters(provenance="both").to_query() == {"provenance": "both"}
    assert Filters().to_query() == {}


def test_each_choice_counts_its_own_events(gdelt_store, gdelt_rows, shipped):
    curated = len(shipped.events)
    assert gdelt_store.count(Filters()) == curated
    assert gdelt_store.count(Filters(provenance="gdelt")) == len(gdelt_rows)
    assert gdelt_store.count(Filters(provenance="both")) == curated + len(gdelt_rows)
    newest = gdelt_store.newest(Filters(provenance="gdelt"), 5)
    assert set(newest.provenance) == {"gdelt"}
    assert list(newest.columns[-2:]) == ["provenance", "provenance_id"]


@pytest.mark.parametrize("unit", ["week", "month"])
def test_the_trend_equals_a_plain_count(gdelt_store, gdelt_rows, unit):
    trend = gdelt_store.trend(Filters(areas=("trade_sanctions",)), unit)
    rows = gdelt_rows[gdelt_rows.area_ids.str.split(";").map(lambda a: "trade_sanctions" in a)]
    dates = pd.to_datetime(rows.date)
    start = dates.dt.to_period("W-SUN" if unit == "week" else "M").dt.start_time
    expected = (
        rows.assign(start=start).groupby(["start", "quad_class"]).goldstein.agg(["count", "mean"])
    )
    got = trend.set_index(["date", "quad_class"])
    assert got.events.tolist() == expected["count"].tolist()
    assert got.goldstein_mean.round(9).tolist() == expected["mean"].round(9).tolist()
    assert list(got.index.get_level_values(0)) == list(expected.index.get_level_values(0))


def test_the_trend_counts_the_machine_coded_events_whatever_events_from_says(
    gdelt_store, gdelt_rows
):
    everything = gdelt_store.trend(Filters(), "month")
    assert everything.events.sum() == len(gdelt_rows)
    assert everything.equals(gdelt_store.trend(Filters(provenance="both"), "month"))


def test_the_trend_figure_draws_each_quad_class_and_numbers_the_moments():
    trend = pd.DataFrame(
        {
            "date": pd.to_datetime(["2022-02-01", "2022-02-01", "2022-03-01"]),
            "quad_class": ["verbal_cooperation", "material_conflict", "material_conflict"],
            "events": [3, 5, 8],
            "goldstein_mean": [1.5, -7.0, -8.2],
        }
    )
    moments = pd.DataFrame({"date": pd.to_datetime(["2022-02-24"]), "title": ["<b>Invasion</b>"]})
    figure = figures.gdelt_trend(trend, moments, "month")
    names = [(t.name, t.yaxis) for t in figure.data]
    assert names == [
        ("Verbal cooperation", "y"),
        ("Verbal cooperation", "y2"),
        ("Material conflict", "y"),
        ("Material conflict", "y2"),
        ("key moments", "y"),
    ]
    assert list(figure.data[2].y) == [5, 8]
    assert list(figure.data[3].y) == [-7.0, -8.2]
    assert figure.data[4].text == ("1",)
    assert "&lt;b&gt;Invasion&lt;/b&gt;" in figure.data[4].customdata[0]
    empty = figures.gdelt_trend(trend.iloc[0:0], moments, "week")
    assert empty.layout.annotations[0].text == "No machine-coded events match the current filters."


def test_the_shipped_dashboard_offers_no_events_from_and_no_trend():
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["provenance"] = "gdelt"
    app.run()  # the overview, the default page
    assert_clean(app)
    assert [w.value for w in app.warning] == [
        "This dataset has no machine-coded events: 'provenance' was ignored."
    ]
    assert not [r for r in app.radio if r.label == "Events from"]
    assert len(plotly_charts(app)) == 1  # the alignment heatmap only
    assert "provenance" not in app.query_params


@pytest.mark.parametrize(("page", "charts"), [("overview", 2), ("timeline", 2)])
def test_the_trend_is_on_overview_and_timeline(on_gdelt, page, charts):
    app = open_app(page)
    assert_clean(app)
    assert app.radio(key="f_provenance").value == "curated"
    assert len(plotly_charts(app)) == charts
    assert any("machine-coded events under the other filters" in c.value for c in app.caption)


def test_choosing_gdelt_changes_the_events_and_the_url(on_gdelt, gdelt_rows):
    app = open_app("data")
    app.radio(key="f_provenance").set_value("gdelt").run()
    assert_clean(app)
    assert app.query_params["provenance"] == "gdelt"
    assert any(f"Rows matching the filters: {len(gdelt_rows):,}." in c.value for c in app.caption)
    assert any("Events from: GDELT (machine-coded)" in as_read(c.value) for c in app.caption)
    shown = app.dataframe[0].value
    assert set(shown["provenance"]) == {"gdelt"}


def test_sources_page_explains_the_machine_coding(on_gdelt):
    app = open_app("sources")
    assert_clean(app)
    headers = [h.value for h in app.header]
    assert "Machine-coded events: GDELT 2.0" in headers
    assert any("Its known noise" in m.value for m in app.markdown)


# --- the sources: half a million on a real import, read in place, never loaded ----------------


@pytest.fixture(scope="module")
def gdelt_tables(gdelt_dir) -> dict[str, pd.DataFrame]:
    """The imported dataset's tables as plain pandas read them, for the references below."""
    tables = {
        name: pd.read_csv(gdelt_dir / f"{name}.csv", dtype=str, keep_default_na=False)
        for name in ("positions", "outcomes", "impacts", "commitments")
    }
    events = pd.read_parquet(gdelt_dir / "events.parquet")
    tables["curated_events"] = events[events.provenance == "curated"]
    tables["sources"] = pd.read_parquet(gdelt_dir / "sources.parquet")
    return tables


def _listed(sources: pd.DataFrame, *cells: pd.Series) -> pd.DataFrame:
    """The sources the ';'-separated cells cite, as the pages list them: by publisher, title."""
    ids = {i for series in cells for cell in series for i in cell.split(";") if i}
    cited = sources[sources.source_id.isin(ids)]
    return cited.sort_values(["publisher", "title", "source_id"], ignore_index=True)


def test_the_imported_sources_stay_on_disk(gdelt_dir, gdelt_tables):
    dataset = load_dataset(gdelt_dir)
    assert dataset.sources is None
    assert dataset.rows("sources") == len(gdelt_tables["sources"])


def test_compare_cites_the_sources_behind_an_area(on_gdelt, gdelt_tables):
    app = open_app("compare")
    assert_clean(app)
    area = app.selectbox(key="compare_area").value
    t = gdelt_tables
    events = t["curated_events"]
    expected = _listed(
        t["sources"],
        t["positions"].source_ids[t["positions"].area_id == area],
        t["outcomes"].source_ids[t["outcomes"].area_id == area],
        events.source_ids[events.area_ids.str.split(";").map(lambda areas: area in areas)],
    )
    assert "compare_sources" not in [d.key for d in app.dataframe]  # drawn once opened
    app.session_state["compare_sources_open"] = True  # the reader opens the expander
    app.run()
    assert app.expander[-1].label == f"Sources behind this area, with links ({len(expected)})"
    shown = app.dataframe[-1].value
    assert list(shown.url) == list(expected.url)
    assert list(shown.title) == list(expected.title)


@pytest.mark.parametrize("provenance", ["curated", "both"])
def test_the_sources_page_lists_what_the_rows_cite(on_gdelt, gdelt_tables, provenance):
    app = open_app("sources", {"provenance": provenance})
    assert_clean(app)
    t = gdelt_tables
    events = pd.read_parquet(on_gdelt / "events.parquet")
    if provenance == "curated":
        events = t["curated_events"]
    curated = [t[name].source_ids for name in ("positions", "outcomes", "impacts", "commitments")]
    expected = _listed(t["sources"], *curated, events.source_ids)
    primary = int((expected.kind == "primary").sum())
    assert app.caption[1].value.startswith(
        f"{len(expected):,} sources cited by the rows under the filters ({primary:,} of them "
        f"primary), of {len(t['sources']):,} in the dataset."
    )
    size = ui.PAGE_SIZE
    assert list(app.dataframe[0].value.url) == list(expected.url[:size])
    assert (len(expected) > size) == (provenance == "both")
    if provenance == "both":  # GDELT's: one source per article, listed a page at a time
        app.number_input(key="sources_page").set_value(2).run()
        assert list(app.dataframe[0].value.url) == list(expected.url[size : 2 * size])


def test_the_data_page_pages_through_the_cited_sources(on_gdelt, gdelt_tables):
    app = open_app("data", {"provenance": "both", "table": "sources"})
    assert_clean(app)
    t = gdelt_tables
    events = pd.read_parquet(on_gdelt / "events.parquet")
    curated = [t[name].source_ids for name in ("positions", "outcomes", "impacts", "commitments")]
    expected = _listed(t["sources"], *curated, events.source_ids)
    assert any(f"Rows matching the filters: {len(expected):,}." in c.value for c in app.caption)
    app.number_input(key="data_page").set_value(2).run()
    assert list(app.dataframe[0].value.url) == list(expected.url[ui.PAGE_SIZE : 2 * ui.PAGE_SIZE])


def test_the_overview_counts_policy_areas_not_the_imports_unassigned_bucket(on_gdelt, shipped):
    areas = pd.read_csv(on_gdelt / "areas.csv")
    assert "unassigned" in set(areas.area_id)  # the import adds it, for events no rule places
    app = open_app("overview")
    metric = next(m for m in app.metric if m.label == "Policy areas")
    assert metric.value == str(len(shipped.areas))
