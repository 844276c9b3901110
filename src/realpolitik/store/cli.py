"""``realpolitik events`` and ``actors``: query the event store (``ingest`` fills it: :mod:`realpolitik.jobs.cli`).

Every command takes ``--db`` (a DuckDB file, default ``realpolitik.duckdb``,
or a ``postgresql://`` URL). Queries show asserted events only unless
``--all-modalities`` is given.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from datetime import date
from pathlib import Path
from typing import IO, Any

import pandas as pd
from rich.markup import escape
from rich.table import Table

from realpolitik.analysis.dates import date_label
from realpolitik.analysis.names import ActorNames
from realpolitik.cli.args import console, iso_date, positive, resolve_actors
from realpolitik.store.db import DEFAULT_DB, POSTGRES_PREFIXES, SORTS, EventFilter, Store

stdout = console()
stderr = console(stderr=True)

_EVENT_NAME_WIDTH = 28  # the table view cuts event names to this
_MIN_EVIDENCE_WIDTH = 15  # evidence sentences fill the rest of the line; narrower than this, none are shown


def add_parser(subparsers: Any) -> None:
    """Register ``events`` and ``actors`` on the top-level CLI's subparsers."""
    events = subparsers.add_parser(
        "events",
        help="list deduplicated events from the store",
        description="List the store's deduplicated events, newest first, with how many mentions, documents and "
        "sources report each, and the evidence sentence of one of them. Actors are names "
        '("North Korea", Russian, "the Kremlin") or codes (RUS, RUSGOV, IGOUNO, UNO).',
    )
    _db_option(events)
    events.add_argument(
        "--actor",
        help='source actor: a name (Russia, "the Kremlin"), a country (RUS), a code '
        "or code prefix (RUSGOV, IGOUNO, UNO)",
    )
    events.add_argument("--target", help="target actor, given like --actor")
    events.add_argument("--dyad", nargs=2, metavar=("A", "B"), help="events between A and B, both directions")
    events.add_argument(
        "--mention",
        metavar="MENTION_ID",
        help="the stored event a coded mention (the mention_id of `realpolitik code`) belongs to",
    )
    events.add_argument(
        "--sort", choices=SORTS, default="newest", help="newest first (default), oldest first, or most reported first"
    )
    events.add_argument("--code", help="CAMEO code prefix: 07 matches 07x")
    events.add_argument(
        "--quad-class",
        type=int,
        choices=(1, 2, 3, 4),
        help="1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict",
    )
    events.add_argument("--since", type=iso_date, help="first event date (YYYY-MM-DD), inclusive")
    events.add_argument("--until", type=iso_date, help="last event date (YYYY-MM-DD), inclusive")
    events.add_argument("--text", help="only events with a mention sentence containing this (any case)")
    events.add_argument("--limit", type=positive, default=50, help="at most this many events (default 50)")
    events.add_argument("--offset", type=int, default=0, help="skip this many events first")
    events.add_argument("--format", choices=("table", "jsonl", "csv"), default="table")
    events.add_argument(
        "--require-source",
        action="store_true",
        help="leave out agentless events (source ---: no doer named in the text)",
    )
    _modality_option(events)
    events.set_defaults(func=cmd_events)

    actors = subparsers.add_parser(
        "actors",
        help="list the actors of the stored events with their counts",
        description="List every actor of the store's deduplicated events, most frequent first, with its "
        "commonest name and its events as source and as target.",
    )
    _db_option(actors)
    actors.add_argument("--limit", type=positive, default=50, help="at most this many actors (default 50)")
    _modality_option(actors)
    actors.set_defaults(func=cmd_actors)


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=DEFAULT_DB, help=f"DuckDB file or postgresql:// URL (default {DEFAULT_DB})")


def _modality_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--all-modalities",
        action="store_true",
        help="include negated, hypothetical, future, denied and reported events",
    )


