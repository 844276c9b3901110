"""Pronoun resolution: "he", "it", "they" back to the nearest compatible actor.

A deliberately simple, predictable rule set (no coreference model works
offline here): a pronoun takes the closest earlier mention, first in its own
sentence and then in up to ``WINDOW`` preceding sentences, whose kind agrees:

- he/she/him/her: a leader, or a singular role noun for a person
  ("the foreign minister");
- it: a country, capital, metonym, IGO, or a singular collective role noun
  ("the government", "the army");
- they/them: a plural role noun ("rebels", "Russian troops") or a group of
  coordinated actors ("Russia and China").
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from spacy.tokens import Span

from realpolitik.types import Mention

WINDOW = 3  # sentences to look back
PERSON = {"he", "she", "him", "her"}
THING = {"it"}
GROUP = {"they", "them"}
COLLECTIVE_ROLES = {"GOV", "MIL", "LEG", "JUD", "COP", "OPP", "REB", "INS", "PTY", "BUS", "MED", "IGO", "NGO", "SPY"}
PERSON_WORDS = {"president", "minister", "leader", "chancellor", "premier", "king", "queen", "prince",
                "spokesman", "spokeswoman", "spokesperson", "ambassador", "envoy", "general", "commander",
                "secretary", "chairman", "governor", "mayor", "official", "diplomat", "senator", "judge",
                "emir", "sultan", "ayatollah", "dictator", "monarch", "officer", "chief"}


@dataclass
class _Candidate:
    mention: Mention
    person: bool
    thing: bool
    group: bool


@dataclass
class PronounResolver:
    """Keeps the recent mentions of one document and resolves pronouns against them."""

    history: list[list[_Candidate]] = field(default_factory=list)

    def resolve(self, sent: Span, mentions: list[Mention]) -> list[Mention]:
        """Mentions for the sentence's subject and object pronouns; then remember this sentence's actors."""
        current = [_classify(sent, m) for m in mentions]
        resolved: list[Mention] = []
        for tok in sent:
            pron = tok.lower_
            if tok.pos_ != "PRON" or tok.dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj", "dative"):
                continue
            if pron not in PERSON | THING | GROUP:
                continue
            start = tok.idx - sent.start_char
            earlier = [c for c in current if c.mention.end <= start]
            found = _nearest(pron, [earlier] + self.history[::-1][:WINDOW])
            if found is None:
                continue
            resolved.append(replace(found, start=start, end=start + len(tok.text), text=tok.text,
                                    kind="pronoun", token_start=tok.i - sent.start,
                                    token_end=tok.i - sent.start + 1, confidence=found.confidence * 0.75))
        self.history.append(current)
        return resolved


def _nearest(pron: str, sentences: list[list[_Candidate]]) -> Mention | None:
    for cands in sentences:
        for c in reversed(cands):
            if (pron in PERSON and c.person) or (pron in THING and c.thing) or (pron in GROUP and c.group):
                return c.mention
    return None


def _classify(sent: Span, m: Mention) -> _Candidate:
    tokens = sent[m.token_start:m.token_end]
    head = tokens.root
    plural = head.tag_ in ("NNS", "NNPS") or any(t.dep_ == "cc" for t in tokens)
    if m.kind == "leader":
        return _Candidate(m, person=True, thing=False, group=False)
    if m.kind == "role":
        person_word = head.lemma_.lower() in PERSON_WORDS
        return _Candidate(m, person=person_word and not plural,
                          thing=not plural and not person_word and (m.actor.role in COLLECTIVE_ROLES),
                          group=plural)
    if m.kind == "demonym":
        return _Candidate(m, person=False, thing=False, group=plural)
    return _Candidate(m, person=False, thing=True, group=False)
