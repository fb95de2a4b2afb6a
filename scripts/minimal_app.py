"""The benchmark's baseline: the smallest page that does what a dashboard page does.

A title, one sidebar widget (a multiselect labelled "Policy areas", key ``f_areas``, like the
dashboard's) and one plotly chart that is redrawn whenever the selection changes. ``make bench``
measures its rerun time, browser update time and payload with exactly the same procedure as the
real pages, so the dashboard's figures can be read as multiples of what Streamlit itself costs
on this machine.

Run it alone with ``streamlit run scripts/minimal_app.py``.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

AREAS = {
    "counter_terrorism": "Counter-terrorism",
    "trade_sanctions": "Trade and sanctions",
    "ukraine": "Ukraine",
    "arms_control": "Arms control",
    "cyber_elections": "Cyber and elections",
    "human_rights": "Human rights",
}
MONTHS = 120

st.title("Baseline")  # a page title, as every dashboard page has (the browser waits for it)
with st.sidebar:
    chosen = st.multiselect(
        "Policy areas", list(AREAS), format_func=AREAS.get, key="f_areas", placeholder="All areas"
    )

figure = go.Figure()
for i, area in enumerate(chosen or AREAS):
    counts = np.random.default_rng(i).poisson(20, MONTHS)
    figure.add_trace(go.Scatter(x=np.arange(MONTHS), y=counts, mode="lines", name=AREAS[area]))
figure.update_layout(title="Events per month", height=400)
st.plotly_chart(figure, key="chart")
