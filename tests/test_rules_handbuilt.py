"""The coder's rules on hand-built parses: what the rules do, whatever the statistical parser says.

Each sentence comes with its parse written out as spaCy's own matcher tests do (a ``Doc``
built from words, lemmas, tags, heads, labels and entities), in a CoNLL-like table: ID,
FORM, LEMMA, UPOS, TAG, HEAD (0 for the root), DEPREL, entity (IOB). The parse is the
correct one for the sentence (ClearNLP labels, as ``en_core_web_sm`` uses), and
``Pipeline.code_doc`` runs the stages after parsing on it: actors, pronouns, events,
modality, time and places. A model upgrade that parses one of these sentences differently
cannot hide a rule bug here, and a rule change that breaks one shows here whatever the model.
"""

from __future__ import annotations

from datetime import date

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from realpolitik.pipeline import Pipeline, default_pipeline
from realpolitik.types import EventMention

THURSDAY = date(2024, 5, 9)  # the story date: "on Monday" is 2024-05-06


@pytest.fixture(scope="module")
def pipe() -> Pipeline:
    return default_pipeline()


def build(pipe: Pipeline, text: str, table: str) -> Doc:
    """The Doc of `text` with the parse in `table` (one token a line: id form lemma upos tag head dep ent)."""
    rows = [line.split() for line in table.strip().splitlines()]
    assert all(len(r) == 8 and int(r[0]) == n for n, r in enumerate(rows, start=1)), table
    words = [r[1] for r in rows]
    spaces, at = [], 0
    for word in words:
        start = text.index(word, at)
        assert not text[at:start].strip(), (word, text[at:start])
        at = start + len(word)
        spaces.append(text[at : at + 1] == " ")
        at += spaces[-1]
    doc = Doc(
        pipe.nlp.vocab,
        words=words,
        spaces=spaces,
        lemmas=[r[2] for r in rows],
        pos=[r[3] for r in rows],
        tags=[r[4] for r in rows],
        heads=[int(r[5]) - 1 if r[5] != "0" else i for i, r in enumerate(rows)],
        deps=[r[6] for r in rows],
        ents=[r[7] for r in rows],
    )
    assert doc.text == text
    return doc


def code(pipe: Pipeline, text: str, table: str, when: date = THURSDAY) -> list[EventMention]:
    return pipe.code_doc(build(pipe, text, table), date=when).mentions


def dyads(events: list[EventMention]) -> set[tuple[str, str, str | None, str]]:
    """(source, code, target, modality) of each event."""
    return {(e.source.code, e.code, e.target.code if e.target else None, e.modality.value) for e in events}


# -- who did what to whom -------------------------------------------------------------------


def test_subject_and_object(pipe: Pipeline) -> None:
    [event] = code(
        pipe,
        "Iran criticised Britain on Monday.",
        """
        1 Iran       Iran      PROPN NNP 2 nsubj B-GPE
        2 criticised criticise VERB  VBD 0 ROOT  O
        3 Britain    Britain   PROPN NNP 2 dobj  B-GPE
        4 on         on        ADP   IN  2 prep  O
        5 Monday     Monday    PROPN NNP 4 pobj  B-DATE
        6 .          .         PUNCT .   2 punct O
    """,
    )
    assert (event.source.code, event.code, event.target.code, event.modality.value) == ("IRN", "111", "GBR", "asserted")
    assert (event.source_text, event.trigger_text, event.target_text) == ("Iran", "criticised", "Britain")
    assert (event.event_date, event.date_precision, event.date_text) == (date(2024, 5, 6), "day", "on Monday")


def test_a_passive_with_its_agent(pipe: Pipeline) -> None:
    events = code(
        pipe,
        "Ukraine was attacked by Russia.",
        """
        1 Ukraine  Ukraine PROPN NNP 3 nsubjpass B-GPE
        2 was      be      AUX   VBD 3 auxpass   O
        3 attacked attack  VERB  VBN 0 ROOT      O
        4 by       by      ADP   IN  3 agent     O
        5 Russia   Russia  PROPN NNP 4 pobj      B-GPE
        6 .        .       PUNCT .   3 punct     O
    """,
    )
    assert dyads(events) == {("RUS", "190", "UKR", "asserted")}


