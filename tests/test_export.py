"""GDELT, ICEWS, PLOVER, Parquet and CSV exports, each read back with pandas."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from realpolitik.analysis.dyad import events_frame
from realpolitik.analysis.export import GDELT_COLUMNS, ICEWS_COLUMNS, to_gdelt, to_icews, to_plover, write_export
from realpolitik.pipeline import Pipeline

CORPUS = [
    ("Putin visited Pyongyang.", date(2024, 6, 19)),
    ("Russia gave North Korea military aid.", date(2024, 6, 20)),
    ("The United Nations condemned North Korea over its missile launch.", date(2024, 1, 5)),
    ("Russian forces shelled Kharkiv.", date(2024, 5, 1)),
]


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    pipe = Pipeline()
    frame = events_frame(
        e for n, (text, when) in enumerate(CORPUS) for e in pipe.code_text(text, date=when, doc_id=f"doc{n}")
    )
    frame["num_mentions"] = range(1, len(frame) + 1)
    frame["num_documents"] = 1
    frame["num_sources"] = 1
    return frame


def one(frame: pd.DataFrame, code: str) -> dict:
    rows = frame[frame["code"] == code]
    assert len(rows) == 1, rows
    return rows.iloc[0].to_dict()


def test_gdelt_columns_and_values(events: pd.DataFrame) -> None:
    g = to_gdelt(events)
    assert list(g.columns) == list(GDELT_COLUMNS) and len(GDELT_COLUMNS) == 61
    assert GDELT_COLUMNS[:5] == ("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate")
    assert GDELT_COLUMNS[-2:] == ("DATEADDED", "SOURCEURL") and GDELT_COLUMNS[25] == "IsRootEvent"
    visit = one(g.assign(code=events["code"].to_numpy()), "042")  # Putin visited Pyongyang
    assert (visit["SQLDATE"], visit["MonthYear"], visit["Year"]) == (20240619, 202406, 2024)
    assert visit["FractionDate"] == pytest.approx(2024 + 170 / 366, abs=1e-4)
    assert (visit["Actor1Code"], visit["Actor1Name"], visit["Actor1CountryCode"], visit["Actor1Type1Code"]) == (
        "RUSGOV",
        "VLADIMIR PUTIN",
        "RUS",
        "GOV",
    )
    assert (visit["Actor2Code"], visit["Actor2CountryCode"]) == ("PRK", "PRK")
    assert (visit["EventCode"], visit["EventBaseCode"], visit["EventRootCode"], visit["QuadClass"]) == (
        "042",
        "042",
        "04",
        1,
    )
    assert visit["GoldsteinScale"] == pytest.approx(1.9)
    condemn = one(g.assign(code=events["code"].to_numpy()), "111")
    assert (condemn["Actor1Code"], condemn["Actor1KnownGroupCode"], condemn["Actor1Type1Code"]) == (
        "IGOUNO",
        "UNO",
        "IGO",
    )
    key = one(events, "111")["event_key"]
    assert condemn["GLOBALEVENTID"] == int(key[:15], 16)


def test_gdelt_file_has_no_header_unless_asked(events: pd.DataFrame, tmp_path) -> None:
    path = tmp_path / "events.gdelt.tsv"
    assert write_export(events, "gdelt", path) == len(events)
    back = pd.read_csv(path, sep="\t", header=None, names=list(GDELT_COLUMNS), dtype=str, keep_default_na=False)
    assert len(back) == len(events)
    assert list(back["EventCode"]) == list(events["code"])  # leading zeros kept
    assert list(back["NumMentions"]) == [str(n) for n in events["num_mentions"]]
    assert set(back["AvgTone"]) == {""} and set(back["ActionGeo_Lat"]) == {""}
    shelled = back[back["EventCode"] == "194"].iloc[0]
    assert (shelled["Actor1Code"], shelled["Actor2Code"], shelled["GoldsteinScale"]) == ("RUSMIL", "", "-10.0")
    write_export(events, "gdelt", path, header=True)
    with_header = pd.read_csv(path, sep="\t", dtype=str)
    assert list(with_header.columns) == list(GDELT_COLUMNS) and len(with_header) == len(events)


def test_icews(events: pd.DataFrame, tmp_path) -> None:
    path = tmp_path / "events.icews.tsv"
    write_export(events, "icews", path)
    back = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    assert list(back.columns) == list(ICEWS_COLUMNS)
    aid = back[back["CAMEO Code"] == "070"].iloc[0]
    assert (aid["Event Date"], aid["Source Name"], aid["Source Country"], aid["Target Country"]) == (
        "2024-06-20",
        "Russia",
        "Russia",
        "North Korea",
    )
    assert (aid["Event Text"], aid["Intensity"], aid["Story ID"]) == (one(events, "070")["event_name"], "7.0", "doc1")
    visit = to_icews(events).set_index("CAMEO Code").loc["042"]
    assert (visit["Source Sectors"], visit["Source Name"]) == ("Government", "Vladimir Putin")
    un = to_icews(events).set_index("CAMEO Code").loc["111"]
    assert (un["Source Sectors"], un["Source Country"], un["Source Name"]) == (
        "International Organizations",
        "",
        "United Nations",
    )


def test_plover_records_and_files(events: pd.DataFrame, tmp_path) -> None:
    records = {r["cameo_code"]: r for r in to_plover(events)}
    visit = records["042"]
    assert (visit["id"], visit["date"], visit["event_type"], visit["context"], visit["modality"]) == (
        one(events, "042")["event_key"],
        "2024-06-19",
        one(events, "042")["plover_type"],
        [],
        "asserted",
    )
    assert visit["source"] == {"code": "RUSGOV", "name": "Vladimir Putin", "country": "RUS", "sector": "Government"}
    assert visit["target"]["code"] == "PRK"
    assert records["194"]["target"] is None
    json.dumps(list(records.values()))  # plain JSON types only
    lines = tmp_path / "events.plover.jsonl"
    write_export(events, "plover", lines)
    back = pd.read_json(lines, lines=True, dtype=False, convert_dates=False)
    assert list(back["id"]) == list(events["event_key"]) and list(back["date"])[0] == "2024-06-19"
    array = tmp_path / "events.plover.json"
    write_export(events, "plover", array)
    assert json.loads(array.read_text())[1]["cameo_code"] == events["code"].iloc[1]


def test_parquet_and_csv_keep_the_frame(events: pd.DataFrame, tmp_path) -> None:
    write_export(events, "parquet", tmp_path / "events.parquet")
    back = pd.read_parquet(tmp_path / "events.parquet")
    assert list(back["event_key"]) == list(events["event_key"]) and list(back["code"]) == list(events["code"])
    assert back["event_date"].dtype.kind == "M" and list(back["trigger_span"].iloc[0]) == events["trigger_span"].iloc[0]
    assert back["target_span"].iloc[list(events["code"]).index("194")] is None
    write_export(events, "csv", tmp_path / "events.csv")
    csv = pd.read_csv(tmp_path / "events.csv", dtype={"code": str, "root_code": str})
    assert list(csv["code"]) == list(events["code"])
    assert json.loads(csv["source_span"].iloc[0]) == events["source_span"].iloc[0]
    with pytest.raises(ValueError):
        write_export(events, "xml", tmp_path / "events.xml")
