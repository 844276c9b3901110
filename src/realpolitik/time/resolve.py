"""Resolve the date of the events in a sentence against the publication date.

How a sentence is handled:

1. Candidates are the spaCy DATE entities of the sentence, plus regex hits the model
   misses or mislabels ("tonight" is a TIME entity, "in 1949" may be left untagged).
   A regex hit that overlaps a non-TIME entity is dropped (a DATE entity covers it;
   a CARDINAL is not a year).
2. Candidates that are not points in time are dropped: durations ("for three years",
   "the past decade"), ages ("a 10-year-old", "in his 60s"), recurrences ("annual",
   "every year"), anaphora ("the next day"), dates inside a relative clause or an
   apposition ("Putin, president since 2000, ...": background, not the event),
   numbers counting a plural noun ("in 2000 attacks") and entities that only modify a
   noun ("the 2010 World Cup"; kept when the noun is itself the main verb's time and the
   entity has a year: "won in the 2016 election").
3. Preference: candidates attached to the sentence's main verb (its root) by a temporal
   preposition (in/on/since/during/at) or as an npadvmod/advmod ("Last year", "Two years
   ago") come first, then the others in reading order. The first that resolves wins.
4. Resolution: own rules for bare years, decades, weekdays (news convention: most recent
   such day on or before the publication date), "yesterday"/"today"/"tonight",
   "last/this/next week|month|year" and "earlier this year"; everything else goes to
   dateparser (cached per expression and publication date).

Dates are the first day of the period: "September 2012" -> 2012-09-01 (month),
"1950" -> 1950-01-01 (year), "two years ago" -> Jan 1 of that year (year),
"last week" -> the Monday of that week (day), "the 1990s" -> 1990-01-01 (decade).
Years outside 1800..(publication year + 1) are rejected, except that a clearly future
expression ("next", "tomorrow", a verb with "will") may run up to a century ahead.

Periods have an end as well: "from 1979 to 1989" (1979, ending 1989), "during the Cold War"
(a named period of ``data/periods.yaml``: 1947 to 1991), "under Brezhnev" (a leader's tenure,
given by the caller). Expressions that only make sense against the story being told ("the
following year", "a year later", "that spring", "the same year") resolve against a context
date when the caller has one (narrative time, :mod:`realpolitik.time.assign`).

:func:`date_expressions` gives every date expression of a sentence with the word it dates
(its anchor: the verb or noun the expression modifies), so each event can take the date of
its own clause; :func:`resolve_sentence_date` gives the main clause's date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from dateparser.date import DateDataParser
from spacy.tokens import Span, Token

from realpolitik.datafiles import data_file, read_yaml
from realpolitik.nlp.parse import sentence_entities

MIN_YEAR = 1800
FUTURE_YEARS = 100  # how far ahead an explicitly future expression may point

_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_ALT = "|".join(m.capitalize() for m in _MONTHS)
_WEEKDAY_ALT = "|".join(_WEEKDAYS)

_TEMPORAL_PREPS = {"in", "on", "since", "during", "at"}
_NOUN_MODIFIER_DEPS = {"nummod", "compound", "amod", "poss", "nmod"}
_BACKGROUND_DEPS = {"relcl", "appos"}
_FUTURE_AUX = {"will", "shall", "'ll", "wo"}

# Expressions that are dates without a preposition: "tonight", "two years ago".
_FIND_FREE = re.compile(
    rf"""(?P<prep>\b(?:in|on|since|during)\s+)?(?P<expr>
        \b(?:yesterday|today|tonight|tomorrow|last\s+night|this\s+(?:morning|afternoon|evening))\b
      | \b(?:last|this|next|earlier\s+this|later\s+this)\s+(?:week|month|year)\b
      | \b(?:(?:last|next|this)\s+)?(?:{_WEEKDAY_ALT})\b
      | \b(?:\w+|a\s+few)\s+(?:years?|months?|weeks?|days?|decades?)\s+ago\b
      | \b(?:the\s+following|the\s+next|the\s+previous|the\s+preceding|that|the\s+same|later\s+that|earlier\s+that)
           \s+(?:year|month|spring|summer|autumn|fall|winter)\b
      | \b(?:\w+|a\s+few)\s+(?:years?|months?|decades?)\s+(?:later|earlier)\b
    )""",
    re.I | re.X,
)
# Years and month names count only after a temporal preposition: "in 1949", "in May".
_FIND_PREP = re.compile(
    rf"""\b(?P<prep>(?i:in|on|since|during)\s+)(?P<expr>(?:the\s+)?(?:(?:early|mid|late)[\s-]+)?(?:
        (?:1[89]|20)\d\ds?
      | (?:{_MONTH_ALT})\b(?:\s+\d{{1,2}}\b)?(?:,?\s+\d{{4}})?
      | \d{{1,2}}\s+(?:{_MONTH_ALT})(?:\s+\d{{4}})?
    ))(?![\d,])""",
    re.X,
)

_NON_POINT = re.compile(
    r"""-(?:year|month|week|day|hour)s?\b                      # "two-year term", "10-year-old"
      | \b(?:annual|annually|yearly|monthly|weekly|daily|nightly|every|each|per)\b
      | \b(?:his|her|their|its|my|our|your)\b                  # ages: "in his 60s"
      | \b(?:following|previous|prior|same|that|past)\b         # "the next day", "the past year"
      | \bthe\s+(?:last|next|coming)\b
      | ^(?:a|an|one|\d+)\s+(?:year|month|week|day|decade)$     # "for a year"
    """,
    re.X,
)
_PLURAL_UNIT = re.compile(r"\b(?:years|months|weeks|days|hours|decades|centuries)\b")
_IN_OFFSET = re.compile(r"^in\s+(?:\w+|a\s+few)\s+(?:days|weeks|months|years)$")  # "in two weeks"
_MODIFIER = re.compile(
    r"^(?:the\s+)?(?:(?:early|mid|late|end|beginning|start|middle|spring|summer|autumn|fall|winter)"
    r"(?:\s+of\s+(?:the\s+)?|\s*-\s*|\s+))+(?=\S)"
)
_YEAR = re.compile(r"^(?:the\s+year\s+)?(\d{4})$")
_DECADE = re.compile(r"^(?:the\s+)?(\d{3}0)s$")
_SHORT_DECADE = re.compile(r"^(?:the\s+)?'(\d)0s$")
_DAY_WORDS = {
    "yesterday": -1,
    "last night": -1,
    "today": 0,
    "tonight": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "tomorrow": 1,
}
_PERIOD = re.compile(r"^(last|this|next|earlier this|later this)\s+(week|month|year)$")
_WEEKDAY = re.compile(rf"^(?:(last|this|next)\s+)?({_WEEKDAY_ALT})(?:\s+(?:morning|afternoon|evening|night))?$")
_PARSER_GATE = re.compile(
    r"\b(?:" + "|".join(_MONTHS) + r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|" + _WEEKDAY_ALT + r"|ago|now)\b"
)
_FUTURE_WORDS = re.compile(r"\b(?:next|tomorrow|coming|later|from\s+now)\b|^in\s")
_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twenty": 20,
    "thirty": 30,
    "a few": 3,
    "several": 3,
}
_DECADES_AGO = re.compile(r"^(\w+|a few) decades? ago$")
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
# Expressions of the story's own time: resolved against a context date, never the publication date.
_RELATIVE = re.compile(
    r"""^(?:(?P<step>the\s+following|the\s+next|the\s+previous|the\s+preceding|that|the\s+same|later\s+that|
                     earlier\s+that)\s+(?P<unit>year|month|spring|summer|autumn|fall|winter)
          |(?P<n>\w+|a\s+few)\s+(?P<nunit>years?|months?|decades?)\s+(?P<dir>later|earlier|before|after))$""",
    re.X,
)
_RANGE = re.compile(r"\b(?i:from|between)\s+((?:1[89]|20)\d\d)\s+(?i:to|and|until|till|through)\s+((?:1[89]|20)\d\d)\b")
_UNDER = re.compile(
    r"\b(?i:under)\s+(?:(?:President|Premier|Prime\s+Minister|Chairman|King|Queen|Emperor|General|Marshal)\s+)?"
    r"((?:[A-Z][\w'’-]+\s+){0,2}[A-Z][\w'’-]+)"
)


@dataclass(frozen=True)
class ResolvedDate:
    """The date of a sentence's events and where it came from."""

    date: date | None  # best single day (first day of the period for month/year/decade)
    source: str  # "sentence", "document", "context", "tenure" or "none"
    text: str | None  # the expression used ("in September 2012")
    granularity: str  # "day" | "month" | "year" | "decade" | "none"
    end: dt.date | None = None  # the last day of a stretch of time: "from 1979 to 1989", "under Brezhnev"


