"""``serve``, the CLI's reads and an ``ingest`` on one DuckDB file at once (issue 13, item 1).

Every command is a separate process, as a user runs them. While the ingest holds the
file, every API answer must be valid JSON: the data, or a 503 that says why and when
to retry; CLI reads must print their data, or one line saying the store is being
written, with status 75. Once the ingest is done, the server and the CLI see its documents.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from realpolitik.jobs.ingest import ingest
from realpolitik.pipeline import default_pipeline
from realpolitik.readers.files import read_paths
from realpolitik.store import Store
from realpolitik.store.errors import EXIT_STORE_BUSY

ROOT = Path(__file__).resolve().parents[1]
CORPUS = [ROOT / "examples" / "wikinews.jsonl", ROOT / "tests" / "fixtures" / "api" / "dyad_history.jsonl"]
READS = [
    "/api/info",
    "/api/events?limit=5",
    "/api/alerts",
    "/api/dyad?a=RUS&b=GEO",
    "/api/graph",
    "/api/actors",
    "/api/places",
]


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "realpolitik.cli.main", *args]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def new_articles(path: Path, n: int) -> None:
    """n documents the store lacks: the fixture's stories, each with a line of its own."""
    stories = [json.loads(line) for line in CORPUS[1].read_text(encoding="utf-8").splitlines()]
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            story = stories[i % len(stories)]
            out.write(
                json.dumps({**story, "id": f"{story['id']}-again{i}", "text": f"{story['text']} (Report {i}.)"}) + "\n"
            )


def check_answer(response: httpx.Response) -> str:
    """'ok' for data, 'busy' for a well-formed 503; anything else fails the test."""
    body = response.json()  # never plain text
    if response.status_code == 200:
        return "ok"
    assert response.status_code == 503, (response.status_code, body)
    assert int(response.headers["retry-after"]) > 0
    assert "being written by another process" in body["detail"]
    return "busy"


def check_cli_read(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    if result.returncode == 0:
        assert all(json.loads(line)["event_key"] for line in result.stdout.splitlines())
        return "ok"
    assert result.returncode == EXIT_STORE_BUSY, result
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and "being written by another process" in line
    return "busy"


def test_serve_cli_reads_and_ingest_at_once(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    with Store.open(db) as store:
        ingest(store, read_paths(CORPUS), pipeline=default_pipeline())
        before = int(store.query("SELECT COUNT(*) AS n FROM documents")["n"].iloc[0])
    more = tmp_path / "more.jsonl"
    new_articles(more, 12)
    env = {**os.environ, "REALPOLITIK_LOCK_WAIT": "1"}
    port = free_port()
    server = subprocess.Popen(
        cli("serve", "--db", str(db), "--port", str(port)),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as api:
            for _ in range(600):  # the server is up once it answers
                try:
                    assert check_answer(api.get("/api/info")) == "ok"
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            assert all(check_answer(api.get(path)) == "ok" for path in READS)  # the server now holds the file
            (warm_war,) = api.get("/api/events", params={"dyad": "RUS,GEO", "code": "190"}).json()["items"]
            assert (
                check_cli_read(
                    subprocess.run(
                        cli("events", "--db", str(db), "--format", "jsonl"),
                        env=env,
                        capture_output=True,
                        text=True,
                        timeout=120,
                    )
                )
                == "ok"
            )
            writing = subprocess.Popen(  # the writer waits its turn as long as it must; the reads do not
                cli("ingest", str(more), "--db", str(db)),
                env={**env, "REALPOLITIK_LOCK_WAIT": "120"},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            api_seen, cli_seen = [], []
            while writing.poll() is None:
                api_seen += [check_answer(api.get(path)) for path in READS]
                cli_seen.append(
                    check_cli_read(
                        subprocess.run(
                            cli("events", "--db", str(db), "--format", "jsonl", "--limit", "3"),
                            env=env,
                            capture_output=True,
                            text=True,
                            timeout=120,
                        )
                    )
                )
            _, err = writing.communicate()
            assert writing.returncode == 0, err
            assert "12 new documents, 0 already stored" in err and " 0 errors;" in err
            # reads did come while the ingest held the file (the API may answer them from its cache of the
            # store version before the ingest, which is a valid answer too) ...
            assert "busy" in cli_seen and api_seen
            info = api.get("/api/info").json()  # ... and afterwards the server sees what it stored
            assert info["documents"] == before + 12
            war = {"dyad": "RUS,GEO", "code": "190"}  # the new reports joined the stored events
            (event,) = api.get("/api/events", params=war).json()["items"]
            assert event["num_mentions"] > warm_war["num_mentions"]
            after = subprocess.run(
                cli("events", "--db", str(db), "--format", "jsonl", "--limit", "500"),
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert check_cli_read(after) == "ok"
            assert after.stderr.strip().endswith(f"of {api.get('/api/events').json()['total']} events")
    finally:
        server.terminate()
        server.wait(timeout=30)
