"""Sources & methodology: sources, scales, coding rules, limits, licence and citation."""

import pandas as pd
import streamlit as st

from dashboard import about, matrices, ui
from dashboard.data.tables import INTENSITY_SCALE, STANCE_SCALE
from dashboard.gdelt.layout import shipped_mappings

ctx = ui.context()
cited = matrices.curated_citations(matrices.curated_tables(ctx.dataset, ctx.filters))
count, primary = ctx.store.cited_counts(ctx.filters, cited)

st.title("Sources & methodology")
ui.filter_caption(ctx, ("events", "positions", "outcomes", "impacts"))
st.caption(
    f"{ui.plural(count, 'source')} cited by the rows under the filters "
    f"({primary:,} of them primary), of {ctx.store.source_total:,} in the dataset. "
    "Every row of the data cites one or more."
)
start = ui.page_start(count, key="sources_page")
ui.sources_table(
    ctx.store.cited_sources(ctx.filters, cited, ui.PAGE_SIZE, offset=start), key="all_sources"
)
ui.download_csv(
    lambda: ctx.store.cited_sources(ctx.filters, cited),
    "sources",
    ctx.filters,
    "dl_sources",
    rows=count,
)

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

st.header("What is compared")
st.caption("Declared by the dataset itself, in its sides, actors and periods tables.")
sides, periods = matrices.comparison_tables(ctx.comparison)
ui.grid(sides, key="compared_sides")
ui.grid(periods, key="compared_periods")
st.header("How the data was coded")
st.markdown(about.METHOD)
if ctx.store.machine_coded:
    st.header("Machine-coded events: GDELT 2.0")
    st.markdown(about.GDELT_METHOD)
    imported = ctx.dataset.meta.get("gdelt", {})
    rules = imported.get("mapping", {})
    if rules:
        st.subheader("Mapping rules of this dataset")
        st.table(pd.DataFrame({"field": list(rules), "from GDELT": list(rules.values())}))
    st.subheader("Policy areas from CAMEO codes and places (as shipped)")
    ui.grid(pd.DataFrame(shipped_mappings().area_rules), key="gdelt_area_rules")
    st.caption(
        "The mapping tables (CAMEO codes, FIPS to ISO, actor types, area rules) travel with "
        "the dataset in gdelt-mappings/, with their sources in gdelt-mappings/SOURCES.md."
    )
st.header("Say vs do: how commitments are judged")
st.markdown(about.VERDICT_RULES)
st.header("Limits of the data")
st.markdown(about.LIMITS)
limits = ctx.dataset.meta.get("limits") or []
if limits:
    st.caption("This dataset's own limits, as its editors state them")
    st.text("\n".join(f"- {limit}" for limit in limits))
st.header("Licence")
st.text(about.DATA_LICENCE + about.CODE_LICENCE)
st.header("Corrections")
st.markdown(about.CORRECTIONS)
st.header("How to cite")
st.text(ui.citation(ctx.dataset))
