"""The sidebar filters as one value: parsed from and written to URL query parameters.

Pure Python: the pages turn widgets into a ``Filters`` and back; everything here is testable
without Streamlit. Unknown or malformed parameters are dropped with a notice, never an exception.
``FILTERS`` declares, once, what each filter selects in each table; the queries in
``matrices`` follow it and every page says it in a caption (``active_filters``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from dashboard.data.comparison import Comparison
from dashboard.data.tables import PROVENANCE_NAMES, STATUSES

MAX_PARAM_LENGTH = 500
SEARCH_MAX_LENGTH = 200
PAGE_PARAMS = (
    "region",
    "area",
    "year",
    "country",
    "cell",
    "table",
    "commitments",
    "trend",
    "change_from",
    "change_to",
    "section",
)  # owned by single pages, kept as they are
# "Events from": the curated record by default; machine-coded events only when chosen.
BOTH = "both"
EVENT_ORIGINS = {**PROVENANCE_NAMES, BOTH: "Both"}
DEFAULT_ORIGIN = "curated"
SEARCHED = (
    "English titles and descriptions of events, and the texts of positions, outcomes, impacts "
    "and commitments"
)


@dataclass(frozen=True)
class FilterSpec:
    """One sidebar filter: its URL key, its label, and what it selects in each table it reaches."""

    key: str
    label: str
    selects: dict[str, str]


FILTERS = (
    FilterSpec(
        "areas",
        "Policy areas",
        {
            "events": "events in any chosen area",
            "positions": "positions in the chosen areas",
            "outcomes": "outcomes in the chosen areas",
            "impacts": "impacts in the chosen areas",
            "commitments": "commitments in the chosen areas",
        },
    ),
    FilterSpec(
        "side",
        "Side",
        {
            "events": "events in which an actor of that side took part",
            "positions": "that side's positions",
            "commitments": "that side's commitments",
        },
    ),
    FilterSpec(
        "period",
        "Period",
        {
            "events": "events dated in the period",
            "positions": "positions of the period",
            "outcomes": "outcomes of the period",
            "impacts": "impacts of the period",
            "commitments": "commitments stated in the period",
        },
    ),
    FilterSpec(
        "dates",
        "Dates",
        {
            "events": "events dated in the range",
            "positions": "positions stated at some time in the range",
            "outcomes": "outcomes of periods that overlap the range",
            "impacts": "impacts of periods that overlap the range",
            "commitments": "commitments stated in the range",
        },
    ),
    FilterSpec(
        "status",
        "Outcome status",
        {
            "events": "events in an area and period whose outcome has that status",
            "positions": "positions in an area and period whose outcome has that status",
            "outcomes": "outcomes with that status",
            "impacts": "impacts in an area and period whose outcome has that status",
            "commitments": "commitments in an area and period whose outcome has that status",
        },
    ),
    FilterSpec(
        "provenance",
        "Events from",
        {"events": "events of the chosen feed: curated, GDELT (machine-coded) or both"},
    ),
    FilterSpec(
        "q",
        "Search",
        {
            "events": "events whose title or description holds every word",
            "positions": "positions whose text holds every word",
            "outcomes": "outcomes whose text holds every word",
            "impacts": "impacts whose text holds every word",
            "commitments": "commitments whose statement or verdict reason holds every word",
        },
    ),
)


@dataclass(frozen=True)
class Filters:
    """The view a user chose. Empty tuples and None mean "no restriction"."""

    areas: tuple[str, ...] = ()
    side: str | None = None
    period: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    statuses: tuple[str, ...] = ()
    search: str = ""
    provenance: str = DEFAULT_ORIGIN  # curated, gdelt or both
    page: dict[str, str] = field(default_factory=dict, compare=False)

    def to_query(self) -> dict[str, str]:
        """Query parameters for a shareable link: only what differs from the default."""
        query = {
            "areas": ",".join(self.areas),
            "side": self.side or "",
            "period": self.period or "",
            "from": self.start.isoformat() if self.start else "",
            "to": self.end.isoformat() if self.end else "",
            "status": ",".join(self.statuses),
            "provenance": "" if self.provenance == DEFAULT_ORIGIN else self.provenance,
            "q": self.search,
        }
        return {key: value for key, value in query.items() if value}

    def active(self) -> list[str]:
        """The keys of ``FILTERS`` that restrict this view."""
        query = self.to_query()
        values = {"dates": self.start or self.end, "status": self.statuses}
        return [spec.key for spec in FILTERS if values.get(spec.key, query.get(spec.key))]

    def describe(self) -> str:
        """A short slug of the active filters, for file names."""
        parts = [*self.areas, self.side or "", self.period or "", *self.statuses]
        if self.provenance != DEFAULT_ORIGIN:
            parts.append(self.provenance)
        if self.start or self.end:
            parts.append(f"{self.start or ''}_to_{self.end or ''}")
        if self.search:
            parts.append("search")
        slug = "-".join(p for p in parts if p)
        return slug or "all"


def _single(params: Mapping[str, str | Sequence[str]], key: str, notices: list[str]) -> str | None:
    value = params.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        values = list(value)
        if len(values) > 1:
            notices.append(f"Parameter '{key}' was given {len(values)} times; the first is used.")
        value = values[0] if values else ""
    if len(value) > MAX_PARAM_LENGTH:
        notices.append(f"Parameter '{key}' is too long and was ignored.")
        return None
    return value


def _choices(raw: str, allowed: Sequence[str], key: str, notices: list[str]) -> tuple[str, ...]:
    chosen = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        if item in allowed:
            if item not in chosen:
                chosen.append(item)
        else:
            notices.append(f"Unknown value '{_clip(item)}' in '{key}' was ignored.")
    return tuple(chosen)


def _date(raw: str, key: str, notices: list[str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        notices.append(f"'{key}' must be a date as YYYY-MM-DD; '{_clip(raw)}' was ignored.")
        return None


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def parse_query(
    params: Mapping[str, str | Sequence[str]], area_ids: Sequence[str], comparison: Comparison
) -> tuple[Filters, list[str]]:
    """Filters from URL query parameters, plus a notice for everything that was ignored.

    Sides and periods are the dataset's (``comparison``); events exist in every period,
    positions only in the compared ones."""
    notices: list[str] = []
    known = {"areas", "side", "period", "from", "to", "status", "provenance", "q", *PAGE_PARAMS}
    for key in params:
        if key not in known:
            notices.append(f"Unknown parameter '{_clip(str(key))}' was ignored.")
    values = {key: _single(params, key, notices) for key in known if key in params}
    side = values.get("side")
    period = values.get("period")
    sides, periods = comparison.side_ids, comparison.period_ids
    if side is not None and side not in sides:
        notices.append(f"'side' must be one of {', '.join(sides)}; '{_clip(side)}' was ignored.")
        side = None
    if period is not None and period not in periods:
        notices.append(
            f"'period' must be one of {', '.join(periods)}; '{_clip(period)}' was ignored."
        )
        period = None
    provenance = values.get("provenance") or DEFAULT_ORIGIN
    if provenance not in EVENT_ORIGINS:
        notices.append(
            f"'provenance' must be one of {', '.join(EVENT_ORIGINS)}; "
            f"'{_clip(provenance)}' was ignored."
        )
        provenance = DEFAULT_ORIGIN
    start = _date(values["from"], "from", notices) if values.get("from") else None
    end = _date(values["to"], "to", notices) if values.get("to") else None
    if start and end and start > end:
        notices.append("'from' is after 'to'; the date range was ignored.")
        start = end = None
    search = (values.get("q") or "")[:SEARCH_MAX_LENGTH]
    filters = Filters(
        areas=_choices(values.get("areas") or "", area_ids, "areas", notices),
        side=side or None,
        period=period or None,
        start=start,
        end=end,
        statuses=_choices(values.get("status") or "", STATUSES, "status", notices),
        search=search,
        provenance=provenance,
        page={key: values[key] for key in PAGE_PARAMS if values.get(key)},
    )
    return filters, notices


def with_page(filters: Filters, **page: str | None) -> Filters:
    """A copy whose page-level parameters (region, selected area or country) are updated."""
    merged = {**filters.page, **{k: v for k, v in page.items() if v}}
    for key, value in page.items():
        if not value:
            merged.pop(key, None)
    return replace(filters, page=merged)


QUOTES = str.maketrans({c: '"' for c in "“”„«»"})
TERM = re.compile(r'"([^"]*)"|(\S+)')


def search_terms(search: str) -> list[str]:
    """The words and quoted phrases of a search, case-folded; stray quote marks are dropped.

    ``'"New START" Helsinki'`` gives ``["new start", "helsinki"]``: a row matches when it holds
    every term.
    """
    terms = []
    for phrase, word in TERM.findall(search.translate(QUOTES)):
        term = (phrase or word).strip().strip("\"'").casefold()
        if term:
            terms.append(" ".join(term.split()))
    return terms


def _value_words(
    filters: Filters, key: str, area_names: Mapping[str, str], comparison: Comparison
) -> str:
    if key == "areas":
        return ", ".join(area_names.get(a, a) for a in filters.areas)
    if key == "side":
        return comparison.side_names.get(filters.side or "", filters.side or "")
    if key == "period":
        return comparison.period_names.get(filters.period or "", filters.period or "")
    if key == "dates":
        return f"{filters.start or 'the start'} to {filters.end or 'today'}"
    if key == "status":
        return ", ".join(filters.statuses)
    if key == "provenance":
        return EVENT_ORIGINS[filters.provenance]
    return f"“{filters.search}”"


def active_filters(
    filters: Filters,
    area_names: Mapping[str, str],
    tables: Sequence[str],
    comparison: Comparison,
) -> str:
    """One line for under a page title: the filters in force here, and those that do not apply.

    ``tables`` are the tables the page shows; a filter that reaches none of them is named as
    not applying, so a reader never wonders why a chart did not change.
    """
    active = filters.active()
    if not active:
        return "No filters: showing the whole record."
    specs = {spec.key: spec for spec in FILTERS}
    applied = [k for k in active if any(t in specs[k].selects for t in tables)]
    ignored = [k for k in active if k not in applied]
    parts = []
    for key in applied:
        missed = [t for t in tables if t not in specs[key].selects]
        part = f"{specs[key].label}: {_value_words(filters, key, area_names, comparison)}"
        parts.append(part + (f" (not applied to {', '.join(missed)})" if missed else ""))
    line = "Filters in force: " + "; ".join(parts) + "." if parts else "No filter applies here."
    if ignored:
        line += " Not applied on this page: " + ", ".join(specs[k].label for k in ignored) + "."
    return line
