"""``realpolitik dyad``, ``alerts``, ``export`` and ``plot dyad`` on a store holding real articles.

The store holds the bundled Wikinews examples plus short reports of the
Russia - North Korea rapprochement (2023-2024), one document each.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from realpolitik.analysis.export import GDELT_COLUMNS
from realpolitik.cli.main import main
from realpolitik.jobs.ingest import ingest
from realpolitik.pipeline import Pipeline
from realpolitik.readers.files import read_paths
from realpolitik.store.db import EventFilter, Store

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "wikinews.jsonl"
REPORTS = [
    (
        "2023-09-13",
        "Kim Jong Un met Vladimir Putin at the Vostochny Cosmodrome in Russia's Far East. "
        "Putin praised North Korea for its support.",
    ),
    ("2023-11-20", "Russia thanked North Korea for its support."),
    ("2024-01-16", "North Korea's foreign minister met Russian officials in Moscow."),
    ("2024-06-05", "Russia gave North Korea military aid."),
    ("2024-06-06", "Russia gave North Korea military aid, the ministry said in a statement on Thursday."),
    ("2024-06-14", "Russia supplied oil to North Korea."),
    ("2024-06-19", "Putin visited Pyongyang."),
    ("2024-06-24", "Russia shipped food aid to North Korea."),
    ("2024-10-20", "North Korea sent thousands of troops to Russia."),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("store")
    reports = folder / "reports.jsonl"
    reports.write_text(
        "".join(
            json.dumps({"id": f"report{n}", "date": day, "text": text, "url": f"https://news{n % 2}.example.org/{day}"})
            + "\n"
            for n, (day, text) in enumerate(REPORTS)
        ),
        encoding="utf-8",
    )
    path = str(folder / "events.duckdb")
    with Store.open(path) as store:
        ingest(store, read_paths([str(EXAMPLES), str(reports)]), pipeline=Pipeline())
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_dyad_table(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "dyad", "RUS", "PRK", "--db", db, "--since", "2024-01-01", "--until", "2024-10-31")
    # the January meeting goes both ways: RUS -> PRK and PRK -> RUS
    assert "RUS → PRK: events per month (5 in all)" in out and "PRK → RUS: events per month (3 in all)" in out
    assert "Top 8 events" in out
    june = next(line for line in out.splitlines() if line.startswith("│ 2024-06"))  # first table: RUS → PRK
    assert [cell.strip() for cell in june.split("│")[2:7]] == ["1", "3", "0", "0", "4"]
    assert "«gave»" in out and "2 mentions" in out  # the aid was reported twice: one event, two mentions


def test_dyad_csv_and_json(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    csv = pd.read_csv(io.StringIO(run(capsys, "dyad", "RUS", "PRK", "--db", db, "--format", "csv")))
    june = csv[(csv["direction"] == "RUS → PRK") & (csv["period"] == "2024-06")].iloc[0]
    assert (june["verbal_coop"], june["material_coop"], june["total"]) == (1, 3, 4)
    assert list(csv["period"][:3]) == ["2023-09", "2023-10", "2023-11"] and len(csv) == 2 * 14
    weighted = pd.read_csv(io.StringIO(run(capsys, "dyad", "RUS", "PRK", "--db", db, "--format", "csv", "--weighted")))
    assert (
        weighted[(weighted["direction"] == "RUS → PRK") & (weighted["period"] == "2024-06")]["material_coop"].iloc[0]
        == 4
    )
    data = json.loads(run(capsys, "dyad", "RUS", "PRK", "--db", db, "--format", "json", "--by", "year", "--top", "1"))
    assert data["dyad"] == ["RUS", "PRK"] and [r["period"] for r in data["series"]] == ["2023", "2024"] * 2
    (top,) = data["top_events"]
    assert top["num_mentions"] == 2 and top["evidence"].startswith("[Russia] «gave» [North Korea]")


def test_alerts_table_and_json(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "alerts", "--db", db, "--actor", "PRK")
    assert "RUS → PRK material cooperation rising: 3 events in 2024-06 vs baseline 0.0 ± 1.0 (z=3.0)" in out
    assert "PRK → RUS first material conflict: 1 event in 2024-10 after 4 months of contact without any" in out
    assert "«supplied»" in out  # the events behind the alert are listed with their evidence
    alerts = json.loads(run(capsys, "alerts", "--db", db, "--dyad", "RUS", "PRK", "--format", "json"))
    kinds = {a["kind"]: a for a in alerts}
    assert set(kinds) >= {"material_coop_rising", "first_material_conflict"}
    coop = kinds["material_coop_rising"]
    assert coop["direction"] == "RUS → PRK" and coop["period"] == "2024-06" and len(coop["event_keys"]) == 3
    assert [e["event_key"] for e in coop["events"]] == coop["event_keys"]
    assert coop["events"][0]["num_mentions"] == 2  # most-reported first
    assert {e["code"][:2] for e in coop["events"]} == {"06", "07"}


def test_alerts_since_and_threshold(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    late = json.loads(
        run(capsys, "alerts", "--db", db, "--dyad", "RUS", "PRK", "--since", "2024-07-01", "--format", "json")
    )
    assert [a["kind"] for a in late] == ["first_material_conflict"]
    strict = json.loads(run(capsys, "alerts", "--db", db, "--dyad", "RUS", "PRK", "--z", "3.5", "--format", "json"))
    assert "material_coop_rising" not in {a["kind"] for a in strict}
    assert "No alerts" in run(capsys, "alerts", "--db", db, "--dyad", "RUS", "IRN")


def test_exports(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gdelt = tmp_path / "rus_prk.tsv"
    run(capsys, "export", "--format", "gdelt", "-o", str(gdelt), "--db", db, "--dyad", "RUS", "PRK")
    back = pd.read_csv(gdelt, sep="\t", header=None, names=list(GDELT_COLUMNS), dtype=str, keep_default_na=False)
    assert len(back) == 12 and set(back["Actor1CountryCode"]) == {"RUS", "PRK"}  # both meetings go both ways
    aid = back[(back["EventCode"] == "070") & (back["SQLDATE"] == "20240605")].iloc[0]
    assert (aid["NumMentions"], aid["NumArticles"], aid["IsRootEvent"]) == ("2", "2", "1")
    assert aid["SOURCEURL"].startswith("https://news") and len(aid["DATEADDED"]) == 14
    icews = tmp_path / "all.icews.tsv"
    run(capsys, "export", "--format", "icews", "-o", str(icews), "--db", db, "--code", "07")
    rows = pd.read_csv(icews, sep="\t", dtype=str, keep_default_na=False)
    assert set(rows["CAMEO Code"].str[:2]) == {"07"} and "example.org" in " ".join(rows["Publisher"])
    plover = tmp_path / "conflict.jsonl"
    run(
        capsys,
        "export",
        "--format",
        "plover",
        "-o",
        str(plover),
        "--db",
        db,
        "--quad-class",
        "4",
        "--since",
        "2024-01-01",
    )
    records = [json.loads(line) for line in plover.read_text().splitlines()]
    assert [(r["source"]["code"], r["cameo_code"], r["target"]["code"]) for r in records] == [("PRK", "154", "RUS")]
    parquet = tmp_path / "all.parquet"
    run(capsys, "export", "--format", "parquet", "-o", str(parquet), "--db", db, "--all-modalities")
    with Store.open(db) as store:
        assert len(pd.read_parquet(parquet)) == len(store.events(EventFilter(modalities=None)))


def test_plot_dyad(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png = tmp_path / "rus_prk.png"
    run(capsys, "plot", "dyad", "RUS", "PRK", "-o", str(png), "--db", db)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000


def test_missing_store_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["dyad", "RUS", "PRK", "--db", str(tmp_path / "none.duckdb")])
    assert exit_.value.code == 2 and not (tmp_path / "none.duckdb").exists()
