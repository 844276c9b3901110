"""Scoring coded events against the realpolitik gold (``--scheme realpolitik``; pure, no I/O).

Each gold sentence is compared with the events whose trigger starts inside it:

* **root / code P, R, F1**: per sentence, the multiset of predicted CAMEO roots (codes)
  against the expected ones, micro-averaged. Events of every modality but negated and
  denied are scored on both sides (``asserted_only``: asserted ones only), as for the
  other schemes.
* **actors**, on root-matched (expected, predicted) pairs, paired one to one with the best
  agreement first (trigger overlap, full code, actors): source and target right at country
  level and at country + role level, each also with the evidence span overlapping the
  annotated one (an actor the sentence leaves implicit has no span, and then the code
  alone decides).
* **modality accuracy**: on pairs made over *all* events, so that "did not attack" coded
  as asserted counts as a modality error, not a missed event.
* **date accuracy** at the gold's precision: a gold "1950" (year) is met by any day in
  1950, a "1990s" by any day in the decade.
* **false-positive rate**: the share of no-event sentences that got a scored event.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from realpolitik.evaluation.gold import GoldActor, GoldMention, GoldSentence
from realpolitik.evaluation.score import PRF, ActorKey, actor_key, counted
from realpolitik.types import Actor, EventMention, Modality

ACTOR_MEASURES = (
    "source_country",
    "source_full",
    "source_country_span",
    "source_full_span",
    "target_country",
    "target_full",
    "target_country_span",
    "target_full_span",
)


@dataclass(frozen=True)
class Predicted:
    """A coded event with its offsets moved to the article text."""

    event: EventMention
    offset: int  # where the event's sentence starts in the article

    def span(self, which: str) -> tuple[int, int] | None:
        span = getattr(self.event, f"{which}_span")
        return None if span is None else (self.offset + span[0], self.offset + span[1])


def gold_key(actor: GoldActor | None) -> ActorKey:
    """A gold actor as a scoring key (``---`` parts become None)."""
    if actor is None:
        return ActorKey(None, None)
    return ActorKey(actor.country, actor.role)


def _overlap(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def _shift(span: tuple[int, int] | None, offset: int) -> tuple[int, int] | None:
    return None if span is None else (span[0] + offset, span[1] + offset)


@dataclass
class Pair:
    """An expected event, the predicted event paired with it, and the gold sentence's offset."""

    gold: GoldMention
    pred: Predicted
    offset: int

    def actor_marks(self) -> dict[str, int]:
        marks = {}
        for side in ("source", "target"):
            g: GoldActor | None = getattr(self.gold, side)
            p: Actor | None = getattr(self.pred.event, side)
            gk, pk = gold_key(g), actor_key(p)
            country, full = gk.matches_country(pk), gk.matches_full(pk)
            if g is None or g.span is None:  # no target, or an implicit actor: the code decides
                spans = True
            else:
                spans = _overlap(_shift(g.span, self.offset), self.pred.span(side))
            marks[f"{side}_country"] = int(country)
            marks[f"{side}_full"] = int(full)
            marks[f"{side}_country_span"] = int(country and spans)
            marks[f"{side}_full_span"] = int(full and spans)
        return marks


def _agreement(g: GoldMention, p: Predicted, offset: int) -> tuple[int, ...]:
    trigger = _overlap(_shift(g.trigger_span, offset), p.span("trigger"))
    marks = Pair(g, p, offset).actor_marks()
    return (
        int(g.root == p.event.root_code),
        int(trigger),
        int(g.code == p.event.code),
        marks["source_full"] + marks["target_full"],
        marks["source_country"] + marks["target_country"],
    )


