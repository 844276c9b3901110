"""Constructions (coding/constructions.py, data/constructions.yaml): intent, threat, appeal, demand,
refusal coded as CAMEO codes them, with the embedded action folded in; and the sense constraints
and multiword triggers of the lexicon (data/phrases.yaml, data/triggers.yaml)."""

from __future__ import annotations

from datetime import date

import pytest

from realpolitik.coding.codebook import default_codebook
from realpolitik.coding.constructions import Constructions, package_constructions
from realpolitik.coding.lexicon import Lexicon
from realpolitik.config import Config, DataFiles
from realpolitik.pipeline import Pipeline
from realpolitik.types import EventMention

DAY = date(2000, 5, 6)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


def coded(pipeline: Pipeline, text: str) -> list[tuple[str, str, str | None, str]]:
    return [
        (e.source.code, e.code, e.target.code if e.target else None, e.modality.value)
        for e in pipeline.code_text(text, date=DAY)
    ]


def events(pipeline: Pipeline, text: str) -> list[EventMention]:
    return pipeline.code_text(text, date=DAY)


@pytest.mark.parametrize(
    "text, expected",
    [
        # intent (03x): the action's sub-code, asserted; the action itself is not coded
        ("Finland will give Tanzania a grant.", ("FIN", "0331", "TZA", "asserted")),
        ("Syria is willing to withdraw its troops from Lebanon.", ("SYR", "0356", "LBN", "asserted")),
        ("Russia said it would withdraw its troops from Georgia.", ("RUS", "0356", "GEO", "asserted")),
        (
            "British Defence Secretary Tom King has promised to continue military aid to war-torn Mozambique.",
            ("GBRGOV", "0332", "MOZ", "asserted"),
        ),
        # threat (13x)
        ("Russia threatened to stop negotiations with the United States.", ("RUS", "134", "USA", "asserted")),
        ("Iran threatened to shell Iraqi towns.", ("IRN", "1384", "IRQ", "asserted")),
        # appeal (02x) and demand (10x): the target is who is asked
        ("The US called for the release of the hostages.", ("USA", "0253", None, "asserted")),
        ("Chad said Sudan must return the helicopter.", ("TCD", "1053", "SDN", "asserted")),
        (
            "The Clinton administration declared on Tuesday that China must drop barriers to U.S. exports.",
            ("USAGOV", "100", "CHN", "asserted"),
        ),
        # rejection (12x)
        ("Iran refused to release the British sailors.", ("IRN", "1243", "GBRMIL", "asserted")),
    ],
)
def test_the_embedded_action_folds_into_the_verbal_event(pipeline, text, expected):
    found = coded(pipeline, text)
    assert expected in found, found
    folded = expected[1]
    # one event for the construction: neither the action on its own nor a plain "said" beside it
    action_roots = {
        "0331": "07",
        "0356": "08",
        "0332": "07",
        "134": "16",
        "1384": "19",
        "0253": "08",
        "1053": "08",
        "100": None,
        "1243": "08",
    }[folded]
    assert not [f for f in found if action_roots and f[1].startswith(action_roots)], found
    assert not [f for f in found if f[1] == "010" and f[0] == expected[0]], found


def test_the_writers_conjecture_stays_hypothetical(pipeline):
    # "would" outside reported speech is the writer's guess, not Russia's stated intent
    found = coded(pipeline, "Analysts believe Russia would send troops to Syria.")
    assert ("RUS", "154", "SYR", "hypothetical") in found or all(not f[1].startswith("03") for f in found), found
    assert not [f for f in found if f[1].startswith("03")], found


def test_a_denied_governor_keeps_its_modality(pipeline):
    found = coded(pipeline, "Iran did not threaten to close the Strait of Hormuz.")
    assert [f for f in found if f[1].startswith("13")] and all(
        f[3] == "negated" for f in found if f[1].startswith("13")
    ), found


def test_a_statement_reporting_someone_elses_act_stays(pipeline):
    found = coded(pipeline, "Officials said police arrested 20 people.")
    assert any(f[1] == "010" for f in found) and any(f[1] == "173" for f in found), found


def test_user_lexicon_can_add_a_governor(tmp_path):
    extra = tmp_path / "mine.yaml"
    extra.write_text("constructions:\n  families:\n    threat:\n      governors: [menace]\n", encoding="utf-8")
    pipe = Pipeline(Config.load(DataFiles(lexicon=[extra])))
    threat = next(f for f in pipe.config.lexicon.constructions.families if f.name == "threat")
    assert "menace" in threat.governors and "threaten" in threat.governors


