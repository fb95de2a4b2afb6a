"""The GDELT 2.0 event export as published, and the shipped tables that map it to the dataset.

An export file (``YYYYMMDDHHMMSS.export.CSV.zip``) holds one event per line: 61 tab-separated
fields, no header, no quoting, in the order of the GDELT 2.0 Event codebook (``COLUMNS``). The
mapping tables are CSV files in ``tables/``, with their sources in ``tables/SOURCES.md``; they
are data, edited without touching code.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

ACTOR_FIELDS = (
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)
GEO_FIELDS = (
    "Type",
    "FullName",
    "CountryCode",
    "ADM1Code",
    "ADM2Code",
    "Lat",
    "Long",
    "FeatureID",
)
# The GDELT 2.0 Event codebook, "Data fields", in file order.
COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    *(f"Actor1{f}" for f in ACTOR_FIELDS),
    *(f"Actor2{f}" for f in ACTOR_FIELDS),
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    *(f"Actor1Geo_{f}" for f in GEO_FIELDS),
    *(f"Actor2Geo_{f}" for f in GEO_FIELDS),
    *(f"ActionGeo_{f}" for f in GEO_FIELDS),
    "DATEADDED",
    "SOURCEURL",
)
assert len(COLUMNS) == 61
GDELT1_COLUMNS = (57, 58)  # GDELT 1.0 event files: historical backfile, daily updates
QUAD_CLASSES = {
    "1": "verbal_cooperation",
    "2": "material_cooperation",
    "3": "verbal_conflict",
    "4": "material_conflict",
}
TABLE_FILES = {
    "cameo_event_codes": "CAMEO event code → description",
    "fips_iso3": "FIPS 10-4 geography code → ISO 3166-1 alpha-3",
    "actor_types": "actor country and CAMEO type code → dashboard actor",
    "area_rules": "CAMEO event code, action location and actor → policy area",
}


@dataclass(frozen=True)
class Mappings:
    """The mapping tables, each a list of rows (dicts of text)."""

    cameo_event_codes: list[dict[str, str]]
    fips_iso3: list[dict[str, str]]
    actor_types: list[dict[str, str]]
    area_rules: list[dict[str, str]]

    def sides(self) -> set[str]:
        """The countries the actor table maps, with a row for any other type (type blank): the
        sides an import may keep."""
        return {row["country"] for row in self.actor_types if not row["type"]}


def read_table(name: str) -> list[dict[str, str]]:
    text = resources.files("dashboard.gdelt").joinpath("tables", f"{name}.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def shipped_mappings() -> Mappings:
    return Mappings(**{name: read_table(name) for name in TABLE_FILES})
