"""Dyad time series: what A did to B and B to A, period by period.

Input is an events DataFrame as returned by ``Store.events`` (one row per
deduplicated event; columns ``event_key``, ``event_date``, ``source``,
``target``, ``quad_class``, ``goldstein``, ``num_mentions``, ...). Which rows
belong to actor A follows the store's actor-matching rule (``RUS`` matches
``RUSGOV`` and ``RUSMIL``; ``RUSGOV`` matches ``RUSGOV``, not ``RUSMIL``;
``UNO`` matches ``IGOUNO``).

Counts are events per QuadClass; with ``weighted=True`` each event counts
``num_mentions`` times (how often the press reported it), and mean Goldstein is
weighted the same way. Every period between the first and the last is present:
periods without events have zero counts and a missing (NaN) mean Goldstein,
since a mean of nothing is not neutral 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from typing import Any, Literal

import duckdb
import numpy as np
import pandas as pd

from realpolitik.store.db import actor_filter
from realpolitik.types import EventMention

Period = Literal["week", "month", "year"]
PERIODS: tuple[str, ...] = ("week", "month", "year")
_FREQ = {"week": "W-SUN", "month": "M", "year": "Y"}  # weeks run Monday..Sunday (ISO)

QUAD_COLUMNS: dict[int, str] = {1: "verbal_coop", 2: "material_coop", 3: "verbal_conflict", 4: "material_conflict"}
SERIES_COLUMNS: tuple[str, ...] = (
    "direction",
    "source",
    "target",
    "period",
    "period_start",
    *QUAD_COLUMNS.values(),
    "total",
    "goldstein_mean",
)
TOP_COLUMNS: tuple[str, ...] = (
    "event_key",
    "event_date",
    "date_precision",
    "source",
    "target",
    "code",
    "event_name",
    "quad_class",
    "goldstein",
    "modality",
    "num_mentions",
    "num_sources",
    "trigger_text",
    "source_text",
    "target_text",
    "sentence_text",
    "evidence",
)


def events_frame(records: Iterable[EventMention | dict[str, Any]]) -> pd.DataFrame:
    """A ``Store.events``-shaped frame from coded events, without a store.

    Takes :class:`~realpolitik.types.EventMention` objects or their ``to_dict()``
    records (the lines ``realpolitik code`` writes). Each event stands alone:
    ``event_key`` is its ``mention_id`` and ``num_mentions``, ``num_sources`` and
    ``num_documents`` are 1.
    """
    rows = [r.to_dict() if isinstance(r, EventMention) else dict(r) for r in records]
    frame = pd.DataFrame(rows).rename(columns={"mention_id": "event_key"})
    if frame.empty:
        return frame
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    for column in ("num_mentions", "num_sources", "num_documents"):
        if column not in frame:
            frame[column] = 1
    return frame


def actor_mask(events: pd.DataFrame, side: str, query: str) -> pd.Series:
    """Rows whose ``side`` (``"source"`` or ``"target"``) actor matches ``query``.

    The rule is the store's own (:func:`realpolitik.store.db.actor_filter`,
    run by DuckDB over the frame), so a frame filtered here and a
    ``Store.events`` query agree: ``RUS`` matches the country RUS (``RUSGOV``,
    ``RUSMIL``), a code matches itself and longer codes, ``UNO`` matches ``IGOUNO``.
    """
    clause, params = actor_filter(side, query)
    sides = events[[side, f"{side}_country"]].astype("string").reset_index(drop=True)
    sides["row_number"] = np.arange(len(sides))
    with _memory().cursor() as con:  # a cursor of one in-memory database: cheap, and private to this call
        con.register("frame", sides)
        hits = con.execute(
            f"SELECT COALESCE({clause}, false) AS hit FROM frame ORDER BY row_number", params
        ).fetchnumpy()["hit"]
    return pd.Series(np.asarray(hits, dtype=bool), index=events.index)


@lru_cache(maxsize=1)
def _memory() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def direction_label(source: str, target: str) -> str:
    """``"RUS → PRK"``."""
    return f"{source} → {target}"


def to_periods(dates: pd.Series, by: Period) -> pd.Series:
    """Each date's period (a pandas Period of the chosen frequency)."""
    _check_by(by)
    return pd.to_datetime(dates).dt.to_period(_FREQ[by])


