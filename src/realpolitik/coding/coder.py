"""The event stage: find event triggers on the dependency parse and code them.

For each verb (or event noun) the lexicon knows, the coder finds:

- the **source**: the verb's subject; for passives the "by" agent, or the
  actor of the event noun that caused it ("killed in police firing"); for verbs
  without a subject of their own, the subject they inherit (``xcomp``,
  ``conj``), the object of an object-control verb ("urged Iran to halt"),
  or the accused in "X accused Y of attacking";
- the **target**: the passive subject, the noun a passive participle modifies
  ("two Americans accused of spying", "priests kidnapped in Nigeria"), the
  trigger's own target prepositions, the direct object (or an actor inside it:
  "North Korean debt"), then common target prepositions (with, against, to, on, ...);
- for event nouns ("the invasion of the South", "Russia's invasion"), the
  possessor or modifying actor as source and the "of/on/against" object as
  target.

A place is never a target: the coder does not look for actors inside locative
phrases ("signed a pact in Pyongyang"), and a capital or city of the source's own
country is dropped as a target. Compound actors ("Russia and China") give one event
per actor; symmetric events (meet, sign, negotiate, agree, cooperate) go both ways.
A material event with a target and no doer is kept with the unknown source ``---``
and flagged agentless ("three civilians were killed in a car bombing").

The coder is two stages on either side of the modality stage: :meth:`EventCoder.triggers`
(``triggers``) finds the event words and the constructions over them on the parse,
:mod:`realpolitik.coding.modality` (``modality``) reads how the text presents each of
them, and :meth:`EventCoder.code` (``mentions``) codes them; an event embedded under a
verbal event (an appeal, a threat, a promise) is not asserted. Which words play
which part (prepositions, light verbs, object-control verbs, symmetric codes) is
data: :mod:`realpolitik.coding.rules`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, replace

from spacy.tokens import Span, Token

from realpolitik.actors.context import INFERRED_REASONS, DocumentContext
from realpolitik.coding.codebook import Codebook
from realpolitik.coding.constructions import Fold, bare_demands, find_folds
from realpolitik.coding.lexicon import Lexicon, Trigger
from realpolitik.coding.rules import CodingRules
from realpolitik.coding.statements import classify
from realpolitik.geo.locate import locate
from realpolitik.time.assign import within_tenure
from realpolitik.time.resolve import ResolvedDate
from realpolitik.types import Actor, ActorMention, Document, EventMention, Modality, Sentence

# Roots of verbal events whose complement is not itself asserted:
# "urged Iran to halt" (02, 10), "threatened to invade" (13) -> hypothetical; "promised to withdraw" (03) -> future.
EMBEDDING_MODALITY = {
    "02": Modality.HYPOTHETICAL,
    "10": Modality.HYPOTHETICAL,
    "13": Modality.HYPOTHETICAL,
    "03": Modality.FUTURE,
}
_PLACE_KINDS = ("capital", "city", "place")
_ADDRESSED_ROOTS = ("01", "02", "03", "05", "10", "11", "12", "13")  # verbal events aimed at a government
_CONTEXT_REASONS = ("dateline", "article")
_FOLDED_ROOTS = ("02", "03", "10", "12", "13")
_PLAIN_STATEMENT = "010"
_STATEMENT_ROOT = "01"  # what a statement says is its content, not a target ("claimed to have the support of X")
_ONE_SIDED = (Modality.NEGATED, Modality.DENIED, Modality.ATTEMPTED)
_CLAUSE_DEPS = ("relcl", "acl", "advcl", "ccomp", "appos", "punct", "cc")

ByToken = dict[int, list[ActorMention]]


@dataclass(frozen=True)
class Triggers:
    """What the triggers stage finds in a sentence, for the modality and mentions stages."""

    found: list[tuple[Token, Trigger, Token | None]]  # (trigger, lexicon entry, the object noun the entry required)
    folds: dict[int, Fold]  # action token index -> the construction it is folded into ("threatened to cut off")
    bare: list[Fold]  # reported demands whose action the lexicon does not know ("said China must drop barriers")

    def predicates(self) -> Iterator[Token]:
        """Every word whose modality the mentions stage reads: the triggers, and the actions,
        governors and reporting verbs of the constructions."""
        for tok, _, _ in self.found:
            yield tok
        for fold in [*self.folds.values(), *self.bare]:
            yield fold.action
            yield from (t for t in (fold.governor, fold.reporter) if t is not None)


class EventCoder:
    """Codes the events of one sentence from its parse and its actor mentions."""

    def __init__(self, lexicon: Lexicon, codebook: Codebook):
        self.lexicon = lexicon
        self.codebook = codebook
        self.rules: CodingRules = lexicon.rules

    def triggers(self, sent: Span) -> Triggers:
        """The triggers stage: the sentence's event words and the constructions over them, from its parse."""
        found = self._triggers(sent)
        consumed = {obj.i for _, _, obj in found if obj is not None}
        folds = find_folds(
            ((tok, trig.code) for tok, trig, _ in found if tok.i not in consumed),
            self.lexicon.constructions,
            self.codebook,
        )
        bare = bare_demands(sent, {tok.i for tok, _, _ in found}, self.lexicon.constructions)
        return Triggers(found, folds, bare)

    def code(self, sentence: Sentence, document: Document, ctx: DocumentContext | None = None) -> list[EventMention]:
        """The mentions stage: the event mentions of a sentence whose parse (``sentence.span``), actors, triggers
        (``sentence.triggers``) and their modality (``sentence.modality``) are set."""
        sent: Span = sentence.span
        by_token: ByToken = defaultdict(list)
        for m in sentence.actors:
            for i in range(m.token_start, m.token_end):
                by_token[sent.start + i].append(m)
        args = _Arguments(self.lexicon, self.rules, by_token, ctx)
        found: Triggers = sentence.triggers
        triggers, folds, bare = found.found, found.folds, found.bare
        consumed = {obj.i for tok, trig, obj in triggers if obj is not None}
        mentions: list[EventMention] = []
        verbal: dict[int, Trigger] = {tok.i: trig for tok, trig, _ in triggers}
        governors = {f.governor.i for f in folds.values() if f.governor is not None}
        for fold in bare:
            entry = Trigger(lemma=fold.action.lemma_.lower(), pos="VERB", code=fold.code)
            mentions += self._folded(sentence, document, args, fold, entry)
        reporters = {f.reporter.i for f in [*folds.values(), *bare] if f.reporter is not None}
        mentions += self._attributions(sentence, document, args)
        for tok, trig, _ in triggers:
            if tok.pos_ == "NOUN" and tok.i in consumed:
                continue  # "imposed sanctions": the verb already carries the event
            if tok.i in governors:
                continue  # "threatened to cut off ...": the folded event below takes the governor's place
            if tok.i in folds:
                mentions += self._folded(sentence, document, args, folds[tok.i], trig)
                continue
            anchor = _carrier(tok, self.rules)  # "launched a mediation effort between X and Y": the effort
            if tok.pos_ == "NOUN":
                sources, targets = args.noun_roles(anchor, trig)
            else:
                sources, targets = args.verb_roles(tok, trig)
            quad = self.codebook.lookup(trig.code).quad_class
            if (
                not sources
                and targets
                and quad in self.rules.agentless_quad_classes
                and tok.pos_ != "NOUN"
                and not _pronoun_subject(tok)
            ):
                # "one person was killed in police firing": the police; "... in a car bombing": no one named
                sources = self._cause_doers(tok, args) or [_agentless(tok)]
            if _purpose_of_same_event(tok, trig, verbal):
                continue  # "telephoned Kozyrev to discuss ...": the call is the consultation
            if not sources:
                continue
            targets = [
                t for t in targets if t.actor.role not in trig.not_target_roles and not _own_forces(t, sources, sent)
            ]
            if not targets and tok.pos_ in ("VERB", "AUX") and not trig.code.startswith(_STATEMENT_ROOT):
                targets = args.complement_targets(tok, set(verbal), sources)  # "offered to hand over to X"
            if not targets and trig.code.startswith(self.rules.condition_target_roots):
                targets = args.condition_subjects(tok)  # "threatened to strike unless Israel rescinded ..."
            if not targets and trig.code.startswith(self.rules.purpose_target_roots):
                targets = args.purpose_targets(anchor, sources)  # "a hunger strike to demand the resignation of X"
            if not targets and trig.code.startswith(self.rules.place_people_codes):
                targets = self._place_target(tok, sentence, people=True)  # "imposed a curfew in Cizre"
            elif not targets and trig.code.startswith(self.rules.location_target_roots):
                targets = self._place_target(tok, sentence)  # "lifted a curfew in Montenegro"
            if trig.requires_target and not targets:
                continue  # "X arrives for talks": a visit needs a host or a counterpart
            modality, cue = sentence.modality[tok.i]
            modality, cue = _embedding_modality(tok, verbal, modality, cue)
            if trig.code == _PLAIN_STATEMENT and tok.pos_ in ("VERB", "AUX"):
                said = self._statements(
                    sentence,
                    document,
                    tok,
                    trig,
                    sources,
                    targets,
                    by_token,
                    modality,
                    cue,
                    coded=set(verbal) - {tok.i},
                )
                if said:  # "Pyne said the new leadership was a poor choice": criticism, not a plain statement
                    mentions += said
                    continue
            trig = self._by_weapon(tok, trig)  # "an Israeli shell killed 19 civilians": artillery fire
            trig = self._by_actor_object(tok, trig, by_token)  # "Obama called McCain": a telephone call
            for src, tgt in self._pairs(trig, sources, targets, modality):
                if trig.requires_target and tgt is None and any(_own_place(src, t) for t in targets):
                    continue  # "Lula visited Brasilia": a place of one's own country is no host
                mentions.append(self._event(sentence, document, tok, trig, trig.code, src, tgt, modality, cue))
                if trig.reverse_code and tgt is not None:  # "visited" -> the host hosts
                    mentions.append(
                        self._event(
                            sentence, document, tok, trig, trig.reverse_code, tgt, src, modality, cue, reverse=True
                        )
                    )
        mentions = _without_restated_statements(mentions, reporters, sent)
        mentions = _without_content(mentions, sent, self.rules)
        # One event per (source, target, code, trigger): two lexicon entries for one verb, or two
        # mentions of one target ("Brazilian President Lula and the Brazilian minister"), give it once.
        unique: dict[str, EventMention] = {}
        for event in mentions:
            unique.setdefault(event.mention_id, event)
        return list(unique.values())

    def _folded(
        self, sentence: Sentence, document: Document, args: _Arguments, fold: Fold, trig: Trigger
    ) -> list[EventMention]:
        """The one event of a construction: the family's code, the governor's source and modality.

        "Iran threatened to cut off electricity to Nakhichevan" -> Iran 1311 Azerbaijan;
        "the EU urged Iran to halt enrichment" -> EU 0242 Iran (the addressee).
        """
        act = fold.action
        sources, act_targets = args.noun_roles(act, trig) if act.pos_ == "NOUN" else args.verb_roles(act, trig)
        if fold.governor is not None and fold.governor.pos_ in ("VERB", "AUX"):
            sources = args.subject(fold.governor) or sources
        elif fold.family.target == "addressee" and fold.reporter is not None:
            sources = args.subject(fold.reporter) or sources  # "Chad said Sudan must return ..."
        if fold.family.target == "addressee":
            targets = args.addressee(fold) or act_targets
        else:
            targets = act_targets or (
                args.verb_roles(fold.governor, trig)[1]
                if fold.governor is not None and fold.governor.pos_ in ("VERB", "AUX")
                else []
            )
        if not sources:
            return []
        targets = [t for t in targets if not _own_forces(t, sources, sentence.span)]
        if not targets and fold.code.startswith(self.rules.condition_target_roots):
            targets = args.condition_subjects(act) or (
                args.condition_subjects(fold.governor) if fold.governor is not None else []
            )
        if not targets and fold.code.startswith(self.rules.place_people_codes):
            targets = self._place_target(act, sentence, people=True)  # "threatened to impose a curfew in X"
        if fold.governor is not None:
            modality, cue = sentence.modality[fold.governor.i]
        elif fold.reporter is not None:
            modality, cue = sentence.modality[fold.reporter.i]
        else:  # "Finland will give": the intent is stated now, unless the clause is itself conjecture
            modality, cue = sentence.modality[act.i]
            if modality not in (Modality.FUTURE, Modality.ASSERTED):
                return self._unfolded(sentence, document, args, act, trig)  # "it is likely that X will attack"
            modality, cue = Modality.ASSERTED, None
        folded = replace(trig, code=fold.code, reverse_code=None, plover=None)
        extent = (min(fold.cue.i, act.i), max(fold.cue.i, act.i))
        mentions = [
            self._event(sentence, document, act, folded, fold.code, src, tgt, modality, cue, extent=extent)
            for src, tgt in self._pairs(folded, sources, targets, modality, each_other=self.rules.symmetric(trig.code))
        ]
        if document.date and sentence.date and sentence.date > document.date:
            # "Putin will visit North Korea next year": the intent is stated now; the date is the visit's
            for e in mentions:
                e.event_date, e.date_source, e.date_text, e.date_precision = document.date, "document", None, "day"
        return mentions

    def _statements(
        self,
        sentence: Sentence,
        document: Document,
        tok: Token,
        trig: Trigger,
        sources: list[ActorMention],
        targets: list[ActorMention],
        by_token: ByToken,
        modality: Modality,
        cue: str | None,
        coded: Collection[int] = (),
    ) -> list[EventMention]:
        """A plain statement whose content criticises, praises or forecasts, as that event (coding/statements.py)."""
        out = []
        for src in sources:
            found = classify(tok, self.lexicon.statements, lambda t: by_token.get(t.i, []), src, coded)
            if found is None:
                return []
            code, about = found
            specific = replace(trig, code=code, plover=None)
            tgt = about or next(iter(targets), None)
            out.append(self._event(sentence, document, tok, specific, code, src, tgt, modality, cue))
        return out

    def _attributions(self, sentence: Sentence, document: Document, args: _Arguments) -> list[EventMention]:
        """ "According to officials, ..." is the officials' statement (010)."""
        out = []
        sent: Span = sentence.span
        for tok in sent:
            phrase = next(
                (
                    p
                    for p in self.rules.attribution_phrases
                    if " ".join(t.lower_ for t in tok.doc[tok.i : tok.i + len(p.split())]) == p
                ),
                None,
            )
            if phrase is None:
                continue
            last = tok.doc[tok.i + len(phrase.split()) - 1]
            sources = [m for c in last.children if c.dep_ == "pobj" for m in args.inside(c)]
            entry = Trigger(lemma=tok.lower_, pos="VERB", code=_PLAIN_STATEMENT)
            for src in sources:
                out.append(
                    self._event(
                        sentence,
                        document,
                        tok,
                        entry,
                        _PLAIN_STATEMENT,
                        src,
                        None,
                        Modality.ASSERTED,
                        None,
                        extent=(tok.i, last.i),
                    )
                )
        return out

    def _place_target(self, tok: Token, sentence: Sentence, people: bool = False) -> list[ActorMention]:
        """The country of the event's place, as its target: the people a curfew, a protest or a
        concession is aimed at. A place of the source's own country is dropped later (_own_place),
        unless `people`: then the target is the place's civilians, whoever the source is."""
        place = locate(tok, sentence, set(), self.rules.locative_preps)
        if place is None or not place.country:
            return []
        start, end = place.span
        actor = Actor(country=place.country, role="CVL", name=f"people of {place.name}") if people else None
        return [
            ActorMention(
                start=start,
                end=end,
                text=sentence.text[start:end],
                kind="implicit" if people else "place",
                actor=actor or Actor(country=place.country, name=place.name),
                confidence=0.6,
                country_reason="place" if people else "name",
            )
        ]

    def _unfolded(
        self, sentence: Sentence, document: Document, args: _Arguments, act: Token, trig: Trigger
    ) -> list[EventMention]:
        """The action coded on its own, with the modality its context gives it."""
        sources, targets = args.noun_roles(act, trig) if act.pos_ == "NOUN" else args.verb_roles(act, trig)
        targets = [t for t in targets if not _own_forces(t, sources, sentence.span)]
        modality, cue = sentence.modality[act.i]
        return [
            self._event(sentence, document, act, trig, trig.code, src, tgt, modality, cue)
            for src, tgt in self._pairs(trig, sources, targets, modality)
        ]

    def _pairs(
        self,
        trig: Trigger,
        sources: list[ActorMention],
        targets: list[ActorMention],
        modality: Modality,
        each_other: bool = False,
    ) -> list[tuple[ActorMention, ActorMention | None]]:
        """(source, target) pairs: every source with every target not itself and not its own place.

        Symmetric codes add the reverse pair, and with several sources and no target pair
        the sources with each other ("Japan and France signed a treaty"), unless the event is
        refused, denied or only tried by its source ("Iran refused to meet the Americans").
        `each_other` pairs several sources with each other when no target is named, whatever the
        code: a folded event whose action is symmetric ("Iran and the US will meet").
        """
        pairs: list[tuple[ActorMention, ActorMention | None]] = []
        for src in sources:
            tgts = [t for t in targets if _distinct(src, t) and not _own_place(src, t)]
            pairs += [(src, t) for t in tgts] or [(src, None)]
        if each_other and not targets and len(sources) > 1:  # "Iran and the US will meet": with each other
            return [(a, b) for a in sources for b in sources if a is not b and _distinct(a, b)]
        if not self.rules.symmetric(trig.code) or trig.reverse_code or modality in _ONE_SIDED:
            return pairs
        if not targets and len(sources) > 1:
            return [(a, b) for a in sources for b in sources if a is not b and _distinct(a, b)]
        reverse = [(t, s) for s, t in pairs if t is not None and s.kind != "agentless"]
        return pairs + [p for p in reverse if p not in pairs]

    # -- triggers ---------------------------------------------------------------

    def _by_weapon(self, verb: Token, trig: Trigger) -> Trigger:
        """The entry with the code of the weapon that is the verb's doer (``weapon_codes``), if any."""
        if verb.pos_ not in ("VERB", "AUX") or not trig.code.startswith(self.rules.weapon_roots):
            return trig
        doers = [c for c in verb.children if c.dep_ in self.rules.subject_deps]
        doers += [
            g for c in verb.children if c.dep_ in self.rules.passive_source_deps for g in c.children if g.dep_ == "pobj"
        ]
        code = next(
            (self.rules.weapon_codes[d.lemma_.lower()] for d in doers if d.lemma_.lower() in self.rules.weapon_codes),
            None,
        )
        return replace(trig, code=code, reverse_code=None, plover=None) if code else trig

    def _by_actor_object(self, verb: Token, trig: Trigger, by_token: ByToken) -> Trigger:
        """The entry's `actor_object_code` when an actor is the verb's bare object: no complement and
        none of the trigger's target prepositions ("called McCain", not "called on Iran to" or "called X a liar")."""
        if trig.actor_object_code is None or verb.pos_ not in ("VERB", "AUX"):
            return trig
        kids = list(verb.children)
        if any(c.dep_ in ("xcomp", "ccomp", "oprd") for c in kids) or any(
            c.dep_ == "prep" and c.lower_ in trig.target_preps and any(by_token.get(g.i) for g in c.subtree)
            for c in kids
        ):
            return trig
        if not any(c.dep_ == "dobj" and by_token.get(c.i) for c in kids):
            return trig
        return replace(trig, code=trig.actor_object_code, actor_object_code=None, plover=None)

    def _triggers(self, sent: Span) -> list[tuple[Token, Trigger, Token | None]]:
        """(trigger token, lexicon entry, the object noun the entry required or None)."""
        found = []
        for tok in sent:
            if _background(tok, self.rules):
                continue
            if tok.pos_ in ("VERB", "AUX") or (tok.pos_ == "ADJ" and tok.tag_ == "VBN"):
                particle = _particle(tok, self.rules.result_particles)
                objects = list(_objects(tok))
                trig = self.lexicon.match_verb(tok.lemma_.lower(), particle, [o.lemma_.lower() for o in objects])
                if self.lexicon.statements.names(tok) and (trig is None or trig.code[:2] in ("01", "02")):
                    trig = Trigger(lemma=tok.lemma_.lower(), pos="VERB", code=_PLAIN_STATEMENT)  # "called it a mistake"
                if trig is None:
                    continue
                if trig.passive_only and not (_is_passive(tok) or _reduced_relative(tok)):
                    continue
                obj = next((o for o in objects if o.lemma_.lower() in trig.objects), None)
                if self.codebook.lookup(trig.code).quad_class >= 3 and any(  # "called off a strike" is literal
                    self._figurative(o)
                    for o in ([obj] if obj is not None else [c for c in tok.children if c.dep_ == "dobj"])
                ):
                    continue  # "launched a sales offensive", "fought a war of words"
                found.append((tok, trig, obj))
            elif tok.pos_ == "NOUN":
                trig = _noun_trigger(self.lexicon, tok)
                if trig is not None:
                    found.append((tok, trig, None))
        return found

    def _figurative(self, noun: Token) -> bool:
        """An object noun that rules out a conflict verb's literal sense: a sense the lexicon excludes
        here ("a sales offensive"), or a specific sense of another kind ("fought a war of words")."""
        if noun.pos_ != "NOUN" or not self.lexicon.noun_entries(noun.lemma_.lower()):
            return False
        sense = _noun_trigger(self.lexicon, noun)
        return sense is None or (
            sense.specificity > 0 and sense.code[:2] != "19" and noun.lemma_.lower() in self.rules.force_nouns
        )

    def _cause_doers(self, verb: Token, args: _Arguments) -> list[ActorMention]:
        """The actors of the violent act a doerless event happened in (``cause_preps``): "killed in
        police firing" is the police's."""
        found: list[ActorMention] = []
        for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ in self.rules.cause_preps):
            for act in (g for g in prep.children if g.dep_ == "pobj" and g.pos_ in ("NOUN", "VERB")):
                # the parser may tag the noun a gerund ("in police firing"): its word is the noun
                sense = _noun_trigger(self.lexicon, act) or _noun_trigger(self.lexicon, act, act.lower_)
                if sense is not None and self.codebook.lookup(sense.code).quad_class == 4:
                    found += args.of_children(act, self.rules.noun_source_deps)
        return found

    # -- record -----------------------------------------------------------------

    def _event(
        self,
        sentence: Sentence,
        document: Document,
        tok: Token,
        trig: Trigger,
        code: str,
        src: ActorMention,
        tgt: ActorMention | None,
        modality: Modality,
        cue: str | None,
        reverse: bool = False,
        extent: tuple[int, int] | None = None,
    ) -> EventMention:
        """The event record; `reverse` when the source is the trigger's grammatical target (a host);
        `extent` (first, last token index) when the trigger spans words ("threatened to cut off")."""
        sent: Span = sentence.span
        if tgt is not None and tgt.token_end > tgt.token_start:  # "police shot a protester": repression
            code = self.rules.recoded(code, src.actor.role, sent[tgt.token_start : tgt.token_end].root.lemma_.lower())
        entry = self.codebook.lookup(code)
        particle = _particle(tok, self.rules.result_particles)
        trigger_tokens = [tok] + [c for c in tok.children if c.lower_ == particle and c.dep_ in ("prt", "prep")]
        if particle in self.rules.result_particles:
            trigger_tokens.append(tok.doc[tok.i + 1])  # "shot dead"
        if extent is not None:
            trigger_tokens += [tok.doc[extent[0]], tok.doc[extent[1]]]
        t_start = min(t.idx for t in trigger_tokens) - sent.start_char
        t_end = max(t.idx + len(t.text) for t in trigger_tokens) - sent.start_char
        place = locate(tok, sentence, {id(src), id(tgt)}, self.rules.locative_preps)
        if place is not None and place.country:  # "19 civilians in Beit Hanoun" are of the place's country
            src, tgt = _placed(src, place.country), _placed(tgt, place.country) if tgt else None
        agentless = src.kind == "agentless"
        when = (
            sentence.time.for_trigger(tok, statement=entry.root == "01")
            if sentence.time is not None
            else ResolvedDate(
                sentence.date, sentence.date_source, sentence.date_text, sentence.date_precision or "none"
            )
        )
        source_actor = _as_actor(src, is_source=not reverse, root=entry.root)
        if src.tenure is not None and sentence.time is not None:  # "Stalin" in a 2019 story acted in office
            dated = within_tenure(
                when, (src.tenure[0] or src.tenure[1], src.tenure[1]), sentence.time.narrative, document.date
            )
            if dated.source == "tenure":
                when, source_actor = dated, replace(source_actor, role=src.tenure[2])
        return EventMention(
            doc_id=document.id,
            sentence_index=sentence.index,
            sentence_text=sentence.text,
            source=source_actor,
            target=_as_actor(tgt, is_source=False, root=entry.root) if tgt else None,
            code=entry.code,
            root_code=entry.root,
            event_name=entry.name,
            goldstein=entry.goldstein,
            quad_class=entry.quad_class,
            plover_type=trig.plover if trig.plover and code == trig.code else entry.plover_type,
            plover_mode=None if trig.plover and code == trig.code else entry.plover_mode,
            modality=modality,
            modality_cue=cue,
            trigger_text=sentence.text[t_start:t_end],
            trigger_span=(t_start, t_end),
            source_text=None if agentless else src.text,
            source_span=None if agentless else src.span,
            source_country_reason=src.country_reason,
            target_country_reason=tgt.country_reason if tgt else None,
            target_text=tgt.text if tgt else None,
            target_span=tgt.span if tgt else None,
            event_date=when.date,
            date_source=when.source,
            date_text=when.text,
            date_precision=when.granularity if when.date else None,
            date_end=when.end,
            doc_date=document.date,
            location=place.name if place else None,
            location_country=place.country if place else None,
            location_span=place.span if place else None,
            confidence=_confidence(trig, src, tgt, modality),
        )


