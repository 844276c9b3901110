"""The ``realpolitik code`` command, run as users run it: a subprocess over real files."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
EXAMPLES = ROOT / "examples" / "wikinews.jsonl"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "realpolitik.cli.main", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
        env={**os.environ, "COLUMNS": "200"},
    )


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory of good and bad documents, as a crawler might leave it."""
    d = tmp_path_factory.mktemp("batch")
    (d / "a_wire.txt").write_text("Russia and China condemned the United States on Tuesday.\n", encoding="utf-8")
    (d / "b_binary.txt").write_bytes(bytes(range(256)) * 64)
    (d / "c_empty.txt").write_text("", encoding="utf-8")
    (d / "d_page.html").write_text((FIXTURES / "news_article.html").read_text(encoding="utf-8"), encoding="utf-8")
    (d / "e_latin1.txt").write_bytes("Le président français a critiqué la Russie à Genève.".encode("latin-1"))
    (d / "f_undecodable.txt").write_bytes(b"Iran \xff\xfe\x00\xd8 fired \x81\x8d\x8f missiles\x00" * 50)
    with open(d / "g_huge.txt", "w", encoding="utf-8") as f:  # 54 MB, over the default limit
        f.write("Iran launched missiles at Israel. " * 1_600_000)
    (d / "h_wire.txt").write_text("Iran launched missiles at Israel.\n", encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def batch_run(batch: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("out")
    proc = run(
        "code",
        str(batch),
        "--date",
        "2024-05-01",
        "-o",
        str(out / "events.jsonl"),
        "--errors",
        str(out / "errors.jsonl"),
    )
    return proc, out


def test_bad_items_are_reported_and_the_batch_goes_on(batch_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    proc, out = batch_run
    assert proc.returncode == 1, proc.stderr  # some items failed
    records = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    docs = {r["doc_id"] for r in records}
    assert any("a_wire" in d for d in docs) and any("h_wire" in d for d in docs)
    errors = {
        Path(e["source"]).name: e["error"] for e in map(json.loads, (out / "errors.jsonl").read_text().splitlines())
    }
    assert set(errors) >= {"b_binary.txt", "c_empty.txt", "g_huge.txt", "e_latin1.txt"}
    assert "binary" in errors["b_binary.txt"].lower()
    assert "empty" in errors["c_empty.txt"].lower()
    assert "54,400,000 bytes" in errors["g_huge.txt"] and "limit" in errors["g_huge.txt"]
    assert "english" in errors["e_latin1.txt"].lower() or "language" in errors["e_latin1.txt"].lower()
    assert "skipped" in proc.stderr and "errors" in proc.stderr


def test_html_page_is_coded_from_its_main_text(batch_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, out = batch_run
    records = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    html = [r for r in records if "d_page" in r["doc_id"]]
    assert html, "the HTML article gave no events"
    assert not any("ARTICLE AD BOX" in r["sentence_text"] or "Advertisement" in r["sentence_text"] for r in html)


def test_csv_and_asserted_only(tmp_path: Path) -> None:
    text = tmp_path / "story.txt"
    text.write_text(
        "Russia did not attack Ukraine. Russia attacked Georgia. Iran could attack Israel.\n", encoding="utf-8"
    )
    proc = run("code", str(text), "--date", "2024-05-01", "--format", "csv", "--asserted-only")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(proc.stdout.splitlines()))
    assert [(r["source"], r["target"], r["modality"]) for r in rows] == [("RUS", "GEO", "asserted")]
    assert json.loads(rows[0]["trigger_span"]) == [7, 15]  # within "Russia attacked Georgia."
    every = run("code", str(text), "--date", "2024-05-01")
    modalities = sorted(json.loads(line)["modality"] for line in every.stdout.splitlines())
    assert modalities == ["asserted", "hypothetical", "negated"]


def test_workers_give_the_same_events_as_one_process(tmp_path: Path) -> None:
    one = run("code", str(EXAMPLES), "-o", str(tmp_path / "one.jsonl"))
    two = run("code", str(EXAMPLES), "--workers", "2", "-o", str(tmp_path / "two.jsonl"))
    assert one.returncode == 0 and two.returncode == 0, two.stderr
    a = (tmp_path / "one.jsonl").read_text().splitlines()
    b = (tmp_path / "two.jsonl").read_text().splitlines()
    assert len(a) > 20 and a == b


def test_user_gazetteer_adds_an_actor(tmp_path: Path) -> None:
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "countries:\n- {iso3: FRE, name: Freedonia, demonyms: [Freedonian], capitals: [Fredville]}\n", encoding="utf-8"
    )
    story = tmp_path / "story.txt"
    story.write_text("Freedonia accused Sylvania of spying. Fredville expelled Russian diplomats.\n", encoding="utf-8")
    proc = run("code", str(story), "--date", "2024-05-01", "--gazetteer", str(extra))
    found = {(r["source"], r["code"], r["target"]) for r in map(json.loads, proc.stdout.splitlines())}
    assert ("FREGOV", "161", "RUSGOV") in found  # the capital acts for the government
    assert any(src == "FRE" and code.startswith("11") for src, code, _ in found)


def test_bad_arguments_are_clear_errors(tmp_path: Path) -> None:
    proc = run("code", str(EXAMPLES), "--date", "yesterday")
    assert proc.returncode == 2 and "YYYY-MM-DD" in proc.stderr
    proc = run("code", str(tmp_path / "missing.txt"))
    assert proc.returncode == 1 and "missing.txt" in proc.stderr
