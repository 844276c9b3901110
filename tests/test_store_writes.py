"""Writing the store: what --db may name, batches killed mid-way, concurrent writers, error paths, worker cleanup.

tests/test_store_postgres.py runs the writer tests here on PostgreSQL too, with several writer
processes at once. Writer processes are this file run as a script (``python test_store_writes.py
write URL RESULTS FIRST LAST``): they replay coded results (pickled by the test) into a store, in
small batches, so many transactions of several processes interleave without each loading spaCy.
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import pytest

from realpolitik.cli.main import main
from realpolitik.jobs.ingest import ingest, store_results
from realpolitik.pipeline import Result
from realpolitik.readers.files import read_paths
from realpolitik.store import Store
from realpolitik.store.db import NotAStoreError
from realpolitik.store.errors import EXIT_STORE
from realpolitik.types import Document, DocumentError
from test_store import CODER, copies, dump, store_url_factory  # noqa: F401 - the DuckDB fixture

HERE = Path(__file__).resolve()
SRC = str(HERE.parents[1] / "src")

# One event, reported by eight outlets on one day: RUSMIL -> GEO, CAMEO 190, 2008-08-12.
ATTACK_REPORTS = [
    "Russian troops attacked Georgian positions near Gori on Tuesday.",
    "Russian troops attacked Georgian positions near the town of Gori on Tuesday.",
    "Russian forces attacked Georgian positions near Gori on Tuesday.",
    "Russian soldiers attacked Georgian positions close to Gori on Tuesday, officials said.",
    "On Tuesday Russian troops attacked Georgian units near Gori.",
    "Russian troops attacked Georgian defensive positions near Gori on Tuesday.",
    "Russian troops attacked Georgian villages near Gori on Tuesday.",
    "Russian forces attacked Georgian positions around Gori on Tuesday.",
]


def corpus_documents() -> list[Document]:
    """Wikinews leads (several events each) and eight reports of one attack, each from its own site."""
    docs = [
        Document(
            id=r["id"], text=r["text"], date=date.fromisoformat(r["date"]), url=r["url"], source=f"{r['id']}.jsonl"
        )
        for r in copies(18)
    ]
    docs += [
        Document(
            id=f"attack-{n}",
            text=text,
            date=date(2008, 8, 12),
            url=f"https://outlet{n}.example/gori",
            source=f"attack-{n}.txt",
        )
        for n, text in enumerate(ATTACK_REPORTS)
    ]
    return docs


@pytest.fixture(scope="module")
def coded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus coded once, pickled for the writer processes."""
    path = tmp_path_factory.mktemp("coded") / "results.pickle"
    results = list(CODER.run(corpus_documents()))
    assert sum(len(r.mentions) for r in results[-len(ATTACK_REPORTS) :]) >= len(ATTACK_REPORTS)
    path.write_bytes(pickle.dumps(results))
    return path


