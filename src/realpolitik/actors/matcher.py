"""The actor stage: find mentions of actors in parsed sentences.

Names, demonyms, capitals, metonyms, IGOs and leaders come from the
gazetteer; leaders are resolved by the sentence's date ("Stalin" in 1950 is
the USSR). Role nouns ("troops", "foreign minister", "police") combine with a
country in the same noun phrase ("Russian troops" -> RUSMIL, "the government
of Sudan" -> SDNGOV). Coordinated countries in one phrase ("Hungarian and
Romanian officials") give one mention per country.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from rapidfuzz import fuzz, process
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from realpolitik.actors.context import DocumentContext
from realpolitik.actors.entities import EntityActors, EntityTable, RoleHit, span_mention
from realpolitik.actors.gazetteer import Entry, Gazetteer
from realpolitik.actors.referents import Referents, ReferentTable
from realpolitik.geo.places import CityIndex
from realpolitik.types import Actor, ActorMention

_LEADING_THE = "the "
_PLACE_KINDS = ("country", "demonym", "capital", "metonym")
# Misspelled names ("Ethopia", "Quatar's emir") match a one-word country, demonym, capital or leader
# name at this rapidfuzz ratio or above, with the same first letter and length within two letters.
FUZZY_MIN_RATIO = 88
FUZZY_MIN_LENGTH = 5
_FUZZY_KINDS = ("country", "demonym", "capital", "leader")
# entity types that are never a misspelled name ("Sunday" is no "Sunay")
_NOT_NAMES = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "LANGUAGE"})


def _plurals(noun: str) -> list[str]:
    """Surface forms of a (possibly multi-word) role noun: singular and plural of its last word."""
    head, _, last = noun.rpartition(" ")
    prefix = f"{head} " if head else ""
    if last.endswith("man"):
        plural = last[:-3] + "men"
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        plural = last[:-1] + "ies"
    elif last.endswith(("s", "sh", "ch", "x")):
        plural = last + "es"
    else:
        plural = last + "s"
    return [noun, prefix + plural] if plural != last else [noun]


def _case_variants(phrase: str) -> set[str]:
    """The phrase as written, with a capitalised first letter, and in title case."""
    forms = {phrase, phrase[:1].upper() + phrase[1:]}
    if phrase.islower():
        forms.add(phrase.title())
    return forms


@dataclass
class _Hit:
    start: int  # token offsets in the doc
    end: int
    entries: list[Entry]


class ActorMatcher:
    """Finds actor mentions in spaCy sentences using a Gazetteer."""

    def __init__(
        self,
        nlp: Language,
        gazetteer: Gazetteer,
        entities: EntityTable,
        cities: CityIndex,
        referents: ReferentTable,
    ):
        self.gazetteer = gazetteer
        self.table = entities
        self.entities = EntityActors(entities, cities, self.leader_country)
        self.referents = Referents(referents)
        self._exact: dict[str, list[Entry]] = defaultdict(list)  # surface form -> entries (case matters)
        self._lower: dict[str, list[Entry]] = defaultdict(list)  # lower-cased form -> entries
        self._roles: dict[str, str] = {}  # lower-cased role noun form -> role code
        for entry in gazetteer.entries:
            phrase = entry.phrase
            if phrase.lower().startswith(_LEADING_THE):
                phrase = phrase[len(_LEADING_THE) :]
            if entry.kind == "role":
                for form in _plurals(phrase.lower()):
                    self._roles.setdefault(form, entry.role or "")
                continue
            forms = {phrase} if entry.case_sensitive else _case_variants(phrase)
            for form in forms:
                self._exact[form].append(entry)
            if not entry.case_sensitive:
                self._lower[phrase.lower()].append(entry)
        self._names_exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._names_lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._role_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        tokenizer: Any = nlp.tokenizer  # spaCy types it as a plain callable; it is a Tokenizer with pipe()
        self._names_exact.add("NAME", list(tokenizer.pipe(self._exact)))
        self._names_lower.add("NAME", list(tokenizer.pipe(self._lower)))
        self._role_matcher.add("ROLE", list(tokenizer.pipe(self._roles)))
        # one-word names for fuzzy matching: lower-case form -> the exact form to look up
        self._fuzzy = {
            form.lower(): form
            for form, entries in self._exact.items()
            if " " not in form and len(form) >= FUZZY_MIN_LENGTH and any(e.kind in _FUZZY_KINDS for e in entries)
        }

    # -- public ---------------------------------------------------------------

    @staticmethod
    def is_lowercase(text: str) -> bool:
        """True for texts written without capitals (some archives lower-case everything)."""
        letters = [c for c in text[:5000] if c.isalpha()]
        return bool(letters) and sum(c.isupper() for c in letters) / len(letters) < 0.01

    def find(
        self, sent: Span, when: date | None, lowercase_text: bool = False, ctx: DocumentContext | None = None
    ) -> list[ActorMention]:
        """All actor mentions in a sentence, ordered by position.

        ``when`` is the sentence's event date (for leaders' tenures); ``ctx`` is
        what is known of the article (countries met so far choose between leaders
        who share a name; the dateline and dominant country place people and bodies
        the sentence gives no country).
        """
        ctx = ctx if ctx is not None else DocumentContext()
        names = self._name_hits(sent, lowercase_text)
        roles = self._role_hits(sent, names)
        name_mentions: dict[int, ActorMention] = {}
        for hit in names:
            mention = self._name_mention(sent, hit, when, ctx.mentioned)
            if mention is not None:
                name_mentions[hit.start] = mention
        found = list(name_mentions.values())
        taken = {sent.start + i for m in found for i in range(m.token_start, m.token_end)}
        found += self.referents.find(sent, taken, found, ctx)  # "the West", "the North", "its neighbour"
        hits = [RoleHit(h.start, h.end, h.entries[0].role or "", h.entries[0].name) for h in roles]
        for start, mention in list(name_mentions.items()):
            title = next((h for h in hits if h.end == start), None)
            if (
                title is not None
                and mention.tenure is not None
                and title.role != mention.tenure[2]
                and title.role in self.table.domestic_roles
            ):
                # "opposition leader Raila Odinga": what the person is now, not the office once held
                mention.tenure = None
                mention.actor = replace(mention.actor, role=title.role)
        people, titles, absorbed = self.entities.find(sent, found, hits, ctx)
        found = [m for m in found if id(m) not in absorbed]
        return self._compose(sent, found + people, [h for h in roles if h.start not in titles])

    def leader_country(self, name: str) -> str | None:
        """The country of the leader a full name means at any date, when only one country has one:
        "Joe Biden" in 2020, before his presidency; None for "Johnson" (Boris and Lyndon)."""
        countries = {e.country for e in self.gazetteer.lookup(name) if e.kind == "leader" and e.country}
        return countries.pop() if len(countries) == 1 else None

    def tenure(self, name: str, on: date | None) -> tuple[date, date | None] | None:
        """A leader's time in office ("under Brezhnev"): from the first term's start to the last term's
        end, for the leader whose latest term began before `on`; None for a name that is no leader."""
        terms = [
            e
            for e in self.gazetteer.lookup(name)
            if e.kind == "leader" and e.start is not None and (on is None or e.start <= on)
        ]
        if not terms:
            return None
        latest = max(terms, key=lambda e: e.start or date.min)
        same = [e for e in terms if (e.name, e.country) == (latest.name, latest.country)]
        start = min(e.start for e in same if e.start is not None)
        end = None if any(e.end is None for e in same) else max(e.end for e in same if e.end is not None)
        return start, end

    def country_counts(self, docs: list[Doc], lowercase_text: bool = False, when: date | None = None) -> Counter[str]:
        """How often each country is named (name, demonym, capital, metonym) in a document's parses,
        by the names valid on the document's date ("the Kremlin" in 2024 is Russia, not the USSR)."""
        counts: Counter[str] = Counter()
        for doc in docs:
            for hit in self._doc_name_hits(doc, lowercase_text):
                places = [e for e in hit.entries if e.kind in _PLACE_KINDS and e.country]
                entry = next((e for e in places if e.valid_on(when)), places[0] if places else None)  # Lagos: still NGA
                if entry is not None and entry.country:
                    counts[entry.country] += 1
        return counts

    # -- matching -------------------------------------------------------------

    def _name_hits(self, sent: Span, lowercase_text: bool) -> list[_Hit]:
        return _in_sentence(self._doc_name_hits(sent.doc, lowercase_text), sent)

    def _doc_name_hits(self, doc: Doc, lowercase_text: bool) -> list[_Hit]:
        key = "realpolitik.names.lower" if lowercase_text else "realpolitik.names"
        if key not in doc.user_data:  # match the whole doc once, then hand out by sentence
            matcher, table = (self._names_lower, self._lower) if lowercase_text else (self._names_exact, self._exact)
            hits = []
            for _, start, end in matcher(doc):
                text = doc[start:end].text
                entries = table.get(text.lower() if lowercase_text else text, [])
                if entries:
                    hits.append(_Hit(start, end, entries))
            if not lowercase_text:
                hits += self._fuzzy_hits(doc, {i for h in hits for i in range(h.start, h.end)})
            doc.user_data[key] = _longest_first(hits)
        hits_of_doc: list[_Hit] = doc.user_data[key]
        return hits_of_doc

    def _fuzzy_hits(self, doc: Doc, taken: set[int]) -> list[_Hit]:
        """Capitalised proper nouns no name matched that are a near-spelling of a one-word name."""
        hits = []
        for tok in doc:
            word = tok.text
            if (
                tok.i in taken
                or tok.pos_ != "PROPN"
                or not word[:1].isupper()
                or len(word) < FUZZY_MIN_LENGTH
                or tok.ent_type_ in _NOT_NAMES
                or not word.isalpha()
                or word.lower() in self._fuzzy
            ):
                continue
            found = process.extractOne(
                word.lower(), self._fuzzy.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_RATIO
            )
            if found is None:
                continue
            name = found[0]
            if name[0] != word[0].lower() or abs(len(name) - len(word)) > 2:
                continue
            entries = [e for e in self._exact[self._fuzzy[name]] if e.kind in _FUZZY_KINDS]
            if tok.ent_type_ == "PERSON":  # a person's name is no misspelled place: "Bernie" is not "Berne"
                entries = [e for e in entries if e.kind == "leader"]
            if entries:
                hits.append(_Hit(tok.i, tok.i + 1, entries))
        return hits

    def _role_hits(self, sent: Span, names: list[_Hit]) -> list[_Hit]:
        doc = sent.doc
        if "realpolitik.roles" not in doc.user_data:
            doc.user_data["realpolitik.roles"] = sorted(
                (_Hit(s, e, []) for _, s, e in self._role_matcher(doc)), key=lambda h: (h.start, h.end)
            )
        taken = {i for h in names for i in range(h.start, h.end)}
        hits = []
        for found in _in_sentence(doc.user_data["realpolitik.roles"], sent):
            s, e = found.start, found.end
            if any(i in taken for i in range(s, e)):
                continue
            if doc[e - 1].pos_ not in ("NOUN", "PROPN"):  # "general" as adjective, "force" as verb
                continue
            role = self._roles.get(doc[s:e].text.lower())
            if role:
                hits.append(
                    _Hit(
                        s,
                        e,
                        [
                            Entry(
                                phrase=doc[s:e].text,
                                kind="role",
                                country=None,
                                role=role,
                                igo=None,
                                name=doc[s:e].text.lower(),
                            )
                        ],
                    )
                )
        return _longest_first(hits)

    def _name_mention(
        self, sent: Span, hit: _Hit, when: date | None, context_countries: set[str]
    ) -> ActorMention | None:
        doc = sent.doc
        entries = hit.entries
        leaders = [e for e in entries if e.kind == "leader"]
        others = [e for e in entries if e.kind != "leader" and e.valid_on(when)]
        confidence = 1.0
        entry: Entry | None
        if others:
            entry = others[0]
        elif leaders:
            if self._part_of_other_name(doc, hit):
                return None
            entry, confidence = _pick_leader(leaders, when, context_countries)
            if entry is None:
                return None
        else:
            return None
        role = entry.role
        tenure: tuple[date | None, date, str] | None = None
        end = entry.end
        if entry.kind == "leader" and end is not None and (when or date.today()) > end:
            role = "ELI"  # a former leader: still of that country, no longer its government
            if not self.entities.former(doc, hit.start):  # "Stalin" acted in office; "the late Stalin" did not
                tenure = (entry.start or end, end, entry.role or "GOV")
        actor = Actor(country=entry.country, role=role, igo=entry.igo, name=entry.name)
        span = doc[hit.start : hit.end]
        mention = span_mention(sent, span, actor, entry.kind, confidence)
        mention.tenure = tenure
        return mention

    def _part_of_other_name(self, doc: Doc, hit: _Hit) -> bool:
        """A leader's name inside a longer proper name: "Mike Johnson", "Ho Chi Minh City"."""
        before = doc[hit.start - 1] if hit.start > 0 else None
        after = doc[hit.end] if hit.end < len(doc) else None
        if after is not None and after.pos_ == "PROPN" and after.is_title and after.ent_iob_ == "I":
            return True
        if before is None or before.pos_ != "PROPN" or not before.is_title:
            return False
        title = before.text.rstrip(".").lower()
        return title not in self._roles and title not in self.table.honorifics and before.ent_iob_ != ""

    # -- composition ----------------------------------------------------------

    def _compose(self, sent: Span, names: list[ActorMention], roles: list[_Hit]) -> list[ActorMention]:
        """Join role nouns with the countries that modify them; keep the rest as they are."""
        doc = sent.doc
        by_token: dict[int, ActorMention] = {}
        for m in names:
            for i in range(sent.start + m.token_start, sent.start + m.token_end):
                by_token[i] = m
        used: set[int] = set()
        out: list[ActorMention] = []
        for hit in roles:
            role = hit.entries[0].role
            head = doc[hit.end - 1]
            owners = _modifying_names(head, by_token, hit)
            # a leader named in the phrase ("President Putin") owns the role noun
            leader = next((m for m in owners if m.kind == "leader"), None)
            if leader is not None:
                continue
            if not owners:
                actor = Actor(country=None, role=role, name=hit.entries[0].name)
                out.append(span_mention(sent, doc[hit.start : hit.end], actor, "role", 0.8))
                continue
            for m in owners:
                used.add(id(m))
                country, igo = m.actor.country, m.actor.igo
                actor = Actor(
                    country=country,
                    role="IGO" if igo else role,
                    igo=igo,
                    name=f"{m.actor.name} {hit.entries[0].name}".strip(),
                )
                if igo:  # "UN peacekeepers" stay the IGO
                    actor = m.actor
                start = min(m.token_start + sent.start, hit.start)
                end = max(m.token_end + sent.start, hit.end)
                out.append(span_mention(sent, doc[start:end], actor, "role", m.confidence))
        out.extend(m for m in names if id(m) not in used)
        out.sort(key=lambda m: (m.start, m.end))
        return out


