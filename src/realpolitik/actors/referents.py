"""Actors named by convention or by the article: "the West", "the North", "its neighbour".

The words are data (``actors/data/referents.yaml``, extended by user files):

* **fixed** phrases always name one actor: "the West" and "Western powers" are CAMEO's
  ``WST``; a modifier such as "Western" does so before a role noun ("Western diplomats").
* **by_article** phrases take the country the article is about: "the North" is North
  Korea in a story naming the Koreas, Sudan in a story naming the Sudans. The meaning
  whose countries the article names most wins; a tie gives no actor.
* **neighbours** ("its neighbour", "Russia's neighbour") name the one other country of an
  article that names exactly two.

A phrase followed by a capitalised word is a place name ("the West Bank", "the South
China Sea", "Western Australia") and names no actor.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Span

from realpolitik.actors.context import DocumentContext
from realpolitik.datafiles import package_table, read_yaml
from realpolitik.types import Actor, ActorMention

_CODE = re.compile(r"[A-Z]{3}")
_KEYS = ("version", "fixed", "modifiers", "by_article", "neighbours")
_POSSESSIVES = frozenset({"its", "their"})


@dataclass(frozen=True)
class _Phrase:
    words: tuple[str, ...]
    country: str | None  # fixed phrases and modifiers
    role: str | None = None
    meanings: tuple[tuple[frozenset[str], str], ...] = ()  # by_article: (countries named, country meant)
    kind: str = "referent"


@dataclass(frozen=True)
class ReferentTable:
    """The phrases of ``referents.yaml`` (plus user files), longest first."""

    phrases: tuple[_Phrase, ...]
    neighbours: tuple[tuple[str, ...], ...]

    @classmethod
    def load(cls, extra: Sequence[str | Path] = ()) -> ReferentTable:
        """The packaged table plus user files (entries are added)."""
        if not extra:
            return _default()
        return _build([_package(), *((str(p), read_yaml(p, _KEYS)) for p in extra)])


def _code(value: Any, where: str) -> str:
    if not (isinstance(value, str) and _CODE.fullmatch(value)):
        raise ValueError(f"{where}: expected a three-letter code, got {value!r}")
    return value


def _entry(rec: Any, where: str, kind: str) -> _Phrase:
    if not isinstance(rec, dict) or not isinstance(rec.get("text"), str) or not rec["text"].strip():
        raise ValueError(f"{where}: expected a mapping with a non-empty 'text'")
    words = tuple(rec["text"].split())
    if kind == "by_article":
        if set(rec) - {"text", "meanings"} or not isinstance(rec.get("meanings"), list) or not rec["meanings"]:
            raise ValueError(f"{where}: a by_article entry has text and a non-empty list of meanings")
        meanings = []
        for i, m in enumerate(rec["meanings"]):
            at = f"{where} meaning {i}"
            if not isinstance(m, dict) or set(m) != {"countries", "country"} or not isinstance(m["countries"], list):
                raise ValueError(f"{at}: expected {{countries: [ISO3, ...], country: ISO3}}")
            meanings.append((frozenset(_code(c, at) for c in m["countries"]), _code(m["country"], at)))
        return _Phrase(words, None, meanings=tuple(meanings), kind="country")
    if set(rec) - {"text", "code", "role"}:
        raise ValueError(f"{where}: unknown field(s) {sorted(set(rec) - {'text', 'code', 'role'})}")
    role = _code(rec["role"], where) if "role" in rec else None
    return _Phrase(words, _code(rec.get("code"), where), role, kind="country" if kind == "fixed" else "demonym")


def _build(tables: list[tuple[str, dict[str, Any]]]) -> ReferentTable:
    phrases: list[_Phrase] = []
    neighbours: list[tuple[str, ...]] = []
    for name, data in tables:
        for key in ("fixed", "modifiers", "by_article"):
            records = data.get(key) or []
            if not isinstance(records, list):
                raise ValueError(f"{name}: {key} must be a list")
            phrases += [_entry(rec, f"{name}: {key}[{i}]", key) for i, rec in enumerate(records)]
        words = data.get("neighbours") or []
        if not (isinstance(words, list) and all(isinstance(w, str) and w.strip() for w in words)):
            raise ValueError(f"{name}: neighbours must be a list of nouns")
        neighbours += [tuple(w.lower().split()) for w in words]
    return ReferentTable(
        tuple(sorted(phrases, key=lambda p: -len(p.words))), tuple(sorted(set(neighbours), key=lambda w: -len(w)))
    )


def _package() -> tuple[str, dict[str, Any]]:
    return package_table("actors", "referents.yaml", _KEYS)


@lru_cache(maxsize=1)
def _default() -> ReferentTable:
    return _build([_package()])


class Referents:
    """Finds the actors of referent phrases in a sentence."""

    def __init__(self, table: ReferentTable):
        self.table = table

    def find(self, sent: Span, taken: set[int], names: list[ActorMention], ctx: DocumentContext) -> list[ActorMention]:
        """Mentions for the referent phrases of a sentence; `taken` are document token indices other
        mentions cover, `names` the sentence's name mentions (possessors of "neighbour")."""
        found: list[ActorMention] = []
        i = 0
        while i < len(sent):
            hit = self._phrase_at(sent, i, taken)
            if hit is None:
                i += 1
                continue
            phrase, end = hit
            country = phrase.country or self._by_article(phrase, ctx)
            if country is not None:
                actor = Actor(country=country, role=phrase.role, name=" ".join(phrase.words))
                found.append(
                    _mention(
                        sent,
                        i,
                        end,
                        actor,
                        phrase.kind,
                        0.8 if phrase.meanings else 0.9,
                        "article" if phrase.meanings else "name",
                    )
                )
            i = end
        found += self._neighbours(sent, taken, names, ctx)
        return found

    def _phrase_at(self, sent: Span, i: int, taken: set[int]) -> tuple[_Phrase, int] | None:
        for phrase in self.table.phrases:
            end = i + len(phrase.words)
            if end > len(sent) or any(sent[k].i in taken for k in range(i, end)):
                continue
            if all(
                sent[i + k].text.lower() == w.lower() if w == "the" else sent[i + k].text == w
                for k, w in enumerate(phrase.words)
            ):
                if end < len(sent) and sent[end].text[:1].isupper():
                    continue  # "the West Bank", "the North Atlantic", "Western Australia"
                return phrase, end
        return None

    @staticmethod
    def _by_article(phrase: _Phrase, ctx: DocumentContext) -> str | None:
        scored = sorted(
            ((sum(ctx.countries[c] for c in named), meant) for named, meant in phrase.meanings), reverse=True
        )
        if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
            return None
        return scored[0][1]

    def _neighbours(
        self, sent: Span, taken: set[int], names: list[ActorMention], ctx: DocumentContext
    ) -> list[ActorMention]:
        found: list[ActorMention] = []
        countries = [c for c, _ in ctx.countries.most_common()]
        if len(countries) != 2:
            return found
        by_token = {sent.start + k: m for m in names for k in range(m.token_start, m.token_end)}
        for tok in sent:
            words = next(
                (w for w in self.table.neighbours if tuple(t.lower_ for t in sent.doc[tok.i : tok.i + len(w)]) == w),
                None,
            )
            if words is None or tok.i in taken:
                continue
            head = sent.doc[tok.i + len(words) - 1]
            owner = next((c for c in head.children if c.dep_ == "poss"), None)
            if owner is None:
                continue
            if owner.lower_ in _POSSESSIVES:
                possessor = _subject_country(head, by_token)
            else:
                m = by_token.get(owner.i)
                possessor = m.actor.country if m is not None else None
            if possessor not in countries:
                continue
            other = next(c for c in countries if c != possessor)
            start = owner.i - sent.start
            found.append(
                _mention(
                    sent,
                    start,
                    head.i + 1 - sent.start,
                    Actor(country=other, name=head.text),
                    "country",
                    0.7,
                    "article",
                )
            )
        return found


def _subject_country(tok: Any, by_token: dict[int, ActorMention]) -> str | None:
    """The country of the subject of the clause a noun sits in ("Russia invaded its neighbour")."""
    verb = tok
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass"):
            for t in c.subtree:
                m = by_token.get(t.i)
                if m is not None and m.actor.country:
                    return m.actor.country
    return None


def _mention(sent: Span, start: int, end: int, actor: Actor, kind: str, confidence: float, reason: str) -> ActorMention:
    span = sent[start:end]
    return ActorMention(
        start=span.start_char - sent.start_char,
        end=span.end_char - sent.start_char,
        text=span.text,
        actor=actor,
        kind=kind,
        token_start=start,
        token_end=end,
        confidence=confidence,
        country_reason=reason,
    )
