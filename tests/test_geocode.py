"""Geocoding: every event's place as coordinates, country, region and precision, offline (issue 16, item 1)."""

from __future__ import annotations

from datetime import date

import pytest

from realpolitik.geo.geocode import Geocoder, default_geocoder, default_tables
from realpolitik.pipeline import default_pipeline

STORY_DATE = date(2014, 5, 6)


def events_of(text: str) -> list:
    return default_pipeline().code_text(text, date=STORY_DATE)


def only(text: str):
    (event,) = {(e.location, e.location_precision): e for e in events_of(text)}.values()
    return event


@pytest.fixture(scope="module")
def geocoder() -> Geocoder:
    return default_geocoder()


def test_a_city_in_the_triggers_locative_phrase_is_a_point() -> None:
    event = only("Sudanese police arrested 40 protesters in Khartoum.")
    assert (event.location, event.location_country, event.location_precision) == ("Khartoum", "SDN", "point")
    assert event.location_latitude == pytest.approx(15.55, abs=0.1)
    assert event.location_longitude == pytest.approx(32.53, abs=0.1)
    assert event.location_region == "Khartoum"
    assert event.sentence_text[slice(*event.location_span)] == "Khartoum"


def test_tripoli_goes_to_the_country_of_the_story() -> None:
    lebanon = only("Lebanese troops clashed with gunmen in Tripoli.")
    assert lebanon.location_country == "LBN" and lebanon.location_region == "Liban-Nord"
    assert lebanon.location_longitude == pytest.approx(35.84, abs=0.05)
    libya = only("Libyan rebels attacked government forces in Tripoli.")
    assert libya.location_country == "LBY" and libya.location_longitude == pytest.approx(13.19, abs=0.05)


def test_a_small_namesake_in_the_actors_country_does_not_win(geocoder: Geocoder) -> None:
    # Paris, Texas has about 1 % of the population of Paris: an American story in Paris is in France
    assert geocoder.resolve("Paris", ["USA"]).country == "FRA"
    # Birmingham, Alabama is a fifth of Birmingham, England: an American story goes to Alabama
    assert geocoder.resolve("Birmingham", ["USA"]).region == "Alabama"
    assert geocoder.resolve("Birmingham", []).country == "GBR"


def test_regions_and_disputed_areas_from_the_region_table() -> None:
    cases = {
        "Russian forces shelled positions in Crimea.": ("Crimea", "UKR"),
        "Indian troops killed two militants in Kashmir.": ("Kashmir", None),
        "Sudanese militias attacked villages in Darfur.": ("Darfur", "SDN"),
        "Israeli aircraft struck targets in the Gaza Strip.": ("Gaza Strip", "PSE"),
        "Israeli troops arrested five Palestinians in the West Bank.": ("West Bank", "PSE"),
    }
    for text, (region, country) in cases.items():
        event = only(text)
        assert (event.location_region, event.location_country, event.location_precision) == (
            region,
            country,
            "region",
        ), text
        assert event.location_latitude is not None and event.location_longitude is not None


def test_region_table_names(geocoder: Geocoder) -> None:
    assert geocoder.resolve("the Korean Peninsula").countries == ("PRK", "KOR")
    assert geocoder.resolve("the Balkans").precision == "region"
    assert geocoder.resolve("Sahel").latitude == pytest.approx(15.0)
    assert geocoder.resolve("Gaza").name == "Gaza Strip"  # the city is "Gaza City"
    assert geocoder.resolve("Gaza City").precision == "point"


def test_first_level_regions_from_geonames() -> None:
    punjab = only("Pakistani police arrested 12 people in Punjab.")
    assert (punjab.location_country, punjab.location_region, punjab.location_precision) == ("PAK", "Punjab", "region")
    idlib = only("Troops killed five rebels in Idlib province.")
    assert (idlib.location, idlib.location_country, idlib.location_precision) == ("Idlib province", "SYR", "region")


def test_ambiguous_region_names_follow_the_actors(geocoder: Geocoder) -> None:
    assert geocoder.resolve("Punjab", ["IND"]).country == "IND"
    assert geocoder.resolve("Punjab", ["PAK"]).country == "PAK"


def test_a_country_is_placed_at_its_point() -> None:
    event = only("Militants attacked an army post in northern Syria.")
    assert (event.location_country, event.location_precision, event.location_region) == ("SYR", "country", None)
    assert (event.location_latitude, event.location_longitude) == default_tables().points["SYR"]


def test_qualified_and_other_names(geocoder: Geocoder) -> None:
    assert geocoder.resolve("Tripoli, Lebanon").country == "LBN"
    assert geocoder.resolve("Springfield, Illinois").region == "Illinois"
    assert geocoder.resolve("Atlanta, Georgia").country == "USA"  # Georgia the state, not the country
    assert geocoder.resolve("Kiev").name == "Kyiv"
    assert geocoder.resolve("New York").name == "New York City"
    assert geocoder.resolve("Bombay").country == "IND"
    assert geocoder.resolve("Tahrir Square") is None


def test_the_sentences_place_when_the_trigger_has_none() -> None:
    events = events_of("In Kabul, officials said three soldiers were killed.")
    assert events and {e.location for e in events} == {"Kabul"}
    assert {e.location_precision for e in events} == {"point"}


def test_the_dateline_when_the_sentence_names_no_place() -> None:
    event = only("NAIROBI, Kenya — Police arrested opposition leader Raila Odinga on Friday.")
    assert (event.location, event.location_country, event.location_precision) == ("Nairobi", "KEN", "point")
    assert event.location_span is None  # the dateline is not in the sentence
    assert event.location_latitude == pytest.approx(-1.28, abs=0.05)


def test_an_unresolved_place_keeps_its_name_without_coordinates() -> None:
    event = only("Protesters clashed with Egyptian police near Tahrir Square.")
    assert event.location == "Tahrir Square"
    assert (event.location_latitude, event.location_precision) == (None, None)


def test_an_event_without_any_place() -> None:
    event = only("Russia condemned the attack.")
    assert (event.location, event.location_latitude, event.location_precision) == (None, None, None)
    record = event.to_dict()
    assert {"location_latitude", "location_longitude", "location_region", "location_precision"} <= set(record)


def test_historical_states_are_placed_at_their_successors(geocoder: Geocoder) -> None:
    assert geocoder.resolve("Moscow", ["SUN"]).country == "RUS"
    assert geocoder.iso2("SUN") == "RU"
