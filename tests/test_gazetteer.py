"""Tests for the actor gazetteer (actors/data/*.yaml and actors/gazetteer.py)."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from importlib.resources import files
from pathlib import Path

import pytest
import yaml

from realpolitik.actors.gazetteer import Entry, Gazetteer

DATA = files("realpolitik.actors") / "data"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def first_valid(gaz: Gazetteer, phrase: str, when: date | None = None) -> Entry:
    """What the matcher picks: the first entry valid on the date."""
    return next(e for e in gaz.lookup(phrase) if e.valid_on(when))


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- names, metonyms and roles ------------------------------------------------------


@pytest.mark.parametrize(
    "phrase, country, role, kind",
    [
        ("the Kremlin", "RUS", "GOV", "metonym"),  # "The Kremlin denied the report."
        ("Kremlin", "RUS", "GOV", "metonym"),
        ("Pyongyang", "PRK", None, "capital"),  # "Pyongyang fired two missiles."
        ("the hermit kingdom", "PRK", None, "metonym"),
        ("DPRK", "PRK", None, "country"),
        ("North Koreans", "PRK", None, "demonym"),
        ("Capitol Hill", "USA", "LEG", "metonym"),  # "Capitol Hill passed the sanctions bill."
        ("the White House", "USA", "GOV", "metonym"),
        ("the Pentagon", "USA", "MIL", "metonym"),
        ("Foggy Bottom", "USA", "GOV", "metonym"),
        ("Downing Street", "GBR", "GOV", "metonym"),
        ("Westminster", "GBR", "LEG", "metonym"),
        ("the Élysée", "FRA", "GOV", "metonym"),
        ("the Knesset", "ISR", "LEG", "metonym"),
        ("the Duma", "RUS", "LEG", "metonym"),
        ("Zhongnanhai", "CHN", "GOV", "metonym"),
        ("Peking", "CHN", None, "capital"),
        ("Tehran", "IRN", None, "capital"),
        ("the Holy See", "VAT", None, "country"),
        ("Zaire", "COD", None, "country"),
        ("West Germany", "DEU", None, "country"),
        ("Kosovars", "XKX", None, "demonym"),
        ("Taipei", "TWN", None, "capital"),
    ],
)
def test_current_names(gaz: Gazetteer, phrase: str, country: str, role: str | None, kind: str) -> None:
    e = first_valid(gaz, phrase)
    assert (e.country, e.role, e.kind) == (country, role, kind)


def test_case_sensitive_forms(gaz: Gazetteer) -> None:
    assert [e.country for e in gaz.lookup("US")] == ["USA"]
    assert [e.country for e in gaz.lookup("U.S.")] == ["USA"]
    assert gaz.lookup("us") == []  # "Tell us what happened."
    assert gaz.lookup("Us") == []
    assert gaz.lookup("the diet") == []  # the Diet (JPN LEG) only with a capital D
    assert first_valid(gaz, "the Diet").country == "JPN"
    assert gaz.lookup("who") == []  # "who" is not the World Health Organization
    assert first_valid(gaz, "WHO").igo == "WHO"
    # case-insensitive entries ignore case
    assert first_valid(gaz, "PYONGYANG").country == "PRK"


def test_historical_states_by_date(gaz: Gazetteer) -> None:
    soviet = first_valid(gaz, "Soviet Union", date(1950, 1, 1))
    assert soviet.country == "SUN"
    assert soviet.valid_on(date(1950, 6, 25))
    assert not soviet.valid_on(date(2000, 1, 1))
    assert not soviet.valid_on(None)  # not valid today
    assert not any(e.valid_on(date(2000, 1, 1)) for e in gaz.lookup("Soviet Union"))
    # shared phrases: the narrower validity wins while it is valid
    assert first_valid(gaz, "Moscow", date(1962, 10, 22)).country == "SUN"
    assert first_valid(gaz, "Moscow", date(2014, 3, 18)).country == "RUS"
    assert first_valid(gaz, "the Kremlin", date(1979, 12, 27)).country == "SUN"
    assert first_valid(gaz, "Belgrade", date(1980, 5, 4)).country == "YUG"
    assert first_valid(gaz, "Belgrade", date(2005, 1, 1)).country == "SCG"
    assert first_valid(gaz, "Belgrade", date(2020, 1, 1)).country == "SRB"
    assert first_valid(gaz, "Prague", date(1968, 8, 21)).country == "CSK"
    assert first_valid(gaz, "East Germany", date(1961, 8, 13)).country == "DDR"
    assert not first_valid(gaz, "East Germany", date(1961, 8, 13)).valid_on(date(1991, 1, 1))
    # an item-level date inside a current country: Bonn spoke for Germany until 1999
    assert first_valid(gaz, "Bonn", date(1985, 1, 1)).country == "DEU"
    assert not any(e.valid_on(date(2010, 1, 1)) for e in gaz.lookup("Bonn"))


def test_igos_and_ngos(gaz: Gazetteer) -> None:
    un = first_valid(gaz, "U.N.")
    assert (un.kind, un.igo, un.country, un.name) == ("igo", "UNO", None, "United Nations")
    assert first_valid(gaz, "the UN Security Council").igo == "UNO"
    assert first_valid(gaz, "NATO").igo == "NAT"
    assert first_valid(gaz, "European Commission").igo == "EUR"
    assert first_valid(gaz, "African Union").igo == "AFU"
    assert first_valid(gaz, "IAEA").igo == "IAE"
    assert gaz.lookup("un") == []
    assert not first_valid(gaz, "Warsaw Pact", date(1968, 8, 21)).valid_on(date(2000, 1, 1))
    amnesty = first_valid(gaz, "Amnesty International")
    assert (amnesty.kind, amnesty.country, amnesty.igo, amnesty.role) == ("ngo", None, None, "HRI")
    assert first_valid(gaz, "Human Rights Watch").role == "HRI"


def test_role_nouns(gaz: Gazetteer) -> None:
    nouns = gaz.role_nouns()
    assert nouns["troop"] == "MIL"
    assert nouns["soldier"] == "MIL"
    assert nouns["prime minister"] == "GOV"
    assert nouns["foreign minister"] == "GOV"
    assert nouns["riot police"] == "COP"
    assert nouns["opposition leader"] == "OPP"
    assert nouns["leader"] == "GOV"
    assert nouns["rebel"] == "REB"
    assert nouns["refugee"] == "REF"
    assert nouns["journalist"] == "MED"
    assert nouns["children"] == "CVL"
    assert all(n == n.lower() for n in nouns)
    cameo = {
        "GOV",
        "MIL",
        "COP",
        "JUD",
        "LEG",
        "OPP",
        "REB",
        "INS",
        "SEP",
        "PTY",
        "BUS",
        "MED",
        "CVL",
        "EDU",
        "REL",
        "LAB",
        "AGR",
        "REF",
        "HLH",
        "HRI",
        "NGO",
        "CRM",
        "SPY",
        "UAF",
        "ELI",
        "ENV",
    }
    assert cameo <= set(nouns.values())


# --- data quality -------------------------------------------------------------------


def test_country_codes_are_iso3_and_unique() -> None:
    records = yaml.safe_load((DATA / "countries.yaml").read_text(encoding="utf-8"))["countries"]
    codes = [r["iso3"] for r in records]
    assert all(re.fullmatch(r"[A-Z]{3}", c) for c in codes)
    assert len(codes) == len(set(codes))
    assert all(r.get("name") and (r.get("demonyms") or r.get("capitals")) for r in records)


def test_covers_current_and_historical_states(gaz: Gazetteer) -> None:
    countries = gaz.countries()
    current = {c for c in countries if any(e.valid_on(None) for e in gaz.lookup(countries[c]))}
    assert len(current) >= 200  # 193 UN members, observers, Taiwan, Kosovo and territories
    for code in [
        "AFG",
        "BRA",
        "COD",
        "FSM",
        "KNA",
        "NGA",
        "PSE",
        "SSD",
        "TLS",
        "TUV",
        "TWN",
        "XKX",
        "HKG",
        "ESH",
        "VAT",
        "ZWE",
    ]:
        assert code in current, code
    assert {"SUN", "DDR", "YUG", "CSK"} <= set(countries) - current
    assert countries["PRK"] == "North Korea"


def test_no_unresolvable_ambiguity(gaz: Gazetteer) -> None:
    """Two actors may share a phrase only if one of them has a narrower validity."""
    open_ended: dict[str, set[str]] = defaultdict(set)
    for e in gaz.entries:
        if e.kind not in ("role", "leader") and e.start is None and e.end is None:
            open_ended[e.phrase.lower().removeprefix("the ")].add(e.country or e.igo or e.name)
    assert {p: a for p, a in open_ended.items() if len(a) > 1} == {}


def test_default_load_is_cached() -> None:
    assert Gazetteer.load() is Gazetteer.load()


# --- user files -----------------------------------------------------------------------


def test_user_file_overrides_and_adds(tmp_path: Path, gaz: Gazetteer) -> None:
    user = write(
        tmp_path,
        "mine.yaml",
        """
