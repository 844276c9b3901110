"""Storage problems say what is wrong and what to do, in one line, and damage nothing (issue 13, item 4).

Each command runs as a separate process. A store on a read-only medium and a full disk
are made with small tmpfs mounts; where mounting is not allowed (not root, or no
privilege in a container) those tests skip.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from realpolitik.api.app import create_app
from realpolitik.jobs.ingest import ingest
from realpolitik.pipeline import default_pipeline
from realpolitik.readers.files import read_paths
from realpolitik.store import Store
from realpolitik.store.errors import EXIT_STORE, EXIT_STORE_BUSY

ROOT = Path(__file__).resolve().parents[1]
CORPUS = [ROOT / "examples" / "wikinews.jsonl", ROOT / "tests" / "fixtures" / "api" / "dyad_history.jsonl"]
TABLES = ("documents", "sentences", "mentions", "events", "event_mentions")


def cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "realpolitik.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "REALPOLITIK_LOCK_WAIT": "0.5", **env},
    )


def one_line(result: subprocess.CompletedProcess[str], status: int) -> str:
    assert result.returncode == status, result
    assert "Traceback" not in result.stderr, result.stderr
    (line,) = [x for x in result.stderr.strip().splitlines() if not x.startswith("failed ")]
    assert line.startswith("error: "), result.stderr
    return line


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dump(db: Path) -> dict[str, list[tuple]]:
    with Store.open(db, read_only=True) as store:
        return {
            t: sorted(
                store.query(f"SELECT * FROM {t}")
                .drop(columns=["ingested_at"], errors="ignore")
                .astype(str)
                .itertuples(index=False, name=None)
            )
            for t in TABLES
        }


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("errors") / "events.duckdb"
    with Store.open(path) as store:
        ingest(store, read_paths(CORPUS[:1]), pipeline=default_pipeline())
    return path


@pytest.fixture
def mount(tmp_path: Path) -> Iterator[Path]:
    """An empty 32 MB tmpfs, unmounted afterwards; skips where mounting is not allowed."""
    where = tmp_path / f"mnt-{uuid.uuid4().hex[:6]}"
    where.mkdir()
    if (
        shutil.which("mount") is None
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(where)], capture_output=True
        ).returncode
    ):
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def test_a_store_another_process_writes(stored: Path, tmp_path: Path) -> None:
    db = tmp_path / "busy.duckdb"
    shutil.copy(stored, db)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time; from realpolitik.store import Store; s = Store.open(sys.argv[1]); print('ready', "
                "flush=True); time.sleep(60)"
            ),
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        for command in (["events"], ["actors"], ["alerts"], ["ingest", str(CORPUS[1])]):
            line = one_line(cli(*command, "--db", str(db)), EXIT_STORE_BUSY)
            assert line == (
                f"error: {db} is being written by another process; run this again when it has "
                "finished (a DuckDB file takes "
                + ("one writer at a time)" if command[0] == "ingest" else "no readers while it is written)")
            )
    finally:
        holder.kill()
        holder.wait()
    assert cli("events", "--db", str(db)).returncode == 0  # nothing was changed, and it is free again
    assert dump(db) == dump(stored)


def test_a_damaged_store_is_left_as_it_is(stored: Path, tmp_path: Path) -> None:
    db = tmp_path / "damaged.duckdb"
    shutil.copy(stored, db)
    with db.open("r+b") as f:  # a scribbled-over header
        f.seek(0)
        f.write(b"\0" * 4096)
    before = digest(db)
    for command in (["events"], ["ingest", str(CORPUS[1])]):
        line = one_line(cli(*command, "--db", str(db)), EXIT_STORE)
        assert line.startswith(f"error: store: {db} is not a DuckDB database") and "left untouched" in line
    assert digest(db) == before


def test_a_wrong_postgresql_url_never_shows_the_password() -> None:
    line = one_line(cli("events", "--db", "postgresql://analyst:hunter2@127.0.0.1:1/events"), EXIT_STORE)
    assert line.startswith("error: cannot connect to PostgreSQL at 127.0.0.1:1/events: ") and "hunter2" not in line
    assert line.endswith("check the URL (postgresql://USER@HOST:PORT/DATABASE) and that the server is running")
    line = one_line(cli("events", "--db", "postgresql://analyst:hunter2@no host/events"), EXIT_STORE)
    assert "hunter2" not in line


def test_a_store_on_a_read_only_medium_is_queried_and_served(stored: Path, mount: Path) -> None:
    shutil.copy(stored, mount / "events.duckdb")
    subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
    db = mount / "events.duckdb"
    events = cli("events", "--db", str(db), "--format", "jsonl")
    assert events.returncode == 0 and events.stdout.count("\n") > 10, events
    assert cli("alerts", "--db", str(db)).returncode == 0
    with TestClient(create_app(str(db))) as api:
        info = api.get("/api/info")
        assert info.status_code == 200 and info.json()["documents"] == len(dump(stored)["documents"])
        assert api.get("/api/events").json()["total"] > 0
    line = one_line(cli("ingest", str(CORPUS[1]), "--db", str(db)), EXIT_STORE)
    assert line == (
        f"error: {db} cannot be written (read-only file or medium, or no permission); it can still be "
        "queried and served: ingest into a writable copy instead"
    )


def test_a_full_disk_stops_the_ingest_without_damage(stored: Path, mount: Path, tmp_path: Path) -> None:
    db = mount / "events.duckdb"
    shutil.copy(stored, db)
    filler = mount / "filler"
    with filler.open("wb", buffering=0) as f:  # fill the disk to the last byte
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError:
            pass
    line = one_line(cli("ingest", str(CORPUS[1]), "--db", str(db)), EXIT_STORE)
    assert (
        line.startswith("error: ")
        and "the disk is full; nothing was stored past the last whole document. "
        "Free some space and run the same command again"
        in line
    )
    filler.unlink()
    assert cli("ingest", str(CORPUS[1]), "--db", str(db)).returncode == 0  # the same command, with room
    clean = tmp_path / "clean.duckdb"
    shutil.copy(stored, clean)
    with Store.open(clean) as store:
        assert ingest(store, read_paths(CORPUS[1:]), pipeline=default_pipeline()).errors == 0
    assert dump(db) == dump(clean)
