"""The command line's rough edges (issue 16, item 5) and actor names in its filters (item 3).

Commands run as a person runs them: a separate process, stdout and stderr pipes (not a
terminal), so what they print is exactly what lands in a log file or a pipe.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from realpolitik import __version__
from realpolitik.jobs.ingest import ingest
from realpolitik.pipeline import default_pipeline
from realpolitik.readers.files import read_paths
from realpolitik.store import Store
from realpolitik.store.errors import EXIT_STORE

ROOT = Path(__file__).resolve().parents[1]
CORPUS = [ROOT / "examples" / "wikinews.jsonl", ROOT / "tests" / "fixtures" / "api" / "dyad_history.jsonl"]


def cli(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "realpolitik.cli.main", *args], capture_output=True, text=True, cwd=cwd, timeout=timeout
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("cli") / "events.duckdb"
    with Store.open(path) as store:
        ingest(store, read_paths(CORPUS), pipeline=default_pipeline())
    return str(path)


def one_line_error(result: subprocess.CompletedProcess[str], status: int = 2) -> str:
    assert result.returncode == status, result
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_version() -> None:
    result = cli("--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"realpolitik {__version__}")


def test_the_version_is_written_once(tmp_path: Path) -> None:
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "realpolitik.__version__"}
    copies = [
        p.relative_to(ROOT).as_posix()
        for p in sorted((ROOT / "src").rglob("*.py"))
        if __version__ in p.read_text(encoding="utf-8")
    ]
    assert copies == ["src/realpolitik/__init__.py"]
    from realpolitik.api.app import create_app

    assert create_app(str(tmp_path / "events.duckdb")).version == __version__


def test_a_closed_pipe_is_no_traceback(db: str) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "realpolitik.cli.main",
            "events",
            "--db",
            db,
            "--format",
            "jsonl",
            "--limit",
            "500",
            "--all-modalities",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first = process.stdout.readline()  # `| head -1`: read one line, then go away
    process.stdout.close()
    _, err = process.communicate(timeout=120)
    assert json.loads(first)["event_key"]
    assert "Traceback" not in err and "BrokenPipe" not in err
    assert process.returncode in (0, 141)


def test_a_bad_store_is_one_line(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text("Russia attacked Georgia.\n")
    missing = tmp_path / "missing" / "events.duckdb"
    line = one_line_error(cli("ingest", str(story), "--db", str(missing)), EXIT_STORE)
    assert line == f"error: {missing.parent}: no such folder; create it, or give --db a file in an existing folder"
    not_a_store = tmp_path / "notes.duckdb"
    not_a_store.write_text("these are notes, not a database\n")
    assert "is not a DuckDB database" in one_line_error(cli("events", "--db", str(not_a_store)), EXIT_STORE)
    refused = one_line_error(cli("events", "--db", "postgresql://nobody@127.0.0.1:1/none"), EXIT_STORE)
    assert refused.startswith("error: cannot connect to PostgreSQL at 127.0.0.1:1/none: ") and "refused" in refused


def test_an_unwritable_output_is_one_line(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text("Russia attacked Georgia.\n")
    line = one_line_error(cli("code", str(story), "-o", str(tmp_path / "no" / "such" / "dir" / "out.jsonl")))
    assert line == f"error: {tmp_path / 'no' / 'such' / 'dir' / 'out.jsonl'}: no such file or directory"


def test_dash_is_standard_output(tmp_path: Path, db: str) -> None:
    story = tmp_path / "story.txt"
    story.write_text("Russia attacked Georgia.\n")
    result = cli("code", str(story), "-o", "-", cwd=tmp_path)
    assert result.returncode == 0 and json.loads(result.stdout.splitlines()[0])["code"] == "190"
    assert not (tmp_path / "-").exists()
    exported = cli("export", "--db", db, "--format", "icews", "-o", "-", cwd=tmp_path)
    assert exported.returncode == 0 and exported.stdout.startswith("Event ID\tEvent Date")
    assert not (tmp_path / "-").exists()
    assert "sqlite writes a database file" in cli("export", "--db", db, "--format", "sqlite", "-o", "-").stderr


def test_messages_print_names_as_they_are_unwrapped_and_without_markup(tmp_path: Path) -> None:
    name = "[draft] report:smile: " + "long-" * 30 + "name.txt"
    (tmp_path / name).write_bytes(b"")
    result = cli("code", str(tmp_path / name))
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"skipped {tmp_path / name}: empty document"  # one line, brackets and colons kept
    assert "\x1b[" not in result.stderr  # no colour codes in a file or a pipe


def test_a_malformed_gold_line_is_one_clear_line(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"sentence": "Russia attacked Georgia.", "events": [}\n')
    result = cli("evaluate", str(gold))
    assert "Traceback" not in result.stderr and result.returncode == 2
    assert result.stderr.splitlines() == [f"skipped {gold} line 1: not JSON", f"error: {gold}: no records"]


def test_dask_options_need_the_dask_engine(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text("Russia attacked Georgia.\n")
    line = one_line_error(
        cli("ingest", str(story), "--db", str(tmp_path / "e.duckdb"), "--scheduler", "tcp://127.0.0.1:8786")
    )
    assert line == "error: --scheduler works only with --engine dask"
    line = one_line_error(
        cli(
            "ingest",
            str(story),
            "--db",
            str(tmp_path / "e.duckdb"),
            "--parquet-dir",
            str(tmp_path / "pq"),
            "--scheduler",
            "tcp://127.0.0.1:8786",
        )
    )
    assert line == "error: --scheduler and --parquet-dir work only with --engine dask"


def test_skipped_files_and_empty_jsonl_are_reported(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "scans").mkdir(parents=True)
    (corpus / "story.txt").write_text("Russia attacked Georgia.\n")
    for n in range(12):
        (corpus / "scans" / f"page{n}.pdf").write_bytes(b"%PDF-1.4")
    (corpus / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (corpus / "empty.jsonl").write_bytes(b"\n\n")
    result = cli("code", str(corpus))
    assert f"skipped {corpus}: 12 PDF files not read: extract their text first (pdftotext)" in result.stderr
    assert f"skipped {corpus}: 1 image file not read: images hold no text to code" in result.stderr
    assert f"skipped {corpus / 'empty.jsonl'}: empty document (no JSON lines)" in result.stderr
    assert result.stderr.strip().endswith("1 documents coded, 1 event mentions, 3 errors")
    assert result.returncode == 1


def test_serve_on_a_busy_port_fails_before_printing_its_url(db: str) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli("serve", "--db", db, "--port", str(port), timeout=60)
    line = one_line_error(result)
    assert line.startswith(f"error: cannot listen on 127.0.0.1 port {port}: ") and "in use" in line
    assert "dashboard at" not in result.stderr


# -- names, not codes -------------------------------------------------------------------------


def test_events_by_names(db: str) -> None:
    by_name = cli("events", "--db", db, "--dyad", "russia", "Georgian", "--format", "jsonl")
    by_code = cli("events", "--db", db, "--dyad", "RUS", "GEO", "--format", "jsonl")
    assert by_name.returncode == 0 and by_name.stdout == by_code.stdout and by_name.stdout
    assert "'russia' is RUS (Russia)" in by_name.stderr and "'Georgian' is GEO (Georgia)" in by_name.stderr
    kremlin = cli("events", "--db", db, "--actor", "the Kremlin", "--format", "jsonl")
    assert {json.loads(line)["source"] for line in kremlin.stdout.splitlines()} == {"RUSGOV"}


def test_an_unknown_actor_is_an_error_with_suggestions(db: str) -> None:
    line = one_line_error(cli("dyad", "Rusia", "Georgia", "--db", db))
    assert line == "error: unknown actor 'Rusia'; did you mean Russia (RUS)?"
    line = one_line_error(cli("events", "--db", db, "--target", "Narnia"))
    assert line.startswith("error: unknown actor 'Narnia'")


def test_dyad_by_names_picks_a_period_and_can_skip_empty_ones(db: str) -> None:
    result = cli("dyad", "Russia", "Georgia", "--db", db, "--format", "json")
    data = json.loads(result.stdout)
    assert data["by"] == "month" and data["dyad"] == ["RUS", "GEO"]
    periods = [r["period"] for r in data["series"] if r["direction"] == "RUS → GEO"]
    assert periods == [f"2008-{m:02d}" for m in range(1, 9)]
    sparse = json.loads(cli("dyad", "Russia", "Georgia", "--db", db, "--format", "json", "--nonzero").stdout)
    assert [r["period"] for r in sparse["series"] if r["direction"] == "RUS → GEO"] == [
        "2008-01",
        "2008-02",
        "2008-04",
        "2008-08",
    ]
    table = cli("dyad", "Russia", "Georgia", "--db", db, "--by", "year")
    assert "2008-08-08" in table.stdout and "│ 2008 " in table.stdout


def test_event_table_dates_at_their_precision_and_newest_first(tmp_path: Path) -> None:
    path = tmp_path / "history.duckdb"
    story = tmp_path / "history.jsonl"
    story.write_text(
        json.dumps(
            {
                "id": "h",
                "date": "2014-05-06",
                "text": "In 1950 Stalin sanctioned an invasion of the South. "
                "In September 2012 Libyan militias attacked the consulate in Benghazi. "
                "On Monday Russia condemned the attack.",
            }
        )
        + "\n"
    )
    assert cli("ingest", str(story), "--db", str(path)).returncode == 0
    table = cli("events", "--db", str(path), "--all-modalities")
    dates = [line.split()[0] for line in table.stdout.splitlines()[1:] if line.strip()]
    assert dates == ["2014-05-05", "2012-09", "1950"], table.stdout
    assert (
        cli("events", "--db", str(path), "--all-modalities", "--sort", "oldest")
        .stdout.splitlines()[1]
        .startswith("1950 ")
    )
