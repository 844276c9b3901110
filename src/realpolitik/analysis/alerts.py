"""Alerts: periods in which a directed dyad behaves unlike its own recent past.

Method (all parameters are arguments of :func:`detect_alerts`):

* Each directed dyad (A → B and B → A separately) gets five series over one
  continuous range of periods covering the whole events frame, or ``start`` ..
  ``end`` (periods without events are zeros, so a dyad's quiet months before
  first contact count as quiet): event counts of the four QuadClasses (verbal cooperation, material
  cooperation, verbal conflict, material conflict) and the mean Goldstein score.
* Each period is compared with its own **trailing baseline**: the ``baseline``
  periods just before it (default 8), never including itself. The baseline's
  mean and standard deviation (population, ddof=0) give
  ``z = (value - mean) / max(std, floor)``; the floor (``std_floor`` = 1 event
  for counts, ``goldstein_floor`` = 1 point for Goldstein) keeps a flat
  baseline from dividing by zero or turning a single event into a huge z.
* A count series alerts ("material cooperation rising", ...) when z reaches
  the threshold ``z`` (default 3), the period has at least ``min_events``
  events of that class (default 3) and the baseline has at least
  ``min_history`` periods (default 4). Counts alert upwards only: a fall in
  activity is not flagged.
* Mean Goldstein alerts both ways ("mean Goldstein rising" / "falling") when
  ``|z|`` reaches the threshold, the period has at least ``min_events`` events and the
  baseline has at least ``min_history`` periods *with events* (a mean of no
  events is missing, not 0); the baseline is the mean of those periods' means.
* "First material conflict": the first period in which A → B has a QuadClass 4
  event, when the two had contact (an event either way) in at least
  ``first_conflict_after`` earlier periods (default 3). Its value is that
  period's count; it has no baseline or z.

Only dyads whose two actors are both known are scanned: when no dyads are
given, each side is reduced to its country (``RUSGOV`` → ``RUS``) or IGO code
(``IGOUNO``); sides without a country (a bare ``COP``) and domestic pairs are
left out. Each alert carries the event keys that explain it. Results are
deterministic: sorted by period, dyad, direction and kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from realpolitik.analysis.dyad import (
    QUAD_COLUMNS,
    Period,
    actor_mask,
    direction_label,
    dyad_events,
    period_label,
    span_periods,
    to_periods,
)
from realpolitik.store.db import EventFilter

if TYPE_CHECKING:
    from realpolitik.store.db import Store

MIN_HISTORY = 4  # baseline periods (with events) an alert needs; fewer when the baseline itself is shorter

SERIES_NAMES: dict[str, str] = {
    "verbal_coop": "verbal cooperation",
    "material_coop": "material cooperation",
    "verbal_conflict": "verbal conflict",
    "material_conflict": "material conflict",
}
KINDS: tuple[str, ...] = (
    *(f"{c}_rising" for c in QUAD_COLUMNS.values()),
    "goldstein_rising",
    "goldstein_falling",
    "first_material_conflict",
)
_PLURAL = {"week": "weeks", "month": "months", "year": "years"}


@dataclass(frozen=True)
class Alert:
    """One flagged period of one directed dyad, with the events behind it.

    ``baseline_std`` is the standard deviation actually divided by (after the
    floor); ``z`` is None for "first material conflict" alerts.
    """

    dyad: tuple[str, str]
    direction: str  # "RUS → PRK"
    source: str
    target: str
    kind: str  # one of KINDS
    period: str  # "2024-06", "2024-W23", "2024"
    period_start: date
    value: float
    baseline_mean: float | None
    baseline_std: float | None
    z: float | None
    message: str
    event_keys: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        record = asdict(self)
        record.update(
            dyad=list(self.dyad), period_start=self.period_start.isoformat(), event_keys=list(self.event_keys)
        )
        return record


def detect_alerts(
    events: pd.DataFrame,
    by: Period = "month",
    baseline: int = 8,
    z: float = 3.0,
    *,
    min_events: int = 3,
    min_history: int = MIN_HISTORY,
    std_floor: float = 1.0,
    goldstein_floor: float = 1.0,
    first_conflict_after: int = 3,
    weighted: bool = False,
    dyads: Sequence[tuple[str, str]] | None = None,
    actor: str | None = None,
    since: date | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[Alert]:
    """Alerts for the given dyads, for every dyad of ``actor``, or for every dyad in ``events``.

    ``start`` / ``end`` give the time the data covers (default: the first and
    last event of the frame); periods in it without events count as zeros.
    ``since`` only drops alerts for earlier periods: the baseline still uses
    the events before it. ``weighted=True`` counts each event ``num_mentions``
    times (messages then speak of mentions).
    """
    if baseline < 1 or min_history < 1 or min_history > baseline:
        raise ValueError("need 1 <= min_history <= baseline")
    periods = span_periods(events["event_date"], by, start, end)
    params = _Params(
        by,
        baseline,
        z,
        min_events,
        min_history,
        std_floor,
        goldstein_floor,
        first_conflict_after,
        "mentions" if weighted else "events",
    )
    alerts: list[Alert] = []
    for (a, b), pair in _pairs(events, dyads, actor):
        span = _pair_span(pair, periods, by, baseline)
        if not len(span):
            continue
        directions = [(direction_label(a, b), a, b), (direction_label(b, a), b, a)]
        pair = pair.assign(_period=to_periods(pair["event_date"], by))
        both = {label: _series(pair[pair["direction"] == label], span, weighted) for label, _, _ in directions}
        contact: np.ndarray = np.asarray(sum(one["total"] for one in both.values()) > 0)
        for label, source, target in directions:
            mine = pair[pair["direction"] == label]
            context = _Context((a, b), label, source, target, both[label], mine, span, params)
            alerts.extend(_count_alerts(context))
            alerts.extend(_goldstein_alerts(context))
            alerts.extend(_first_conflict(context, contact))
    if since is not None:
        first = pd.Timestamp(since).to_period(periods.freq).start_time.date()
        alerts = [x for x in alerts if x.period_start >= first]
    return sorted(alerts, key=lambda x: (x.period_start, x.dyad, x.direction, KINDS.index(x.kind)))


def actor_units(events: pd.DataFrame, side: str) -> pd.Series:
    """Each row's ``side`` actor reduced to its country or IGO code; None when the country is unknown."""
    code = events[side].fillna("").astype(str)
    country = events[f"{side}_country"] if f"{side}_country" in events else pd.Series(None, index=events.index)
    unit = country.where(country.notna() & (country.astype(str) != ""), None)
    return unit.where(~code.str.startswith("IGO"), code).where(code != "", None)