countries:
- iso3: RUS
  name: Russian Federation
  capitals: [Moskva]
- iso3: FRD
  name: Freedonia
  demonyms: [Freedonian, Freedonians]
  capitals: [Fredville]
  metonyms: [{text: the Palace of Rufus, role: GOV}]
igos:
- {id: UNO, name: United Nations Organization, aliases: [UNO]}
roles:
- {role: MIL, description: armed forces, nouns: [legionnaire]}
""",
    )
    custom = Gazetteer.load([user])
    assert custom.countries()["RUS"] == "Russian Federation"
    assert first_valid(custom, "Moskva").country == "RUS"
    assert [e.country for e in custom.lookup("Moscow")] == ["SUN"]  # the packaged RUS record is gone
    assert first_valid(custom, "Freedonians").country == "FRD"
    palace = first_valid(custom, "the Palace of Rufus")
    assert (palace.country, palace.role) == ("FRD", "GOV")
    assert custom.lookup("U.N.") == [] and first_valid(custom, "UNO").igo == "UNO"
    assert custom.role_nouns()["legionnaire"] == "MIL" and "troop" not in custom.role_nouns()
    # the packaged default is untouched
    assert first_valid(gaz, "Moscow").country == "RUS" and "FRD" not in gaz.countries()


def test_leaders_become_dated_entries(tmp_path: Path) -> None:
    leaders = write(
        tmp_path,
        "leaders.yaml",
        """
