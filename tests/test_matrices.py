"""The shaped tables: numbers a user reads off the pages, and the store's answers behind them."""

import datetime as dt

import pandas as pd
import pytest

from dashboard import matrices
from dashboard.engine import EngineConfig, Only, Store
from dashboard.filters import Filters
from tests.conftest import DATA
from tests.shipped_comparison import comparison


def _events(rows):
    frame = pd.DataFrame(
        rows, columns=["event_id", "date", "area_ids", "actors", "goldstein", "quad_class"]
    )
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[us]")
    frame["title"] = frame["event_id"] + " title"
    frame["description"] = "about " + frame["event_id"]
    frame["countries"] = "USA;RUS"
    frame["key_moment"] = False
    frame["source_ids"] = "s1"
    frame["date_precision"] = "day"
    frame["checked"] = pd.Timestamp("2026-12-01").as_unit("us")
    return frame


EVENTS = _events(
    [
        ("e1", "2017-03-01", "ukraine", "us_executive", -4.0, "material_conflict"),
        ("e2", "2017-06-01", "ukraine;arms_control", "ru_government", 2.0, "verbal_cooperation"),
        (
            "e3",
            "2018-07-16",
            "cyber_elections",
            "us_executive;ru_government",
            3.0,
            "verbal_cooperation",
        ),
        ("e4", "2025-02-12", "ukraine", "ru_government", 4.0, "verbal_cooperation"),
    ]
)
NAMES = {"ukraine": "Ukraine", "arms_control": "Arms control", "cyber_elections": "Cyber"}


def tiny_store(frame: pd.DataFrame, version: str = "tiny") -> Store:
    return Store.open(EngineConfig(), version, {}, comparison(), frame=frame)


@pytest.fixture(scope="module")
def store():
    return tiny_store(EVENTS)


def test_store_reads_newest_first_whatever_the_file_order_and_pages():
    shuffled = tiny_store(EVENTS.iloc[[2, 0, 3, 1]], "shuffled")
    assert list(shuffled.newest(Filters())["event_id"]) == ["e4", "e3", "e2", "e1"]
    assert list(shuffled.newest(Filters(), 2, offset=1)["event_id"]) == ["e3", "e2"]
    assert shuffled.total == 4


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), ["e4", "e3", "e2", "e1"]),
        (Filters(areas=("arms_control",)), ["e2"]),
        (Filters(areas=("ukraine",), period="term1"), ["e2", "e1"]),
        (Filters(side="US"), ["e3", "e1"]),
        (Filters(side="RU"), ["e4", "e3", "e2"]),
        (Filters(start=dt.date(2017, 5, 1), end=dt.date(2018, 12, 31)), ["e3", "e2"]),
        (Filters(search="E3 TITLE"), ["e3"]),
        (Filters(search="100%"), []),  # % and _ are text, not wildcards
    ],
)
def test_newest_events_under_the_filters(store, filters, expected):
    assert list(store.newest(filters)["event_id"]) == expected
    assert store.count(filters) == len(expected)


def test_daily_cube_counts_an_event_in_each_of_its_areas(store):
    cube = store.daily_cube(Filters(period="term1"))
    expected = pd.DataFrame(
        {
            "date": pd.to_datetime(["2017-03-01", "2017-06-01", "2017-06-01", "2018-07-16"]).astype(
                "datetime64[us]"
            ),
            "period": "term1",
            "area_id": ["ukraine", "arms_control", "ukraine", "cyber_elections"],
            "side_0": pd.array([True, False, False, True], dtype="boolean"),  # US, first side
            "side_1": pd.array([False, True, True, True], dtype="boolean"),  # RU
            "events": [1, 1, 1, 1],
            "goldstein_sum": pd.array([-4.0, 2.0, 2.0, 3.0], dtype="Float64"),
        }
    )
    pd.testing.assert_frame_equal(cube, expected, check_dtype=False)


def test_area_year_matrix_counts_and_means(store):
    matrix = matrices.area_year_matrix(store.area_year(Filters()), NAMES)
    ukraine_2017 = matrix[(matrix["area_id"] == "ukraine") & (matrix["year"] == 2017)].iloc[0]
    assert ukraine_2017["events"] == 2
    assert ukraine_2017["mean_goldstein"] == -1.0
    assert matrix["events"].sum() == 5  # e2 counts once in each of its two areas


def test_cube_and_search_paths_agree(store):
    """The kept cube and the cube of the matching events (search) give the same matrix."""
    by_cube = matrices.area_year_matrix(store.area_year(Filters(side="RU")), NAMES)
    by_scan = matrices.area_year_matrix(store.area_year(Filters(side="RU", search="title")), NAMES)
    pd.testing.assert_frame_equal(by_cube, by_scan)


def test_stance_matrix_uses_executive_rows(shipped):
    names = matrices.area_names(shipped)
    matrix = matrices.stance_matrix(shipped.positions, names, shipped.comparison)
    assert matrix.shape == (6, 4)
    base = shipped.positions[shipped.positions["actor"] != "us_congress"]
    row = base.iloc[0]
    column = matrices.stance_column(shipped.comparison, row.side, row.period)
    assert matrix.loc[names[row.area_id], column] == row.stance


def test_side_by_side_has_one_row_per_area_and_period(shipped):
    names = matrices.area_names(shipped)
    table = matrices.side_by_side(shipped.positions, shipped.outcomes, names, shipped.comparison)
    assert len(table) == 12
    assert table[["US_position", "RU_position", "outcome"]].notna().all().all()


