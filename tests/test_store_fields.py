"""New event-record fields in the store: date precision, a stretch's last day, country reasons and places (issue 12.4, 15, 16.1)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from realpolitik.analysis.dates import date_label
from realpolitik.jobs.ingest import ingest
from realpolitik.store import EventFilter, Store, schema
from realpolitik.store.db import EVENT_FRAME_COLUMNS
from realpolitik.types import Document

ARTICLES = [
    Document(
        id="korea",
        date=date(2014, 5, 6),
        source="wire.jsonl",
        text="In 1950 Stalin sanctioned an invasion of the South. Lebanese troops clashed with gunmen in Tripoli.",
    ),
    Document(
        id="kenya",
        date=date(2024, 3, 2),
        source="wire.jsonl",
        url="https://www.nation.example/kenya",
        text="NAIROBI, Kenya — Police arrested opposition leader Raila Odinga on Friday.",
    ),
    Document(
        id="libya",
        date=date(2024, 3, 5),
        source="wire.jsonl",
        text="In September 2012 Libyan militias attacked the consulate in Benghazi.",
    ),
    Document(
        id="afghanistan",
        date=date(2024, 3, 6),
        source="wire.jsonl",
        text="From 1979 to 1989 Soviet troops fought rebels in Afghanistan.",
    ),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    from realpolitik.pipeline import default_pipeline

    db = Store.open(tmp_path_factory.mktemp("fields") / "events.duckdb")
    ingest(db, ARTICLES, pipeline=default_pipeline())
    yield db
    db.close()


def test_mentions_carry_precision_reasons_and_places(store: Store) -> None:
    rows = store.query(
        "SELECT doc_id, code, date_precision, event_date, date_end, source_country_reason, location, "
        "location_country, location_latitude, location_longitude, location_region, "
        "location_precision FROM mentions"
    ).to_dict("records")
    by_doc = {r["doc_id"]: r for r in rows}
    stalin = next(r for r in rows if r["doc_id"] == "korea" and r["event_date"] == date(1950, 1, 1))
    assert stalin["date_precision"] == "year"
    tripoli = next(r for r in rows if r["doc_id"] == "korea" and r["location"] == "Tripoli")
    assert (tripoli["location_country"], tripoli["location_region"], tripoli["location_precision"]) == (
        "LBN",
        "Liban-Nord",
        "point",
    )
    assert tripoli["location_latitude"] == pytest.approx(34.43, abs=0.05)
    kenya = by_doc["kenya"]  # police of the dateline's country, placed at the dateline
    assert (kenya["source_country_reason"], kenya["location"], kenya["location_precision"]) == (
        "dateline",
        "Nairobi",
        "point",
    )
    soviet = by_doc["afghanistan"]  # a stretch keeps its last day
    assert (soviet["event_date"], soviet["date_end"], soviet["date_precision"]) == (
        date(1979, 1, 1),
        date(1989, 12, 31),
        "year",
    )
    assert by_doc["libya"]["date_end"] is None
    benghazi = by_doc["libya"]
    assert (benghazi["date_precision"], benghazi["location"], benghazi["location_country"]) == (
        "month",
        "Benghazi",
        "LBY",
    )


def test_events_carry_the_precision_of_their_first_date_and_their_place(store: Store) -> None:
    events = store.events(EventFilter(modalities=None))
    assert list(events.columns) == list(EVENT_FRAME_COLUMNS)
    labels = {date_label(d, p) for d, p in zip(events["event_date"], events["date_precision"])}
    assert {"1950", "2012-09", "2024-03-01"} <= labels
    benghazi = events[events["location"] == "Benghazi"].iloc[0]
    assert (benghazi["location_precision"], benghazi["date_precision"], benghazi["date_text"]) == (
        "point",
        "month",
        "In September 2012",
    )
    assert benghazi["sentence_index"] == 0 and benghazi["doc_date"].date() == date(2024, 3, 5)
    # the id scheme: a coded mention's mention_id finds its stored event
    found = store.events(EventFilter(mention=benghazi["mention_id"], modalities=None))
    assert list(found["event_key"]) == [benghazi["event_key"]]
    row = store.query(
        "SELECT date_precision, location, location_country, location_latitude FROM events WHERE event_key = ?",
        [benghazi["event_key"]],
    ).iloc[0]
    assert (row["date_precision"], row["location"], row["location_country"]) == ("month", "Benghazi", "LBY")


def test_bbox_and_sort(store: Store) -> None:
    libya = store.events(EventFilter(bbox=(9.0, 19.0, 26.0, 34.0), modalities=None))  # Libya's rough box
    assert set(libya["location_country"]) == {"LBY"}
    newest = store.events(EventFilter(modalities=None), sort="newest")["event_date"].dropna().tolist()
    assert newest == sorted(newest, reverse=True)


def test_an_older_store_gets_the_new_columns_on_opening(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    added = {(t, c) for t, c, _ in schema.ADDED_COLUMNS}
    for statement in schema.DDL.split(";"):
        lines = [
            line
            for line in statement.splitlines()
            if not any(line.strip().startswith(c + " ") and f"TABLE IF NOT EXISTS {t} " in statement for t, c in added)
        ]
        text = "\n".join(lines).replace(",\n);", "\n);")
        if text.strip():
            old.execute(text.rstrip().rstrip(",").replace(",\n)", "\n)"))
    old.execute("INSERT INTO store_meta VALUES ('schema_version', ?), ('window_days', '3')", [schema.SCHEMA_VERSION])
    columns = {r[0] for r in old.execute("DESCRIBE mentions").fetchall()}
    assert "date_precision" not in columns and "location_latitude" not in columns
    old.close()
    with Store.open(path) as store:
        columns = set(store.query("SELECT * FROM mentions LIMIT 0").columns)
        assert {"date_precision", "location_latitude", "source_country_reason", "date_end"} <= columns
        assert {"date_precision", "location_region"} <= set(store.query("SELECT * FROM events LIMIT 0").columns)
        assert store.events().empty