def _in_sentence(hits: list[_Hit], sent: Span) -> list[_Hit]:
    """The hits (sorted by start) that lie inside the sentence; a binary search, not a scan of the document."""
    first = bisect_left(hits, sent.start, key=lambda h: h.start)
    last = bisect_left(hits, sent.end, lo=first, key=lambda h: h.start)
    return [h for h in hits[first:last] if h.end <= sent.end]


def _longest_first(hits: list[_Hit]) -> list[_Hit]:
    """Drop hits overlapping a longer (then earlier) hit."""
    taken: set[int] = set()
    kept = []
    for h in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if any(i in taken for i in range(h.start, h.end)):
            continue
        taken.update(range(h.start, h.end))
        kept.append(h)
    return sorted(kept, key=lambda h: h.start)


def _pick_leader(leaders: list[Entry], when: date | None, context_countries: set[str]) -> tuple[Entry | None, float]:
    """The leader a name means on a date: in office then; else the latest one before it (a former leader)."""
    when = when or date.today()
    in_office = [e for e in leaders if e.valid_on(when)]
    if in_office:
        countries = {e.country for e in in_office}
        if len(countries) == 1:
            return in_office[0], 1.0
        preferred = [e for e in in_office if e.country in context_countries]
        if len({e.country for e in preferred}) == 1:
            return preferred[0], 0.9
        return None, 0.0
    former = [e for e in leaders if e.start is not None and e.start <= when]
    if not former:
        return None, 0.0
    latest = max(former, key=lambda e: e.end or when)
    return latest, 0.7