def writer(
    url: str,
    results: Path,
    first: int,
    last: int,
    *,
    go: Path | None = None,
    batch: int = 3,
    kill_in_batch: int | None = None,
) -> subprocess.Popen:
    """A writer process storing results[first:last] in batches of `batch` documents."""
    command = [
        sys.executable,
        str(HERE),
        "write",
        url,
        str(results),
        str(first),
        str(last),
        str(batch),
        str(go or ""),
        str(kill_in_batch or 0),
    ]
    return subprocess.Popen(
        command,
        env={**os.environ, "PYTHONPATH": f"{SRC}:{HERE.parent}"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _write(url: str, results: str, first: str, last: str, batch: str, go: str, kill_in_batch: str) -> None:
    from realpolitik.jobs import ingest as jobs
    from realpolitik.store import db

    items = pickle.loads(Path(results).read_bytes())[int(first) : int(last)]
    jobs.WRITE_BATCH_DOCS = int(batch)
    if int(kill_in_batch):  # SIGKILL inside the n-th batch's transaction, its rows written, not committed
        insert, batches = db._Connection.insert, iter(range(1, 10**6))

        def insert_then_die(self: db._Connection, table: str, *args: object) -> None:
            insert(self, table, *args)
            if table == "mentions" and next(batches) == int(kill_in_batch):
                os.kill(os.getpid(), signal.SIGKILL)

        db._Connection.insert = insert_then_die  # type: ignore[method-assign]
    if go:
        Path(go + f".ready-{first}").touch()
        while not Path(go).exists():
            time.sleep(0.01)
    with db.Store.open(url) as store:
        stats = jobs.store_results(store, items)
    print(json.dumps(vars(stats), default=str))


def sequential(url: str, results: Path, slices: Sequence[tuple[int, int]]) -> dict[str, list[tuple]]:
    """The database one process writing the slices one after another leaves."""
    items = pickle.loads(results.read_bytes())
    with Store.open(url) as store:
        for first, last in slices:
            store_results(store, items[first:last])
        return dump(store)


# -- tests ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content",
    [
        ("events.jsonl", b'{"id": "a", "text": "Russia attacked Georgia."}\n'),
        ("events.csv", b"id,text\na,Russia attacked Georgia.\n"),
        ("events.parquet", b"PAR1\x15\x04\x15\x10\x15\x14L\x15\x02\x15\x00PAR1"),
        ("events.duckdb", b""),
        ("notes", b"these are notes\n"),
    ],
)
def test_db_must_be_a_duckdb_database_or_a_new_file(
    tmp_path: Path, name: str, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    story = tmp_path / "story.txt"
    story.write_text("Russia attacked Georgia on 8 August 2008.\n")
    target = tmp_path / name
    target.write_bytes(content)
    assert main(["ingest", str(story), "--db", str(target)]) == EXIT_STORE
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: store: {target} is not a DuckDB database") and "left untouched" in err
    assert "\n" not in err and "events in the store" not in err
    assert target.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["story.txt", name])
    with pytest.raises(NotAStoreError):
        Store.open(target)


def test_db_may_not_be_a_directory_and_a_new_file_becomes_a_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["events", "--db", str(tmp_path)]) == EXIT_STORE
    assert f"{tmp_path} is a directory, not a store" in capsys.readouterr().err
    with Store.open(tmp_path / "new.duckdb") as store:
        assert store.events().empty
    with Store.open(tmp_path / "new.duckdb") as store:  # and opens again as the store it is
        assert store.events().empty


def test_errors_keep_each_bad_item_once_however_its_path_is_spelled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "broken.jsonl").write_text('{"id": "broken", "text": 5}\n', encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with Store.open(tmp_path / "events.duckdb") as store:
        for spelling in ("corpus", "./corpus/", str(folder), f"{tmp_path}/corpus/../corpus"):
            assert ingest(store, read_paths([spelling]), pipeline=CODER).errors == 2
        errors = store.query("SELECT source, doc_id, error FROM errors ORDER BY source")
    assert errors.values.tolist() == [
        [f"{folder.resolve()}/broken.jsonl:1", "broken", "'text' must be a string, got int"],
        [f"{folder.resolve()}/empty.txt", "empty.txt", "empty document"],
    ]


def test_a_writer_killed_inside_a_batch_and_run_again_ends_as_an_uninterrupted_run(
    coded: Path, store_url_factory: Callable[[], str]
) -> None:
    killed, clean = store_url_factory(), store_url_factory()
    items = len(pickle.loads(coded.read_bytes()))
    process = writer(killed, coded, 0, items, batch=4, kill_in_batch=3)
    process.communicate(timeout=120)
    assert process.returncode == -signal.SIGKILL
    with Store.open(killed) as partial:  # two whole batches, nothing of the third
        assert len(partial.query("SELECT doc_id FROM documents")) == 8
        assert len(partial.query("SELECT mention_key FROM event_mentions")) == len(
            partial.query("SELECT mention_key FROM mentions")
        )
    rerun = writer(killed, coded, 0, items)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert json.loads(out)["new_documents"] == items - 8
    assert dump(Store.open(killed)) == sequential(clean, coded, [(0, items)])


def test_workers_leave_no_orphans_when_the_parent_is_killed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in copies(200)) + "\n", encoding="utf-8")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "realpolitik.cli.main",
            "code",
            str(corpus),
            "--workers",
            "2",
            "-o",
            str(tmp_path / "out.jsonl"),
        ],
        env={**os.environ, "PYTHONPATH": SRC},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        children: list[int] = []
        deadline = time.monotonic() + 60
        while len(children) < 2 and time.monotonic() < deadline:
            children = _children(process.pid)
            time.sleep(0.2)
        assert len(children) >= 2, "the worker processes did not start"
        time.sleep(1)  # the workers are loading the model or coding
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        deadline = time.monotonic() + 15
        while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [pid for pid in children if _alive(pid)], "worker processes outlived their parent"
    finally:
        if process.poll() is None:
            process.kill()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


