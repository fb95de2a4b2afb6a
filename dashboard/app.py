"""Entry point: the page list and the shared sidebar (``streamlit run dashboard/app.py``)."""

import streamlit as st

from dashboard import registry, ui, uploaded

# No page_title here: it would give every page the same browser-tab title.
st.set_page_config(page_icon="⚖️", layout="wide")
ui.rerun_on_reconnect()  # a session that lost its replica is rebuilt from the URL on another
dataset, store, errors, directory = ui.load()
SITE = dataset.comparison.title if dataset else "Governments compared"
PAGES = {  # page -> the label of its sidebar link; the tab title also names the dataset
    st.Page(f"views/{file}.py", title=f"{label} · {SITE}", url_path=path, default=not i): label
    for i, (file, path, label) in enumerate(registry.PAGES)
}

# Our own page links (ui.sidebar) carry the filters in their URLs; Streamlit's would drop them.
navigation = st.navigation(list(PAGES), position="hidden")
if dataset is None:
    ui.error_page(errors, directory)
else:
    st.session_state.filters = ui.sidebar(dataset, PAGES, machine_coded=bool(store.machine_coded))
    ui.show_notices()
    uploaded.banner()
    navigation.run()
