"""Compare: one section at a time (stance matrix, positions beside outcomes, area × year
events, period-on-period change), then the record behind an area."""

import streamlit as st

from dashboard import figures, matrices, ui
from dashboard.engine import Only

ctx = ui.context()
filters = ctx.filters
comparison = ctx.comparison
sides = comparison.side_names
positions = matrices.filtered(ctx.dataset, "positions", filters)
outcomes = matrices.filtered(ctx.dataset, "outcomes", filters)
commitments = matrices.filtered(ctx.dataset, "commitments", filters)
other_voices = ", ".join(a.name for a in comparison.actors if a.role == "stating") or "Other voices"
source_columns = {
    **{f"{side}_source_ids": f"{name} sources" for side, name in sides.items()},
    "other_source_ids": f"{other_voices} sources",
    "source_ids": "Outcome sources",
}

st.title("Compare the two sides" if len(sides) == 2 else f"Compare the {len(sides)} sides")
ui.filter_caption(ctx, ("positions", "outcomes", "events"))


def stance_section():
    st.subheader("Stated stance per area")
    st.caption(
        "−2 confrontational … +2 seeks close cooperation with the "
        + ("other side" if len(sides) == 2 else "other sides")
        + "; value written in each cell. Click a cell, or pick an area below, to see the record "
        "behind it."
    )
    stance = matrices.stance_matrix(positions, ctx.shown, comparison)
    if stance.empty:
        ui.empty_state("positions")
        return None
    return ui.clickable_chart(
        figures.clickable_cells(figures.stance_heatmap(stance)),
        "stance",
        title="Stated stance per area",
    )


def side_by_side_section(table):
    st.subheader("Positions and outcomes side by side")
    sources = ctx.cited([table[c] for c in source_columns])
    position_columns = [f"{side}_position" for side in sides]
    shown = ctx.readable(
        table[["area", "period", *position_columns, "other_positions"]]
        .assign(**{c: matrices.source_names(table[c], sources) for c in source_columns})
        .assign(outcome=table["outcome"], status=table["status"], alignment=table["alignment"])
    )
    if shown.empty:
        ui.empty_state("positions or outcomes")
        return
    ui.grid(
        shown,
        column_config={
            "area": "Area",
            "period": "Period",
            **{
                f"{side}_position": st.column_config.TextColumn(name, width="large")
                for side, name in sides.items()
            },
            "other_positions": st.column_config.TextColumn(
                f"{other_voices}, where it acted apart", width="medium"
            ),
            "outcome": st.column_config.TextColumn("What happened", width="large"),
            "status": "Status",
            "alignment": "Alignment",
            **source_columns,
        },
    )
    ui.download_csv(shown, "side-by-side", filters, "dl_side")
    ui.sources_on_demand(
        matrices.cited_sources([table[c] for c in source_columns], sources),
        "Sources of these positions and outcomes, with links",
        "side_sources",
    )


def events_section(matrix):
    st.subheader("Events per area and year")
    st.caption(
        "Each cell: number of events, and their mean cooperation (+) / conflict (−) score. "
        "Click a cell to list its events below."
    )
    if matrix.empty:
        ui.empty_state("events")
        return None
    return ui.clickable_chart(
        figures.clickable_cells(figures.area_year_heatmap(matrix, list(ctx.shown.values()))),
        "area_year",
        title="Events per area and year",
    )


def change_section():
    compared = list(comparison.compared)
    labels = comparison.period_labels
    st.subheader("One period against another")
    left, right = st.columns(2)
    with left:
        first = ui.linked_choice(
            "From", compared, "change_from", "compare_from", format_func=comparison.period_names.get
        )
    with right:
        later = [p for p in reversed(compared) if p != first]
        second = ui.linked_choice(
            "To", later, "change_to", "compare_to", format_func=comparison.period_names.get
        )
    changes = matrices.period_changes(positions, ctx.shown, comparison, (first, second))
    if changes.empty:
        ui.empty_state("positions", section="period_changes")
        return
    ui.grid(
        changes[
            [
                "area",
                "side_name",
                "stance_from",
                "stance_to",
                "change_label",
                "position_from",
                "position_to",
            ]
        ].fillna({"position_from": matrices.NO_VALUE, "position_to": matrices.NO_VALUE}),
        column_config={
            "area": "Area",
            "side_name": "Side",
            "stance_from": st.column_config.NumberColumn(f"Stance, {labels[first]}", format="%+d"),
            "stance_to": st.column_config.NumberColumn(f"Stance, {labels[second]}", format="%+d"),
            "change_label": "Change",
            "position_from": st.column_config.TextColumn(
                f"Position, {labels[first]}", width="large"
            ),
            "position_to": st.column_config.TextColumn(
                f"Position, {labels[second]}", width="large"
            ),
        },
    )


