"""``realpolitik dyad``, ``alerts``, ``export`` and ``plot``: analysis over a store.

Every command reads the deduplicated events of a store (``--db``, a DuckDB
file or a ``postgresql://`` URL) through ``Store.events``; by default only
asserted events, ``--all-modalities`` takes every modality.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
from rich.markup import escape
from rich.table import Table

from realpolitik.analysis.alerts import Alert, coverage, detect_alerts, store_alerts
from realpolitik.analysis.dates import date_label
from realpolitik.analysis.dyad import (
    PERIODS,
    QUAD_COLUMNS,
    TOP_COLUMNS,
    choose_period,
    dyad_events,
    dyad_series,
    mark_evidence,
    top_events,
)
from realpolitik.analysis.export import FORMATS, write_export, write_sqlite
from realpolitik.analysis.names import ActorNames
from realpolitik.cli.args import console, iso_date, output_path, positive, resolve_actors
from realpolitik.store.db import DEFAULT_DB, POSTGRES_PREFIXES, EventFilter, Store

stdout = console()
stderr = console(stderr=True)
ALERT_EVENTS_SHOWN = 5  # events listed under each alert in the table output


def add_parser(subparsers: Any) -> None:
    """Register ``dyad``, ``alerts``, ``export`` and ``plot`` on the top-level CLI's subparsers."""
    p = subparsers.add_parser(
        "dyad",
        help="what A did to B and B to A, period by period",
        description="Event counts per QuadClass and mean Goldstein for A → B and B → A, "
        "per week, month or year, and the most-reported events with evidence.",
    )
    _actors(p)
    _store(p)
    _series_options(p)
    p.add_argument("--top", type=positive, default=10, metavar="N", help="top events to show (default 10)")
    p.add_argument("--nonzero", action="store_true", help="list only the periods with events")
    p.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="table (default); csv: the series only; json: series and top events",
    )
    p.set_defaults(func=cmd_dyad)

    p = subparsers.add_parser(
        "alerts",
        help="periods in which a dyad departs from its own recent past",
        description="Compare each period of each directed dyad with its trailing baseline "
        "(see README, 'Alerts'); print each alert with the events behind it.",
    )
    _store(p)
    p.add_argument("--actor", help="only dyads of this actor (a country such as RUS, or a code such as RUSGOV)")
    p.add_argument("--dyad", nargs=2, metavar=("A", "B"), help="only this dyad")
    _series_options(p, bounded=False)
    p.add_argument("--since", type=iso_date, help="report alerts from this date on (baselines use earlier data)")
    p.add_argument("--z", type=float, default=3.0, help="z-score threshold (default 3.0)")
    p.add_argument("--baseline", type=positive, default=8, metavar="N", help="baseline periods (default 8)")
    p.add_argument(
        "--min-events", type=positive, default=3, metavar="N", help="events a period needs to alert (default 3)"
    )
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_alerts)

    p = subparsers.add_parser(
        "export",
        help="write stored events as GDELT, ICEWS, PLOVER, Parquet, CSV or SQLite",
        description="Write the store's deduplicated events in another event-data format "
        "(columns and blanks: see README, 'Exports'). sqlite copies the store's "
        "tables (the chosen events, their mentions and documents) for Datasette.",
    )
    p.add_argument("--format", choices=FORMATS, required=True)
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        type=output_path,
        help="the file to write; - for standard output (text formats)",
    )
    p.add_argument("--header", action="store_true", help="gdelt: write a header line (GDELT ships none)")
    _store(p)
    p.add_argument("--actor", help="source actor")
    p.add_argument("--target", help="target actor")
    p.add_argument("--dyad", nargs=2, metavar=("A", "B"), help="events A → B and B → A")
    p.add_argument("--code", help="CAMEO code prefix (07 matches 07x)")
    p.add_argument("--quad-class", type=int, choices=(1, 2, 3, 4))
    p.add_argument("--since", type=iso_date)
    p.add_argument("--until", type=iso_date)
    p.add_argument("--text", help="a word or phrase of the sentence")
    p.add_argument("--all-modalities", action="store_true", help="all modalities, not only asserted events")
    p.set_defaults(func=cmd_export)

    plot = subparsers.add_parser("plot", help="draw charts of stored events")
    kinds = plot.add_subparsers(dest="chart", required=True)
    p = kinds.add_parser(
        "dyad",
        help="a dyad's series and alerts as a PNG",
        description="Counts per QuadClass and mean Goldstein for A → B and B → A, with alerts marked.",
    )
    _actors(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE.png")
    _store(p)
    _series_options(p)
    p.add_argument("--z", type=float, default=3.0, help="z-score threshold of the alerts marked (default 3.0)")
    p.set_defaults(func=cmd_plot_dyad)


# -- commands ---------------------------------------------------------------------------


def cmd_dyad(args: argparse.Namespace) -> int:
    with _open(args.db) as store:
        _resolve(store, args)
        events = store.events(
            EventFilter(dyad=(args.a, args.b), since=args.since, until=args.until, modalities=_modalities(args))
        )
    if args.by == "auto":
        args.by = choose_period(events["event_date"])
    series = dyad_series(events, args.a, args.b, args.by, args.weighted, args.since, args.until)
    if args.nonzero:
        series = series[series["total"] > 0].reset_index(drop=True)
    top = top_events(events, args.top)
    if args.format == "csv":
        series.assign(period_start=series["period_start"].dt.date).to_csv(sys.stdout, index=False, lineterminator="\n")
    elif args.format == "json":
        print(
            json.dumps(
                {
                    "dyad": [args.a, args.b],
                    "by": args.by,
                    "weighted": args.weighted,
                    "series": _records(series),
                    "top_events": _records(top),
                },
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        _print_series(series, args)
        _print_top(top, dyad_events(events, args.a, args.b), f"Top {len(top)} events")
    return 0


def cmd_alerts(args: argparse.Namespace) -> int:
    with _open(args.db) as store:
        _resolve(store, args)
        alerts, events = store_alerts(
            store,
            args.by,
            args.baseline,
            args.z,
            min_events=args.min_events,
            actor=args.actor,
            dyad=tuple(args.dyad) if args.dyad else None,
            since=args.since,
            modalities=_modalities(args),
            weighted=args.weighted,
        )
    if args.format == "json":
        print(
            json.dumps(
                [{**a.to_dict(), "events": _records(_explained(events, a.event_keys))} for a in alerts],
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0
    if not alerts:
        stdout.print(f"No alerts ({len(events)} events, z ≥ {args.z}, baseline {args.baseline} {args.by}s).")
        return 0
    for alert in alerts:
        _print_alert(alert, events)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    if args.format == "sqlite" and args.output == "-":
        stderr.print("[red]error:[/] sqlite writes a database file: give its name with -o")
        return 2
    with _open(args.db) as store:
        _resolve(store, args)
        filters = dict(
            actor=args.actor,
            target=args.target,
            dyad=tuple(args.dyad) if args.dyad else None,
            code=args.code,
            quad_class=args.quad_class,
            since=args.since,
            until=args.until,
            modalities=_modalities(args),
            text=args.text,
        )
        events = store.events(EventFilter(**filters))
        if args.format == "sqlite":
            everything = not any(v for k, v in filters.items() if k != "modalities") and args.all_modalities
            n = write_sqlite(store, args.output, None if everything else list(events["event_key"]))
        else:
            n = write_export(_with_provenance(store, events), args.format, args.output, header=args.header)
    where = "standard output" if args.output == "-" else escape(args.output)
    stderr.print(f"{n} events written to {where} ({args.format})")
    return 0


def cmd_plot_dyad(args: argparse.Namespace) -> int:
    from realpolitik.analysis.plot import plot_dyad

    with _open(args.db) as store:
        _resolve(store, args)
        first, last = coverage(store)
        events = store.events(EventFilter(dyad=(args.a, args.b), modalities=_modalities(args)))
    if args.by == "auto":
        args.by = choose_period(events["event_date"])
    series = dyad_series(events, args.a, args.b, args.by, args.weighted, args.since, args.until)
    alerts = detect_alerts(
        events,
        args.by,
        z=args.z,
        weighted=args.weighted,
        dyads=[(args.a, args.b)],
        since=args.since,
        start=first,
        end=last,
    )
    plot_dyad(series, alerts, args.output, title=f"{args.a} ↔ {args.b}, events per {args.by}")
    stderr.print(f"{escape(args.output)}: {len(events)} events, {len(alerts)} alerts")
    return 0


# -- store access -------------------------------------------------------------------------


def _open(db: str) -> Store:
    if not db.startswith(POSTGRES_PREFIXES) and not Path(db).exists():
        stderr.print(f"[red]no store at {escape(db)}[/]: ingest documents first, or pass --db")
        raise SystemExit(2)
    return Store.open(db, read_only=True)


def _resolve(store: Store, args: argparse.Namespace) -> None:
    """Actor names in the arguments ("North Korea", "the Kremlin") as codes; exits 2 on an unknown one."""
    resolve_actors(ActorNames.of_store(store), args, stderr)


def _with_provenance(store: Store, events: pd.DataFrame) -> pd.DataFrame:
    """Add the representative mention's document: URL, publisher and ingest time."""
    extra = store.provenance().rename(columns={"meta": "_meta"})
    extra["publisher"] = [publisher(url, meta) for url, meta in zip(extra["source_url"], extra.pop("_meta"))]
    return events.merge(extra, on="event_key", how="left")


PUBLISHER_FIELDS = ("publisher", "source", "site", "outlet")  # JSONL / feed fields naming the outlet


def publisher(url: str | None, meta: str | None) -> str:
    """The outlet of a document: its publisher/source/site/outlet field, else its URL's host, else ''."""
    fields = json.loads(meta) if meta else {}
    for field in PUBLISHER_FIELDS:
        value = fields.get(field)
        if isinstance(value, str) and value.strip():
            return value.strip()
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else ""


def _modalities(args: argparse.Namespace) -> tuple[str, ...] | None:
    return None if args.all_modalities else ("asserted",)


# -- output ---------------------------------------------------------------------------------


def _print_series(series: pd.DataFrame, args: argparse.Namespace) -> None:
    unit = "mentions" if args.weighted else "events"
    for direction in dict.fromkeys(series["direction"]):
        rows = series[series["direction"] == direction]
        t = Table(title=f"{direction}: {unit} per {args.by} ({int(rows['total'].sum())} in all)")
        for col in (
            "period",
            "verbal coop",
            "material coop",
            "verbal conflict",
            "material conflict",
            "total",
            "mean Goldstein",
        ):
            t.add_column(col, justify="left" if col == "period" else "right")
        for r in rows.to_dict("records"):
            t.add_row(
                r["period"],
                *(str(r[c]) for c in (*QUAD_COLUMNS.values(), "total")),
                "" if pd.isna(r["goldstein_mean"]) else f"{r['goldstein_mean']:+.1f}",
            )
        stdout.print(t)
    if series.empty:
        stdout.print(f"No events between {args.a} and {args.b}.")


def _print_top(top: pd.DataFrame, labelled: pd.DataFrame, title: str) -> None:
    if top.empty:
        return
    direction = labelled.set_index("event_key")["direction"] if "direction" in labelled else pd.Series(dtype=str)
    t = Table(title=title, show_lines=True)
    t.add_column("date / direction", no_wrap=True)
    t.add_column("event", max_width=22)
    t.add_column("evidence", ratio=1)
    for r in top.to_dict("records"):
        way = direction.get(r["event_key"], f"{r['source']} → {r['target']}")
        mentions = f"{r['num_mentions']} mention" + ("s" if r["num_mentions"] != 1 else "")
        t.add_row(
            f"{escape(_day(r['event_date'], r.get('date_precision')))}\n{escape(way)}",
            f"{escape(r['code'] + ' ' + (r['event_name'] or ''))}\nGoldstein {r['goldstein']:+.1f}\n{mentions}",
            f"{escape(r['evidence'])}  [dim]({r['modality']}, {r['event_key']})[/]",
        )
    stdout.print(t)


def _print_alert(alert: Alert, events: pd.DataFrame) -> None:
    stdout.print(f"[bold]{escape(alert.message)}[/]", highlight=False, soft_wrap=True)
    shown = _explained(events, alert.event_keys[:ALERT_EVENTS_SHOWN])
    for r in shown.to_dict("records"):
        stdout.print(
            f"  {_day(r['event_date'], r.get('date_precision'))}  {r['source']} {r['code']} "
            f"{r['target'] or '-'}  {escape(r['evidence'])}"
        )
    if len(alert.event_keys) > len(shown):
        stdout.print(f"  ... and {len(alert.event_keys) - len(shown)} more", highlight=False, soft_wrap=True)


def _explained(events: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """The events with these keys, in the keys' order, with their marked evidence."""
    rows = events.set_index("event_key", drop=False).loc[list(keys)]
    return (
        pd.DataFrame({c: rows[c] for c in TOP_COLUMNS if c in rows})
        .assign(evidence=[mark_evidence(r) for r in rows.to_dict("records")])
        .reset_index(drop=True)
    )


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows: dates as ISO strings, NaN as null."""
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _plain(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    return value.item() if hasattr(value, "item") else value


def _day(value: Any, precision: Any = "day") -> str:
    return date_label(value, precision) or "undated"


# -- arguments ------------------------------------------------------------------------------


def _actors(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "a",
        metavar="A",
        help='an actor: a name (Russia, "North Korea", "the Kremlin"), a country '
        "(RUS), a code (RUSGOV) or an IGO (UNO)",
    )
    p.add_argument("b", metavar="B", help="the other actor")


def _store(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=DEFAULT_DB, help=f"store: DuckDB file or postgresql:// URL (default {DEFAULT_DB})")


def _series_options(p: argparse.ArgumentParser, bounded: bool = True) -> None:
    if bounded:
        p.add_argument(
            "--by",
            choices=(*PERIODS, "auto"),
            default="auto",
            help="period; auto (default): weeks for up to 26 weeks of events, months for up to 72 months, else years",
        )
    else:
        p.add_argument("--by", choices=PERIODS, default="month", help="period (default month)")
    p.add_argument("--all-modalities", action="store_true", help="all modalities, not only asserted events")
    p.add_argument("--weighted", action="store_true", help="count each event by its number of mentions")
    if bounded:
        p.add_argument("--since", type=iso_date, help="first day of the series")
        p.add_argument("--until", type=iso_date, help="last day of the series")
