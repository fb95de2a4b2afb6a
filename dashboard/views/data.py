"""Data: every table under the active filters, paged, each downloadable as CSV; all as a zip."""

import math

import streamlit as st

from dashboard import export, matrices, ui
from dashboard.data.tables import TABLES

PAGE_SIZE = 1000

ctx = ui.context()
tables = matrices.filtered_tables(ctx.dataset, ctx.index, ctx.filters)

st.title("Data")
st.caption(
    "Each table under the filters in the sidebar. The CSV holds exactly the filtered rows "
    "(UTF-8, opens in Excel and LibreOffice; cells that could run as formulas are defused)."
)
table_name = ui.page_choice(
    "Table", {"events": "Events", **{t: t.capitalize() for t in tables}}, "table", key="data_table"
)

frame = tables[table_name]
st.caption(TABLES[table_name].description + f" {len(frame):,} rows match.")
pages = max(1, math.ceil(len(frame) / PAGE_SIZE))
page = 1
if pages > 1:
    page = st.number_input(f"Page (of {pages:,}, {PAGE_SIZE:,} rows each)", 1, pages, 1)
st.dataframe(
    frame.iloc[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
    hide_index=True,
    width="stretch",
    column_config=ui.column_config(table_name),
    key="data_frame",
)
ui.download_csv(frame, table_name, ctx.filters, "dl_table")
st.download_button(
    "Download all filtered tables, licence and citation (zip)",
    data=lambda: export.zip_bytes(tables, ui.documents()),
    file_name=export.file_name("all-tables", ctx.filters.describe(), "zip"),
    mime="application/zip",
    on_click="ignore",
    key="dl_zip",
)