# -- internals ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Params:
    by: Period
    baseline: int
    z: float
    min_events: int
    min_history: int
    std_floor: float
    goldstein_floor: float
    first_conflict_after: int
    unit: str  # "events" or "mentions"


@dataclass(frozen=True)
class _Context:
    dyad: tuple[str, str]
    direction: str
    source: str
    target: str
    series: dict[str, np.ndarray]  # this direction's series over ``periods`` (see _series)
    events: pd.DataFrame  # this direction's events, with a _period column
    periods: pd.PeriodIndex
    params: _Params

    def alert(
        self,
        kind: str,
        t: int,
        value: float,
        mean: float | None,
        std: float | None,
        z: float | None,
        message: str,
        keys: list[str],
    ) -> Alert:
        return Alert(
            self.dyad,
            self.direction,
            self.source,
            self.target,
            kind,
            period_label(self.periods[t], self.params.by),
            self.periods[t].start_time.date(),
            float(value),
            _round(mean),
            _round(std),
            _round(z),
            message,
            tuple(keys),
        )


def _pairs(
    events: pd.DataFrame, dyads: Sequence[tuple[str, str]] | None, actor: str | None
) -> Iterator[tuple[tuple[str, str], pd.DataFrame]]:
    if dyads is not None:
        for a, b in dyads:
            yield (a, b), dyad_events(events, a, b)
        return
    src, tgt = actor_units(events, "source"), actor_units(events, "target")
    known = src.notna() & tgt.notna() & (src != tgt)
    if actor is not None:  # the actor's counterparts, leaving out its own country and itself
        as_src, as_tgt = actor_mask(events, "source", actor), actor_mask(events, "target", actor)
        others = set(tgt[known & as_src & ~as_tgt]) | set(src[known & as_tgt & ~as_src])
        for other in sorted(others):
            yield (actor, other), dyad_events(events, actor, other)
        return
    frame = events[known].assign(
        _a=np.minimum(src[known], tgt[known]), _b=np.maximum(src[known], tgt[known]), _src=src[known], _tgt=tgt[known]
    )
    for (a, b), pair in frame.groupby(["_a", "_b"], sort=True):
        labels = np.where(pair["_src"] == a, direction_label(a, b), direction_label(b, a))
        yield (a, b), pair.drop(columns=["_a", "_b", "_src", "_tgt"]).assign(direction=labels)