def test_a_passive_without_a_doer_is_agentless(pipe: Pipeline) -> None:
    [event] = code(
        pipe,
        "Three civilians were killed in Iraq.",
        """
        1 Three     three    NUM   CD  2 nummod    B-CARDINAL
        2 civilians civilian NOUN  NNS 4 nsubjpass O
        3 were      be       AUX   VBD 4 auxpass   O
        4 killed    kill     VERB  VBN 0 ROOT      O
        5 in        in       ADP   IN  4 prep      O
        6 Iraq      Iraq     PROPN NNP 5 pobj      B-GPE
        7 .         .        PUNCT .   4 punct     O
    """,
    )
    assert (event.source.code, event.root_code, event.target.code, event.agentless) == ("---", "18", "IRQCVL", True)
    assert event.location == "Iraq"  # a place, never the target


def test_conjoined_subjects_are_one_event_each(pipe: Pipeline) -> None:
    events = code(
        pipe,
        "France and Germany criticised Russia.",
        """
        1 France     France    PROPN NNP 4 nsubj B-GPE
        2 and        and       CCONJ CC  1 cc    O
        3 Germany    Germany   PROPN NNP 1 conj  B-GPE
        4 criticised criticise VERB  VBD 0 ROOT  O
        5 Russia     Russia    PROPN NNP 4 dobj  B-GPE
        6 .          .         PUNCT .   4 punct O
    """,
    )
    assert dyads(events) == {("FRA", "111", "RUS", "asserted"), ("DEU", "111", "RUS", "asserted")}


def test_signing_goes_both_ways_and_the_place_is_no_target(pipe: Pipeline) -> None:
    events = code(
        pipe,
        "Russia and North Korea signed a defence pact in Pyongyang.",
        """
        1  Russia    Russia    PROPN NNP 5 nsubj    B-GPE
        2  and       and       CCONJ CC  1 cc       O
        3  North     North     PROPN NNP 4 compound B-GPE
        4  Korea     Korea     PROPN NNP 1 conj     I-GPE
        5  signed    sign      VERB  VBD 0 ROOT     O
        6  a         a         DET   DT  8 det      O
        7  defence   defence   NOUN  NN  8 compound O
        8  pact      pact      NOUN  NN  5 dobj     O
        9  in        in        ADP   IN  5 prep     O
        10 Pyongyang Pyongyang PROPN NNP 9 pobj     B-GPE
        11 .         .         PUNCT .   5 punct    O
    """,
    )
    assert dyads(events) == {("RUS", "057", "PRK", "asserted"), ("PRK", "057", "RUS", "asserted")}
    assert {e.location for e in events} == {"Pyongyang"}


def test_a_meeting_goes_both_ways_dated_by_its_own_clause(pipe: Pipeline) -> None:
    events = code(
        pipe,
        "Putin, who was elected in 2000, met Bush on Monday.",
        """
        1  Putin   Putin  PROPN NNP 9  nsubj     B-PERSON
        2  ,       ,      PUNCT ,   1  punct     O
        3  who     who    PRON  WP  5  nsubjpass O
        4  was     be     AUX   VBD 5  auxpass   O
        5  elected elect  VERB  VBN 1  relcl     O
        6  in      in     ADP   IN  5  prep      O
        7  2000    2000   NUM   CD  6  pobj      B-DATE
        8  ,       ,      PUNCT ,   1  punct     O
        9  met     meet   VERB  VBD 0  ROOT      O
        10 Bush    Bush   PROPN NNP 9  dobj      B-PERSON
        11 on      on     ADP   IN  9  prep      O
        12 Monday  Monday PROPN NNP 11 pobj      B-DATE
        13 .       .      PUNCT .   9  punct     O
    """,
        when=date(2006, 5, 18),
    )
    assert dyads(events) == {("RUSGOV", "040", "USAGOV", "asserted"), ("USAGOV", "040", "RUSGOV", "asserted")}
    assert {(e.event_date, e.date_text) for e in events} == {(date(2006, 5, 15), "on Monday")}  # not 2000


