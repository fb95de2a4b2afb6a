"""A valid dataset whose every text cell holds a payload that must show as literal text.

Built from the shipped data at test time: ids, dates, codes and numbers stay valid, while names,
titles, descriptions, positions, outcomes, effects, publishers and source titles are replaced.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from dashboard.data.tables import TABLES

MARKER = "window.__pwned = 1"
PAYLOADS = (
    "<script>window.__pwned = 1</script> script tag",
    '<img src=x onerror="window.__pwned = 1"> image tag',
    '<a href="javascript:window.__pwned = 1">click me</a> html link',
    "[markdown link](javascript:alert(1)) and ![image](http://evil.example/pixel.png)",
    ":red[red text] :blue-background[blue] :smile: :material/warning: directives",
    "$\\frac{1}{2}$ and $$x^2$$ LaTeX",
    '=HYPERLINK("http://evil.example","click") formula',
    "+cmd|' /C calc'!A0 and -2+3 and @SUM(1) formulas",
    "\u202eright-to-left override\u202c and zero\u200bwidth\u200djoiners \u2067isolate\u2069",
    "Antidisestablishment" * 9 + " very long word",
    "line one\nline two\r\nline three with \"quotes\" and 'apostrophes', commas",
    "<style>body{display:none}</style> style tag",
    "{{7*7}} ${7*7} %s %n template markers",
    "**bold** _italic_ # heading `code` > quote",
)
HOSTILE_COLUMNS = {
    "areas": ("name", "scope"),
    "sources": ("title", "publisher"),
    "positions": ("position",),
    "outcomes": ("outcome",),
    "events": ("title", "description"),
    "impacts": ("effect",),
    "sides": ("name",),
    "actors": ("name",),
    "periods": ("name", "label"),
}
LABELS = {("areas", "name"), ("sides", "name"), ("periods", "label"), ("periods", "name")}


def _payload(i: int, limit: int) -> str:
    text = f"{PAYLOADS[i % len(PAYLOADS)]} #{i}"
    return text[:limit]


def write_hostile(source: Path, out: Path) -> Path:
    """Copy ``source`` to ``out`` with every free-text cell replaced by a payload."""
    shutil.copytree(source, out, dirs_exist_ok=True)
    for name, columns in HOSTILE_COLUMNS.items():
        frame = pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)
        limits = {c.name: c.max_length or 2000 for c in TABLES[name].columns}
        offset = sum(len(c) for c in name)
        for column in columns:
            frame[column] = [_payload(i + offset, limits[column]) for i in range(len(frame))]
            if (name, column) in LABELS:  # distinct: they label heatmap rows and columns
                room = limits[column] - 4
                frame[column] = [f"{p[:room]} #{i}" for i, p in enumerate(PAYLOADS[: len(frame)])]
        frame.to_csv(out / f"{name}.csv", index=False)
    return out