class _Arguments:
    """Finds the source and target mentions of triggers in one sentence."""

    def __init__(self, lexicon: Lexicon, rules: CodingRules, by_token: ByToken, ctx: DocumentContext | None):
        self.lexicon = lexicon
        self.rules = rules
        self.by_token = by_token
        self.ctx = ctx

    # -- verbs ------------------------------------------------------------------

    def verb_roles(self, verb: Token, trig: Trigger) -> tuple[list[ActorMention], list[ActorMention]]:
        targets: list[ActorMention] = []
        if _is_passive(verb) or _reduced_relative(verb):
            sources = self.of_children(verb, self.rules.passive_source_deps, through_prep=True)
            if _reduced_relative(verb):  # "two Americans accused of spying": the noun is the target
                targets += self.with_conjuncts(verb.head) or self.inside(verb.head, skip=verb)
            targets += self.of_children(verb, self.rules.passive_target_deps)
            if (
                not targets
                and verb.dep_ == "xcomp"
                and not any(c.dep_ in self.rules.passive_target_deps for c in verb.children)
            ):
                # raised: "X is said to have been captured", "Turkey wants to be invited"
                targets += self.of_children(verb.head, self.rules.subject_deps + self.rules.passive_target_deps)
            if not sources:  # "killed in police firing": the actor of the event noun that caused it
                sources = self.cause_actors(verb)
            role = self.rules.implicit_role(trig.code)
            if not sources and role is not None:
                sources = [self.implicit_actor(verb, role)]
        else:
            sources = self.subject(verb)
        targets += self.prep_actors(verb, trig.target_preps)
        for obj in (c for c in verb.children if c.dep_ in self.rules.object_deps):
            noun_trigger = obj.pos_ == "NOUN" and _noun_trigger(self.lexicon, obj)
            part_of_event = obj.lemma_.lower() in trig.objects  # "imposed sanctions on Moscow"
            if noun_trigger and not part_of_event and not self.by_token.get(obj.i):
                # "condemned the Russian invasion": the target is who invaded, not whom
                targets += self.noun_roles(obj, noun_trigger)[0] or self.inside(obj)
            else:
                targets += self.inside(obj)
        targets = [t for t in targets if not _own_forces(t, sources, verb.sent)]  # "offered its troops to X"
        if not targets:
            targets += self.prep_actors(verb, self.rules.default_target_preps)
        if not targets and trig.code.startswith(self.rules.addressed_codes):
            targets += self.complement_subjects(verb)  # an appeal or demand is aimed at who must act
        if verb.dep_ == "amod" and not targets:  # "breaking sanctions" parsed as a modifier
            targets += self.inside(verb.head)
        source_ids = {id(s) for s in sources}
        targets = [t for t in targets if id(t) not in source_ids]
        # a country-less role noun beside a named actor is the thing acted with: "supplied drones to Russia"
        named = [t for t in targets if _named(t)]
        return sources, _unique(named or targets)

    def subject(self, verb: Token, depth: int = 0) -> list[ActorMention]:
        """The actors doing `verb`: its own subject, or the one it inherits."""
        if depth > 4:
            return []
        subjects = self.rules.subject_deps
        own = self.of_children(verb, subjects)
        relative = any(c.dep_ in subjects and c.tag_ in ("WP", "WDT") for c in verb.children)
        if verb.dep_ == "relcl" and relative:  # "the policemen who killed ...": the noun the clause modifies
            return self.with_conjuncts(verb.head) or self.inside(verb.head)
        if own or any(c.dep_ in subjects for c in verb.children):
            return own
        head = verb.head
        if head.i == verb.i:
            return []
        if verb.dep_ in ("xcomp", "acomp"):  # "wants to leave", "looks set to sign"
            if head.lemma_.lower() in self.rules.object_control:
                objs = self.of_children(head, ("dobj",))
                if objs:
                    return objs
            raised = self.of_children(head, self.rules.passive_target_deps)  # "Turkey is expected to come"
            return raised or self.subject(head, depth + 1)
        if verb.dep_ == "pcomp" and head.dep_ == "prep" and head.head.pos_ == "VERB":
            governor = head.head  # "accused Y of attacking": Y attacks; "armed them by shipping": the armer
            objs = self.of_children(governor, ("dobj",)) if head.lower_ != "by" else []
            return objs or self.subject(governor, depth + 1)
        if verb.dep_ in ("conj", "advcl", "amod") and head.pos_ in ("VERB", "AUX", "NOUN"):
            if head.pos_ == "NOUN":  # "breaking sanctions" -> whoever governs the phrase
                return self.subject(head.head, depth + 1) if head.head.i != head.i else []
            if verb.dep_ == "conj" and _is_passive(head) and _active(verb):
                # "the minister was indicted and resigned": who was indicted resigned
                return self.of_children(head, self.rules.passive_target_deps) or self.subject(head, depth + 1)
            return self.subject(head, depth + 1)
        if verb.dep_ == "acl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
            # "Iran has the capacity to strike", "Russia had no plan to intervene": who has the capacity
            return self.inside(head) or (self.subject(head.head, depth + 1) if head.head.i != head.i else [])
        if verb.dep_ in ("relcl", "acl") and not _reduced_relative(verb):  # "troops firing on protesters"
            return self.inside(head)
        return []

    def cause_actors(self, verb: Token) -> list[ActorMention]:
        """Actors modifying an event noun in "in"/"during" ("were killed in an Israeli air strike")."""
        for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("in", "during")):
            for pobj in (g for g in prep.children if g.dep_ == "pobj" and g.pos_ == "NOUN"):
                if _noun_trigger(self.lexicon, pobj):
                    return [
                        m
                        for c in pobj.children
                        if c.dep_ in self.rules.noun_source_deps
                        for m in self.with_conjuncts(c)
                    ]
                # "police firing" parsed as the noun "police" with the verb "firing" attached
                if any(c.dep_ == "acl" and self.lexicon.match_noun(c.lower_) for c in pobj.children):
                    return self.with_conjuncts(pobj)
        return []

    def implicit_actor(self, verb: Token, role: str) -> ActorMention:
        """The doer a passive event implies (police for arrests, a court for verdicts), of the article's country."""
        sent = verb.sent
        start = verb.idx - sent.start_char
        found = self.ctx.default_country() if self.ctx else None
        country, reason = found if found else (None, None)
        return ActorMention(
            start=start,
            end=start + len(verb.text),
            text=verb.text,
            actor=Actor(country=country, role=role, name=f"{role} (implicit)"),
            kind="implicit",
            token_start=verb.i - sent.start,
            token_end=verb.i - sent.start + 1,
            confidence=0.5,
            country_reason=reason,
        )

    def addressee(self, fold: Fold) -> list[ActorMention]:
        """Who is asked or told to act: "urged Iran", "called on Iran", "demanded that Iran ...", "Sudan must"."""
        gov = fold.governor
        if gov is not None and gov.pos_ in ("VERB", "AUX"):
            objects = [c for c in gov.children if c.dep_ in ("dobj", "dative") and c.i != fold.action.i]
            found = [m for c in objects for m in self.inside(c)] or self.prep_actors(gov, ("on", "upon"))
            if found:
                return found
        if fold.action.pos_ == "NOUN":
            return []  # "demanded the release of the hostages": the hostages are not asked
        return self.of_children(fold.action, self.rules.subject_deps + self.rules.passive_target_deps)

    def complement_targets(self, verb: Token, coded: set[int], sources: list[ActorMention]) -> list[ActorMention]:
        """Targets of an embedded action no trigger codes: "offered to hand over to Great Britain" -> Britain."""
        found: list[ActorMention] = []
        for act in (c for c in verb.children if c.dep_ == "xcomp" and c.pos_ == "VERB" and c.i not in coded):
            for obj in (c for c in act.children if c.dep_ in self.rules.object_deps):
                found += self.inside(obj)
            found += self.prep_actors(act, self.rules.default_target_preps)
        source_ids = {id(s) for s in sources}
        # a bare role noun ("proposed to dispatch troops") is what the act moves, not whom it is aimed at
        known = [t for t in found if t.actor.country or t.actor.igo]
        return _unique([t for t in known if id(t) not in source_ids and not _own_forces(t, sources, verb.sent)])

    def condition_subjects(self, verb: Token) -> list[ActorMention]:
        """Subjects of a condition on an act or its complement: "... unless Israel rescinded" -> Israel."""
        found: list[ActorMention] = []
        for head in (verb, *(c for c in verb.children if c.dep_ == "xcomp")):
            for clause in (c for c in head.children if c.dep_ == "advcl"):
                if any(m.dep_ == "mark" and m.lower_ in self.rules.condition_marks for m in clause.children):
                    found += self.of_children(clause, self.rules.subject_deps)
        return _unique(found)

    def purpose_targets(self, tok: Token, sources: list[ActorMention]) -> list[ActorMention]:
        """The actors a protest's demand names: "staged demonstrations to demand reforms by X's government"."""
        found: list[ActorMention] = []
        # the trigger, the verb an event noun depends on, or the event noun a verb takes ("staged demonstrations")
        heads = [tok, tok.head] if tok.pos_ == "NOUN" and tok.head.i != tok.i else [tok]
        heads += [c for c in tok.children if c.dep_ in self.rules.object_deps and c.pos_ == "NOUN"]
        for head in heads:
            for clause in (c for c in head.children if c.dep_ in ("advcl", "xcomp", "acl")):
                if clause.lemma_.lower() not in self.rules.purpose_verbs:
                    continue
                for arg in (c for c in clause.children if c.dep_ in self.rules.object_deps or c.dep_ == "prep"):
                    found += self.inside(arg)
            for prep in (c for c in head.children if c.dep_ == "prep"):  # "in protest of", "in defiance of"
                for noun in (g for g in prep.children if g.dep_ == "pobj"):
                    if noun.lemma_.lower() in self.rules.purpose_nouns:
                        found += self.inside(noun)
        source_ids = {id(s) for s in sources}
        return _unique([t for t in found if id(t) not in source_ids])

    def complement_subjects(self, verb: Token) -> list[ActorMention]:
        """Subjects of a verb's clausal complements: "demanded that the US cancel ..." -> the US."""
        return [
            m
            for c in verb.children
            if c.dep_ in ("ccomp", "xcomp")
            for m in self.of_children(c, self.rules.subject_deps + self.rules.passive_target_deps)
        ]

    # -- nouns ------------------------------------------------------------------

    def noun_roles(self, noun: Token, trig: Trigger) -> tuple[list[ActorMention], list[ActorMention]]:
        governor = noun.head
        if (
            noun.dep_ == "dobj"
            and governor.pos_ in ("VERB", "AUX")
            and governor.lemma_.lower() in self.rules.receiving_verbs
        ):
            givers = self.prep_actors(noun, ("of", "from"))  # "has the support of Argentina"
            if givers:
                return givers, self.subject(governor)
            receivers = self.subject(governor)  # "Habre received a death sentence": he is its target
            role = self.rules.implicit_role(trig.code, noun=True)
            if receivers and role is not None:
                return [self.implicit_actor(noun, role)], receivers
        sources = [m for c in noun.children if c.dep_ in self.rules.noun_source_deps for m in self.with_conjuncts(c)]
        if not sources:
            sources = self.of_children(noun, ("prep",), through_prep=True, preps=("by",))
        if (
            not sources
            and noun.dep_ in ("dobj", "attr", "nsubjpass")
            and governor.pos_ in ("VERB", "AUX")
            and governor.lemma_.lower() in self.rules.light_verbs
        ):
            sources = self.subject(governor)
        targets = self.prep_actors(noun, trig.target_preps or self.rules.noun_target_preps)
        if not targets and trig.target_preps:  # "a suspension of air links with Serbia": on the noun's object
            for prep in (c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"):
                for obj in (g for g in prep.children if g.dep_ == "pobj" and g.lemma_.lower() in trig.objects):
                    targets += self.prep_actors(obj, trig.target_preps)
        if not sources:  # "the meeting between Bush and Blair", "a battle between tribesmen and al-Qaeda"
            sides = _unique(self.prep_actors(noun, self.rules.participant_preps))
            if len(sides) > 1:
                return sides, sides  # each side acts on the other (_pairs never pairs one with itself)
        role = self.rules.implicit_role(trig.code, noun=True)
        if not sources and role is not None:
            sources = [self.implicit_actor(noun, role)]  # "the protests began in June"
        source_ids = {id(s) for s in sources}
        return _unique(sources), _unique([t for t in targets if id(t) not in source_ids])

    # -- phrases ----------------------------------------------------------------

    def with_conjuncts(self, tok: Token) -> list[ActorMention]:
        found = list(self.by_token.get(tok.i, []))
        for conj in tok.conjuncts:
            found += self.by_token.get(conj.i, [])
        for left in tok.lefts:  # "President William Ruto and President Hassan Sheikh Mohamud", parsed
            if left.dep_ in ("nmod", "compound") and any(c.dep_ == "cc" for c in left.children):
                found += [m for m in self.by_token.get(left.i, []) if m not in found]  # as one noun phrase
        return _unique(found)

    def inside(self, tok: Token, skip: Token | None = None) -> list[ActorMention]:
        """Actors heading a phrase or, failing that, inside it (not crossing into clauses or places)."""
        direct = self.with_conjuncts(tok)
        if direct:
            return direct
        fallback: list[ActorMention] = []
        for child in tok.children:
            if child.dep_ in _CLAUSE_DEPS or child is skip:
                continue
            if (
                child.dep_ == "prep"
                and child.lower_ in self.rules.locative_preps
                and child.lower_ not in self.rules.default_target_preps
            ):
                continue  # "a defence pact in Pyongyang": a place, not an actor of the event
            inner = self.inside(child)
            if any(_named(m) for m in inner):  # "artillery shells at Seoul": Seoul, not the artillery
                return inner
            fallback = fallback or inner
        return fallback

    def of_children(
        self, tok: Token, deps: tuple[str, ...], through_prep: bool = False, preps: tuple[str, ...] = ()
    ) -> list[ActorMention]:
        found: list[ActorMention] = []
        for c in tok.children:
            if c.dep_ not in deps or (preps and c.lower_ not in preps):
                continue
            heads = [g for g in c.children if g.dep_ == "pobj"] if through_prep else [c]
            for h in heads:
                found += self.inside(h)
        return found

    def prep_actors(self, tok: Token, preps: Iterable[str]) -> list[ActorMention]:
        preps = tuple(preps)
        found: list[ActorMention] = []
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in preps:
                for pobj in (g for g in c.children if g.dep_ == "pobj"):
                    found += self.inside(pobj)
        return found


# -- helpers ------------------------------------------------------------------------


def _particle(verb: Token, results: frozenset[str] = frozenset()) -> str | None:
    """The verb's particle: "write off"; also "pulled out of", where spaCy makes "out" a bare preposition,
    and a result word of `results` right after the verb ("shot dead", whether the parser makes "dead"
    the verb's or its object's)."""
    after = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    if after is not None and after.lower_ in results and verb in (after.head, after.head.head):
        return after.lower_
    for c in verb.children:
        if c.dep_ == "prt" or (
            c.dep_ == "prep"
            and c.i == verb.i + 1
            and c.lower_ in ("out", "off", "up", "down", "back", "away")
            and not any(g.dep_ == "pobj" for g in c.children)
        ):
            return c.lower_
    return None


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def _active(verb: Token) -> bool:
    """An active verb form: not passive, and no bare participle sharing a passive auxiliary ("was arrested
    and released")."""
    return not _is_passive(verb) and (verb.tag_ != "VBN" or any(c.dep_ == "aux" for c in verb.children))


def _reduced_relative(verb: Token) -> bool:
    """A passive participle modifying a noun: "priests kidnapped in Nigeria", "clubbers arrested at a party"."""
    if verb.dep_ != "acl" or verb.head.pos_ not in ("NOUN", "PROPN", "PRON"):
        return False
    # the tagger sometimes calls the participle a past tense ("journalists abducted/VBD in Syria")
    return verb.tag_ == "VBN" or (
        verb.tag_ == "VBD"
        and not any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "dobj") for c in verb.children)
    )


