"""Argument types shared by every ``realpolitik`` subcommand."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape

from realpolitik.analysis.names import ActorNames, UnknownActor

if TYPE_CHECKING:
    from realpolitik.config import Config, DataFiles

# The user files over the packaged language data (realpolitik.config.DataFiles): kind -> (file type, help).
_DATA_OPTIONS = {
    "gazetteer": ("YAML", "extra or changed actors (the schema of actors/data/*.yaml)"),
    "lexicon": (
        "YAML",
        "extra event triggers, rules, constructions, modality and statement cues (the schema of triggers.yaml)",
    ),
    "codebook": ("TSV", "changed or extra CAMEO codes (the header of coding/data/cameo.tsv)"),
    "boilerplate": ("YAML", "extra boilerplate lines to drop (the schema of readers/data/boilerplate.yaml)"),
    "layout": ("YAML", "extra structure rules (the schema of structure/data/layout.yaml)"),
    "entities": ("YAML", "extra entity words (the schema of actors/data/entities.yaml)"),
    "referents": ("YAML", "extra referent phrases (the schema of actors/data/referents.yaml)"),
    "coref": ("YAML", "extra pronoun words (the schema of actors/data/coref.yaml)"),
    "periods": ("YAML", "extra or changed named periods (the schema of time/data/periods.yaml)"),
    "geo": ("YAML", "extra geocoder words, successor states and regions (geo/data/geocoding.yaml, regions.yaml)"),
}


def iso_date(value: str) -> date:
    """A YYYY-MM-DD date, or a clear argparse error."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def positive(value: str) -> int:
    """An integer of at least 1, or a clear argparse error."""
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def console(stderr: bool = False) -> Console:
    """A rich console for the CLI: lines never hard-wrapped, no emoji codes (":flag:" in an id prints as is),
    no automatic highlighting; colour only on a terminal (rich's own rule)."""
    return Console(stderr=stderr, soft_wrap=True, emoji=False, highlight=False)


def output_path(value: str) -> str:
    """An ``-o`` argument: ``-`` is standard output, anything else a file path."""
    if not value:
        raise argparse.ArgumentTypeError("needs a file name, or - for standard output")
    return value


def resolve_actors(
    names: ActorNames,
    args: argparse.Namespace,
    err: Console,
    fields: tuple[str, ...] = ("actor", "target", "dyad", "a", "b"),
) -> None:
    """Replace actor names in `args` (``--actor``, ``--target``, ``--dyad A B``, positional A B) by their codes.

    Each translated name is noted on `err` ("'North Korea' is PRK (North Korea)"); an unknown
    actor ends the command with status 2 and suggestions.
    """
    try:
        for field in fields:
            value = getattr(args, field, None)
            if value is None:
                continue
            if isinstance(value, (list, tuple)):
                resolved = [names.resolve(v) for v in value]
                setattr(args, field, type(value)(r.code for r in resolved))
            else:
                resolved = [names.resolve(value)]
                setattr(args, field, resolved[0].code)
            for r in resolved:
                if r.note:
                    err.print(escape(r.note))
    except UnknownActor as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise SystemExit(2) from None


def add_data_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--gazetteer``, ``--lexicon``, ``--codebook``, ``--boilerplate``, ``--layout``, ``--entities``
    and ``--referents``: user files over the packaged language data, each repeatable."""
    for kind, (metavar, text) in _DATA_OPTIONS.items():
        parser.add_argument(f"--{kind}", action="append", default=[], metavar=metavar, help=f"{text}; repeatable")


def data_files(args: argparse.Namespace) -> DataFiles:
    """The user files the data options of :func:`add_data_options` name."""
    from realpolitik.config import DataFiles

    return DataFiles(**{kind: getattr(args, kind) for kind in DataFiles.kinds()})


def load_config(args: argparse.Namespace, err: Console) -> Config:
    """The configuration of the data options; a bad file ends the command with status 2 and its message."""
    from realpolitik.config import Config

    try:
        return Config.load(data_files(args))
    except ValueError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise SystemExit(2) from None
