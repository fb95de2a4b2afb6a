"""Sources & methodology: sources, scales, coding rules, limits, licence and citation."""

import pandas as pd
import streamlit as st

from dashboard import about, matrices, ui
from dashboard.data.tables import INTENSITY_SCALE, STANCE_SCALE

ctx = ui.context()
sources = matrices.filtered_small_tables(ctx.dataset, ctx.store, ctx.filters)["sources"]

st.title("Sources & methodology")
ui.filter_caption(ctx, ("events", "positions", "outcomes", "impacts"))
primary = int((sources["kind"] == "primary").sum())
everything = len(ctx.dataset.sources)
st.caption(
    f"{ui.plural(len(sources), 'source')} cited by the rows under the filters "
    f"({primary:,} of them primary), of {everything:,} in the dataset. "
    "Every row of the data cites one or more."
)
ui.sources_table(sources.sort_values(["publisher", "title"]), key="all_sources")
ui.download_csv(sources, "sources", ctx.filters, "dl_sources")

st.header("Scales")
left, right = st.columns(2)
with left:
    st.subheader("Stance (positions)")
    st.table(pd.DataFrame({"stance": list(STANCE_SCALE), "meaning": list(STANCE_SCALE.values())}))
    st.subheader("Confidence (positions)")
    st.table(
        pd.DataFrame(
            {
                "confidence": ["high", "medium", "low"],
                "meaning": [
                    "stated plainly and repeatedly by the side",
                    "read from a few statements",
                    "the record is unclear; the text says so",
                ],
            }
        )
    )
with right:
    st.subheader("Intensity (impacts)")
    st.table(
        pd.DataFrame(
            {"intensity": list(INTENSITY_SCALE), "meaning": list(INTENSITY_SCALE.values())}
        )
    )
    st.subheader("Cooperation–conflict score (events)")
    st.table(
        pd.DataFrame(
            {
                "score": ["+7 to +10", "+1 to +6", "0", "−1 to −6", "−7 to −10"],
                "examples on the Goldstein scale": [
                    "treaty or agreement signed, major aid",
                    "meeting, call, promise, easing of a measure",
                    "neutral statement",
                    "criticism, accusation, sanctions, expulsions",
                    "threat or use of military force",
                ],
            }
        )
    )

st.header("How the data was coded")
st.markdown(about.METHOD)
st.header("Say vs do: how commitments are judged")
st.markdown(about.VERDICT_RULES)
st.header("Limits of the data")
st.markdown(about.LIMITS)
st.header("Licence")
st.text(about.DATA_LICENCE + about.CODE_LICENCE)
st.header("Corrections")
st.markdown(about.CORRECTIONS)
st.header("How to cite")
st.text(ui.citation(ctx.dataset))
