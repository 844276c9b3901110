"""The event-mention record, declared once: every field with its type, nullability and meaning.

An :class:`~realpolitik.types.EventMention` is one coded mention of an event in
one sentence; its flat record (:func:`record`) is what ``realpolitik code``
writes and ``POST /api/code`` answers (README, "The event record"). The store
keeps each mention as a row of ``mentions`` and clusters mentions into
deduplicated *events* (``events``), which carry the fields marked ``event``
(for a cluster: its mentions' commonest code, first date, highest confidence,
the representative mention's actors and place).

Everything that spells out these fields derives from :data:`FIELDS`: the
``mentions`` and ``events`` columns of the DDL (:mod:`realpolitik.store.schema`),
the store's rows (:func:`stored_row`), the Parquet schema and rows of the Dask
engine (:func:`state`, :func:`from_state`), and the REST API's response models
(:mod:`realpolitik.api.schemas`). A span (``kind`` ``span``) is a ``[start, end)``
list in the record and two integer columns ``*_start`` / ``*_end`` in tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from realpolitik.types import EventMention

# kind -> (Python type, SQL type, Arrow type name); a span is two columns of the integer types given
KINDS: dict[str, tuple[type, str, str]] = {
    "text": (str, "TEXT", "string"),
    "integer": (int, "INTEGER", "int32"),
    "real": (float, "DOUBLE PRECISION", "float64"),
    "boolean": (bool, "BOOLEAN", "bool_"),
    "date": (date, "DATE", "date32"),
    "span": (list, "INTEGER", "int64"),
}
SPAN_ENDS = ("start", "end")


@dataclass(frozen=True)
class Field:
    """One field of a record.

    `attr` is where the value lives on the object (``source.country``: the
    source actor's country; None when the target is absent), by default the
    field's name. `derived` fields are computed from the others (the id, the
    actor codes), so a lossless copy (:func:`state`) leaves them out; `stored`
    ones are columns of the store's ``mentions`` table; `event` ones are
    carried by the deduplicated event too (columns of ``events``).
    """

    name: str
    kind: str
    required: bool
    description: str
    attr: str = ""
    derived: bool = False
    stored: bool = True
    event: bool = False
    digits: int | None = None  # rounded to this many decimals in the record
    null_without: str | None = None  # null in the record unless this field is set

    def columns(self) -> tuple[str, ...]:
        """The table columns of this field: its name, or ``name_start`` / ``name_end`` for a span."""
        if self.kind != "span":
            return (self.name,)
        return tuple(f"{self.name.removesuffix('_span')}_{end}" for end in SPAN_ENDS)

    def sql(self, primary_key: bool = False) -> list[str]:
        """Its column definitions for CREATE TABLE."""
        constraint = " PRIMARY KEY" if primary_key else " NOT NULL" if self.required else ""
        return [f"{c} {KINDS[self.kind][1]}{constraint}" for c in self.columns()]


def _actor(side: str, required: bool, who: str) -> tuple[Field, ...]:
    return (
        Field(
            side,
            "text",
            required,
            f"the {who}'s CAMEO-style code: ISO3 country + role (RUSGOV, USAMIL), IGOUNO for an IGO, a bare "
            "role (COP) when the country is unknown"
            + (", --- for the unknown doer of an agentless event" if side == "source" else "; null for none"),
            attr=f"{side}.code",
            derived=True,
            event=True,
        ),
        Field(f"{side}_country", "text", False, f"the {who}'s country (ISO3)", attr=f"{side}.country", event=True),
        Field(f"{side}_role", "text", False, f"the {who}'s role: GOV, MIL, REB, ...", attr=f"{side}.role", event=True),
        Field(
            f"{side}_name",
            "text",
            False,
            f'a readable name of the {who} ("Joseph Stalin", "Russia")',
            attr=f"{side}.name",
        ),
        Field(f"{side}_text", "text", False, f"the {who} as the sentence names it"),
        Field(f"{side}_span", "span", False, f"[start, end) of {side}_text in sentence_text"),
        Field(
            f"{side}_country_reason",
            "text",
            False,
            f"why the {who} has its country: name, modifier, organisation, earlier mention, place, dateline, "
            "article (null when it has none or the name is the country)",
        ),
    )


_SOURCE, _TARGET = _actor("source", True, "source"), _actor("target", False, "target")

FIELDS: tuple[Field, ...] = (
    Field(
        "mention_id",
        "text",
        True,
        "stable id of the coded mention (a hash of document id, sentence, actors, code and spans)",
        derived=True,
    ),
    Field("doc_id", "text", True, "the id of the document the mention was found in"),
    Field("sentence_index", "integer", True, "the sentence's number in the document, from 0"),
    Field("sentence_text", "text", True, "the sentence; every span is an offset into it"),
    *_SOURCE,
    Field(
        "agentless",
        "boolean",
        True,
        "true for a material event the text names no doer for (source ---, no source text or span)",
        derived=True,
        stored=False,
    ),
    *_TARGET,
    Field("code", "text", True, "CAMEO 1.1b3 event code (a string, leading zeros kept)", event=True),
    Field("root_code", "text", True, "the code's two-digit root", event=True),
    Field("event_name", "text", False, "the CAMEO code's name", event=True),
    Field("goldstein", "real", False, "Goldstein scale weight (-10 ... +10)", event=True),
    Field(
        "quad_class",
        "integer",
        False,
        "1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict",
        event=True,
    ),
    Field("plover_type", "text", False, "PLOVER 0.8 event type (null for plain statements)", event=True),
    Field("plover_mode", "text", False, "PLOVER 0.8 event mode", event=True),
    Field(
        "modality",
        "text",
        True,
        "asserted, negated, hypothetical, future, denied, reported or attempted",
        event=True,
    ),
    Field("modality_cue", "text", False, "the word that decided the modality"),
    Field("trigger_text", "text", False, "the verb or noun that triggered the event"),
    Field("trigger_span", "span", False, "[start, end) of trigger_text in sentence_text"),
    Field(
        "event_date",
        "date",
        False,
        "the event's own date: the first day of its period (in 1950 is 1950-01-01 at year precision)",
        event=True,
    ),
    Field(
        "date_source",
        "text",
        False,
        "where the date came from: sentence, context, tenure, document or none",
    ),
    Field("date_text", "text", False, 'the expression the date came from ("in 1950", "two years ago")'),
    Field(
        "date_precision",
        "text",
        False,
        "day | month | year | decade; null when undated",
        event=True,
        null_without="event_date",
    ),
    Field(
        "date_end",
        "date",
        False,
        'the last day of a stretch ("from 1979 to 1989", "during the Cold War"); null for a single date',
    ),
    Field("doc_date", "date", False, "the document's publication date"),
    Field(
        "location",
        "text",
        False,
        "the event's place: the trigger's locative phrase, else the sentence's own place, else the dateline's",
        event=True,
    ),
    Field("location_country", "text", False, "the place's country (ISO3)", event=True),
    Field(
        "location_span",
        "span",
        False,
        "[start, end) of the place in sentence_text; null for the dateline's place",
    ),
    Field("location_latitude", "real", False, "WGS84 latitude of the geocoded place", event=True),
    Field("location_longitude", "real", False, "WGS84 longitude of the geocoded place", event=True),
    Field(
        "location_region",
        "text",
        False,
        'first-level region ("Liban-Nord", "California"), or the area itself ("Darfur")',
        event=True,
    ),
    Field("location_precision", "text", False, "point (a city) | region | country", event=True),
    Field("confidence", "real", False, "a transparent score in [0, 1] (README, Confidence)", event=True, digits=3),
)
BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
STORED: tuple[Field, ...] = tuple(f for f in FIELDS if f.stored)
SPANS: tuple[str, ...] = tuple(f.name.removesuffix("_span") for f in FIELDS if f.kind == "span")
# What a lossless copy keeps beside the fields that are not derived: each actor's IGO id, and whether there is a target
STATE_EXTRAS: tuple[Field, ...] = (
    Field("has_target", "boolean", True, "whether the mention has a target"),
    Field("source_igo", "text", False, "the source's IGO id (UNO, NAT, ...)", attr="source.igo"),
    Field("target_igo", "text", False, "the target's IGO id", attr="target.igo"),
)
STATE: tuple[Field, ...] = (*STATE_EXTRAS[:1], *(f for f in FIELDS if not f.derived), *STATE_EXTRAS[1:])


def value(mention: EventMention, f: Field) -> Any:
    """The field's value on the object, as it is (None along an absent target)."""
    found: Any = mention
    for part in (f.attr or f.name).split("."):
        if found is None:
            return None
        found = getattr(found, part)
    return found


