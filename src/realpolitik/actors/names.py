"""What the structure stage asks about names, answered from the gazetteer and GeoNames cities."""

from __future__ import annotations

from realpolitik.actors.gazetteer import Gazetteer
from realpolitik.geo.places import CityIndex

_PLACE_KINDS = ("country", "capital")
_NAME_KINDS = ("country", "demonym", "capital", "metonym", "leader", "igo", "ngo", "group")


class GazetteerNames:
    """Places, actor names and demonyms the gazetteer (and, for places, GeoNames) knows."""

    def __init__(self, gazetteer: Gazetteer, cities: CityIndex):
        self.gazetteer = gazetteer
        self.cities = cities
        # one-word names ("Russia", "Putin", "Nairobi") and the words of leaders' names ("Raila", "Odinga")
        self._words = {e.phrase for e in gazetteer.entries if e.kind in _NAME_KINDS and " " not in e.phrase}
        self._words |= {
            word
            for e in gazetteer.entries
            if e.kind == "leader"
            for word in e.phrase.split()
            if word[:1].isupper() and len(word) > 2
        }
        self._words -= {noun.title() for noun in gazetteer.role_nouns()}  # "Leader" of "Dear Leader"
        self._demonyms = {e.phrase.lower() for e in gazetteer.entries if e.kind == "demonym"}

    def place_country(self, phrase: str, cities: bool = True) -> str | None:
        """ISO3 of a country or capital name, or (with `cities`) of a GeoNames city; else None."""
        for entry in self.gazetteer.lookup(phrase):
            if entry.kind in _PLACE_KINDS and entry.country:
                return entry.country
        if cities:
            found = self.cities.lookup(phrase)
            if found:
                return found[0].country
        return None

    def is_name(self, word: str) -> bool:
        """Whether a capitalised word is part of an actor name the gazetteer knows."""
        return word in self._words

    def is_demonym(self, word: str) -> bool:
        return word.lower() in self._demonyms
