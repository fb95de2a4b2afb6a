"""A dataset of the reader's own, explored in one browser session and in no other.

The "Your data" page hands an upload to ``take``: it is unpacked safely
(``dashboard.data.upload``) into a directory of its own and checked as ``python -m dashboard
check`` would. A valid one becomes this session's dataset: ``ui.load`` asks ``load`` first, every
page then draws it, and ``banner`` names it with a way back (``leave``). Nothing of it reaches
other sessions: they do not know its directory, which is the key of its cached engine. An
invalid upload leaves nothing on disk.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import uuid
from pathlib import Path

import streamlit as st

from dashboard import engine
from dashboard.data import DataError, Dataset, DatasetError
from dashboard.data.load import dataset_fingerprint
from dashboard.data.upload import unpack_upload

UPLOADS = Path(tempfile.gettempdir()) / "dashboard-uploads"
STATE_KEY = "uploaded_dataset"
KEEP_FOR_S = 24 * 3600  # uploads older than this are removed when the next one arrives
FILTER_STATE = ("f_areas", "f_side", "f_period", "f_dates", "f_status", "f_provenance", "f_search")


@st.cache_resource(
    show_spinner="Checking your dataset…",
    max_entries=16,
    on_release=lambda loaded: loaded[1] and loaded[1].close(),
)
def _open(directory: str, version: str) -> tuple[Dataset | None, engine.Store | None, list]:
    """An uploaded dataset and its engine, cached under its own directory (one per upload)."""
    return engine.open_dataset(Path(directory), version)


def current() -> dict | None:
    """This session's upload: its directory, version, title and file names; None for the
    shipped data."""
    own = st.session_state.get(STATE_KEY)
    if own and not Path(own["directory"]).is_dir():
        st.session_state.pop(STATE_KEY)
        return None
    return own


def load() -> tuple[Dataset | None, engine.Store | None, list[DataError], Path] | None:
    own = current()
    if own is None:
        return None
    return (*_open(own["directory"], own["version"]), Path(own["directory"]))


def take(files: list[tuple[str, bytes]]) -> tuple[list[DataError], list[DataError]]:
    """Unpack and check an upload; a valid one becomes this session's dataset.

    Returns the problems (none when it was taken) and the notices (files left out).
    """
    _remove_stale()
    place = UPLOADS / uuid.uuid4().hex
    directory = place / "dataset"
    try:
        notices = unpack_upload(files, directory)
    except DatasetError as exc:
        shutil.rmtree(place, ignore_errors=True)
        return exc.errors, []
    version = dataset_fingerprint(directory)  # its files never change: taken once, here
    dataset, _, errors = _open(str(directory), version)
    if errors:
        shutil.rmtree(place, ignore_errors=True)
        return errors, notices
    leave()
    st.session_state[STATE_KEY] = {
        "directory": str(directory),
        "version": version,
        "title": dataset.comparison.title,
        "files": sorted(name for name, _ in files),
    }
    _forget_filters()
    return [], notices


def leave() -> None:
    """Back to the shipped dataset: the upload is forgotten and its files removed."""
    own = st.session_state.pop(STATE_KEY, None)
    if own:
        shutil.rmtree(Path(own["directory"]).parent, ignore_errors=True)
        _forget_filters()


def _forget_filters() -> None:
    """The filters of one dataset may name areas or sides another lacks: start afresh."""
    for key in FILTER_STATE:
        st.session_state.pop(key, None)
    st.query_params.clear()


def _remove_stale() -> None:
    """Uploads of sessions long gone (a session does not say when it ends)."""
    if not UPLOADS.is_dir():
        return
    cutoff = time.time() - KEEP_FOR_S
    for place in UPLOADS.iterdir():
        if place.stat().st_mtime < cutoff:
            shutil.rmtree(place, ignore_errors=True)


def banner() -> None:
    """Over every page while an upload is explored: whose data this is, and the way back."""
    own = current()
    if own is None:
        return
    st.info(
        "You are exploring your own dataset, in this browser session only. A link to this "
        "view shows the shipped dataset to anyone else: share the files, not the link.",
        icon=":material/upload_file:",
    )
    st.text(f"Your dataset: {own['title']} ({', '.join(own['files'])})")  # data text: as text
    st.button("Back to the shipped dataset", on_click=leave, key="leave_upload")