def record(mention: EventMention) -> dict[str, Any]:
    """The flat JSON record: every field, dates as ISO strings, spans as lists, codes as strings."""
    return {name: _json(v) for name, v in values(mention, FIELDS).items()}


def values(mention: EventMention, fields: Iterable[Field]) -> dict[str, Any]:
    """The fields' record values as Python values (dates as dates, spans as tuples or None)."""
    out: dict[str, Any] = {}
    for f in fields:
        v = value(mention, f)
        if isinstance(v, Enum):
            v = v.value
        if f.digits is not None and v is not None:
            v = round(v, f.digits)
        if f.null_without is not None and value(mention, BY_NAME[f.null_without]) is None:
            v = None
        out[f.name] = v
    return out


def stored_row(mention: EventMention) -> dict[str, Any]:
    """The mention's stored fields as table columns: spans split, dates as dates."""
    return split_spans(values(mention, STORED))


def state(mention: EventMention) -> dict[str, Any]:
    """Everything needed to rebuild the object exactly (:func:`from_state`), as table columns."""
    row = {f.name: value(mention, f) for f in STATE if f.name != "has_target"}
    row.update(has_target=mention.target is not None, modality=mention.modality.value)
    return split_spans(row)


def from_state(row: dict[str, Any]) -> EventMention:
    """The EventMention a :func:`state` row was made from."""
    from realpolitik.types import Actor, EventMention, Modality

    def actor(side: str) -> Actor:
        return Actor(
            country=row[f"{side}_country"],
            role=row[f"{side}_role"],
            igo=row[f"{side}_igo"],
            name=row[f"{side}_name"] or "",
        )

    joined = join_spans(dict(row))
    kwargs = {f.name: joined[f.name] for f in FIELDS if not f.derived and "." not in f.attr}
    for name in SPANS:
        span = joined[f"{name}_span"]
        kwargs[f"{name}_span"] = None if span is None else tuple(span)
    kwargs.update(
        source=actor("source"),
        target=actor("target") if row["has_target"] else None,
        modality=Modality(row["modality"]),
    )
    return EventMention(**kwargs)


def split_spans(row: dict[str, Any]) -> dict[str, Any]:
    """Replace each ``x_span`` of a row by its ``x_start`` / ``x_end`` columns (None, None for no span)."""
    out: dict[str, Any] = {}
    for name, v in row.items():
        if name.endswith("_span") and name[:-5] in SPANS:
            out[f"{name[:-5]}_start"], out[f"{name[:-5]}_end"] = v if v is not None else (None, None)
        else:
            out[name] = v
    return out


def join_spans(row: dict[str, Any]) -> dict[str, Any]:
    """Replace ``x_start`` / ``x_end`` pairs of a row by one ``x_span``: [start, end] or None."""
    for name in SPANS:
        if f"{name}_start" in row:
            start, end = row.pop(f"{name}_start"), row.pop(f"{name}_end")
            row[f"{name}_span"] = None if start is None else [start, end]
    return row


def _json(v: Any) -> Any:
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, tuple):
        return list(v)
    return v
