"""The sidebar filters as one value: parsed from and written to URL query parameters.

Pure Python: the pages turn widgets into a ``Filters`` and back; everything here is testable
without Streamlit. Unknown or malformed parameters are dropped with a notice, never an exception.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from dashboard.data.tables import PERIODS, SIDES, STATUSES

MAX_PARAM_LENGTH = 500
SEARCH_MAX_LENGTH = 200
PAGE_PARAMS = ("region", "area", "country", "table")  # owned by single pages, kept as they are


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
            "q": self.search,
        }
        return {key: value for key, value in query.items() if value}

    def describe(self) -> str:
        """A short slug of the active filters, for file names."""
        parts = [*self.areas, self.side or "", self.period or "", *self.statuses]
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
    params: Mapping[str, str | Sequence[str]], area_ids: Sequence[str]
) -> tuple[Filters, list[str]]:
    """Filters from URL query parameters, plus a notice for everything that was ignored."""
    notices: list[str] = []
    known = {"areas", "side", "period", "from", "to", "status", "q", *PAGE_PARAMS}
    for key in params:
        if key not in known:
            notices.append(f"Unknown parameter '{_clip(str(key))}' was ignored.")
    values = {key: _single(params, key, notices) for key in known if key in params}
    side = values.get("side")
    period = values.get("period")
    if side is not None and side not in SIDES:
        notices.append(f"'side' must be one of {', '.join(SIDES)}; '{_clip(side)}' was ignored.")
        side = None
    if period is not None and period not in PERIODS:
        notices.append(
            f"'period' must be one of {', '.join(PERIODS)}; '{_clip(period)}' was ignored."
        )
        period = None
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
