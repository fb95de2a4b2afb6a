"""Exports open correctly in spreadsheets and cannot run formulas."""

import io
import zipfile

import pandas as pd
import pytest

from dashboard import export

EXPECTED_CSV = (
    '\ufeff"title","score","when"\r\n'
    '"\'=HYPERLINK(""http://x"")",-3.5,"2018-07-16"\r\n'
    '"Кремль, «Helsinki»\nsecond line",2.0,"2019-01-01"\r\n'
)


def test_csv_bytes_exactly():
    frame = pd.DataFrame(
        {
            "title": ['=HYPERLINK("http://x")', "Кремль, «Helsinki»\nsecond line"],
            "score": [-3.5, 2.0],
            "when": pd.to_datetime(["2018-07-16", "2019-01-01"]),
        }
    )
    assert export.csv_bytes(frame) == EXPECTED_CSV.encode("utf-8")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_defused(start):
    frame = pd.DataFrame({"text": [f"{start}1+1"]})
    round_trip = pd.read_csv(io.BytesIO(export.csv_bytes(frame)), encoding="utf-8-sig")
    assert round_trip.loc[0, "text"] == f"'{start}1+1"


def test_numbers_stay_numbers():
    frame = pd.DataFrame({"score": [-7.0, 3.5]})
    round_trip = pd.read_csv(io.BytesIO(export.csv_bytes(frame)), encoding="utf-8-sig")
    assert list(round_trip["score"]) == [-7.0, 3.5]


def test_file_name_says_table_and_filters():
    assert export.file_name("events", "ukraine-term1") == "us-russia-events-ukraine-term1.csv"
    named = export.file_name("events", "ukraine-term1", version="0.2.0")
    assert named == "us-russia-events-v0.2.0-ukraine-term1.csv"
    assert "/" not in export.file_name("events", "../../etc/passwd")


def test_zip_holds_tables_and_documents():
    frame = pd.DataFrame({"a": ["x"]})
    data = export.zip_bytes({"events": frame}, {"LICENCE-data.txt": "CC BY 4.0"})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["LICENCE-data.txt", "events.csv"]
        assert archive.read("events.csv") == export.csv_bytes(frame)
