"""The event stage: find event triggers on the dependency parse and code them.

For each verb (or event noun) the lexicon knows, the coder finds:

- the **source**: the verb's subject; for passives the "by" agent, or the
  actor of the event noun that caused it ("killed in police firing"); for verbs
  without a subject of their own, the subject they inherit (``xcomp``,
  ``conj``), the object of an object-control verb ("urged Iran to halt"),
  or the accused in "X accused Y of attacking";
- the **target**: the passive subject, the trigger's own target prepositions,
  the direct object (or an actor inside it: "North Korean debt"), then common
  target prepositions (with, against, to, on, ...);
- for event nouns ("the invasion of the South", "Russia's invasion"), the
  possessor or modifying actor as source and the "of/on/against" object as
  target.

Compound actors ("Russia and China") give one event per actor. The modality
comes from :mod:`realpolitik.events.modality`; an event embedded under a
verbal event (an appeal, a threat, a promise) is not asserted.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from spacy.tokens import Span, Token

from realpolitik.events import codebook
from realpolitik.events.lexicon import Lexicon, Trigger
from realpolitik.events.modality import detect_modality
from realpolitik.geo.locate import locate
from realpolitik.types import Actor, Document, Event, Mention, Modality, Sentence

SUBJECT_DEPS = ("nsubj", "csubj")
DEFAULT_TARGET_PREPS = ("with", "against", "to", "toward", "towards", "on", "into", "at", "upon", "over")
NOUN_TARGET_PREPS = ("of", "on", "against", "with", "into", "to", "toward", "towards")
# Verbs through which an event noun takes the verb's subject: "Russia launched an invasion".
LIGHT_VERBS = {"launch", "carry", "conduct", "stage", "mount", "hold", "begin", "start", "continue", "resume",
               "make", "give", "issue", "impose", "order", "step", "intensify", "escalate", "wage", "commit",
               "perpetrate", "undertake", "unleash", "execute", "initiate", "announce", "deliver", "send",
               "provide", "offer", "extend", "grant", "sign", "reach", "conclude", "host", "attend"}
OBJECT_CONTROL = {"urge", "ask", "call", "force", "order", "persuade", "press", "pressure", "tell",
                  "encourage", "allow", "invite", "warn", "push", "help", "compel", "request", "advise"}
# Roots of verbal events whose complement is not itself asserted:
# "urged Iran to halt" (02, 10), "threatened to invade" (13) -> hypothetical; "promised to withdraw" (03) -> future.
EMBEDDING_MODALITY = {"02": Modality.HYPOTHETICAL, "10": Modality.HYPOTHETICAL,
                      "13": Modality.HYPOTHETICAL, "03": Modality.FUTURE}
# Arrests reported in the passive with no agent ("five men were arrested") are made by the police.
IMPLICIT_POLICE_CODES = ("173",)


class EventCoder:
    """Codes the events of one sentence from its parse and its actor mentions."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon

    def code(self, sentence: Sentence, document: Document) -> list[Event]:
        """Events in a sentence whose parse (``sentence.span``) and mentions are set."""
        sent: Span = sentence.span
        by_token: dict[int, list[Mention]] = defaultdict(list)
        for m in sentence.mentions:
            for i in range(m.token_start, m.token_end):
                by_token[sent.start + i].append(m)
        triggers = self._triggers(sent)
        consumed = {obj.i for tok, trig, obj in triggers if obj is not None}
        events: list[Event] = []
        verbal: dict[int, Trigger] = {tok.i: trig for tok, trig, _ in triggers}
        for tok, trig, _ in triggers:
            if tok.pos_ == "NOUN" and tok.i in consumed:
                continue  # "imposed sanctions": the verb already carries the event
            if tok.pos_ == "NOUN":
                sources, targets = self._noun_roles(tok, trig, by_token)
            else:
                sources, targets = self._verb_roles(tok, trig, by_token)
            if trig.code.startswith("01"):  # a comment by an unnamed "official" tells nothing
                sources = [s for s in sources if _named(s)]
            if not sources:
                continue
            modality, cue = detect_modality(tok)
            modality, cue = _embedding_modality(tok, verbal, modality, cue)
            for src in sources:
                tgts = [t for t in targets if t.actor.code != src.actor.code] or [None]
                for tgt in tgts:
                    events.append(self._event(sentence, document, tok, trig, trig.code, src, tgt, modality, cue))
                    if trig.reverse_code and tgt is not None:
                        events.append(self._event(sentence, document, tok, trig, trig.reverse_code,
                                                  tgt, src, modality, cue))
        # One event per (source, target, code, trigger): two lexicon entries for one verb, or two
        # mentions of one target ("Brazilian President Lula and the Brazilian minister"), give it once.
        unique: dict[str, Event] = {}
        for event in events:
            unique.setdefault(event.event_id, event)
        return list(unique.values())

    # -- triggers ---------------------------------------------------------------

    def _triggers(self, sent: Span) -> list[tuple[Token, Trigger, Token | None]]:
        """(trigger token, lexicon entry, the object noun the entry required or None)."""
        found = []
        for tok in sent:
            if tok.pos_ in ("VERB", "AUX") or (tok.pos_ == "ADJ" and tok.tag_ == "VBN"):
                particle = _particle(tok)
                objects = list(_objects(tok))
                trig = self.lexicon.match_verb(tok.lemma_.lower(), particle, [o.lemma_.lower() for o in objects])
                if trig is None:
                    continue
                if trig.passive_only and not _is_passive(tok):
                    continue
                obj = next((o for o in objects if o.lemma_.lower() in trig.objects), None)
                found.append((tok, trig, obj))
            elif tok.pos_ == "NOUN":
                trig = self.lexicon.match_noun(tok.lemma_.lower())
                if trig is not None:
                    found.append((tok, trig, None))
        return found

    # -- roles ------------------------------------------------------------------

    def _verb_roles(self, verb: Token, trig: Trigger,
                    by_token: dict[int, list[Mention]]) -> tuple[list[Mention], list[Mention]]:
        passive = _is_passive(verb)
        targets: list[Mention] = []
        if passive:
            sources = _actors_of_children(verb, ("agent",), by_token, through_prep=True)
            targets += _actors_of_children(verb, ("nsubjpass",), by_token)
            if not sources:  # "killed in police firing": the actor of the event noun that caused it
                sources = self._cause_actors(verb, by_token)
            if not sources and trig.code.startswith(IMPLICIT_POLICE_CODES):
                sources = [_implicit_police(verb)]
        else:
            sources = _subject_actors(verb, by_token)
        targets += _prep_actors(verb, trig.target_preps, by_token)
        for obj in (c for c in verb.children if c.dep_ in ("dobj", "dative", "attr", "oprd")):
            noun_trigger = obj.pos_ == "NOUN" and self.lexicon.match_noun(obj.lemma_.lower())
            part_of_event = obj.lemma_.lower() in trig.objects  # "imposed sanctions on Moscow"
            if noun_trigger and not part_of_event and not by_token.get(obj.i):
                # "condemned the Russian invasion": the target is who invaded, not whom
                targets += self._noun_roles(obj, noun_trigger, by_token)[0] or _actors_in(obj, by_token)
            else:
                targets += _actors_in(obj, by_token)
        if not targets:
            targets += _prep_actors(verb, DEFAULT_TARGET_PREPS, by_token)
        if verb.dep_ == "amod" and not targets:  # "breaking sanctions" parsed as a modifier
            targets += _actors_in(verb.head, by_token)
        source_ids = {id(s) for s in sources}
        targets = [t for t in targets if id(t) not in source_ids]
        # a country-less role noun beside a named actor is the thing acted with: "supplied drones to Russia"
        named = [t for t in targets if _named(t)]
        return sources, _unique(named or targets)

    def _cause_actors(self, verb: Token, by_token: dict[int, list[Mention]]) -> list[Mention]:
        """Actors modifying an event noun in "in"/"during" ("were killed in an Israeli air strike")."""
        for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("in", "during")):
            for pobj in (g for g in prep.children if g.dep_ == "pobj" and g.pos_ == "NOUN"):
                if self.lexicon.match_noun(pobj.lemma_.lower()):
                    return [m for c in pobj.children if c.dep_ in ("poss", "amod", "compound", "nmod")
                            for m in _with_conjuncts(c, by_token)]
                # "police firing" parsed as the noun "police" with the verb "firing" attached
                if any(c.dep_ == "acl" and self.lexicon.match_noun(c.lower_) for c in pobj.children):
                    return _with_conjuncts(pobj, by_token)
        return []

    def _noun_roles(self, noun: Token, trig: Trigger,
                    by_token: dict[int, list[Mention]]) -> tuple[list[Mention], list[Mention]]:
        sources = [m for c in noun.children if c.dep_ in ("poss", "amod", "compound", "nmod")
                   for m in _with_conjuncts(c, by_token)]
        if not sources:
            sources = _actors_of_children(noun, ("prep",), by_token, through_prep=True, preps=("by",))
        governor = noun.head
        if (not sources and noun.dep_ in ("dobj", "attr", "nsubjpass") and governor.pos_ in ("VERB", "AUX")
                and governor.lemma_.lower() in LIGHT_VERBS):
            sources = _subject_actors(governor, by_token)
        targets = _prep_actors(noun, trig.target_preps or NOUN_TARGET_PREPS, by_token)
        source_ids = {id(s) for s in sources}
        return _unique(sources), _unique([t for t in targets if id(t) not in source_ids])

    # -- record -----------------------------------------------------------------

    def _event(self, sentence: Sentence, document: Document, tok: Token, trig: Trigger, code: str,
               src: Mention, tgt: Mention | None, modality: Modality, cue: str | None) -> Event:
        entry = codebook.lookup(code)
        sent: Span = sentence.span
        particle = _particle(tok)
        trigger_tokens = [tok] + [c for c in tok.children if c.lower_ == particle and c.dep_ in ("prt", "prep")]
        t_start = min(t.idx for t in trigger_tokens) - sent.start_char
        t_end = max(t.idx + len(t.text) for t in trigger_tokens) - sent.start_char
        place = locate(tok, sentence, {id(src), id(tgt)})
        return Event(
            doc_id=document.id, sentence_index=sentence.index, sentence_text=sentence.text,
            source=src.actor, target=tgt.actor if tgt else None,
            code=entry.code, root_code=entry.root, event_name=entry.name, goldstein=entry.goldstein,
            quad_class=entry.quad_class, plover_type=entry.plover_type, plover_mode=entry.plover_mode,
            modality=modality, modality_cue=cue,
            trigger_text=sentence.text[t_start:t_end], trigger_span=(t_start, t_end),
            source_text=src.text, source_span=src.span,
            target_text=tgt.text if tgt else None, target_span=tgt.span if tgt else None,
            event_date=sentence.date, date_source=sentence.date_source, date_text=sentence.date_text,
            doc_date=document.date,
            location=place.name if place else None, location_country=place.country if place else None,
            location_span=place.span if place else None,
            confidence=_confidence(trig, src, tgt, modality),
        )


