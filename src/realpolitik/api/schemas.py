"""The request and response bodies of the REST API (they make its OpenAPI schema).

Dates travel as ``YYYY-MM-DD`` strings, except event dates, which are written at their
precision (``date_precision``): ``2012-09-14``, ``2012-09``, ``1950``, ``1990s``. Spans
travel as ``[start, end]`` character offsets into the record's own ``sentence_text``
(half-open, like Python slices).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

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


EventDate = Annotated[
    str | None,
    Field(
        description=(
            "the event's date at its precision: 2012-09-14 (day), 2012-09 (month), 1950 (year), 1990s (decade)"
        )
    ),
]
Precision = Annotated[str | None, Field(description="day | month | year | decade; null when undated")]


class Place(BaseModel):
    """Where an event happened, as geocoded (null fields when the place was not resolved)."""

    location: str | None = Field(description="the place as the text names it (or the dateline's place)")
    location_country: str | None
    location_latitude: float | None
    location_longitude: float | None
    location_region: str | None = Field(description="first-level region, or the area itself (Darfur)")
    location_precision: str | None = Field(description="point (a city) | region | country")


class EventOut(Place):
    """A deduplicated event with the evidence and provenance of its representative mention."""

    event_key: str
    event_date: EventDate
    date_precision: Precision
    source: str
    source_country: str | None
    source_role: str | None
    source_name: str | None
    target: str | None
    target_country: str | None
    target_role: str | None
    target_name: str | None
    code: str
    root_code: str
    event_name: str | None
    goldstein: float | None
    quad_class: int | None
    plover_type: str | None
    plover_mode: str | None
    modality: str
    num_mentions: int
    num_sources: int
    num_documents: int
    confidence: float | None
    sentence_text: str
    source_text: str | None
    target_text: str | None
    trigger_text: str | None
    source_span: Span | None
    target_span: Span | None
    trigger_span: Span | None
    doc_id: str
    location_span: Span | None
    event_id: str = Field(description="the representative mention's event_id (as `realpolitik code` writes it)")
    sentence_index: int
    date_source: str | None
    date_text: str | None
    modality_cue: str | None
    doc_date: date | None
    source_country_reason: str | None
    target_country_reason: str | None


class EventPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[EventOut]


class EvidenceOut(Place):
    """What every event record shows: the sentence, the actors, the trigger and their spans."""

    sentence_index: int
    sentence_text: str
    source: str
    source_name: str | None
    source_text: str | None
    source_span: Span | None
    target: str | None
    target_name: str | None
    target_text: str | None
    target_span: Span | None
    code: str
    event_name: str | None
    modality: str
    modality_cue: str | None
    trigger_text: str | None
    trigger_span: Span | None
    event_date: EventDate
    date_precision: Precision
    confidence: float | None


class MentionOut(EvidenceOut):
    """One report of an event: the sentence, its spans and the document it came from."""

    mention_id: str
    doc_id: str
    doc_source: str | None
    site: str
    url: str | None
    title: str | None
    doc_date: date | None
    date_source: str | None
    date_text: str | None
    location_span: Span | None
    event_id: str
    source_country_reason: str | None
    target_country_reason: str | None


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


class CodedEvent(EvidenceOut):
    """An event coded from posted text (the record ``realpolitik code`` writes)."""

    event_id: str
    goldstein: float | None
    quad_class: int | None


class CodeOut(BaseModel):
    count: int
    events: list[CodedEvent]


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
    events: int
    errors: int
    total_events: int