def test_a_refused_meeting_goes_one_way(pipe: Pipeline) -> None:
    events = code(
        pipe,
        "Iran refused to meet the United States.",
        """
        1 Iran    Iran    PROPN NNP 2 nsubj    B-GPE
        2 refused refuse  VERB  VBD 0 ROOT     O
        3 to      to      PART  TO  4 aux      O
        4 meet    meet    VERB  VB  2 xcomp    O
        5 the     the     DET   DT  7 det      B-GPE
        6 United  United  PROPN NNP 7 compound I-GPE
        7 States  States  PROPN NNP 4 dobj     I-GPE
        8 .       .       PUNCT .   2 punct    O
    """,
    )
    assert dyads(events) == {("IRN", "125", "USA", "asserted")}  # rejection of a meeting, not a meeting


# -- constructions: an action under an appeal, a threat, an intent, a refusal -----------------


def test_object_control_aims_the_appeal_at_who_must_act(pipe: Pipeline) -> None:
    events = code(
        pipe,
        "The United States urged Russia to withdraw its troops from Ukraine.",
        """
        1  The      the      DET   DT   3  det      B-GPE
        2  United   United   PROPN NNP  3  compound I-GPE
        3  States   States   PROPN NNP  4  nsubj    I-GPE
        4  urged    urge     VERB  VBD  0  ROOT     O
        5  Russia   Russia   PROPN NNP  4  dobj     B-GPE
        6  to       to       PART  TO   7  aux      O
        7  withdraw withdraw VERB  VB   4  xcomp    O
        8  its      its      PRON  PRP$ 9  poss     O
        9  troops   troop    NOUN  NNS  7  dobj     O
        10 from     from     ADP   IN   7  prep     O
        11 Ukraine  Ukraine  PROPN NNP  10 pobj     B-GPE
        12 .        .        PUNCT .    4  punct    O
    """,
    )
    # the appeal to de-escalate, aimed at Russia; Russia's withdrawal is not coded as done
    assert dyads(events) == {("USA", "0256", "RUS", "asserted")}


def test_an_appeal_whose_action_is_no_event(pipe: Pipeline) -> None:
    events = code(
        pipe,
        "The EU urged Iran to halt enrichment.",
        """
        1 The        the        DET   DT 2 det   O
        2 EU         EU         PROPN NNP 3 nsubj B-ORG
        3 urged      urge       VERB  VBD 0 ROOT  O
        4 Iran       Iran       PROPN NNP 3 dobj  B-GPE
        5 to         to         PART  TO  6 aux   O
        6 halt       halt       VERB  VB  3 xcomp O
        7 enrichment enrichment NOUN  NN  6 dobj  O
        8 .          .          PUNCT .   3 punct O
    """,
    )
    assert dyads(events) == {("IGOEUR", "020", "IRN", "asserted")}


def test_a_threat_folds_the_action_into_its_code(pipe: Pipeline) -> None:
    [event] = code(
        pipe,
        "Iran threatened to cut off electricity to Azerbaijan.",
        """
        1 Iran        Iran        PROPN NNP 2 nsubj B-GPE
        2 threatened  threaten    VERB  VBD 0 ROOT  O
        3 to          to          PART  TO  4 aux   O
        4 cut         cut         VERB  VB  2 xcomp O
        5 off         off         ADP   RP  4 prt   O
        6 electricity electricity NOUN  NN  4 dobj  O
        7 to          to          ADP   IN  4 prep  O
        8 Azerbaijan  Azerbaijan  PROPN NNP 7 pobj  B-GPE
        9 .           .           PUNCT .   2 punct O
    """,
    )
    assert (event.source.code, event.code, event.target.code, event.trigger_text) == (
        "IRN",
        "1311",
        "AZE",
        "threatened to cut off",
    )


