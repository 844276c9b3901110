"""The "where" of an event, as the sentence says it: the place named in the trigger's locative phrase.

"Police fired on protesters in Cairo" -> Cairo (EGY, via the gazetteer's capitals). The
place must be a spaCy GPE/LOC/FAC entity reached through a locative preposition
(``coding/data/rules.yaml``) of the trigger (or of the clause it heads). When the trigger
has none, the sentence's own place is taken: the locative phrase nearest the trigger
anywhere in the sentence ("In Kabul, officials said three soldiers were killed").
Places that are the event's own source or target are not its location. Turning the name
into coordinates is the next stage's work (:mod:`realpolitik.geo.geocode`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Token

from realpolitik.nlp.parse import sentence_entities
from realpolitik.types import Sentence, Span

PLACE_LABELS = ("GPE", "LOC", "FAC", "NORP")  # NORP: the small model's tag for "in Punjab", "in Kurdistan"


@dataclass(frozen=True)
class Place:
    name: str
    country: str | None  # ISO3 when the place is a country or a capital the gazetteer knows
    span: Span  # char offsets in the sentence


def locate(trigger: Token, sentence: Sentence, exclude: set[int], preps: frozenset[str]) -> Place | None:
    """The place of the event triggered by `trigger`, or None; `preps` are the locative prepositions."""
    heads = [trigger] + ([trigger.head] if trigger.dep_ in ("xcomp", "dobj", "pobj") else [])
    for head in heads:
        for pobj in _locative_objects(head, preps):
            place = _place(pobj, sentence, exclude)
            if place is not None:
                return place
    others = [p for tok in sentence.span if tok not in heads for p in _locative_objects(tok, preps)]
    for pobj in sorted(others, key=lambda p: abs(p.i - trigger.i)):
        place = _place(pobj, sentence, exclude)
        if place is not None:
            return place
    return None


def _locative_objects(head: Token, preps: frozenset[str]) -> Iterator[Token]:
    """Objects of `head`'s locative prepositions that are places ("in Gaza") or headed by one ("in Idlib province")."""
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ in preps:
            for pobj in prep.children:
                if pobj.dep_ == "pobj" and (pobj.ent_type_ in PLACE_LABELS or _compound_place(pobj) is not None):
                    yield pobj


def _compound_place(pobj: Token) -> Token | None:
    """The place word of "Idlib province", "the Donetsk region": a place-entity compound of a common noun."""
    if pobj.ent_type_ or pobj.pos_ != "NOUN":
        return None
    return next((c for c in pobj.lefts if c.dep_ == "compound" and c.ent_type_ in PLACE_LABELS), None)


def _place(pobj: Token, sentence: Sentence, exclude: set[int]) -> Place | None:
    sent = sentence.span
    word = _compound_place(pobj) or pobj
    ent = next((e for e in sentence_entities(sent) if e.start <= word.i < e.end), None)
    if ent is None or ent.label_ not in PLACE_LABELS:
        return None
    start, end = ent.start_char - sent.start_char, ent.end_char - sent.start_char
    if word is not pobj and ent.end == pobj.i:  # "Idlib province": the head noun says what kind of place
        end = pobj.idx + len(pobj.text) - sent.start_char
    mention = next((m for m in sentence.actors if m.start <= start < m.end), None)
    if mention is not None and id(mention) in exclude:
        return None
    country = mention.actor.country if mention is not None else None
    return Place(name=sentence.text[start:end], country=country, span=(start, end))
