"""The shared store tests of tests/test_store.py, on a throwaway PostgreSQL server.

The server is made with the PostgreSQL binaries (``initdb``, ``pg_ctl``) in a
temporary directory, listening only on a unix socket there, as the
``postgres`` (else ``nobody``) user when the tests run as root. Without the
binaries the tests are skipped, or fail when REALPOLITIK_REQUIRE_POSTGRES=1
(as in CI, where scripts/postgres-ci.sh installs the Debian package).
"""

from __future__ import annotations

import glob
import itertools
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from realpolitik.cli.main import main
from realpolitik.store import EventFilter, Store
from test_store import (  # noqa: F401 - the shared tests and fixtures, run here against PostgreSQL
    copies,
    dump,
    store,
    test_a_report_in_between_merges_two_events,
    test_a_store_of_schema_1_is_upgraded_on_opening_and_goes_on_as_a_new_one,
    test_actor_rule,
    test_actors,
    test_cli_ingest_events_actors,
    test_dyad_returns_both_directions,
    test_errors_are_recorded_once,
    test_event_and_mentions,
    test_events_frame_contract,
    test_filters_match_a_pandas_reference,
    test_killed_ingest_rerun_matches_uninterrupted_run,
    test_pagination,
    test_reingest_adds_nothing_and_codes_nothing,
    test_reports_ten_days_apart_are_two_events,
    test_result_does_not_depend_on_ingest_order,
    test_same_event_in_two_documents_is_one_event,
    wikinews_store,
)

MISSING = (
    "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin or on PATH; "
    "install the Debian package 'postgresql' (scripts/postgres-ci.sh does)"
)


