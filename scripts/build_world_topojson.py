"""Build the topojson files plotly.js draws `geo` maps from, so maps need no internet.

plotly.js downloads `<topojsonURL><scope>_<resolution>m.json` for every geo subplot, by default
from its CDN. The dashboard serves these files itself from `dashboard/static/` (Streamlit's
static serving) and points plotly.js at them with the figure config key `topojsonURL`.

Each file holds the seven objects plotly.js reads, all of which must exist:
`countries` (ids are ISO-3 codes, as `locationmode="ISO-3"` matches them; `properties.ct` is
the centroid of the largest polygon, used for hover and `scattergeo` locations), `land`,
`coastlines`, `ocean`, and the empty `lakes`, `rivers` and `subunits` (no source data here).
The dashboard draws every region (Europe, Middle East, Asia) as a longitude/latitude window on
the world scope, so only `world_110m.json` is needed; more scopes can be added to SCOPES with
plotly.js's clip boxes (e.g. "europe": (-30, 0, 60, 90)).

Source: Natural Earth 1:110m Admin-0 countries (public domain), as shipped in the geopandas
0.14.x wheel. Run once in a throwaway environment and commit the output:

    python -m venv /tmp/topo && /tmp/topo/bin/pip install geopandas==0.14.4 topojson
    /tmp/topo/bin/python -m scripts.build_world_topojson
"""

import json
import warnings
from itertools import accumulate
from pathlib import Path

import geopandas as gpd
import shapely
import topojson
from shapely.geometry.polygon import orient

from scripts.topojson_lines import split_broken_lines

OUT_DIR = Path(__file__).resolve().parents[1] / "dashboard" / "static"
RESOLUTION = 110
# (west, south, east, north) of each scope file.
SCOPES = {"world": (-180, -90, 180, 90)}
# Natural Earth marks some countries "-99"; name -> ISO-3 (XKX: the code the EU and IMF use).
ISO3_FIXES = {"France": "FRA", "Norway": "NOR", "Kosovo": "XKX"}
# Coastlines stop just inside the world's edge, so no line is drawn along the antimeridian.
WORLD_INTERIOR = shapely.box(-179.99999, -89.99999, 179.99999, 89.99999)
EMPTY_LAYERS = ("lakes", "rivers", "subunits")


def load_countries() -> gpd.GeoDataFrame:
    """Natural Earth countries with a unique ISO-3 code each."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # geopandas.datasets is deprecated
        path = gpd.datasets.get_path("naturalearth_lowres")
    world = gpd.read_file(path)
    unknown = world["iso_a3"] == "-99"
    world.loc[unknown, "iso_a3"] = world.loc[unknown, "name"].map(ISO3_FIXES)
    codes = world["iso_a3"]
    if codes.isna().any() or codes.duplicated().any() or not codes.str.fullmatch("[A-Z]{3}").all():
        raise SystemExit(f"bad ISO-3 codes: {sorted(codes[codes.isna() | codes.duplicated()])}")
    return world[["iso_a3", "geometry"]]


def clockwise(geometry):
    """The polygons of `geometry` wound as d3-geo wants: exteriors clockwise, holes not.

    d3-geo draws spherical polygons: a counter-clockwise exterior means everything outside it.
    """
    parts = getattr(geometry, "geoms", [geometry])
    return shapely.MultiPolygon([orient(p, sign=-1.0) for p in parts if p.area > 0])


def centroid(geometry) -> list[float]:
    """Lon/lat of the centroid of the largest polygon, as plotly.js's own files carry."""
    largest = max(getattr(geometry, "geoms", [geometry]), key=lambda p: p.area)
    return [round(largest.centroid.x, 2), round(largest.centroid.y, 2)]


def single(geometry) -> gpd.GeoDataFrame:
    """A one-row layer."""
    return gpd.GeoDataFrame(geometry=[geometry], crs="EPSG:4326")


def build_scope(world: gpd.GeoDataFrame, bounds: tuple[float, ...]) -> dict:
    """The topojson dictionary of one scope, clipped to `bounds`."""
    frame = shapely.box(*bounds)
    countries = world.clip(frame, keep_geom_type=True)
    countries["geometry"] = countries.geometry.map(clockwise)
    countries = countries[~countries.is_empty].copy()
    countries["ct"] = countries.geometry.map(centroid)
    whole_land = shapely.union_all(world.geometry)
    land = shapely.intersection(whole_land, frame)
    layers = {
        "countries": countries.rename(columns={"iso_a3": "id"}),
        "land": single(clockwise(land)),
        "ocean": single(clockwise(frame.difference(land))),
        "coastlines": single(whole_land.boundary.intersection(WORLD_INTERIOR.intersection(frame))),
    }
    # shared_coords=True: the default junction search stores a ring shared whole by two polygons
    # (Lesotho inside South Africa, islands in the ocean) once, in one winding for both.
    topo = topojson.Topology(
        list(layers.values()), object_name=list(layers), prequantize=1e5, shared_coords=True
    ).to_dict()
    if wrong := wrongly_wound(topo):
        raise SystemExit(f"rings wound against d3's convention in {bounds}: {wrong}")
    split_broken_lines(topo)  # else straight lines cross the Caspian Sea
    for name, layer in topo["objects"].items():
        for geometry in layer["geometries"]:
            properties = geometry.pop("properties")
            if name == "countries":
                geometry.update(id=properties["id"], properties={"ct": properties["ct"]})
            else:
                del geometry["id"]  # the row number topojson gives every geometry
    for name in EMPTY_LAYERS:
        topo["objects"][name] = {"type": "GeometryCollection", "geometries": []}
    return topo


def wrongly_wound(topo: dict) -> list[str]:
    """Ids (or layer names) of polygons with a counter-clockwise exterior or a clockwise hole."""
    arcs = [
        list(zip(accumulate(x for x, _ in arc), accumulate(y for _, y in arc), strict=True))
        for arc in topo["arcs"]
    ]
    wrong = []
    for name in ("countries", "land", "ocean"):
        for geometry in topo["objects"][name]["geometries"]:
            arc_lists = geometry["arcs"]
            for polygon in arc_lists if geometry["type"] == "MultiPolygon" else [arc_lists]:
                for hole, ring in enumerate(polygon):
                    points = [p for i in ring for p in (arcs[i] if i >= 0 else arcs[~i][::-1])]
                    if shapely.LinearRing(points).is_ccw != bool(hole):
                        wrong.append(geometry.get("id", name))
    return wrong


def main() -> None:
    world = load_countries()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for scope, bounds in SCOPES.items():
        path = OUT_DIR / f"{scope}_{RESOLUTION}m.json"
        path.write_text(json.dumps(build_scope(world, bounds), separators=(",", ":")))
        print(f"{path}: {path.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
