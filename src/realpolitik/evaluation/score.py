"""Scoring coded events against gold-standard records (pure: no I/O).

Three gold schemes:

* ``plover`` (PLOVER GSR): each record lists expected events with a PLOVER type
  and lists of source/target actors (ISO3 country + sector). Older type names
  are renamed to PLOVER 0.8, which the coder uses. PLOVER codes one event per
  trigger with lists of actors, while the coder gives one event per actor
  ("Hungarian and Romanian officials agreed" -> two events), so predicted events
  of one type from the same trigger are merged into one, carrying all their actors;
  a joint action the coder codes both ways with one code ("Japan and France signed",
  Japan -> France and France -> Japan) is PLOVER's compound source with no target (a
  visit and its hosting, 042 and 043, keep their targets).
* ``cameo`` (PETRARCH unit tests): one expected event per source/target pair with
  a CAMEO code; scored at code, root-code and quad-class level.
* ``ipe`` (IndiaPoliceEvents): each record is a sentence with a set of class
  labels; labels are read off coded events with :class:`IpeRules`.

Event-type precision/recall is micro-averaged over records: per record, the
multiset of predicted types against the multiset of expected types. Actor
agreement is measured on type-matched (expected, predicted) pairs, paired one to
one with the best actor agreement first; a match at country level compares
countries (an expected IGO matches any IGO), at full level country and role.
Records flagged invalid or skip, and PETRARCH records whose expected codes are
not CAMEO codes (its validation-only 903, 1717, ...), are skipped, with a reason.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from realpolitik.coding.codebook import PLOVER_TYPES, default_codebook
from realpolitik.types import Actor, EventMention, Modality, Sentence

SCHEMES = ("plover", "cameo", "ipe")
# Levels at which event types are scored, per scheme.
LEVELS = {"plover": ("type",), "cameo": ("code", "root", "quad")}
# Level at which expected and predicted events are paired (actor match, per-type scores, confusion).
PAIR_LEVEL = {"plover": "type", "cameo": "root"}
# PLOVER 0.8 folded three earlier types into others (see realpolitik.coding.codebook).
PLOVER_V08_RENAMES = {"FIGHT": "ASSAULT", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE"}
EXCLUDED_MODALITIES = frozenset({Modality.NEGATED, Modality.DENIED})
NONE = "none"  # the confusion table's "no event predicted"
_CODE = re.compile(r"(?:[A-Z]{3}|---)(?:[A-Z]{3})*")
_SECTOR = re.compile(r"[A-Za-z]{3}")


# -- actors -------------------------------------------------------------------


@dataclass(frozen=True)
class ActorKey:
    """An actor as gold standards record it.

    ``top`` is the ISO3 country, or a non-state group ("IGO", "NGO", "IMG"), or
    ``None`` for an unknown country; ``sub`` is the role (GOV, MIL, ...) or, for
    an IGO, its id (UNO, ...). ``ActorKey(None, None)`` stands for "no actor".
    """

    top: str | None
    sub: str | None = None

    def matches_country(self, pred: ActorKey) -> bool:
        """Same country (any IGO matches an expected IGO)."""
        return self.top == pred.top

    def matches_full(self, pred: ActorKey) -> bool:
        """Same country and role; an expected bare "IGO" (no id given) matches any IGO."""
        if self.top == "IGO" and self.sub is None:
            return pred.top == "IGO"
        return self == pred


NO_ACTOR = ActorKey(None, None)


def actor_key(actor: Actor | None) -> ActorKey:
    """The key of one of our actors (``None``, a missing target, gives ``NO_ACTOR``)."""
    if actor is None:
        return NO_ACTOR
    if actor.igo or actor.role == "IGO":
        return ActorKey("IGO", actor.igo)
    return ActorKey(actor.country, actor.role)


def parse_actor_code(code: str, legacy: Mapping[str, str]) -> ActorKey:
    """A CAMEO actor code ("RUSGOV", "IGOEEU", "---GOV", "---") as a key.

    Legacy country codes are mapped to ISO3 (``JAP`` -> ``JPN``). Free-text actors
    (PETRARCH's quoted new-actor strings) keep their text and so match nothing.
    """
    code = code.strip()
    if not _CODE.fullmatch(code):
        return ActorKey(code, None)
    top = None if code[:3] == "---" else legacy.get(code[:3], code[:3])
    return ActorKey(top, code[3:6] or None)


def _plover_actor(raw: Mapping[str, Any], legacy: Mapping[str, str]) -> ActorKey:
    """A PLOVER GSR actor {code, sector}; odd sectors ("***", "CVLalb") keep their first 3 letters."""
    code = str(raw.get("code") or "").strip().upper()
    sector = _SECTOR.match(str(raw.get("sector") or ""))
    return ActorKey(legacy.get(code, code) or None, sector.group().upper() if sector else None)


# -- gold records ---------------------------------------------------------------


@dataclass
class Item:
    """An event reduced to what is scored: its type at each level and its actors."""

    labels: dict[str, str]
    sources: tuple[ActorKey, ...] = (NO_ACTOR,)
    targets: tuple[ActorKey, ...] = (NO_ACTOR,)
    confidence: float = 1.0


@dataclass
class GoldRecord:
    """One gold record, parsed for scoring."""

    id: str
    text: str
    date: date | None
    expected: list[Item] = field(default_factory=list)
    labels: frozenset[str] = frozenset()  # IPE classes
    skip: str | None = None  # why the record is not scored
    group: str | None = None  # IPE: the article the sentence belongs to
    order: int = 0  # IPE: the sentence's position in its article


def detect_scheme(raw: Mapping[str, Any]) -> str | None:
    """The scheme of a gold record from its ``scheme`` field, or None if unknown."""
    text = str(raw.get("scheme", "")).lower()
    for needle, scheme in (("plover", "plover"), ("indiapolice", "ipe"), ("cameo", "cameo")):
        if needle in text:
            return scheme
    return None


def cameo_levels(code: str) -> dict[str, str]:
    """A CAMEO code at code, root and quad-class level: "0871" -> {code, root "08", quad "2"}."""
    root = code[:2]
    n = int(root)
    quad = 1 if n <= 5 else 2 if n <= 8 else 3 if n <= 13 else 4
    return {"code": code, "root": root, "quad": str(quad)}


def parse_record(raw: Mapping[str, Any], scheme: str, legacy: Mapping[str, str]) -> GoldRecord:
    """A gold JSONL record as a :class:`GoldRecord`; ValueError if it has no id or text."""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; expected one of {', '.join(SCHEMES)}")
    rid, text = raw.get("id"), raw.get("text")
    if not rid or not isinstance(text, str):
        raise ValueError("record needs an 'id' and a 'text'")
    try:
        when = date.fromisoformat(str(raw.get("date")))
    except ValueError:
        when = None
    record = GoldRecord(id=str(rid), text=text, date=when)
    expected = raw.get("expected") or []
    if raw.get("valid") is False:
        record.skip = "marked invalid"
    elif raw.get("skip"):
        record.skip = "marked skip"
    elif not text.strip():
        record.skip = "empty text"
    if scheme == "ipe":
        record.labels = frozenset(str(e["code"]) for e in expected)
        record.group = str(raw.get("doc_id", rid))
        record.order = int(raw.get("sent_id", 0))
    elif scheme == "cameo":
        codes = [str(e["code"]) for e in expected]
        bad = sorted({c for c in codes if not default_codebook().is_valid(c)})
        if bad and record.skip is None:
            record.skip = "non-CAMEO event codes"
        if not bad:
            record.expected = [
                Item(
                    cameo_levels(str(e["code"])),
                    (parse_actor_code(str(e.get("source") or "---"), legacy),),
                    (parse_actor_code(str(e.get("target") or "---"), legacy),),
                )
                for e in expected
            ]
    else:
        types = [PLOVER_V08_RENAMES.get(str(e["code"]), str(e["code"])) for e in expected]
        if any(t not in PLOVER_TYPES for t in types) and record.skip is None:
            record.skip = "unknown PLOVER type"
        record.expected = [
            Item(
                {"type": t},
                tuple(_plover_actor(a, legacy) for a in e.get("source_actors") or []) or (NO_ACTOR,),
                tuple(_plover_actor(a, legacy) for a in e.get("target_actors") or []) or (NO_ACTOR,),
            )
            for t, e in zip(types, expected)
        ]
    return record


# -- predicted events -----------------------------------------------------------


def counted(event: EventMention, asserted_only: bool = False) -> bool:
    """Whether an event is scored: all modalities but negated and denied, or only asserted ones."""
    if asserted_only:
        return event.modality is Modality.ASSERTED
    return event.modality not in EXCLUDED_MODALITIES


def predicted_items(events: Iterable[EventMention], scheme: str) -> list[Item]:
    """Scored items for one record's (already filtered) events.

    For ``plover``, events of one type from the same trigger merge into one item.
    """
    if scheme == "cameo":
        return [
            Item(cameo_levels(e.code), (actor_key(e.source),), (actor_key(e.target),), e.confidence) for e in events
        ]
    merged: dict[tuple[int, tuple[int, int], str], Item] = {}
    codes: dict[tuple[int, tuple[int, int], str], set[str]] = {}
    for e in events:
        if e.plover_type is None:  # a plain statement: PLOVER has no type for it
            continue
        key = (e.sentence_index, (e.trigger_span[0], e.trigger_span[1]), e.plover_type)
        codes.setdefault(key, set()).add(e.code)
        item = merged.setdefault(key, Item({"type": e.plover_type}, (), (), e.confidence))
        src, tgt = actor_key(e.source), actor_key(e.target)
        item.sources += (src,) if src not in item.sources else ()
        item.targets += (tgt,) if tgt not in item.targets else ()
        item.confidence = max(item.confidence, e.confidence)
    for key, item in merged.items():  # a joint action coded both ways is PLOVER's compound source, no target
        if len(codes[key]) == 1 and len(item.sources) > 1 and set(item.targets) <= set(item.sources):
            item.targets = (NO_ACTOR,)
    return list(merged.values())


# -- event scores ---------------------------------------------------------------


@dataclass
class PRF:
    """Counts behind precision, recall and F1."""

    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, gold: Counter[str], pred: Counter[str]) -> None:
        self.tp += sum((gold & pred).values())
        self.n_pred += sum(pred.values())
        self.n_gold += sum(gold.values())

    def to_dict(self) -> dict[str, float | int]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "tp": self.tp,
            "predicted": self.n_pred,
            "expected": self.n_gold,
        }


ACTOR_MEASURES = ("source_country", "target_country", "source_full", "target_full", "dyad_country", "dyad_full")


@dataclass
class EventScores:
    """Everything ``evaluate`` reports for the plover and cameo schemes."""

    scheme: str
    levels: dict[str, PRF]
    per_type: dict[str, PRF]  # at the pair level
    pairs: int  # type-matched (expected, predicted) pairs
    actor_hits: dict[str, int]  # ACTOR_MEASURES -> pairs that match
    no_event_records: int
    no_event_records_with_predictions: int
    no_event_false_positives: int
    confusion: Counter[tuple[str, str]]  # (expected, predicted or "none") for one-event records
    records: int

    @property
    def pair_level(self) -> str:
        return PAIR_LEVEL[self.scheme]

    def actor_rate(self, measure: str) -> float:
        return self.actor_hits[measure] / self.pairs if self.pairs else 0.0

    @property
    def false_positive_rate(self) -> float:
        """Share of no-event records where something was predicted."""
        n = self.no_event_records
        return self.no_event_records_with_predictions / n if n else 0.0

    def to_dict(self) -> dict[str, Any]:
        confusion: dict[str, dict[str, int]] = {}
        for (gold, pred), n in sorted(self.confusion.items()):
            confusion.setdefault(gold, {})[pred] = n
        return {
            "records_scored": self.records,
            "levels": {k: v.to_dict() for k, v in self.levels.items()},
            "per_type": {k: v.to_dict() for k, v in sorted(self.per_type.items())},
            "actors": {
                "pair_level": self.pair_level,
                "pairs": self.pairs,
                **{m: {"matches": self.actor_hits[m], "rate": self.actor_rate(m)} for m in ACTOR_MEASURES},
            },
            "no_event_records": {
                "records": self.no_event_records,
                "with_predictions": self.no_event_records_with_predictions,
                "false_positive_events": self.no_event_false_positives,
                "false_positive_rate": self.false_positive_rate,
            },
            "confusion": confusion,
        }


def _pair(gold: list[Item], pred: list[Item]) -> list[tuple[Item, Item]]:
    """Greedy one-to-one pairing of same-type events, best actor agreement first."""

    def agreement(g: Item, p: Item) -> tuple[int, int, float]:
        full = _any(g.sources, p.sources, ActorKey.matches_full) + _any(g.targets, p.targets, ActorKey.matches_full)
        country = _any(g.sources, p.sources, ActorKey.matches_country) + _any(
            g.targets, p.targets, ActorKey.matches_country
        )
        return full, country, p.confidence

    candidates = sorted(
        ((agreement(g, p), i, j) for i, g in enumerate(gold) for j, p in enumerate(pred)),
        key=lambda c: c[0],
        reverse=True,
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, i, j in candidates:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            pairs.append((gold[i], pred[j]))
    return pairs


def _any(gold: tuple[ActorKey, ...], pred: tuple[ActorKey, ...], match: Callable[[ActorKey, ActorKey], bool]) -> int:
    return int(any(match(g, p) for g in gold for p in pred))


def score_events(scored: Sequence[tuple[GoldRecord, list[Item]]], scheme: str) -> EventScores:
    """Score (gold record, predicted items) pairs for the ``plover`` or ``cameo`` scheme."""
    levels = {lvl: PRF() for lvl in LEVELS[scheme]}
    pair_level = PAIR_LEVEL[scheme]
    per_type: dict[str, PRF] = {}
    hits = dict.fromkeys(ACTOR_MEASURES, 0)
    n_pairs = no_ev = no_ev_pred = no_ev_fp = 0
    confusion: Counter[tuple[str, str]] = Counter()
    for record, pred in scored:
        for lvl, prf in levels.items():
            prf.add(Counter(g.labels[lvl] for g in record.expected), Counter(p.labels[lvl] for p in pred))
        gold_types = Counter(g.labels[pair_level] for g in record.expected)
        pred_types = Counter(p.labels[pair_level] for p in pred)
        for t in gold_types | pred_types:
            per_type.setdefault(t, PRF()).add(Counter({t: gold_types[t]}), Counter({t: pred_types[t]}))
            same = [p for p in pred if p.labels[pair_level] == t]
            for g, p in _pair([g for g in record.expected if g.labels[pair_level] == t], same):
                n_pairs += 1
                marks = {
                    "source_country": _any(g.sources, p.sources, ActorKey.matches_country),
                    "target_country": _any(g.targets, p.targets, ActorKey.matches_country),
                    "source_full": _any(g.sources, p.sources, ActorKey.matches_full),
                    "target_full": _any(g.targets, p.targets, ActorKey.matches_full),
                }
                marks["dyad_country"] = marks["source_country"] & marks["target_country"]
                marks["dyad_full"] = marks["source_full"] & marks["target_full"]
                for m, v in marks.items():
                    hits[m] += v
        if not record.expected:
            no_ev += 1
            no_ev_pred += bool(pred)
            no_ev_fp += len(pred)
        elif len(record.expected) == 1:
            best = max(pred, key=lambda p: p.confidence, default=None)
            confusion[(record.expected[0].labels[pair_level], best.labels[pair_level] if best else NONE)] += 1
    return EventScores(scheme, levels, per_type, n_pairs, hits, no_ev, no_ev_pred, no_ev_fp, confusion, len(scored))


# -- IndiaPoliceEvents ----------------------------------------------------------


@dataclass(frozen=True)
class ClassRule:
    """When a police event gives an IPE class: its code starts with one of ``codes``
    (``None``: any code) and its modality is counted, or its modality is in ``modalities``."""

    codes: tuple[str, ...] | None
    modalities: frozenset[Modality] = frozenset()


@dataclass(frozen=True)
class IpeRules:
    """IndiaPoliceEvents classes as predicates over coded events (``data/ipe.yaml``)."""

    police_roles: frozenset[str]
    classes: dict[str, ClassRule]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IpeRules:
        """Validate and build the rules; ValueError names the bad entry."""
        roles = frozenset(str(r) for r in data.get("police_roles") or [])
        if not roles:
            raise ValueError("ipe rules: 'police_roles' must list at least one role")
        classes: dict[str, ClassRule] = {}
        for name, spec in (data.get("classes") or {}).items():
            codes = spec.get("codes")
            if codes == "all":
                prefixes = None
            elif isinstance(codes, list) and all(isinstance(c, str) and c.isdigit() for c in codes):
                prefixes = tuple(codes)
            else:
                raise ValueError(
                    f"ipe rules: class {name}: 'codes' must be 'all' or a list of "
                    f"CAMEO code prefixes as strings, got {codes!r}"
                )
            try:
                modalities = frozenset(Modality(m) for m in spec.get("modalities") or [])
            except ValueError as exc:
                raise ValueError(f"ipe rules: class {name}: {exc}") from None
            classes[str(name)] = ClassRule(prefixes, modalities)
        if not classes:
            raise ValueError("ipe rules: no classes")
        return cls(roles, classes)

    def labels(self, events: Iterable[EventMention], asserted_only: bool = False) -> set[str]:
        """The IPE classes that a sentence's events give."""
        found: set[str] = set()
        for e in events:
            if e.source.role not in self.police_roles:
                continue
            for name, rule in self.classes.items():
                by_code = rule.codes is None or e.code.startswith(rule.codes)
                if (by_code and counted(e, asserted_only)) or e.modality in rule.modalities:
                    found.add(name)
        return found


@dataclass
class IpeScores:
    """Sentence-level multi-label scores for the ``ipe`` scheme."""

    classes: dict[str, dict[str, int]]  # class -> tp, fp, fn, tn
    no_label_records: int
    no_label_with_predictions: int

    @staticmethod
    def _prf(c: Mapping[str, int]) -> dict[str, float]:
        prf = PRF(c["tp"], c["tp"] + c["fp"], c["tp"] + c["fn"])
        return {"precision": prf.precision, "recall": prf.recall, "f1": prf.f1}

    def class_scores(self, name: str) -> dict[str, float]:
        return self._prf(self.classes[name])

    @property
    def micro(self) -> dict[str, float]:
        total = Counter[str]()
        for c in self.classes.values():
            total.update(c)
        return self._prf({k: total[k] for k in ("tp", "fp", "fn", "tn")})

    @property
    def macro_f1(self) -> float:
        return sum(self.class_scores(n)["f1"] for n in self.classes) / len(self.classes) if self.classes else 0.0

    @property
    def false_positive_rate(self) -> float:
        """Share of label-less sentences that got a predicted label."""
        n = self.no_label_records
        return self.no_label_with_predictions / n if n else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "classes": {n: {**c, **self.class_scores(n)} for n, c in self.classes.items()},
            "micro": self.micro,
            "macro_f1": self.macro_f1,
            "no_label_records": {
                "records": self.no_label_records,
                "with_predictions": self.no_label_with_predictions,
                "false_positive_rate": self.false_positive_rate,
            },
        }


