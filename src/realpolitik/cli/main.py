"""The ``realpolitik`` command line."""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import IO

from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from realpolitik import __version__
from realpolitik.cli.args import add_data_options, console, iso_date, load_config, output_path, positive
from realpolitik.store.errors import store_error
from realpolitik.types import Document, DocumentError, EventMention, Modality

stderr = console(stderr=True)
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer whose reader went away

# Each of these modules registers its own subcommands with ``add_parser(subparsers)``.
SUBCOMMAND_MODULES = (
    "realpolitik.evaluation.cli",
    "realpolitik.analysis.cli",
    "realpolitik.jobs.cli",
    "realpolitik.store.cli",
    "realpolitik.jobs.watch",
    "realpolitik.api.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="realpolitik", description=__doc__)
    parser.add_argument("--version", action="version", version=f"realpolitik {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    code = sub.add_parser("code", help="code text, HTML or JSONL files into event records")
    code.add_argument("paths", nargs="+", help="files or directories (.txt, .html, .jsonl)")
    code.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    code.add_argument("--date", type=iso_date, help="publication date for documents that have none")
    code.add_argument("-o", "--output", type=output_path, help="write records to this file (- for standard output)")
    code.add_argument("--asserted-only", action="store_true", help="keep only asserted events")
    code.add_argument(
        "--require-source",
        action="store_true",
        help="leave out agentless events (a material event whose doer the text does not name)",
    )
    code.add_argument("--workers", type=positive, default=1, help="processes to use (default 1)")
    add_data_options(code)
    code.add_argument("--errors", metavar="FILE", help="also write per-document errors as JSONL here")
    code.set_defaults(func=cmd_code)

    for module in SUBCOMMAND_MODULES:
        importlib.import_module(module).add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; failures of the environment (a closed pipe, a file that cannot be written, a
    store that cannot be opened) end it with a one-line error, not a traceback."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # `realpolitik events | head`: the reader is done, and so are we
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes stdout at exit
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        stderr.print("interrupted")
        return 130
    except Exception as exc:  # noqa: BLE001 - only the environment's errors are turned into messages
        problem = store_error(exc)
        if problem is not None:
            stderr.print(f"[red]error:[/] {escape(str(problem))}")
            return problem.exit_status
        message = environment_error(exc)
        if message is None:
            raise
        stderr.print(f"[red]error:[/] {escape(message)}")
        return 2


def environment_error(exc: BaseException) -> str | None:
    """A one-line message for an error of the environment (files, servers), or None for a bug.

    Storage problems (:func:`~realpolitik.store.errors.store_error`) have their own messages and statuses."""
    if isinstance(exc, OSError) and exc.filename is not None:
        return f"{exc.filename}: {(exc.strerror or str(exc)).lower()}"
    if isinstance(exc, OSError):
        return str(exc)
    return None


# -- code ---------------------------------------------------------------------


def cmd_code(args: argparse.Namespace) -> int:
    from realpolitik.jobs.pool import run_parallel
    from realpolitik.readers.files import read_paths

    config = load_config(args, stderr)
    errors: list[DocumentError] = []
    n_coded = n_mentions = 0
    to_file = args.output not in (None, "-")
    out_ctx = open(args.output, "w", encoding="utf-8", newline="") if to_file else nullcontext(sys.stdout)
    err_file = open(args.errors, "w", encoding="utf-8") if args.errors else None
    with out_ctx as out, _progress(args.paths) as progress:
        task = progress.add_task("coding", total=None)
        writer = RecordWriter(out, args.format)
        docs = _split_errors(read_paths(args.paths, args.date, boilerplate=config.boilerplate), errors, err_file)
        for result in run_parallel(docs, args.workers, config):
            progress.advance(task)
            if result.error:
                _report(result.error, errors, err_file)
                continue
            n_coded += 1
            for mention in result.mentions:
                if args.asserted_only and mention.modality is not Modality.ASSERTED:
                    continue
                if args.require_source and mention.agentless:
                    continue
                writer.write(mention)
                n_mentions += 1
    if err_file:
        err_file.close()
    stderr.print(f"{n_coded} documents coded, {n_mentions} event mentions, {len(errors)} errors")
    return 1 if errors else 0


def _split_errors(
    items: Iterable[Document | DocumentError], errors: list[DocumentError], err_file: IO[str] | None
) -> Iterator[Document]:
    for item in items:
        if isinstance(item, DocumentError):
            _report(item, errors, err_file)
        else:
            yield item


def _report(error: DocumentError, errors: list[DocumentError], err_file: IO[str] | None) -> None:
    errors.append(error)
    where = error.source.encode("utf-8", "backslashreplace").decode("utf-8")  # undecodable file names
    stderr.print(f"[yellow]skipped[/] {escape(where)}: {escape(error.error)}")
    if err_file:
        err_file.write(json.dumps(error.to_dict()) + "\n")


def _progress(paths: Sequence[str]) -> Progress:
    many = len(paths) > 1 or any(Path(p).is_dir() or Path(p).suffix in (".jsonl", ".ndjson") for p in paths)
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
        disable=not many or not stderr.is_terminal,
    )


class RecordWriter:
    """Writes event records as JSON lines or CSV rows."""

    def __init__(self, out: IO[str], fmt: str):
        self.out, self.fmt = out, fmt
        self._csv: csv.DictWriter | None = None

    def write(self, event: EventMention) -> None:
        record = event.to_dict()
        if self.fmt == "jsonl":
            self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
            return
        if self._csv is None:
            self._csv = csv.DictWriter(self.out, fieldnames=list(record))
            self._csv.writeheader()
        self._csv.writerow({k: json.dumps(v) if isinstance(v, list) else v for k, v in record.items()})


if __name__ == "__main__":
    sys.exit(main())
