"""Integrity of the leaders table (actors/data/leaders.yaml), read with PyYAML directly."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

import realpolitik.actors

LEADERS_PATH = Path(realpolitik.actors.__file__).parent / "data" / "leaders.yaml"
OPEN_END = date.max
# Surface forms deliberately shared by leaders of different countries in office at
# the same time; the matcher chooses between them with the document's other countries.
CROSS_COUNTRY_SHARED = {"king abdullah"}  # Saudi Arabia (2005-2015) and Jordan (1999-)

Record = dict[str, Any]


@pytest.fixture(scope="module")
def leaders() -> list[Record]:
    with LEADERS_PATH.open(encoding="utf-8") as f:
        return yaml.safe_load(f)["leaders"]


def _spans(record: Record) -> list[tuple[date, date]]:
    return [(t["start"], t["end"] or OPEN_END) for t in record["terms"]]


def _in_office(record: Record, day: date) -> list[dict[str, Any]]:
    """The record's terms covering ``day`` (start and end days included)."""
    return [t for t in record["terms"] if t["start"] <= day <= (t["end"] or OPEN_END)]


def _forms(record: Record) -> set[str]:
    """Every surface form the matcher uses for a record, lower-cased: its name and aliases."""
    return {record["name"].lower(), *(a.lower() for a in record["aliases"])}


def _holders(leaders: list[Record], form: str, day: date) -> list[Record]:
    return [r for r in leaders if form.lower() in _forms(r) and _in_office(r, day)]


def _overlap(a: Record, b: Record) -> bool:
    """Whether two records' terms overlap by more than a shared handover day."""
    return any(s1 < e2 and s2 < e1 for s1, e1 in _spans(a) for s2, e2 in _spans(b))


def test_record_schema(leaders: list[Record]) -> None:
    assert len(leaders) > 500
    for r in leaders:
        assert set(r) == {"name", "aliases", "country", "role", "terms"}, r.get("name")
        assert isinstance(r["name"], str) and r["name"] == r["name"].strip() and r["name"], r
        assert re.fullmatch(r"[A-Z]{3}", r["country"]), r["name"]
        assert r["role"] == "GOV", r["name"]
        assert isinstance(r["aliases"], list), r["name"]
        for alias in r["aliases"]:
            assert isinstance(alias, str) and alias and alias == alias.strip(), (r["name"], alias)
        assert len(set(r["aliases"])) == len(r["aliases"]), r["name"]
        assert r["name"] not in r["aliases"], r["name"]
        assert len(r["terms"]) >= 1, r["name"]


def test_terms_have_parsed_ordered_dates(leaders: list[Record]) -> None:
    for r in leaders:
        for t in r["terms"]:
            assert set(t) == {"office", "start", "end"}, (r["name"], t)
            assert isinstance(t["office"], str) and t["office"], (r["name"], t)
            # PyYAML turns an ISO date into a date; anything else stays a string
            assert type(t["start"]) is date, (r["name"], t)
            assert t["end"] is None or type(t["end"]) is date, (r["name"], t)
            assert t["end"] is None or t["start"] <= t["end"], (r["name"], t)
            assert date(1900, 1, 1) <= t["start"] <= date(2027, 1, 1), (r["name"], t)


def test_names_are_unique_per_country(leaders: list[Record]) -> None:
    keys = [(r["name"], r["country"]) for r in leaders]
    assert len(keys) == len(set(keys))


def test_table_size(leaders: list[Record]) -> None:
    assert sum(len(r["terms"]) for r in leaders) >= 600


def test_stalin_leads_the_soviet_union_when_korea_war_starts(leaders: list[Record]) -> None:
    holders = _holders(leaders, "Stalin", date(1950, 6, 25))
    assert [(r["name"], r["country"]) for r in holders] == [("Joseph Stalin", "SUN")]


def test_gaddafi_rules_libya_until_2011(leaders: list[Record]) -> None:
    for spelling in ("Gaddafi", "Qaddafi", "Kadhafi", "Gadhafi"):
        holders = _holders(leaders, spelling, date(1990, 6, 1))
        assert [(r["name"], r["country"]) for r in holders] == [("Muammar Gaddafi", "LBY")]
    gaddafi = next(r for r in leaders if r["name"] == "Muammar Gaddafi")
    assert max(t["end"] for t in gaddafi["terms"]).year == 2011
    assert not _holders(leaders, "Gaddafi", date(2012, 1, 1))


def test_mobutu_leads_zaire_coded_cod(leaders: list[Record]) -> None:
    holders = _holders(leaders, "Mobutu", date(1980, 1, 1))
    assert [(r["name"], r["country"]) for r in holders] == [("Mobutu Sese Seko", "COD")]


