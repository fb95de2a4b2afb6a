"""Entry point: the page list and the shared sidebar (``streamlit run dashboard/app.py``)."""

import streamlit as st

from dashboard import ui

st.set_page_config(page_title="US–Russia: two governments compared", page_icon="⚖️", layout="wide")

PAGES = [
    st.Page("views/overview.py", title="Overview", url_path="overview", default=True),
    st.Page("views/compare.py", title="Compare", url_path="compare"),
    st.Page("views/impact_map.py", title="Impact map", url_path="map"),
    st.Page("views/timeline.py", title="Timeline", url_path="timeline"),
    st.Page("views/data.py", title="Data", url_path="data"),
    st.Page("views/sources.py", title="Sources & methodology", url_path="sources"),
]

# Our own page links (ui.sidebar) carry the filters in their URLs; Streamlit's would drop them.
navigation = st.navigation(PAGES, position="hidden")
dataset, _, errors, directory = ui.load()
if dataset is None:
    ui.error_page(errors, directory)
else:
    st.session_state.filters = ui.sidebar(dataset, PAGES)
    ui.show_notices()
    navigation.run()
