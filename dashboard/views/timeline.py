"""Timeline: dated events by cooperation–conflict score, key moments labelled."""

import streamlit as st

from dashboard import figures, matrices, ui

MAX_POINTS = 500  # past this, monthly marks: 3,000 SVG marks took 1.5 s to redraw (make bench)
MAX_LABELS = 30
MAX_LISTED = 200  # newest events offered in the picker

ctx = ui.context()
mask = matrices.event_mask(ctx.index, ctx.filters)
total = int(mask.sum())
events = matrices.select_events(ctx.index, mask, stop=MAX_POINTS + 1)  # more means: aggregate

st.title("Timeline")
st.caption(
    "Each mark is an event: up is cooperation, down is conflict (Goldstein scale, −10 to +10). "
    "Colour and shape give the policy area; key moments are labelled. Click a mark for its "
    "description and sources."
)
points = matrices.timeline_points(
    events, matrices.filter_cube(ctx.index, ctx.filters), ctx.names, MAX_POINTS
)
if total > MAX_POINTS:
    st.info(f"{total:,} events: shown as one mark per area and month, sized by count.")
moments = matrices.key_moments(ctx.index, mask, MAX_LABELS)
picked = ui.chart(
    figures.timeline(
        points, moments, list(ctx.names.values()), x_range=(ctx.filters.start, ctx.filters.end)
    ),
    "timeline",
    title="Events by cooperation–conflict score",
    on_select="rerun",
    selection_mode="points",
)
st.caption("Numbered key moments")
st.dataframe(
    moments.assign(number=range(1, len(moments) + 1))[["number", "date", "title", "goldstein"]],
    hide_index=True,
    width="stretch",
    column_config={
        "number": st.column_config.NumberColumn("#", width="small"),
        "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
        "title": st.column_config.TextColumn("Key moment", width="large"),
        "goldstein": st.column_config.NumberColumn("Score", format="%+.1f"),
    },
)

clicked_ids = {
    str(point["customdata"][2])
    for point in ui.selected_points(picked)
    if len(point.get("customdata") or []) > 2 and point["customdata"][2]
}

st.subheader("Selected events")
listed = events.head(MAX_LISTED)
options = list(listed["event_id"])
labels = dict(
    zip(options, listed["date"].dt.strftime("%Y-%m-%d") + " — " + listed["title"], strict=True)
)
chosen = st.multiselect(
    "Events",
    options,
    default=[e for e in options if e in clicked_ids],
    format_func=lambda e: labels.get(e, e),
    placeholder="Click marks above or choose events",
    key="timeline_events",
)
detail = matrices.public_events(events[events["event_id"].isin(chosen)])
for row in detail.itertuples(index=False):
    with st.container(border=True):
        st.caption(f"{row.date:%Y-%m-%d} · score {row.goldstein:+.1f} · {row.quad_class}")
        st.text(row.title)
        st.text(row.description)
if not detail.empty:
    ui.sources_table(
        matrices.cited_sources([detail["source_ids"]], ctx.dataset.sources), key="timeline_sources"
    )