def pair_events(
    gold: Sequence[GoldMention], pred: Sequence[Predicted], offset: int, same_root: bool = True
) -> list[Pair]:
    """One-to-one pairs, best agreement first; with ``same_root`` only events of one root pair."""
    candidates = sorted(
        ((_agreement(g, p, offset), i, j) for i, g in enumerate(gold) for j, p in enumerate(pred)),
        key=lambda c: c[0],
        reverse=True,
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for agreement, i, j in candidates:
        if i in used_g or j in used_p:
            continue
        if same_root and not agreement[0]:
            continue
        if not same_root and not (agreement[0] or agreement[1]):  # unrelated events do not pair
            continue
        used_g.add(i)
        used_p.add(j)
        pairs.append(Pair(gold[i], pred[j], offset))
    return pairs


def gold_counted(event: GoldMention, asserted_only: bool = False) -> bool:
    """The gold side of :func:`realpolitik.evaluation.score.counted`."""
    if asserted_only:
        return event.modality == Modality.ASSERTED.value
    return event.modality not in (Modality.NEGATED.value, Modality.DENIED.value)


@dataclass
class GoldScores:
    """Everything ``evaluate --scheme realpolitik`` reports."""

    levels: dict[str, PRF]
    per_root: dict[str, PRF]
    pairs: int
    actor_hits: dict[str, int]
    modality_pairs: int
    modality_hits: int
    modality_confusion: Counter[tuple[str, str]]
    date_hits: int
    date_by_precision: dict[str, list[int]]  # precision -> [hits, pairs]
    no_event_sentences: int
    no_event_with_predictions: int
    sentences: int
    by_kind: dict[str, PRF] = field(default_factory=dict)  # root level per sentence kind

    def rate(self, measure: str) -> float:
        return self.actor_hits[measure] / self.pairs if self.pairs else 0.0

    @property
    def modality_accuracy(self) -> float:
        return self.modality_hits / self.modality_pairs if self.modality_pairs else 0.0

    @property
    def date_accuracy(self) -> float:
        return self.date_hits / self.pairs if self.pairs else 0.0

    @property
    def false_positive_rate(self) -> float:
        n = self.no_event_sentences
        return self.no_event_with_predictions / n if n else 0.0

    def to_dict(self) -> dict[str, Any]:
        confusion: dict[str, dict[str, int]] = {}
        for (gold, pred), n in sorted(self.modality_confusion.items()):
            confusion.setdefault(gold, {})[pred] = n
        return {
            "sentences_scored": self.sentences,
            "levels": {k: v.to_dict() for k, v in self.levels.items()},
            "per_root": {k: v.to_dict() for k, v in sorted(self.per_root.items())},
            "by_kind": {k: v.to_dict() for k, v in sorted(self.by_kind.items())},
            "actors": {
                "pair_level": "root",
                "pairs": self.pairs,
                **{m: {"matches": self.actor_hits[m], "rate": self.rate(m)} for m in ACTOR_MEASURES},
            },
            "modality": {
                "pairs": self.modality_pairs,
                "correct": self.modality_hits,
                "accuracy": self.modality_accuracy,
                "confusion": confusion,
            },
            "date": {
                "pairs": self.pairs,
                "correct": self.date_hits,
                "accuracy": self.date_accuracy,
                "by_precision": {
                    k: {"correct": h, "pairs": n, "accuracy": h / n if n else 0.0}
                    for k, (h, n) in sorted(self.date_by_precision.items())
                },
            },
            "no_event_sentences": {
                "sentences": self.no_event_sentences,
                "with_predictions": self.no_event_with_predictions,
                "false_positive_rate": self.false_positive_rate,
            },
        }


def score_gold(scored: Sequence[tuple[GoldSentence, list[Predicted]]], asserted_only: bool = False) -> GoldScores:
    """Score (gold sentence, predicted events in it) pairs."""
    levels = {"root": PRF(), "code": PRF()}
    per_root: dict[str, PRF] = {}
    by_kind: dict[str, PRF] = {}
    hits = dict.fromkeys(ACTOR_MEASURES, 0)
    n_pairs = date_hits = mod_pairs = mod_hits = no_ev = no_ev_pred = 0
    date_by_precision: dict[str, list[int]] = {}
    mod_confusion: Counter[tuple[str, str]] = Counter()
    for sentence, predicted in scored:
        gold = [g for g in sentence.expected if gold_counted(g, asserted_only)]
        pred = [p for p in predicted if counted(p.event, asserted_only)]
        g_roots = Counter(g.root for g in gold)
        p_roots = Counter(p.event.root_code for p in pred)
        levels["root"].add(g_roots, p_roots)
        levels["code"].add(Counter(g.code for g in gold), Counter(p.event.code for p in pred))
        by_kind.setdefault(sentence.kind, PRF()).add(g_roots, p_roots)
        for root in g_roots | p_roots:
            per_root.setdefault(root, PRF()).add(Counter({root: g_roots[root]}), Counter({root: p_roots[root]}))
        for pair in pair_events(gold, pred, sentence.start):
            n_pairs += 1
            for m, v in pair.actor_marks().items():
                hits[m] += v
            ok = pair.gold.date.matches(pair.pred.event.event_date)
            date_hits += ok
            bucket = date_by_precision.setdefault(pair.gold.date.precision, [0, 0])
            bucket[0] += ok
            bucket[1] += 1
        for pair in pair_events(sentence.expected, predicted, sentence.start, same_root=False):
            mod_pairs += 1
            predicted_modality = pair.pred.event.modality.value
            mod_hits += predicted_modality == pair.gold.modality
            mod_confusion[(pair.gold.modality, predicted_modality)] += 1
        if not sentence.expected:
            no_ev += 1
            no_ev_pred += bool(pred)
    return GoldScores(
        levels,
        per_root,
        n_pairs,
        hits,
        mod_pairs,
        mod_hits,
        mod_confusion,
        date_hits,
        date_by_precision,
        no_ev,
        no_ev_pred,
        len(scored),
        by_kind,
    )