leaders:
- name: Joseph Stalin
  aliases: [Stalin, Josef Stalin]
  country: SUN
  role: GOV
  terms:
    - {office: General Secretary of the CPSU, start: 1922-04-03, end: 1953-03-05}
- name: Angela Merkel
  aliases: [Merkel]
  country: DEU
  role: GOV
  terms:
    - {office: Chancellor of Germany, start: 2005-11-22, end: 2021-12-08}
""",
    )
    gaz = Gazetteer.load([leaders])
    stalin = gaz.lookup("stalin")  # this record replaces any packaged Stalin (same name and country)
    assert [(e.kind, e.country, e.role, e.name) for e in stalin] == [("leader", "SUN", "GOV", "Joseph Stalin")]
    assert stalin[0].valid_on(date(1950, 1, 1)) and not stalin[0].valid_on(date(1960, 1, 1))
    assert {e.phrase for e in gaz.entries if e.name == "Joseph Stalin"} == {"Joseph Stalin", "Stalin", "Josef Stalin"}
    assert first_valid(gaz, "Merkel", date(2015, 9, 4)).country == "DEU"


@pytest.mark.parametrize(
    "text, message",
    [
        ("countries:\n- {name: Nowhere}\n", r"countries\[0\].*'iso3'"),
        ("countries:\n- {iso3: rus, name: Russia}\n", r"'iso3' must match"),
        ("countries:\n- {iso3: ABC, name: Abc, valid_from: 1990-13-45}\n", r"valid_from '1990-13-45'"),
        ("countries:\n- {iso3: ABC, name: Abc, valid_from: 2000-01-01, valid_to: 1990-01-01}\n", r"after"),
        ("countries:\n- {iso3: ABC, name: Abc, capitol: [X]}\n", r"unknown field.*capitol"),
        ("countries:\n- {iso3: ABC, name: Abc}\n- {iso3: ABC, name: Abd}\n", r"duplicate iso3 'ABC'"),
        ("countries:\n- {iso3: ABC, name: Abc, metonyms: [{text: Palace, role: XYZ}]}\n", r"unknown role 'XYZ'"),
        ("kingdoms:\n- {iso3: ABC, name: Abc}\n", r"unknown top-level key.*kingdoms"),
        ("countries: [iso3: ABC\n", r"invalid YAML"),
        (
            "leaders:\n- {name: Nobody, country: QQQ, role: GOV, terms: [{office: x, start: 2000-01-01}]}\n",
            r"unknown country 'QQQ'",
        ),
        (
            "leaders:\n- {name: Nobody, country: RUS, role: GOV, terms: [{office: x, end: 2000-01-01}]}\n",
            r"missing start",
        ),
        ("roles:\n- {role: CVL, description: civilians, nouns: [soldier]}\n", r"'soldier' of CVL.*MIL"),
    ],
)
def test_bad_user_file_names_the_file(tmp_path: Path, text: str, message: str) -> None:
    bad = write(tmp_path, "bad_actors.yaml", text)
    with pytest.raises(ValueError, match=message) as err:
        Gazetteer.load([bad])
    assert "bad_actors.yaml" in str(err.value)
