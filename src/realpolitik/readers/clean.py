"""One canonical text for an article, whatever it came from: boilerplate out, one paragraph a line.

Every reader (plain text, HTML, JSONL, feeds, ``POST /api/ingest``) passes its text
through :func:`normalize_paragraphs`, so the same article gives the same document and the
same content hash from a file, a feed or the API:

* boilerplate lines (ad labels, share buttons, cookie notices, photo credits: the
  patterns of ``data/boilerplate.yaml``), lines without a letter, and lines repeated
  verbatim (a caption printed twice) are dropped;
* whitespace inside a line is collapsed to single spaces;
* paragraphs are separated by one blank line. In a text that has blank lines, a single
  line break is a hard wrap and is joined, except after a headline, heading or caption (a
  line without sentence-final punctuation followed by a capitalised line); in a text
  without blank lines (text extracted from HTML), every line is a paragraph, except a
  line the next one continues in lower case.
"""

from __future__ import annotations

import re
from functools import lru_cache

from realpolitik.datafiles import data_file, read_yaml

_SENTENCE_FINAL = re.compile(r"[.!?:;…\"”’')\]]$")


@lru_cache(maxsize=1)
def boilerplate_pattern() -> re.Pattern[str]:
    """All patterns of ``data/boilerplate.yaml`` as one case-insensitive regex."""
    groups = read_yaml(data_file("readers", "boilerplate.yaml"))["patterns"]
    alternatives = [f"(?:{p})" for patterns in groups.values() for p in patterns]
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _kept_lines(text: str) -> list[str]:
    """Lines with collapsed whitespace, minus boilerplate, letterless lines and repeats; "" for blank lines."""
    pattern = boilerplate_pattern()
    seen: set[str] = set()
    kept: list[str] = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line:
            kept.append("")
            continue
        key = line.casefold()
        if key in seen or not any(ch.isalpha() for ch in line) or pattern.fullmatch(line):
            continue
        seen.add(key)
        kept.append(line)
    return kept


def remove_boilerplate(text: str) -> str:
    """Drop boilerplate lines, lines without a letter, and repeats of earlier lines (blank lines too).

    Whitespace inside each kept line is collapsed to single spaces; lines are
    compared case-insensitively and the first occurrence is kept.
    """
    return "\n".join(line for line in _kept_lines(text) if line)


def normalize_paragraphs(text: str) -> str:
    """The canonical text of an article (see the module docstring)."""
    lines = _kept_lines(text)
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