def _pair_span(pair: pd.DataFrame, periods: pd.PeriodIndex, by: Period, baseline: int) -> pd.PeriodIndex:
    """The periods a pair's alerts depend on: from `baseline` periods before its first event to its last.

    Earlier periods are zeros in every baseline that matters, later ones have no events to
    alert on, so the alerts are those of the whole range, at the cost of the pair's own time.
    """
    inside = to_periods(pair["event_date"].dropna(), by)
    inside = inside[inside.isin(periods)]
    if not len(inside):
        return periods[:0]
    first, last = periods.get_loc(inside.min()), periods.get_loc(inside.max())
    return periods[max(0, first - baseline) : last + 1]


def _series(rows: pd.DataFrame, periods: pd.PeriodIndex, weighted: bool) -> dict[str, np.ndarray]:
    """One direction's counts per QuadClass, total and mean Goldstein per period (as ``directional_series``).

    Rows need a ``_period`` column; rows outside `periods` are left out.
    """
    at = periods.get_indexer(pd.PeriodIndex(rows["_period"], freq=periods.freq))
    inside = at >= 0
    at = at[inside]
    weight = (
        rows["num_mentions"].fillna(1).astype(int).to_numpy()
        if weighted and "num_mentions" in rows
        else np.ones(len(rows), dtype=int)
    )[inside].astype(float)
    quad = rows["quad_class"].to_numpy()[inside]
    goldstein = rows["goldstein"].astype(float).to_numpy()[inside]
    n = len(periods)
    series = {
        name: np.bincount(at[quad == q], weights=weight[quad == q], minlength=n).astype(int)
        for q, name in QUAD_COLUMNS.items()
    }
    series["total"] = np.sum([series[name] for name in QUAD_COLUMNS.values()], axis=0).astype(int)
    weights = np.bincount(at, weights=weight, minlength=n)
    sums = np.bincount(at, weights=np.nan_to_num(weight * goldstein), minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        series["goldstein_mean"] = np.where(weights > 0, np.round(sums / weights, 3), np.nan)
    return series


def _baseline(values: np.ndarray, params: _Params) -> tuple[np.ndarray, np.ndarray]:
    """Mean and population std of the ``baseline`` periods before each period (missing values left
    out); NaN where fewer than ``min_history`` of them have a value."""
    values = np.asarray(values, dtype=float)
    known = ~np.isnan(values)
    plain = np.where(known, values, 0.0)
    counts = np.concatenate([[0], np.cumsum(known)])
    sums = np.concatenate([[0.0], np.cumsum(plain)])
    squares = np.concatenate([[0.0], np.cumsum(plain * plain)])
    t = np.arange(len(values))
    first = np.maximum(0, t - params.baseline)
    n = (counts[t] - counts[first]).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (sums[t] - sums[first]) / n
        variance = np.maximum((squares[t] - squares[first]) / n - mean * mean, 0.0)
    enough = n >= params.min_history
    return np.where(enough, mean, np.nan), np.where(enough, np.sqrt(variance), np.nan)


def _count_alerts(ctx: _Context) -> Iterable[Alert]:
    p = ctx.params
    for column, name in SERIES_NAMES.items():
        values = ctx.series[column].astype(float)
        mean, std = _baseline(values, p)
        floored = np.where(np.isnan(std), np.nan, np.maximum(std, p.std_floor))
        with np.errstate(invalid="ignore"):
            z = (values - mean) / floored
            hits = np.flatnonzero((z >= p.z) & (values >= p.min_events))
        quad = next(q for q, c in QUAD_COLUMNS.items() if c == column)
        for t in hits:
            rows = ctx.events[(ctx.events["_period"] == ctx.periods[t]) & (ctx.events["quad_class"] == quad)]
            message = (
                f"{ctx.direction} {name} rising: {_amount(values[t], p.unit)} in "
                f"{period_label(ctx.periods[t], p.by)} vs baseline {mean[t]:.1f} ± {floored[t]:.1f} "
                f"(z={z[t]:.1f})"
            )
            yield ctx.alert(
                f"{column}_rising",
                int(t),
                values[t],
                mean[t],
                floored[t],
                z[t],
                message,
                _keys(rows, "goldstein", descending=quad in (1, 2)),
            )


def _goldstein_alerts(ctx: _Context) -> Iterable[Alert]:
    p = ctx.params
    values = ctx.series["goldstein_mean"]
    mean, std = _baseline(values, p)
    floored = np.where(np.isnan(std), np.nan, np.maximum(std, p.goldstein_floor))
    with np.errstate(invalid="ignore"):
        z = (values - mean) / floored
        enough = (ctx.series["total"] >= p.min_events) & (np.abs(z) >= p.z)
    for t in np.flatnonzero(enough):
        rising = bool(z[t] > 0)
        rows = ctx.events[ctx.events["_period"] == ctx.periods[t]]
        message = (
            f"{ctx.direction} mean Goldstein {'rising' if rising else 'falling'}: {values[t]:+.1f} over "
            f"{_amount(ctx.series['total'][t], p.unit)} in {period_label(ctx.periods[t], p.by)} "
            f"vs baseline {mean[t]:+.1f} ± {floored[t]:.1f} (z={z[t]:.1f})"
        )
        yield ctx.alert(
            "goldstein_rising" if rising else "goldstein_falling",
            int(t),
            values[t],
            mean[t],
            floored[t],
            z[t],
            message,
            _keys(rows, "goldstein", descending=rising),
        )


def _first_conflict(ctx: _Context, contact: np.ndarray) -> Iterable[Alert]:
    p = ctx.params
    conflict = ctx.series["material_conflict"]
    hits = np.flatnonzero(conflict > 0)
    if not len(hits):
        return
    t = int(hits[0])
    before = int(contact[:t].sum())
    if before < p.first_conflict_after:
        return
    rows = ctx.events[(ctx.events["_period"] == ctx.periods[t]) & (ctx.events["quad_class"] == 4)]
    message = (
        f"{ctx.direction} first material conflict: {_amount(conflict[t], p.unit)} in "
        f"{period_label(ctx.periods[t], p.by)} after {before} {_PLURAL[p.by]} of contact without any"
    )
    yield ctx.alert(
        "first_material_conflict", t, conflict[t], 0.0, None, None, message, _keys(rows, "goldstein", descending=False)
    )


def _keys(rows: pd.DataFrame, by: str, descending: bool) -> list[str]:
    """Event keys, most-mentioned first, then by ``by`` (most extreme first), then key."""
    mentions = rows["num_mentions"].fillna(1) if "num_mentions" in rows else pd.Series(1, index=rows.index)
    order = rows.assign(_m=mentions, _v=rows[by].astype(float) * (-1 if descending else 1))
    return order.sort_values(["_m", "_v", "event_key"], ascending=[False, True, True])["event_key"].tolist()


def _amount(value: float, unit: str) -> str:
    """``"7 events"``, ``"1 event"``, ``"12 mentions"``."""
    return f"{int(value)} {unit if value != 1 else unit[:-1]}"


def _round(value: float | None) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 3)