SECTIONS = {
    "stance": "Stated stance",
    "side_by_side": "Positions and outcomes",
    "events": "Events per year",
    "change": "Period against period",
}
if len(comparison.compared) < 2:
    del SECTIONS["change"]
# One section drawn at a time: each is a chart or a wide table, and the browser redraws only
# what is shown (make bench: the update of all four at once was 2.7x the minimal page).
section = ui.page_choice("Show", SECTIONS, "section", key="compare_section")
table = matrices.side_by_side(positions, outcomes, ctx.shown, comparison)
matrix = matrices.area_year_matrix(ctx.store.area_year(filters), ctx.names)
picked_stance = picked_year = None
if section == "stance":
    picked_stance = stance_section()
elif section == "side_by_side":
    side_by_side_section(table)
elif section == "events":
    picked_year = events_section(matrix)
else:
    change_section()

st.subheader("The record behind an area")
stance_click = ui.new_cell_click(picked_stance, "stance")  # (area name, side · period)
year_click = ui.new_cell_click(picked_year, "area_year")  # (year, area name)
ids = {name: area for area, name in ctx.names.items()}
clicked_area = (
    ids.get(year_click[1]) if year_click else ids.get(stance_click[0]) if stance_click else None
)
area_id = ui.linked_choice(
    "Area",
    list(ctx.shown),
    "area",
    "compare_area",
    clicked_area,
    format_func=ctx.names.get,
)
years = [str(y) for y in sorted(matrix.loc[matrix["area_id"] == area_id, "year"].unique())]
chosen_year = ui.linked_choice(
    "Year",
    years,
    "year",
    "compare_year",
    year_click[0] if year_click else None,
    required=False,
)
year = int(chosen_year) if chosen_year else None
for period in comparison.compared:
    rows = table[(table["area_id"] == area_id) & (table["period"] == period)]
    cell = positions[(positions["area_id"] == area_id) & (positions["period"] == period)]
    if rows.empty and cell.empty:
        continue
    st.markdown(f"**{ui.inert(comparison.period_names[period])}**")
    columns = st.columns(len(sides) + 1)
    for column, side in zip(columns, sides, strict=False):
        with column.container(border=True):
            st.caption(sides[side])
            said = cell[cell["side"] == side]
            for row in said.sort_values("stated_from").itertuples(index=False):
                st.caption(
                    f"{comparison.actor_names[row.actor]}, {matrices.stated_span(row)}, "
                    f"stance {matrices.signed(row.stance)}"
                )
                st.text(row.position)
            if said.empty:
                st.text("No stated position recorded.")
            ui.commitments_link(commitments, area_id, side, period)
    with columns[-1].container(border=True):
        outcome = rows.iloc[0] if not rows.empty else None
        if outcome is None or not isinstance(outcome["outcome"], str):
            st.caption("What happened")
            st.text("No outcome recorded.")
        else:
            st.caption(
                f"What happened — status: {outcome['status']}, alignment: {outcome['alignment']}"
            )
            st.text(outcome["outcome"])
events = ui.events_table(
    ctx,
    f"in this area in {year}" if year else "in this area",
    "compare_events",
    Only(area=area_id, year=year),
)
cited = ctx.cited(
    [table.loc[table["area_id"] == area_id, c] for c in source_columns] + [events["source_ids"]]
)
ui.sources_on_demand(cited, "Sources behind this area, with links", "compare_sources")
