"""Impact map: which countries were affected, how strongly, and the record behind each."""

import streamlit as st

from dashboard import figures, matrices, ui
from dashboard.engine import Only

REGIONS = {"world": "World", "europe": "Europe", "middle_east": "Middle East", "asia": "Asia"}

ctx = ui.context()
impacts = matrices.filtered(ctx.dataset, "impacts", ctx.filters)
by_country = matrices.impact_by_country(impacts, ctx.names)

st.title("Impact map")
ui.filter_caption(ctx, ("impacts", "events"))
st.caption(
    "Highest impact intensity per country under the current filters (1 limited, 2 significant, "
    "3 central). Hover a country for its effects; click it, or pick it below, for its record."
)
home = [s.name for s in ctx.comparison.sides if s.countries]
if home:
    st.caption(
        f"The compared sides' own countries ({ui.inert(', '.join(home))}) are drawn in each "
        "side's colour and named as a side on hover."
    )
chosen_region = ui.page_choice("Region", REGIONS, "region", key="map_region")
if by_country.empty:
    ui.empty_state("impacts")

picked = ui.clickable_chart(
    figures.impact_map(by_country, chosen_region, matrices.all_countries(), ctx.comparison.sides),
    "impact_map",
    title="Impact intensity per country",
)
st.caption(f"{ui.plural(len(by_country), 'country')} with a recorded impact shown.")

clicked = ui.new_click(picked, "impact_map", ("location",))
country = ui.linked_choice(
    "Country",
    list(by_country["country"]),
    "country",
    "map_country",
    clicked[0] if clicked else None,
    format_func=lambda c: f"{matrices.country_name(c)} ({c})",
    required=False,
)

if country:
    rows = impacts[impacts["country"] == country]
    st.subheader("Impact record")
    st.text(matrices.country_name(country))
    ui.grid(
        ctx.readable(rows[["area_id", "period", "intensity", "direction", "effect", "source_ids"]]),
        column_config={
            "area_id": "Area",
            "period": "Period",
            "intensity": st.column_config.NumberColumn("Intensity", format="%d"),
            "direction": "Direction",
            "effect": st.column_config.TextColumn("Effect", width="large"),
            "source_ids": "Sources (links below)",
        },
    )
    events = ui.events_table(ctx, "involving this country", "map_events", Only(country=country))
    st.caption("Sources")
    ui.sources_table(
        ctx.cited([rows["source_ids"], events["source_ids"]]),
        key="map_sources",
    )

if not by_country.empty:
    st.subheader("All countries shown")
    ui.grid(
        by_country[["country_name", "country", "intensity", "rows", "directions", "effects"]],
        column_config={
            "country_name": "Country",
            "country": "ISO-3",
            "intensity": st.column_config.NumberColumn("Highest intensity", format="%d"),
            "rows": "Impact rows",
            "directions": "Directions",
            "effects": st.column_config.TextColumn("Effects", width="large"),
        },
    )
    ui.download_csv(by_country, "impacts-by-country", ctx.filters, "dl_map")
