"""The comparison a dataset declares: its sides, their actors, its periods, its title.

Nothing about the governments compared is written in code: ``sides.csv``, ``actors.csv`` and
``periods.csv`` declare them, and the dataset's ``datapackage.json`` its title and subtitle.
``Comparison`` is that declaration as one hashable value the pages and queries work from;
``check_comparison`` holds the rules the tables must keep between them, each broken rule a
``file:row:column`` message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from dashboard.data.errors import WHOLE, DataError
from dashboard.data.read import RawTable
from dashboard.data.tables import DATE_FLOOR, STATING_ROLES

COMPARISON_TABLES = ("sides", "actors", "periods")
STATED_BY_SIDE = ("positions", "commitments")  # tables whose rows name a side and its actor
OF_PERIOD = ("positions", "outcomes", "impacts", "commitments")  # rows of a compared period
MIN_SIDES = 2


@dataclass(frozen=True)
class Side:
    id: str
    name: str
    colour: str
    countries: tuple[str, ...] = ()


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    side: str | None
    role: str


@dataclass(frozen=True)
class Period:
    id: str
    name: str
    label: str
    start: dt.date
    end: dt.date | None  # None: it runs on
    compared: bool


@dataclass(frozen=True)
class Comparison:
    """The sides, actors and periods of a dataset, in the order its tables give them."""

    title: str
    subtitle: str
    sides: tuple[Side, ...]
    actors: tuple[Actor, ...]
    periods: tuple[Period, ...]

    @property
    def side_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.sides)

    @property
    def side_names(self) -> dict[str, str]:
        return {s.id: s.name for s in self.sides}

    @property
    def actor_names(self) -> dict[str, str]:
        return {a.id: a.name for a in self.actors}

    def actors_of(self, side: str) -> tuple[str, ...]:
        """Every actor of a side: an event with one of them in it is an event of that side."""
        return tuple(a.id for a in self.actors if a.side == side)

    @property
    def principals(self) -> tuple[str, ...]:
        """Each side's voice, whose positions fill the stance matrix, in the sides' order."""
        by_side = {a.side: a.id for a in self.actors if a.role == "principal"}
        return tuple(by_side[s] for s in self.side_ids if s in by_side)

    @property
    def period_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.periods)

    @property
    def compared(self) -> tuple[str, ...]:
        """The periods with positions and outcomes (the matrices' columns), in order."""
        return tuple(p.id for p in self.periods if p.compared)

    @property
    def period_names(self) -> dict[str, str]:
        return {p.id: p.name for p in self.periods}

    @property
    def period_labels(self) -> dict[str, str]:
        return {p.id: p.label for p in self.periods}

    @property
    def earliest(self) -> dt.date:
        """No event, position or commitment is dated before the first period starts."""
        return min((p.start for p in self.periods), default=DATE_FLOOR)

    def spans(self, today: dt.date | None = None) -> dict[str, tuple[dt.date, dt.date]]:
        """First and last day of each period; one that runs on runs to ``today``."""
        last = today or dt.date.today()
        return {p.id: (p.start, p.end or max(last, p.start)) for p in self.periods}


def comparison_of(typed: dict[str, pd.DataFrame], meta: dict) -> Comparison:
    """The comparison of checked tables (``typed``) and the dataset's metadata."""
    sides = typed["sides"]
    actors = typed["actors"]
    periods = typed["periods"]
    return Comparison(
        title=str(meta.get("title") or "Governments compared, issue by issue"),
        subtitle=str(meta.get("subtitle") or meta.get("description") or ""),
        sides=tuple(
            Side(r.side_id, r.name, r.colour, _ids(r.countries))
            for r in sides.itertuples(index=False)
        ),
        actors=tuple(
            Actor(r.actor_id, r.name, None if pd.isna(r.side_id) else r.side_id, r.role)
            for r in actors.itertuples(index=False)
        ),
        periods=tuple(
            Period(
                r.period_id,
                r.name,
                r.label,
                r.start.date(),
                None if pd.isna(r.end) else r.end.date(),
                bool(r.compared),
            )
            for r in periods.itertuples(index=False)
        ),
    )


def _ids(cell: object) -> tuple[str, ...]:
    return tuple(i for i in cell.split(";") if i) if isinstance(cell, str) else ()


def earliest_date(typed: dict[str, pd.DataFrame]) -> dt.date:
    """The first period's start, once periods are read; the floor before."""
    periods = typed.get("periods")
    if periods is None or periods["start"].isna().all():
        return DATE_FLOOR
    return periods["start"].min().date()


def check_comparison(typed: dict[str, pd.DataFrame], raws: dict[str, RawTable]) -> list[DataError]:
    """The rules between the comparison's tables and the rows that name a side, actor or period.

    Column-by-column checks (types, references) have already run; these are the ones a single
    column cannot state.
    """
    if not all(name in typed for name in COMPARISON_TABLES):
        return []
    errors = _check_sides(typed["sides"], typed["actors"], raws)
    errors += _check_periods(typed["periods"], raws["periods"])
    actors = typed["actors"].set_index("actor_id")
    compared = set(typed["periods"].loc[typed["periods"]["compared"].fillna(False), "period_id"])
    sides = set(typed["sides"]["side_id"])
    for name in STATED_BY_SIDE:
        if name in typed:
            errors += _check_stated_by(typed[name], raws[name], actors, sides)
    declared = set(typed["periods"]["period_id"])
    for name in OF_PERIOD:
        if name in typed:
            errors += _check_compared(typed[name], raws[name], declared - compared)
    return errors


def _check_sides(
    sides: pd.DataFrame, actors: pd.DataFrame, raws: dict[str, RawTable]
) -> list[DataError]:
    errors = []
    if len(sides) < MIN_SIDES:
        errors.append(
            DataError(
                raws["sides"].file,
                WHOLE,
                WHOLE,
                f"a comparison needs at least {MIN_SIDES} sides; {len(sides)} declared",
            )
        )
    principals = actors[actors["role"] == "principal"]
    for index, side in sides["side_id"].items():
        if side not in set(principals["side_id"]):
            errors.append(
                DataError(
                    raws["sides"].file,
                    raws["sides"].row(int(index)),
                    "side_id",
                    f"side '{side}' has no principal actor in actors (its voice in the matrices)",
                )
            )
    second = principals[principals.duplicated("side_id", keep="first")]
    for index, row in second.iterrows():
        errors.append(
            DataError(
                raws["actors"].file,
                raws["actors"].row(int(index)),
                "role",
                f"side '{row['side_id']}' already has a principal actor; one per side",
            )
        )
    sideless = actors[actors["role"].isin(STATING_ROLES) & actors["side_id"].isna()]
    for index, row in sideless.iterrows():
        errors.append(
            DataError(
                raws["actors"].file,
                raws["actors"].row(int(index)),
                "side_id",
                f"a {row['role']} actor states positions for a side: name its side",
            )
        )
    return errors


def _check_periods(periods: pd.DataFrame, raw: RawTable) -> list[DataError]:
    """Periods follow each other in the file's order, each ending before the next starts."""
    errors = []
    previous = None
    for index, row in periods.iterrows():
        start, end = row["start"], row["end"]
        at = raw.row(int(index))
        if pd.notna(start) and pd.notna(end) and end < start:
            errors.append(DataError(raw.file, at, "end", f"{end:%Y-%m-%d} is before its start"))
        if previous is not None and pd.notna(start):
            last = previous["end"]
            if pd.isna(last):
                errors.append(
                    DataError(
                        raw.file,
                        at,
                        "start",
                        f"period '{previous['period_id']}' above runs on (no end): only the "
                        "last period may be open",
                    )
                )
            elif start <= last:
                word = "comes before" if start < previous["start"] else "overlaps"
                errors.append(
                    DataError(
                        raw.file,
                        at,
                        "start",
                        f"{start:%Y-%m-%d} {word} period '{previous['period_id']}' above "
                        f"({previous['start']:%Y-%m-%d} to {last:%Y-%m-%d}); periods are listed "
                        "in order and may not overlap",
                    )
                )
        previous = row
    return errors


def _check_stated_by(
    frame: pd.DataFrame, raw: RawTable, actors: pd.DataFrame, sides: set[str]
) -> list[DataError]:
    """A position or commitment is stated by a principal or stating actor of its own side."""
    errors = []
    for index, row in frame[["side", "actor"]].dropna().iterrows():
        if row["actor"] not in actors.index or row["side"] not in sides:
            continue  # reported as an unknown actor or side already
        actor = actors.loc[row["actor"]]
        at = raw.row(int(index))
        if actor["role"] not in STATING_ROLES:
            message = f"actor '{row['actor']}' is an {actor['role']} actor: it states nothing"
            errors.append(DataError(raw.file, at, "actor", message))
        elif actor["side_id"] != row["side"]:
            message = (
                f"actor '{row['actor']}' belongs to side '{actor['side_id']}', not '{row['side']}'"
            )
            errors.append(DataError(raw.file, at, "actor", message))
    return errors


def _check_compared(frame: pd.DataFrame, raw: RawTable, uncompared: set[str]) -> list[DataError]:
    """Positions, outcomes, impacts and commitments belong to a compared period (an undeclared
    one is reported as unknown by the reference check)."""
    named = frame["period"].dropna()
    outside = named[named.isin(uncompared)]
    return [
        DataError(
            raw.file,
            raw.row(int(index)),
            "period",
            f"period '{value}' is not compared (compared = false in periods): it dates events only",
        )
        for index, value in outside.items()
    ]
