"""The event store on DuckDB; tests/test_store_postgres.py runs the shared tests on PostgreSQL.

Shared tests get stores from the ``store_url_factory`` fixture, which the
PostgreSQL module overrides. Coding goes through the real pipeline, once per
distinct document per session (``CODER``).
"""

from __future__ import annotations

import csv
import io
import json
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realpolitik.cli.main import main
from realpolitik.jobs.ingest import IngestStats, ingest
from realpolitik.pipeline import Result, default_pipeline
from realpolitik.readers.files import read_paths
from realpolitik.store import WINDOW_DAYS, EventFilter, Store
from realpolitik.store.db import ACTOR_FRAME_COLUMNS, EVENT_FRAME_COLUMNS, _Connection
from realpolitik.store.dedup import chains, cluster, event_key, group_key
from realpolitik.types import Document

WIKINEWS = Path(__file__).resolve().parents[1] / "examples" / "wikinews.jsonl"
TABLES = ("store_meta", "documents", "sentences", "mentions", "events", "event_mentions", "errors")

# Three wordings of one event (Putin's praise for North Korea's support, June 2024): RUSGOV -> PRK, CAMEO 051.
PRAISED = (
    "Russian President Vladimir Putin praised North Korea for its support of the war in Ukraine. "
    "The visit was his first to the country in 24 years."
)
THANKED = "Putin thanked North Korea for supporting Russia's war in Ukraine."
COMMENDED = "Vladimir Putin commended North Korea for standing with Moscow over Ukraine."
JUNE_19 = date(2024, 6, 19)


class CachedCoder:
    """The real pipeline, coding each distinct document once per test session."""

    def __init__(self) -> None:
        self.results: dict[tuple, Result] = {}

    def run(self, documents: Iterable[Document]) -> Iterator[Result]:
        docs = list(documents)
        missing = [d for d in docs if self._key(d) not in self.results]
        for result in default_pipeline().run(missing):
            self.results[self._key(result.document)] = result
        for doc in docs:
            cached = self.results[self._key(doc)]
            yield Result(doc, cached.mentions, cached.sentences, cached.error)

    @staticmethod
    def _key(doc: Document) -> tuple:
        return doc.id, doc.text, doc.date


class NoCoding:
    """A pipeline that fails the test if anything reaches it."""

    def run(self, documents: Iterable[Document]) -> Iterator[Result]:
        for doc in documents:
            pytest.fail(f"{doc.id} was coded although it is stored")
            yield


CODER = CachedCoder()


@pytest.fixture(scope="module")
def store_url_factory(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], str]:
    """Makes the location of a new, empty store."""
    return lambda: str(tmp_path_factory.mktemp("store") / "events.duckdb")


@pytest.fixture
def store(store_url_factory: Callable[[], str]) -> Iterator[Store]:
    with Store.open(store_url_factory()) as opened:
        yield opened


@pytest.fixture(scope="module")
def wikinews_store(store_url_factory: Callable[[], str]) -> Iterator[Store]:
    with Store.open(store_url_factory()) as opened:
        ingest(opened, read_paths([WIKINEWS]), pipeline=CODER)
        yield opened


def news(doc_id: str, text: str, day: date, url: str) -> Document:
    return Document(id=doc_id, text=text, date=day, url=url, source=f"{doc_id}.txt")