def coverage(store: Store) -> tuple[date | None, date | None]:
    """First and last event date of the whole store: the time the data covers."""
    return store.date_range()


def store_alerts(
    store: Store,
    by: Period = "month",
    baseline: int = 8,
    z: float = 3.0,
    *,
    min_events: int = 3,
    actor: str | None = None,
    dyad: tuple[str, str] | None = None,
    since: date | None = None,
    modalities: Sequence[str] | None = ("asserted",),
    weighted: bool = False,
) -> tuple[list[Alert], pd.DataFrame]:
    """Alerts over a store (for one dyad, one actor's dyads, or all), and the events they came from.

    Events are read from ``baseline`` periods before ``since`` (not before the
    store's first event); the store's first and last event dates bound the
    series, so quiet periods inside them count as zeros.
    """
    first, last = coverage(store)
    if first is None or last is None or (since is not None and since > last):
        return [], store.events(limit=0)
    if since is not None and since <= first:
        since = None  # nothing to cut: every alert is after the first event
    fetch_from = first
    if since is not None:
        start = (span_periods(pd.Series([pd.Timestamp(since)]), by)[0] - baseline).start_time.date()
        fetch_from = max(first, start)
    if dyad:
        events = store.events(EventFilter(dyad=dyad, since=fetch_from, modalities=modalities))
    elif actor:
        sides = [
            store.events(EventFilter(actor=actor, since=fetch_from, modalities=modalities)),
            store.events(EventFilter(target=actor, since=fetch_from, modalities=modalities)),
        ]
        both = pd.concat([s for s in sides if not s.empty] or sides[:1])
        events = both.drop_duplicates("event_key").sort_values(["event_date", "event_key"])
    else:
        events = store.events(EventFilter(since=fetch_from, modalities=modalities))
    events = events.reset_index(drop=True)
    found = detect_alerts(
        events,
        by,
        baseline,
        z,
        min_events=min_events,
        min_history=min(MIN_HISTORY, baseline),
        weighted=weighted,
        dyads=[dyad] if dyad else None,
        actor=actor,
        since=since,
        start=fetch_from,
        end=last,
    )
    return found, events
