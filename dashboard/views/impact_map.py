"""Impact map: which countries were affected, how strongly, and the record behind each."""

import streamlit as st

from dashboard import figures, matrices, ui

REGIONS = {"world": "World", "europe": "Europe", "middle_east": "Middle East", "asia": "Asia"}

ctx = ui.context()
impacts = matrices.filter_table(ctx.dataset.impacts, ctx.filters, ("effect",))
by_country = matrices.impact_by_country(impacts, ctx.names)

st.title("Impact map")
st.caption(
    "Highest impact intensity per country under the current filters (1 limited, 2 significant, "
    "3 central). Hover a country for its effects; click it, or pick it below, for its record."
)
chosen_region = ui.page_choice("Region", REGIONS, "region", key="map_region")

picked = ui.chart(
    figures.impact_map(by_country, chosen_region, matrices.all_countries()),
    "impact_map",
    title="Impact intensity per country",
    on_select="rerun",
    selection_mode="points",
)
st.caption(f"{len(by_country)} countries shown.")

clicked = next((p.get("location") for p in ui.selected_points(picked) if p.get("location")), None)
country = ui.linked_choice(
    "Country",
    list(by_country["country"]),
    "country",
    "map_country",
    clicked,
    format_func=lambda c: f"{matrices.country_name(c)} ({c})",
    required=False,
)

if country:
    rows = impacts[impacts["country"] == country].assign(area=lambda f: f["area_id"].map(ctx.names))
    st.subheader("Impact record")
    st.text(matrices.country_name(country))
    st.dataframe(
        rows[["area", "period", "intensity", "direction", "effect", "source_ids"]],
        hide_index=True,
        width="stretch",
        column_config={"effect": st.column_config.TextColumn("Effect", width="large")},
    )
    events = ui.events_table(
        ctx.index,
        matrices.event_mask(ctx.index, ctx.filters, country=country),
        "involving this country",
        "map_events",
    )
    st.caption("Sources")
    ui.sources_table(
        matrices.cited_sources([rows["source_ids"], events["source_ids"]], ctx.dataset.sources),
        key="map_sources",
    )

st.subheader("All countries shown")
st.dataframe(
    by_country[["country_name", "country", "intensity", "rows", "directions", "effects"]],
    hide_index=True,
    width="stretch",
    column_config={
        "country_name": "Country",
        "country": "ISO-3",
        "intensity": st.column_config.NumberColumn("Highest intensity", format="%d"),
        "rows": "Impact rows",
        "effects": st.column_config.TextColumn("Effects", width="large"),
    },
)
ui.download_csv(by_country, "impacts-by-country", ctx.filters, "dl_map")
