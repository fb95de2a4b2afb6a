"""Split topojson lines where their arcs do not join, so no stray straight line is drawn.

The `topojson` package, with ``shared_coords=True``, can list the arcs of a line out of order:
the Caspian shore in `coastlines` came out as eight arcs in an order in which each ends far
from where the next begins, and d3-geo joined the ends with straight lines across the sea
(one more break sat at the antimeridian in Chukotka). Each run of arcs that do join becomes its
own line; the points drawn are unchanged.

    python -m scripts.topojson_lines dashboard/static/world_110m.json   # repairs in place
"""

from __future__ import annotations

import json
import sys
from itertools import accumulate
from pathlib import Path

LINE_LAYERS = ("coastlines", "rivers")


def decoded_arcs(topo: dict) -> list[list[tuple[int, int]]]:
    """Each arc's quantized points (topojson stores them as deltas)."""
    return [
        list(zip(accumulate(x for x, _ in arc), accumulate(y for _, y in arc), strict=True))
        for arc in topo["arcs"]
    ]


def _ends(arcs: list, index: int) -> tuple[tuple[int, int], tuple[int, int]]:
    arc = arcs[index] if index >= 0 else arcs[~index][::-1]
    return arc[0], arc[-1]


def joined_runs(line: list[int], arcs: list) -> list[list[int]]:
    """The arc list of one line cut wherever an arc does not start where the last one ended."""
    runs = [[line[0]]] if line else []
    for previous, current in zip(line, line[1:], strict=False):
        if _ends(arcs, previous)[1] == _ends(arcs, current)[0]:
            runs[-1].append(current)
        else:
            runs.append([current])
    return runs


def split_broken_lines(topo: dict) -> int:
    """Split every broken line of the line layers in place; returns how many breaks there were."""
    arcs = decoded_arcs(topo)
    breaks = 0
    for name in LINE_LAYERS:
        for geometry in topo["objects"].get(name, {}).get("geometries", []):
            lines = [geometry["arcs"]] if geometry["type"] == "LineString" else geometry["arcs"]
            runs = [run for line in lines for run in joined_runs(line, arcs)]
            breaks += len(runs) - len(lines)
            geometry.update(type="MultiLineString", arcs=runs)
    return breaks


def main(path: str) -> None:
    file = Path(path)
    topo = json.loads(file.read_text())
    breaks = split_broken_lines(topo)
    file.write_text(json.dumps(topo, separators=(",", ":")))
    print(f"{file}: {breaks} break(s) split")


if __name__ == "__main__":
    main(sys.argv[1])
