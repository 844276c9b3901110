"""An API that stays responsive (issue 14, item 3): cached answers, time limits, clients that go away,
and readers that step aside for a writer."""

from __future__ import annotations

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

import realpolitik.api.app as app_module
from realpolitik.api.app import create_app
from realpolitik.jobs.ingest import ingest
from realpolitik.pipeline import default_pipeline
from realpolitik.readers.files import read_paths
from realpolitik.store import Store

ROOT = Path(__file__).resolve().parents[1]
CORPUS = [ROOT / "examples" / "wikinews.jsonl", ROOT / "tests" / "fixtures" / "api" / "dyad_history.jsonl"]
TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("responsive") / "events.duckdb")
    with Store.open(path) as store:
        ingest(store, read_paths(CORPUS[:1]), pipeline=default_pipeline())
    return path


@pytest.fixture
def counted_alerts(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every computation of alerts the API does, recorded."""
    calls: list[Any] = []
    real = app_module.store_alerts

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[1:])
        time.sleep(0.2)  # long enough for concurrent requests to overlap
        return real(*args, **kwargs)

    monkeypatch.setattr(app_module, "store_alerts", counting)
    return calls


def test_answers_are_cached_until_a_write(tmp_path: Path, db: str, counted_alerts: list[Any]) -> None:
    path = tmp_path / "events.duckdb"
    path.write_bytes(Path(db).read_bytes())
    with TestClient(create_app(str(path), ingest_token=TOKEN)) as api:
        first = api.get("/api/alerts", params={"by": "year"})
        assert first.status_code == 200
        assert api.get("/api/alerts", params={"by": "year"}).content == first.content
        assert len(counted_alerts) == 1  # the second came from the cache
        documents = api.get("/api/info").json()["documents"]
        body = {"documents": [{"id": "war", "date": "2008-08-08", "text": "Russia attacked Georgia."}]}
        stored = api.post("/api/ingest", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
        assert stored.status_code == 200 and stored.json()["new_documents"] == 1
        assert api.get("/api/info").json()["documents"] == documents + 1  # a new version of the store
        api.get("/api/alerts", params={"by": "year"})
        assert len(counted_alerts) == 2


def test_identical_requests_at_once_compute_once(db: str, counted_alerts: list[Any]) -> None:
    with TestClient(create_app(db)) as api, ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: api.get("/api/alerts", params={"by": "month"}), range(8)))
    assert [a.status_code for a in answers] == [200] * 8 and len({a.content for a in answers}) == 1
    assert len(counted_alerts) == 1


def test_a_request_over_its_time_limit_is_a_json_503(db: str, counted_alerts: list[Any]) -> None:
    with TestClient(create_app(db, request_timeout=0.05)) as api:
        slow = api.get("/api/alerts", params={"by": "week"})
        assert slow.status_code == 503 and int(slow.headers["retry-after"]) > 0
        assert slow.json()["detail"].startswith("the request took longer than 0.05 s and was stopped")
        assert api.get("/api/info").status_code == 200  # the server goes on


def test_a_client_that_disconnects_stops_its_query(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    started, stopped = threading.Event(), threading.Event()

    def endless(store: Store, *args: Any, **kwargs: Any) -> Any:
        started.set()
        try:  # a query that would run for minutes
            store.query("SELECT COUNT(*) FROM range(100000000) a, range(100000) b WHERE a.range + b.range = -1")
        except Exception:
            stopped.set()
            raise

    monkeypatch.setattr(app_module, "store_alerts", endless)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(100):
            if server.started:
                break
            time.sleep(0.05)
        client = socket.create_connection(("127.0.0.1", port))
        client.sendall(b"GET /api/alerts HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert started.wait(10)
        client.close()  # the reader goes away
        assert stopped.wait(10), "the query went on for a client that had gone"
    finally:
        server.should_exit = True
        thread.join(10)


def test_readers_step_aside_for_a_writer(db: str, tmp_path: Path) -> None:
    path = tmp_path / "events.duckdb"
    path.write_bytes(Path(db).read_bytes())
    with TestClient(create_app(str(path), read_wait=0.2)) as api:
        before = api.get("/api/info").json()["documents"]  # the app now holds a read-only connection
        with Store.open(path, wait=5) as writer:  # it lets go for the writer ...
            busy = api.get("/api/info", params={"fresh": 1})
            assert busy.status_code == 503 and int(busy.headers["retry-after"]) > 0
            assert "being written by another process" in busy.json()["detail"]
            ingest(writer, read_paths(CORPUS[1:]), pipeline=default_pipeline())
        assert api.get("/api/info").json()["documents"] > before  # ... and reads again when it is done
