"""Cross-story deduplication: event mentions -> events.

Two mentions report the same event when they share the *group*
``(source, target, root_code, modality)`` and their event dates lie in one
chain whose consecutive gaps are at most :data:`WINDOW_DAYS` days. So reports
dated 1, 3 and 6 March form one event (gaps 2 and 3), and 1 and 11 March form
two. Mentions without a date are grouped per document (the same story told
twice in one article), never across documents.

The result depends only on the set of mentions, not on the order they were
ingested in: chains are built over dates sorted, and every attribute of an
event is chosen by a total order (see :func:`summarize`). The event key is a
hash of the group and the cluster's first date, so it is stable as long as no
earlier report joins the cluster.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

WINDOW_DAYS = 3  # the largest gap, in days, between consecutive reports of one event

Row = Mapping[str, Any]  # a mention row: mention_key, doc_hash, site, event_date, code, confidence, ...


@dataclass(frozen=True)
class Cluster:
    """One deduplicated event: its key, its mentions and the summary of them."""

    event_key: str
    first_date: date | None
    last_date: date | None
    code: str  # the most frequent code among the mentions
    representative: Row  # the mention whose sentence stands for the event
    mention_keys: tuple[str, ...]
    num_documents: int
    num_sources: int
    confidence: float


def group_key(source: str, target: str | None, root_code: str, modality: str) -> str:
    """The dedup group of a mention: ``source|target|root_code|modality`` (target '' when none)."""
    return f"{source}|{target or ''}|{root_code}|{modality}"


def event_key(group: str, first_date: date | None, doc_hash: str | None = None) -> str:
    """Stable id of a cluster: its group plus first date (plus the document for undated clusters)."""
    anchor = first_date.isoformat() if first_date else f"undated:{doc_hash}"
    return hashlib.sha1(f"{group}|{anchor}".encode()).hexdigest()[:16]


def chains(dates: Sequence[date], window: int = WINDOW_DAYS) -> list[tuple[date, date]]:
    """The (first, last) date spans formed by chaining sorted dates with gaps of at most `window` days."""
    spans: list[tuple[date, date]] = []
    for day in sorted(dates):
        if spans and day - spans[-1][1] <= timedelta(days=window):
            spans[-1] = (spans[-1][0], day)
        else:
            spans.append((day, day))
    return spans


def cluster(group: str, rows: Sequence[Row], window: int = WINDOW_DAYS) -> list[Cluster]:
    """All clusters of one group's mentions, sorted by key."""
    dated = [r for r in rows if r["event_date"] is not None]
    members: dict[str, list[Row]] = {}
    firsts = [first for first, _ in chains([r["event_date"] for r in dated], window)]
    keys = [event_key(group, first) for first in firsts]
    for row in dated:
        members.setdefault(keys[bisect_right(firsts, row["event_date"]) - 1], []).append(row)
    for row in rows:
        if row["event_date"] is None:
            members.setdefault(event_key(group, None, row["doc_hash"]), []).append(row)
    return [summarize(key, members[key]) for key in sorted(members)]


def summarize(key: str, rows: Sequence[Row]) -> Cluster:
    """The event a cluster of mentions stands for.

    Code: the most frequent, ties to the smallest. Representative: among the
    mentions with that code, the highest confidence, then the earliest date,
    then the smallest mention key.
    """
    counts = Counter(r["code"] for r in rows)
    code = min(counts, key=lambda c: (-counts[c], c))
    representative = min(
        (r for r in rows if r["code"] == code),
        key=lambda r: (-(r["confidence"] or 0.0), r["event_date"] or date.max, r["mention_key"]),
    )
    dates = [r["event_date"] for r in rows if r["event_date"] is not None]
    return Cluster(
        event_key=key,
        first_date=min(dates, default=None),
        last_date=max(dates, default=None),
        code=code,
        representative=representative,
        mention_keys=tuple(sorted(r["mention_key"] for r in rows)),
        num_documents=len({r["doc_hash"] for r in rows}),
        num_sources=len({r["site"] for r in rows}),
        confidence=max(r["confidence"] or 0.0 for r in rows),
    )