def dump(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, without the ingested_at / seen_at timestamps."""
    tables = {}
    for table in TABLES:
        frame = store.query(f"SELECT * FROM {table}").drop(columns=["ingested_at", "seen_at"], errors="ignore")
        tables[table] = sorted(frame.astype(str).itertuples(index=False, name=None))
    return tables


def copies(n: int) -> list[dict]:
    """n short variants of the Wikinews articles (first three sentences), dated 1 to n/6 days later."""
    articles = [json.loads(line) for line in WIKINEWS.read_text(encoding="utf-8").splitlines()]
    records = []
    for i in range(n):
        article = articles[i % len(articles)]
        lead = " ".join(re.split(r"(?<=[.!?])\s+", article["text"])[:3])
        day = date.fromisoformat(article["date"]) + timedelta(days=1 + i // len(articles))
        records.append(
            {
                "id": f"{article['id']}-copy{i}",
                "date": day.isoformat(),
                "text": f"{lead} (Copy {i}.)",
                "url": article.get("url"),
            }
        )
    return records


# -- ingest ---------------------------------------------------------------------


def test_reingest_adds_nothing_and_codes_nothing(store: Store) -> None:
    first = ingest(store, read_paths([WIKINEWS]), pipeline=CODER)
    assert (first.new_documents, first.skipped_existing, first.errors) == (6, 0, 0)
    assert first.mentions == len(store.query("SELECT * FROM mentions")) > 40
    before = dump(store)
    again = ingest(store, read_paths([WIKINEWS]), pipeline=NoCoding())
    assert again == IngestStats(new_documents=0, skipped_existing=6, mentions=0, errors=0)
    assert dump(store) == before


def test_same_event_in_two_documents_is_one_event(store: Store) -> None:
    ingest(
        store,
        [
            news("reuters-1", PRAISED, JUNE_19, "https://www.reuters.com/world/putin-kim"),
            news("ap-7", THANKED, JUNE_19 + timedelta(days=1), "https://apnews.com/article/putin"),
        ],
        pipeline=CODER,
    )
    praise = store.events(EventFilter(actor="RUSGOV", target="PRK", code="05"))
    assert len(praise) == 1
    event = praise.iloc[0]
    assert (event.num_mentions, event.num_documents, event.num_sources) == (2, 2, 2)
    assert (event.code, event.event_date) == ("051", pd.Timestamp(JUNE_19))
    mentions = store.mentions(event.event_key)
    assert sorted(mentions.doc_id) == ["ap-7", "reuters-1"]
    assert sorted(mentions.trigger_text) == ["praised", "thanked"]
    assert sorted(mentions.site) == ["apnews.com", "reuters.com"]
    assert list(mentions.event_date) == [pd.Timestamp(JUNE_19), pd.Timestamp(JUNE_19 + timedelta(days=1))]
    assert store.event(event.event_key)["num_mentions"] == 2


# The tables as realpolitik's first store schema made them, and the columns schema 2 renamed (new -> old name)
SCHEMA_1 = Path(__file__).parent / "fixtures" / "schema_v1.sql"
SCHEMA_1_NAMES = {
    "mentions": {"mention_key": "mention_id", "mention_id": "event_id"},
    "events": {"mention_key": "mention_id"},
    "event_mentions": {"mention_key": "mention_id"},
}


def as_schema_1(source: Store, url: str) -> None:
    """Write `source` at `url` as a store of schema version 1: that release's DDL, the same rows under its names."""
    db = _Connection(url)
    ddl = [s for s in SCHEMA_1.read_text(encoding="utf-8").split(";") if s.strip()]
    for statement in ddl:
        db.execute(statement)
    for table in TABLES:
        names = SCHEMA_1_NAMES.get(table, {})
        (created,) = [s for s in ddl if re.search(rf"CREATE TABLE IF NOT EXISTS {table} \(", s)]
        kept = [i for i, c in enumerate(source.table_columns(table)) if re.search(rf"\b{names.get(c, c)}\b", created)]
        columns = [names.get(c, c) for c in (source.table_columns(table)[i] for i in kept)]  # later columns left out
        rows = [tuple(row[i] for i in kept) for chunk in source.table_rows(table) for row in chunk]
        if table == "store_meta":
            rows = [(k, "1" if k == "schema_version" else v) for k, v in rows]
        db.insert(table, columns, rows)
    db.close()


def test_a_store_of_schema_1_is_upgraded_on_opening_and_goes_on_as_a_new_one(
    store: Store, store_url_factory: Callable[[], str]
) -> None:
    first = [
        news("reuters-1", PRAISED, JUNE_19, "https://www.reuters.com/world/putin-kim"),
        news("ap-7", THANKED, JUNE_19 + timedelta(days=1), "https://apnews.com/article/putin"),
    ]
    ingest(store, first, pipeline=CODER)
    old = store_url_factory()
    as_schema_1(store, old)
    with Store.open(old, read_only=True) as upgraded:  # a reader upgrades it too (once)
        assert dump(upgraded) == dump(store)
        praise = upgraded.events(EventFilter(actor="RUSGOV", target="PRK", code="05"))
        assert list(praise.num_mentions) == [2]
        mention = upgraded.mentions(praise.event_key[0]).iloc[0]
        assert list(upgraded.events(EventFilter(mention=mention.mention_id)).event_key) == [praise.event_key[0]]
    later = [news("tass-3", COMMENDED, JUNE_19 + timedelta(days=2), "https://tass.example/putin")]
    with Store.open(old) as reopened:
        ingest(reopened, later, pipeline=CODER)  # clustered with the mentions stored before the upgrade
        ingest(store, later, pipeline=CODER)
        assert dump(reopened) == dump(store)
        assert list(reopened.events(EventFilter(actor="RUSGOV", target="PRK", code="05")).num_mentions) == [3]


def test_reports_ten_days_apart_are_two_events(store: Store) -> None:
    ingest(
        store,
        [
            news("reuters-1", PRAISED, JUNE_19, "https://www.reuters.com/a"),
            news("ap-7", THANKED, JUNE_19 + timedelta(days=10), "https://apnews.com/b"),
        ],
        pipeline=CODER,
    )
    praise = store.events(EventFilter(actor="RUSGOV", target="PRK", code="051"))
    assert list(praise.num_mentions) == [1, 1]
    assert list(praise.event_date) == [pd.Timestamp(JUNE_19), pd.Timestamp(JUNE_19 + timedelta(days=10))]


def test_a_report_in_between_merges_two_events(store: Store) -> None:
    ingest(
        store,
        [
            news("a", PRAISED, JUNE_19, "https://www.reuters.com/a"),
            news("c", COMMENDED, JUNE_19 + timedelta(days=6), "https://www.bbc.co.uk/c"),
        ],
        pipeline=CODER,
    )
    assert store.count_events(EventFilter(actor="RUSGOV", code="051")) == 2
    ingest(store, [news("b", THANKED, JUNE_19 + timedelta(days=3), "https://apnews.com/b")], pipeline=CODER)
    [key] = store.events(EventFilter(actor="RUSGOV", code="051")).event_key
    assert store.event(key)["num_mentions"] == 3 and store.event(key)["num_sources"] == 3
    group = group_key("RUSGOV", "PRK", "05", "asserted")
    assert store.query("SELECT event_key FROM events WHERE group_key = ?", [group]).event_key.tolist() == [key]
    assert len(store.query("SELECT * FROM event_mentions WHERE event_key = ?", [key])) == 3


def test_result_does_not_depend_on_ingest_order(store_url_factory: Callable[[], str], tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        WIKINEWS.read_text(encoding="utf-8") + "".join(json.dumps(r) + "\n" for r in copies(12)), encoding="utf-8"
    )
    docs = list(read_paths([corpus]))
    with Store.open(store_url_factory()) as forward, Store.open(store_url_factory()) as shuffled:
        ingest(forward, docs, pipeline=CODER)
        ingest(shuffled, docs[::-2], pipeline=CODER)
        ingest(shuffled, docs[::-1], pipeline=CODER)
        assert dump(forward) == dump(shuffled)
        assert forward.query("SELECT MAX(num_documents) AS n FROM events").n[0] > 1


def test_errors_are_recorded_once(store: Store, tmp_path: Path) -> None:
    corpus = tmp_path / "mixed.jsonl"
    corpus.write_text(
        json.dumps({"id": "ok", "date": "2024-06-19", "text": THANKED})
        + "\n"
        + json.dumps({"id": "broken", "text": 5})
        + "\n",
        encoding="utf-8",
    )
    for _ in range(2):
        assert ingest(store, read_paths([corpus]), pipeline=CODER).errors == 1
    errors = store.query("SELECT source, doc_id, error FROM errors")
    assert errors.values.tolist() == [[f"{corpus}:2", "broken", "'text' must be a string, got int"]]
    assert store.query("SELECT doc_id FROM documents").doc_id.tolist() == ["ok"]


def test_killed_ingest_rerun_matches_uninterrupted_run(store_url_factory: Callable[[], str], tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    lines = [json.dumps(record) for record in copies(24)]
    corpus.write_text("\n".join(lines + ['{"id": "broken", "text": 5}']) + "\n", encoding="utf-8")
    killed, clean = store_url_factory(), store_url_factory()
    command = [sys.executable, "-m", "realpolitik.cli.main", "ingest", str(corpus), "--db", killed, "--verbose"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(120, process.kill)
    watchdog.start()
    try:
        for line in process.stderr:  # killed right after the first document is committed
            if line.startswith("stored "):
                process.send_signal(signal.SIGKILL)
                break
        process.wait()
    finally:
        watchdog.cancel()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    with Store.open(killed) as partial:  # whole batches only (tests/test_store_writes.py kills inside one)
        assert 0 < len(partial.query("SELECT doc_id FROM documents")) <= len(lines)
    assert main(["ingest", str(corpus), "--db", killed]) == 1  # 1: the broken line
    assert main(["ingest", str(corpus), "--db", clean]) == 1
    with Store.open(killed) as resumed, Store.open(clean) as uninterrupted:
        assert dump(resumed) == dump(uninterrupted)
        assert len(resumed.query("SELECT doc_id FROM documents")) == len(lines)


# -- queries ----------------------------------------------------------------------


def test_events_frame_contract(wikinews_store: Store) -> None:
    frame = wikinews_store.events()
    assert list(frame.columns) == list(EVENT_FRAME_COLUMNS)
    assert str(frame.event_date.dtype) == "datetime64[ns]"
    assert set(frame.modality) == {"asserted"}
    assert list(wikinews_store.events(EventFilter(actor="ZZZ")).columns) == list(EVENT_FRAME_COLUMNS)
    assert wikinews_store.count_events() == len(frame)
    putin = frame[(frame.source == "RUSGOV") & (frame.target == "IRN") & (frame.code == "030")].iloc[0]
    assert putin.source_name == "Vladimir Putin" and putin.trigger_text == "assured"
    assert putin.sentence_text[putin.trigger_span[0] : putin.trigger_span[1]] == "assured"
    assert putin.sentence_text[putin.source_span[0] : putin.source_span[1]] == "Vladimir Putin"


def test_actor_rule(wikinews_store: Store) -> None:
    everything = wikinews_store.events(EventFilter(modalities=None))
    russia = wikinews_store.events(EventFilter(actor="rus", modalities=None))
    assert set(russia.source) == {"RUS", "RUSGOV", "RUSMIL"}
    assert len(russia) == (everything.source_country == "RUS").sum()
    assert set(wikinews_store.events(EventFilter(actor="RUSGOV", modalities=None)).source) == {"RUSGOV"}
    un = wikinews_store.events(EventFilter(actor="UNO", modalities=None))
    assert set(un.source) == {"IGOUNO"} and len(un) == 2
    assert (
        un.event_key.tolist() == wikinews_store.events(EventFilter(actor="IGOUNO", modalities=None)).event_key.tolist()
    )
    assert set(wikinews_store.events(EventFilter(actor="IGO", modalities=None)).source) == {"IGOUNO", "IGOIAE"}
    # "reports of ... bombing Gori" (agentless); Latvia's prime minister is to visit Tbilisi
    assert set(wikinews_store.events(EventFilter(target="GEO")).source) == {"RUS", "LVAGOV", "---"}
    assert set(wikinews_store.events(EventFilter(target="GEO", require_source=True)).source) == {"RUS", "LVAGOV"}
    assert "---" not in set(wikinews_store.actors().actor)  # the unknown source is not an actor


def test_dyad_returns_both_directions(wikinews_store: Store) -> None:
    visits = wikinews_store.events(EventFilter(dyad=("RUS", "FRA"), modalities=None))
    assert sorted(zip(visits.source, visits.target, visits.code)) == [
        ("FRAGOV", "RUS", "042"),
        ("RUS", "FRAGOV", "043"),
    ]
    assert set(wikinews_store.events(EventFilter(dyad=("FRA", "RUS"), modalities=None)).event_key) == set(
        visits.event_key
    )
    assert wikinews_store.events(EventFilter(dyad=("RUS", "FRA"))).empty  # both visits are future events


def test_filters_match_a_pandas_reference(wikinews_store: Store) -> None:
    every = wikinews_store.events(EventFilter(modalities=None))
    checks = {
        (("code", "19"), ("modalities", None)): every.code.str.startswith("19"),
        (("code", "0871"), ("modalities", None)): every.code == "0871",
        (("quad_class", 4), ("modalities", None)): every.quad_class == 4,
        (("since", date(2008, 1, 1)), ("until", date(2008, 12, 31)), ("modalities", None)): every.event_date.between(
            pd.Timestamp(2008, 1, 1), pd.Timestamp(2008, 12, 31)
        ),
        (("modalities", ("future", "negated")),): every.modality.isin(["future", "negated"]),
        (("text", "NUCLEAR"), ("modalities", None)): every.event_key.map(  # any mention's sentence
            lambda key: wikinews_store.mentions(key).sentence_text.str.contains("nuclear", case=False).any()
        ),
        (): every.modality == "asserted",
    }
    for filters, expected in checks.items():
        got = wikinews_store.events(EventFilter(**dict(filters)))
        assert set(got.event_key) == set(every.event_key[expected]), filters
        assert wikinews_store.count_events(EventFilter(**dict(filters))) == expected.sum() > 0, filters


def test_pagination(wikinews_store: Store) -> None:
    keys = wikinews_store.events().event_key.tolist()
    assert wikinews_store.events(limit=5, offset=5).event_key.tolist() == keys[5:10]
    assert wikinews_store.events(limit=5).event_key.tolist() == keys[:5]


def test_event_and_mentions(wikinews_store: Store) -> None:
    said = wikinews_store.events(
        EventFilter(actor="RUSGOV", code="010", since=date(2007, 10, 17), until=date(2007, 10, 17))
    )
    record = wikinews_store.event(said.event_key[0])
    assert list(record) == list(EVENT_FRAME_COLUMNS) and record["num_mentions"] == 3
    assert record["event_date"] == date(2007, 10, 17) and record["doc_id"] == "wikinews-tosca-ID82573"
    mentions = wikinews_store.mentions(record["event_key"])
    assert len(mentions) == 3 and set(mentions.doc_id) == {"wikinews-tosca-ID82573"}
    assert set(mentions.title) == {"Putin promises to complete Iran's nuclear reactor"}
    assert {"mention_key", "doc_source", "url", "site", "sentence_text", "trigger_span"} <= set(mentions.columns)
    assert wikinews_store.event("no-such-key") is None


def test_actors(wikinews_store: Store) -> None:
    actors = wikinews_store.actors().set_index("actor")
    assert list(wikinews_store.actors().columns) == list(ACTOR_FRAME_COLUMNS)
    events = wikinews_store.events()
    for code in ("RUS", "RUSGOV", "IRN"):
        assert actors.loc[code, "as_source"] == (events.source == code).sum()
        assert actors.loc[code, "as_target"] == (events.target == code).sum()
    assert actors.loc["RUSGOV", "name"] == "Vladimir Putin" and actors.loc["RUSGOV", "country"] == "RUS"
    assert (actors.total == actors.as_source + actors.as_target).all()
    assert wikinews_store.actors(modalities=None).total.sum() > actors.total.sum()


# -- command line -------------------------------------------------------------------


def test_cli_ingest_events_actors(store_url_factory: Callable[[], str], capsys: pytest.CaptureFixture) -> None:
    db = store_url_factory()
    assert main(["ingest", str(WIKINEWS), "--db", db]) == 0
    assert "6 new documents, 0 already stored" in capsys.readouterr().err
    assert main(["ingest", str(WIKINEWS), "--db", db]) == 0
    assert "0 new documents, 6 already stored" in capsys.readouterr().err

    assert main(["events", "--db", db, "--actor", "RUS", "--code", "19", "--format", "jsonl"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {(r["source"], r["target"], r["code"], r["event_date"]) for r in records} >= {
        ("RUS", "GEO", "191", "2008-08-10"),
        ("RUSMIL", None, "195", "2008-08-12"),
    }
    assert all(r["source_country"] == "RUS" and r["code"].startswith("19") for r in records)

    assert main(["events", "--db", db, "--dyad", "RUS", "FRA", "--all-modalities", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert sorted(r["code"] for r in rows) == ["042", "043"] and rows[0]["modality"] == "future"
    assert list(rows[0]) == list(EVENT_FRAME_COLUMNS) and json.loads(rows[0]["trigger_span"]) == [157, 162]

    assert main(["events", "--db", db, "--since", "2008-08-10", "--until", "2008-08-10"]) == 0
    out, err = capsys.readouterr()
    assert "2008-08-10" in out and "RUS" in out and "GEO" in out and err.strip() == "1 of 1 events"

    assert main(["events", "--db", db, "--limit", "3", "--all-modalities"]) == 0
    assert re.fullmatch(r"3 of (\d+) events\n", capsys.readouterr().err)

    assert main(["actors", "--db", db, "--limit", "3"]) == 0
    out, err = capsys.readouterr()
    assert "IRN" in out and "Vladimir Putin" in out and err.startswith("3 of ")


def test_cli_query_without_store(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    missing = str(tmp_path / "none.duckdb")
    assert main(["events", "--db", missing]) == 2
    assert "no store at" in capsys.readouterr().err
    assert not Path(missing).exists()


# -- deduplication rules (pure functions) ------------------------------------------------


def test_chains_use_gaps_of_at_most_the_window() -> None:
    d = JUNE_19
    days = [d + timedelta(days=n) for n in (6, 0, 3, 10, 14, 18)]
    assert WINDOW_DAYS == 3
    assert chains(days) == [
        (d, d + timedelta(days=6)),
        (d + timedelta(days=10), d + timedelta(days=10)),
        (d + timedelta(days=14), d + timedelta(days=14)),
        (d + timedelta(days=18), d + timedelta(days=18)),
    ]
    assert chains(days, window=4) == [(d, d + timedelta(days=18))]


def _row(n: int, day: int | None, code: str = "051", confidence: float = 0.5, doc: int = 0) -> dict:
    return {
        "mention_key": f"m{n:02d}",
        "doc_hash": f"doc{doc}",
        "site": f"site{doc % 2}",
        "event_date": None if day is None else JUNE_19 + timedelta(days=day),
        "code": code,
        "confidence": confidence,
    }


def test_cluster_summary() -> None:
    rows = [
        _row(1, 0, "051", 0.9, doc=1),
        _row(2, 2, "057", 0.95, doc=2),
        _row(3, 3, "057", 0.6, doc=3),
        _row(4, 20, "050", doc=4),
        _row(5, None, doc=5),
        _row(6, None, doc=5),
        _row(7, None, doc=6),
    ]
    first, late, undated_5, undated_6 = sorted(
        cluster("G", rows), key=lambda c: (c.first_date or date.max, c.mention_keys)
    )
    assert first.code == "057" and first.representative["mention_key"] == "m02"  # most frequent code wins
    assert (first.first_date, first.last_date) == (JUNE_19, JUNE_19 + timedelta(days=3))
    assert (first.num_documents, first.num_sources, first.confidence) == (3, 2, 0.95)
    assert first.event_key == event_key("G", JUNE_19)
    assert late.mention_keys == ("m04",)
    assert undated_5.mention_keys == ("m05", "m06") and undated_6.mention_keys == ("m07",)
    assert undated_5.event_key == event_key("G", None, "doc5")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 30) | st.none(),
            st.sampled_from(["051", "057"]),
            st.sampled_from([0.5, 0.7, 0.9]),
            st.integers(0, 4),
        ),
        min_size=1,
        max_size=25,
    ),
    st.randoms(),
)
def test_clusters_do_not_depend_on_row_order(specs: list, random: object) -> None:
    rows = [_row(n, day, code, confidence, doc) for n, (day, code, confidence, doc) in enumerate(specs)]
    shuffled = list(rows)
    random.shuffle(shuffled)
    assert cluster("G", rows) == cluster("G", shuffled)
    assert sum(len(c.mention_keys) for c in cluster("G", rows)) == len(rows)


def test_window_is_fixed_when_the_store_is_created(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with Store.open(path, window_days=5) as created:
        assert created.window_days == 5
    with Store.open(path) as reopened:
        assert reopened.window_days == 5
    with pytest.raises(ValueError, match="5-day dedup window"):
        Store.open(path, window_days=3)
