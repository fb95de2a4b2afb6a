"""Data: every table under the active filters, paged, each downloadable as CSV; all as a zip."""

import math

import streamlit as st

from dashboard import export, matrices, ui
from dashboard.data.tables import TABLES

PAGE_SIZE = 1000

ctx = ui.context()
tables = matrices.filtered_small_tables(ctx.dataset, ctx.store, ctx.filters)
counts = {
    "events": ctx.store.count(ctx.filters),
    **{name: len(frame) for name, frame in tables.items()},
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
pages = max(1, math.ceil(rows / PAGE_SIZE))
page = 1
if pages > 1:
    page = st.number_input(f"Page (of {pages:,}, {PAGE_SIZE:,} rows each)", 1, pages, 1)
start = (page - 1) * PAGE_SIZE
if table_name == "events":
    shown = ctx.store.newest(ctx.filters, PAGE_SIZE, offset=start)
else:
    shown = tables[table_name].iloc[start : start + PAGE_SIZE]
if not rows:
    ui.empty_state(table_name)
ui.grid(
    ctx.readable(shown),
    column_config=ui.column_config(table_name),
    key="data_frame",
)
full_table = (
    (lambda: ctx.store.newest(ctx.filters))
    if table_name == "events"
    else (lambda: tables[table_name])
)
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