# -- helpers ------------------------------------------------------------------------


def _particle(verb: Token) -> str | None:
    """The verb's particle: "write off"; also "pulled out of", where spaCy makes "out" a bare preposition."""
    for c in verb.children:
        if c.dep_ == "prt" or (c.dep_ == "prep" and c.i == verb.i + 1 and c.lower_ in ("out", "off", "up", "down",
                                                                                       "back", "away")
                               and not any(g.dep_ == "pobj" for g in c.children)):
            return c.lower_
    return None


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def _objects(verb: Token) -> Iterable[Token]:
    """Object nouns a lexicon entry may require: direct objects, their conjuncts, prepositional objects."""
    for c in verb.children:
        if c.dep_ in ("dobj", "attr", "nsubjpass", "oprd"):
            yield c
            yield from c.conjuncts
            # "amounts of debt", "a series of attacks": the noun after "of" counts as well
            yield from (g for p in c.children if p.dep_ == "prep" and p.lower_ == "of"
                        for g in p.children if g.dep_ == "pobj")
        elif c.dep_ in ("prep", "agent"):
            yield from (g for g in c.children if g.dep_ == "pobj")
    if verb.dep_ == "amod":  # "breaking sanctions"
        yield verb.head


def _with_conjuncts(tok: Token, by_token: dict[int, list[Mention]]) -> list[Mention]:
    found = list(by_token.get(tok.i, []))
    for conj in tok.conjuncts:
        found += by_token.get(conj.i, [])
    return _unique(found)


