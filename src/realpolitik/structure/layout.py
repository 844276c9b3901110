"""The structure stage: an article's blocks (headline, headings, captions, paragraphs) and dateline.

News text is not a run of sentences. A headline or caption has no final full stop and
must not be glued to the next sentence; a dateline ("NAIROBI, Kenya —", "CUTTACK:",
"WASHINGTON (Reuters) -") is not the subject of the first sentence; markup left by wikis
and web pages ("<!-- -->", "<br>", "__NOTOC__", "==Heading==") and inline boilerplate
("ARTICLE AD BOX") are not words; a caption printed twice is one caption; a headline in
title case ("Police Arrest Opposition Leader In Nairobi") must not read as a row of
proper nouns.

:func:`layout` cuts a document's text into :class:`Block` s that are parsed one by one.
It never changes the length of the text: what it removes becomes spaces, so every offset
(of a block, a sentence, a span) still points into the document's own text. Patterns and
word lists are data (``data/layout.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from realpolitik.datafiles import package_table, read_yaml

_WORD = re.compile(r"[^\W\d_][\w'’.-]*")


class Names(Protocol):
    """What the stage asks the gazetteer: is this a place (and of which country), a name, a demonym?"""

    def place_country(self, phrase: str, cities: bool = True) -> str | None:
        """The ISO3 country of a country or capital name (and with `cities` a city name), or None."""
        ...

    def is_name(self, word: str) -> bool:
        """Whether a capitalised word is part of a known actor name ("Russia", "Putin")."""
        ...

    def is_demonym(self, word: str) -> bool:
        """Whether a word is a demonym ("Brazilian")."""
        ...


@dataclass(frozen=True)
class Block:
    """A stretch of the document parsed on its own."""

    start: int  # offset in the document text
    text: str  # the document's text there, with markup and boilerplate masked as spaces
    parse_text: str  # what the parser reads: same length; title-case headlines in sentence case
    kind: str  # "headline" | "heading" | "body"

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class Dateline:
    """The place an article is filed from, as printed at its start."""

    text: str  # "NAIROBI, Kenya —"
    place: str  # "NAIROBI, Kenya"
    country: str | None  # ISO3 when the place is known
    span: tuple[int, int]  # in the document text


@dataclass(frozen=True)
class Layout:
    """The blocks of one document and its dateline."""

    blocks: list[Block]
    dateline: Dateline | None


@dataclass(frozen=True)
class LayoutRules:
    """The patterns and word lists of ``data/layout.yaml`` (plus user files)."""

    datelines: tuple[re.Pattern[str], ...]
    tag_prefixes: tuple[str, ...]
    title_words: frozenset[str]
    markup: re.Pattern[str]
    headings: re.Pattern[str]
    inline_boilerplate: re.Pattern[str] | None
    split_demonym: re.Pattern[str]
    sentence_final: re.Pattern[str]
    function_words: frozenset[str]

    @classmethod
    def load(cls, extra: Sequence[str | Path] = ()) -> LayoutRules:
        """The packaged rules plus user files (their lists are added); ValueError names a bad entry."""
        if not extra:
            return _default_rules()
        tables = [_package_table()] + [(str(p), read_yaml(p)) for p in extra]
        return cls._build(tables)

    @classmethod
    def _build(cls, tables: list[tuple[str, dict[str, Any]]]) -> LayoutRules:
        merged: dict[str, list[Any]] = {}
        final = None
        for name, table in tables:
            for key, value in table.items():
                if key == "version":
                    continue
                if key == "sentence_final":
                    final = _compile(value, name, key)
                    continue
                if key not in _LIST_KEYS:
                    raise ValueError(f"{name}: unknown key {key!r}; allowed: {sorted(_LIST_KEYS | {'sentence_final'})}")
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ValueError(f"{name}: {key!r} must be a list of strings")
                merged.setdefault(key, []).extend(value)
        for key in ("datelines", "markup", "headings"):
            for i, pattern in enumerate(merged.get(key, [])):
                _compile(pattern, tables[-1][0], f"{key}[{i}]")
        if final is None:
            raise ValueError("layout rules: 'sentence_final' is missing")
        suffixes = "|".join(sorted(map(re.escape, merged.get("split_demonym_suffixes", [])), key=len, reverse=True))
        inline = merged.get("inline_boilerplate", [])
        return cls(
            datelines=tuple(re.compile(p) for p in merged.get("datelines", [])),
            tag_prefixes=tuple(merged.get("tag_prefixes", [])),
            title_words=frozenset(w.lower() for w in merged.get("title_words", [])),
            markup=re.compile("|".join(f"(?:{p})" for p in merged.get("markup", [])) or r"(?!)"),
            headings=re.compile("|".join(f"(?:{p})" for p in merged.get("headings", [])) or r"(?!)"),
            inline_boilerplate=re.compile("|".join(re.escape(p) for p in inline)) if inline else None,
            split_demonym=re.compile(rf"\b(?P<name>[A-Z][a-z]+) (?P<suffix>{suffixes or '(?!)'})\b"),
            sentence_final=re.compile(f"{final.pattern}\\s*$"),
            function_words=frozenset(w.lower() for w in merged.get("headline_function_words", [])),
        )


_LIST_KEYS = frozenset(
    {
        "datelines",
        "tag_prefixes",
        "title_words",
        "markup",
        "headings",
        "inline_boilerplate",
        "split_demonym_suffixes",
        "headline_function_words",
    }
)


def _compile(pattern: Any, name: str, key: str) -> re.Pattern[str]:
    if not isinstance(pattern, str):
        raise ValueError(f"{name}: {key} must be a regular expression as a string")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{name}: {key}: not a valid regular expression: {exc}") from None


def _package_table() -> tuple[str, dict[str, Any]]:
    return package_table("structure", "layout.yaml")


@lru_cache(maxsize=1)
def _default_rules() -> LayoutRules:
    return LayoutRules._build([_package_table()])


# -- the stage ------------------------------------------------------------------------


def layout(text: str, rules: LayoutRules, names: Names) -> Layout:
    """The blocks and dateline of a document's text (see the module docstring)."""
    chars = list(text)
    for pattern in (rules.markup, rules.inline_boilerplate):
        if pattern is not None:
            for m in pattern.finditer(text):
                _mask(chars, m.start(), m.end())
    masked = "".join(chars)
    masked = rules.split_demonym.sub(lambda m: _join_demonym(m, names), masked)
    pieces = _lines(masked, rules)
    names_in_body = _capitalised_inside_sentences(masked[a:b] for a, b, kind in pieces if kind == "body")
    blocks: list[Block] = []
    dateline: Dateline | None = None
    seen_lines: set[str] = set()
    first_body = True
    for start, end, kind in pieces:  # pieces never overlap: what is left out is simply not a block
        piece = masked[start:end]
        if kind == "body" and first_body:
            first_body = False
            cut, found = _dateline(piece, start, rules, names)
            if found is not None:
                dateline = found
                start += cut
                while start < end and masked[start].isspace():
                    start += 1
                if start >= end:
                    continue
                piece = masked[start:end]
        if kind != "body" or "\n" not in text[start:end]:
            key = " ".join(piece.split()).casefold()
            if key in seen_lines and len(key) > 1:  # a caption or line printed again: read once
                continue
            seen_lines.add(key)
        parse = _sentence_case(piece, rules, names, names_in_body) if kind != "body" else piece
        blocks.append(Block(start, piece, parse, kind))
    if blocks and blocks[0].kind == "heading":
        first = blocks[0]
        blocks[0] = Block(first.start, first.text, first.parse_text, "headline")
    return Layout(blocks, dateline)