@pytest.mark.parametrize(
    "day, name",
    [
        (date(1950, 1, 1), "Kim Il-sung"),
        (date(2005, 1, 1), "Kim Jong-il"),
        (date(2020, 1, 1), "Kim Jong-un"),
    ],
)
def test_kim_is_the_north_korean_leader_of_the_day(leaders: list[Record], day: date, name: str) -> None:
    holders = _holders(leaders, "Kim", day)
    assert [(r["name"], r["country"]) for r in holders] == [(name, "PRK")]


def test_putin_as_president_then_prime_minister(leaders: list[Record]) -> None:
    for day, office in [(date(2001, 1, 1), "President"), (date(2010, 1, 1), "Prime Minister")]:
        holders = _holders(leaders, "Putin", day)
        assert [(r["name"], r["country"]) for r in holders] == [("Vladimir Putin", "RUS")]
        assert [t["office"] for t in _in_office(holders[0], day)] == [office]


@pytest.mark.parametrize(
    "form, day, name",
    [
        ("Bush", date(1990, 6, 1), "George H. W. Bush"),
        ("Bush", date(2005, 6, 1), "George W. Bush"),
        ("Assad", date(1990, 6, 1), "Hafez al-Assad"),
        ("Assad", date(2015, 6, 1), "Bashar al-Assad"),
        ("Kabila", date(1998, 6, 1), "Laurent-Désiré Kabila"),
        ("Kabila", date(2010, 6, 1), "Joseph Kabila"),
        ("Castro", date(1970, 6, 1), "Fidel Castro"),
        ("Castro", date(2015, 6, 1), "Raúl Castro"),
        ("Gandhi", date(1970, 6, 1), "Indira Gandhi"),
        ("Gandhi", date(1987, 6, 1), "Rajiv Gandhi"),
        ("Aliyev", date(2000, 6, 1), "Heydar Aliyev"),
        ("Aliyev", date(2010, 6, 1), "Ilham Aliyev"),
        ("Mao", date(1960, 6, 1), "Mao Zedong"),
        ("Chairman Mao", date(1966, 6, 1), "Mao Zedong"),
        ("Mao Tse-tung", date(1966, 6, 1), "Mao Zedong"),
        ("Deng Xiaoping", date(1985, 6, 1), "Deng Xiaoping"),
        ("Xi", date(2020, 6, 1), "Xi Jinping"),
        ("Chiang Kai-shek", date(1960, 6, 1), "Chiang Kai-shek"),
        ("Khomeini", date(1985, 6, 1), "Ruhollah Khomeini"),
        ("Khamenei", date(2020, 6, 1), "Ali Khamenei"),
        ("Ahmadinejad", date(2010, 6, 1), "Mahmoud Ahmadinejad"),
        ("Netanyahu", date(2015, 6, 1), "Benjamin Netanyahu"),
        ("Zelensky", date(2023, 6, 1), "Volodymyr Zelenskyy"),
        ("Zelenskyy", date(2023, 6, 1), "Volodymyr Zelenskyy"),
        ("Yeltsin", date(1995, 6, 1), "Boris Yeltsin"),
        ("Khrushchev", date(1960, 6, 1), "Nikita Khrushchev"),
        ("Brezhnev", date(1975, 6, 1), "Leonid Brezhnev"),
        ("Gorbachev", date(1988, 6, 1), "Mikhail Gorbachev"),
        ("Saddam", date(1990, 8, 2), "Saddam Hussein"),
        ("Tito", date(1970, 6, 1), "Josip Broz Tito"),
        ("Nasser", date(1956, 10, 29), "Gamal Abdel Nasser"),
        ("Sadat", date(1978, 9, 17), "Anwar Sadat"),
        ("Mubarak", date(2000, 6, 1), "Hosni Mubarak"),
        ("Arafat", date(1993, 9, 13), "Yasser Arafat"),
        ("Ulbricht", date(1961, 8, 13), "Walter Ulbricht"),
        ("Honecker", date(1985, 6, 1), "Erich Honecker"),
        ("Krenz", date(1989, 11, 9), "Egon Krenz"),
        ("Lumumba", date(1960, 7, 1), "Patrice Lumumba"),
        ("Kasa-Vubu", date(1962, 6, 1), "Joseph Kasa-Vubu"),
        ("Tshisekedi", date(2022, 6, 1), "Félix Tshisekedi"),
        ("Elizabeth II", date(1990, 6, 1), "Elizabeth II"),
        ("King Charles", date(2024, 6, 1), "Charles III"),
    ],
)
def test_surface_form_resolves_to_one_leader(leaders: list[Record], form: str, day: date, name: str) -> None:
    assert [r["name"] for r in _holders(leaders, form, day)] == [name]


