"""People and bodies no dictionary lists: spaCy's PERSON, ORG and GPE entities as actors.

* A **person** takes the role of the title before the name ("Interior Minister Erich
  Kurtz", "opposition leader Raila Odinga", "Kremlin spokesman Dmitry Peskov"), or of an
  appositive ("Gazprom's chief, Alexei Miller", "Alexei Miller, the chief executive of
  Gazprom"), or of an earlier titled mention of the same person ("... Kurtz said"); with
  none of these, the role of ``person_role`` (a private person). "former" before the
  title makes the person ``ELI``.
* An **organisation** takes the role of the words in its name (``organisation_words``
  in ``data/entities.yaml``): union → LAB, party → PTY, court or bar association → JUD,
  ministry → GOV, army → MIL, militia → REB, company words → BUS, observatory / watch /
  rights group → HRI. An organisation name with none of these words is not an actor.
* A **city** the gazetteer lacks ("Magnitogorsk") stands for its country (GeoNames).

The country comes, in this order, from a country word in the phrase (the title's or
the name's own: "Israel's Foreign Minister", "Kenya Bar Association"), from the
organisation a person belongs to, from an earlier mention of the same person, and from
the article (its dateline, else its dominant country); the reason is recorded on the
mention (``country_reason``). With none, the actor has a role and no country.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Span, Token

from realpolitik.actors.context import DocumentContext
from realpolitik.datafiles import package_table, read_yaml
from realpolitik.geo.places import CityIndex
from realpolitik.nlp.parse import sentence_entities
from realpolitik.types import Actor, ActorMention

ENTITY_LABELS = ("PERSON", "ORG", "GPE")
_COUNTRY_KINDS = frozenset({"country", "demonym", "capital", "metonym", "igo", "group", "leader"})
_PLACE_KINDS = frozenset({"country", "demonym", "capital"})
_WORDS = re.compile(r"[\w'’.-]+")
MIN_CITY_POPULATION = 50_000  # smaller GeoNames places share names with common words ("Police", "Mobile")


@dataclass(frozen=True)
class RoleHit:
    """A role noun found in the sentence (document token offsets)."""

    start: int
    end: int
    role: str
    name: str  # the noun as written, lower case ("interior minister")


@dataclass(frozen=True)
class EntityTable:
    """The word lists of ``data/entities.yaml`` (plus user files)."""

    honorifics: frozenset[str]
    former_words: frozenset[str]
    title_prefixes: frozenset[str]  # between an owner and its title: "the", "'s", "vice", "acting"
    person_words: frozenset[str]
    person_role: str
    domestic_roles: frozenset[str]
    organisation_words: tuple[tuple[tuple[str, ...], str], ...]  # (words of the phrase, role), longest first

    @classmethod
    def load(cls, extra: Sequence[str | Path] = ()) -> EntityTable:
        """The packaged lists plus user files (lists are added, ``person_role`` replaced)."""
        if not extra:
            return _default_table()
        return cls._build([_package_data(), *((str(p), read_yaml(p)) for p in extra)])

    @classmethod
    def _build(cls, tables: list[tuple[str, dict[str, Any]]]) -> EntityTable:
        lists: dict[str, list[str]] = {
            "honorifics": [],
            "person_words": [],
            "domestic_roles": [],
            "former_words": [],
            "title_prefixes": [],
        }
        organisation: dict[str, list[str]] = {}
        person_role = "CVL"
        for name, data in tables:
            for key, value in data.items():
                if key == "version":
                    continue
                if key == "person_role":
                    if not (isinstance(value, str) and re.fullmatch(r"[A-Z]{3}", value)):
                        raise ValueError(f"{name}: person_role must be a role code such as CVL")
                    person_role = value
                elif key == "organisation_words":
                    if not isinstance(value, dict):
                        raise ValueError(f"{name}: organisation_words must map roles to word lists")
                    for role, words in value.items():
                        if not (isinstance(role, str) and re.fullmatch(r"[A-Z]{3}", role)):
                            raise ValueError(f"{name}: organisation_words: {role!r} is not a role code")
                        if not (isinstance(words, list) and all(isinstance(w, str) and w == w.lower() for w in words)):
                            raise ValueError(f"{name}: organisation_words.{role} must be a list of lower-case words")
                        organisation.setdefault(role, []).extend(words)
                elif key in lists:
                    if not (isinstance(value, list) and all(isinstance(w, str) for w in value)):
                        raise ValueError(f"{name}: {key} must be a list of words")
                    lists[key].extend(value)
                else:
                    raise ValueError(f"{name}: unknown key {key!r}")
        phrases = sorted(
            ((tuple(_WORDS.findall(w)), role) for role, words in organisation.items() for w in words),
            key=lambda p: (-len(p[0]), -len(" ".join(p[0]))),
        )
        return cls(
            honorifics=frozenset(w.lower() for w in lists["honorifics"]),
            former_words=frozenset(w.lower().rstrip("-") for w in lists["former_words"]),
            title_prefixes=frozenset(w.lower() for w in lists["title_prefixes"]),
            person_words=frozenset(w.lower() for w in lists["person_words"]),
            person_role=person_role,
            domestic_roles=frozenset(lists["domestic_roles"]),
            organisation_words=tuple(phrases),
        )

    def organisation_role(self, name: str) -> str | None:
        """The role the words of an organisation's name give: the longest phrase, then the last one."""
        words = [w.lower().strip(".'’") for w in _WORDS.findall(name)]
        best: tuple[int, int, str] | None = None
        for phrase, role in self.organisation_words:
            n = len(phrase)
            for i in range(len(words) - n + 1):
                if tuple(words[i : i + n]) == phrase:
                    key = (n, i, role)
                    if best is None or key[:2] > best[:2]:
                        best = key
        return best[2] if best else None


