"""The realpolitik gold format: sentences of whole articles with fully specified events.

A gold file (``data/gold/dev.jsonl``, ``test.jsonl``) holds one JSON record per
sentence, in article order::

    {"id": "wikinews-tosca-ID736#3", "article_id": "wikinews-tosca-ID736",
     "sentence_index": 3, "start": 412, "end": 530, "sep": " ", "kind": "body",
     "date": "2004-11-13", "text": "...", "scheme": "realpolitik",
     "expected": [{"code": "040", "trigger_text": "had lunch", "trigger_span": [21, 30],
                   "source": "CHNGOV", "source_text": "Hu Jintao", "source_span": [0, 9],
                   "target": "BRAGOV", "target_text": "...", "target_span": [...],
                   "modality": "asserted", "date": "2004-11-13", "date_precision": "day"}]}

``start``/``end`` are offsets in the article text, which is rebuilt exactly by
joining each record's ``sep`` (the whitespace before it) and ``text``. Spans are
half-open offsets into the sentence text, as in the event record. Actor codes
are a country part (ISO3, ``WST``, ``IGO`` or ``---`` for unknown) and an
optional role part (a role of ``roles.yaml``, or an IGO id after ``IGO``).
The annotation guidelines are ``docs/annotation.md``.

:func:`load_gold` validates every record and raises :class:`GoldError` naming
the file and line of each bad one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from realpolitik.actors.gazetteer import Gazetteer
from realpolitik.coding.codebook import default_codebook
from realpolitik.types import Document, Modality

SCHEME = "realpolitik"
MODALITIES = frozenset(m.value for m in Modality)
KINDS = frozenset({"headline", "body", "heading", "caption"})
PRECISIONS = {
    "day": re.compile(r"\d{4}-\d\d-\d\d"),
    "month": re.compile(r"\d{4}-\d\d"),
    "year": re.compile(r"\d{4}"),
    "decade": re.compile(r"\d{3}0s"),
}
_ACTOR = re.compile(r"(---|[A-Z]{3})([A-Z0-9]{3})?")
CONTEXT_COUNTRIES = frozenset({"WST"})  # "the West" (CAMEO)


class GoldError(ValueError):
    """A gold file with bad records; the message names file and line of each."""


@dataclass(frozen=True)
class GoldDate:
    """An event date at the precision the text gives: "2006-08-03", "2012-09", "1950", "1990s"."""

    value: str
    precision: str  # day | month | year | decade

    def matches(self, day: date | None) -> bool:
        """Whether a predicted day falls on this date at its precision."""
        if day is None:
            return False
        iso = day.isoformat()
        if self.precision == "decade":
            return iso[:3] == self.value[:3]
        return iso.startswith(self.value)


@dataclass(frozen=True)
class GoldActor:
    """An actor of a gold event: code, the words naming it, and where they are."""

    code: str  # "RUSGOV", "IGOUNO", "---CVL", "---"
    text: str | None
    span: tuple[int, int] | None

    @property
    def country(self) -> str | None:
        """ISO3 (or "IGO", "WST"); None when unknown."""
        top = self.code[:3]
        return None if top == "---" else top

    @property
    def role(self) -> str | None:
        """Role code, or the IGO id after "IGO"; None when absent."""
        return self.code[3:6] or None


@dataclass(frozen=True)
class GoldMention:
    """One expected event mention (an entry of a gold record's `expected`)."""

    code: str
    source: GoldActor
    target: GoldActor | None
    trigger_text: str
    trigger_span: tuple[int, int]
    modality: str
    date: GoldDate

    @property
    def root(self) -> str:
        return self.code[:2]


@dataclass
class GoldSentence:
    """One gold record: a sentence of an article with its expected events."""

    id: str
    article_id: str
    sentence_index: int
    start: int
    end: int
    sep: str
    kind: str
    date: date | None
    text: str
    expected: list[GoldMention] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@lru_cache(maxsize=1)
def actor_vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    """(country codes, role codes) known to the packaged gazetteer."""
    entries = Gazetteer.load().entries
    countries = frozenset(e.country for e in entries if e.country) | CONTEXT_COUNTRIES
    roles = frozenset(e.role for e in entries if e.kind == "role" and e.role)
    return countries, roles


def check_actor_code(code: Any) -> str | None:
    """Why an actor code is malformed, or None when it is well formed."""
    if code == "---":
        return None
    m = _ACTOR.fullmatch(code) if isinstance(code, str) else None
    if m is None:
        return f"actor code {code!r} is not COUNTRY[ROLE] (three capitals or '---', then three capitals)"
    countries, roles = actor_vocabulary()
    top, sub = m.groups()
    if top == "IGO":  # ids of organisations the gazetteer lacks are allowed (guidelines, appendix B)
        return None if sub is not None else "actor code 'IGO' needs an organisation id ('IGOUNO')"
    if top != "---" and top not in countries:
        return f"unknown country {top!r} in {code!r}"
    if sub is not None and sub not in roles:
        return f"unknown role {sub!r} in {code!r}"
    return None


def find_span(sentence: str, text: str, occurrence: int = 1) -> tuple[int, int] | None:
    """The span of the `occurrence`-th (1-based) copy of `text` in `sentence`, or None."""
    at = -1
    for _ in range(max(occurrence, 1)):
        at = sentence.find(text, at + 1)
        if at < 0:
            return None
    return (at, at + len(text))


def parse_date(value: Any, precision: Any) -> GoldDate:
    """A gold date; ValueError when value and precision do not agree."""
    if precision not in PRECISIONS:
        raise ValueError(f"date_precision {precision!r} is not one of {', '.join(PRECISIONS)}")
    if not isinstance(value, str) or not PRECISIONS[precision].fullmatch(value):
        raise ValueError(f"date {value!r} is not written at precision {precision!r}")
    if precision in ("day", "month"):
        y, m, *d = (int(x) for x in value.split("-"))
        date(y, m, d[0] if d else 1)  # raises ValueError for a month 13 or a 31 April
    return GoldDate(value, precision)


def _actor(raw: Mapping[str, Any], side: str, sentence: str) -> GoldActor | None:
    code = raw.get(side)
    text = raw.get(f"{side}_text")
    if code is None:
        if side == "source":
            raise ValueError("an event needs a source ('---' when unknown)")
        if text is not None:
            raise ValueError("target_text given without a target")
        return None
    problem = check_actor_code(code)
    if problem:
        raise ValueError(f"{side}: {problem}")
    span = raw.get(f"{side}_span")
    if text is None:
        if span is not None:
            raise ValueError(f"{side}_span given without {side}_text")
        return GoldActor(code, None, None)
    return GoldActor(code, text, _check_span(span, text, sentence, side))


def _check_span(span: Any, text: str, sentence: str, field_name: str) -> tuple[int, int]:
    if not (isinstance(span, list) and len(span) == 2 and all(isinstance(x, int) for x in span)):
        raise ValueError(f"{field_name}_span must be [start, end], got {span!r}")
    a, b = span
    if not 0 <= a < b <= len(sentence):
        raise ValueError(f"{field_name}_span {span} lies outside the sentence (length {len(sentence)})")
    if sentence[a:b] != text:
        raise ValueError(f"{field_name}_span {span} is {sentence[a:b]!r}, not {field_name}_text {text!r}")
    return (a, b)


def parse_mention(raw: Any, sentence: str) -> GoldMention:
    """One expected event of a sentence; ValueError says what is wrong."""
    if not isinstance(raw, dict):
        raise ValueError("an expected event must be an object")
    code = raw.get("code")
    if not isinstance(code, str) or not default_codebook().is_valid(code):
        raise ValueError(f"code {code!r} is not a CAMEO code of the codebook")
    modality = raw.get("modality")
    if modality not in MODALITIES:
        raise ValueError(f"modality {modality!r} is not one of {', '.join(sorted(MODALITIES))}")
    trigger = raw.get("trigger_text")
    if not isinstance(trigger, str) or not trigger:
        raise ValueError("trigger_text is missing")
    source = _actor(raw, "source", sentence)
    assert source is not None
    return GoldMention(
        code=code,
        source=source,
        target=_actor(raw, "target", sentence),
        trigger_text=trigger,
        trigger_span=_check_span(raw.get("trigger_span"), trigger, sentence, "trigger"),
        modality=modality,
        date=parse_date(raw.get("date"), raw.get("date_precision")),
    )


def parse_sentence(raw: Any) -> GoldSentence:
    """One gold record; ValueError says what is wrong."""
    if not isinstance(raw, dict):
        raise ValueError("a record must be a JSON object")
    for key, kind in (
        ("id", str),
        ("article_id", str),
        ("text", str),
        ("sep", str),
        ("sentence_index", int),
        ("start", int),
        ("end", int),
        ("expected", list),
    ):
        if not isinstance(raw.get(key), kind):
            raise ValueError(f"'{key}' must be a {kind.__name__}")
    text = raw["text"]
    if not text.strip():
        raise ValueError("empty sentence text")
    if raw["end"] - raw["start"] != len(text):
        raise ValueError(f"start/end {raw['start']}..{raw['end']} do not fit a text of {len(text)} characters")
    if raw["sep"].strip():
        raise ValueError("'sep' must be whitespace")
    kind = raw.get("kind", "body")
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(sorted(KINDS))}")
    try:
        day = date.fromisoformat(raw["date"]) if raw.get("date") else None
    except (TypeError, ValueError):
        raise ValueError(f"date {raw.get('date')!r} is not YYYY-MM-DD") from None
    events = []
    for n, e in enumerate(raw["expected"], 1):
        try:
            events.append(parse_mention(e, text))
        except ValueError as exc:
            raise ValueError(f"event {n}: {exc}") from None
    return GoldSentence(
        id=raw["id"],
        article_id=raw["article_id"],
        sentence_index=raw["sentence_index"],
        start=raw["start"],
        end=raw["end"],
        sep=raw["sep"],
        kind=kind,
        date=day,
        text=text,
        expected=events,
        raw=raw,
    )


