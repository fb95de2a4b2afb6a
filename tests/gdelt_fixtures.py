"""GDELT 2.0 event export lines written as the codebook describes them, for the import tests.

The field list is written out here from the GDELT 2.0 Event codebook, apart from the importer's
own: a test checks that the two agree. ``event`` gives the 61 fields of one line (a USA
government → Russian government sanction in Moscow unless told otherwise); ``write_export``
writes lines to ``YYYYMMDDHHMMSS.export.CSV.zip`` as GDELT publishes them.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

ACTOR = ["Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
         "Religion2Code", "Type1Code", "Type2Code", "Type3Code"]  # fmt: skip
GEO = ["Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"]
CODEBOOK_FIELDS = [
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *[f"Actor1{f}" for f in ACTOR], *[f"Actor2{f}" for f in ACTOR],
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *[f"Actor1Geo_{f}" for f in GEO], *[f"Actor2Geo_{f}" for f in GEO],
    *[f"ActionGeo_{f}" for f in GEO],
    "DATEADDED", "SOURCEURL",
]  # fmt: skip

USA_GOV = ("USAGOV", "UNITED STATES", "USA", "GOV")
RUS_GOV = ("RUSGOV", "RUSSIA", "RUS", "GOV")
MOSCOW = ("4", "Moscow, Moscow City, Russia", "RS", "RS48", "", "55.7522", "37.6156", "-2960561")


def event(
    event_id: int,
    date: str = "20220224",
    actor1: tuple[str, str, str, str] = USA_GOV,
    actor2: tuple[str, str, str, str] = RUS_GOV,
    code: str = "163",
    quad: str = "4",
    goldstein: str = "-8.0",
    action: tuple[str, ...] = MOSCOW,
    url: str = "https://www.example.org/news/sanctions",
    **fields: str,
) -> list[str]:
    """The 61 fields of one event line; ``fields`` overrides any field by its codebook name."""
    values = dict.fromkeys(CODEBOOK_FIELDS, "")
    values.update(
        GLOBALEVENTID=str(event_id),
        SQLDATE=date,
        MonthYear=date[:6],
        Year=date[:4],
        FractionDate=f"{date[:4]}.1479",
        IsRootEvent="1",
        EventCode=code,
        EventBaseCode=code[:3],
        EventRootCode=code[:2],
        QuadClass=quad,
        GoldsteinScale=goldstein,
        NumMentions="10",
        NumSources="2",
        NumArticles="10",
        AvgTone="-3.5",
        DATEADDED=f"{date}120000",
        SOURCEURL=url,
    )
    for number, (actor_code, name, country, role) in ((1, actor1), (2, actor2)):
        values.update(
            {
                f"Actor{number}Code": actor_code,
                f"Actor{number}Name": name,
                f"Actor{number}CountryCode": country,
                f"Actor{number}Type1Code": role,
            }
        )
    values.update({f"ActionGeo_{name}": value for name, value in zip(GEO, action, strict=True)})
    values.update(fields)
    return [values[name] for name in CODEBOOK_FIELDS]


def line(fields: list[str] | str) -> str:
    return fields if isinstance(fields, str) else "\t".join(fields)


def write_export(
    directory: Path, lines: list, stamp: str = "20220224120000", zipped: bool = True
) -> Path:
    """Lines (field lists or raw text) as one export file, each ending in a newline."""
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{stamp}.export.CSV"
    text = "".join(line(item) + "\n" for item in lines).encode("utf-8")
    if not zipped:
        path = directory / name
        path.write_bytes(text)
        return path
    path = directory / f"{name}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, text)
    return path
