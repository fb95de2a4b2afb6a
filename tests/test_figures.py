"""Figures carry the right numbers and never pass data text to plotly as markup."""

import datetime as dt
import json
import math

import pandas as pd
import pytest

from dashboard import figures, matrices
from dashboard.data.comparison import Period
from dashboard.filters import Filters
from scripts import topojson_lines
from tests.conftest import ROOT
from tests.shipped_comparison import comparison

HOSTILE = '<img src=x onerror=alert(1)> & <a href="javascript:alert(1)">x</a>'


def test_plain_escapes_markup_and_wraps():
    assert figures.plain(HOSTILE).startswith("&lt;img src=x onerror=alert(1)&gt; &amp;")
    assert figures.plain("aaaa bbbb", width=4) == "aaaa<br>bbbb"
    assert figures.plain(None) == "" and figures.plain(float("nan")) == ""


def test_stance_heatmap_writes_values_in_cells(shipped):
    matrix = matrices.stance_matrix(
        shipped.positions, matrices.area_names(shipped), shipped.comparison
    )
    heatmap = figures.stance_heatmap(matrix).data[0]
    assert heatmap.texttemplate == "%{text}"
    assert heatmap.zmin == -2 and heatmap.zmax == 2
    first = matrix.iloc[0, 0]
    assert heatmap.text[0][0] == (f"{first:+.0f}" if first else "0")


def test_area_year_heatmap_has_a_row_per_year_and_a_column_per_area():
    matrix = pd.DataFrame(
        {
            "area_id": ["u", "u", "a"],
            "area": ["Ukraine", "Ukraine", "Arms control"],
            "year": [2018, 2020, 2020],
            "events": [3, 1, 2],
            "mean_goldstein": [-2.5, 1.0, 4.0],
        }
    )
    figure = figures.area_year_heatmap(matrix, ["Arms control", "Ukraine"])
    heatmap = figure.data[0]
    assert list(heatmap.y) == ["2018", "2019", "2020"]  # every year, the gap included
    assert list(heatmap.x) == ["Arms<br>control", "Ukraine"]
    assert heatmap.text[0] == ["", "3<br>-2.5"] and heatmap.text[1] == ["", ""]
    assert heatmap.text[2] == ["2<br>+4.0", "1<br>+1.0"]


def test_area_year_heatmap_years_are_categories_not_numbers():
    """Three years once gave ticks at "2,024.5": a category axis shows each year as written."""
    matrix = pd.DataFrame(
        {"area": ["U", "U"], "year": [2024, 2025], "events": [1, 1], "mean_goldstein": [0.0, 1.0]}
    )
    figure = figures.area_year_heatmap(matrix)
    assert figure.layout.yaxis.type == "category"
    assert list(figure.data[0].y) == ["2024", "2025"]


@pytest.mark.parametrize("build", ["stance", "area_year"])
def test_heatmap_colour_bars_lie_under_the_plot(shipped, shipped_store, build):
    names = matrices.area_names(shipped)
    if build == "stance":
        figure = figures.stance_heatmap(
            matrices.stance_matrix(shipped.positions, names, shipped.comparison)
        )
    else:
        sums = shipped_store.area_year(Filters())
        figure = figures.area_year_heatmap(matrices.area_year_matrix(sums, names))
    colorbar = figure.data[0].colorbar
    assert colorbar.orientation == "h" and colorbar.yref == "container" and colorbar.y < 0.01
    assert colorbar.title.side == "right"
    assert figure.layout.xaxis.tickangle == 0  # labels wrapped, not turned on end


def test_top_labels_keep_clear_of_the_toolbar(shipped):
    matrix = matrices.stance_matrix(
        shipped.positions, matrices.area_names(shipped), shipped.comparison
    )
    figure = figures.stance_heatmap(matrix)
    assert figure.layout.xaxis.side == "top"
    two_lines = 2 * figures.LINE_HEIGHT
    assert figure.layout.margin.t >= figures.TOOLBAR_ROOM + two_lines
    assert figure.layout.xaxis.ticktext[0] == "United<br>States<br>1st Trump<br>term"