def test_constructions_are_validated():
    name, data = package_constructions()
    with pytest.raises(ValueError, match="not a CAMEO code"):
        Constructions.build(
            [(name, data), ("bad.yaml", {"families": {"threat": {"default": "999"}}})], default_codebook()
        )
    with pytest.raises(ValueError, match="map a quoted code prefix"):
        Constructions.build(
            [(name, data), ("bad.yaml", {"families": {"threat": {"map": {"19": "9999"}}}})], default_codebook()
        )
    with pytest.raises(ValueError, match="unknown constructions key"):
        Constructions.build([("bad.yaml", {"familes": {}})], default_codebook())


# -- sense constraints and multiword triggers ------------------------------------------------


@pytest.mark.parametrize(
    "text, root",
    [
        ("Prime Minister Koizumi arrives for talks.", "04"),  # a caption: no host, no visit
        ("The minister spoke to reporters after the meeting.", "04"),  # reporters are no counterpart
        ("The company launched a sales offensive in Asia.", "19"),
        ("The two leaders fought a war of words over the border.", "19"),
        ("The army demonstrated its resolve to defend the capital.", "14"),
        ("The refugees returned home on Sunday.", "08"),  # return is 084 only for people or goods returned
        ("The Cold War shaped the region for decades.", "19"),
        ("Throughout his tenure, Ridge fought a losing battle with the FBI for jurisdiction.", "19"),
        ("President Bush received a bachelor's degree in history from Yale University in 1968.", "04"),
        ("Ghanaian authorities deported 168 Liberians for traveling without proper documents.", "04"),
        # Wikinews: a release of a report or a media release is no release of people or goods
        ("According to a government media release, the grants will fund research into heart disease.", "08"),
        ("In 2004, Fraser's audit was released and found that $100 million was paid to agencies.", "08"),
        ("He changed the constitution to allow himself to serve two consecutive terms.", "08"),
    ],
)
def test_figurative_and_constrained_senses_give_no_event_of_that_kind(pipeline, text, root):
    assert not [e for e in events(pipeline, text) if e.root_code == root], coded(pipeline, text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The opposition leader took a swipe at the government on Monday.", "111"),
        ("Algerian landowners began a hunger strike outside Parliament.", "142"),
        ("Seven opposition parties in Nepal have organized a general strike.", "143"),
        ("French and Egyptian warships on Monday launched 10 days of war games in the Mediterranean.", "150"),
        ("Russian troops laid siege to the town of Grozny.", "191"),
        ("Iran and Iraq traded accusations over the border incident.", "112"),
        ("The Qatari emir launched a mediation effort between the Emirates and Saudi Arabia.", "045"),
        ("Red Cross officials suspended aid deliveries in Baghdad on Wednesday.", "162"),
        ("Russia suspended arms deliveries to Syria.", "1622"),
        ("The ministry spoke with the Iranian ambassador on Friday.", "040"),
    ],
)
def test_multiword_and_idiomatic_triggers(pipeline, text, expected):
    assert expected in {e.code for e in events(pipeline, text)}, coded(pipeline, text)


def test_misspelled_names_match_at_a_strict_threshold(pipeline):
    assert ("ETH", "019") in {(e.source.code, e.code) for e in events(pipeline, "Ethopia has agreed to the plan.")}
    qatar = events(pipeline, "Quatar's emir launched a mediation effort between the Emirates and Saudi Arabia.")
    assert {e.source.code for e in qatar} == {"QATGOV"}
    # near names that are other words or other people stay unmatched
    assert not [e for e in events(pipeline, "Nigel Farage criticised the plan.") if e.source.country == "NER"]