def test_a_refusal_to_release(pipe: Pipeline) -> None:
    events = code(
        pipe,
        "Iran refused to release the British sailors.",
        """
        1 Iran    Iran    PROPN NNP 2 nsubj B-GPE
        2 refused refuse  VERB  VBD 0 ROOT  O
        3 to      to      PART  TO  4 aux   O
        4 release release VERB  VB  2 xcomp O
        5 the     the     DET   DT  7 det   O
        6 British british ADJ   JJ  7 amod  B-NORP
        7 sailors sailor  NOUN  NNS 4 dobj  O
        8 .       .       PUNCT .   2 punct O
    """,
    )
    assert dyads(events) == {("IRN", "1243", "GBRMIL", "asserted")}


def test_will_outside_reported_speech_is_an_intent(pipe: Pipeline) -> None:
    events = code(
        pipe,
        "Finland will give Tanzania a grant.",
        """
        1 Finland  Finland  PROPN NNP 3 nsubj  B-GPE
        2 will     will     AUX   MD  3 aux    O
        3 give     give     VERB  VB  0 ROOT   O
        4 Tanzania Tanzania PROPN NNP 3 dative B-GPE
        5 a        a        DET   DT  6 det    O
        6 grant    grant    NOUN  NN  3 dobj   O
        7 .        .        PUNCT .   3 punct  O
    """,
    )
    assert dyads(events) == {("FIN", "0331", "TZA", "asserted")}


def test_said_it_would_is_the_speakers_intent_not_also_a_statement(pipe: Pipeline) -> None:
    [event] = code(
        pipe,
        "Russia said it would withdraw its troops from Georgia.",
        """
        1  Russia   Russia   PROPN NNP  2 nsubj B-GPE
        2  said     say      VERB  VBD  0 ROOT  O
        3  it       it       PRON  PRP  5 nsubj O
        4  would    would    AUX   MD   5 aux   O
        5  withdraw withdraw VERB  VB   2 ccomp O
        6  its      its      PRON  PRP$ 7 poss  O
        7  troops   troop    NOUN  NNS  5 dobj  O
        8  from     from     ADP   IN   5 prep  O
        9  Georgia  Georgia  PROPN NNP  8 pobj  B-GPE
        10 .        .        PUNCT .    2 punct O
    """,
    )
    assert (event.source.code, event.code, event.target.code, event.modality.value) == (
        "RUS",
        "0356",
        "GEO",
        "asserted",
    )
    assert event.event_date == THURSDAY  # an intent is dated when it is stated


# -- modality scope ---------------------------------------------------------------------------


def test_negation(pipe: Pipeline) -> None:
    [event] = code(
        pipe,
        "Russia did not attack Georgia.",
        """
        1 Russia Russia PROPN NNP 4 nsubj B-GPE
        2 did    do     AUX   VBD 4 aux   O
        3 not    not    PART  RB  4 neg   O
        4 attack attack VERB  VB  0 ROOT  O
        5 Georgia Georgia PROPN NNP 4 dobj B-GPE
        6 .      .      PUNCT .   4 punct O
    """,
    )
    assert (event.code, event.modality.value, event.modality_cue) == ("190", "negated", "not")


def test_would_outside_reported_speech_is_hypothetical(pipe: Pipeline) -> None:
    [event] = code(
        pipe,
        "India would attack Pakistan.",
        """
        1 India    India    PROPN NNP 3 nsubj B-GPE
        2 would    would    AUX   MD  3 aux   O
        3 attack   attack   VERB  VB  0 ROOT  O
        4 Pakistan Pakistan PROPN NNP 3 dobj  B-GPE
        5 .        .        PUNCT .   3 punct O
    """,
    )
    assert (event.source.code, event.code, event.target.code) == ("IND", "190", "PAK")
    assert (event.modality.value, event.modality_cue) == ("hypothetical", "would")


def test_a_denied_act_is_denied_and_the_denial_is_a_statement(pipe: Pipeline) -> None:
    events = code(
        pipe,
        "Syria denied attacking Turkey.",
        """
        1 Syria     Syria  PROPN NNP 2 nsubj B-GPE
        2 denied    deny   VERB  VBD 0 ROOT  O
        3 attacking attack VERB  VBG 2 xcomp O
        4 Turkey    Turkey PROPN NNP 3 dobj  B-GPE
        5 .         .      PUNCT .   2 punct O
    """,
    )
    assert dyads(events) == {("SYR", "190", "TUR", "denied"), ("SYR", "016", None, "asserted")}


