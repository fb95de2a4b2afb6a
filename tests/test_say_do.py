"""Say versus do: verdicts counted per cell, and a share only where enough are resolved."""

import pandas as pd
import pytest

from dashboard import say_do
from tests.shipped_comparison import comparison

NAMES = {"ukraine": "Ukraine", "arms_control": "Arms control"}


def commitments(verdicts: list[str], area: str = "ukraine", side: str = "US") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "commitment_id": [f"k{i}" for i in range(len(verdicts))],
            "area_id": area,
            "side": side,
            "period": "term2",
            "stated": pd.Timestamp("2025-03-01"),
            "verdict": verdicts,
        }
    )


def only_row(frame: pd.DataFrame) -> pd.Series:
    assert len(frame) == 1
    return frame.iloc[0]


def test_nothing_due_gives_counts_but_no_share():
    row = only_row(
        say_do.verdict_counts(commitments(["in_progress", "in_progress"]), NAMES, comparison())
    )
    assert (row["made"], row["in_progress"], row["resolved"]) == (2, 2, 0)
    assert pd.isna(row["share_kept"])
    assert say_do.cell_text(row) == "2 in progress\n0 resolved: too few for a share"


def test_all_unclear_is_not_resolved():
    row = only_row(say_do.verdict_counts(commitments(["unclear"] * 4), NAMES, comparison()))
    assert row["resolved"] == 0 and pd.isna(row["share_kept"])


def test_two_resolved_are_too_few_for_a_share():
    row = only_row(
        say_do.verdict_counts(commitments(["kept", "broken", "unclear"]), NAMES, comparison())
    )
    assert row["resolved"] == 2 and pd.isna(row["share_kept"])
    assert say_do.cell_text(row).endswith("2 resolved: too few for a share")


def test_mixed_verdicts_give_the_share_of_resolved_kept():
    verdicts = ["kept", "kept", "partly_kept", "broken", "in_progress", "unclear"]
    row = only_row(say_do.verdict_counts(commitments(verdicts), NAMES, comparison()))
    assert (row["kept"], row["partly_kept"], row["broken"], row["resolved"]) == (2, 1, 1, 4)
    assert row["share_kept"] == pytest.approx(0.5)
    assert say_do.cell_text(row) == (
        "2 kept, 1 partly kept, 1 broken, 1 in progress, 1 unclear\n50% of 4 resolved kept"
    )


def test_cells_follow_the_area_order_and_the_matrix_keeps_both_sides():
    frame = pd.concat(
        [
            commitments(["kept"] * 3, area="arms_control", side="RU"),
            commitments(["broken"], area="ukraine", side="US"),
        ]
    )
    counts = say_do.verdict_counts(frame, NAMES, comparison())
    assert list(counts["area_id"]) == ["ukraine", "arms_control"]
    share, figures, words = say_do.verdict_matrix(counts, NAMES, comparison())
    assert list(share.index) == ["Ukraine", "Arms control"]
    assert list(share.columns) == ["United States · 2nd Trump term", "Russia · 2nd Trump term"]
    assert share.loc["Arms control", "Russia · 2nd Trump term"] == 1.0
    assert figures.loc["Arms control", "Russia · 2nd Trump term"] == "3·0·0·0·0\n100% kept"
    assert figures.loc["Ukraine", "United States · 2nd Trump term"] == "0·0·1·0·0\n–"
    assert words.loc["Arms control", "United States · 2nd Trump term"] == "no commitment recorded"


def test_no_commitments_give_an_empty_table():
    assert say_do.verdict_counts(commitments([]), NAMES, comparison()).empty
