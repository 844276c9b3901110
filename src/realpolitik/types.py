"""The plain data types that flow through the pipeline.

Document -> Sentence (with Mentions of Actors) -> EventMention.

An :class:`EventMention` is one coded mention of an event in one sentence; the
store clusters the mentions of one event across stories into a deduplicated
*event* (:mod:`realpolitik.store.dedup`). Its flat record is declared once, in
:mod:`realpolitik.record`.

Character spans are half-open ``(start, end)`` offsets into the *sentence*
text carried on the same record, so a consumer can highlight evidence
without the full document.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any

Span = tuple[int, int]


class Modality(str, Enum):
    """How the text presents an event."""

    ASSERTED = "asserted"  # "Russia attacked Ukraine"
    NEGATED = "negated"  # "did not attack", "never", "refused to"
    HYPOTHETICAL = "hypothetical"  # "would", "could", "if", "may"
    FUTURE = "future"  # "plans to build", "will visit", "looks set to"
    DENIED = "denied"  # "Kim denies breaking sanctions"
    REPORTED = "reported"  # "according to", "allegedly", "X claimed Y attacked"
    ATTEMPTED = "attempted"  # "tried to assassinate", "a failed attack", "plotted to bomb"


@dataclass(frozen=True)
class Actor:
    """A coded actor: ISO3 country (or IGO) plus a CAMEO-style role.

    ``code`` follows the CAMEO convention of concatenated 3-letter parts:
    ``RUSGOV``, ``USAMIL``, ``COP`` (police of an unknown country),
    ``IGOUNO`` (the United Nations).
    """

    country: str | None = None  # ISO 3166-1 alpha-3 (plus historical: SUN, DDR, YUG, CSK)
    role: str | None = None  # GOV, MIL, REB, OPP, BUS, MED, CVL, LEG, JUD, COP, IGO, ...
    igo: str | None = None  # IGO id when role == "IGO": UNO, NAT, EUR, AFU, ...
    name: str = ""  # canonical name for display: "Russia", "Vladimir Putin"

    @property
    def code(self) -> str:
        """``RUSGOV``, ``IGOUNO``, ``COP`` (a role, country unknown), ``---`` (nothing known)."""
        if self.igo:
            return f"IGO{self.igo}"
        return f"{self.country or ''}{self.role or ''}" or "---"

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "country": self.country, "role": self.role, "igo": self.igo, "name": self.name}


@dataclass
class ActorMention:
    """A stretch of sentence text that refers to an actor."""

    start: int  # char offset in the sentence
    end: int
    text: str
    actor: Actor
    kind: str  # country, demonym, capital, metonym, leader, igo, ngo, group, role, person, organisation,
    #            city, pronoun, implicit
    token_start: int = 0  # token offsets within the sentence (for the coder)
    token_end: int = 0
    confidence: float = 1.0
    country_reason: str | None = None  # why it has its country (actors.context.COUNTRY_REASONS)
    tenure: tuple[date | None, date, str] | None = None  # a leader out of office: (start, end, role in office)

    @property
    def span(self) -> Span:
        return (self.start, self.end)


@dataclass
class Document:
    """One input item: an article, a post, a JSONL record."""

    id: str
    text: str
    date: date | None = None  # publication date
    title: str | None = None
    url: str | None = None
    source: str | None = None  # file path or feed the document came from
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class Sentence:
    """A sentence of a document, with what the pipeline found in it."""

    doc_id: str
    index: int
    text: str
    start: int  # char offset of the sentence in the document text
    date: date | None = None  # resolved event date for events in this sentence
    date_source: str = "document"  # "sentence" when resolved from the sentence's own text
    date_text: str | None = None  # the expression the date came from ("in 1950")
    date_precision: str | None = "day"  # day | month | year | decade; None without a date
    actors: list[ActorMention] = field(default_factory=list)  # the actors it names (and pronouns resolved)
    span: Any = field(default=None, repr=False, compare=False)  # the spaCy Span
    time: Any = field(default=None, repr=False, compare=False)  # time.assign.SentenceTime, while coding
    triggers: Any = field(default=None, repr=False, compare=False)  # coding.coder.Triggers, while coding
    modality: Any = field(default=None, repr=False, compare=False)  # token index -> (Modality, cue), while coding


@dataclass
class EventMention:
    """One coded mention of an event: who did what to whom, when, where, how sure, in one sentence."""

    doc_id: str
    sentence_index: int
    sentence_text: str
    source: Actor
    target: Actor | None
    code: str  # CAMEO event code, e.g. "0871"
    root_code: str  # first two digits, e.g. "08"
    event_name: str
    goldstein: float
    quad_class: int  # 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict
    plover_type: str | None  # None for plain statements (CAMEO 01, 010, 014)
    plover_mode: str | None
    modality: Modality
    trigger_text: str
    trigger_span: Span
    source_text: str | None  # None for an agentless event ("three civilians were killed")
    source_span: Span | None
    target_text: str | None = None
    target_span: Span | None = None
    event_date: date | None = None
    date_source: str = "document"
    date_text: str | None = None
    date_precision: str | None = "day"  # day | month | year | decade: "in 1950" is 1950, not 1950-01-01
    date_end: date | None = None  # the last day of a stretch: "from 1979 to 1989", "during the Cold War"
    doc_date: date | None = None
    location: str | None = None
    location_country: str | None = None
    location_span: Span | None = None  # None when the place is not in the sentence (the dateline's)
    location_latitude: float | None = None  # WGS84 degrees, from the geocoder (geo.geocode)
    location_longitude: float | None = None
    location_region: str | None = None  # first-level region ("Tripoli", "California") or the area ("Darfur")
    location_precision: str | None = None  # point (a city) | region | country; None when not resolved
    modality_cue: str | None = None
    confidence: float = 0.5
    source_country_reason: str | None = None  # why the actor has its country (actors.context.COUNTRY_REASONS)
    target_country_reason: str | None = None

    @property
    def agentless(self) -> bool:
        """A material event the text gives no doer for; its source is the unknown actor ``---``."""
        return self.source_span is None

    @property
    def mention_id(self) -> str:
        """Stable id: the same event coded from the same sentence always gets the same id."""
        key = "|".join(
            [
                self.doc_id,
                str(self.sentence_index),
                self.source.code,
                self.target.code if self.target else "",
                self.code,
                f"{self.trigger_span[0]}:{self.trigger_span[1]}",
                f"{self.source_span[0]}:{self.source_span[1]}" if self.source_span else "",
            ]
        )
        return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        """The flat record written by ``realpolitik code``: the fields of :data:`realpolitik.record.FIELDS`."""
        from realpolitik.record import record

        return record(self)


@dataclass
class DocumentError:
    """A document that could not be read or coded, with a reason a person can act on."""

    source: str  # file path (plus line number for JSONL) or document id
    error: str
    doc_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "doc_id": self.doc_id, "error": self.error}
