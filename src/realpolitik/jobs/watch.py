"""``realpolitik watch``: poll RSS/Atom feeds, store each new item once, print alerts as they arise.

Each poll reads every feed (:mod:`realpolitik.readers.feeds`), leaves out the items it has seen
before (by entry id or link, so an item re-published with edits is not
stored twice), codes and stores the rest as ``ingest`` does (:func:`.ingest.ingest`:
any text the store holds already is skipped, by content hash), then runs
:func:`~realpolitik.analysis.alerts.detect_alerts`
from the earliest date of the new events on (with the baseline before it)
and prints the alerts not printed before. The
alerts a store already had when the first poll began are noted, not printed: only
what the watch itself brings in is news.
A poll that stores no dated event skips the alerts: nothing could have
changed. The seen items (per feed, only those it still lists) and the printed
alerts live in the store itself (tables ``feed_items`` and ``watch_alerts``),
written only once the poll's documents are committed: whatever a store says it
has seen, it holds (or holds the item's error), so two stores watched from one
folder, or a store restored from a backup, never miss an item.

The store is opened for each poll and closed after it, so other commands can
read it between polls. Ctrl-C stops the watch cleanly: a document is stored
whole or not at all, and an interrupted poll is simply repeated.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import cache
from typing import TYPE_CHECKING, Any

import pandas as pd

from realpolitik.analysis.alerts import Alert, store_alerts
from realpolitik.analysis.dates import date_label
from realpolitik.cli.args import add_data_options, console, data_files, load_config
from realpolitik.jobs.ingest import IngestStats, ingest
from realpolitik.readers.clean import Boilerplate
from realpolitik.readers.feeds import read_feeds
from realpolitik.store.db import DEFAULT_DB, Store
from realpolitik.types import Document, DocumentError

if TYPE_CHECKING:  # the pipeline (and spaCy) is imported only when there is something to code
    from realpolitik.pipeline import Pipeline

stderr = console(stderr=True)

DEFAULT_EVERY = "15m"
EVIDENCE_SHOWN = 3  # events printed under each alert
_INTERVAL = re.compile(r"(\d+(?:\.\d+)?)([smh])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}


def parse_interval(text: str) -> float:
    """Seconds in ``30s``, ``15m`` or ``1h``; raises ValueError otherwise."""
    match = _INTERVAL.fullmatch(text.strip().lower())
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"not an interval such as 30s, 15m or 1h: {text!r}")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def alert_key(alert: Alert) -> str:
    """What makes an alert the same alert on a later poll: direction, kind and period."""
    return f"{alert.direction}|{alert.kind}|{alert.period}"


@dataclass
class PollResult:
    """What one poll found and did."""

    items: int  # items in the feeds (plus feed-level errors)
    new_items: int  # items not seen on an earlier poll
    stats: IngestStats
    new_alerts: list[Alert]
    events: pd.DataFrame  # the store's events the alerts were computed from


def poll(
    store: Store,
    feeds: Sequence[str],
    coder: Callable[[], Pipeline],
    *,
    by: str = "month",
    z: float = 3.0,
    today: date | None = None,
    progress: Callable[[str, str, IngestStats], None] | None = None,
    boilerplate: Boilerplate | None = None,
) -> PollResult:
    """Read the feeds, store the items the store has not seen, and find the alerts it has not printed.

    `coder` builds the pipeline; it is called only when there is something
    to code. Items without a date are dated `today` (default: the UTC date);
    boilerplate lines go by `boilerplate` (default: the packaged patterns).
    """
    today = today or datetime.now(timezone.utc).date()
    printed = store.watch_alerts()
    first_poll = not printed and not any(store.feed_items(feed) for feed in feeds)
    items: list[Document | DocumentError] = []
    fresh: list[Document | DocumentError] = []
    listed: dict[str, set[str]] = {feed: set() for feed in feeds}  # entry ids each feed lists now
    seen = {feed: store.feed_items(feed) for feed in feeds}
    for feed, item in read_feeds(feeds, today, boilerplate=boilerplate):  # fetched at once, each within its deadline
        items.append(item)
        key = item.id if isinstance(item, Document) else item.doc_id
        if key is not None:
            listed[feed].add(key)
        if key is None or key not in seen[feed]:
            fresh.append(item)
    if first_poll:  # the store's alerts before this watch began are not news: note them, print none
        old, _ = store_alerts(store, by, z=z)  # type: ignore[arg-type]
        store.add_watch_alerts(alert_key(alert) for alert in old)
        printed = store.watch_alerts()
    pipeline = coder() if any(isinstance(item, Document) for item in fresh) else None
    stats = ingest(store, fresh, pipeline=pipeline, progress=progress)
    for feed, keys in listed.items():
        if keys:  # a feed that failed or came back empty keeps what was seen before
            store.set_feed_items(feed, keys)
    if stats.earliest is not None:  # alerts before the earliest new event cannot have changed
        alerts, events = store_alerts(store, by, z=z, since=stats.earliest)  # type: ignore[arg-type]
    else:
        alerts, events = [], store.events(limit=0)
    new_alerts = [alert for alert in alerts if alert_key(alert) not in printed]
    store.add_watch_alerts(alert_key(alert) for alert in new_alerts)
    return PollResult(len(items), len(fresh), stats, new_alerts, events)


def format_alert(alert: Alert, events: pd.DataFrame) -> str:
    """The alert's message and the first few events behind it, one line each."""
    lines = [f"ALERT {alert.message}"]
    rows = events.set_index("event_key")
    for key in alert.event_keys[:EVIDENCE_SHOWN]:
        if key in rows.index:
            row = rows.loc[key]
            day = date_label(row["event_date"], row.get("date_precision")) or ""
            lines.append(
                f"  {day} {row['source']} {row['code']} {row['target'] or '-'}  "
                f"{' '.join(str(row['sentence_text']).split())}"
            )
    if len(alert.event_keys) > EVIDENCE_SHOWN:
        lines.append(f"  ... and {len(alert.event_keys) - EVIDENCE_SHOWN} more")
    return "\n".join(lines)


