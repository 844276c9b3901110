"""The ``realpolitik ingest`` options for coding on a Dask cluster and loading Parquet datasets.

``ingest PATHS --engine dask [--scheduler ADDRESS] [--parquet-dir DIR]`` codes
on a cluster and loads the result; ``ingest --from-parquet DIR`` loads a
dataset coded earlier. The ingest command itself lives in :mod:`realpolitik.store.cli`.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, NoReturn

from rich.markup import escape

from realpolitik.cli.args import console, data_files

if TYPE_CHECKING:
    from realpolitik.store.db import IngestStats, Progress, Store

stderr = console(stderr=True)


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
    """Whether this ingest goes through :func:`ingest_with_engine` rather than ``Store.ingest``."""
    return args.engine == "dask" or bool(args.from_parquet)


def ingest_with_engine(store: Store, args: argparse.Namespace, progress: Progress) -> IngestStats:
    """Run ``ingest --engine dask`` or ``ingest --from-parquet``; exits with status 2 on a usage or cluster error."""
    from realpolitik.distributed.dask_engine import ClusterError, ParquetManifest, ingest_with_dask, load_parquet

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
