"""Actors beyond the gazetteer (issue 10): people and bodies from the text, generic people,
unnamed and absent sources, reduced relatives, places, coordination, context actors and
targets of giving. Real-news sentences, coded end to end."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from realpolitik.actors.referents import ReferentTable
from realpolitik.pipeline import Pipeline
from realpolitik.types import Document, EventMention, Sentence

WHEN = date(2023, 5, 10)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


def code(pipeline: Pipeline, text: str) -> tuple[list[Sentence], list[EventMention]]:
    result = next(pipeline.run([Document(id="t", text=text, date=WHEN)]))
    assert result.error is None
    return result.sentences, result.mentions


def dyads(pipeline: Pipeline, text: str, root: str) -> set[tuple[str, str | None]]:
    return {
        (e.source.code, e.target.code if e.target else None) for e in code(pipeline, text)[1] if e.code.startswith(root)
    }


def actors(pipeline: Pipeline, text: str) -> dict[str, tuple[str, str | None]]:
    """Actor mention text -> (actor code, country reason), over all sentences."""
    return {m.text: (m.actor.code, m.country_reason) for s in code(pipeline, text)[0] for m in s.actors}


# 1. people and bodies no table lists ---------------------------------------------------


@pytest.mark.parametrize(
    "text, mention, expected",
    [
        ("The Kenya Bar Association condemned the arrests.", "Bar Association", "KENJUD"),
        (
            "The Syrian Observatory for Human Rights said 12 people were killed.",
            "The Syrian Observatory for Human Rights",
            "SYRHRI",
        ),
        ("A Kremlin spokesman rejected the accusation.", "Kremlin spokesman", "RUSGOV"),
        # Wikinews 2006: an MEP is a legislator
        (
            "Caroline Lucas, the Green Party MEP for Southeast England, is calling for an investigation.",
            "Caroline Lucas",
            "GBRLEG",
        ),
        (
            "US Secretary of Defense Donald Rumsfeld said the army would stay.",
            "US Secretary of Defense Donald Rumsfeld",
            "USAGOV",
        ),
        (
            "Joshua Oigara, the chief executive of Kenya Commercial Bank, met Ugandan officials.",
            "Joshua Oigara",
            "KENBUS",
        ),
        # a former prime minister introduced by his present title is opposition, not government
        ("Kenyan opposition leader Raila Odinga called for protests.", "Raila Odinga", "KENOPP"),
        ("Gerry Adams accused the Taoiseach of attacking his party.", "Taoiseach", "IRLGOV"),
    ],
)
def test_titles_appositives_and_organisation_words_give_the_role(pipeline, text, mention, expected):
    assert actors(pipeline, text)[mention][0] == expected


def test_a_titled_person_keeps_title_and_country_in_later_mentions(pipeline):
    text = (
        "Austrian Interior Minister Erich Kurtz visited Brussels on Monday.\nKurtz said the police would investigate."
    )
    found = actors(pipeline, text)
    assert found["Austrian Interior Minister Erich Kurtz"] == ("AUTGOV", "modifier")
    assert found["Kurtz"] == ("AUTGOV", "earlier mention")
    assert ("AUTGOV", None) in dyads(pipeline, text, "010")


def test_a_country_before_a_prefixed_title_owns_it_against_the_article_country(pipeline):
    # Wikinews 2004-11-18: the story is about Japan; "Vice" and "acting" do not hide the owner
    text = (
        "Chinese submarine enters Japanese waters.\nJapan protested to China on Monday.\n"
        "On 17 November, Chinese Vice Foreign Minister Wu Daiwei met with the Japanese ambassador in Beijing."
    )
    found = actors(pipeline, text)
    assert found["Chinese Vice Foreign Minister Wu Daiwei"] == ("CHNGOV", "modifier")
    assert ("CHNGOV", "JPNGOV") in dyads(pipeline, text, "04")
    found = actors(pipeline, "Kenya's acting Interior Minister Kithure Kindiki said the police would act.")
    assert found["Kenya's acting Interior Minister Kithure Kindiki"] == ("KENGOV", "modifier")


def test_a_person_of_unknown_country_is_coded_with_the_role_alone(pipeline):
    assert dyads(pipeline, "Foreign Minister Sergei Lavrov criticised the new sanctions.", "11") == {("GOV", None)}


def test_a_name_the_parser_missed_the_second_time_is_the_same_actor(pipeline):
    text = (
        "The row between the Irish Government and Sinn Féin intensified today with Gerry Adams "
        "accusing the Taoiseach Bertie Ahern of attacking Sinn Féin."
    )
    _, events = code(pipeline, text)
    attack = next(e for e in events if e.trigger_text == "attacking")
    assert (attack.target.code, attack.target_text, attack.target_country_reason) == (
        "IRLCVL",
        "Sinn Féin",
        "earlier mention",
    )


def test_a_surname_alone_is_the_person_named_before(pipeline):
    # Wikinews 2019-02-11: the parser tags "Walter Munk" but not "Munk" in the next sentence
    text = (
        "The death of pioneering oceanographer Walter Munk was announced on Friday by the University of "
        "California. Munk was born in Austria, but he emigrated to the United States."
    )
    sentences, _ = code(pipeline, text)
    [munk] = [m for m in sentences[1].actors if m.text == "Munk"]
    assert (munk.kind, munk.actor.name) == ("person", "Walter Munk")
    sentences, _ = code(pipeline, "Opposition leader Kate May met students. In May, the students marched.")
    assert "May" not in [m.text for m in sentences[1].actors]  # the month is no surname


def test_a_role_noun_the_parser_took_for_a_name_stays_the_role(pipeline):
    # Wikinews 2006: spaCy tags "King" in "the King also spoke" as a PERSON
    text = (
        "King Mswati III of Swaziland has said that political parties are no longer banned. In the AFP "
        "interview, the King also spoke against using violence, and said that doors are wide open."
    )
    found = actors(pipeline, text)
    assert found["King"] == ("SWZGOV", "earlier mention")
    assert ("SWZGOV", None) in dyads(pipeline, text, "01")


def test_a_leader_named_before_office_is_of_his_country(pipeline):
    def found(text: str, when: date) -> dict[str, tuple[str, str | None]]:
        result = next(pipeline.run([Document(id="t", text=text, date=when)]))
        return {m.text: (m.actor.code, m.country_reason) for s in result.sentences for m in s.actors}

    # Wikinews 2020-05-14: Biden is president only from 2021; "Bernie" is no misspelled "Berne"
    biden = found("Joe Biden and Bernie Sanders announced six working groups. Sanders met Biden.", date(2020, 5, 14))
    assert biden["Joe Biden"] == ("USAELI", "name") and biden["Biden"] == ("USAELI", "name")
    assert not any(code.startswith("CHE") for code, _ in biden.values())
    obama = found("Senator Barack Obama met John McCain. Barack Obama criticised the bailout.", date(2008, 9, 24))
    assert obama["Senator Barack Obama"] == ("USALEG", "name")
    assert obama["Barack Obama"] == ("USALEG", "earlier mention")  # the title given before holds


# 2. generic people and groups, with the context's country --------------------------------


@pytest.mark.parametrize(
    "text, mention, expected, reason",
    [
        ("Students marched in Dhaka on Monday.", "Students", "BGDEDU", "article"),
        ("Protesters clashed with police in Lagos.", "Protesters", "NGACVL", "article"),
        ("NAIROBI, Kenya — Police arrested five people on Tuesday.", "Police", "KENCOP", "dateline"),
    ],
)
def test_generic_people_take_the_articles_country(pipeline, text, mention, expected, reason):
    assert actors(pipeline, text)[mention] == (expected, reason)


# 3. unnamed sources kept, agentless events flagged ----------------------------------------


def test_statements_by_unnamed_officials_are_kept(pipeline):
    assert dyads(pipeline, "Officials said the talks would resume.", "01") == {("GOV", None)}


def test_material_events_without_an_agent_are_kept_and_flagged(pipeline):
    _, events = code(pipeline, "Three civilians were killed in a car bombing in Baghdad.")
    killed = next(e for e in events if e.root_code == "18")
    assert killed.agentless and killed.source.code == "---" and killed.source_text is None
    assert killed.target.code == "IRQCVL"


# 4. reduced relatives: the modified noun is the target -------------------------------------


@pytest.mark.parametrize(
    "text, root, target",
    [
        ("Priests kidnapped in Nigeria were released.", "18", "NGAREL"),
        ("Journalists abducted in Syria were freed on Sunday.", "18", "SYRMED"),  # tagged VBD, still passive
        ("Two Americans accused of spying were sentenced in Moscow.", "11", "USA"),
    ],
)
def test_a_passive_participle_makes_its_noun_the_target(pipeline, text, root, target):
    assert target in {t for _, t in dyads(pipeline, text, root)}
    assert all(s != target for s, _ in dyads(pipeline, text, root))


def test_a_raised_subject_is_the_target_of_a_passive_complement(pipeline):
    text = "The rebel commander Joseph Kony is believed to have been captured by Ugandan troops."
    assert dyads(pipeline, text, "17") == {("UGAMIL", "UGAREB")}


# 5. places are not targets ------------------------------------------------------------------


def test_a_place_is_the_location_not_the_target(pipeline):
    _, events = code(pipeline, "North Korea signed a defence pact in Pyongyang.")
    signed = next(e for e in events if e.code == "057")
    assert (signed.source.code, signed.target, signed.location) == ("PRK", None, "Pyongyang")


# 6. coordination -------------------------------------------------------------------------------


def test_one_event_per_conjoined_target(pipeline):
    text = "Iran agreed with the U.S., China, Russia, South Korea and Japan on a new plan."
    found = dyads(pipeline, text, "01")
    assert {("IRN", c) for c in ("USA", "CHN", "RUS", "KOR", "JPN")} <= found


def test_symmetric_events_go_both_ways_and_conjoined_sources_each_act(pipeline):
    assert dyads(pipeline, "Japan and France signed a treaty on Monday.", "057") == {("JPN", "FRA"), ("FRA", "JPN")}
    assert dyads(pipeline, "Britain and France backed Kyiv.", "05") == {("GBR", "UKRGOV"), ("FRA", "UKRGOV")}
    # the parser makes the first name a modifier of the second: still two leaders who met each other
    text = "Kenyan President William Ruto and Somali President Hassan Sheikh Mohamud met in Nairobi."
    assert dyads(pipeline, text, "04") == {("KENGOV", "SOMGOV"), ("SOMGOV", "KENGOV")}


# 7. context actors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, root, expected",
    [
        ("The West imposed new sanctions on Russia.", "16", ("WST", "RUS")),
        ("Western diplomats criticised the Russian plan.", "11", ("WSTGOV", "RUS")),
        ("Seoul accused the North of firing missiles.", "11", ("KORGOV", "PRK")),
        (
            "Khartoum and Juba traded accusations.\nThe South accused the North of bombing its oil fields.",
            "11",
            ("SSD", "SDN"),
        ),
        ("Russia invaded its neighbour in February.\nUkraine asked for help.", "19", ("RUS", "UKR")),
    ],
)
def test_the_west_the_north_and_its_neighbour(pipeline, text, root, expected):
    assert expected in dyads(pipeline, text, root)


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("Israeli forces raided the West Bank.", "the West"),
        ("Ships sailed through the South China Sea.", "the South"),
        ("The North denied the claim.", "The North"),  # no Korea, no Sudan: nobody
    ],
)
def test_place_names_and_articles_without_a_referent_give_no_context_actor(pipeline, text, phrase):
    assert phrase not in actors(pipeline, text)


def test_referents_are_data_and_validated(tmp_path: Path):
    user = tmp_path / "referents.yaml"
    user.write_text("fixed:\n  - {text: the Global South, code: GSO}\n", encoding="utf-8")
    table = ReferentTable.load([user])
    assert any(p.words == ("the", "Global", "South") for p in table.phrases)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "by_article:\n  - {text: the North, meanings: [{countries: [Korea], country: PRK}]}\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="bad.yaml: by_article"):
        ReferentTable.load([bad])


# 8. misspelled names, and words that only look like one --------------------------------------


def test_a_weekday_is_no_misspelled_leader(pipeline):
    assert "Sunday" not in actors(pipeline, "Journalists abducted in Syria were freed on Sunday.")


# 9. targets of giving --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, root, expected",
    [
        ("Germany supplied artillery shells to Ukraine.", "07", ("DEU", "UKR")),
        ("The United States will provide Ukraine with tanks.", "03", ("USA", "UKR")),
        ("Russia signed an arms deal with Venezuela.", "05", ("RUS", "VEN")),
        ("China sent fuel to North Korea.", "07", ("CHN", "PRK")),
    ],
)
def test_the_receiver_of_a_gift_is_the_target(pipeline, text, root, expected):
    assert expected in dyads(pipeline, text, root)


# targets the text gives elsewhere in the clause ----------------------------------------------


@pytest.mark.parametrize(
    "text, root, expected",
    [
        # the embedded action no trigger codes carries the target
        ("Libya has offered to hand over to Britain the two suspects.", "03", ("LBY", "GBR")),
        ("The rebels refused to allow United Nations planes to land.", "12", ("REB", "IGOUNO")),
        # the source's own troops are what it offers; the recipient is the target
        ("Syria offered its troops to Lebanon's president.", "03", ("SYR", "LBNGOV")),
        # a threat is aimed at whoever must meet its condition
        (
            "Syrian villagers threatened to hold a general strike unless Israel rescinded the order.",
            "13",
            ("SYRCVL", "ISR"),
        ),
        ("Moscow threatened to stop the talks if the United States deployed the missiles.", "13", ("RUSGOV", "USA")),
        # a protest is aimed at whom its demand names
        ("Students staged demonstrations to demand the resignation of President Erdogan.", "14", ("EDU", "TURGOV")),
        ("Refugees began a hunger strike in protest of the Russian government's decision.", "14", ("RUSREF", "RUSGOV")),
        # what is complained about, before the body complained to
        ("Lebanon complained to the United Nations over two Israeli air raids.", "11", ("LBN", "ISR")),
        # the country asked for refuge
        ("Thousands of Iraqi Kurds sought refuge in Germany.", "02", ("IRQ", "DEU")),
        # a target on the object of an event noun
        ("Italy announced a suspension of air links with Serbia.", "16", ("ITA", "SRB")),
    ],
)
def test_targets_from_complements_conditions_and_purposes(pipeline, text, root, expected):
    assert expected in dyads(pipeline, text, root)


def test_a_statement_takes_no_target_from_what_it_says(pipeline):
    found = dyads(pipeline, "The opposition hoped to gather thousands of Azeris.", "01")
    assert found and all(target is None for _, target in found)


def test_a_curfew_falls_on_the_people_of_its_place(pipeline):
    assert ("DZAGOV", "DZACVL") in dyads(pipeline, "The Algerian government imposed a curfew in Algiers.", "17")


def test_people_of_the_events_place_are_not_its_target(pipeline):
    assert dyads(pipeline, "Demonstrators in Baghdad blocked a road on Monday.", "14") == {("IRQCVL", None)}


# pronouns: a subject-control "it" and possessives -----------------------------------------


def test_it_before_a_control_adjective_is_the_actor_not_an_expletive(pipeline):
    text = "Syria says it is willing to withdraw its troops from neighboring Lebanon."
    assert dyads(pipeline, text, "035") == {("SYR", "LBN")}  # its own troops are no target
    assert dyads(pipeline, "It is likely that Syria will withdraw its troops.", "08") == {("SYR", None)}


def test_a_possessive_pronoun_gives_a_role_noun_its_country(pipeline):
    text = "Bosnian Serbs said their forces had completed their withdrawal from the Bosnian town of Gorazde."
    assert dyads(pipeline, text, "087") == {("SRBMIL", "BIH")}


def test_a_collective_body_is_it(pipeline):
    text = "The Nigerian Union of Teachers announced Thursday that it has called off a four-day strike."
    assert {src[:3] for src, _ in dyads(pipeline, text, "082")} == {"NGA"}


def test_generic_people_take_the_country_of_the_events_place(pipeline):
    [arrest] = [
        e for e in code(pipeline, "Kenya's president said protesters were arrested in Kampala.")[1] if e.code == "173"
    ]
    assert (arrest.target.code, arrest.target_country_reason) == ("UGACVL", "place")
    [arrest] = [
        e for e in code(pipeline, "Kenyan police said. Police arrested 20 protesters in Kampala.")[1] if e.code == "173"
    ]
    assert arrest.target.code == "UGACVL" and arrest.source.code == "KENCOP"  # named police keep theirs


def test_the_articles_countries_are_counted_by_the_names_valid_on_its_date():
    pipeline = Pipeline()
    result = next(
        pipeline.run(
            [Document(id="k", text="The opposition leader took a swipe at the Kremlin.", date=date(2024, 3, 1))]
        )
    )
    assert {(e.source.code, e.target.code if e.target else None) for e in result.mentions} == {("RUSOPP", "RUSGOV")}