def test_empty_input_gives_a_message_not_an_error():
    assert figures.EMPTY_MESSAGE == "No rows match the current filters."
    figure = figures.area_year_heatmap(
        pd.DataFrame(columns=["area", "year", "events", "mean_goldstein"])
    )
    assert figure.layout.annotations[0].text == figures.EMPTY_MESSAGE
    assert (
        figures.stance_heatmap(pd.DataFrame()).layout.annotations[0].text == figures.EMPTY_MESSAGE
    )
    assert figure.layout.height <= 120  # compact: a message, not a blank chart
    assert figures.with_credit(figure, "t", "d").layout.annotations == figure.layout.annotations


def test_impact_map_uses_iso3_and_escaped_effects():
    by_country = pd.DataFrame(
        {
            "country": ["POL", "GBR"],
            "country_name": ["Poland", "United Kingdom"],
            "intensity": [3, 1],
            "effects": [HOSTILE, "b"],
        }
    )
    figure = figures.impact_map(by_country, "europe", {"POL": "Poland", "FRA": "France"})
    background, trace = figure.data
    assert list(background.locations) == ["FRA"]
    assert list(trace.locations) == ["POL", "GBR"]
    assert list(trace.z) == [3.0, 1.0]
    assert "<img" not in trace.customdata[0]
    assert list(figure.layout.geo.lonaxis.range) == [-25, 50]
    assert figure.layout.geo.bgcolor == figures.TRANSPARENT  # no white box on the dark theme
    assert trace.colorbar.orientation == "h" and trace.colorbar.yref == "container"
    assert figure.layout.hoverlabel.font.size >= 14


def test_shipped_world_map_lines_never_jump_between_arcs():
    """Out-of-order arcs drew straight lines across the Caspian Sea on the world map."""
    topo = json.loads((ROOT / "dashboard" / "static" / "world_110m.json").read_text())
    assert topojson_lines.split_broken_lines(topo) == 0


def test_split_broken_lines_cuts_where_arcs_do_not_join():
    topo = {
        "arcs": [[[0, 0], [1, 0]], [[5, 5], [-4, -5]], [[1, 0], [1, 1]]],  # 0 ends apart from 1
        "objects": {
            "coastlines": {
                "type": "GeometryCollection",
                "geometries": [{"type": "LineString", "arcs": [0, 1, 2]}],
            }
        },
    }
    assert topojson_lines.split_broken_lines(topo) == 1
    assert topo["objects"]["coastlines"]["geometries"][0]["arcs"] == [[0], [1, 2]]


KEY_MOMENT_LIMIT = 30


def _timeline(shipped, shipped_store, **kwargs):
    names = matrices.area_names(shipped)
    events = shipped_store.newest(Filters())
    points = matrices.timeline_points(events, None, names, 3000)
    moments = shipped_store.key_moments(Filters(), KEY_MOMENT_LIMIT)
    return (
        figures.timeline(points, moments, list(names.values()), comparison().periods, **kwargs),
        events,
        moments,
    )


def test_timeline_numbers_key_moments_and_colours_areas(shipped, shipped_store):
    figure, events, moments = _timeline(shipped, shipped_store)
    assert len(moments) == min(KEY_MOMENT_LIMIT, shipped.events["key_moment"].sum())
    *areas, rings, badges = figure.data
    assert list(badges.text) == [str(i) for i in range(1, len(moments) + 1)]
    assert list(badges.x) == list(moments["date"]) == list(rings.x)
    assert list(rings.y) == list(moments["goldstein"])
    assert sum(len(trace.x) for trace in areas) == len(events)
    assert len({trace.marker.color for trace in areas}) == len(areas)
    assert len({trace.marker.symbol for trace in areas}) == len(areas)