@dataclass(frozen=True)
class DateExpression:
    """A resolved date expression of a sentence and the token it dates."""

    resolved: ResolvedDate
    anchor: int  # document index of the verb or noun the expression modifies
    start_char: int  # where the expression starts in the document


Tenure = Callable[[str, date | None], "tuple[date, date | None] | None"]  # leader name, on date -> (start, end)


@dataclass(frozen=True)
class _Candidate:
    core: Span  # the date expression itself, without a leading preposition
    text: str  # what is reported as ResolvedDate.text (with the preposition, if any)
    prep: str | None  # the temporal preposition in front of it, lower-cased
    from_entity: bool


@dataclass(frozen=True)
class Period:
    """A named period: "the Cold War" 1947-1991."""

    names: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True)
class Periods:
    """The named periods of ``data/periods.yaml``: a pattern for "during/in/since/after the <period>"
    and each lower-case name's period."""

    pattern: re.Pattern[str]
    table: dict[str, Period]

    @classmethod
    def load(cls, extra: Sequence[str | Path] = ()) -> Periods:
        """The packaged periods plus those of the user files in `extra` (the schema of
        ``time/data/periods.yaml``); a name given again takes the later period."""
        if not extra:
            return default_periods()
        return _periods([data_file("time", "periods.yaml"), *extra])


