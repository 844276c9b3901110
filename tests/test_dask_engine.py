"""The Dask engine on a local 2-process cluster: Parquet out, loaded into a store identical to a single-process run."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
from pathlib import Path

import dask
import pyarrow.parquet as pq
import pytest
from distributed import Client, LocalCluster

from realpolitik.cli.main import main
from realpolitik.jobs.dask_engine import (
    MANIFEST,
    ParquetManifest,
    code_items_to_parquet,
    code_to_parquet,
    load_parquet,
)
from realpolitik.jobs.ingest import ingest
from realpolitik.readers.files import read_paths
from realpolitik.store import Store
from realpolitik.types import Document
from test_store import dump  # every row of every table, as the store tests compare them

WIKINEWS = Path(__file__).resolve().parents[1] / "examples" / "wikinews.jsonl"
FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
SANCTIONS = (
    "Iran summoned the British ambassador in Tehran on Friday to protest against new sanctions announced by London."
)


@pytest.fixture(scope="module")
def scheduler() -> str:
    """A local cluster of two single-threaded worker processes; a worker death fails its task at once."""
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
    ):
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Wikinews examples, a wire report, a repeated text, and items that cannot be read."""
    root = tmp_path_factory.mktemp("corpus")
    shutil.copy(WIKINEWS, root / "a_wikinews.jsonl")
    shutil.copy(FIXTURES / "wire_report.txt", root / "b_wire.txt")
    shutil.copy(FIXTURES / "german_article.txt", root / "c_german.txt")  # not English: a read error
    first = json.loads(WIKINEWS.read_text(encoding="utf-8").splitlines()[0])
    (root / "d_more.jsonl").write_text(
        "\n".join(
            [
                json.dumps({"id": "repeat", "date": first["date"], "text": first["text"]}),  # stored already: skipped
                '{"id": "broken", "text": "Sudan\'s army said',  # cut off: a read error
                json.dumps(
                    {
                        "id": "iran-uk",
                        "date": "2024-04-12",
                        "text": f"{SANCTIONS} In March, Britain expelled two Iranian diplomats.",
                    }
                ),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="module")
def single(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, object]:
    """The store's tables and stats after a plain single-process ingest of the corpus."""
    with Store.open(tmp_path_factory.mktemp("single") / "events.duckdb") as store:
        stats = ingest(store, read_paths([corpus]))
        return dump(store), stats


@pytest.fixture(scope="module")
def dataset(corpus: Path, scheduler: str, tmp_path_factory: pytest.TempPathFactory) -> ParquetManifest:
    return code_to_parquet([corpus], tmp_path_factory.mktemp("dask") / "parquet", scheduler, partition_docs=3)


def test_parquet_dataset_is_partitioned_by_input_chunk(dataset: ParquetManifest) -> None:
    # 6 Wikinews + wire + German + repeat + broken + iran-uk = 11 items in chunks of 3.
    assert (dataset.partitions, dataset.documents, dataset.errors) == (4, 11, 2)
    assert json.loads((dataset.directory / MANIFEST).read_text())["partitions"] == 4
    documents = pq.read_table(dataset.directory / "documents").to_pylist()
    assert [d["seq"] for d in sorted(documents, key=lambda d: d["seq"])] == list(range(11))
    errors = {d["doc_id"]: d["error"] for d in documents if d["error"]}
    assert errors == {"c_german.txt": "not English (detected 'de')", None: errors[None]}
    assert errors[None].startswith("invalid JSON")
    mentions = pq.read_table(dataset.directory / "mentions")
    assert mentions.num_rows == dataset.mentions > 20
    assert "RUSGOV" in {
        f"{c}{r}"
        for c, r in zip(mentions["source_country"].to_pylist(), mentions["source_role"].to_pylist())
        if c and r
    }


def test_the_new_event_fields_travel_through_parquet(dataset: ParquetManifest, single: tuple) -> None:
    mentions = pq.read_table(dataset.directory / "mentions").to_pylist()
    assert {"day", "month"} <= {m["date_precision"] for m in mentions}
    placed = [m for m in mentions if m["location_latitude"] is not None]
    assert placed and all(m["location_precision"] in ("point", "region", "country") for m in placed)
    assert {"dateline", "article"} & {m["source_country_reason"] for m in mentions}
    columns = single[0]["mentions"]  # and the single-process store holds the same values (compared below)
    assert columns


def test_loaded_store_is_identical_to_single_process_ingest(
    dataset: ParquetManifest, single: tuple, tmp_path: Path
) -> None:
    tables, stats = single
    with Store.open(tmp_path / "events.duckdb") as store:
        loaded = load_parquet(store, dataset.directory)
        assert dump(store) == tables
    assert loaded == stats
    assert (loaded.new_documents, loaded.skipped_existing, loaded.errors) == (8, 1, 2)
    assert len(tables["events"]) > 20


def test_loading_is_idempotent(dataset: ParquetManifest, single: tuple, tmp_path: Path) -> None:
    with Store.open(tmp_path / "events.duckdb") as store:
        load_parquet(store, dataset.directory)
        again = load_parquet(store, dataset.directory)
        assert dump(store) == single[0]
    assert (again.new_documents, again.skipped_existing, again.mentions) == (0, 9, 0)


def test_documents_the_store_holds_are_not_sent_to_the_cluster(corpus: Path, scheduler: str, tmp_path: Path) -> None:
    with Store.open(tmp_path / "events.duckdb") as store:
        ingest(store, read_paths([corpus / "a_wikinews.jsonl"]))
        manifest = code_to_parquet([corpus], tmp_path / "parquet", scheduler, skip=store.has_document)
    assert (manifest.skipped, manifest.documents) == (7, 4)  # 6 Wikinews + the repeat; wire, iran-uk, 2 errors


def test_a_bad_document_becomes_an_error_row_and_its_partition_goes_on(tmp_path: Path, scheduler: str) -> None:
    lines = WIKINEWS.read_text(encoding="utf-8").splitlines()[:3]
    broken = json.dumps({"id": "broken", "text": ["Russia condemned the attack on its embassy."]})
    (tmp_path / "feed.jsonl").write_text("\n".join([lines[0], broken, *lines[1:]]) + "\n", encoding="ascii")
    manifest = code_to_parquet([tmp_path / "feed.jsonl"], tmp_path / "parquet", scheduler, partition_docs=10)
    assert (manifest.partitions, manifest.documents, manifest.errors) == (1, 4, 1)
    with Store.open(tmp_path / "events.duckdb") as store:
        stats = load_parquet(store, manifest.directory)
        errors = store.query("SELECT doc_id, error FROM errors").to_dict("records")
    assert (stats.new_documents, stats.errors) == (3, 1)
    assert errors == [{"doc_id": "broken", "error": "'text' must be a string, got list"}]


def _exit_if_worker() -> _KillsItsWorker:
    """Unpickled in a Dask worker process, end it (a stand-in for a parser crash); elsewhere, stay inert."""
    if multiprocessing.current_process().name.startswith("Dask Worker"):
        os._exit(1)
    return _KillsItsWorker()


class _KillsItsWorker:
    def __reduce__(self) -> tuple:
        return _exit_if_worker, ()


def test_a_document_that_kills_its_worker_is_isolated(tmp_path: Path, scheduler: str) -> None:
    good = [Document(id=f"iran-{n}", text=f"{SANCTIONS} Officials met on day {n}.") for n in range(2)]
    poison = Document(id="poison", text="Egypt and Israel signed a gas deal in Cairo.", meta={"x": _KillsItsWorker()})
    manifest = code_items_to_parquet([good[0], poison, *good[1:]], tmp_path / "parquet", scheduler)
    documents = sorted(pq.read_table(tmp_path / "parquet" / "documents").to_pylist(), key=lambda d: d["seq"])
    assert [d["doc_id"] for d in documents] == ["iran-0", "poison", "iran-1"]
    assert [d["error"] for d in documents] == [None, documents[1]["error"], None]
    assert documents[1]["error"].startswith("a Dask worker died while coding this document")
    assert manifest.mentions >= 2
    with Client(scheduler) as client:
        client.wait_for_workers(2, timeout=60)  # the nanny restarted it


def test_refuses_a_directory_that_is_not_empty_and_a_dataset_that_is_unfinished(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="not empty"):
        code_items_to_parquet([], tmp_path, "tcp://127.0.0.1:1")
    with Store.open(tmp_path / "events.duckdb") as store, pytest.raises(ValueError, match="no manifest.json"):
        load_parquet(store, tmp_path)


def test_ingest_command_from_parquet_then_with_the_dask_engine(
    corpus: Path, scheduler: str, single: tuple, dataset: ParquetManifest, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    db, parquet = str(tmp_path / "events.duckdb"), tmp_path / "parquet"
    assert main(["ingest", "--from-parquet", str(dataset.directory), "--db", db]) == 1  # two items unreadable
    assert "8 new documents, 1 already stored, " in capsys.readouterr().err
    with Store.open(db) as store:
        assert dump(store) == single[0]
    assert (
        main(
            [
                "ingest",
                str(corpus),
                "--engine",
                "dask",
                "--scheduler",
                scheduler,
                "--parquet-dir",
                str(parquet),
                "--db",
                db,
            ]
        )
        == 1
    )
    assert "0 new documents, 9 already stored, 0 event mentions, 2 errors" in capsys.readouterr().err
    assert ParquetManifest.load(parquet).documents == 2  # only the unreadable items went to the cluster
    with pytest.raises(SystemExit) as exit_:
        main(["ingest", str(corpus), "--from-parquet", str(parquet), "--db", db])
    assert exit_.value.code == 2
    assert "give PATHS to code, or --from-parquet DIR to load, not both" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["ingest", str(corpus), "--engine", "dask", "--scheduler", scheduler, "--parquet-dir", str(parquet)])
    assert f"{parquet} is not empty" in capsys.readouterr().err