def _mask(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


def _join_demonym(m: re.Match[str], names: Names) -> str:
    joined = m["name"] + m["suffix"]
    return joined + " " if names.is_demonym(joined) else m.group()


def _lines(text: str, rules: LayoutRules) -> list[tuple[int, int, str]]:
    """(start, end, kind) of paragraphs, headings and caption lines, trimmed, in order."""
    out: list[tuple[int, int, str]] = []
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    current: list[tuple[int, int]] = []

    def flush() -> None:
        if current:
            out.append((current[0][0], current[-1][1], "body"))
            current.clear()

    following_line = _following_lines(text, lines)
    for n, (a, b) in enumerate(lines):
        a, b = _trim(text, a, b)
        if a >= b:
            continue
        line = text[a:b]
        if n and _starts_paragraph(text, lines[n][0]):
            flush()
        following = following_line[n]
        is_last = not following
        continued = following[:1].islower()  # a hard-wrapped line, not a heading
        if not rules.sentence_final.search(line) and not is_last and not continued:
            flush()
            out.extend(_split_headings(text, a, b, rules, heading_line=True))
            continue
        for piece in _split_headings(text, a, b, rules, heading_line=False):
            if piece[2] == "heading":
                flush()
                out.append(piece)
            else:
                current.append((piece[0], piece[1]))
    flush()
    return out


def _following_lines(text: str, lines: list[tuple[int, int]]) -> list[str]:
    """For each line, the next line that is not blank (left-stripped), or ""."""
    out = [""] * len(lines)
    following = ""
    for n in range(len(lines) - 1, -1, -1):
        out[n] = following
        line = text[lines[n][0] : lines[n][1]]
        if line.strip():
            following = line.lstrip()
    return out


def _starts_paragraph(text: str, line_start: int) -> bool:
    """A line after a blank line (one holding at most spaces and tabs)."""
    i = line_start
    for _ in range(2):  # the line break ending the line before, then the one before that
        while i > 0 and text[i - 1] in " \t":
            i -= 1
        if i == 0 or text[i - 1] != "\n":
            return False
        i -= 1
    return True


def _split_headings(text: str, a: int, b: int, rules: LayoutRules, heading_line: bool) -> list[tuple[int, int, str]]:
    """A line cut at its "==Heading==" marks: the headings and the text around them."""
    out: list[tuple[int, int, str]] = []
    cursor = a
    for m in rules.headings.finditer(text, a, b):
        s, e = _trim(text, cursor, m.start())
        if s < e:
            out.append((s, e, "heading" if heading_line else "body"))
        inner = m.group().strip("= \t")
        offset = m.group().find(inner) if inner else 0
        s, e = m.start() + offset, m.start() + offset + len(inner)
        if inner:
            out.append((s, e, "heading"))
        cursor = m.end()
    s, e = _trim(text, cursor, b)
    if s < e:
        out.append((s, e, "heading" if heading_line else "body"))
    return out


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _dateline(piece: str, offset: int, rules: LayoutRules, names: Names) -> tuple[int, Dateline | None]:
    """Where the first body paragraph's dateline ends, and the dateline (or 0, None)."""
    for prefix in rules.tag_prefixes:
        if piece.startswith(prefix + " ") and len(piece) > len(prefix) + 1 and piece[len(prefix) + 1].isupper():
            return len(prefix) + 1, Dateline(prefix, prefix, None, (offset, offset + len(prefix)))
    for pattern in rules.datelines:
        m = pattern.match(piece)
        if m is None:
            continue
        place = m["place"]
        country = _place(place, names)
        if country is not None:
            return m.end(), Dateline(m.group().strip(), place, country, (offset, offset + len(m.group().rstrip())))
    # a bare country tag: "Palestine The delegation ...", "Brazil Hu Jintao, the President of ..."
    # (not "Brazil President Lula", "Russia Ukraine talks")
    words = piece.split(" ", 4)
    for n in (3, 2, 1):
        if len(words) <= n:
            continue
        tag, after = " ".join(words[:n]), words[n]
        if not after[:1].isupper() or after.lower().strip(",.") in rules.title_words or after.isupper():
            continue
        country = names.place_country(tag, cities=False)
        if country is not None and names.place_country(after.strip(",.'’s"), cities=False) is None:
            return len(tag) + 1, Dateline(tag, tag, country, (offset, offset + len(tag)))
    return 0, None


def _place(place: str, names: Names) -> str | None:
    """Country of a dateline place: "NAIROBI, Kenya" by its parts, last first."""
    for part in reversed([p.strip() for p in place.split(",") if p.strip()]):
        for form in (part, part.title()):
            country = names.place_country(form)
            if country is not None:
                return country
    return None


def _capitalised_inside_sentences(paragraphs: Iterable[str]) -> frozenset[str]:
    """Words written with a capital inside a sentence of the body somewhere: names."""
    found = set()
    for text in paragraphs:
        for m in re.finditer(r"(?<=[a-z,;] )([A-Z][\w'’-]+)", text):
            found.add(m.group(1).rstrip("'’s"))
    return frozenset(found)


def _sentence_case(line: str, rules: LayoutRules, names: Names, body_names: frozenset[str]) -> str:
    """A title-case line in sentence case, names and acronyms kept; other lines as they are."""
    words = list(_WORD.finditer(line))
    content = [w for w in words if w.group().lower() not in rules.function_words]
    if len(words) < 3 or not content:
        return line
    capitalised = sum(w.group()[0].isupper() for w in content)
    if capitalised < 0.7 * len(content) or sum(w.group()[0].isupper() for w in words) < 0.6 * len(words):
        return line
    out = list(line)
    for i, m in enumerate(words):
        word = m.group()
        if i == 0 or word.isupper() or not word[0].isupper():
            continue
        bare = word.rstrip("'’s.")
        if bare in body_names or names.is_name(bare):
            continue
        out[m.start()] = word[0].lower()
    return "".join(out)