def _bin_dir() -> Path | None:
    """The newest installed PostgreSQL server's bin directory."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: [int(part) for part in Path(p).parts[-3].split(".") if part.isdigit()],
    )
    initdb = found[-1] if found else shutil.which("initdb")
    return Path(initdb).parent if initdb and Path(initdb).with_name("pg_ctl").exists() else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[str]:
    """A running server; yields a URL template with ``{db}`` for the database name."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        if os.environ.get("REALPOLITIK_REQUIRE_POSTGRES") == "1":
            pytest.fail(MISSING + " (REALPOLITIK_REQUIRE_POSTGRES=1)")
        pytest.skip(MISSING)
    root = Path(tempfile.mkdtemp(prefix="realpolitik-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        user = "postgres" if any(u.pw_name == "postgres" for u in pwd.getpwall()) else "nobody"
        os.chown(root, pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid)
        as_user = ["runuser", "-u", user, "--"]
    data, port = root / "data", _free_port()

    def run(*command: str) -> None:
        done = subprocess.run([*as_user, *command], cwd=root, capture_output=True, text=True, timeout=120)
        if done.returncode:
            log = (root / "server.log").read_text() if (root / "server.log").exists() else ""
            pytest.fail(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}{log}")

    run(
        str(bin_dir / "initdb"),
        "-D",
        str(data),
        "-U",
        "realpolitik",
        "--auth=trust",
        "-E",
        "UTF8",
        "--locale=C",
        "--no-sync",
    )
    run(
        str(bin_dir / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(root / "server.log"),
        "-w",
        "-t",
        "60",
        "-o",
        f"-c listen_addresses='' -c unix_socket_directories={root} -p {port} -c fsync=off",
        "start",
    )
    try:
        yield f"postgresql://realpolitik@/{{db}}?host={root}&port={port}"
    finally:
        subprocess.run(
            [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            cwd=root,
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def store_url_factory(postgres_server: str) -> Iterator[Callable[[], str]]:
    """Makes a new database on the server for each store (overrides the DuckDB fixture of test_store)."""
    numbers = itertools.count()
    with psycopg.connect(postgres_server.format(db="postgres"), autocommit=True) as admin:

        def new_database() -> str:
            name = f"store_{next(numbers)}"
            admin.execute(f"CREATE DATABASE {name}")
            return postgres_server.format(db=name)

        yield new_database


def test_postgres_store_reopens_with_its_window(store_url_factory: Callable[[], str]) -> None:
    url = store_url_factory()
    with Store.open(url, window_days=7) as created:
        assert created.window_days == 7
    with Store.open(url) as reopened:
        assert reopened.window_days == 7
        assert reopened.query("SELECT value FROM store_meta WHERE key = ?", ["window_days"]).value[0] == "7"
    with pytest.raises(ValueError, match="7-day dedup window"):
        Store.open(url, window_days=3)


# -- several writers at once ----------------------------------------------------------

from test_store_writes import (  # noqa: E402,F401 - the writer tests, and the processes, on PostgreSQL
    ATTACK_REPORTS,
    coded,
    sequential,
    test_a_writer_killed_inside_a_batch_and_run_again_ends_as_an_uninterrupted_run,
    writer,
)


@pytest.mark.parametrize("existing", [False, True], ids=["new database", "existing store"])
def test_concurrent_writers_give_the_database_of_one_sequential_run(
    coded: Path, store_url_factory: Callable[[], str], tmp_path: Path, existing: bool
) -> None:
    import pickle

    items = len(pickle.loads(coded.read_bytes()))
    attack = items - len(ATTACK_REPORTS)
    # Four processes, overlapping corpora; the eight reports of one attack are spread over all four.
    slices = [(0, attack // 2), (attack // 4, attack), (attack // 2, attack + 3), (attack - 2, items)]
    extra = [(attack + 3, attack + 5)]  # and two more reports that the four have too
    url, reference = store_url_factory(), store_url_factory()
    if existing:
        with Store.open(url):
            pass
    go = tmp_path / "go"
    processes = [writer(url, coded, first, last, go=go, batch=2) for first, last in slices + extra]
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("go.ready-*"))) < len(processes) and time.monotonic() < deadline:
        time.sleep(0.05)
    go.touch()  # all open the store (creating its tables, if new) and write at once
    outcomes = [p.communicate(timeout=180) for p in processes]
    assert [p.returncode for p in processes] == [0] * len(processes), [err for _, err in outcomes]
    stored = [json.loads(out)["new_documents"] for out, _ in outcomes]
    assert sum(stored) == items  # each document stored by exactly one writer, the others skipped it
    with Store.open(url) as store:
        result = dump(store)
        attacks = store.events(EventFilter(actor="RUS", target="GEO", code="19"))
    assert result == sequential(reference, coded, slices + extra)
    assert attacks[["source", "code", "target"]].values.tolist() == [["RUSMIL", "190", "GEO"]]
    assert attacks.num_documents[0] == attacks.num_sources[0] == len(ATTACK_REPORTS)  # one event, not split


def test_two_cli_ingests_on_a_new_database_both_succeed(store_url_factory: Callable[[], str], tmp_path: Path) -> None:
    records = copies(12)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("\n".join(json.dumps(r) for r in records[:8]) + "\n", encoding="utf-8")
    second.write_text("\n".join(json.dumps(r) for r in records[4:]) + "\n", encoding="utf-8")
    url = store_url_factory()
    # Each ingest writes its file in one transaction (batches are cut by time too, and a loaded
    # machine codes slowly): then the outcome is one of the two sequential orders.
    one_batch = (
        "import sys, realpolitik.jobs.ingest as job; job.WRITE_BATCH_SECONDS = 1e9; "
        "from realpolitik.cli.main import main; sys.exit(main(sys.argv[1:]))"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", one_batch, "ingest", str(path), "--db", url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in (first, second)
    ]
    outcomes = [p.communicate(timeout=300) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], [err for _, err in outcomes]
    with Store.open(url) as concurrent:
        result = dump(concurrent)
    # The documents both files hold are stored once, from whichever file came first: either order is one run.
    orders = []
    for paths in ((first, second), (second, first)):
        reference = store_url_factory()
        assert main(["ingest", *map(str, paths), "--db", reference]) == 0
        with Store.open(reference) as one_run:
            orders.append(dump(one_run))
    assert result in orders


def test_two_watches_on_one_store_store_each_item_once(store_url_factory: Callable[[], str], tmp_path: Path) -> None:
    from test_feeds import ATTACK, MONTHS, rss

    feed = tmp_path / "europe.xml"
    feed.write_text(rss([*MONTHS, ATTACK]), encoding="utf-8")
    url = store_url_factory()
    watches = [
        subprocess.Popen(
            [sys.executable, "-m", "realpolitik.cli.main", "watch", str(feed), "--once", "--db", url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outcomes = [p.communicate(timeout=300) for p in watches]
    assert [p.returncode for p in watches] == [0, 0], [err for _, err in outcomes]
    with Store.open(url) as store:
        assert store.query("SELECT COUNT(*) AS n FROM documents")["n"][0] == 5
        assert store.feed_items(str(feed)) == {"jan", "feb", "mar", "apr", "may"}
        assert len(store.events(EventFilter(actor="RUS", target="UKR", code="19"))) == 1
