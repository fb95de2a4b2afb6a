"""Compare: stance matrix, positions beside outcomes, area × year events, term-on-term change."""

import streamlit as st

from dashboard import figures, matrices, ui
from dashboard.data.tables import PERIOD_NAMES, SIDE_NAMES

ctx = ui.context()
filters = ctx.filters
positions = matrices.filter_table(ctx.dataset.positions, filters, ("position",))
outcomes = matrices.filter_table(ctx.dataset.outcomes, filters, ("outcome",))

st.title("Compare the two sides")

st.subheader("Stated stance per area")
st.caption(
    "−2 confrontational … +2 seeks close cooperation with the other side; value written in each "
    "cell. Click a cell, or pick an area below, to see the record behind it."
)
stance = matrices.stance_matrix(positions, ctx.names)
picked = ui.chart(
    figures.stance_heatmap(stance),
    "stance",
    title="Stated stance per area",
    on_select="rerun",
    selection_mode="points",
)

st.subheader("Positions and outcomes side by side")
table = matrices.side_by_side(positions, outcomes, ctx.names)
table = table.assign(
    US_sources=matrices.source_links(table["US_source_ids"], ctx.dataset.sources),
    RU_sources=matrices.source_links(table["RU_source_ids"], ctx.dataset.sources),
    outcome_sources=matrices.source_links(table["source_ids"], ctx.dataset.sources),
)
shown = table[
    [
        "area",
        "period_name",
        "US_position",
        "RU_position",
        "outcome",
        "status",
        "alignment",
        "US_sources",
        "RU_sources",
        "outcome_sources",
    ]
]
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    column_config={
        "area": "Area",
        "period_name": "Period",
        "US_position": st.column_config.TextColumn("United States", width="large"),
        "RU_position": st.column_config.TextColumn("Russia", width="large"),
        "outcome": st.column_config.TextColumn("What happened", width="large"),
        "status": "Status",
        "alignment": "Alignment",
        "US_sources": "US sources",
        "RU_sources": "Russia sources",
        "outcome_sources": "Outcome sources",
    },
)
ui.download_csv(shown, "side-by-side", filters, "dl_side")

st.subheader("Events per area and year")
st.caption("Each cell: number of events, and their mean cooperation (+) / conflict (−) score.")
matrix = matrices.area_year_matrix(matrices.filter_cube(ctx.index, filters), ctx.names)
ui.chart(
    figures.area_year_heatmap(matrix, list(ctx.names.values())),
    "area_year",
    title="Events per area and year",
)

st.subheader("First term against second term")
changes = matrices.term_changes(positions, ctx.names)
st.dataframe(
    changes[
        [
            "area",
            "side_name",
            "stance_term1",
            "stance_term2",
            "change",
            "position_term1",
            "position_term2",
        ]
    ],
    hide_index=True,
    width="stretch",
    column_config={
        "area": "Area",
        "side_name": "Side",
        "stance_term1": st.column_config.NumberColumn("Stance, term 1", format="%+d"),
        "stance_term2": st.column_config.NumberColumn("Stance, term 2", format="%+d"),
        "change": st.column_config.NumberColumn("Change", format="%+d"),
        "position_term1": st.column_config.TextColumn("Position, term 1", width="large"),
        "position_term2": st.column_config.TextColumn("Position, term 2", width="large"),
    },
)

st.subheader("The record behind an area")
by_label = figures.labels_to_ids(ctx.names)
clicked = next((by_label.get(str(p.get("y"))) for p in ui.selected_points(picked)), None)
area_id = ui.linked_choice(
    "Area", list(ctx.names), "area", "compare_area", clicked, format_func=ctx.names.get
)
for period in ("term1", "term2"):
    rows = table[(table["area_id"] == area_id) & (table["period"] == period)]
    if rows.empty:
        continue
    row = rows.iloc[0]
    st.markdown(f"**{PERIOD_NAMES[period]}**")
    left, middle, right = st.columns(3)
    for column, side in ((left, "US"), (middle, "RU")):
        with column.container(border=True):
            st.caption(SIDE_NAMES[side])
            st.text(
                row[f"{side}_position"]
                if isinstance(row[f"{side}_position"], str)
                else "No record."
            )
    with right.container(border=True):
        st.caption(f"What happened — status: {row['status']}, alignment: {row['alignment']}")
        st.text(row["outcome"] if isinstance(row["outcome"], str) else "No record.")
events = ui.events_table(
    ctx.index,
    matrices.event_mask(ctx.index, filters, area=area_id),
    "in this area",
    "compare_events",
)
cited = matrices.cited_sources(
    [
        table.loc[table["area_id"] == area_id, c]
        for c in ("US_source_ids", "RU_source_ids", "source_ids")
    ]
    + [events["source_ids"]],
    ctx.dataset.sources,
)
st.caption("Sources behind this area")
ui.sources_table(cited, key="compare_sources")