def period_label(period: pd.Period, by: Period) -> str:
    """``2024-W23`` (ISO week), ``2024-06`` or ``2024``."""
    if by == "week":
        year, week, _ = period.start_time.isocalendar()
        return f"{year}-W{week:02d}"
    return str(period)


def dyad_events(events: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Events from A to B or B to A, with a ``direction`` column (``"A → B"`` / ``"B → A"``).

    An event whose source and target both match both actors (possible only when
    one code contains the other, e.g. ``RUS`` and ``RUSGOV``) counts as A → B.
    """
    if a == b:
        raise ValueError(f"a dyad needs two different actors, got {a!r} twice")
    ab = actor_mask(events, "source", a) & actor_mask(events, "target", b)
    ba = actor_mask(events, "source", b) & actor_mask(events, "target", a) & ~ab
    out = events[ab | ba].copy()
    out["direction"] = np.where(ab[ab | ba], direction_label(a, b), direction_label(b, a))
    return out


def dyad_series(
    events: pd.DataFrame,
    a: str,
    b: str,
    by: Period = "month",
    weighted: bool = False,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """Per period and direction: event counts per QuadClass, total and mean Goldstein.

    Columns: ``direction``, ``source``, ``target``, ``period`` (label),
    ``period_start`` (Timestamp), ``verbal_coop``, ``material_coop``,
    ``verbal_conflict``, ``material_conflict``, ``total``, ``goldstein_mean``.
    Rows run A → B first, then B → A, each over one continuous range of periods
    (from the dyad's first to its last event; ``start``/``end`` set the range's
    ends instead when given). ``weighted=True`` counts each event
    ``num_mentions`` times.
    """
    pair = dyad_events(events, a, b)
    directions = [(direction_label(a, b), a, b), (direction_label(b, a), b, a)]
    periods = span_periods(pair["event_date"], by, start, end)
    return directional_series(pair, directions, periods, by, weighted)


def directional_series(
    pair: pd.DataFrame,
    directions: Sequence[tuple[str, str, str]],
    periods: pd.PeriodIndex,
    by: Period,
    weighted: bool = False,
) -> pd.DataFrame:
    """The series of :func:`dyad_series` for events already labelled with a ``direction``.

    ``directions`` lists ``(label, source, target)``; ``periods`` is the
    continuous index every direction is laid out on.
    """
    if len(periods) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SERIES_COLUMNS})
    frame = pair.assign(period=to_periods(pair["event_date"], by), weight=_weights(pair, weighted))
    frame = frame[frame["period"].isin(periods)]
    frame = frame.assign(wg=frame["weight"] * frame["goldstein"].astype(float))
    parts = []
    for label, source, target in directions:
        rows = frame[frame["direction"] == label]
        counts = (
            rows.pivot_table(index="period", columns="quad_class", values="weight", aggfunc="sum")
            .reindex(index=periods, columns=list(QUAD_COLUMNS), fill_value=0)
            .fillna(0)
        )
        counts.columns = list(QUAD_COLUMNS.values())
        sums = rows.groupby("period")[["weight", "wg"]].sum().reindex(periods)
        part = counts.astype(int)
        part["total"] = part[list(QUAD_COLUMNS.values())].sum(axis=1)
        part["goldstein_mean"] = (sums["wg"] / sums["weight"]).where(sums["weight"] > 0).round(3)
        part.insert(0, "period_start", periods.start_time)
        part.insert(0, "period", [period_label(p, by) for p in periods])
        part.insert(0, "target", target)
        part.insert(0, "source", source)
        part.insert(0, "direction", label)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)[list(SERIES_COLUMNS)]


def top_events(events: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The ``n`` most-reported events with their evidence.

    Ranked by ``num_mentions``, then ``num_sources``, then the size of the
    Goldstein score, then the latest date, then ``event_key`` (so ties are
    deterministic). ``evidence`` is the sentence with the source and target
    text in ``[brackets]`` and the trigger in ``«guillemets»``.
    """
    ranked = events.assign(
        _m=_column(events, "num_mentions", 1),
        _s=_column(events, "num_sources", 1),
        _g=events["goldstein"].astype(float).abs(),
        _d=pd.to_datetime(events["event_date"]),
    )
    ranked = ranked.sort_values(
        ["_m", "_s", "_g", "_d", "event_key"], ascending=[False, False, False, False, True]
    ).head(n)
    out = pd.DataFrame({c: ranked[c] if c in ranked else None for c in TOP_COLUMNS if c != "evidence"})
    out["evidence"] = [mark_evidence(r) for r in ranked.to_dict("records")]
    return out.reset_index(drop=True)


def mark_evidence(record: dict[str, Any]) -> str:
    """The sentence with ``[source]``, ``«trigger»`` and ``[target]`` marked by their spans.

    Spans that are missing, overlapping or out of range are left unmarked.
    """
    text = record.get("sentence_text") or ""
    marks = []
    for field, opener, closer in (("source_span", "[", "]"), ("trigger_span", "«", "»"), ("target_span", "[", "]")):
        span = as_span(record.get(field))
        if span and 0 <= span[0] < span[1] <= len(text):
            marks.append((span[0], span[1], opener, closer))
    marks.sort()
    kept = [m for i, m in enumerate(marks) if i == 0 or m[0] >= marks[i - 1][1]]
    for start, end, opener, closer in reversed(kept):
        text = text[:start] + opener + text[start:end] + closer + text[end:]
    return text


def as_span(value: object) -> tuple[int, int] | None:
    """A ``(start, end)`` span from a list, tuple, array or ``"[3, 9]"`` string; None if it is not one."""
    if isinstance(value, str):  # CSV/JSON round trips keep spans as "[3, 9]"
        parts = value.strip("[]() ").split(",")
        value = parts if len(parts) == 2 else None
    if value is None or isinstance(value, float) or len(value) != 2:  # type: ignore[arg-type]
        return None
    try:
        return int(value[0]), int(value[1])  # type: ignore[index]
    except (TypeError, ValueError):
        return None


AUTO_LIMITS: dict[str, int] = {"week": 26, "month": 72}  # choose_period: most periods of each kind


def choose_period(dates: pd.Series) -> Period:
    """A sensible period for a series over these dates: weeks for up to half a year of events,
    months for up to six years, else years (a dyad with six events in twenty years is shown
    per year, a fortnight's crisis per week)."""
    known = pd.Series(pd.to_datetime(dates)).dropna()
    if known.empty:
        return "month"
    for by, limit in AUTO_LIMITS.items():
        if len(span_periods(known, by)) <= limit:  # type: ignore[arg-type]
            return by  # type: ignore[return-value]
    return "year"


def span_periods(dates: pd.Series, by: Period, start: date | None = None, end: date | None = None) -> pd.PeriodIndex:
    """The continuous periods from the first to the last date (or from ``start`` / to ``end``)."""
    known = to_periods(pd.Series(pd.to_datetime(dates)).dropna(), by)
    first = _period_of(start, by) if start else (known.min() if len(known) else None)
    last = _period_of(end, by) if end else (known.max() if len(known) else None)
    if first is None or last is None or first > last:
        return pd.PeriodIndex([], freq=_FREQ[by])
    return pd.period_range(first, last, freq=_FREQ[by])


def _period_of(day: date, by: Period) -> pd.Period:
    return pd.Timestamp(day).to_period(_FREQ[by])


def _weights(frame: pd.DataFrame, weighted: bool) -> pd.Series:
    if not weighted:
        return pd.Series(1, index=frame.index, dtype=int)
    return _column(frame, "num_mentions", 1)


def _column(frame: pd.DataFrame, name: str, default: int) -> pd.Series:
    if name not in frame:
        return pd.Series(default, index=frame.index, dtype=int)
    return frame[name].fillna(default).astype(int)


def _check_by(by: str) -> None:
    if by not in PERIODS:
        raise ValueError(f"unknown period {by!r}: expected one of {', '.join(PERIODS)}")
