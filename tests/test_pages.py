"""Every page through streamlit.testing.v1.AppTest: renders, filters, query parameters."""

from __future__ import annotations

import csv
import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, as_read
from tests.shipped_comparison import AREA_IDS

APP = str(ROOT / "dashboard" / "app.py")
PAGES = {
    "overview": ("views/overview.py", "US–Russia relations under Trump and Putin", 1),
    "compare": ("views/compare.py", "Compare the two sides", 1),
    "say_do": ("views/say_do.py", "Say vs do", 1),
    "map": ("views/impact_map.py", "Impact map", 1),
    "timeline": ("views/timeline.py", "Timeline", 1),
    "data": ("views/data.py", "Data", 0),
    "sources": ("views/sources.py", "Sources & methodology", 0),
}
AREAS = list(AREA_IDS)


def open_app(page: str, query: dict | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    app.run()
    app.switch_page(PAGES[page][0]).run()
    return app


def plotly_charts(app: AppTest) -> list:
    return [e for e in app.get("plotly_chart")]


def assert_clean(app: AppTest) -> None:
    assert not app.exception, [e.message for e in app.exception]


@pytest.mark.parametrize("page", list(PAGES))
def test_page_renders_its_title_and_charts(page):
    app = open_app(page)
    assert_clean(app)
    _, title, charts = PAGES[page]
    assert app.title[0].value == title
    assert len(plotly_charts(app)) == charts


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("area", AREAS)
def test_every_area_filter_renders(page, area):
    app = open_app(page)
    app.multiselect(key="f_areas").set_value([area]).run()
    assert_clean(app)
    assert app.query_params["areas"] == area


def test_query_parameters_set_the_widgets():
    app = open_app(
        "compare",
        {"areas": "ukraine,arms_control", "side": "RU", "period": "term2", "q": "talks"},
    )
    assert_clean(app)
    assert app.multiselect(key="f_areas").value == ["ukraine", "arms_control"]
    assert app.radio(key="f_side").value == "RU"
    assert app.selectbox(key="f_period").value == "term2"
    assert app.text_input(key="f_search").value == "talks"
    assert not app.warning


def test_widget_changes_are_written_to_the_url():
    app = open_app("overview")
    app.radio(key="f_side").set_value("US").run()
    app.selectbox(key="f_period").set_value("term1").run()
    assert app.query_params["side"] == "US"
    assert app.query_params["period"] == "term1"
    app.button[0].click().run()  # Reset filters
    assert "side" not in app.query_params


def test_bad_query_parameters_give_notices_not_errors():
    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in {"areas": "atlantis", "side": "CN", "from": "Feb 2019", "zzz": "1"}.items():
        app.query_params[key] = value
    app.run()
    assert_clean(app)
    notices = " ".join(w.value for w in app.warning)
    for expected in ("atlantis", "'side'", "'from'", "'zzz'"):
        assert expected in notices
    assert app.multiselect(key="f_areas").value == []


def test_compare_shows_the_record_behind_the_chosen_area():
    app = open_app("compare", {"area": "arms_control"})
    assert_clean(app)
    assert app.selectbox(key="compare_area").value == "arms_control"
    texts = [t.value for t in app.text]
    assert any("INF" in t or "New START" in t for t in texts)


def test_map_country_selection_shows_its_impacts():
    app = open_app("map", {"country": "GBR", "region": "europe"})
    assert_clean(app)
    assert app.selectbox(key="map_country").value == "GBR"
    assert "United Kingdom" in [t.value for t in app.text]


def test_data_page_switches_tables_from_the_url():
    app = open_app("data", {"table": "sources"})
    assert_clean(app)
    frame = app.dataframe[0].value
    assert "publisher" in frame.columns


def test_broken_dataset_shows_an_error_page(tmp_path, monkeypatch):
    (tmp_path / "areas.csv").write_text("area_id,name\nukraine,Ukraine\n", encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert_clean(app)
    assert app.title[0].value == "The dataset could not be loaded"
    shown = "\n".join(t.value for t in app.text)
    assert "areas.csv:1:scope: required column is missing" in shown
    assert "events.csv:-:-: file is missing" in shown


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("overview", {"areas": ["ukraine", "arms_control"], "side": ["US", "RU", "US"]}),
        ("compare", {"period": "x" * 10_000, "q": "y" * 10_000}),
        ("map", {"region": "atlantis", "country": "XXX"}),
        ("map", {"country": "<script>alert(1)</script>"}),
        ("timeline", {"from": "2019-02-30", "to": "-1", "status": ",,,"}),
        ("data", {"table": "../../etc/passwd"}),
        ("sources", {"areas": "%00%ff", "side": "", "from": "2026-13-01"}),
        ("compare", {"area": "atlantis", "": "empty key"}),
    ],
)
def test_malformed_query_parameters_never_raise(page, query):
    app = open_app(page, query)
    assert_clean(app)
    assert app.title[0].value == PAGES[page][1]