def load_gold(path: str | Path) -> list[GoldSentence]:
    """Every record of a gold file, validated; GoldError lists each bad line (file:line: why)."""
    sentences: list[GoldSentence] = []
    problems: list[str] = []
    where: dict[str, int] = {}
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                s = parse_sentence(json.loads(line))
            except json.JSONDecodeError as exc:
                problems.append(f"{path}:{n}: not JSON ({exc.msg})")
                continue
            except ValueError as exc:
                problems.append(f"{path}:{n}: {exc}")
                continue
            if s.id in where:
                problems.append(f"{path}:{n}: id {s.id!r} already used on line {where[s.id]}")
                continue
            where[s.id] = n
            sentences.append(s)
    problems += [f"{path}:{where[s.id]}: {why}" for s, why in _article_problems(sentences)]
    if problems:
        shown = "\n".join(problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise GoldError(f"{len(problems)} bad record(s):\n{shown}{more}")
    if not sentences:
        raise GoldError(f"{path}: no records")
    return sentences


def _article_problems(sentences: Iterable[GoldSentence]) -> list[tuple[GoldSentence, str]]:
    """Records whose offsets do not rebuild their article, or whose article date differs."""
    problems = []
    for records in group_articles(sentences).values():
        offset = 0
        for i, s in enumerate(records):
            if s.sentence_index != i:
                problems.append((s, f"sentence_index {s.sentence_index}, expected {i} in {s.article_id}"))
                break
            offset += len(s.sep)
            if s.start != offset:
                problems.append(
                    (s, f"start {s.start} does not follow the article's previous sentence (expected {offset})")
                )
                break
            offset = s.end
            if s.date != records[0].date:
                problems.append((s, f"date differs from the article's first record ({records[0].date})"))
    return problems


def group_articles(sentences: Iterable[GoldSentence]) -> dict[str, list[GoldSentence]]:
    """Records by article id, in sentence order, articles in first-seen order."""
    groups: dict[str, list[GoldSentence]] = {}
    for s in sentences:
        groups.setdefault(s.article_id, []).append(s)
    for records in groups.values():
        records.sort(key=lambda s: s.sentence_index)
    return groups


def article_documents(sentences: Iterable[GoldSentence]) -> list[tuple[Document, list[GoldSentence]]]:
    """Each article rebuilt as a Document, with its records (whose ``start`` locate them in its text)."""
    out = []
    for article_id, records in group_articles(sentences).items():
        text = "".join(s.sep + s.text for s in records)
        out.append((Document(id=article_id, text=text, date=records[0].date, source=article_id), records))
    return out


def with_spans(event: Mapping[str, Any], sentence: str) -> dict[str, Any]:
    """An annotator's event (texts, optional ``*_occurrence``) with the spans of its texts filled in.

    ValueError when a text does not occur in the sentence as often as asked.
    """
    out = {k: v for k, v in event.items() if not k.endswith("_occurrence")}
    for part in ("trigger", "source", "target"):
        text = event.get(f"{part}_text")
        if text is None:
            out[f"{part}_span"] = None
            continue
        span = find_span(sentence, text, int(event.get(f"{part}_occurrence", 1)))
        if span is None:
            raise ValueError(f"{part}_text {text!r} does not occur in the sentence")
        out[f"{part}_span"] = list(span)
    if out.get("target_span") is None and out.get("target") is None:
        out.pop("target_span", None)
    return out
