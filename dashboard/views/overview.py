"""Overview: what the dataset covers, alignment per area, the latest events."""

import streamlit as st

from dashboard import figures, matrices, ui

ctx = ui.context()
summary = matrices.view_summary(ctx.dataset, ctx.store, ctx.filters)

st.title(ui.inert(ctx.comparison.title))
if ctx.comparison.subtitle:
    st.caption(ui.inert(ctx.comparison.subtitle))
ui.filter_caption(ctx, ("events", "outcomes", "impacts"))
if ctx.dataset.synthetic:
    st.info("This is a synthetic dataset generated for testing: its contents are not real.")

first, last = summary["first_date"], summary["last_date"]
cols = st.columns(5)
cols[0].metric(
    "Events",
    f"{summary['events']:,}",
    None if summary["events"] == summary["all_events"] else f"of {summary['all_events']:,}",
    delta_color="off",
    delta_arrow="off",
)
cols[1].metric("Policy areas", summary["areas"])
cols[2].metric("Countries affected", summary["countries"])
cols[3].metric(
    "Sources cited",
    f"{summary['sources']:,}",
    f"{summary['primary_sources']:,} primary",
    delta_color="off",
    delta_arrow="off",
)
cols[4].metric("Events span", f"{first:%Y}–{last:%Y}" if first else "–")
st.caption(
    (f"Matching events from {first} to {last}. " if first else "No events match. ")
    + "Periods: "
    + "; ".join(ctx.comparison.period_names.values())
    + f". Dataset version {summary['version'] or 'not stated'}, released "
    + f"{summary['updated'] or 'on a date not stated'}."
)

ui.gdelt_trend(ctx, "overview_trend")

st.subheader("Alignment per area at a glance")
st.caption("Did the sides' actions line up? Word in each cell: alignment (status of outcome).")
outcomes = matrices.filtered(ctx.dataset, "outcomes", ctx.filters)
alignment = matrices.alignment_overview(outcomes, ctx.shown, ctx.comparison)
if alignment.empty:
    ui.empty_state("outcomes")
else:
    ui.chart(figures.alignment_heatmap(alignment), "alignment", title="Alignment per area")

st.subheader("Policy areas")
areas = ctx.dataset.areas[ctx.dataset.areas["area_id"].isin(ctx.shown)]
ui.grid(
    areas[["name", "scope"]],
    column_config={"name": "Area", "scope": st.column_config.TextColumn("Scope", width="large")},
)

st.subheader("Latest events")
latest = ctx.store.newest(ctx.filters, 10)
if latest.empty:
    ui.empty_state("events")
else:
    ui.grid(
        ctx.readable(latest[["date", "title", "area_ids", "goldstein"]]),
        column_config={
            "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
            "title": st.column_config.TextColumn("Event", width="large"),
            "area_ids": "Areas",
            "goldstein": st.column_config.NumberColumn("Score", format="%+.1f"),
        },
    )
