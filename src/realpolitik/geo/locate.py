"""The "where" of an event: the place named in the trigger's locative phrase.

"Police fired on protesters in Cairo" -> Cairo (EGY, via the gazetteer's
capitals). The place must be a spaCy GPE/LOC/FAC entity reached through a
locative preposition (``events/data/rules.yaml``) of the trigger (or of the clause it heads); places that
are the event's own source or target are not its location.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from realpolitik.nlp.parse import sentence_entities
from realpolitik.types import Sentence, Span

PLACE_LABELS = ("GPE", "LOC", "FAC")


@dataclass(frozen=True)
class Place:
    name: str
    country: str | None  # ISO3 when the place is a country or a capital the gazetteer knows
    span: Span  # char offsets in the sentence


def locate(trigger: Token, sentence: Sentence, exclude: set[int], preps: frozenset[str]) -> Place | None:
    """The place of the event triggered by `trigger`, or None; `preps` are the locative prepositions."""
    sent = sentence.span
    heads = [trigger] + ([trigger.head] if trigger.dep_ in ("xcomp", "dobj", "pobj") else [])
    for head in heads:
        for prep in head.children:
            if prep.dep_ != "prep" or prep.lower_ not in preps:
                continue
            for pobj in prep.children:
                if pobj.dep_ == "pobj" and pobj.ent_type_ in PLACE_LABELS:
                    ent = next((e for e in sentence_entities(sent) if e.start <= pobj.i < e.end), None)
                    if ent is None:
                        continue
                    start, end = ent.start_char - sent.start_char, ent.end_char - sent.start_char
                    mention = next((m for m in sentence.mentions if m.start <= start < m.end), None)
                    if mention is not None and id(mention) in exclude:
                        continue
                    country = mention.actor.country if mention is not None else None
                    return Place(name=sentence.text[start:end], country=country, span=(start, end))
    return None