def _package_data() -> tuple[str, dict[str, Any]]:
    return package_table("actors", "entities.yaml")


@lru_cache(maxsize=1)
def _default_table() -> EntityTable:
    return EntityTable._build([_package_data()])


class EntityActors:
    """Turns the entities of a sentence that no gazetteer name covers into actor mentions."""

    def __init__(self, table: EntityTable, cities: CityIndex, leader_country: Callable[[str], str | None]):
        """`leader_country` gives the country of a leader's name at any date (a person named
        before or long after office, whom the gazetteer does not give for the story's date)."""
        self.table = table
        self.cities = cities
        self.leader_country = leader_country
        self._before_title = table.title_prefixes | table.former_words  # skipped between an owner and its title

    def find(
        self, sent: Span, names: list[ActorMention], roles: list[RoleHit], ctx: DocumentContext
    ) -> tuple[list[ActorMention], set[int], set[int]]:
        """Entity mentions; the starts of the role hits that became their titles; the ids of the
        name mentions an organisation's name absorbed ("Syrian" in "Syrian Observatory for Human Rights")."""
        by_token = {sent.start + i: m for m in names for i in range(m.token_start, m.token_end)}
        found: list[ActorMention] = []
        titles: set[int] = set()
        absorbed: set[int] = set()
        ents = []
        for e in sentence_entities(sent):
            inner = {id(by_token[i]): by_token[i] for i in range(e.start, e.end) if i in by_token}
            if e.label_ not in ENTITY_LABELS:
                continue
            if inner and not (
                e.label_ == "ORG"
                and all(m.kind in _PLACE_KINDS for m in inner.values())
                and all(sent.start + m.token_end <= e.end for m in inner.values())
            ):
                continue  # the gazetteer knows it (a leader, an IGO, a group, a country)
            ents.append(e)
        for ent in ents:  # bodies first: a person's appositive may name one ("the chief executive of Y")
            mention = (
                self._organisation(sent, ent, by_token, ctx)
                if ent.label_ == "ORG"
                else self._city(sent, ent)
                if ent.label_ == "GPE"
                else None
            )
            if mention is not None:
                found.append(mention)
                for i in range(ent.start, ent.end):
                    if i in by_token:
                        absorbed.add(id(by_token[i]))
                    by_token[i] = mention
        for ent in (e for e in ents if e.label_ == "PERSON"):
            if any(h.start <= ent.start and ent.end <= h.end for h in roles):
                continue  # "the King also spoke": the role noun the parser took for a name is the role
            mention, title = self._person(sent, ent, roles, by_token, ctx)
            if title is not None:
                titles.add(title.start)
            # a role noun inside the name is part of it: "Tom King", "Mike Pence", "John Major"
            titles.update(h.start for h in roles if ent.start <= h.start and h.end <= ent.end)
            found.append(mention)
        for m in found:
            if m.kind in ("person", "organisation") and m.token_end - m.token_start > 1:
                ctx.remember_name(sent[m.token_start : m.token_end].text, m)
                surname = sent[m.token_end - 1]
                if m.kind == "person" and surname.pos_ == "PROPN" and surname.is_title and len(surname) > 2:
                    ctx.remember_name(surname.text, m)  # "Walter Munk ... Munk said": the parser may miss it
        for m in found:
            for i in range(sent.start + m.token_start, sent.start + m.token_end):
                by_token[i] = m
        found += self._named_before(sent, by_token, ctx)
        return sorted(found, key=lambda m: m.start), titles, absorbed

    def _named_before(self, sent: Span, by_token: dict[int, ActorMention], ctx: DocumentContext) -> list[ActorMention]:
        """Names of people and bodies found earlier in the article, written again where the
        parser saw no entity this time ("Sinn Féin" a person once, nothing the next time), and
        a person's surname alone ("Walter Munk" ... "Munk was born in Austria")."""
        found: list[ActorMention] = []
        if not ctx.names:
            return found
        i = 0
        while i < len(sent):
            tok = sent[i]
            hit = None
            if tok.i not in by_token and tok.is_title:
                for words, earlier in ctx.names_from(tok.text):
                    end = i + len(words)
                    if len(words) == 1 and (tok.pos_ != "PROPN" or tok.ent_type_ not in ("", "PERSON")):
                        continue  # a surname alone only as a name ("Munk said"), not "May" the month
                    if (
                        end <= len(sent)
                        and all(sent[i + k].text == w for k, w in enumerate(words))
                        and not any(sent[k].i in by_token for k in range(i, end))
                        and (end == len(sent) or not sent[end].is_title or sent[end].pos_ != "PROPN")
                    ):
                        hit = (end, earlier)
                        break
            if hit is None:
                i += 1
                continue
            end, earlier = hit
            actor = earlier.actor
            found.append(
                span_mention(
                    sent,
                    sent[i:end],
                    actor,
                    earlier.kind,
                    earlier.confidence * 0.9,
                    "earlier mention" if actor.country else None,
                )
            )
            i = end
        return found

    # -- people ---------------------------------------------------------------------

    def _person(
        self, sent: Span, ent: Span, roles: list[RoleHit], by_token: dict[int, ActorMention], ctx: DocumentContext
    ) -> tuple[ActorMention, RoleHit | None]:
        doc = sent.doc
        start = ent.start
        while start < ent.end - 1 and doc[start].lower_.rstrip(".") in self.table.honorifics:
            start += 1
        # a title before the name, or at the head of the entity ("Archbishop Desmond Tutu")
        title = next((h for h in roles if h.end in (start, ent.start) or (h.start == start and h.end < ent.end)), None)
        if title is not None and title.start >= ent.start:
            start = title.end
        keys = _person_keys(doc[start : ent.end])
        appos = None if title else _appositive_role(ent, roles, by_token)
        role, country, reason, span_start = None, None, None, ent.start
        if title is not None:
            role, span_start = title.role, title.start
            if self.former(doc, title.start):
                role = "ELI"
            owner = self._owner_before(doc, title.start, by_token)
            if owner is not None:
                span_start = min(span_start, sent.start + owner.token_start)
                if owner.actor.igo:  # "UN envoy Staffan de Mistura" acts for the UN
                    return self._mention(
                        sent, doc[span_start : ent.end], owner.actor, "person", 0.9, "name", ctx, keys
                    ), title
                country, reason = owner.actor.country, "modifier"
        elif appos is not None:
            hit, owner = appos
            role = "ELI" if self.former(doc, hit.start) else hit.role
            if owner is not None and owner.actor.country:
                country, reason = owner.actor.country, "organisation" if owner.kind == "organisation" else "modifier"
        earlier = ctx.person(keys)
        if earlier is not None and (role is None or country is None):
            role = role or earlier.actor.role
            if country is None and earlier.actor.country:
                country, reason = earlier.actor.country, "earlier mention"
        titled = role is not None
        if country is None and (known := self.leader_country(doc[start : ent.end].text)) is not None:
            country, reason, role = known, "name", role or "ELI"  # "Joe Biden" in 2020: a politician of his country
        if country is None:
            country, reason = ctx.default_country() or (None, None)
        actor = Actor(country=country, role=role or self.table.person_role, name=doc[start : ent.end].text)
        confidence = 0.85 if titled else 0.6
        mention = self._mention(
            sent, doc[span_start : ent.end], actor, "person", confidence, reason, ctx, keys if titled else []
        )
        return mention, title

    # -- organisations and cities ------------------------------------------------------

    def _organisation(
        self, sent: Span, ent: Span, by_token: dict[int, ActorMention], ctx: DocumentContext
    ) -> ActorMention | None:
        role = self.table.organisation_role(ent.text)
        if role is None:
            return None
        doc = sent.doc
        inside = next(
            (
                by_token[i]
                for i in range(ent.start, ent.end)
                if i in by_token and by_token[i].kind in _COUNTRY_KINDS and by_token[i].actor.country
            ),
            None,
        )
        owner = inside or self._owner_before(doc, ent.start, by_token)
        country: str | None
        reason: str | None
        if owner is not None:
            country, reason = owner.actor.country, "modifier"
        else:
            country, reason = ctx.default_country() or (None, None)
        actor = Actor(country=country, role=role, name=ent.text)
        return self._mention(sent, ent, actor, "organisation", 0.8, reason, ctx, [])

    def _city(self, sent: Span, ent: Span) -> ActorMention | None:
        cities = [c for c in self.cities.lookup(ent.text) if c.population >= MIN_CITY_POPULATION]
        if not cities:
            return None
        actor = Actor(country=cities[0].country, name=ent.text)
        return span_mention(sent, ent, actor, "city", 0.7, "name")

    def _owner_before(self, doc: Any, start: int, by_token: dict[int, ActorMention]) -> ActorMention | None:
        """A name just before a title or organisation: "Israeli", "Israel's", "the UN", "Kremlin",
        "Chinese Vice Foreign Minister" (the title's prefixes skipped)."""
        i = start - 1
        while i >= 0 and doc[i].lower_.rstrip("-") in self._before_title:
            i -= 1
        mention = by_token.get(i) if i >= 0 else None
        if mention is not None and mention.kind in _COUNTRY_KINDS and (mention.actor.country or mention.actor.igo):
            return mention
        return None

    def former(self, doc: Any, start: int) -> bool:
        """ "former President Carter", "the late Stalin": a word just before says the office is over."""
        return any(doc[i].lower_.rstrip("-") in self.table.former_words for i in range(max(start - 3, 0), start))

    def _mention(
        self,
        sent: Span,
        span: Span,
        actor: Actor,
        kind: str,
        confidence: float,
        reason: str | None,
        ctx: DocumentContext,
        keys: list[str],
    ) -> ActorMention:
        mention = span_mention(sent, span, actor, kind, confidence, reason)
        if keys:
            ctx.remember_person(mention, keys)
        return mention