def test_period_changes_are_second_minus_first(shipped):
    names = matrices.area_names(shipped)
    changes = matrices.period_changes(
        shipped.positions, names, shipped.comparison, ("term1", "term2")
    )
    assert len(changes) == 12
    expected = changes["stance_to"].astype(float) - changes["stance_from"].astype(float)
    assert (changes["change"].astype(float) == expected).all()
    reversed_changes = matrices.period_changes(
        shipped.positions, names, shipped.comparison, ("term2", "term1")
    )
    assert (reversed_changes["change"].astype(float) == -expected).all()


def test_impact_by_country_keeps_highest_intensity():
    impacts = pd.DataFrame(
        {
            "impact_id": ["i1", "i2", "i3"],
            "country": ["POL", "POL", "GBR"],
            "area_id": ["ukraine", "arms_control", "ukraine"],
            "intensity": pd.array([1, 3, 2], dtype="Int64"),
            "direction": ["harmed", "mixed", "harmed"],
            "effect": ["a", "b", "c"],
        }
    )
    table = matrices.impact_by_country(impacts, NAMES).set_index("country")
    assert table.loc["POL", "intensity"] == 3
    assert table.loc["POL", "rows"] == 2
    assert table.loc["POL", "directions"] == "harmed, mixed"
    assert table.loc["POL", "effects"] == "Ukraine: a\nArms control: b"
    assert table.loc["POL", "country_name"] == "Poland"


def test_timeline_aggregates_past_the_point_limit(store):
    names = dict(NAMES)
    points = matrices.timeline_points(
        store.newest(Filters()), store.area_month(Filters()), names, max_points=2
    )
    assert points["count"].sum() == 5  # e2 counts in both of its areas
    assert (points["event_id"] == "").all()  # one mark per area and month, not per event
    assert points["title"].str.endswith(" events").all()


def test_filtered_tables_keep_only_cited_sources(shipped, shipped_store):
    tables = matrices.filtered_tables(shipped, shipped_store, Filters(areas=("ukraine",)))
    cited = set()
    for name in ("positions", "outcomes", "events", "impacts", "commitments"):
        assert (name == "events") or set(tables[name]["area_id"]) == {"ukraine"}
        for cell in tables[name]["source_ids"]:
            cited.update(cell.split(";"))
    assert set(tables["sources"]["source_id"]) == cited
    # the columns of the shipped file: its events are all curated, so no provenance columns
    header = (DATA / "events.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert list(tables["events"].columns) == header


def test_events_by_area_country_and_year(store):
    assert store.count(Filters(), Only(country="RUS")) == 4
    assert store.count(Filters(), Only(country="POL")) == 0
    assert store.count(Filters(), Only(country="RU")) == 0  # a whole code, not a part
    events = store.newest(Filters(period="term1"), only=Only(area="arms_control"))
    assert list(events["event_id"]) == ["e2"]
    assert list(store.newest(Filters(), only=Only(year=2017))["event_id"]) == ["e2", "e1"]


def test_key_moments_and_cited_sources_follow_the_filters(shipped_store):
    filters = Filters(areas=("arms_control",))
    moments = shipped_store.key_moments(filters, 5)
    assert len(moments) <= 5 and moments["key_moment"].all()
    assert moments["date"].is_monotonic_increasing
    selected = shipped_store.newest(filters)
    expected = {s for cell in selected["source_ids"] for s in cell.split(";")}
    assert set(shipped_store.cited_sources(filters)["source_id"]) == expected


def test_view_summary_counts_under_the_filters(shipped, shipped_store):
    summary = matrices.view_summary(shipped, shipped_store, Filters(period="term1"))
    events = shipped.events[shipped.events["date"].between("2017-01-20", "2021-01-19")]
    assert summary["events"] == len(events)
    assert summary["all_events"] == len(shipped.events)
    assert summary["first_date"] == events["date"].min().date()
    assert summary["last_date"] == events["date"].max().date()
    assert 0 < summary["primary_sources"] < summary["sources"]


def _stretch_rows():
    frame = pd.DataFrame(
        {
            "position_id": ["p1", "p1-2", "p2"],
            "area_id": ["ukraine", "ukraine", "ukraine"],
            "side": ["US", "US", "RU"],
            "actor": ["us_executive", "us_executive", "ru_government"],
            "period": ["term2"] * 3,
            "position": ["pressed Kyiv", "armed Kyiv", "welcomed talks"],
            "stance": [1, -1, 0],
            "stated_from": pd.to_datetime(["2025-02-12", "2025-07-14", "2025-02-13"]),
            "stated_to": pd.to_datetime(["2025-03-03", None, None]),
            "source_ids": ["s1", "s2;s1", "s3"],
        }
    )
    return frame.iloc[[1, 2, 0]]  # file order need not be date order


def test_a_moved_position_shows_its_latest_stance_and_every_dated_stretch():
    positions = _stretch_rows()
    matrix = matrices.stance_matrix(positions, {"ukraine": "Ukraine"}, comparison())
    assert matrix.loc["Ukraine", "United States · 2nd Trump term"] == -1
    assert matrix.loc["Ukraine", "Russia · 2nd Trump term"] == 0
    joined = matrices.stretches(positions).set_index("side")
    assert joined.loc["US", "position"] == (
        "2025-02-12 to 2025-03-03 (stance +1): pressed Kyiv\n\n2025-07-14 (stance −1): armed Kyiv"
    )
    assert joined.loc["US", "source_ids"] == "s1;s2"
    assert joined.loc["US", "stretches"] == 2
