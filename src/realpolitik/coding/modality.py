"""The modality stage: how the text presents an event: asserted, negated, denied, hypothetical, future or reported.

The stage (:func:`predicate_modality`) runs on each sentence between the triggers and
the mentions stages, for every trigger the triggers stage found and the governing words
of its constructions. :func:`detect_modality` starts at the word (a verb or an event
noun) and walks up the dependency parse towards the sentence root, collecting cues.
Cue words live in ``data/modality.yaml``; a ``modality:`` section of a ``--lexicon``
file adds to them.

The walk goes through clause links (``xcomp``, ``ccomp``, ``advcl``, ``conj``,
``acomp``), through a preposition to the word it hangs on ("without *firing*",
"accused Ukraine of *shelling*"), from a claim/plan noun to its content ("claims
that troops *crossed*", "a plan to *invade*"), and from an event noun to a
support or governing verb ("will hold *talks*", "denied the *attack*"). It stops
at relative clauses and other attachments.

Two kinds of cue are collected:

* Clause cues (auxiliaries, ``neg``, "no"/"nobody" arguments, "next week",
  noun modifiers such as "planned", being the main clause of a conditional)
  count only while the walk stays inside the trigger's clause: an ``xcomp``
  always does; a ``ccomp``/``advcl`` does when it is non-finite with no subject or
  auxiliary of its own; a ``conj`` does when it has no subject, auxiliary or
  negation of its own, is non-finite and is not after "but" ("will attack and
  *destroy*", but not "did not attack but *moved* troops").
* Link cues count anywhere on the chain: the governing word ("denies",
  "refused to", "plans to", "claimed that", "are said to"), "reportedly",
  "according to", being inside an if-clause, and a question.

Precedence when several cues apply: DENIED > NEGATED > HYPOTHETICAL > ATTEMPTED >
FUTURE > REPORTED > ASSERTED; among cues of the winning modality the one nearest the
trigger is returned. The trigger's own word is never a cue for itself:
"refused" and "denies" are ASSERTED (the coder codes them as REJECT/DENY).

News conventions: a ``ccomp`` of plain "say" is ASSERTED ("officials said police
arrested 20 people"); of "claim"/"allege"/"report" it is REPORTED, as is any
``ccomp`` of a verb whose subject is a claim noun ("reports say ..."). FUTURE
governors apply to ``xcomp``/``acl``/preposition links only, so "the problem is
that ..." is not FUTURE.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Span, Token

from realpolitik.datafiles import merge_tables, package_table
from realpolitik.types import Modality

PRECEDENCE: tuple[Modality, ...] = (
    Modality.DENIED,
    Modality.NEGATED,
    Modality.HYPOTHETICAL,
    Modality.ATTEMPTED,
    Modality.FUTURE,
    Modality.REPORTED,
)

Cue = tuple[Modality, str]

_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
_AUX = frozenset({"aux", "auxpass"})
_ARGUMENTS = frozenset({"nsubj", "nsubjpass", "dobj"})
_NOUNS = frozenset({"NOUN", "PROPN"})
_VERBS = frozenset({"VERB", "AUX"})
_CONDITIONAL_HOSTS = frozenset({"advcl", "conj", "relcl", "acl"})
_OWN_CLAUSE_DEPS = _SUBJECTS | _AUX | {"neg"}


@dataclass(frozen=True)
class ModalityCues:
    """The cue words of ``data/modality.yaml``, plus the ``modality:`` sections of user lexicon files."""

    modal_aux: dict[Modality, frozenset[str]]
    negators: frozenset[str]
    negative_determiners: frozenset[str]
    negative_pronouns: frozenset[str]
    negative_conjunctions: frozenset[str]
    contrastive_conjunctions: frozenset[str]
    governors: dict[Modality, frozenset[str]]
    claim_nouns: frozenset[str]
    dismissal_verbs: frozenset[str]
    support_verbs: frozenset[str]
    noun_modifiers: dict[Modality, frozenset[str]]
    reporting_adverbs: frozenset[str]
    attribution_phrases: frozenset[str]
    conditional_markers: tuple[str, ...]
    time_modifiers: frozenset[str]
    time_units: frozenset[str]
    time_words: frozenset[str]
    question_words: frozenset[str]
    attempt_nouns: frozenset[str]

    @classmethod
    def build(cls, sections: Iterable[tuple[str, Mapping[str, Any]]]) -> ModalityCues:
        """Merge modality tables (name, mapping) in order: every list is added to the one before;
        ValueError names the file and the key that is unknown or not a list of words."""
        return _cues_from(merge_tables(sections, "modality"))


def package_modality() -> tuple[str, Mapping[str, Any]]:
    """(file name, contents) of the packaged ``data/modality.yaml``, read once."""
    return package_table("coding", "modality.yaml")


def _cues_from(raw: dict[str, Any]) -> ModalityCues:
    def words(items: list[str]) -> frozenset[str]:
        return frozenset(str(w).lower() for w in items)

    def by_modality(table: dict[str, list[str]]) -> dict[Modality, frozenset[str]]:
        return {Modality(name): words(items) for name, items in table.items()}

    return ModalityCues(
        modal_aux=by_modality(raw["modal_aux"]),
        negators=words(raw["negators"]),
        negative_determiners=words(raw["negative_determiners"]),
        negative_pronouns=words(raw["negative_pronouns"]),
        negative_conjunctions=words(raw["negative_conjunctions"]),
        contrastive_conjunctions=words(raw["contrastive_conjunctions"]),
        governors=by_modality(raw["governors"]),
        claim_nouns=words(raw["claim_nouns"]),
        dismissal_verbs=words(raw["dismissal_verbs"]),
        support_verbs=words(raw["support_verbs"]),
        noun_modifiers=by_modality(raw["noun_modifiers"]),
        reporting_adverbs=words(raw["reporting_adverbs"]),
        attribution_phrases=words(raw["attribution_phrases"]),
        conditional_markers=tuple(sorted(words(raw["conditional_markers"]), key=len, reverse=True)),
        time_modifiers=words(raw["future_time"]["modifiers"]),
        time_units=words(raw["future_time"]["units"]),
        time_words=words(raw["future_time"]["words"]),
        question_words=words(raw["question_words"]),
        attempt_nouns=words(raw["attempt_nouns"]),
    )


def predicate_modality(words: Iterable[Token], cues: ModalityCues) -> dict[int, tuple[Modality, str | None]]:
    """The modality stage: how the text presents each of these words (a sentence's triggers and the
    governors of its constructions), with the cue, by token index."""
    return {tok.i: detect_modality(tok, cues) for tok in words}


def detect_modality(trigger: Token, cues: ModalityCues) -> tuple[Modality, str | None]:
    """Modality of the event whose trigger (verb or event noun) is `trigger`, with the cue text (e.g. "would",
    "denies", "not"); `cues` are a lexicon's (the packaged ones with its users' additions)."""
    found: dict[Modality, str] = {}
    tok, in_clause = trigger, True
    while True:
        if in_clause:
            _note(found, _clause_cues(tok, cues))
        _note(found, _anywhere_cues(tok, cues))
        step = _step_up(tok, cues)
        if step is None:
            break
        tok, shares_clause, link_cues = step
        in_clause = in_clause and shares_clause
        _note(found, link_cues)
    if tok.dep_ == "ROOT" and _is_question(tok.sent, cues):
        _note(found, [(Modality.HYPOTHETICAL, "?")])
    for modality in PRECEDENCE:
        if modality in found:
            return modality, found[modality]
    return Modality.ASSERTED, None


def _note(found: dict[Modality, str], cues: Iterable[Cue]) -> None:
    for modality, text in cues:
        found.setdefault(modality, text)


# --- walking up -------------------------------------------------------------


def _step_up(tok: Token, cues: ModalityCues) -> tuple[Token, bool, list[Cue]] | None:
    """The next token on the governing chain, whether it shares tok's clause, and the link's cues."""
    head, dep = tok.head, tok.dep_
    if head == tok or dep == "ROOT":
        return None
    if dep == "pcomp" and head.dep_ == "prep" and head.head != head:
        verb = head.head
        keys = {head.lower_: head.text, f"{verb.lemma_.lower()} {head.lower_}": f"{verb.text} {head.text}"}
        return verb, _non_finite(tok), _governed(keys, cues, future=True)
    if dep in ("xcomp", "ccomp"):
        links = _governed(_governor_keys(head), cues, future=dep == "xcomp")
        if dep == "ccomp":
            links += [
                (Modality.REPORTED, s.text)
                for s in head.children
                if s.dep_ in _SUBJECTS and s.lemma_.lower() in cues.claim_nouns
            ]
        return head, dep == "xcomp" or _non_finite(tok), links
    if dep == "acl" and head.pos_ in _NOUNS:  # "claims that its troops crossed", "a plan to invade"
        links = _governed(_governor_keys(head), cues, future=True)
        if links:  # "had no plan to intervene": the plan's negation holds for what is planned
            links += [
                (Modality.NEGATED, c.text)
                for c in head.children
                if c.dep_ == "det" and c.lower_ in cues.negative_determiners
            ]
        return (head, False, links) if links else None
    if dep in ("advcl", "acomp", "oprd") or (dep == "advmod" and tok.pos_ in ("ADV", "ADJ")):
        return head, dep != "advcl" or _non_finite(tok), []
    if dep == "conj":
        nor = [
            (Modality.NEGATED, c.text)
            for c in head.children
            if c.dep_ == "cc" and c.lower_ in cues.negative_conjunctions
        ]
        return head, not _own_clause(tok, cues), nor
    if dep == "amod" and tok.tag_.startswith("VB") and head.pos_ in _NOUNS:
        return head, True, []  # misparsed gerund: "denies [breaking] sanctions"
    if dep == "compound" and head.pos_ in _NOUNS and head.lemma_.lower() in cues.attempt_nouns:
        return head, True, [(Modality.ATTEMPTED, head.text)]  # "an assassination attempt"
    if tok.pos_ in _NOUNS and dep in _ARGUMENTS and head.pos_ in _VERBS:
        return _noun_to_verb(tok, head, cues)
    return None


def _noun_to_verb(noun: Token, verb: Token, cues: ModalityCues) -> tuple[Token, bool, list[Cue]] | None:
    """Event noun -> its verb: support verbs carry their modality, deny/refuse verbs govern it."""
    links: list[Cue] = []
    if noun.dep_ != "nsubj":
        keys = _governor_keys(verb)
        links = [
            (m, cue)
            for m, cue in _governed(keys, cues, future=False)
            if m in (Modality.DENIED, Modality.NEGATED, Modality.ATTEMPTED)
        ]
        if noun.lemma_.lower() in cues.claim_nouns and verb.lemma_.lower() in cues.dismissal_verbs:
            links.append((Modality.DENIED, verb.text))
    if verb.lemma_.lower() in cues.support_verbs:
        return verb, True, links
    return (verb, False, links) if links else None


def _governor_keys(gov: Token) -> dict[str, str]:
    """Lookup keys for a governing word (see data/modality.yaml), each with its surface text."""
    lemma = gov.lemma_.lower()
    keys = {lemma: gov.text, gov.lower_: gov.text}
    for c in gov.children:
        if c.dep_ in _AUX and c.lemma_.lower() == "be":
            keys[f"be {lemma}"] = keys[f"be {gov.lower_}"] = f"{c.text} {gov.text}"
        elif c.dep_ in ("acomp", "oprd", "advmod"):
            keys[f"{lemma} {c.lemma_.lower()}"] = keys[f"{lemma} {c.lower_}"] = f"{gov.text} {c.text}"
    if gov.dep_ in ("acomp", "oprd"):
        keys[f"{gov.head.lemma_.lower()} {lemma}"] = f"{gov.head.text} {gov.text}"
    return keys


def _governed(keys: dict[str, str], cues: ModalityCues, future: bool) -> list[Cue]:
    found = []
    for modality, words in cues.governors.items():
        if modality is Modality.FUTURE and not future:
            continue
        hit = next((text for key, text in keys.items() if key in words), None)
        if hit:
            found.append((modality, hit))
    return found


def _non_finite(tok: Token) -> bool:
    """True for a verb with no tense, subject or auxiliary of its own ("to halt", "killing")."""
    return tok.tag_ not in _FINITE_TAGS and not any(
        c.dep_ in _SUBJECTS or (c.dep_ in _AUX and c.tag_ != "TO") for c in tok.children
    )


def _own_clause(tok: Token, cues: ModalityCues) -> bool:
    """Whether a conjunct stands on its own instead of sharing its head's auxiliaries and negation.

    It does with a subject, auxiliary or negation of its own, after "but", or
    when finite ("did not attack but *moved*"). A past form after a participle
    head is read as a participle, as the tagger often mislabels it ("have not
    arrested or *charged*").
    """
    if any(c.dep_ in _OWN_CLAUSE_DEPS for c in tok.children):
        return True
    if any(c.dep_ == "cc" and c.lower_ in cues.contrastive_conjunctions for c in tok.head.children):
        return True
    participle = tok.tag_ == "VBD" and tok.head.tag_ == "VBN"
    return tok.tag_ in _FINITE_TAGS and not participle


# --- cues on one token ------------------------------------------------------


def _clause_cues(tok: Token, cues: ModalityCues) -> Iterator[Cue]:
    """Cues that hold only for the token's own clause."""
    for c in tok.children:
        dep, low = c.dep_, c.lower_
        if dep in _AUX and c.tag_ == "MD":  # not "'d" for "had"
            for modality in (Modality.HYPOTHETICAL, Modality.FUTURE):
                if low in cues.modal_aux[modality] or c.lemma_.lower() in cues.modal_aux[modality]:
                    yield modality, c.text
        elif dep in ("neg", "preconj") and low in cues.negators:
            yield Modality.NEGATED, c.text
        elif dep == "advmod":  # "no longer"
            yield from (
                (Modality.NEGATED, f"{n.text} {c.text}")
                for n in c.children
                if n.dep_ == "neg" and n.lower_ in cues.negators
            )
        elif dep == "det" and tok.pos_ in _NOUNS and low in cues.negative_determiners:
            yield Modality.NEGATED, c.text
        elif dep == "amod" and tok.pos_ in _NOUNS:
            yield from ((m, c.text) for m, words in cues.noun_modifiers.items() if low in words)
        if dep in _ARGUMENTS:
            if low in cues.negative_pronouns:
                yield Modality.NEGATED, c.text
            yield from (
                (Modality.NEGATED, d.text)
                for d in c.children
                if d.dep_ in ("det", "preconj") and d.lower_ in cues.negative_determiners
            )
        time = _future_time(c, cues)
        if time:
            yield Modality.FUTURE, time
    for d in tok.subtree:  # main clause of a conditional: "..., India will respond"
        if d != tok and d.dep_ in _CONDITIONAL_HOSTS and d.pos_ in _VERBS and _clause_head(d) == tok:
            marker = _conditional_marker(d, cues)
            if marker:
                yield Modality.HYPOTHETICAL, marker


def _anywhere_cues(tok: Token, cues: ModalityCues) -> Iterator[Cue]:
    """Cues that hold for everything the token governs: attribution and if-clauses."""
    doc = tok.doc
    for c in tok.children:
        if c.dep_ == "advmod" and c.lower_ in cues.reporting_adverbs:
            yield Modality.REPORTED, c.text
        if c.i + 1 < len(doc) and f"{c.lower_} {doc[c.i + 1].lower_}" in cues.attribution_phrases:
            yield Modality.REPORTED, f"{c.text} {doc[c.i + 1].text}"
    marker = _conditional_marker(tok, cues)
    if marker:
        yield Modality.HYPOTHETICAL, marker


def _future_time(tok: Token, cues: ModalityCues) -> str | None:
    """ "next week", "tomorrow", "in the coming days" as a dependent of a verb."""
    if tok.dep_ in ("npadvmod", "tmod", "advmod") and tok.lower_ in cues.time_words:
        return tok.text
    if tok.dep_ in ("npadvmod", "tmod"):
        nouns = [tok]
    elif tok.dep_ == "prep":
        nouns = [c for c in tok.children if c.dep_ == "pobj"]
    else:
        return None
    for noun in nouns:
        mod = next((m for m in noun.children if m.dep_ in ("amod", "det") and m.lower_ in cues.time_modifiers), None)
        if mod is not None and noun.lower_ in cues.time_units:
            return " ".join(t.text for t in noun.doc[mod.i : noun.i + 1])
    return None


def _conditional_marker(tok: Token, cues: ModalityCues) -> str | None:
    """The conditional marker introducing tok's clause ("if", "unless", "in case", "as long as").

    Read as the words just before the clause plus its ``mark``, so the marker is
    found even when the parser attaches "in case"/"as long" elsewhere.
    """
    start = tok.left_edge.i
    intro = list(tok.doc[max(tok.sent.start, start - 4) : start])
    intro += [c for c in tok.children if c.dep_ == "mark"]
    for marker in cues.conditional_markers:
        n = marker.count(" ") + 1
        if len(intro) >= n and " ".join(t.lower_ for t in intro[-n:]) == marker:
            return " ".join(t.text for t in intro[-n:])
    return None


def _clause_head(tok: Token) -> Token:
    """The nearest verb above tok."""
    head = tok.head
    while head.pos_ not in _VERBS and head.head != head:
        head = head.head
    return head


def _is_question(sent: Span, cues: ModalityCues) -> bool:
    """A sentence ending in "?" with a question word first or auxiliary-subject inversion."""
    toks = [t for t in sent if not (t.is_space or t.is_quote or t.lower_ in (")", "]"))]
    if not toks or toks[-1].text != "?":
        return False
    if toks[0].lower_ in cues.question_words:
        return True
    root = sent.root
    subject = next((c for c in root.children if c.dep_ in _SUBJECTS), None)
    if subject is None:
        return False
    return (root.pos_ == "AUX" and root.i < subject.i) or any(c.dep_ in _AUX and c.i < subject.i for c in root.children)
