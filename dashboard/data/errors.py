"""Data errors: each names the file, the row (as a spreadsheet numbers it) and the column."""

from __future__ import annotations

from dataclasses import dataclass

WHOLE = "-"  # row or column placeholder for an error about a whole file or a whole column

MAX_ERRORS_PER_COLUMN = 20


@dataclass(frozen=True, order=True)
class DataError:
    """One problem in a dataset.

    ``row`` is the spreadsheet row: the header is row 1, the first record row 2 (a record with
    line breaks inside quotes still counts as one row). For Parquet, row 1 is the first record.
    """

    file: str
    row: int | str
    column: str
    message: str
    code: str = "invalid"

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.message}"


class DatasetError(Exception):
    """Raised with every error found in a dataset, never just the first."""

    def __init__(self, errors: list[DataError]):
        self.errors = errors
        super().__init__(f"{len(errors)} error(s) in dataset")

    def lines(self) -> list[str]:
        return [str(e) for e in self.errors]


def cap_per_column(errors: list[DataError]) -> list[DataError]:
    """Keep the first errors of each file and column, then one line that counts the rest.

    A million-row file with one bad column would otherwise produce a million lines.
    """
    kept: list[DataError] = []
    counts: dict[tuple[str, str], int] = {}
    for error in errors:
        key = (error.file, error.column)
        counts[key] = counts.get(key, 0) + 1
        if counts[key] <= MAX_ERRORS_PER_COLUMN:
            kept.append(error)
    for (file, column), count in counts.items():
        if count > MAX_ERRORS_PER_COLUMN:
            kept.append(more_errors(file, column, count))
    return kept


def more_errors(file: str, column: str, count: int) -> DataError:
    """The line that stands for the errors of a column past the first MAX_ERRORS_PER_COLUMN."""
    more = count - MAX_ERRORS_PER_COLUMN
    return DataError(file, WHOLE, column, f"... and {more} more error(s) in this column")