def test_key_moment_badges_sit_above_the_scale_and_never_overlap(shipped, shipped_store):
    figure, _, _ = _timeline(shipped, shipped_store)
    badges = figure.data[-1]
    assert badges.mode == "markers+text" and badges.textposition == "middle center"
    assert min(badges.y) > 10  # in a band above the +10 end of the scale
    low, high = (pd.Timestamp(x) for x in figure.layout.xaxis.range)
    gap = (high - low) * 0.07
    by_row: dict[float, list] = {}
    for date, y in zip(badges.x, badges.y, strict=True):
        by_row.setdefault(y, []).append(pd.Timestamp(date))
    for dates in by_row.values():
        assert all(b - a >= gap for a, b in zip(dates, dates[1:], strict=False))
    assert figure.layout.yaxis.range[1] > max(badges.y)


def test_key_moment_rows_take_the_first_free_row():
    dates = pd.to_datetime(["2018-01-01", "2018-02-01", "2018-03-01", "2024-01-01"])
    assert figures.key_moment_rows(pd.Series(dates), pd.Timedelta(days=3650)) == [0, 1, 2, 0]


def test_timeline_shades_and_names_the_compared_periods(shipped, shipped_store):
    figure, _, _ = _timeline(shipped, shipped_store)
    shaded = [s for s in figure.layout.shapes if s.type == "rect"]
    assert [pd.Timestamp(s.x0) for s in shaded] == [
        pd.Timestamp("2017-01-20"),
        pd.Timestamp("2025-01-20"),
    ]
    assert pd.Timestamp(shaded[0].x1) == pd.Timestamp("2021-01-20")
    assert all(s.layer == "below" for s in shaded)
    names = {a.text for a in figure.layout.annotations}
    assert {"1st Trump term", "2nd Trump term"} <= names  # the labels of periods.csv


def test_periods_that_follow_each_other_alternate_their_shade():
    periods = tuple(
        Period(f"p{i}", f"P{i}", f"P{i}", dt.date(2014 + 3 * i, 1, 1), end, True)
        for i, end in enumerate([dt.date(2016, 12, 31), dt.date(2019, 12, 31), None])
    )
    spans = figures.term_spans(periods, pd.Timestamp("2013-01-01"), pd.Timestamp("2026-01-01"))
    assert [label for label, *_ in spans] == ["P0", "P1", "P2"]
    assert [shaded for *_, shaded in spans] == [True, False, True]


def test_timeline_x_axis_follows_the_date_filter(shipped, shipped_store):
    figure, _, _ = _timeline(shipped, shipped_store, x_range=(dt.date(2010, 1, 1), None))
    low, high = (pd.Timestamp(x) for x in figure.layout.xaxis.range)
    assert pd.Timestamp("2009-06-01") < low < pd.Timestamp("2010-01-01")
    assert high > shipped.events["date"].max()
    figure, _, _ = _timeline(
        shipped, shipped_store, x_range=(dt.date(2018, 1, 1), dt.date(2019, 1, 1))
    )
    low, high = (pd.Timestamp(x) for x in figure.layout.xaxis.range)
    assert low < pd.Timestamp("2018-01-01") < pd.Timestamp("2019-01-01") < high
    assert (high - low).days < 400
    shaded = [s for s in figure.layout.shapes if s.type == "rect"]
    assert len(shaded) == 1  # only the first term lies in 2018


def test_timeline_legend_lies_under_the_plot(shipped, shipped_store):
    figure, _, _ = _timeline(shipped, shipped_store)
    legend = figure.layout.legend
    assert legend.orientation == "h" and legend.yref == "container" and legend.y == 0


