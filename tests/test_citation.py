"""The version a journalist cites is the same everywhere it is written."""

import json
import re

from dashboard import about, export
from tests.conftest import DATA, ROOT


def test_citation_cff_states_the_datapackage_version_and_date():
    meta = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(rf'^version: "{re.escape(meta["version"])}"$', cff, re.M)
    assert re.search(rf'^date-released: "{meta["updated"]}"$', cff, re.M)
    assert f"## {meta['version']} — {meta['updated']}" in (DATA / "CHANGELOG.md").read_text()


def test_citation_and_zip_readme_name_the_version():
    meta = {"title": "T", "version": "2.1.0", "updated": "2026-12-01", "contributors": []}
    citation = about.citation(meta, url="http://localhost:8501/compare")
    assert "version 2.1.0 of 2026-12-01" in citation
    assert "http://localhost:8501/compare" in citation
    assert "Dataset version 2.1.0, released 2026-12-01." in about.zip_readme(meta, "No filters.")
    assert "-v2.1.0-" in export.file_name("events", "all", version="2.1.0")