def _actors_in(tok: Token, by_token: dict[int, list[Mention]]) -> list[Mention]:
    """Actors heading a phrase or, failing that, inside it (not crossing into clauses)."""
    direct = _with_conjuncts(tok, by_token)
    if direct:
        return direct
    fallback: list[Mention] = []
    for child in tok.children:
        if child.dep_ in ("relcl", "acl", "advcl", "ccomp", "appos", "punct", "cc"):
            continue
        inner = _actors_in(child, by_token)
        if any(_named(m) for m in inner):  # "artillery shells at Seoul": Seoul, not the artillery
            return inner
        fallback = fallback or inner
    return fallback


def _named(m: Mention) -> bool:
    """A mention with a country, IGO or named group, not a bare role noun."""
    return bool(m.actor.country or m.actor.igo or m.kind != "role")


def _actors_of_children(tok: Token, deps: tuple[str, ...], by_token: dict[int, list[Mention]],
                        through_prep: bool = False, preps: tuple[str, ...] = ()) -> list[Mention]:
    found: list[Mention] = []
    for c in tok.children:
        if c.dep_ not in deps or (preps and c.lower_ not in preps):
            continue
        heads = [g for g in c.children if g.dep_ == "pobj"] if through_prep else [c]
        for h in heads:
            found += _actors_in(h, by_token)
    return found