def _objects(verb: Token) -> Iterable[Token]:
    """Object nouns a lexicon entry may require: direct objects, their conjuncts, prepositional objects."""
    for c in verb.children:
        if c.dep_ in ("dobj", "attr", "nsubjpass", "oprd"):
            yield c
            yield from c.conjuncts
            yield from (g for g in c.children if g.dep_ == "compound")  # "aid deliveries", "arms shipments"
            # "amounts of debt", "a series of attacks": the noun after "of" counts as well
            yield from (
                g for p in c.children if p.dep_ == "prep" and p.lower_ == "of" for g in p.children if g.dep_ == "pobj"
            )
        elif c.dep_ in ("prep", "agent"):
            yield from (g for g in c.children if g.dep_ == "pobj")
    if verb.dep_ == "amod":  # "breaking sanctions"
        yield verb.head
    if _reduced_relative(verb):  # "journalists abducted": the modified noun is the object
        yield verb.head


def _without_restated_statements(mentions: list[EventMention], reporters: set[int], sent: Span) -> list[EventMention]:
    """Drop "said" when what was said is itself the speaker's demand, threat or intent.

    "Chad said Sudan must return the helicopter" is Chad's demand (1053), not also a plain
    statement (010); a statement reporting someone else's act stays ("officials said police
    arrested 20 people").
    """
    if not reporters:
        return mentions
    starts = {sent[i - sent.start].idx - sent.start_char for i in reporters}
    speaking = {e.source.country or e.source.code for e in mentions if e.root_code in _FOLDED_ROOTS}
    return [
        e
        for e in mentions
        if not (e.root_code == "01" and e.trigger_span[0] in starts and (e.source.country or e.source.code) in speaking)
    ]