BROKEN_CASES = sorted(
    p for p in (ROOT / "tests" / "broken").iterdir() if p.is_dir() and p.name[0] not in "_."
)


@pytest.mark.parametrize("case", BROKEN_CASES, ids=lambda p: p.name)
def test_app_on_a_broken_dataset_lists_its_errors(case, monkeypatch):
    """The app shows the same file:row:column messages as the CLI, on a clear error page."""
    before = {p.name: p.read_bytes() for p in case.iterdir()}
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(case))
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert_clean(app)
    assert app.title[0].value == "The dataset could not be loaded"
    shown = "\n".join(t.value for t in app.text)
    for line in (case / "expected.txt").read_text(encoding="utf-8").splitlines():
        prefix, _, phrase = line.partition(": ")
        assert any(row.startswith(prefix + ":") and phrase in row for row in shown.splitlines()), (
            line
        )
    assert {p.name: p.read_bytes() for p in case.iterdir()} == before


def all_text(app: AppTest) -> str:
    parts = [e.value for kind in ("text", "caption", "markdown", "info") for e in app.get(kind)]
    return "\n".join(str(p) for p in parts)


def test_compare_follows_the_area_filter():
    app = open_app("compare", {"areas": "ukraine,arms_control"})
    assert_clean(app)
    stance = app.get("plotly_chart")[0].proto.spec
    assert '"Counter-terrorism"' not in stance and '"Ukraine"' in stance
    assert app.selectbox(key="compare_area").options == ["Ukraine", "Arms control"]
    app.button_group(key="compare_section").set_value("side_by_side").run()
    assert app.query_params["section"] == "side_by_side"
    assert "Counter-terrorism" not in {str(v) for v in app.dataframe[0].value["area"]}


COMPARE_SECTIONS = {  # section -> its subheader, and the charts and tables it draws
    "stance": ("Stated stance per area", 1, 0),
    "side_by_side": ("Positions and outcomes side by side", 0, 1),
    "events": ("Events per area and year", 1, 0),
    "change": ("One period against another", 0, 1),
}


@pytest.mark.parametrize("section", list(COMPARE_SECTIONS))
def test_compare_draws_only_the_section_in_the_link(section):
    """One section at a time, chosen in the link; the record behind an area is always there."""
    app = open_app("compare", {"section": section})
    assert_clean(app)
    heading, charts, tables = COMPARE_SECTIONS[section]
    headings = [h.value for h in app.subheader]
    assert headings == [heading, "The record behind an area"]
    assert app.button_group(key="compare_section").value == section
    assert len(plotly_charts(app)) == charts
    events = 1  # the record's events table; its sources are drawn once their expander opens
    assert len(app.dataframe) == tables + events
    app.session_state["compare_sources_open"] = True
    app.run()
    assert len(app.dataframe) == tables + events + 1
    assert set(app.dataframe[-1].value.columns) >= {"title", "publisher", "url"}


@pytest.mark.parametrize("section", ["stance", "side_by_side"])
def test_compare_section_choice_keeps_the_other_view_settings(section):
    app = open_app("compare", {"area": "arms_control", "change_from": "term2"})
    app.button_group(key="compare_section").set_value(section).run()
    assert app.query_params.get("section") == (None if section == "stance" else section)
    assert app.query_params["area"] == "arms_control"
    assert app.query_params["change_from"] == "term2"


@pytest.mark.parametrize("section", list(COMPARE_SECTIONS))
@pytest.mark.parametrize("status", ["stalled", "ongoing", "implemented"])
def test_status_filter_shows_no_raw_missing_values(status, section):
    app = open_app("compare", {"status": status, "section": section})
    assert_clean(app)
    shown = all_text(app)
    assert "nan" not in shown.split() and "None" not in shown
    for frame in (d.value for d in app.dataframe):
        assert not frame.astype(str).isin(["nan", "None", "<NA>", "term1", "term2"]).any().any()


