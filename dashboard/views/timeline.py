"""Timeline: dated events by cooperation–conflict score, key moments labelled."""

import streamlit as st

from dashboard import figures, matrices, say_do, ui

MAX_POINTS = 500  # past this, monthly marks: 3,000 SVG marks took 1.5 s to redraw (make bench)
MAX_LABELS = 40  # key moments numbered; the band stacks them in rows
MAX_LISTED = 200  # newest events offered in the picker

ctx = ui.context()
events = ctx.store.newest(ctx.filters, MAX_POINTS + 1)  # more means: aggregate
total = len(events) if len(events) <= MAX_POINTS else ctx.store.count(ctx.filters)

st.title("Timeline")
ui.filter_caption(ctx, ("events",))
st.caption(
    "Each mark is an event: up is cooperation, down is conflict (Goldstein scale, −10 to +10). "
    "Colour and shape give the policy area; key moments are numbered. Click a mark for its "
    "description and sources."
)
if total == 0:
    ui.empty_state("events")
    st.stop()
monthly = ctx.store.area_month(ctx.filters) if total > MAX_POINTS else None
points = matrices.timeline_points(events, monthly, ctx.shown, MAX_POINTS)
if total > MAX_POINTS:
    st.info(f"{total:,} events: shown as one mark per area and month, sized by count.")
moments = ctx.store.key_moments(ctx.filters, MAX_LABELS)
picked = ui.clickable_chart(
    figures.timeline(
        points,
        moments,
        list(ctx.names.values()),
        ctx.comparison.periods,
        x_range=(ctx.filters.start, ctx.filters.end),
    ),
    "timeline",
    title="Events by cooperation–conflict score",
)
if not moments.empty:
    st.caption("Numbered key moments")
    ui.grid(
        moments.assign(number=range(1, len(moments) + 1))[["number", "date", "title", "goldstein"]],
        column_config={
            "number": st.column_config.NumberColumn("#", width="small"),
            "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
            "title": st.column_config.TextColumn("Key moment", width="large"),
            "goldstein": st.column_config.NumberColumn("Score", format="%+.1f"),
        },
    )

ui.gdelt_trend(ctx, "timeline_trend")

shown = ui.page_choice(
    "Commitments", {"hidden": "Hidden", "shown": "Shown"}, "commitments", key="timeline_commitments"
)
if shown == "shown":
    st.caption(
        "Each bar is a commitment, from the day it was stated to the day its verdict holds as of; "
        "colour and pattern give the verdict. The Say vs do page lists them with their evidence."
    )
    commitments = matrices.filtered(ctx.dataset, "commitments", ctx.filters)
    ui.chart(
        figures.commitments_timeline(
            say_do.timeline_rows(commitments, ctx.shown, ctx.comparison),
            x_range=(ctx.filters.start, ctx.filters.end),
        ),
        "timeline_commitments_chart",
        title="Commitments, stated to resolved",
    )

st.subheader("Selected events")
clicked = ui.clicked_events(picked, "timeline")
labels = matrices.event_choices(events, MAX_LISTED, clicked)
options = list(labels)
if clicked:
    st.session_state.timeline_events = [e for e in options if e in clicked]
chosen = st.multiselect(
    "Events",
    options,
    format_func=lambda e: labels.get(e, e),
    placeholder="Click marks above or choose events",
    key="timeline_events",
)
detail = ctx.readable(events[events["event_id"].isin(chosen)])
for row in detail.itertuples(index=False):
    with st.container(border=True):
        st.caption(
            f"{row.date:%Y-%m-%d} · score {row.goldstein:+.1f} · {row.quad_class} · {row.area_ids}"
        )
        st.text(row.title)
        st.text(row.description)
if chosen:
    ui.sources_table(
        ctx.cited([events.loc[events["event_id"].isin(chosen), "source_ids"]]),
        key="timeline_sources",
    )
