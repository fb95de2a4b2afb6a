"""The comparison is the dataset's: two sides or three, any ids, any periods, every page drawn.

The references here are written plainly from the CSV files; the shipped dataset's own
comparison tables declare what the code held before (US and Russia, four periods, two compared).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import shutil
from pathlib import Path

import markdown_it
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import matrices, registry, ui
from dashboard.data import load_dataset
from dashboard.data.synth import generated_shape, write_synthetic
from dashboard.filters import Filters
from tests.conftest import DATA, ROOT, check_command, duckdb_store
from tests.shipped_comparison import COMPARED, PERIOD_NAMES, SIDE_NAMES

THREE_SIDES = ("US", "CN", "EU")


def rows(directory: Path, table: str) -> list[dict[str, str]]:
    with open(directory / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(directory: Path, table: str, records: list[dict[str, str]]) -> None:
    with open(directory / f"{table}.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)


@pytest.fixture(scope="module")
def three_dir(tmp_path_factory) -> Path:
    shape = generated_shape(list(THREE_SIDES), periods=3, areas=8)
    return write_synthetic(tmp_path_factory.mktemp("three"), 3_000, seed=3, shape=shape)


@pytest.fixture(scope="module")
def three(three_dir):
    return load_dataset(three_dir)


def test_the_shipped_dataset_declares_what_the_code_held(shipped):
    comparison = shipped.comparison
    assert comparison.side_ids == ("US", "RU")
    assert comparison.side_names == {"US": "United States", "RU": "Russia"}
    assert comparison.principals == ("us_executive", "ru_government")
    assert comparison.period_ids == ("before", "term1", "between", "term2")
    assert comparison.compared == ("term1", "term2")
    assert comparison.earliest == dt.date(2014, 1, 1)
    assert set(comparison.actors_of("US")) == {
        "us_executive",
        "us_congress",
        "us_justice",
        "us_other",
    }


def test_synth_builds_three_sides_three_periods_eight_areas(three, three_dir):
    assert three.comparison.side_ids == THREE_SIDES
    assert len(three.comparison.periods) == 3 and len(three.areas) == 8
    result = check_command(three_dir)
    assert result.returncode == 0, result.stderr


def test_stance_matrix_has_a_column_per_side_and_compared_period(shipped, three, three_dir):
    for dataset, directory in ((shipped, DATA), (three, three_dir)):
        periods = [p for p in rows(directory, "periods") if p["compared"] == "true"]
        sides = {r["side_id"]: r["name"] for r in rows(directory, "sides")}
        labels = {p["period_id"]: p["label"] for p in periods}
        names = matrices.area_names(dataset)
        matrix = matrices.stance_matrix(dataset.positions, names, dataset.comparison)
        expected = [f"{name} · {labels[p]}" for p in labels for name in sides.values()]
        assert list(matrix.columns) == expected
        principals = {r["actor_id"] for r in rows(directory, "actors") if r["role"] == "principal"}
        latest = {}
        for row in sorted(rows(directory, "positions"), key=lambda r: r["stated_from"]):
            if row["actor"] in principals:
                latest[(row["area_id"], f"{sides[row['side']]} · {labels[row['period']]}")] = row
        for (area, column), row in latest.items():
            assert matrix.loc[names[area], column] == int(row["stance"])


def test_side_by_side_and_period_changes_follow_three_sides(three):
    names = matrices.area_names(three)
    table = matrices.side_by_side(three.positions, three.outcomes, names, three.comparison)
    assert {f"{s}_position" for s in THREE_SIDES} <= set(table.columns)
    assert len(table) == 8 * 3  # one row per area and period
    changes = matrices.period_changes(three.positions, names, three.comparison, ("p1", "p3"))
    stance = {(r.area_id, r.side, r.period): r.stance for r in three.positions.itertuples()}
    for row in changes.itertuples():
        assert (
            row.change
            == stance[(row.area_id, row.side, "p3")] - stance[(row.area_id, row.side, "p1")]
        )
    assert len(changes) == 8 * 3


def test_a_side_filter_keeps_the_events_of_that_sides_actors(three, three_dir):
    store = duckdb_store(three, three_dir, "three-sides")
    actors = {r["actor_id"]: r["side_id"] for r in rows(three_dir, "actors")}
    events = rows(three_dir, "events")
    for side in THREE_SIDES:
        expected = {
            e["event_id"] for e in events if side in {actors[a] for a in e["actors"].split(";")}
        }
        assert set(store.newest(Filters(side=side))["event_id"]) == expected
        assert expected  # every side has events


def renamed_copy(target: Path) -> Path:
    """The shipped data with its sides renamed (US→USA, RU→RUS) and a third side, Ukraine,
    given its own voice and positions."""
    shutil.copytree(DATA, target)
    rename = {"US": "USA", "RU": "RUS"}
    sides = [dict(r, side_id=rename[r["side_id"]]) for r in rows(DATA, "sides")]
    sides.append({"side_id": "UKR", "name": "Ukraine", "colour": "#009E73", "countries": "UKR"})
    write_rows(target, "sides", sides)
    actors = []
    for r in rows(DATA, "actors"):
        r = dict(r, side_id=rename.get(r["side_id"], r["side_id"]))
        if r["actor_id"] == "ukraine":
            r.update(side_id="UKR", role="principal")
        actors.append(r)
    write_rows(target, "actors", actors)
    for table in ("positions", "commitments"):
        records = [dict(r, side=rename[r["side"]]) for r in rows(DATA, table)]
        if table == "positions":
            template = next(r for r in records if r["area_id"] == "ukraine")
            for number, period in enumerate(COMPARED):
                records.append(
                    dict(
                        template,
                        position_id=f"p-ukr-{number}",
                        side="UKR",
                        actor="ukraine",
                        period=period,
                        stance="2",
                        stated_from="2025-03-11" if period == "term2" else "2019-12-09",
                        stated_to="",
                    )
                )
        write_rows(target, table, records)
    return target


def test_renamed_sides_and_a_third_side_pass_check_and_draw_every_page(tmp_path):
    directory = renamed_copy(tmp_path / "renamed")
    result = check_command(directory)
    assert result.returncode == 0, result.stderr
    dataset = load_dataset(directory)
    assert dataset.comparison.side_ids == ("USA", "RUS", "UKR")
    matrix = matrices.stance_matrix(
        dataset.positions, matrices.area_names(dataset), dataset.comparison
    )
    assert "Ukraine · 2nd Trump term" in matrix.columns
    for app in pages(directory):
        assert not app.exception, [e.value for e in app.exception]


def pages(directory: Path) -> list[AppTest]:
    drawn = []
    for file, _, _ in registry.PAGES:
        app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("DASHBOARD_DATA_DIR", str(directory))
            app.run()  # before a first run, a page is known by its file name, not its URL
            drawn.append(app.switch_page(f"views/{file}.py").run())
    return drawn


def test_every_page_reads_well_with_three_sides(three_dir):
    drawn = dict(zip((path for _, path, _ in registry.PAGES), pages(three_dir), strict=True))
    for path, app in drawn.items():
        assert not app.exception, (path, [e.value for e in app.exception])
        assert not app.error, (path, [e.value for e in app.error])
    side = drawn["overview"].sidebar.radio(key="f_side")
    assert side.options == ["All sides", "Side US", "Side CN", "Side EU"]
    compare = drawn["compare"]
    assert compare.title[0].value == "Compare the 3 sides"
    section = compare.button_group(key="compare_section")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DASHBOARD_DATA_DIR", str(three_dir))
        section.set_value("side_by_side").run()
        side_by_side = compare.dataframe[0].value
        compare.button_group(key="compare_section").set_value("change").run()
    assert {f"{s}_position" for s in THREE_SIDES} <= set(side_by_side.columns)
    assert [s.value for s in compare.selectbox if s.label in ("From", "To")] == ["p1", "p3"]


def test_the_period_change_can_be_any_two_periods(three_dir):
    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
    app.switch_page("views/compare.py")
    app.query_params["section"] = "change"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DASHBOARD_DATA_DIR", str(three_dir))
        app.run()
        app.selectbox(key="compare_from").set_value("p2").run()
    assert app.query_params["change_from"] == "p2"
    assert app.selectbox(key="compare_to").value == "p3"
    change = next(d.value for d in app.dataframe if "stance_from" in d.value.columns)
    stance = {
        (r["area_id"], r["side"], r["period"]): int(r["stance"])
        for r in rows(three_dir, "positions")
    }
    names = {r["area_id"]: r["name"] for r in rows(three_dir, "areas")}
    sides = {r["name"]: r["side_id"] for r in rows(three_dir, "sides")}
    area_ids = {name: area for area, name in names.items()}
    for row in change.itertuples():
        key = (area_ids[row.area], sides[row.side_name])
        assert (row.stance_from, row.stance_to) == (stance[(*key, "p2")], stance[(*key, "p3")])


def test_the_shipped_pages_name_the_shipped_sides_and_periods():
    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
    app.run()
    side = app.sidebar.radio(key="f_side")
    assert side.options == ["Both", *SIDE_NAMES.values()]
    period = app.sidebar.selectbox(key="f_period")
    assert period.options == ["All periods", *PERIOD_NAMES.values()]


@pytest.mark.parametrize(
    "text",
    ["**Bold** and _slanted_", "[a link](https://example.org)", ":smile: $x^2$", "# not a head"],
)
def test_data_text_in_a_caption_shows_as_written(text):
    rendered = markdown_it.MarkdownIt().renderInline(ui.inert(text))
    assert html.unescape(rendered) == text
    assert "<" not in rendered
