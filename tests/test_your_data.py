"""The "Your data" page: an upload is checked, refused with its problems, or explored on every
page of this session only; the shipped dataset stays what other sessions see."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import uploaded
from tests.conftest import DATA, ROOT
from tests.test_upload import HOSTILE

APP = str(ROOT / "dashboard" / "app.py")
# The refusals the issue names: not a zip, paths that climb out, absolute paths, links, a zip
# bomb, the wrong encoding, an empty zip (and a few of their kin).
REFUSED = (
    "pdf named zip",
    "climbs out",
    "absolute",
    "symbolic link",
    "declares 201 MB",
    "too many files",
    "latin-1 csv",
    "no tables",
    "truncated",
)


def zip_of(directory: Path) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.iterdir()):
            if path.is_file() and path.name != "expected.txt":
                archive.write(path, f"{directory.name}/{path.name}")
    return out.getvalue()


def your_data() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()  # before a first run, a page is known by its file name, not its URL path
    return app.switch_page("views/your_data.py").run()


def upload(app: AppTest, files: list[tuple[str, bytes]]) -> AppTest:
    app.file_uploader(key="upload_files").set_value(
        [(name, data, "application/octet-stream") for name, data in files]
    )
    app.run()
    return app.button(key="take_upload").click().run()


def uploads_on_disk() -> set[Path]:
    return set(uploaded.UPLOADS.iterdir()) if uploaded.UPLOADS.is_dir() else set()


@pytest.fixture
def three_zip(tmp_path) -> bytes:
    from dashboard.data.synth import generated_shape, write_synthetic

    shape = generated_shape(["US", "CN", "EU"], periods=3, areas=8)
    return zip_of(write_synthetic(tmp_path / "three-sides", 500, seed=5, shape=shape))


def test_the_page_offers_the_template_and_an_upload():
    app = your_data()
    assert not app.exception
    assert app.title[0].value == "Your data"
    assert app.get("download_button")  # the template
    assert app.file_uploader(key="upload_files")


def test_a_valid_upload_is_explored_on_every_page_and_only_here(three_zip):
    app = upload(your_data(), [("three-sides.zip", three_zip)])
    assert not app.exception and not app.error, [e.value for e in app.error]
    banner = [i.value for i in app.info]
    assert any("your own dataset" in text and "anyone else" in text for text in banner)
    assert any("Synthetic dataset of 500 events" in t.value for t in app.text)
    app.switch_page("views/compare.py").run()
    assert app.title[0].value == "Compare the 3 sides"
    assert app.sidebar.radio(key="f_side").options == ["All sides", "Side US", "Side CN", "Side EU"]
    other = AppTest.from_file(APP, default_timeout=120)
    other.switch_page("views/compare.py").run()  # another session, at the same time
    assert other.title[0].value == "Compare the two sides"
    app.button(key="leave_upload").click().run()
    assert app.title[0].value == "Compare the two sides"
    assert not any("your own dataset" in i.value for i in app.info)


def test_going_back_removes_the_uploaded_files(three_zip):
    app = upload(your_data(), [("three-sides.zip", three_zip)])
    directory = Path(app.session_state[uploaded.STATE_KEY]["directory"])
    assert directory.is_dir()
    app.button(key="leave_upload").click().run()
    assert not directory.exists()


def test_an_invalid_dataset_lists_every_problem_and_keeps_nothing():
    before = uploads_on_disk()
    app = upload(your_data(), [("mine.zip", zip_of(ROOT / "tests" / "broken" / "undeclared_side"))])
    assert any("nothing of it was kept" in e.value for e in app.error)
    problems = app.dataframe[0].value
    assert list(problems.columns) == ["file", "row", "column", "problem"]
    assert problems.values.tolist() == [["positions.csv", "3", "side", "unknown sides: 'CN'"]]
    assert uploads_on_disk() == before
    assert uploaded.STATE_KEY not in app.session_state


@pytest.mark.parametrize("case", REFUSED)
def test_a_hostile_upload_gets_a_clear_error_and_nothing_else(case):
    files, _, file, phrase = HOSTILE[case]
    before = uploads_on_disk()
    app = upload(your_data(), files())
    assert not app.exception
    assert any("not taken" in e.value for e in app.error)
    problems = app.dataframe[0].value
    pairs = zip(problems["file"], problems["problem"], strict=True)
    assert any(file in f and phrase in p for f, p in pairs)
    assert uploads_on_disk() == before
    assert uploaded.STATE_KEY not in app.session_state


def test_the_shipped_data_zipped_as_it_is_can_be_uploaded():
    app = upload(your_data(), [("data.zip", zip_of(DATA))])
    assert not app.error, [e.value for e in app.error]
    assert uploaded.STATE_KEY in app.session_state