def _modifying_names(head: Token, by_token: dict[int, ActorMention], hit: _Hit) -> list[ActorMention]:
    """Name mentions that qualify a role noun: in its phrase, possessive, or "of/from X"."""
    found: list[ActorMention] = []

    def add(m: ActorMention | None) -> None:
        if m is not None and m not in found:
            found.append(m)

    # tokens of the role's own phrase to its left, and their conjuncts ("Hungarian and Romanian officials")
    for child in head.children:
        if child.dep_ in ("amod", "compound", "poss", "nmod", "nummod") or child.i in range(hit.start, hit.end):
            add(by_token.get(child.i))
            for conj in child.conjuncts:
                add(by_token.get(conj.i))
            for grand in child.children:  # "North Korea's army": poss -> compound
                if grand.dep_ in ("compound", "poss", "amod"):
                    add(by_token.get(grand.i))
        if child.dep_ == "prep" and child.lower_ in ("of", "from"):
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    add(by_token.get(pobj.i))
    # a role noun as a title before a name: "Foreign Minister Lavrov"
    if head.dep_ == "compound":
        add(by_token.get(head.head.i))
    for i in range(hit.start, hit.end):
        add(by_token.get(i))
    # a name right before the role phrase: "Iraqi police", "the Indian army"
    prev = hit.start - 1
    if prev >= 0 and prev in by_token and by_token[prev].kind in ("country", "demonym", "capital", "igo"):
        add(by_token[prev])
    return found