# -- the scope of modality -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, trigger, modality",
    [
        # a denial reaches through a by-gerund
        ("The ministry denied arming the rebels by shipping rifles to them.", "shipping", "denied"),
        ("Russia had no plan to intervene in Syria.", "intervene", "negated"),
        ("Turkey is not expected to come to Azerbaijan's aid.", "come", "negated"),
        ("Iran has the capacity to strike Israel.", "strike", "hypothetical"),
        ("It is likely that Russia will attack Ukraine.", "attack", "hypothetical"),
        ("It remains to be seen whether China will invade Taiwan.", "invade", "hypothetical"),
        ("If talks fail, the army will launch an offensive against the rebels.", "launch", "hypothetical"),
        ("In the event of an invasion, NATO would defend Estonia.", "defend", "hypothetical"),
    ],
)
def test_modality_reaches_through_complements_and_conditions(pipeline, text, trigger, modality):
    found = [e for e in events(pipeline, text) if e.trigger_text.endswith(trigger)]
    assert found and {e.modality.value for e in found} == {modality}, coded(pipeline, text)


def test_the_doer_of_a_gerund_and_of_a_capacity(pipeline):
    shipping = next(
        e
        for e in events(pipeline, "The ministry denied arming the rebels by shipping rifles to them.")
        if e.trigger_text == "shipping"
    )
    assert shipping.source_text == "ministry"  # the armer ships, not the rebels
    assert {(e.source.code, e.target.code) for e in events(pipeline, "Iran has the capacity to strike Israel.")} == {
        ("IRN", "ISR")
    }
    aid = events(pipeline, "Turkey is not expected to come to Azerbaijan's aid.")
    assert [(e.source.code, e.target.code) for e in aid] == [("TUR", "AZE")]


def test_an_expletive_it_is_no_actor(pipeline):
    found = events(
        pipeline,
        "Germany criticized Iran. It is likely that sanctions will follow. It remains to be "
        "seen whether Germany will expel Iranian diplomats.",
    )
    assert not [e for e in found if e.source_text == "It"], coded(pipeline, "...")
    # but an "it" that refers still does
    assert ("DEU", "It") in {
        (e.source.code, e.source_text)
        for e in events(pipeline, "Germany criticized Iran. It expelled two Iranian diplomats.")
    }


def test_argument_rules_are_data_and_user_files_extend_them(tmp_path):
    from realpolitik.coding.lexicon import Lexicon

    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  subject_deps: [subject]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.yaml: rules.subject_deps: 'subject' is not a dependency label"):
        Lexicon.load([bad])
    bad.write_text("rules:\n  symmetric_codes: ['999']\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not a quoted CAMEO code"):
        Lexicon.load([bad])
    mine = tmp_path / "mine.yaml"
    # a light verb of one's own: "Russia unveiled an offensive" takes the subject of "unveil"
    mine.write_text("rules:\n  light_verbs: [unveil]\n", encoding="utf-8")
    pipe = Pipeline(Config.load(DataFiles(lexicon=[mine])))
    assert "unveil" in pipe.config.lexicon.rules.light_verbs and "launch" in pipe.config.lexicon.rules.light_verbs
    found = {
        (e.source.code, e.code) for e in pipe.code_text("Russia unveiled a new offensive against Ukraine.", date=DAY)
    }
    assert ("RUS", "190") in found


def test_a_user_phrase_with_a_sense_constraint(tmp_path):
    # README, "Adding a trigger or pattern": a phrase entry of one's own
    mine = tmp_path / "mine.yaml"
    mine.write_text(
        'triggers:\n- {verb: throw, object: [gauntlet], code: "130", note: "threw down the gauntlet"}\n'
        '- {noun: blockade, modifier: [naval], code: "191", target_prep: ["on", of]}\n',
        encoding="utf-8",
    )
    pipe = Pipeline(Config.load(DataFiles(lexicon=[mine])))
    found = {e.code for e in pipe.code_text("Turkey threw down the gauntlet to Greece.", date=DAY)}
    assert "130" in found


@pytest.mark.parametrize(
    "text, expected",
    [
        # a phrasal verb with goods, a light verb with an event noun
        ("Swiss doctors handed over 700 kg of medicine to the Red Crescent in Bam, Iran.", ("073", "CHEHLH")),
        ("Israel and Lebanon renewed negotiations today on an Israeli troop pullback.", ("046", "ISR")),
        # a literal object is not figurative for a cooperative verb
        ("Workers called off the strike after talks with the government.", ("082", "LAB")),
    ],
)
def test_phrases_light_verbs_and_literal_objects(pipeline, text, expected):
    assert expected in {(code, src) for src, code, _, _ in coded(pipeline, text)}


def test_protests_with_no_named_doer_are_by_civilians_unless_background(pipeline):
    assert ("140", "CVL") in {(c, s) for s, c, _, _ in coded(pipeline, "The protests began in June.")}
    assert not [c for _, c, *_ in coded(pipeline, "Since the protests began, 200 people have died.") if c[:2] == "14"]