@lru_cache(maxsize=1)
def default_periods() -> Periods:
    """The packaged periods, validated, read once per process."""
    return _periods([data_file("time", "periods.yaml")])


def _periods(sources: Sequence[Any]) -> Periods:
    table: dict[str, Period] = {}
    for source in sources:
        for n, raw in enumerate(read_yaml(source, keys=("version", "periods")).get("periods") or [], start=1):
            where = f"{source}: period #{n}"
            try:
                if not isinstance(raw["names"], list):
                    raise TypeError
                names = [str(name) for name in raw["names"]]
                period = Period(tuple(names), int(raw["start"]), int(raw["end"]))
            except (KeyError, TypeError, ValueError):
                raise ValueError(f"{where}: needs names (a list), start and end (years)") from None
            if not names or period.end < period.start:
                raise ValueError(f"{where} ({names[0] if names else '?'}): no names, or it ends before it starts")
            for name in period.names:
                table[name.lower()] = period
    alternatives = "|".join(re.escape(n) for n in sorted(table, key=len, reverse=True))
    pattern = re.compile(
        rf"\b(?P<prep>during|in|since|after|before|throughout|at\s+the\s+end\s+of|by)\s+"
        rf"(?:the\s+)?(?P<name>{alternatives})\b",
        re.I,
    )
    return Periods(pattern, table)


def date_expressions(
    sentence: Span,
    doc_date: date | None,
    periods: Periods,
    context: date | None = None,
    tenure: Tenure | None = None,
) -> list[DateExpression]:
    """Every date expression of the sentence that resolves, with the token it dates, in reading order.

    Unlike :func:`resolve_sentence_date` this keeps dates inside relative clauses and
    appositions: they date their own clause. `context` resolves the story's own
    expressions ("the following year"); `tenure` gives a leader's time in office ("under Brezhnev").
    """
    found: list[DateExpression] = []
    for cand in _candidates(sentence, keep_background=True):
        try:
            resolved = _resolve_in_context(cand, doc_date, context)
        except (OverflowError, ValueError):
            continue
        if resolved is not None:
            found.append(DateExpression(resolved, _anchor(cand.core), cand.core.start_char))
    found += _stretches(sentence, doc_date, periods, tenure)
    return sorted(found, key=lambda e: e.start_char)