# -- command line ---------------------------------------------------------------------------


def add_parser(subparsers: Any) -> None:
    """Register ``watch`` on the top-level CLI's subparsers."""
    p = subparsers.add_parser(
        "watch",
        help="poll RSS/Atom feeds, store new items once, print alerts as they arise",
        description="Poll RSS or Atom feeds (URLs or files) every --every, code and store the items not seen "
        "before, and print the alerts (see `realpolitik alerts`) that are new since the last poll. "
        "Items without a date are dated the day they are first seen. Ctrl-C stops.",
    )
    p.add_argument("feeds", nargs="+", metavar="FEED_URL_OR_FILE", help="RSS or Atom feed: http(s) URL or file")
    p.add_argument(
        "--every",
        default=DEFAULT_EVERY,
        type=_interval,
        help=f"time between polls: 30s, 15m, 1h (default {DEFAULT_EVERY})",
    )
    p.add_argument("--once", action="store_true", help="poll once and exit (for cron jobs and tests)")
    p.add_argument("--db", default=DEFAULT_DB, help=f"DuckDB file or postgresql:// URL (default {DEFAULT_DB})")
    p.add_argument("--by", choices=("week", "month", "year"), default="month", help="alert period (default month)")
    p.add_argument("--z", type=float, default=3.0, help="alert z-score threshold (default 3.0)")
    add_data_options(p)
    p.add_argument("-v", "--verbose", action="store_true", help="print a line for every item stored or skipped")
    p.set_defaults(func=cmd_watch)


def _interval(text: str) -> float:
    try:
        return parse_interval(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_watch(args: argparse.Namespace) -> int:
    try:
        boilerplate = Boilerplate.load(args.boilerplate)  # the feeds are read with it; the rest is read to code
    except ValueError as exc:
        stderr.print(f"[red]error:[/] {exc}", highlight=False, markup=False)
        return 2

    @cache
    def coder() -> Pipeline:
        from realpolitik.pipeline import Pipeline, default_pipeline

        return Pipeline(load_config(args, stderr)) if data_files(args) else default_pipeline()

    def report(kind: str, label: str, stats: IngestStats) -> None:
        if kind == "error":
            stderr.print(f"[yellow]failed[/] {label}", highlight=False, soft_wrap=True)
        elif args.verbose:
            stderr.print(f"{kind} {label}", highlight=False, soft_wrap=True)

    try:
        if args.once:
            return _poll_and_print(args, coder, report, boilerplate)
        while True:
            started = time.monotonic()
            try:
                _poll_and_print(args, coder, report, boilerplate)
            except Exception as exc:  # noqa: BLE001 - a failed poll (database busy, ...) must not end a watch
                stderr.print(f"[red]poll failed[/]: {type(exc).__name__}: {exc}", highlight=False, soft_wrap=True)
            time.sleep(max(0.0, args.every - (time.monotonic() - started)))
    except KeyboardInterrupt:
        stderr.print("watch stopped", highlight=False)
        return 0


def _poll_and_print(
    args: argparse.Namespace,
    coder: Callable[[], Pipeline],
    report: Callable[[str, str, IngestStats], None],
    boilerplate: Boilerplate,
) -> int:
    with Store.open(args.db) as store:
        result = poll(store, args.feeds, coder, by=args.by, z=args.z, progress=report, boilerplate=boilerplate)
    for alert in result.new_alerts:
        print(format_alert(alert, result.events), flush=True)
    s = result.stats
    stderr.print(
        f"{datetime.now():%Y-%m-%d %H:%M:%S} polled {len(args.feeds)} feed(s): {result.items} items, "
        f"{result.new_items} new; {s.new_documents} stored ({s.mentions} event mentions), "
        f"{s.skipped_existing} already stored, {s.errors} errors; {len(result.new_alerts)} new alerts",
        highlight=False,
        soft_wrap=True,
    )
    return 1 if s.errors else 0