def test_a_statement_whose_content_is_coded_is_not_also_praise(pipeline):
    text = (
        "Portugal will support Turkey's efforts to become a full member of the European Community, "
        "Portuguese President Mario Soares said on Tuesday."
    )
    codes = [c for _, c, *_ in coded(pipeline, text)]
    assert "032" in codes and "051" not in codes


def test_an_event_noun_between_two_parties_goes_both_ways(pipeline):
    found = {(s, c, t) for s, c, t, _ in coded(pipeline, "Talks between Israel and Hamas resumed in Cairo.")}
    assert {("ISR", "040", "PSEINS"), ("PSEINS", "040", "ISR")} <= found


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Iran described the sanctions of the United States as illegal.", ("IRN", "111", "USA")),
        ("China branded the Japanese visit a provocation.", ("CHN", "111", "JPN")),
    ],
)
def test_calling_something_a_name_is_a_statement_read_for_its_content(pipeline, text, expected):
    assert expected in {(s, c, t) for s, c, t, _ in coded(pipeline, text)}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("On November 8, an Israeli shell killed 19 civilians in Beit Hanoun.", ("ISR", "194")),
        ("Al-Jazeera's news bureau in Kabul was destroyed by a U.S. missile.", ("USA", "195")),
        ("A car bomb killed six Iraqi policemen in Baghdad.", ("---", "183")),
        ("Israeli troops killed two militants.", ("ISRMIL", "1823")),  # people, not a weapon: the plain code
    ],
)
def test_a_weapon_as_the_doer_gives_the_code_of_how_it_was_done(pipeline, text, expected):
    assert expected in {(s, c) for s, c, _, _ in coded(pipeline, text)}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Iran to hold talks with EU on nuclear programme", ("IRN", "036", "IGOEUR")),
        ("Russia to withdraw troops from Georgia", ("RUS", "0356", "GEO")),
    ],
)
def test_a_headlines_to_infinitive_is_a_stated_plan_like_will(pipeline, text, expected):
    assert expected in {(s, c, t) for s, c, t, _ in coded(pipeline, text)}


def test_conjoined_sources_of_a_planned_meeting_meet_each_other(pipeline):
    found = {(s, c, t) for s, c, t, _ in coded(pipeline, "Iran and the United States will meet in Oman next week.")}
    assert found == {("IRN", "036", "USA"), ("USA", "036", "IRN")}
    assert {(s, t) for s, c, t, _ in coded(pipeline, "Iran refused to meet the Americans.")} == {("IRN", "USA")}


def test_a_triggers_plover_type_overrides_its_codes():
    # CAMEO codes a resignation as acceding to demands for a change in leadership (0831);
    # PLOVER counts leaving office as a retreat
    resigned = [e for e in Pipeline().code_text("The prime minister resigned on Sunday.", date=DAY) if e.code == "0831"]
    assert [(e.plover_type, e.plover_mode) for e in resigned] == [("RETREAT", None)]


def test_an_apology_is_support_in_plover(pipeline):
    assert {(e.code, e.plover_type) for e in events(pipeline, "Argentina apologized to Brazil for the incident.")} == {
        ("055", "SUPPORT")
    }


def test_undertaking_a_mission_is_the_mission_not_a_pledge(pipeline):
    mission = coded(pipeline, "The Arab League chief undertook a mediation mission between Syria and Jordan.")
    assert {code for _, code, _, _ in mission} == {"045"}
    assert ("SYR", "0356", "LBN", "asserted") in coded(pipeline, "Syria undertook to withdraw its troops from Lebanon.")


def test_the_patient_of_a_passive_does_the_active_verb_conjoined_to_it(pipeline):
    assert ("GOV", "0831", None, "asserted") in coded(pipeline, "The prime minister was indicted and has resigned.")
    # a bare participle shares the passive: the men did not release anyone
    assert not [e for e in events(pipeline, "Five men were arrested and released on bail.") if e.source.role == "CVL"]