def _without_content(mentions: list[EventMention], sent: Span, rules: CodingRules) -> list[EventMention]:
    """Drop what a demand, appeal, threat, intent or refusal is about: the action it demands,
    threatens, promises or refuses is not an event of its own ("Greece demanded that its partners
    refuse to recognize Macedonia" is Greece's demand, not also a refusal by the partners), nor is
    what an offer, appeal or demand noun names ("rejected a US offer to host a summit"). Only
    events that are not asserted go: a background fact inside the clause stays."""
    spans = [(e, sent.char_span(*e.trigger_span, alignment_mode="expand")) for e in mentions]
    triggers = {t.i for _, span in spans if span is not None for t in span}
    content: set[int] = set()
    for e, span in spans:
        if span is None or not e.code.startswith(rules.content_roots):
            continue
        for t in span:
            for c in t.children:
                if not span.start <= c.i < span.end and c.dep_ in rules.content_deps:
                    content.update(x.i for x in c.subtree)
    for noun in (t for t in sent if t.pos_ == "NOUN" and t.lemma_.lower() in rules.content_nouns):
        governor = noun.head.head if noun.head.dep_ == "prep" else noun.head
        if noun.i not in triggers and governor.i not in triggers:
            continue  # "had no plan to intervene": no event says anything of the plan; it stays negated
        for c in noun.children:  # "rejected a US offer to host a summit", "an appeal for deploying troops"
            clauses = (
                [c] if c.dep_ == "acl" else [g for g in c.children if g.dep_ == "pcomp"] if c.dep_ == "prep" else []
            )
            for clause in clauses:
                content.update(x.i for x in clause.subtree)
    return [e for e, span in spans if e.modality is Modality.ASSERTED or span is None or span.start not in content]


