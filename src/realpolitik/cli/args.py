"""Argument types shared by every ``realpolitik`` subcommand."""
from __future__ import annotations

import argparse
from datetime import date


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
