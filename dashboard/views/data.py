"""Data: every table under the active filters, paged, each downloadable as CSV; all as a zip."""

import streamlit as st

from dashboard import export, matrices, ui
from dashboard.data.tables import TABLES

ctx = ui.context()
tables = matrices.curated_tables(ctx.dataset, ctx.filters)
cited = matrices.curated_citations(tables)  # with those the events cite: the sources shown
counts = {
    "events": ctx.store.count(ctx.filters),
    **{name: len(frame) for name, frame in tables.items()},
    "sources": ctx.store.cited_counts(ctx.filters, cited)[0],
}

st.title("Data")
ui.filter_caption(ctx, ("events", "positions", "outcomes", "impacts"))
st.caption(
    "Each table under the filters in the sidebar; sources are those the filtered rows cite. "
    "The screen shows names for ids; the CSV holds exactly the filtered rows with the dataset's "
    "own ids (UTF-8, opens in Excel and LibreOffice; cells that could run as formulas are "
    "defused)."
)
table_name = ui.page_choice("Table", {t: t.capitalize() for t in counts}, "table", key="data_table")

rows = counts[table_name]
st.caption(f"{TABLES[table_name].description} Rows matching the filters: {rows:,}.")
start = ui.page_start(rows, key="data_page")
if table_name == "events":
    shown = ctx.store.newest(ctx.filters, ui.PAGE_SIZE, offset=start)
elif table_name == "sources":
    shown = ctx.store.cited_sources(ctx.filters, cited, ui.PAGE_SIZE, offset=start)
else:
    shown = tables[table_name].iloc[start : start + ui.PAGE_SIZE]
if not rows:
    ui.empty_state(table_name)
ui.grid(
    ctx.readable(shown),
    column_config=ui.column_config(table_name),
    key="data_frame",
)
full_table = {
    "events": lambda: ctx.store.newest(ctx.filters),
    "sources": lambda: ctx.store.cited_sources(ctx.filters, cited),
}.get(table_name, lambda: tables[table_name])
ui.download_csv(full_table, table_name, ctx.filters, "dl_table", rows=rows)
st.download_button(
    "Download all filtered tables, licence and citation (zip)",
    data=lambda: export.zip_bytes(
        matrices.filtered_tables(ctx.dataset, ctx.store, ctx.filters),
        ui.documents(ctx.dataset, ctx.filters),
    ),
    file_name=export.file_name("all-tables", ctx.filters.describe(), "zip", ui.dataset_version()),
    mime="application/zip",
    on_click="ignore",
    key="dl_zip",
)