def test_historical_and_special_country_codes(leaders: list[Record]) -> None:
    country = {r["name"]: r["country"] for r in leaders}
    assert country["Konrad Adenauer"] == "DEU"
    assert country["Erich Honecker"] == "DDR"
    assert country["Josip Broz Tito"] == "YUG"
    assert country["Alexander Dubček"] == "CSK"
    assert country["Yasser Arafat"] == "PSE"
    assert country["Chiang Kai-shek"] == "TWN"
    assert country["Kim Il-sung"] == "PRK"
    assert country["Syngman Rhee"] == "KOR"


def test_no_surface_form_is_ambiguous_within_a_country(leaders: list[Record]) -> None:
    """A name or alias has at most one holder per country at any date.

    Terms that only touch on a handover day ("end" of one == "start" of the next)
    do not count as overlapping.
    """
    by_form: dict[str, list[Record]] = defaultdict(list)
    for r in leaders:
        for form in _forms(r):
            by_form[form].append(r)
    clashes = [
        (form, a["name"], b["name"], a["country"])
        for form, records in by_form.items()
        for a, b in itertools.combinations(records, 2)
        if a["country"] == b["country"] and _overlap(a, b)
    ]
    assert clashes == []


def test_cross_country_shared_forms_are_the_known_ones(leaders: list[Record]) -> None:
    by_form: dict[str, list[Record]] = defaultdict(list)
    for r in leaders:
        for form in _forms(r):
            by_form[form].append(r)
    shared = {
        form
        for form, records in by_form.items()
        for a, b in itertools.combinations(records, 2)
        if a["country"] != b["country"] and _overlap(a, b)
    }
    assert shared == CROSS_COUNTRY_SHARED


@pytest.mark.parametrize(
    "country, office, since",
    [
        ("USA", "President", date(1945, 1, 1)),
        ("GBR", "Prime Minister", date(1945, 1, 1)),
        ("JPN", "Prime Minister", date(1945, 4, 7)),
        ("DEU", "Chancellor", date(1949, 9, 15)),
        ("FRA", "President", date(1959, 1, 8)),
        ("ISR", "Prime Minister", date(1948, 5, 14)),
        ("IND", "Prime Minister", date(1947, 8, 15)),
        ("ITA", "Prime Minister", date(1945, 6, 21)),
        ("CAN", "Prime Minister", date(1945, 1, 1)),
        ("AUS", "Prime Minister", date(1945, 7, 13)),
        ("UKR", "President", date(1991, 12, 5)),
        ("RUS", "President", date(1991, 7, 10)),
        ("CHN", "Premier", date(1949, 10, 1)),
        ("KOR", "President", date(1988, 2, 25)),
        ("BRA", "President", date(1985, 3, 15)),
        ("MEX", "President", date(1945, 1, 1)),
        ("ARG", "President", date(1983, 12, 10)),
        ("ZAF", "President", date(1994, 5, 10)),
        ("TUR", "President", date(1989, 11, 9)),
        ("IRN", "President", date(1989, 8, 3)),
    ],
)
def test_office_is_held_without_gaps(leaders: list[Record], country: str, office: str, since: date) -> None:
    """Successive holders of a main office follow each other (typo guard: a wrong year leaves a gap)."""
    spans = sorted(
        (t["start"], t["end"] or OPEN_END)
        for r in leaders
        if r["country"] == country
        for t in r["terms"]
        if t["office"].removeprefix("Acting ").removeprefix("Interim ") == office
        if (t["end"] or OPEN_END) >= since
    )
    assert spans and spans[0][0] <= since
    covered = spans[0][1]
    for start, end in spans[1:]:
        assert (start - covered).days <= 40, (country, office, covered, start)
        covered = max(covered, end)
    assert covered == OPEN_END, (country, office, covered)


@pytest.mark.parametrize(
    "country",
    [
        "USA",
        "RUS",
        "CHN",
        "GBR",
        "FRA",
        "DEU",
        "JPN",
        "IND",
        "BRA",
        "CAN",
        "AUS",
        "ITA",
        "KOR",
        "MEX",
        "IDN",
        "TUR",
        "SAU",
        "ARG",
        "ZAF",
        "PRK",
        "TWN",
        "UKR",
        "IRN",
        "ISR",
        "IRQ",
        "SYR",
        "LBY",
        "COD",
        "EGY",
        "JOR",
        "LBN",
        "ARE",
        "QAT",
        "KWT",
        "BHR",
        "OMN",
        "YEM",
        "PSE",
        "NGA",
        "ETH",
        "KEN",
        "PAK",
        "BGD",
        "VNM",
        "THA",
        "PHL",
        "CUB",
        "VEN",
    ],
)
def test_country_has_a_leader_in_late_2025(leaders: list[Record], country: str) -> None:
    assert any(r["country"] == country and _in_office(r, date(2025, 12, 31)) for r in leaders)