if __name__ == "__main__" and sys.argv[1] == "write":
    _write(*sys.argv[2:])


# -- the store stores: Store.write, and the store without the pipeline -------------------------


def test_write_is_idempotent_and_skips_what_is_stored(store_url_factory: Callable[[], str]) -> None:
    docs = corpus_documents()[-4:]  # four reports of the attack: one event cluster
    results = list(CODER.run(docs))
    with Store.open(store_url_factory()) as store:
        first = store.write(results[:2])
        assert [o.kind for o in first] == ["stored", "stored"]
        assert first[0].mentions == len(results[0].mentions) > 0 and first[0].earliest == date(2008, 8, 12)
        after_first = dump(store)
        assert [o.kind for o in store.write(results[:2])] == ["skipped", "skipped"]  # the same write again
        assert dump(store) == after_first
        # a batch holding a stored document, a new one twice, and an error: the stored one and the repeat are skipped
        error = DocumentError(source="feed.xml", doc_id="x", error="not English (detected 'de')")
        outcomes = store.write([results[1], results[2], results[2], results[3]], [error])
        assert [o.kind for o in outcomes] == ["skipped", "stored", "skipped", "stored", "error"]
        assert [o.kind for o in store.write([], [error])] == ["error"]  # an error is recorded once
        assert len(store.query("SELECT * FROM errors")) == 1
        assert store.stored(d.content_hash for d in docs) == {d.content_hash for d in docs}
        written = dump(store)
    with Store.open(store_url_factory()) as fresh:  # the same documents in one write: the same database
        fresh.write(results)
        fresh.write([], [error])
        assert dump(fresh) == written


def test_a_failed_result_is_recorded_as_its_error(store_url_factory: Callable[[], str]) -> None:
    doc = corpus_documents()[-1]
    failed = Result(doc, [], [], DocumentError(source=doc.source, doc_id=doc.id, error="coding failed: boom"))
    with Store.open(store_url_factory()) as store:
        assert [(o.kind, o.label) for o in store.write([failed])] == [("error", f"{doc.source}: coding failed: boom")]
        assert not store.stored([doc.content_hash])
        assert store.query("SELECT doc_id, error FROM errors").values.tolist() == [[doc.id, "coding failed: boom"]]


def test_store_results_batches_like_ingest(
    store_url_factory: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from realpolitik.jobs import ingest as jobs

    docs = corpus_documents()[:8]
    results = list(CODER.run(docs))
    writes: list[int] = []
    original = Store.write

    def counted(self: Store, results: Sequence, errors: Sequence = ()) -> list:
        writes.append(len(results))
        return original(self, results, errors)

    monkeypatch.setattr(jobs, "WRITE_BATCH_DOCS", 3)
    monkeypatch.setattr(Store, "write", counted)
    with Store.open(store_url_factory()) as store:
        stats = store_results(store, [*results, results[0]])  # the repeat is skipped before any write
        assert (stats.new_documents, stats.skipped_existing, stats.errors) == (8, 1, 0)
        assert writes == [3, 3, 2]
        again = ingest(store, docs, pipeline=None)  # nothing to code: no pipeline is built
        assert (again.new_documents, again.skipped_existing) == (0, 8)


def test_the_store_imports_no_pipeline() -> None:
    """The store stores: opening, writing and querying it need neither the coder nor spaCy."""
    probe = (
        "import sys; import realpolitik.store.db, realpolitik.store.cli, realpolitik.analysis.export; "
        "print(sorted(m for m in sys.modules if m in ('realpolitik.pipeline', 'spacy') or m.startswith('realpolitik.jobs')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], env={**os.environ, "PYTHONPATH": SRC}, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_table_rows_take_only_the_stores_tables(store_url_factory: Callable[[], str]) -> None:
    with Store.open(store_url_factory()) as store:
        with pytest.raises(ValueError, match="no store table 'feed_items; DROP"):
            list(store.table_rows("feed_items; DROP TABLE events"))
        assert list(store.table_rows("events")) == []
