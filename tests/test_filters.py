"""Filters round-trip through URL query parameters; bad parameters become notices."""

import datetime as dt

import pytest

from dashboard.filters import Filters, parse_query, with_page
from tests.shipped_comparison import comparison

AREAS = ["counter_terrorism", "trade_sanctions", "ukraine", "arms_control"]


def test_full_round_trip():
    filters = Filters(
        areas=("ukraine", "arms_control"),
        side="RU",
        period="term2",
        start=dt.date(2025, 1, 20),
        end=dt.date(2025, 12, 31),
        statuses=("stalled",),
        search="Helsinki",
    )
    parsed, notices = parse_query(filters.to_query(), AREAS, comparison())
    assert parsed == filters
    assert notices == []


def test_default_filters_make_an_empty_query():
    assert Filters().to_query() == {}
    assert parse_query({}, AREAS, comparison()) == (Filters(), [])


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"colour": "red"}, "Unknown parameter 'colour'"),
        ({"areas": "ukraine,atlantis"}, "Unknown value 'atlantis' in 'areas'"),
        ({"side": "CN"}, "'side' must be one of US, RU"),
        ({"period": "term9"}, "'period' must be one of before, term1, between, term2"),
        ({"from": "2019-02-30"}, "'from' must be a date"),
        ({"to": "yesterday"}, "'to' must be a date"),
        ({"from": "2020-01-01", "to": "2019-01-01"}, "'from' is after 'to'"),
        ({"status": "done"}, "Unknown value 'done' in 'status'"),
        ({"side": ["US", "RU"]}, "Parameter 'side' was given 2 times"),
        ({"areas": "x" * 5000}, "Parameter 'areas' is too long"),
    ],
)
def test_bad_parameters_are_ignored_with_a_notice(params, notice):
    filters, notices = parse_query(params, AREAS, comparison())
    assert any(notice in n for n in notices), notices
    assert filters.side in (None, "US")
    assert "atlantis" not in filters.areas


def test_valid_parts_survive_next_to_bad_ones():
    filters, notices = parse_query({"areas": "ukraine,atlantis", "side": "XX"}, AREAS, comparison())
    assert filters.areas == ("ukraine",)
    assert filters.side is None
    assert len(notices) == 2


def test_repeated_area_is_kept_once():
    filters, _ = parse_query({"areas": "ukraine,ukraine"}, AREAS, comparison())
    assert filters.areas == ("ukraine",)


def test_search_is_capped():
    filters, _ = parse_query({"q": "a" * 400}, AREAS, comparison())
    assert len(filters.search) == 200


def test_page_parameters_are_kept_and_can_be_cleared():
    filters, notices = parse_query({"region": "europe", "country": "POL"}, AREAS, comparison())
    assert notices == []
    assert filters.page == {"region": "europe", "country": "POL"}
    assert with_page(filters, country=None).page == {"region": "europe"}


def test_describe_names_the_filters_for_file_names():
    assert Filters().describe() == "all"
    described = Filters(areas=("ukraine",), period="term1", search="x").describe()
    assert described == "ukraine-term1-search"
