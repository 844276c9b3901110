"""One canonical text for an article, whatever it came from: boilerplate out, one paragraph a line.

Every reader (plain text, HTML, JSONL, feeds, ``POST /api/ingest``) passes its text
through :func:`normalize_paragraphs`, so the same article gives the same document and the
same content hash from a file, a feed or the API:

* boilerplate lines (ad labels, share buttons, cookie notices, photo credits: the
  patterns of ``data/boilerplate.yaml``, plus those of ``--boilerplate`` files: a
  :class:`Boilerplate`), lines without a letter, and lines repeated verbatim (a caption
  printed twice) are dropped;
* whitespace inside a line is collapsed to single spaces;
* paragraphs are separated by one blank line. In a text that has blank lines, a single
  line break is a hard wrap and is joined, except after a headline, heading or caption (a
  line without sentence-final punctuation followed by a capitalised line); in a text
  without blank lines (text extracted from HTML), every line is a paragraph, except a
  line the next one continues in lower case.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from realpolitik.datafiles import package_table, read_yaml

_SENTENCE_FINAL = re.compile(r"[.!?:;…\"”’')\]]$")


@dataclass(frozen=True)
class Boilerplate:
    """The boilerplate lines to drop: every pattern of ``data/boilerplate.yaml`` (and user files) as one regex."""

    pattern: re.Pattern[str]

    @classmethod
    def load(cls, extra: Sequence[str | Path] = ()) -> Boilerplate:
        """The packaged patterns plus those of user YAML files with the same schema (``patterns:`` groups of
        regular expressions, each matched case-insensitively against a whole line), which add patterns.

        ValueError names the file and group of a pattern that is not a regular expression, or a
        file that is not such a mapping.
        """
        if not extra:
            return default_boilerplate()
        return _build([_package(), *((str(p), read_yaml(p, _KEYS)) for p in extra)])

    def matches(self, line: str) -> bool:
        """Whether the whole line (whitespace collapsed) is boilerplate."""
        return self.pattern.fullmatch(line) is not None


_KEYS = ("version", "patterns")


def _package() -> tuple[str, dict[str, Any]]:
    return package_table("readers", "boilerplate.yaml", _KEYS)


@lru_cache(maxsize=1)
def default_boilerplate() -> Boilerplate:
    """The packaged patterns, read once per process."""
    return _build([_package()])


def _build(tables: list[tuple[str, dict[str, Any]]]) -> Boilerplate:
    alternatives: list[str] = []
    for name, data in tables:
        groups = data.get("patterns") or {}
        if not isinstance(groups, dict):
            raise ValueError(f"{name}: 'patterns' must map group names to lists of regular expressions")
        for group, patterns in groups.items():
            if not (isinstance(patterns, list) and all(isinstance(p, str) and p.strip() for p in patterns)):
                raise ValueError(f"{name}: patterns.{group} must be a list of regular expressions")
            for p in patterns:
                try:
                    re.compile(p)
                except re.error as exc:
                    raise ValueError(f"{name}: patterns.{group}: {p!r} is not a regular expression: {exc}") from None
                alternatives.append(f"(?:{p})")
    return Boilerplate(re.compile("|".join(alternatives), re.IGNORECASE))


def _kept_lines(text: str, boilerplate: Boilerplate) -> list[str]:
    """Lines with collapsed whitespace, minus boilerplate, letterless lines and repeats; "" for blank lines."""
    seen: set[str] = set()
    kept: list[str] = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line:
            kept.append("")
            continue
        key = line.casefold()
        if key in seen or not any(ch.isalpha() for ch in line) or boilerplate.matches(line):
            continue
        seen.add(key)
        kept.append(line)
    return kept


def remove_boilerplate(text: str, boilerplate: Boilerplate) -> str:
    """Drop boilerplate lines, lines without a letter, and repeats of earlier lines (blank lines too).

    Whitespace inside each kept line is collapsed to single spaces; lines are
    compared case-insensitively and the first occurrence is kept.
    """
    return "\n".join(line for line in _kept_lines(text, boilerplate) if line)


def normalize_paragraphs(text: str, boilerplate: Boilerplate) -> str:
    """The canonical text of an article (see the module docstring)."""
    lines = _kept_lines(text, boilerplate)
    blank_separated = "" in lines
    paragraphs: list[str] = []
    current: list[str] = []
    for n, line in enumerate(lines):
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        current.append(line)
        following = lines[n + 1] if n + 1 < len(lines) else ""
        heading = not _SENTENCE_FINAL.search(line) and following[:1].isupper()
        wrapped = following[:1].islower() or (blank_separated and following and not heading)
        if not wrapped:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(p for p in paragraphs if p)
