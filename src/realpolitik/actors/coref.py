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

Within those, a subject pronoun prefers the subject of an earlier sentence
("Germany criticized Iran. It expelled ..." is Germany).

A role noun with no country of its own ("the government", "officials") is
read the same way as a definite reference back: it takes the country of the
closest earlier mention with the same role ("the Israeli government ... the
government said" is ISRGOV). With no such mention it stays country-less.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Span, Token

from realpolitik.datafiles import merge_tables, package_table, read_yaml
from realpolitik.types import ActorMention

WINDOW = 3  # sentences to look back


@dataclass(frozen=True)
class CorefWords:
    """The word lists of ``actors/data/coref.yaml``."""

    person: frozenset[str]  # pronouns for a person
    thing: frozenset[str]  # ... for a country, capital, IGO or collective role noun
    group: frozenset[str]  # ... for a plural role noun or coordinated actors
    collective_roles: frozenset[str]
    person_words: frozenset[str]
    expletive_heads: frozenset[str]
    control_adjectives: frozenset[str]

    @property
    def pronouns(self) -> frozenset[str]:
        """Every pronoun resolved."""
        return self.person | self.thing | self.group

    @classmethod
    def load(cls, extra: Sequence[str | Path] = ()) -> CorefWords:
        """The packaged ``actors/data/coref.yaml`` with the lists of the user files in `extra`
        (the same keys) added; ValueError names the file and the key that is wrong."""
        if not extra:
            return default_words()
        return _words([_package_words(), *((str(p), read_yaml(p, keys=_KEYS)) for p in extra)])


_KEYS = ("version", "pronouns", "collective_roles", "person_words", "expletive_heads", "control_adjectives")


def _package_words() -> tuple[str, dict[str, Any]]:
    name, data = package_table("actors", "coref.yaml", _KEYS)
    missing = [k for k in _KEYS[1:] if k not in data]
    if missing:
        raise ValueError(f"{name}: missing {', '.join(missing)}")
    return name, data


@lru_cache(maxsize=1)
def default_words() -> CorefWords:
    """The packaged ``actors/data/coref.yaml``, validated, read once per process."""
    return _words([_package_words()])


def _words(tables: Sequence[tuple[str, dict[str, Any]]]) -> CorefWords:
    merged = merge_tables(tables, "coref")  # the packaged file sets the keys
    pronouns = merged["pronouns"]
    return CorefWords(
        person=frozenset(pronouns["person"]),
        thing=frozenset(pronouns["thing"]),
        group=frozenset(pronouns["group"]),
        **{k: frozenset(merged[k]) for k in _KEYS[2:]},
    )


_POSSESSIVES = {"its": "it", "their": "they", "his": "he", "her": "she"}  # the pronoun each stands for


@dataclass
class _Candidate:
    mention: ActorMention
    person: bool
    thing: bool
    group: bool
    subject: bool = False


@dataclass
class PronounResolver:
    """Keeps the recent mentions of one document and resolves pronouns against them."""

    words: CorefWords
    history: list[list[_Candidate]] = field(default_factory=list)

    def resolve(self, sent: Span, mentions: list[ActorMention]) -> list[ActorMention]:
        """Mentions for the sentence's subject and object pronouns; then remember this sentence's actors."""
        mentions[:] = [self._own(sent, self._anchor_role(m, mentions), mentions) for m in mentions]
        current = [_classify(sent, m, self.words) for m in mentions]
        resolved: list[ActorMention] = []
        for tok in sent:
            pron = tok.lower_
            if tok.pos_ != "PRON" or tok.dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj", "dative"):
                continue
            if pron not in self.words.pronouns or _expletive(tok, self.words):
                continue
            start = tok.idx - sent.start_char
            earlier = [c for c in current if c.mention.end <= start]
            found = _nearest(pron, [earlier, *self._recent()], tok.dep_.startswith("nsubj"), self.words)
            if found is None:
                continue
            resolved.append(
                replace(
                    found,
                    start=start,
                    end=start + len(tok.text),
                    text=tok.text,
                    kind="pronoun",
                    token_start=tok.i - sent.start,
                    token_end=tok.i - sent.start + 1,
                    confidence=found.confidence * 0.75,
                )
            )
        # a resolved pronoun is a mention of its actor for the sentences after: "He said ... He added"
        # goes on past the window of the name
        chained = [_classify(sent, m, self.words) for m in resolved]
        self.history.append(sorted(current + chained, key=lambda c: c.mention.start))
        del self.history[:-WINDOW]  # only the last WINDOW sentences are looked at
        return resolved

    def _recent(self) -> list[list[_Candidate]]:
        """The mentions of the last ``WINDOW`` sentences, newest first (``history`` keeps no more)."""
        return self.history[::-1]

    def _own(self, sent: Span, m: ActorMention, mentions: list[ActorMention]) -> ActorMention:
        """A country-less role noun with a possessive pronoun takes the pronoun's country:
        "Bosnian Serbs said their forces had completed their withdrawal" (the Serbs' forces)."""
        if m.kind != "role" or m.actor.country or m.actor.igo or m.token_end <= m.token_start:
            return m
        head = sent[m.token_start : m.token_end].root
        poss = next((c for c in head.children if c.dep_ == "poss" and c.lower_ in _POSSESSIVES), None)
        if poss is None:
            return m
        pron = _POSSESSIVES[poss.lower_]
        earlier = [
            _classify(sent, x, self.words) for x in mentions if x.end <= poss.idx - sent.start_char and x is not m
        ]
        found = _nearest(pron, [earlier, *self._recent()], True, self.words)
        if found is None or not found.actor.country:
            return m
        return replace(
            m,
            actor=replace(m.actor, country=found.actor.country),
            confidence=m.confidence * 0.8,
            country_reason="earlier mention",
        )

    def _anchor_role(self, m: ActorMention, mentions: list[ActorMention]) -> ActorMention:
        """A country-less role noun takes the country of the closest earlier actor with its role."""
        if m.kind != "role" or m.actor.country or m.actor.igo:
            return m
        earlier = [x for x in mentions if x.end <= m.start]
        for cands in [earlier] + [[c.mention for c in h] for h in self._recent()]:
            for c in reversed(cands):
                if c.actor.role == m.actor.role and c.actor.country:
                    actor = replace(m.actor, country=c.actor.country)
                    return replace(m, actor=actor, confidence=m.confidence * 0.85, country_reason="earlier mention")
        return m


def _expletive(tok: Token, words: CorefWords) -> bool:
    """An "it" that stands for no actor: "it is likely that", "it remains to be seen whether",
    "were it to come to war"."""
    if tok.lower_ != "it":
        return False
    if tok.dep_ == "expl":
        return True
    head = tok.head
    if head.lemma_.lower() not in words.expletive_heads:
        return False
    clauses = [c for c in head.children if c.dep_ in ("ccomp", "xcomp", "csubj") and c.i > tok.i]
    predicates = [
        c
        for c in head.children
        if c.dep_ in ("acomp", "attr")
        and c.i > tok.i
        and c.lemma_.lower() not in words.control_adjectives  # "it is willing to withdraw"
        and any(g.dep_ in ("ccomp", "xcomp") for g in c.children)
    ]
    return bool(clauses or predicates)


def _nearest(pron: str, sentences: list[list[_Candidate]], subject: bool, words: CorefWords) -> ActorMention | None:
    """Closest compatible mention; a subject pronoun prefers an earlier sentence's subject."""
    for n, cands in enumerate(sentences):
        fits = [
            c
            for c in cands
            if (pron in words.person and c.person)
            or (pron in words.thing and c.thing)
            or (pron in words.group and c.group)
        ]
        if subject and n > 0:
            fits.sort(key=lambda c: c.subject)  # stable: subjects last, so tried first below
        if fits:
            return fits[-1].mention
    return None


def _classify(sent: Span, m: ActorMention, words: CorefWords) -> _Candidate:
    tokens = sent[m.token_start : m.token_end]
    head = tokens.root
    plural = head.tag_ in ("NNS", "NNPS") or any(t.dep_ == "cc" for t in tokens)
    subject = head.dep_ in ("nsubj", "nsubjpass") or head.head.dep_ in ("nsubj", "nsubjpass")
    if m.kind == "pronoun":  # a resolved pronoun stands for what it says: "he" a person, "they" a group
        pron = m.text.lower()
        return _Candidate(
            m, person=pron in words.person, thing=pron in words.thing, group=pron in words.group, subject=subject
        )
    if m.kind in ("leader", "person"):  # a leader, or a person the text names ("Erich Kurtz ... he")
        return _Candidate(m, person=True, thing=False, group=False, subject=subject)
    if m.kind == "role":
        person_word = head.lemma_.lower() in words.person_words
        return _Candidate(
            m,
            person=person_word and not plural,
            thing=not plural and not person_word and (m.actor.role in words.collective_roles),
            group=plural,
            subject=subject,
        )
    if m.kind == "demonym":
        return _Candidate(m, person=False, thing=False, group=plural, subject=subject)
    return _Candidate(m, person=False, thing=True, group=False, subject=subject)