def score_ipe(scored: Sequence[tuple[GoldRecord, set[str]]], class_names: Sequence[str]) -> IpeScores:
    """Per-class TP/FP/FN/TN over sentences from (gold record, predicted labels) pairs."""
    classes = {n: {"tp": 0, "fp": 0, "fn": 0, "tn": 0} for n in class_names}
    empty = empty_pred = 0
    for record, pred in scored:
        for n, c in classes.items():
            key = ("t" if (n in pred) == (n in record.labels) else "f") + ("p" if n in pred else "n")
            c[key] += 1
        if not record.labels:
            empty += 1
            empty_pred += bool(pred)
    return IpeScores(classes, empty, empty_pred)


def mentions_by_record(
    mentions: Iterable[EventMention], sentences: Sequence[Sentence], record_starts: Sequence[int]
) -> list[list[EventMention]]:
    """Split a document's event mentions among the records it was built from.

    ``record_starts`` are the ascending offsets where each record's text begins in
    the document; a mention belongs to the record holding its trigger's first character.
    """
    out: list[list[EventMention]] = [[] for _ in record_starts]
    for e in mentions:
        at = sentences[e.sentence_index].start + e.trigger_span[0]
        out[max(bisect_right(record_starts, at) - 1, 0)].append(e)
    return out
