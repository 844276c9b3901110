"""The request and response bodies of the REST API (they make its OpenAPI schema).

The records of events and mentions (:data:`EventOut`, :data:`MentionOut`,
:data:`CodedMention`) are generated from the record's declaration
(:mod:`realpolitik.record`), field descriptions included.

Dates travel as ``YYYY-MM-DD`` strings, except event dates, which are written at their
precision (``date_precision``): ``2012-09-14``, ``2012-09``, ``1950``, ``1990s``. Spans
travel as ``[start, end]`` character offsets into the record's own ``sentence_text``
(half-open, like Python slices).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, create_model

from realpolitik.record import BY_NAME, FIELDS, KINDS, STORED
from realpolitik.record import Field as RecordField
from realpolitik.store.db import EVENT_FRAME_COLUMNS
from realpolitik.store.schema import EVENT_STORE_FIELDS, MENTION_STORE_FIELDS

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(value: Any) -> Any:
    """A ``YYYY-MM-DD`` string as a date; anything else (a timestamp, ``2024-W01``) raises ValueError."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DAY.fullmatch(value):
        raise ValueError("expected a date as YYYY-MM-DD")
    return date.fromisoformat(value)  # raises ValueError for 2024-02-30


# A calendar date written exactly as YYYY-MM-DD (pydantic alone would also take Unix timestamps).
Day = Annotated[date, BeforeValidator(parse_day), WithJsonSchema({"type": "string", "format": "date"})]
Span = Annotated[list[int], Field(min_length=2, max_length=2, description="[start, end) in sentence_text")]
Text = Annotated[str, Field(pattern=r"\S", description="any text with at least one non-space character")]


class Error(BaseModel):
    """An error a client can act on."""

    detail: str


EVENT_DATE = "the event's date at its precision: 2012-09-14 (day), 2012-09 (month), 1950 (year), 1990s (decade)"
# What a stored mention's answer adds from its document
_DOCUMENT_FIELDS = (
    RecordField("doc_source", "text", False, "the file or feed the document came from"),
    RecordField("url", "text", False, "the document's URL"),
    RecordField("title", "text", False, "the document's title"),
)


def _model(name: str, doc: str, fields: Iterable[RecordField]) -> type[BaseModel]:
    """A response model with one required field per record field: its type, null unless required, its description."""
    definitions: dict[str, Any] = {}
    for f in fields:
        kind, description = Span if f.kind == "span" else KINDS[f.kind][0], f.description
        if f.name == "event_date":  # answers write it at its precision, as text
            kind, description = str, EVENT_DATE
        definitions[f.name] = (kind if f.required else kind | None, Field(description=description))
    return create_model(name, __doc__=doc, **definitions)


_EVENT_FIELDS = {f.name: f for f in EVENT_STORE_FIELDS}

if TYPE_CHECKING:  # to the type checker the generated models are plain models
    EventOut = BaseModel
    MentionOut = BaseModel
    CodedMention = BaseModel
else:
    EventOut = _model(
        "EventOut",
        "A deduplicated event with the evidence and provenance of its representative mention "
        "(its mention_id is the one `realpolitik code` writes).",
        (_EVENT_FIELDS.get(c) or BY_NAME[c] for c in EVENT_FRAME_COLUMNS),
    )
    MentionOut = _model(
        "MentionOut",
        "One report of an event: the coded mention as stored, with the document it came from.",
        (MENTION_STORE_FIELDS[0], *STORED, MENTION_STORE_FIELDS[-1], *_DOCUMENT_FIELDS),
    )
    CodedMention = _model(
        "CodedMention", "An event mention coded from posted text: the record `realpolitik code` writes.", FIELDS
    )


class EventPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[EventOut]


class EventDetail(BaseModel):
    event: EventOut
    mentions: list[MentionOut]


class ActorOut(BaseModel):
    actor: str
    country: str | None
    role: str | None
    name: str | None
    as_source: int
    as_target: int
    total: int


class ActorPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[ActorOut]


class SeriesRow(BaseModel):
    """Events of one direction of a dyad in one period, per QuadClass."""

    direction: str
    source: str
    target: str
    period: str
    period_start: date
    verbal_coop: int
    material_coop: int
    verbal_conflict: int
    material_conflict: int
    total: int
    goldstein_mean: float | None


class DyadOut(BaseModel):
    a: str
    b: str
    by: str
    weighted: bool
    series: list[SeriesRow]
    top_events: list[EventOut]


class AlertOut(BaseModel):
    """A period in which a directed dyad departs from its trailing baseline (see README, "Alerts")."""

    dyad: list[str]
    direction: str
    source: str
    target: str
    kind: str
    period: str
    period_start: date
    value: float
    baseline_mean: float | None
    baseline_std: float | None
    z: float | None
    message: str
    event_keys: list[str]
    events: list[EventOut] = Field(description="the first events behind the alert, most reported first")


class AlertPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[AlertOut]


class GraphNode(BaseModel):
    id: str = Field(description="country (ISO3) or IGO code")
    name: str
    events: int = Field(description="events on the graph's edges that involve this node")
    latitude: float | None = Field(description="the country's point on the map (null for IGOs)")
    longitude: float | None


class GraphEdge(BaseModel):
    """Events from one country-level actor to another, per QuadClass."""

    source: str
    target: str
    verbal_coop: int
    material_coop: int
    verbal_conflict: int
    material_conflict: int
    total: int
    goldstein_mean: float | None


class GraphOut(BaseModel):
    total: int = Field(description="edges in all; `edges` is the page of them, busiest first")
    limit: int
    offset: int
    nodes: list[GraphNode]
    edges: list[GraphEdge]


class PlaceOut(BaseModel):
    """Events of one QuadClass at one geocoded place."""

    latitude: float
    longitude: float
    name: str | None
    country: str | None
    region: str | None
    precision: str | None
    quad_class: int | None
    events: int


class PlacePage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[PlaceOut]


class Suggestion(BaseModel):
    label: str = Field(description="the name to show, and to send back as an actor filter")
    code: str = Field(description="the actor code it resolves to")
    kind: str = Field(
        description="country, demonym, capital, metonym, leader, igo, ngo, group, or actor "
        "(a name an actor of the store carries)"
    )


class SuggestOut(BaseModel):
    items: list[Suggestion]


class InfoOut(BaseModel):
    version: str
    store: str = Field(description="the store's file name, or PostgreSQL")
    documents: int
    events: int = Field(description="deduplicated events of every modality")
    first_date: date | None
    last_date: date | None
    ingest_enabled: bool


class CodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Text
    date: Day | None = Field(default=None, description="publication date, to resolve relative dates")


class CodeOut(BaseModel):
    count: int
    mentions: list[CodedMention]


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, Field(min_length=1, max_length=500)]
    text: Text
    date: Day | None = None
    title: str | None = None
    url: str | None = None


class IngestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: Annotated[list[DocumentIn], Field(min_length=1, max_length=1000)]


class IngestOut(BaseModel):
    new_documents: int
    skipped_existing: int
    mentions: int = Field(description="event mentions stored")
    errors: int
    total_events: int = Field(description="deduplicated events of every modality in the store")
