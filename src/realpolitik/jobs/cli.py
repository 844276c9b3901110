"""``realpolitik ingest``: read, code and store documents, on this machine or on a Dask cluster.

``ingest PATHS [--workers N]`` codes in N local processes (:mod:`.ingest`);
``ingest PATHS --engine dask [--scheduler ADDRESS] [--parquet-dir DIR]`` codes
on a cluster and loads the result (:mod:`.dask_engine`); ``ingest --from-parquet
DIR`` loads a dataset coded earlier.
"""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from realpolitik.cli.args import add_data_options, console, data_files, iso_date, load_config, positive
from realpolitik.jobs.ingest import IngestStats, ingest
from realpolitik.jobs.ingest import Progress as Report
from realpolitik.store.db import DEFAULT_DB, EventFilter, Store

stderr = console(stderr=True)


def add_parser(subparsers: Any) -> None:
    """Register ``ingest`` on the top-level CLI's subparsers."""
    parser = subparsers.add_parser(
        "ingest",
        help="code files into the event store (documents already stored are skipped)",
        description="Read, code and store documents with their sentences, event mentions and deduplicated "
        "events. Safe to re-run or to kill: each document is stored whole or not at all.",
    )
    parser.add_argument("paths", nargs="*", help="files or directories (.txt, .html, .jsonl)")
    parser.add_argument("--db", default=DEFAULT_DB, help=f"DuckDB file or postgresql:// URL (default {DEFAULT_DB})")
    parser.add_argument("--date", type=iso_date, help="publication date for documents that have none")
    parser.add_argument("--workers", type=positive, default=1, help="coding processes (default 1)")
    add_data_options(parser)
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="print a line for every document stored or skipped"
    )
    add_engine_options(parser)
    parser.set_defaults(func=cmd_ingest)


def cmd_ingest(args: argparse.Namespace) -> int:
    from realpolitik.readers.files import read_paths

    check_engine_options(args)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
        disable=not stderr.is_terminal,
    )

    def report(kind: str, label: str, stats: IngestStats) -> None:
        progress.update(
            task,
            advance=1,
            description=f"ingesting: {stats.new_documents} new, "
            f"{stats.skipped_existing} already stored, {stats.errors} errors",
        )
        if kind == "error":
            stderr.print(f"[yellow]failed[/] {escape(label)}")
        elif args.verbose:
            stderr.print(f"{kind} {escape(label)}")

    with Store.open(args.db) as store, progress:
        task = progress.add_task("ingesting", total=None)
        if uses_engine_options(args):
            stats = ingest_with_engine(store, args, report)
        else:
            config = load_config(args, stderr)
            stats = ingest(
                store,
                read_paths(args.paths, args.date, boilerplate=config.boilerplate),
                workers=args.workers,
                config=config,
                progress=report,
            )
        total = store.count_events(EventFilter(modalities=None))
    stderr.print(
        f"{stats.new_documents} new documents, {stats.skipped_existing} already stored, "
        f"{stats.mentions} event mentions, {stats.errors} errors; {total} events in the store"
    )
    return 1 if stats.errors else 0


def add_engine_options(ingest: argparse.ArgumentParser) -> None:
    """Add ``--engine``, ``--scheduler``, ``--parquet-dir`` and ``--from-parquet`` to the ingest parser."""
    ingest.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local: --workers processes on this machine (default); dask: a Dask cluster",
    )
    ingest.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="--engine dask: the Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local "
        "cluster of --workers processes)",
    )
    ingest.add_argument(
        "--parquet-dir",
        metavar="DIR",
        help="--engine dask: keep the coded Parquet dataset in DIR (new or empty), for "
        "`ingest --from-parquet DIR` into other stores",
    )
    ingest.add_argument(
        "--from-parquet",
        metavar="DIR",
        help="store a Parquet dataset written by --engine dask --parquet-dir, instead of PATHS",
    )


def check_engine_options(args: argparse.Namespace) -> None:
    """Exit with status 2 unless the ingest has PATHS to read or a --from-parquet DIR (not both), and
    Dask's options (--scheduler, --parquet-dir) come with --engine dask."""
    if bool(args.paths) == bool(args.from_parquet):
        _fail("give PATHS to code, or --from-parquet DIR to load, not both")
    if args.from_parquet and args.engine == "dask":
        _fail("--from-parquet loads coded data: it takes no --engine")
    dask_only = [
        flag
        for flag, value in (("--scheduler", args.scheduler), ("--parquet-dir", args.parquet_dir))
        if value is not None
    ]
    if dask_only and args.engine != "dask":
        _fail(f"{' and '.join(dask_only)} {'work' if len(dask_only) > 1 else 'works'} only with --engine dask")


def uses_engine_options(args: argparse.Namespace) -> bool:
    """Whether this ingest goes through :func:`ingest_with_engine` rather than :func:`~.ingest.ingest`."""
    return args.engine == "dask" or bool(args.from_parquet)


def ingest_with_engine(store: Store, args: argparse.Namespace, progress: Report) -> IngestStats:
    """Run ``ingest --engine dask`` or ``ingest --from-parquet``; exits with status 2 on a usage or cluster error."""
    from realpolitik.jobs.dask_engine import ClusterError, ParquetManifest, ingest_with_dask, load_parquet

    def coded(manifest: ParquetManifest) -> None:
        if args.verbose:
            stderr.print(
                f"coded partition {manifest.partitions}: {manifest.documents} items so far, {manifest.errors} errors",
                highlight=False,
            )

    try:
        if args.from_parquet:
            return load_parquet(store, args.from_parquet, progress)
        return ingest_with_dask(
            store,
            args.paths,
            args.scheduler,
            args.parquet_dir,
            workers=args.workers,
            default_date=args.date,
            files=data_files(args),
            coded=coded,
            progress=progress,
        )
    except (ValueError, ClusterError) as exc:
        _fail(str(exc))


def _fail(message: str) -> NoReturn:
    stderr.print(f"[red]error:[/] {escape(message)}")
    raise SystemExit(2)