def span_mention(
    sent: Span, span: Span, actor: Actor, kind: str, confidence: float, reason: str | None = None
) -> ActorMention:
    """The mention of `actor` at `span`, with offsets into the sentence `sent`."""
    return ActorMention(
        start=span.start_char - sent.start_char,
        end=span.end_char - sent.start_char,
        text=span.text,
        actor=actor,
        kind=kind,
        token_start=span.start - sent.start,
        token_end=span.end - sent.start,
        confidence=confidence,
        country_reason=reason if actor.country else None,
    )


def _person_keys(name: Span) -> list[str]:
    """A person's full name and surname as lookup keys ("Erich Kurtz", "Kurtz")."""
    words = [t.text for t in name if t.is_alpha or "-" in t.text]
    keys = [" ".join(words)] if words else []
    if len(words) > 1 and len(words[-1]) > 2:
        keys.append(words[-1])
    return keys


def _appositive_role(
    ent: Span, roles: list[RoleHit], by_token: dict[int, ActorMention]
) -> tuple[RoleHit, ActorMention | None] | None:
    """The role noun of an appositive and the body or country in its phrase.

    "X, the chief executive of Gazprom", "X, Kenya's attorney general", "the spokesman, X".
    """
    root = ent.root
    candidates: list[Token] = [c for c in root.children if c.dep_ == "appos"]
    if root.dep_ == "appos":
        candidates.append(root.head)
    for head in candidates:
        for hit in roles:
            if hit.start <= head.i < hit.end:
                owner = next(
                    (
                        by_token[t.i]
                        for t in head.subtree
                        if t.i in by_token
                        and by_token[t.i].kind in _COUNTRY_KINDS | {"organisation"}
                        and by_token[t.i].actor.country
                    ),
                    None,
                )
                return hit, owner
    return None