def _pronoun_subject(verb: Token) -> bool:
    """A subject pronoun no actor was found for ("they can launch"): a doer the text names, unknown to us."""
    return any(c.dep_ in ("nsubj", "csubj") and c.pos_ == "PRON" for c in verb.children)


def _carrier(tok: Token, rules: CodingRules) -> Token:
    """The noun that only carries an event noun: "a mediation effort", "a bombing campaign",
    "10 days of war games", "a series of attacks" (else the trigger itself)."""
    head = tok.head
    if tok.dep_ == "pobj" and head.dep_ == "prep" and head.lower_ == "of":
        head = head.head
    elif tok.dep_ != "compound":
        return tok
    return head if head.pos_ == "NOUN" and head.lemma_.lower() in rules.noun_carriers else tok


def _noun_trigger(lexicon: Lexicon, noun: Token, word: str | None = None) -> Trigger | None:
    """The lexicon entry for an event noun, given its modifiers ("hunger strike") and "of" object;
    `word` is the noun to look up when it is not the token's lemma (a gerund's, "firing")."""
    modifiers = [c.lemma_.lower() for c in noun.children if c.dep_ in ("compound", "amod", "nmod")]
    objects = [
        g.lemma_.lower()
        for p in noun.children
        if p.dep_ == "prep" and p.lower_ == "of"
        for g in p.children
        if g.dep_ == "pobj"
    ]
    return lexicon.match_noun(word or noun.lemma_.lower(), modifiers, objects)