def _resolve_in_context(cand: _Candidate, doc_date: date | None, context: date | None) -> ResolvedDate | None:
    expr = _normalize(cand.core.text)
    if _RELATIVE.match(expr):
        found = _relative(expr, context) if context is not None else None
        return ResolvedDate(found[0], "context", cand.text, found[1]) if found else None
    resolved = _resolve_candidate(cand, doc_date)
    return ResolvedDate(resolved[0], "sentence", cand.text, resolved[1]) if resolved else None


def _relative(expr: str, context: date) -> tuple[date, str] | None:
    """ "the following year", "two years later", "that spring" against the story's date."""
    m = _RELATIVE.match(expr)
    if m is None:
        return None
    if m["unit"]:
        step = {"the following": 1, "the next": 1, "the previous": -1, "the preceding": -1}.get(
            " ".join(m["step"].split()), 0
        )
        unit = m["unit"]
        if unit == "year":
            return date(context.year + step, 1, 1), "year"
        if unit == "month":
            months = context.year * 12 + context.month - 1 + step
            return date(months // 12, months % 12 + 1, 1), "month"
        return date(context.year + step, _SEASONS[unit], 1), "month"  # a season: its first month
    n = _NUMBERS.get(m["n"]) or (int(m["n"]) if m["n"].isdigit() else None)
    if n is None:
        return None
    sign = 1 if m["dir"] in ("later", "after") else -1
    unit = m["nunit"].rstrip("s")
    if unit == "decade":
        return date(context.year + sign * 10 * n, 1, 1), "decade"
    if unit == "year":
        return date(context.year + sign * n, 1, 1), "year"
    months = context.year * 12 + context.month - 1 + sign * n
    return date(months // 12, months % 12 + 1, 1), "month"


def _stretches(sentence: Span, doc_date: date | None, periods: Periods, tenure: Tenure | None) -> list[DateExpression]:
    """Ranges, named periods and tenures: "from 1979 to 1989", "during the Cold War", "under Brezhnev"."""
    doc, out = sentence.doc, []
    text, base = sentence.text, sentence.start_char

    def add(m_start: int, m_end: int, start: date, end: date, label: str) -> None:
        span = doc.char_span(base + m_start, base + m_end, alignment_mode="expand")
        if span is not None:
            out.append(
                DateExpression(ResolvedDate(start, "sentence", label, "year", end), _anchor(span), base + m_start)
            )

    for m in _RANGE.finditer(text):
        first, last = int(m[1]), int(m[2])
        if MIN_YEAR <= first <= last:
            add(m.start(), m.end(), date(first, 1, 1), date(last, 12, 31), m.group())
    for m in periods.pattern.finditer(text):
        period = periods.table[m["name"].lower()]
        add(m.start(), m.end(), date(period.start, 1, 1), date(period.end, 12, 31), m.group())
    if tenure is not None:
        for m in _UNDER.finditer(text):
            term = tenure(m[1], doc_date)
            if term is not None:
                add(m.start(), m.end(), date(term[0].year, 1, 1), term[1] or doc_date or term[0], m.group())
    return out


def _anchor(span: Span) -> int:
    """The verb or noun a date expression modifies: "In 1950 [sanctioned]", "the [visit] in May"."""
    tok: Token = span.root
    while tok.i != tok.head.i and span.start <= tok.head.i < span.end:
        tok = tok.head
    head = tok.head
    if head.dep_ == "prep" or head.pos_ == "ADP":  # "in 1950": the word the preposition hangs on
        head = head.head
    if (
        tok.dep_ in ("compound", "amod", "det", "nmod")
        and head.pos_ in ("NOUN", "PROPN")
        and head.dep_ in ("nsubj", "nsubjpass", "dobj")
        and span.end <= head.i
    ):
        head = head.head  # "That spring police arrested ...": misparsed as a noun's modifier, it dates the verb
    return head.i if head.i != tok.i else tok.i


def resolve_sentence_date(sentence: Span, doc_date: date | None) -> ResolvedDate:
    """The date of the events in `sentence`, resolved against the publication date."""
    candidates = _candidates(sentence)
    attached = [c for c in candidates if _attached_to_root(c.core, sentence)]
    others = [c for c in candidates if c not in attached]
    for cand in attached + others:
        try:
            found = _resolve_candidate(cand, doc_date)
        except (OverflowError, ValueError):  # "next year" from 9999-12-31, "yesterday" from 0001-01-01
            continue
        if found is not None:
            day, granularity = found
            return ResolvedDate(day, "sentence", cand.text, granularity)
    if doc_date is not None:
        return ResolvedDate(doc_date, "document", None, "day")
    return ResolvedDate(None, "none", None, "none")


def _candidates(sentence: Span, keep_background: bool = False) -> list[_Candidate]:
    """Date expressions of the sentence in reading order, minus noun modifiers (and, unless
    `keep_background`, dates inside relative clauses and appositions)."""
    doc = sentence.doc
    found: list[_Candidate] = []
    ents = sentence_entities(sentence)
    for ent in ents:
        if ent.label_ != "DATE":
            continue
        before = doc[ent.start - 1] if ent.start > sentence.start else None
        prep = before.lower_ if before is not None and before.lower_ in _TEMPORAL_PREPS else None
        if (
            prep is None
            and ent.root.dep_ in _NOUN_MODIFIER_DEPS
            and not (_attached_to_root(ent, sentence) and re.search(r"\d{4}", ent.text))
        ):
            continue  # "the 2010 World Cup", "the Sept. 11 attacks"; keeps "in the 2016 election"
        text = doc[ent.start - 1 : ent.end].text if prep else ent.text
        found.append(_Candidate(ent, text, prep, True))
    taken = [(e.start_char, e.end_char) for e in ents if e.label_ != "TIME"]
    for pattern in (_FIND_FREE, _FIND_PREP):
        for m in pattern.finditer(sentence.text):
            start, end = sentence.start_char + m.start("expr"), sentence.start_char + m.end("expr")
            if any(s < end and start < e for s, e in taken):
                continue
            core = doc.char_span(start, end, alignment_mode="expand")
            if core is None:
                continue
            taken.append((start, end))
            prep = m.group("prep").strip().lower() if m.group("prep") else None
            found.append(_Candidate(core, m.group(0).strip(), prep, False))
    found = [c for c in found if not ((not keep_background and _in_background(c.core, sentence)) or _is_count(c.core))]
    return sorted(found, key=lambda c: c.core.start_char)


def _attached_to_root(span: Span, sentence: Span) -> bool:
    """True when the date modifies the sentence's main verb: "In 1950 ... sanctioned", "Last year ... annexed"."""
    root = sentence.root
    tok = span.root
    if tok.dep_ in _NOUN_MODIFIER_DEPS and not span.start <= tok.head.i < span.end:
        tok = tok.head  # "in the 2016 election": climb from "2016" to "election"
    if tok.dep_ == "pobj" and tok.head.dep_ == "prep":
        return tok.head.lower_ in _TEMPORAL_PREPS and tok.head.head == root
    return tok.dep_ in {"npadvmod", "advmod", "tmod"} and tok.head == root


def _is_count(span: Span) -> bool:
    """A number counting a plural noun, not a year: "in 2000 attacks"."""
    return span.root.dep_ == "nummod" and span.root.head.tag_ in {"NNS", "NNPS"}


def _in_background(span: Span, sentence: Span) -> bool:
    """True inside a relative clause or apposition ("who took office in 2010")."""
    tok = span.root
    chain = [tok, *tok.ancestors]
    return any(t.dep_ in _BACKGROUND_DEPS for t in chain if sentence.start <= t.i < sentence.end)


def _is_future(cand: _Candidate, expr: str) -> bool:
    """A forward-looking expression ("next week", "in two weeks") or a verb with "will"."""
    if _FUTURE_WORDS.search(expr):
        return True
    verb = cand.core.root
    while verb.pos_ not in {"VERB", "AUX"} and verb.head.i != verb.i:
        verb = verb.head
    return any(c.dep_ in {"aux", "auxpass"} and c.lower_ in _FUTURE_AUX for c in verb.children)


def _resolve_candidate(cand: _Candidate, doc_date: date | None) -> tuple[date, str] | None:
    """Resolve one candidate and apply the plausible-year bounds."""
    expr = _normalize(cand.core.text)
    if cand.prep == "in" and _IN_OFFSET.match(f"in {expr}"):
        expr = f"in {expr}"
    future = _is_future(cand, expr)
    found = _resolve_expression(expr, doc_date, future)
    if found is None:
        return None
    ref_year = (doc_date or date.today()).year
    upper = ref_year + (FUTURE_YEARS if future else 1)
    return found if MIN_YEAR <= found[0].year <= upper else None


def _normalize(text: str) -> str:
    text = text.lower().replace("\u2019", "'").strip(" .,;:")
    text = re.sub(r"'s$", "", text)
    return re.sub(r"\s+", " ", text)


def _resolve_expression(expr: str, ref: date | None, future: bool) -> tuple[date, str] | None:
    """(first day, granularity) for a normalized date expression, or None."""
    if _IN_OFFSET.match(expr):
        return _dateparser(expr, ref, True)
    if _NON_POINT.search(expr) or (_PLURAL_UNIT.search(expr) and "ago" not in expr):
        return None
    expr = _MODIFIER.sub("", expr)  # "mid-2019" -> "2019", "the summer of 2014" -> "2014"
    if m := _YEAR.match(expr):
        return date(int(m[1]), 1, 1), "year"
    if m := _DECADE.match(expr):
        return date(int(m[1]), 1, 1), "decade"
    if m := _SHORT_DECADE.match(expr):
        year = 2000 + 10 * int(m[1])
        if year > (ref or date.today()).year:
            year -= 100
        return date(year, 1, 1), "decade"
    if ref is None:  # relative expressions need a reference; explicit dates still parse
        return _dateparser(expr, None, future) if re.search(r"\b\d{4}\b", expr) else None
    if expr in _DAY_WORDS:
        return ref + timedelta(days=_DAY_WORDS[expr]), "day"
    if m := _DECADES_AGO.match(expr):  # "two decades ago": the decade that held that year
        n = _NUMBERS.get(m[1]) or (int(m[1]) if m[1].isdigit() else None)
        if n is not None:
            return date((ref.year - 10 * n) // 10 * 10, 1, 1), "decade"
    if m := _PERIOD.match(expr):
        return _period_start(m[1], m[2], ref)
    if m := _WEEKDAY.match(expr):
        return _weekday(m[1], _WEEKDAYS.index(m[2]), ref, future), "day"
    return _dateparser(expr, ref, future)


def _period_start(which: str, unit: str, ref: date) -> tuple[date, str]:
    """First day of last/this/next week, month or year."""
    step = {"last": -1, "next": 1}.get(which, 0)
    if unit == "week":
        return ref - timedelta(days=ref.weekday()) + timedelta(weeks=step), "day"
    if unit == "month":
        months = ref.year * 12 + ref.month - 1 + step
        return date(months // 12, months % 12 + 1, 1), "month"
    return date(ref.year + step, 1, 1), "year"


def _weekday(which: str | None, weekday: int, ref: date, future: bool) -> date:
    """The named weekday nearest the reference: on/before it unless the text looks ahead."""
    back = (ref.weekday() - weekday) % 7
    ahead = (weekday - ref.weekday()) % 7
    if which == "last":
        return ref - timedelta(days=back or 7)
    if which == "next":
        return ref + timedelta(days=ahead or 7)
    return ref + timedelta(days=ahead) if future else ref - timedelta(days=back)


@lru_cache(maxsize=4096)
def _dateparser(expr: str, ref: date | None, future: bool) -> tuple[date, str] | None:
    """dateparser for month names, explicit days and "N units ago"; None for anything it would guess at."""
    settings: dict[str, object] = {"PREFER_DATES_FROM": "future" if future else "past", "PREFER_DAY_OF_MONTH": "first"}
    if ref is not None:
        settings["RELATIVE_BASE"] = datetime(ref.year, ref.month, ref.day)
    if not re.search(r"[a-z]", expr):
        settings["REQUIRE_PARTS"] = ["day", "month", "year"]  # "20" is not a date, "3/4/2019" is
    elif not (_PARSER_GATE.search(expr) or _IN_OFFSET.match(expr)):
        return None  # dateparser reads "the '90s" as ninety seconds ago
    data = DateDataParser(languages=["en"], settings=settings).get_date_data(expr)
    if data.date_obj is None:
        return None
    day = data.date_obj.date()
    if data.period == "year":
        return date(day.year, 1, 1), "year"
    if data.period == "month":
        return day.replace(day=1), "month"
    return day, "day"