def _prep_actors(tok: Token, preps: Iterable[str], by_token: dict[int, list[Mention]]) -> list[Mention]:
    preps = tuple(preps)
    found: list[Mention] = []
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in preps:
            for pobj in (g for g in c.children if g.dep_ == "pobj"):
                found += _actors_in(pobj, by_token)
    return found


def _subject_actors(verb: Token, by_token: dict[int, list[Mention]], depth: int = 0) -> list[Mention]:
    """The actors doing `verb`: its own subject, or the one it inherits."""
    if depth > 4:
        return []
    own = _actors_of_children(verb, SUBJECT_DEPS, by_token)
    relative = any(c.dep_ in SUBJECT_DEPS and c.tag_ in ("WP", "WDT") for c in verb.children)
    if verb.dep_ == "relcl" and relative:  # "the policemen who killed ...": the noun the clause modifies
        return _with_conjuncts(verb.head, by_token) or _actors_in(verb.head, by_token)
    if own or any(c.dep_ in SUBJECT_DEPS for c in verb.children):
        return own
    head = verb.head
    if head.i == verb.i:
        return []
    if verb.dep_ in ("xcomp", "acomp"):  # "wants to leave", "looks set to sign"
        if head.lemma_.lower() in OBJECT_CONTROL:
            objs = _actors_of_children(head, ("dobj",), by_token)
            if objs:
                return objs
        return _subject_actors(head, by_token, depth + 1)
    if verb.dep_ == "pcomp" and head.dep_ == "prep" and head.head.pos_ == "VERB":
        governor = head.head  # "accused Y of attacking": Y attacks
        objs = _actors_of_children(governor, ("dobj",), by_token)
        return objs or _subject_actors(governor, by_token, depth + 1)
    if verb.dep_ in ("conj", "advcl", "amod") and head.pos_ in ("VERB", "AUX", "NOUN"):
        if head.pos_ == "NOUN":  # "breaking sanctions" -> whoever governs the phrase
            return _subject_actors(head.head, by_token, depth + 1) if head.head.i != head.i else []
        return _subject_actors(head, by_token, depth + 1)
    if verb.dep_ in ("relcl", "acl"):
        return _actors_in(head, by_token)
    return []


def _embedding_modality(tok: Token, verbal: dict[int, Trigger], modality: Modality,
                        cue: str | None) -> tuple[Modality, str | None]:
    if modality is not Modality.ASSERTED:
        return modality, cue
    gov = tok.head
    if tok.dep_ in ("xcomp", "ccomp", "pcomp") or (tok.dep_ == "pobj" and gov.dep_ == "prep"):
        while gov.dep_ == "prep" and gov.head.i != gov.i:
            gov = gov.head
        trig = verbal.get(gov.i)
        if trig is not None and trig.code[:2] in EMBEDDING_MODALITY:
            return EMBEDDING_MODALITY[trig.code[:2]], gov.text
    return modality, cue


def _implicit_police(verb: Token) -> Mention:
    sent = verb.sent
    start = verb.idx - sent.start_char
    return Mention(start=start, end=start + len(verb.text), text=verb.text,
                   actor=Actor(role="COP", name="police (implicit)"), kind="implicit",
                   token_start=verb.i - sent.start, token_end=verb.i - sent.start + 1, confidence=0.5)


def _unique(mentions: list[Mention]) -> list[Mention]:
    seen: set[int] = set()
    out = []
    for m in mentions:
        if id(m) not in seen:
            seen.add(id(m))
            out.append(m)
    return out


def _confidence(trig: Trigger, src: Mention, tgt: Mention | None, modality: Modality) -> float:
    """A transparent score in [0, 1]; see README "Confidence"."""
    score = 0.45
    score += 0.15 * min(trig.specificity, 2) / 2 + (0.1 if trig.pos == "VERB" else 0.0)
    score += 0.15 * src.confidence
    score += 0.15 * (tgt.confidence if tgt else 0.0)
    if modality is not Modality.ASSERTED:
        score -= 0.05
    return max(0.0, min(1.0, score))
