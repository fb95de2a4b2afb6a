"""Your data: the template, an upload of your own dataset, and what was wrong with it."""

import streamlit as st

from dashboard import ui, uploaded

st.title("Your data")
st.caption(
    "Explore a dataset of your own on every page: another pair of governments, other periods, "
    "other areas. It is checked as python -m dashboard check checks a dataset, and seen only in "
    "this browser session: nothing is kept once you go back, and nobody else sees it."
)

st.subheader("1. Start from the template")
st.caption(
    "A zip with README.md (every table and column explained), an empty CSV per table with its "
    "header, and a small valid example. Declare your sides, their actors and your periods in "
    "sides.csv, actors.csv and periods.csv; the pages follow them."
)
ui.template_download()

st.subheader("2. Upload your dataset")
files = st.file_uploader(
    "A zip of your dataset's folder, or its CSV and Parquet files",
    type=["zip", "csv", "parquet", "json"],
    accept_multiple_files=True,
    key="upload_files",
)
if files and st.button("Check and explore it", type="primary", key="take_upload"):
    problems, notices = uploaded.take([(f.name, f.getvalue()) for f in files])
    if problems:
        ui.problems_table(problems, "Your upload was not taken: nothing of it was kept.")
    else:
        st.session_state.upload_notices = notices
        st.rerun()
for notice in st.session_state.pop("upload_notices", []):
    st.text(f"Left out: {notice.file}: {notice.message}")

own = uploaded.current()
if own:
    st.success("Your dataset is checked: every page now shows it.")
    st.text(f"{own['title']} ({', '.join(own['files'])})")