def test_every_period_of_the_data_is_offered():
    app = open_app("overview")
    options = app.selectbox(key="f_period").options
    assert options == [
        "All periods",
        "Before Trump (2014–2017)",
        "First Trump term (2017–2021)",
        "Between terms (2021–2025)",
        "Second Trump term (2025–)",
    ]
    app.selectbox(key="f_period").set_value("between").run()
    assert app.query_params["period"] == "between"


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_says_which_filters_are_in_force(page):
    app = open_app(page, {"side": "RU", "status": "stalled"})
    assert_clean(app)
    captions = [as_read(c.value) for c in app.caption]
    line = next(c for c in captions if c.startswith(("Filters in force", "No filter applies")))
    assert "Side: Russia" in line or "Not applied on this page: Side" in line


def test_map_says_the_side_filter_does_not_reach_impacts():
    app = open_app("map", {"side": "US"})
    line = next(as_read(c.value) for c in app.caption if c.value.startswith("Filters in force"))
    assert "Side: United States (not applied to impacts)" in line


def test_overview_metrics_follow_the_filters():
    everything = open_app("overview")
    narrowed = open_app("overview", {"areas": "human_rights", "period": "term2"})
    first = {m.label: m.value for m in everything.metric}
    second = {m.label: m.value for m in narrowed.metric}
    assert int(second["Events"].replace(",", "")) < int(first["Events"].replace(",", ""))
    assert second["Policy areas"] == "1"
    assert int(second["Sources cited"]) < int(first["Sources cited"].replace(",", ""))


def test_sources_page_lists_only_sources_the_filtered_rows_cite():
    app = open_app("sources", {"areas": "arms_control"})
    shown = set(app.dataframe[0].value["title"])
    everything = set(open_app("sources").dataframe[0].value["title"])
    assert shown and shown < everything


def test_congress_positions_appear_on_compare():
    app = open_app("compare", {"area": "trade_sanctions", "section": "side_by_side"})
    assert "US Congress" in " ".join(c.value for c in app.caption)
    assert any("CAATSA" in t.value for t in app.text)
    side = app.dataframe[0].value
    assert side["other_positions"].str.contains("US Congress: Congress passed CAATSA").any()


def test_quoted_search_finds_the_phrase():
    quoted = open_app("data", {"q": '"New START"', "table": "events"})
    plain = open_app("data", {"q": "New START", "table": "events"})
    assert len(quoted.dataframe[0].value) > 0
    assert len(quoted.dataframe[0].value) <= len(plain.dataframe[0].value)


def test_nothing_matches_says_so_and_offers_reset():
    app = open_app("timeline", {"q": "zzzz-no-such-word"})
    assert_clean(app)
    assert "No events match the current filters." in [i.value for i in app.info]
    app.button(key="reset_events_").click().run()
    assert "q" not in app.query_params


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_reads_well_when_nothing_matches(page):
    """A search nothing holds: each empty section says so (Compare once had two "Reset" buttons
    with one key, and stretches of no positions added text to numbers)."""
    app = open_app(page, {"q": "zzzz-no-such-word"})
    assert_clean(app)
    if page not in ("data", "sources"):
        assert any("match the current filters" in i.value for i in app.info)


def commitments_csv() -> list[dict]:
    with (ROOT / "data" / "commitments.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_say_do_lists_the_commitments_of_the_chosen_cell():
    rows = commitments_csv()
    area, side, period = rows[0]["area_id"], rows[0]["side"], rows[0]["period"]
    expected = {
        r["statement"]
        for r in rows
        if (r["area_id"], r["side"], r["period"]) == (area, side, period)
    }
    app = open_app("say_do", {"cell": f"{area}|{side}|{period}"})
    assert_clean(app)
    assert app.selectbox(key="say_do_cell").value == f"{area}|{side}|{period}"
    shown = {t.value for t in app.text}
    assert expected <= shown
    others = {r["statement"] for r in rows} - expected
    assert not (others & shown)


def test_say_do_follows_the_side_filter():
    app = open_app("say_do", {"side": "RU"})
    assert_clean(app)
    spec = app.get("plotly_chart")[0].proto.spec
    assert "Russia" in spec and "United States · " not in spec
    table = app.dataframe[-1].value
    assert set(table["side"]) == {"Russia"}
    expected = sum(1 for r in commitments_csv() if r["side"] == "RU")
    assert len(table) == expected


def test_timeline_shows_commitments_from_the_url():
    app = open_app("timeline", {"commitments": "shown", "side": "RU"})
    assert_clean(app)
    assert len(plotly_charts(app)) == 2
    bars = json.loads(app.get("plotly_chart")[1].proto.spec)["data"]
    rows = {row for trace in bars for row in trace["y"]}
    assert rows and all(row.endswith(" · Russia") for row in rows)