@pytest.mark.parametrize(
    "text, kept",
    [
        # the demanded refusal is the demand's content
        ("Greece demanded that its partners refuse to recognize Macedonia.", {"100"}),
        # a demand noun's clause: the severing is what was demanded, and it was rejected
        ("South Korea has rejected North Korea's demand to sever its alliance with Washington.", {"124"}),
        ("Arafat rejected a US offer to host a summit to hammer out an agreement.", {"127"}),
        # what the forces must do to allow supplies through is asked, not done
        ("The Red Cross said US forces must ensure security to allow supplies to reach the needy.", {"100"}),
    ],
)
def test_what_a_demand_offer_or_refusal_is_about_is_not_coded_on_its_own(pipeline, text, kept):
    assert {e.code for e in events(pipeline, text)} == kept, coded(pipeline, text)


def test_a_plan_no_event_speaks_of_keeps_its_own_modality(pipeline):
    assert ("RUS", "190", "SYR", "negated") in coded(pipeline, "Russia had no plan to intervene in Syria.")


def test_an_asserted_fact_inside_a_demand_stays(pipeline):
    found = {e.code for e in events(pipeline, "Russia demanded the release of the sailors whom Ukraine arrested.")}
    assert "173" in found, found


@pytest.mark.parametrize(
    "text, code",
    [
        ("Putin called Erdogan on Tuesday to discuss the grain deal.", "041"),  # a telephone call
        ("Iran called on the United States to lift the sanctions.", "0254"),  # an appeal
        ("The EU called for a ceasefire in Gaza.", "0256"),
    ],
)
def test_calling_an_actor_is_a_telephone_call_calling_on_one_an_appeal(pipeline, text, code):
    assert {e.code for e in events(pipeline, text) if e.root_code in ("02", "04")} == {code}, coded(pipeline, text)


def test_who_receives_a_sentence_is_the_target_of_the_court(pipeline):
    text = "Hissen Habre, the former President of Chad, has received a death sentence for plotting a coup."
    assert ("TCDJUD", "116", "TCDELI", "asserted") in coded(pipeline, text)


@pytest.mark.parametrize(
    "text, expected",
    [
        # Wikinews 2019-10-02 (Hong Kong): police force on protesters is repression, not an assault
        ("Police shoot teenage protester as Hong Kong demonstrations continue", ("HKGCOP", "175", "HKGCVL")),
        ("Although the police have used force against protesters before, this is new.", ("COP", "175", "CVL")),
        # ... but killing stays killing, "shot dead" however the parser attaches "dead"
        ("Police shot dead two protesters.", ("COP", "1823", "CVL")),
        ("Two protesters were shot dead by police.", ("COP", "1823", "CVL")),
        ("Gunmen shot dead a police officer in Kabul.", ("AFGUAF", "1823", "AFGCOP")),
        # force that is not the police's on protesters keeps its code
        ("Rebels shot two soldiers.", ("REB", "180", "MIL")),
        # Times of India 2002: a doerless killing is by the actor of the firing it happened in
        ("One person was killed in police firing and two others were injured.", ("COP", "1823", "CVL")),
        ("Three Palestinians were wounded during an Israeli raid on Jenin.", ("ISR", "180", "PSE")),
        # ... and by no one when that act names no actor
        ("Three civilians were killed in a car bombing.", ("---", "1823", "CVL")),
    ],
)
def test_police_force_on_protesters_is_repression_and_a_killing_has_the_doer_of_its_firing(pipeline, text, expected):
    assert expected in {(s, c, t) for s, c, t, _ in coded(pipeline, text)}


def test_a_bad_repression_rule_is_named(tmp_path):
    bad = tmp_path / "mine.yaml"
    bad.write_text(
        "rules:\n  repression:\n    - {code: '175', codes: ['180'], sources: [police], targets: [protester]}\n"
    )
    with pytest.raises(ValueError, match=r"mine.yaml: rules.repression: .* must be \{code: <CAMEO code>"):
        Lexicon.load([bad])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Chavez visited Havana on Monday.", {("VENGOV", "042", "CUB"), ("CUB", "043", "VENGOV")}),
        ("Chavez visited Caracas on Monday.", set()),  # a place of one's own country is no host
        (
            "The Danish foreign minister contacted the Swedish government.",
            {("DNKGOV", "040", "SWEGOV"), ("SWEGOV", "040", "DNKGOV")},
        ),
    ],
)
def test_a_visit_needs_a_host_abroad_and_a_contact_is_a_consultation(pipeline, text, expected):
    assert {(s, c, t) for s, c, t, _ in coded(pipeline, text) if c.startswith("04")} == expected
