"""Agreement between two independent annotation passes of the same gold sentences.

* **Krippendorff's alpha** on each sentence's set of root codes, with the MASI distance
  for sets (Passonneau 2006): identical sets are 0 apart, a subset 1 − J·2/3, an
  overlap 1 − J/3, disjoint sets 1 (J the Jaccard index). With a 0/1 distance the same
  function gives the usual nominal alpha.
* **Event F1 between passes**: the first pass taken as reference and the second as
  prediction, at root and code level (the same micro average over sentences the coder
  is scored with), so the figure reads as the human ceiling beside the coder's.
* **Source and target agreement** on pairs of events the two passes coded with the same
  root (paired one to one, trigger overlap and actor agreement first), at country and
  country + role level; modality and date agreement on the same pairs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from itertools import permutations
from typing import Any, TypeVar

from realpolitik.evaluation.gold import GoldMention, GoldSentence
from realpolitik.evaluation.score import PRF

V = TypeVar("V", bound=Hashable)


def masi_distance(a: frozenset[Any], b: frozenset[Any]) -> float:
    """MASI distance between two sets (0 identical … 1 disjoint); two empty sets are identical."""
    if a == b:
        return 0.0
    union = len(a | b)
    inter = len(a & b)
    jaccard = inter / union
    monotonicity = 2 / 3 if (a <= b or b <= a) else 1 / 3 if inter else 0.0
    return 1.0 - jaccard * monotonicity


def nominal_distance(a: Any, b: Any) -> float:
    return 0.0 if a == b else 1.0


def krippendorff_alpha(units: Sequence[Sequence[V]], distance: Callable[[V, V], float]) -> float:
    """Krippendorff's alpha for units each coded by several coders (values per unit; missing left out).

    Units with fewer than two values are not pairable and are skipped. Returns 1.0 when
    there is no expected disagreement at all (every value identical).
    """
    pairable = [list(u) for u in units if len(u) >= 2]
    values = [v for u in pairable for v in u]
    n = len(values)
    if n < 2:
        raise ValueError("alpha needs at least one unit coded twice")
    observed = sum(sum(distance(a, b) for a, b in permutations(u, 2)) / (len(u) - 1) for u in pairable) / n
    counts = Counter(values)
    expected = sum(ca * cb * distance(a, b) for a, ca in counts.items() for b, cb in counts.items() if a != b)
    expected /= n * (n - 1)
    return 1.0 if expected == 0 else 1.0 - observed / expected


def _pair(a: Sequence[GoldMention], b: Sequence[GoldMention]) -> list[tuple[GoldMention, GoldMention]]:
    """Same-root events of two passes, one to one, most alike first."""

    def likeness(x: GoldMention, y: GoldMention) -> tuple[int, ...]:
        trigger = x.trigger_span[0] < y.trigger_span[1] and y.trigger_span[0] < x.trigger_span[1]
        return (
            int(trigger),
            int(x.code == y.code),
            int(x.source.code == y.source.code),
            int((x.target.code if x.target else None) == (y.target.code if y.target else None)),
        )

    cands = sorted(
        ((likeness(x, y), i, j) for i, x in enumerate(a) for j, y in enumerate(b) if x.root == y.root),
        key=lambda c: c[0],
        reverse=True,
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for _, i, j in cands:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            out.append((a[i], b[j]))
    return out


def _country(code: str | None) -> str | None:
    return None if code is None or code.startswith("---") else code[:3]


def agreement(first: Mapping[str, GoldSentence], second: Mapping[str, GoldSentence]) -> dict[str, Any]:
    """Every agreement figure over the sentences both passes annotated (keyed by sentence id)."""
    ids = [i for i in first if i in second]
    if not ids:
        raise ValueError("the two passes share no sentence")
    root_sets = [
        [frozenset(e.root for e in first[i].expected), frozenset(e.root for e in second[i].expected)] for i in ids
    ]
    has_event = [[bool(first[i].expected), bool(second[i].expected)] for i in ids]
    levels = {"root": PRF(), "code": PRF()}
    pairs = 0
    hits: Counter[str] = Counter()
    for i in ids:
        a, b = first[i].expected, second[i].expected
        levels["root"].add(Counter(e.root for e in a), Counter(e.root for e in b))
        levels["code"].add(Counter(e.code for e in a), Counter(e.code for e in b))
        for x, y in _pair(a, b):
            pairs += 1
            xt, yt = (x.target.code if x.target else None), (y.target.code if y.target else None)
            hits["source_country"] += _country(x.source.code) == _country(y.source.code)
            hits["source_full"] += x.source.code == y.source.code
            hits["target_country"] += _country(xt) == _country(yt)
            hits["target_full"] += xt == yt
            hits["code"] += x.code == y.code
            hits["modality"] += x.modality == y.modality
            hits["date"] += x.date == y.date
    return {
        "sentences": len(ids),
        "sentences_with_events": {"first": sum(a for a, _ in has_event), "second": sum(b for _, b in has_event)},
        "mentions": {
            "first": sum(len(first[i].expected) for i in ids),
            "second": sum(len(second[i].expected) for i in ids),
        },
        "alpha_root_sets_masi": krippendorff_alpha(root_sets, masi_distance),
        "alpha_has_event_nominal": krippendorff_alpha(has_event, nominal_distance),
        "f1_second_vs_first": {k: v.to_dict() for k, v in levels.items()},
        "same_root_pairs": pairs,
        "on_same_root_pairs": {
            k: {"agree": hits[k], "rate": hits[k] / pairs if pairs else 0.0}
            for k in ("code", "source_country", "source_full", "target_country", "target_full", "modality", "date")
        },
    }
