"""Exports keep provenance and places (issue 16, items 1, 6 and 7), read back as the README shows."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from realpolitik.analysis.export import GDELT_COLUMNS, ICEWS_COLUMNS
from realpolitik.cli.main import main
from realpolitik.jobs.ingest import ingest
from realpolitik.store import Store
from realpolitik.types import Document

ARTICLES = [
    Document(
        id="beirut-1",
        date=date(2024, 3, 2),
        url="https://www.dailystar.example/tripoli",
        text="Lebanese troops clashed with gunmen in Tripoli on Friday.",
    ),
    Document(
        id="libya-1",
        date=date(2024, 3, 5),
        meta={"publisher": "Libya Observer"},
        text="In September 2012 Libyan militias attacked the consulate in Benghazi.",
    ),
    Document(
        id="kenya-1",
        date=date(2024, 3, 9),
        source="/data/wires/kenya.jsonl:3",
        text="NAIROBI, Kenya — Police arrested opposition leader Raila Odinga on Friday.",
    ),
    Document(
        id="history",
        date=date(2014, 5, 6),
        source="/data/wires/history.txt",
        text="In 1950 Stalin sanctioned an invasion of the South.",
    ),
]
# What the README tells a reader to pass to pandas for each export (codes stay strings).
CODES = {"code": str, "root_code": str, "source": str, "target": str, "event_key": str, "mention_id": str}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    from realpolitik.pipeline import default_pipeline

    path = tmp_path_factory.mktemp("exports") / "events.duckdb"
    with Store.open(path) as store:
        ingest(store, ARTICLES, pipeline=default_pipeline())
    return str(path)


def export(db: str, fmt: str, path: Path, *extra: str) -> Path:
    assert main(["export", "--db", db, "--format", fmt, "-o", str(path), "--all-modalities", *extra]) == 0
    return path


def test_gdelt_geo_columns(db: str, tmp_path: Path) -> None:
    path = export(db, "gdelt", tmp_path / "events.tsv")
    gdelt = pd.read_csv(path, sep="\t", header=None, names=list(GDELT_COLUMNS), dtype=str, keep_default_na=False)
    tripoli = gdelt[gdelt["ActionGeo_FullName"].str.startswith("Tripoli")].iloc[0]
    assert tripoli["ActionGeo_FullName"] == "Tripoli, Liban-Nord, Lebanon"
    assert (tripoli["ActionGeo_Type"], tripoli["ActionGeo_CountryCode"], tripoli["ActionGeo_ADM1Code"]) == (
        "4",
        "LE",
        "LE09",
    )
    assert float(tripoli["ActionGeo_Lat"]) == pytest.approx(34.43, abs=0.05)
    assert float(tripoli["ActionGeo_Long"]) == pytest.approx(35.84, abs=0.05)
    assert tripoli["ActionGeo_FeatureID"] == "266826"  # GeoNames id of Tripoli, Lebanon
    assert (tripoli["Actor1Geo_Type"], tripoli["Actor1Geo_CountryCode"], tripoli["Actor1Geo_FullName"]) == (
        "1",
        "LE",
        "Lebanon",
    )
    assert tripoli["SOURCEURL"] == "https://www.dailystar.example/tripoli"
    stalin = gdelt[gdelt["Year"] == "1950"].iloc[0]  # GDELT has no precision: the year's first day
    assert (stalin["SQLDATE"], stalin["ActionGeo_Type"]) == ("19500101", "")


def test_icews_place_columns_and_publisher(db: str, tmp_path: Path) -> None:
    icews = pd.read_csv(export(db, "icews", tmp_path / "events.icews.tsv"), sep="\t", dtype=str, keep_default_na=False)
    assert list(icews.columns) == list(ICEWS_COLUMNS)
    rows = {r["Story ID"]: r for r in icews.to_dict("records")}
    tripoli, benghazi, nairobi = rows["beirut-1"], rows["libya-1"], rows["kenya-1"]
    assert (tripoli["City"], tripoli["Province"], tripoli["Country"]) == ("Tripoli", "Liban-Nord", "Lebanon")
    assert float(tripoli["Latitude"]) == pytest.approx(34.43, abs=0.05)
    assert (benghazi["City"], benghazi["Country"]) == ("Benghazi", "Libya")
    # the outlet, never the input file: the URL's host, the publisher field, else nothing
    assert (tripoli["Publisher"], benghazi["Publisher"], nairobi["Publisher"]) == (
        "dailystar.example",
        "Libya Observer",
        "",
    )
    assert (nairobi["City"], nairobi["Country"]) == ("Nairobi", "Kenya")  # from the dateline


def test_plover_carries_place_precision_and_provenance(db: str, tmp_path: Path) -> None:
    path = export(db, "plover", tmp_path / "events.plover.jsonl")
    records = [json.loads(line) for line in path.read_text().splitlines()]
    benghazi = next(r for r in records if r["doc_id"] == "libya-1")
    assert (benghazi["date"], benghazi["date_precision"]) == ("2012-09-01", "month")
    assert benghazi["location"]["name"] == "Benghazi" and benghazi["location"]["precision"] == "point"
    assert benghazi["location"]["country"] == "LBY" and benghazi["location"]["latitude"] == pytest.approx(32.1, abs=0.1)
    assert (benghazi["sentence_index"], benghazi["doc_date"]) == (0, "2024-03-05")
    stalin = next(r for r in records if r["doc_id"] == "history")
    assert (stalin["date"], stalin["date_precision"], stalin["location"]) == ("1950-01-01", "year", None)


def test_csv_and_parquet_keep_provenance_and_load_with_the_readme_dtypes(db: str, tmp_path: Path) -> None:
    csv = pd.read_csv(export(db, "csv", tmp_path / "events.csv"), dtype=CODES, parse_dates=["event_date", "doc_date"])
    parquet = pd.read_parquet(export(db, "parquet", tmp_path / "events.parquet"))
    for frame in (csv, parquet):
        for column in (
            "date_precision",
            "date_source",
            "date_text",
            "modality_cue",
            "sentence_index",
            "location",
            "location_latitude",
            "location_precision",
            "doc_date",
            "mention_id",
        ):
            assert column in frame, column
        benghazi = frame[frame["doc_id"] == "libya-1"].iloc[0]
        assert (benghazi["date_precision"], benghazi["date_source"], benghazi["date_text"]) == (
            "month",
            "sentence",
            "In September 2012",
        )
        assert benghazi["location"] == "Benghazi" and benghazi["code"].startswith("1")
        assert frame["event_date"].dtype.kind == "M" and frame["doc_date"].dtype.kind == "M"
    assert csv["code"].map(type).eq(str).all() and csv["code"].str.len().ge(3).all()  # "010", not 10


def test_the_id_scheme_links_a_coded_mention_to_its_stored_event(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    story = tmp_path / "libya.jsonl"
    story.write_text(json.dumps({"id": "libya-1", "date": "2024-03-05", "text": ARTICLES[1].text}) + "\n")
    assert main(["code", str(story)]) == 0
    coded = json.loads(capsys.readouterr().out.splitlines()[0])
    assert main(["events", "--db", db, "--mention", coded["mention_id"], "--format", "jsonl"]) == 0
    (stored,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert stored["mention_id"] == coded["mention_id"] and stored["code"] == coded["code"]


def test_sqlite_export_opens_in_stock_datasette(db: str, tmp_path: Path) -> None:
    path = export(db, "sqlite", tmp_path / "events.sqlite")
    with sqlite3.connect(path) as con:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        assert {"documents", "sentences", "mentions", "events", "event_mentions", "errors", "event_list"} <= tables
        with Store.open(db) as store:
            for table in ("documents", "mentions", "events", "event_mentions"):
                assert con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == len(
                    store.query(f"SELECT * FROM {table}")
                )
        dates = dict(con.execute("SELECT event_key, date FROM event_list").fetchall())
        assert {"1950", "2012-09"} <= set(dates.values())
        keys = {r[2] for r in con.execute("PRAGMA foreign_key_list(mentions)")}
        assert keys == {"documents"}

    datasette = pytest.importorskip("datasette.app")

    async def browse() -> tuple[dict, list[dict]]:
        ds = datasette.Datasette(files=[str(path)])
        await ds.invoke_startup()
        tables = (await ds.client.get("/events.json")).json()
        rows = (await ds.client.get("/events/event_list.json?_shape=array&location=Benghazi")).json()
        return tables, rows

    tables, rows = asyncio.run(browse())
    assert {"events", "mentions", "documents"} <= {t["name"] for t in tables["tables"]}
    assert rows[0]["date"] == "2012-09" and rows[0]["location_country"] == "LBY"


def test_sqlite_export_of_some_events(db: str, tmp_path: Path) -> None:
    path = export(db, "sqlite", tmp_path / "libya.sqlite", "--actor", "Libyan")
    with sqlite3.connect(path) as con:
        assert {r[0] for r in con.execute("SELECT source_country FROM events")} == {"LBY"}
        assert {r[0] for r in con.execute("SELECT doc_id FROM documents")} == {"libya-1"}
        assert con.execute("SELECT COUNT(*) FROM mentions").fetchone()[0] >= 1