def test_a_condition_makes_the_main_clause_hypothetical(pipe: Pipeline) -> None:
    [event] = code(
        pipe,
        "Russia will attack Ukraine if NATO expands.",
        """
        1 Russia  Russia  PROPN NNP 3 nsubj B-GPE
        2 will    will    AUX   MD  3 aux   O
        3 attack  attack  VERB  VB  0 ROOT  O
        4 Ukraine Ukraine PROPN NNP 3 dobj  B-GPE
        5 if      if      SCONJ IN  7 mark  O
        6 NATO    NATO    PROPN NNP 7 nsubj B-ORG
        7 expands expand  VERB  VBZ 3 advcl O
        8 .       .       PUNCT .   3 punct O
    """,
    )
    assert (event.source.code, event.code, event.target.code) == ("RUS", "190", "UKR")
    assert (event.modality.value, event.modality_cue) == ("hypothetical", "if")


def test_likely_that_is_conjecture_not_intent(pipe: Pipeline) -> None:
    [event] = code(
        pipe,
        "It is likely that Russia will attack Ukraine.",
        """
        1 It      it      PRON  PRP 2 nsubj O
        2 is      be      AUX   VBZ 0 ROOT  O
        3 likely  likely  ADJ   JJ  2 acomp O
        4 that    that    SCONJ IN  7 mark  O
        5 Russia  Russia  PROPN NNP 7 nsubj B-GPE
        6 will    will    AUX   MD  7 aux   O
        7 attack  attack  VERB  VB  2 ccomp O
        8 Ukraine Ukraine PROPN NNP 7 dobj  B-GPE
        9 .       .       PUNCT .   2 punct O
    """,
    )
    # the expletive "it" is no actor; "will" under "is likely" is no intent (no 0x code)
    assert (event.source.code, event.code, event.target.code, event.modality.value) == (
        "RUS",
        "190",
        "UKR",
        "hypothetical",
    )


def test_an_attempt(pipe: Pipeline) -> None:
    [event] = code(
        pipe,
        "Russian agents tried to assassinate Zelensky.",
        """
        1 Russian     russian     ADJ   JJ  2 amod  B-NORP
        2 agents      agent       NOUN  NNS 3 nsubj O
        3 tried       try         VERB  VBD 0 ROOT  O
        4 to          to          PART  TO  5 aux   O
        5 assassinate assassinate VERB  VB  3 xcomp O
        6 Zelensky    Zelensky    PROPN NNP 5 dobj  B-PERSON
        7 .           .           PUNCT .   3 punct O
    """,
    )
    assert (event.code, event.target.code, event.modality.value, event.modality_cue) == (
        "186",
        "UKRGOV",
        "attempted",
        "tried",
    )


# -- reported speech ---------------------------------------------------------------------------


def test_a_claimed_act_is_reported_and_the_claim_is_a_statement(pipe: Pipeline) -> None:
    events = code(
        pipe,
        "Rebels claimed that Syrian troops had shelled Turkey.",
        """
        1 Rebels  rebel   NOUN  NNS 2 nsubj O
        2 claimed claim   VERB  VBD 0 ROOT  O
        3 that    that    SCONJ IN  7 mark  O
        4 Syrian  syrian  ADJ   JJ  5 amod  B-NORP
        5 troops  troop   NOUN  NNS 7 nsubj O
        6 had     have    AUX   VBD 7 aux   O
        7 shelled shell   VERB  VBN 2 ccomp O
        8 Turkey  Turkey  PROPN NNP 7 dobj  B-GPE
        9 .       .       PUNCT .   2 punct O
    """,
    )
    assert dyads(events) == {("REB", "010", None, "asserted"), ("SYRMIL", "194", "TUR", "reported")}
    assert {e.modality_cue for e in events if e.code == "194"} == {"claimed"}


