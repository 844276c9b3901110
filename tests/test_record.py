"""The event-mention record is declared once (realpolitik.record); the README, tables and copies follow it."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from realpolitik import record
from realpolitik.api.schemas import CodedMention, EventOut
from realpolitik.pipeline import Pipeline, default_pipeline
from realpolitik.store import schema
from realpolitik.store.db import EVENT_FRAME_COLUMNS

README = Path(__file__).resolve().parents[1] / "README.md"
ARTICLE = (
    "NAIROBI, Kenya — Police arrested opposition leader Raila Odinga on Friday. "
    "In 1950 Stalin sanctioned an invasion of the South. The UN condemned Israel from 1979 to 1989. "
    "Three civilians were killed."
)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return default_pipeline()


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_readme_field_table_lists_every_field_of_the_record_once() -> None:
    rows = [line for line in _section("The event record").splitlines() if line.startswith("| `")]
    named = [name for row in rows for name in re.findall(r"`([a-z_]+)`", row.split("|")[1])]
    assert sorted(named) == sorted(f.name for f in record.FIELDS)


def test_the_readme_names_the_fields_a_deduplicated_event_carries() -> None:
    (sentence,) = [p for p in _section("The event record").split("\n\n") if p.startswith("A deduplicated event")]
    carried = re.findall(r"`([a-z_]+)`", sentence.split(":", 1)[1].split(" (", 1)[0])
    assert carried == [f.name for f in record.FIELDS if f.event]


def test_the_tables_hold_the_stored_fields_and_the_events_those_an_event_carries() -> None:
    mention_columns = [f.name for f in schema.MENTION_FIELDS if f not in schema.MENTION_STORE_FIELDS]
    assert sorted(mention_columns) == sorted(f.name for f in record.STORED)
    event_columns = [f.name for f in schema.EVENT_FIELDS if f not in schema.EVENT_STORE_FIELDS]
    assert event_columns == [f.name for f in record.FIELDS if f.event]
    assert all(c in EventOut.model_fields for c in EVENT_FRAME_COLUMNS)


def test_the_record_is_the_declaration_and_the_lossless_copy_rebuilds_the_mention(pipeline: Pipeline) -> None:
    mentions = pipeline.code_text(ARTICLE, date(2024, 3, 2), doc_id="kenya")
    assert {m.source.code for m in mentions} >= {"KENCOP", "IGOUNO", "---"}
    assert any(m.date_end for m in mentions) and any(m.location_span is None and m.location for m in mentions)
    for mention in mentions:
        coded = mention.to_dict()
        assert list(coded) == [f.name for f in record.FIELDS]
        assert CodedMention.model_validate(coded).model_dump(mode="json") == coded
        assert record.from_state(record.state(mention)) == mention  # the Parquet copy of the Dask engine
        row = record.stored_row(mention)
        assert set(row) == {c for f in record.STORED for c in f.columns()}
        assert record.join_spans(dict(row))["trigger_span"] == list(mention.trigger_span)