def _background(tok: Token, rules: CodingRules) -> bool:
    """Words that name an event as background, not report it.

    A participle used as an adjective ("the besieged town", "the Israeli-occupied West
    Bank", "the banned movement"), and an event noun after a preposition of time or cause
    ("since last month's invasion", "following a government offensive", "in the wake of
    the execution"): the sentence is about something else.
    """
    if tok.dep_ == "amod" and tok.tag_ == "VBN" and tok.i < tok.head.i:
        return True
    if (
        tok.pos_ == "NOUN"
        and tok.dep_ == "nsubj"
        and tok.head.dep_ == "advcl"
        and any(c.dep_ == "mark" and c.lower_ in rules.background_preps for c in tok.head.children)
    ):
        return True  # "since the protests began": the clause names a time
    if tok.pos_ != "NOUN" or tok.dep_ != "pobj" or tok.head.dep_ != "prep":
        return False
    prep = tok.head
    phrase = " ".join(t.lower_ for t in tok.doc[max(prep.i - 2, tok.sent.start) : prep.i + 1])
    return prep.lower_ in rules.background_preps or any(phrase.endswith(p) for p in rules.background_phrases)


def _purpose_of_same_event(tok: Token, trig: Trigger, verbal: dict[int, Trigger]) -> bool:
    """An infinitive of purpose naming the event its governor already codes ("phoned X to discuss")."""
    if tok.dep_ not in ("advcl", "xcomp") or not any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
        return False
    governor = verbal.get(tok.head.i)
    if governor is None:
        return False
    return trig.code[:2] in (governor.code[:2], (governor.actor_object_code or "")[:2])  # "called X to discuss"


