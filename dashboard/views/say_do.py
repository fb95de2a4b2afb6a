"""Say vs do: which stated intentions each side carried out, area by area."""

import pandas as pd
import streamlit as st

from dashboard import engine, figures, matrices, say_do, ui
from dashboard.data.tables import VERDICT_NAMES

ctx = ui.context()
commitments = matrices.filtered(ctx.dataset, "commitments", ctx.filters)
counts = say_do.verdict_counts(commitments, ctx.shown, ctx.comparison)

st.title("Say vs do")
ui.filter_caption(ctx, ("commitments",))
st.caption(
    "Each cell counts one side's commitments in an area and term by verdict, in this order: "
    "kept · partly kept · broken · in progress · unclear (hover a cell for the words). Below "
    "the counts, and as the colour: the share kept among resolved ones (kept, partly kept or "
    f"broken), given only where at least {say_do.MIN_RESOLVED} are resolved (– where fewer). "
    "Click a cell, or pick it below, to list the commitments behind it. The rules for each "
    "verdict are on the Sources & methodology page."
)
picked = None
if counts.empty:
    ui.empty_state("commitments")
else:
    picked = ui.clickable_chart(
        figures.clickable_cells(
            figures.say_do_heatmap(*say_do.verdict_matrix(counts, ctx.shown, ctx.comparison))
        ),
        "say_do",
        title="Commitments and what became of them",
    )
    totals = counts[["made", "kept", "partly_kept", "broken", "in_progress", "unclear"]].sum()
    st.caption(
        f"{ui.plural(int(totals['made']), 'commitment')} under the filters: "
        + ", ".join(f"{int(totals[v])} {VERDICT_NAMES[v]}" for v in VERDICT_NAMES)
        + "."
    )

st.subheader("The commitments behind a cell")
cells = {f"{r.area_id}|{r.side}|{r.period}": f"{r.area} — {r.column}" for r in counts.itertuples()}
click = ui.new_cell_click(picked, "say_do")  # (area name, side · term)
by_label = {label: key for key, label in cells.items()}
cell = ui.linked_choice(
    "Cell",
    list(cells),
    "cell",
    "say_do_cell",
    by_label.get(f"{click[0]} — {click[1]}") if click else None,
    format_func=cells.get,
)
if cell:
    area, side, period = cell.split("|")
    rows = say_do.in_cell(commitments, area, side, period)
    for row in rows.itertuples(index=False):
        with st.container(border=True):
            deadline = (
                "no deadline given"
                if pd.isna(row.deadline)
                else f"deadline {row.deadline:%Y-%m-%d}"
            )
            st.caption(
                f"{ctx.comparison.actor_names[row.actor]}, stated {row.stated:%Y-%m-%d} · "
                f"{deadline} · verdict: "
                f"{VERDICT_NAMES[row.verdict]} as of {row.verdict_as_of:%Y-%m-%d} "
                f"({row.confidence} confidence)"
            )
            st.text(row.statement)
            st.text(f"Why: {row.verdict_reason}")
    cited = [rows["source_ids"]]
    evidence = matrices.ids_in(rows["evidence_event_ids"])
    if evidence:
        events = ui.events_table(
            ctx, "cited as evidence", "say_do_events", engine.Only(event_ids=evidence)
        )
        cited.append(events["source_ids"])
    else:
        st.caption("No events are cited as evidence in this cell.")
    st.caption("Sources of the statements and of the evidence")
    ui.sources_table(ctx.cited(cited), key="say_do_sources")

st.subheader("All commitments under the filters")
shown = ctx.readable(
    commitments[
        [
            "area_id",
            "side",
            "period",
            "stated",
            "statement",
            "deadline",
            "verdict",
            "verdict_reason",
            "verdict_as_of",
            "confidence",
            "source_ids",
        ]
    ]
)
ui.grid(shown, column_config=ui.column_config("commitments"))
ui.download_csv(commitments, "commitments", ctx.filters, "dl_commitments")
