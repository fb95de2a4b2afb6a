"""Figures carry the right numbers and never pass data text to plotly as markup."""

import pandas as pd

from dashboard import figures, matrices
from dashboard.filters import Filters

HOSTILE = '<img src=x onerror=alert(1)> & <a href="javascript:alert(1)">x</a>'


def test_plain_escapes_markup_and_wraps():
    assert figures.plain(HOSTILE).startswith("&lt;img src=x onerror=alert(1)&gt; &amp;")
    assert figures.plain("aaaa bbbb", width=4) == "aaaa<br>bbbb"
    assert figures.plain(None) == "" and figures.plain(float("nan")) == ""


def test_stance_heatmap_writes_values_in_cells(shipped):
    matrix = matrices.stance_matrix(shipped.positions, matrices.area_names(shipped))
    heatmap = figures.stance_heatmap(matrix).data[0]
    assert heatmap.texttemplate == "%{text}"
    assert heatmap.zmin == -2 and heatmap.zmax == 2
    first = matrix.iloc[0, 0]
    assert heatmap.text[0][0] == (f"{first:+.0f}" if first else "0")


def test_area_year_heatmap_text_has_count_and_mean():
    matrix = pd.DataFrame(
        {
            "area_id": ["u"],
            "area": ["Ukraine"],
            "year": [2018],
            "events": [3],
            "mean_goldstein": [-2.5],
        }
    )
    heatmap = figures.area_year_heatmap(matrix).data[0]
    assert heatmap.text[0][0] == "3<br>-2.5"
    assert list(heatmap.x) == ["2018"]


def test_empty_input_gives_a_message_not_an_error():
    figure = figures.area_year_heatmap(
        pd.DataFrame(columns=["area", "year", "events", "mean_goldstein"])
    )
    assert figure.layout.annotations[0].text == figures.EMPTY_MESSAGE
    assert (
        figures.stance_heatmap(pd.DataFrame()).layout.annotations[0].text == figures.EMPTY_MESSAGE
    )


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


def test_timeline_numbers_key_moments_and_colours_areas(shipped, shipped_store):
    names = matrices.area_names(shipped)
    events = shipped_store.newest(Filters())
    points = matrices.timeline_points(events, None, names, 3000)
    moments = shipped_store.key_moments(Filters(), 30)
    assert len(moments) == shipped.events["key_moment"].sum()
    figure = figures.timeline(points, moments, list(names.values()))
    *areas, labels = figure.data
    assert list(labels.text) == [str(i) for i in range(1, len(moments) + 1)]
    assert list(labels.x) == list(moments["date"])
    assert sum(len(trace.x) for trace in areas) == len(events)
    assert len({trace.marker.color for trace in areas}) == len(areas)
    assert len({trace.marker.symbol for trace in areas}) == len(areas)


def test_alignment_heatmap_scores_the_word_and_writes_it_in_the_cell():
    outcomes = pd.DataFrame(
        {
            "area_id": ["ukraine", "ukraine", "arms_control"],
            "period": ["term1", "term2", "term1"],
            "alignment": ["disagree", "partly", "agree"],
            "status": ["stalled", "partial", "implemented"],
        }
    )
    table = matrices.alignment_overview(outcomes, {"ukraine": "Ukraine", "arms_control": "Arms"})
    heatmap = figures.alignment_heatmap(table).data[0]
    assert list(heatmap.y) == ["Ukraine", "Arms"]
    assert heatmap.z[0].tolist() == [-1.0, 0.0] and heatmap.z[1][0] == 1.0
    assert pd.isna(heatmap.z[1][1])  # no record: no colour, and the cell says so
    assert heatmap.text[0][0] == "disagree (stalled)"
    assert heatmap.text[1][1] == "no record"