def _named(m: ActorMention) -> bool:
    """A mention with a country, IGO or named group, not a bare role noun.

    A role noun whose country only comes from the article ("troops" in a story about
    Russia) is still a bare role noun: "sent troops to Russia" targets Russia.
    """
    if m.kind != "role" or m.actor.igo:
        return True
    return bool(m.actor.country) and m.country_reason not in _CONTEXT_REASONS


def _own_place(src: ActorMention, tgt: ActorMention) -> bool:
    """A capital or city of the source's own country named as a target: a place, not an actor."""
    if tgt.kind == "place" and src.actor.country is None and not src.actor.igo:
        return True  # "demonstrators in Baghdad blocked a road": they take the place's country themselves
    return tgt.kind in _PLACE_KINDS and tgt.actor.country is not None and tgt.actor.country == src.actor.country


def _as_actor(m: ActorMention, is_source: bool, root: str) -> Actor:
    """The mention's actor; a capital that acts or is spoken to stands for the government.

    "Kyiv protested", "Washington imposed sanctions on Moscow" (the source), "threatened
    Seoul" (a verbal event aimed at Seoul); but "visited Moscow" or "shelled Kyiv" are the country.
    """
    if m.kind == "capital" and m.actor.role is None and (is_source or root in _ADDRESSED_ROOTS):
        return replace(m.actor, role="GOV")
    return m.actor


