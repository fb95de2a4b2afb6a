"""Nothing about the shipped comparison is written in the code: its sides, actors and periods
come from the dataset's tables, so another pair of governments needs no code change.

Every Python file of the package is read as text, comments and docstrings included: a side,
actor or period id may not appear as a quoted string, and a side's, actor's or period's name
not as a word.
"""

import re
from pathlib import Path

import pytest

from tests.shipped_comparison import ACTOR_NAMES, PERIOD_NAMES, SIDE_ACTORS, SIDE_NAMES, _rows

PACKAGE = Path(__file__).resolve().parents[1] / "dashboard"
SOURCES = sorted(PACKAGE.rglob("*.py"))
SIDED_ACTORS = {a for actors in SIDE_ACTORS.values() for a in actors}
IDS = sorted({*SIDE_NAMES, *SIDED_ACTORS, *PERIOD_NAMES})
NAMES = sorted(
    {
        *SIDE_NAMES.values(),
        *(ACTOR_NAMES[a] for a in SIDED_ACTORS),
        *PERIOD_NAMES.values(),
        *(r["label"] for r in _rows("periods")),
    }
)


def hits(pattern: re.Pattern) -> list[str]:
    found = []
    for path in SOURCES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}")
    return found


@pytest.mark.parametrize("value", IDS)
def test_no_id_of_the_shipped_comparison_in_the_code(value):
    quoted = re.compile(rf"""(["']){re.escape(value)}\1""")
    assert hits(quoted) == []


@pytest.mark.parametrize("name", NAMES)
def test_no_name_of_the_shipped_comparison_in_the_code(name):
    assert hits(re.compile(rf"\b{re.escape(name)}\b")) == []


def test_the_grep_sees_the_package():
    assert len(SOURCES) > 20
    assert "US" in IDS and "term2" in IDS and "Russia" in NAMES
