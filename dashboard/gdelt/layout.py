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
from pathlib import Path

from dashboard.data.errors import WHOLE, DataError
from dashboard.data.validate import ISO3_CODES

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
UNASSIGNED = "unassigned"  # the area of events no rule places
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


TABLE_COLUMNS = {
    "cameo_event_codes": ("code", "description"),
    "fips_iso3": ("fips", "iso3", "name"),
    "actor_types": ("country", "type", "actor", "reason"),
    "area_rules": ("area_id", "event_code", "action_country", "actor", "reason"),
}


def _rows(text: str) -> list[dict[str, str]]:
    return [
        {k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(text.splitlines())
    ]


@cache
def shipped_mappings() -> Mappings:
    tables = resources.files("dashboard.gdelt").joinpath("tables")
    return Mappings(
        **{name: _rows(tables.joinpath(f"{name}.csv").read_text("utf-8")) for name in TABLE_FILES}
    )


def read_mappings(directory: Path) -> tuple[Mappings, list[str]]:
    """Mapping tables edited as data: each of ``directory``'s CSV files replaces the shipped
    one of its name. Returns the tables and the names of those read from ``directory``."""
    tables, replaced = dict(vars(shipped_mappings())), []
    for name in TABLE_FILES:
        path = Path(directory) / f"{name}.csv"
        if path.is_file():
            tables[name] = _rows(path.read_text("utf-8-sig"))
            replaced.append(name)
    return Mappings(**tables), replaced


def check_mappings(mappings: Mappings, areas: set[str], actors: set[str]) -> list[DataError]:
    """Every table has its columns, and names only actors and areas of the curated dataset
    (``areas``, ``actors``) and countries that exist."""
    errors = []
    known = {
        ("actor_types", "actor"): actors,
        ("area_rules", "area_id"): {*areas, UNASSIGNED},
        ("area_rules", "actor"): {"", *actors},
        ("area_rules", "action_country"): {"", *ISO3_CODES},
        ("fips_iso3", "iso3"): set(ISO3_CODES),
    }
    for name, columns in TABLE_COLUMNS.items():
        rows = getattr(mappings, name)
        missing = [c for c in columns if rows and c not in rows[0]]
        errors += [DataError(f"{name}.csv", 1, c, "required column is missing") for c in missing]
        if missing or not rows:
            errors += [] if rows else [DataError(f"{name}.csv", WHOLE, WHOLE, "the table is empty")]
            continue
        for number, row in enumerate(rows, 2):
            for (table, column), allowed in known.items():
                if table == name and row[column] not in allowed:
                    message = f"unknown value '{row[column]}'"
                    errors.append(DataError(f"{name}.csv", number, column, message))
            if name == "area_rules" and not (
                row["event_code"] or row["action_country"] or row["actor"]
            ):
                message = "a rule needs an event_code, an action_country or an actor"
                errors.append(DataError(f"{name}.csv", number, WHOLE, message))
    return errors