def test_credit_names_chart_dashboard_and_data_escaped(shipped, shipped_store):
    figure, _, _ = _timeline(shipped, shipped_store)
    height = figure.layout.height
    figures.with_credit(figure, "Timeline", HOSTILE)
    credit = next(a for a in figure.layout.annotations if a.name == "credit")
    text = credit.text.replace("<br>", " ")
    assert text.startswith(f"Timeline · {figures.DASHBOARD_NAME} · data: &lt;img")
    assert "<img" not in credit.text and "<a " not in credit.text
    assert figure.layout.height == height + figures.CREDIT_ROOM
    assert credit.yanchor == "bottom" and credit.y == 1 and not math.isnan(credit.yshift)


def test_alignment_heatmap_scores_the_word_and_writes_it_in_the_cell():
    outcomes = pd.DataFrame(
        {
            "area_id": ["ukraine", "ukraine", "arms_control"],
            "period": ["term1", "term2", "term1"],
            "alignment": ["disagree", "partly", "agree"],
            "status": ["stalled", "partial", "implemented"],
        }
    )
    table = matrices.alignment_overview(
        outcomes, {"ukraine": "Ukraine", "arms_control": "Arms"}, comparison()
    )
    heatmap = figures.alignment_heatmap(table).data[0]
    assert list(heatmap.y) == ["Ukraine", "Arms"]
    assert heatmap.z[0].tolist() == [-1.0, 0.0] and heatmap.z[1][0] == 1.0
    assert pd.isna(heatmap.z[1][1])  # no record: no colour, and the cell says so
    assert heatmap.text[0][0] == "disagree<br>(stalled)"  # wrapped to fit a phone-wide cell
    assert heatmap.text[1][1] == "no record"


def test_say_do_heatmap_writes_the_counts_and_escapes_data_text():
    share = pd.DataFrame({"Russia · 2nd Trump term": [0.5, None]}, index=["Ukraine", "<b>x</b>"])
    figures_text = pd.DataFrame(
        {"Russia · 2nd Trump term": ["2·0·2·0·0\n50% kept", "0·0·0·0·1\n–"]}, index=share.index
    )
    words = pd.DataFrame(
        {"Russia · 2nd Trump term": ["2 kept, 2 broken\n50% of 4 resolved kept", "1 unclear"]},
        index=share.index,
    )
    figure = figures.say_do_heatmap(share, figures_text, words)
    heat = figure.data[0]
    assert heat.text[0][0] == "2·0·2·0·0<br>50% kept"
    assert heat.customdata[0][0] == "2 kept, 2 broken<br>50% of 4 resolved kept"
    assert "<b>" not in "".join(heat.y)
    assert heat.zmin == 0 and heat.zmax == 1
    empty = figures.say_do_heatmap(share.iloc[:0], figures_text.iloc[:0], words.iloc[:0])
    assert empty.layout.annotations


def test_commitments_timeline_draws_a_bar_per_commitment_with_its_verdict_pattern():
    rows = pd.DataFrame(
        {
            "stated": pd.to_datetime(["2025-03-01", "2025-05-01", "2017-02-01"]),
            "verdict_as_of": pd.to_datetime(["2025-04-01", "2025-05-01", "2019-08-02"]),
            "row": ["Ukraine · Russia", "Ukraine · Russia", "Arms control · United States"],
            "verdict": ["kept", "broken", "broken"],
            "statement": ["<b>a</b>", "b", "c"],
        }
    )
    figure = figures.commitments_timeline(rows)
    by_verdict = {trace.name: trace for trace in figure.data}
    assert set(by_verdict) == {"kept", "broken"}
    assert len(by_verdict["broken"].y) == 2
    assert by_verdict["broken"].marker.pattern.shape == "x"
    assert "<b>" not in str(by_verdict["kept"].customdata)
    assert figures.commitments_timeline(rows.iloc[:0]).layout.annotations


def test_every_area_of_a_large_dataset_has_its_own_mark():
    names = [f"Area {i}" for i in range(1, 13)]
    colours, symbols = figures.area_styles(names)
    assert len({(colours[n], symbols[n]) for n in names}) == len(names)
