"""Overview: what the dataset covers, alignment per area, the latest events."""

import streamlit as st

from dashboard import figures, matrices, ui
from dashboard.data.tables import PERIOD_NAMES

ctx = ui.context()
summary = matrices.dataset_summary(ctx.dataset)

st.title("US–Russia relations under Trump and Putin")
st.caption(
    "Six policy areas, each side's stated position, what actually happened, the key events and "
    "the countries affected — every row sourced."
)
if ctx.dataset.synthetic:
    st.info("This is a synthetic dataset generated for testing: its contents are not real.")

first, last = summary["first_date"], summary["last_date"]
cols = st.columns(5)
cols[0].metric("Events", f"{summary['events']:,}")
cols[1].metric("Policy areas", summary["areas"])
cols[2].metric("Countries affected", summary["countries"])
cols[3].metric(
    "Sources", f"{summary['sources']:,}", f"{summary['primary_sources']} primary", delta_color="off"
)
cols[4].metric("Events span", f"{first:%Y}–{last:%Y}" if first else "–")
st.caption(
    f"Events from {first} to {last}. Periods: {PERIOD_NAMES['term1']}; {PERIOD_NAMES['term2']}. "
    f"Dataset last updated: {summary['updated'] or 'not stated'}."
)

st.subheader("Alignment per area at a glance")
st.caption("Did the two sides' actions line up? Word in each cell: alignment (status of outcome).")
outcomes = matrices.filter_table(ctx.dataset.outcomes, ctx.filters, ("outcome",))
ui.chart(
    figures.alignment_heatmap(matrices.alignment_overview(outcomes, ctx.names)),
    "alignment",
    title="Alignment per area",
)

st.subheader("Policy areas")
areas = ctx.dataset.areas
if ctx.filters.areas:
    areas = areas[areas["area_id"].isin(ctx.filters.areas)]
st.dataframe(
    areas[["name", "scope"]],
    hide_index=True,
    width="stretch",
    column_config={"name": "Area", "scope": st.column_config.TextColumn("Scope", width="large")},
)

st.subheader("Latest events")
latest = matrices.public_events(matrices.filter_events(ctx.index, ctx.filters, limit=10))
st.dataframe(
    latest[["date", "title", "area_ids", "goldstein"]],
    hide_index=True,
    width="stretch",
    column_config={
        "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
        "title": st.column_config.TextColumn("Event", width="large"),
        "area_ids": "Areas",
        "goldstein": st.column_config.NumberColumn("Score", format="%+.1f"),
    },
)
