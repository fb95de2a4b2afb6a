"""Say versus do: commitments counted by verdict per area × side × period (pure pandas).

A share kept is only given where at least ``MIN_RESOLVED`` commitments are resolved (kept,
partly kept or broken): a share of one or two says nothing a reader can rely on.
"""

from __future__ import annotations

import pandas as pd

from dashboard.data.comparison import Comparison
from dashboard.data.tables import RESOLVED, VERDICT_NAMES, VERDICTS
from dashboard.matrices import stance_column, stance_columns

MIN_RESOLVED = 3


def verdict_counts(
    commitments: pd.DataFrame, names: dict[str, str], comparison: Comparison
) -> pd.DataFrame:
    """One row per area × side × period with commitments: counts per verdict and the share kept.

    ``share_kept`` is kept / resolved, and missing where fewer than ``MIN_RESOLVED`` are resolved.
    """
    columns = ["area_id", "area", "side", "period", "column", "made", *VERDICTS]
    columns += ["resolved", "share_kept"]
    if commitments.empty:
        return pd.DataFrame(columns=columns)
    counts = (
        commitments.groupby(["area_id", "side", "period", "verdict"], observed=True)
        .size()
        .unstack("verdict", fill_value=0)
        .reindex(columns=list(VERDICTS), fill_value=0)
        .reset_index()
    )
    counts = counts[counts["area_id"].isin(names)]
    counts["made"] = counts[list(VERDICTS)].sum(axis=1)
    counts["resolved"] = counts[list(RESOLVED)].sum(axis=1)
    share = counts["kept"] / counts["resolved"].where(counts["resolved"] >= MIN_RESOLVED)
    counts["share_kept"] = share.astype("Float64")
    counts["area"] = counts["area_id"].map(names)
    counts["column"] = [
        stance_column(comparison, s, p)
        for s, p in zip(counts["side"], counts["period"], strict=True)
    ]
    order = {
        "area_id": {a: i for i, a in enumerate(names)},
        "period": {p: i for i, p in enumerate(comparison.period_ids)},
        "side": {s: i for i, s in enumerate(comparison.side_ids)},
    }
    counts = counts.sort_values(["area_id", "period", "side"], key=lambda c: c.map(order[c.name]))
    return counts[columns].reset_index(drop=True)


def cell_text(row: pd.Series) -> str:
    """What a matrix cell says in words: the counts, then the share or why there is none."""
    parts = [f"{row[v]} {VERDICT_NAMES[v]}" for v in VERDICTS if row[v]]
    if pd.isna(row["share_kept"]):
        share = f"{row['resolved']} resolved: too few for a share"
    else:
        share = f"{row['share_kept']:.0%} of {row['resolved']} resolved kept"
    return "\n".join([", ".join(parts), share])


def cell_figures(row: pd.Series) -> str:
    """The cell as figures that fit a phone: "2·1·1·2·0" (kept · partly kept · broken · in
    progress · unclear), then the share kept or a dash where too few are resolved."""
    counts = "·".join(str(int(row[v])) for v in VERDICTS)
    share = "–" if pd.isna(row["share_kept"]) else f"{row['share_kept']:.0%} kept"
    return f"{counts}\n{share}"


NO_COMMITMENT = "no commitment recorded"


def verdict_matrix(
    counts: pd.DataFrame, names: dict[str, str], comparison: Comparison
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Areas as rows, side × period as columns: the share kept (colour), the figures written in
    each cell (``cell_figures``) and the same in words for hovering (``cell_text``)."""
    columns = stance_columns(comparison)
    present = [c for c in columns if c in set(counts["column"])]
    rows = [n for a, n in names.items() if a in set(counts["area_id"])]
    share = pd.DataFrame(index=rows, columns=present, dtype="Float64")
    figures = pd.DataFrame("", index=rows, columns=present, dtype=object)
    words = pd.DataFrame(NO_COMMITMENT, index=rows, columns=present, dtype=object)
    for _, row in counts.iterrows():
        share.loc[row["area"], row["column"]] = row["share_kept"]
        figures.loc[row["area"], row["column"]] = cell_figures(row)
        words.loc[row["area"], row["column"]] = cell_text(row)
    return share, figures, words


def in_cell(commitments: pd.DataFrame, area: str, side: str, period: str) -> pd.DataFrame:
    """The commitments behind one matrix cell, oldest statement first."""
    chosen = (
        (commitments["area_id"] == area)
        & (commitments["side"] == side)
        & (commitments["period"] == period)
    )
    return commitments[chosen].sort_values("stated")


def timeline_rows(
    commitments: pd.DataFrame, names: dict[str, str], comparison: Comparison
) -> pd.DataFrame:
    """Commitments as bars for the timeline: stated → verdict as of, one row per area × side."""
    rows = commitments[commitments["area_id"].isin(names)]
    area_order = {a: i for i, a in enumerate(names)}
    side_order = {s: i for i, s in enumerate(comparison.side_ids)}
    rows = rows.assign(
        _area=rows["area_id"].map(area_order), _side=rows["side"].map(side_order)
    ).sort_values(["_area", "_side", "stated"])
    return pd.DataFrame(
        {
            "stated": rows["stated"],
            "verdict_as_of": rows["verdict_as_of"],
            "row": rows["area_id"].map(names) + " · " + rows["side"].map(comparison.side_names),
            "verdict": rows["verdict"].map(VERDICT_NAMES),
            "statement": rows["statement"],
        }
    )