def _embedding_modality(
    tok: Token, verbal: dict[int, Trigger], modality: Modality, cue: str | None
) -> tuple[Modality, str | None]:
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


def _agentless(verb: Token) -> ActorMention:
    sent = verb.sent
    start = verb.idx - sent.start_char
    return ActorMention(
        start=start,
        end=start,
        text="",
        actor=Actor(name="unknown"),
        kind="agentless",
        token_start=verb.i - sent.start,
        token_end=verb.i - sent.start,
        confidence=0.3,
    )


def _placed(m: ActorMention, country: str) -> ActorMention:
    """A generic actor whose country was only guessed from the story takes the event's place's country."""
    guessed = m.country_reason in INFERRED_REASONS or (m.actor.country is None and m.kind in ("role", "implicit"))
    if not guessed or m.actor.role not in ("CVL", "COP") or m.actor.igo or m.actor.country == country:
        return m
    return replace(m, actor=replace(m.actor, country=country), country_reason="place")


def _own_forces(target: ActorMention, sources: list[ActorMention], sent: Span) -> bool:
    """ "Syria will withdraw its troops": the source's own forces are what it moves, not a target."""
    if target.actor.role != "MIL" or target.token_end <= target.token_start:
        return False
    head = sent[target.token_start : target.token_end].root
    return any(c.dep_ == "poss" and c.pos_ == "PRON" for c in head.children) and any(
        s.actor.country == target.actor.country and s.actor.role != "MIL" for s in sources
    )


_NAMED_KINDS = ("person", "leader")


def _distinct(a: ActorMention, b: ActorMention) -> bool:
    """Whether two actor mentions can be the two sides of an event: different codes, or two people
    of one code named apart ("Ridge thanked President Bush", both USAGOV; not "the government ...
    officials", nor "Bush ... he")."""
    if a.actor.code != b.actor.code:
        return True
    return a.kind in _NAMED_KINDS and b.kind in _NAMED_KINDS and _name_key(a) != _name_key(b)


def _name_key(m: ActorMention) -> str:
    """A person's surname, lower case: "President George W. Bush" and "Bush" are one person."""
    words = (m.actor.name or m.text).split()
    return words[-1].lower() if words else ""


def _unique(mentions: list[ActorMention]) -> list[ActorMention]:
    seen: set[int] = set()
    out = []
    for m in mentions:
        if id(m) not in seen:
            seen.add(id(m))
            out.append(m)
    return out


def _confidence(trig: Trigger, src: ActorMention, tgt: ActorMention | None, modality: Modality) -> float:
    """A transparent score in [0, 1]; see README "Confidence"."""
    score = 0.45
    score += 0.15 * min(trig.specificity, 2) / 2 + (0.1 if trig.pos == "VERB" else 0.0)
    score += 0.15 * src.confidence
    score += 0.15 * (tgt.confidence if tgt else 0.0)
    if modality is not Modality.ASSERTED:
        score -= 0.05
    return max(0.0, min(1.0, score))