def test_reportedly(pipe: Pipeline) -> None:
    [event] = code(
        pipe,
        "Syrian troops reportedly shelled Turkey on Tuesday.",
        """
        1 Syrian     syrian     ADJ   JJ  2 amod   B-NORP
        2 troops     troop      NOUN  NNS 4 nsubj  O
        3 reportedly reportedly ADV   RB  4 advmod O
        4 shelled    shell      VERB  VBD 0 ROOT   O
        5 Turkey     Turkey     PROPN NNP 4 dobj   B-GPE
        6 on         on         ADP   IN  4 prep   O
        7 Tuesday    Tuesday    PROPN NNP 6 pobj   B-DATE
        8 .          .          PUNCT .   4 punct  O
    """,
    )
    assert (event.source.code, event.code, event.target.code, event.modality.value, event.modality_cue) == (
        "SYRMIL",
        "194",
        "TUR",
        "reported",
        "reportedly",
    )
    assert event.event_date == date(2024, 5, 7)


# -- time per event ----------------------------------------------------------------------------


def test_the_statement_and_the_arrest_keep_their_own_dates(pipe: Pipeline) -> None:
    events = code(
        pipe,
        "Kenya said on Monday that police had arrested 20 protesters last week.",
        """
        1  Kenya      Kenya     PROPN NNP 2  nsubj    B-GPE
        2  said       say       VERB  VBD 0  ROOT     O
        3  on         on        ADP   IN  2  prep     O
        4  Monday     Monday    PROPN NNP 3  pobj     B-DATE
        5  that       that      SCONJ IN  8  mark     O
        6  police     police    NOUN  NNS 8  nsubj    O
        7  had        have      AUX   VBD 8  aux      O
        8  arrested   arrest    VERB  VBN 2  ccomp    O
        9  20         20        NUM   CD  10 nummod   B-CARDINAL
        10 protesters protester NOUN  NNS 8  dobj     O
        11 last       last      ADJ   JJ  12 amod     B-DATE
        12 week       week      NOUN  NN  8  npadvmod I-DATE
        13 .          .         PUNCT .   2  punct    O
    """,
    )
    dated = {(e.source.code, e.code, e.target.code if e.target else None): (e.event_date, e.date_text) for e in events}
    assert dated == {
        ("KEN", "010", None): (date(2024, 5, 6), "on Monday"),
        ("KENCOP", "173", "KENCVL"): (date(2024, 4, 29), "last week"),
    }


def test_narrative_time_carries_a_year_to_the_next_sentence(pipe: Pipeline) -> None:
    events = code(
        pipe,
        "In 1961 the army seized power in Syria. The following year it banned the parties.",
        """
        1  In        in        ADP   IN  5  prep     O
        2  1961      1961      NUM   CD  1  pobj     B-DATE
        3  the       the       DET   DT  4  det      O
        4  army      army      NOUN  NN  5  nsubj    O
        5  seized    seize     VERB  VBD 0  ROOT     O
        6  power     power     NOUN  NN  5  dobj     O
        7  in        in        ADP   IN  5  prep     O
        8  Syria     Syria     PROPN NNP 7  pobj     B-GPE
        9  .         .         PUNCT .   5  punct    O
        10 The       the       DET   DT  12 det      B-DATE
        11 following following ADJ   JJ  12 amod     I-DATE
        12 year      year      NOUN  NN  14 npadvmod I-DATE
        13 it        it        PRON  PRP 14 nsubj    O
        14 banned    ban       VERB  VBD 0  ROOT     O
        15 the       the       DET   DT  16 det      O
        16 parties   party     NOUN  NNS 14 dobj     O
        17 .         .         PUNCT .   14 punct    O
    """,
        when=date(2011, 3, 1),
    )
    dated = {(e.code, e.trigger_text): (e.source.code, e.event_date, e.date_precision) for e in events}
    # "it" is the army of the sentence before; "the following year" counts from 1961, not from the story's date
    assert dated == {
        ("171", "seized"): ("MIL", date(1961, 1, 1), "year"),
        ("1722", "banned"): ("MIL", date(1962, 1, 1), "year"),
    }


def test_a_doc_from_another_vocabulary_is_refused(pipe: Pipeline) -> None:
    with pytest.raises(ValueError, match="vocabulary"):
        pipe.code_doc(Doc(Vocab(), words=["Russia", "attacked", "Georgia", "."]))