def cmd_events(args: argparse.Namespace) -> int:
    store = _open_existing(args.db)
    if store is None:
        return 2
    with store:
        resolve_actors(ActorNames.of_store(store), args, stderr)
        filters: dict[str, Any] = dict(
            actor=args.actor,
            target=args.target,
            dyad=tuple(args.dyad) if args.dyad else None,
            code=args.code,
            quad_class=args.quad_class,
            since=args.since,
            until=args.until,
            modalities=None if args.all_modalities else ("asserted",),
            text=args.text,
            require_source=args.require_source,
            mention=args.mention,
        )
        frame = store.events(EventFilter(**filters), limit=args.limit, offset=args.offset, sort=args.sort)
        total = store.count_events(EventFilter(**filters))
    records = [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
    if args.format == "jsonl":
        for record in records:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif args.format == "csv":
        _write_csv(sys.stdout, records, list(frame.columns))
    else:
        stdout.print(_events_table(records, args.all_modalities, stdout.width))
    stderr.print(f"{len(records)} of {total} events")
    return 0


def cmd_actors(args: argparse.Namespace) -> int:
    store = _open_existing(args.db)
    if store is None:
        return 2
    with store:
        frame = store.actors(modalities=None if args.all_modalities else ("asserted",))
    table = Table("actor", "name", "country", "role", "as source", "as target", "total")
    for row in frame.head(args.limit).itertuples(index=False):
        table.add_row(
            escape(row.actor),
            escape(row.name or ""),
            row.country or "",
            row.role or "",
            str(row.as_source),
            str(row.as_target),
            str(row.total),
        )
    stdout.print(table)
    stderr.print(f"{min(args.limit, len(frame))} of {len(frame)} actors")
    return 0


def _open_existing(db: str) -> Store | None:
    """The store at `db`, or None (after saying why) when a DuckDB file does not exist."""
    if not db.startswith(POSTGRES_PREFIXES) and not Path(db).exists():
        stderr.print(f"[red]no store at {escape(db)}[/]: run `realpolitik ingest PATH --db {escape(db)}` first")
        return None
    return Store.open(db, read_only=True)


def _events_table(records: list[dict[str, Any]], show_modality: bool, width: int) -> Table:
    """One line per event; the event name and evidence sentence are cut to fit `width` characters."""
    names = ["date", "source", "code", "target", "mentions", "sources", *(["modality"] * show_modality)]
    rows = [
        [
            date_label(r["event_date"], r["date_precision"]) or "undated",
            r["source"],
            r["code"],
            r["target"] or "-",
            str(r["num_mentions"]),
            str(r["num_sources"]),
            *([r["modality"]] * show_modality),
            r["event_name"] or "",
            " ".join((r["sentence_text"] or "").split()),
        ]
        for r in records
    ]
    widths = [max([len(name)] + [len(row[i]) for row in rows]) for i, name in enumerate(names)]
    free = width - sum(widths) - 2 * (len(names) + 1)  # two spaces between columns
    name_width = min(max([5] + [len(row[len(names)]) for row in rows]), _EVENT_NAME_WIDTH, max(10, free))
    evidence_width = free - name_width
    table = Table(box=None, pad_edge=False, header_style="bold")
    for name, column_width in zip(names + ["event", "evidence"], widths + [name_width, evidence_width]):
        if column_width >= (_MIN_EVIDENCE_WIDTH if name == "evidence" else 1):
            table.add_column(name, width=column_width, no_wrap=True, overflow="ellipsis")
    for row in rows:
        table.add_row(*(escape(cell) for cell in row[: len(table.columns)]))
    return table


def _write_csv(out: IO[str], records: list[dict[str, Any]], columns: list[str]) -> None:
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for record in records:
        writer.writerow({k: json.dumps(v) if isinstance(v, list) else v for k, v in record.items()})


def _plain(value: Any) -> Any:
    """A JSON-ready value: dates as ISO strings, missing values as None."""
    if isinstance(value, (pd.Timestamp, date)):
        return None if pd.isna(value) else value.strftime("%Y-%m-%d")
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    return value
