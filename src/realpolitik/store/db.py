"""The event store: documents, sentences, event mentions and deduplicated events.

``Store.open("events.duckdb")`` opens (or creates) a DuckDB file;
``Store.open("postgresql://user@host/db")`` a PostgreSQL database. Both run
the same DDL (:mod:`.schema`) and the same SQL, written with ``?``
placeholders; the only dialect difference is that psycopg wants ``%s``.

Crash safety: a document is written in one transaction together with its
sentences, its mentions and every event cluster it changes, and documents
whose content hash is stored are skipped before coding. A run killed at any
point leaves whole documents only, so running it again ends in the same
database as a run that was never interrupted (clusters depend only on the set
of mentions, see :mod:`.dedup`). One writer at a time.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence
from urllib.parse import urlsplit

import pandas as pd

from realpolitik.store import schema
from realpolitik.store.dedup import WINDOW_DAYS, Cluster, cluster, group_key
from realpolitik.store.errors import StoreBusy, StoreDamaged, StoreMissing, store_error, store_name
from realpolitik.store.gate import ReaderCheck, WriterGate
from realpolitik.types import Document, DocumentError, Event

if TYPE_CHECKING:
    from realpolitik.pipeline import Coder, Result

DEFAULT_DB = "realpolitik.duckdb"
POSTGRES_PREFIXES = ("postgresql://", "postgres://")
INSERT_CHUNK_ROWS = 500  # rows per INSERT statement (PostgreSQL takes at most 65,535 parameters)
SPANS = ("source", "target", "trigger", "location")

DOCUMENT_COLUMNS = ("content_hash", "doc_id", "source", "site", "doc_date", "title", "url", "text", "meta",
                    "ingested_at")
SENTENCE_COLUMNS = ("doc_hash", "sentence_index", "text", "start_char", "sentence_date", "date_source", "date_text")
MENTION_COLUMNS = (
    "mention_id", "doc_hash", "group_key", "event_id", "doc_id", "site", "sentence_index", "sentence_text",
    "source", "source_country", "source_role", "source_name", "source_text", "source_start", "source_end",
    "target", "target_country", "target_role", "target_name", "target_text", "target_start", "target_end",
    "code", "root_code", "event_name", "goldstein", "quad_class", "plover_type", "plover_mode",
    "modality", "modality_cue", "trigger_text", "trigger_start", "trigger_end", "event_date", "date_source",
    "date_text", "date_precision", "doc_date", "location", "location_country", "location_latitude",
    "location_longitude", "location_region", "location_precision", "location_start", "location_end", "confidence",
    "source_country_reason", "target_country_reason")
_PLACE_FIELDS = ("location", "location_country", "location_latitude", "location_longitude", "location_region",
                 "location_precision")
EVENT_COLUMNS = (
    "event_key", "group_key", "source", "source_country", "source_role", "target", "target_country",
    "target_role", "code", "root_code", "event_name", "goldstein", "quad_class", "plover_type", "plover_mode",
    "modality", "event_date", "last_date", "date_precision", *_PLACE_FIELDS, "num_mentions", "num_sources",
    "num_documents", "confidence", "mention_id")
# What ``Store.events`` returns, in order (a contract for the analysis code). The columns after doc_id
# come from the representative mention (its sentence, date expression, modality cue, document date).
EVENT_FRAME_COLUMNS = (
    "event_key", "event_date", "date_precision", "source", "source_country", "source_role", "source_name",
    "target", "target_country", "target_role", "target_name", "code", "root_code", "event_name", "goldstein",
    "quad_class", "plover_type", "plover_mode", "modality", "num_mentions", "num_sources", "num_documents",
    "confidence", "sentence_text", "source_text", "target_text", "trigger_text", "source_span", "target_span",
    "trigger_span", "doc_id", *_PLACE_FIELDS, "location_span", "event_id", "sentence_index", "date_source",
    "date_text", "modality_cue", "doc_date", "source_country_reason", "target_country_reason")
ACTOR_FRAME_COLUMNS = ("actor", "country", "role", "name", "as_source", "as_target", "total")
# Representative-mention fields an event row copies (dedup.Row keys beyond the clustering ones).
_REPRESENTATIVE_FIELDS = ("source", "source_country", "source_role", "target", "target_country", "target_role",
                          "root_code", "event_name", "goldstein", "quad_class", "plover_type", "plover_mode",
                          "modality", *_PLACE_FIELDS, "date_precision")
DATE_PRECISIONS = ("day", "month", "year", "decade")  # finest first

Progress = Callable[[str, str, "IngestStats"], None]  # (kind: stored|skipped|error, label, running totals)


@dataclass
class IngestStats:
    """What one ``Store.ingest`` call did."""

    new_documents: int = 0
    skipped_existing: int = 0  # already stored (same content hash), not coded again
    events: int = 0  # event mentions stored
    errors: int = 0  # items that could not be read or coded (recorded in the errors table)


SORTS = ("oldest", "newest", "reports")
_ORDER = {"oldest": "e.event_date NULLS LAST, e.event_key",
          "newest": "e.event_date DESC NULLS LAST, e.event_key",
          "reports": "e.num_mentions DESC, e.event_date DESC NULLS LAST, e.event_key"}
UNKNOWN_ACTOR = "---"  # the source of agentless events ("three civilians were killed")


def actor_filter(column: str, query: str) -> tuple[str, list[str]]:
    """SQL (and parameters) matching an actor query against ``column`` ("e.source" or "e.target").

    The one actor-matching rule of the store, case-insensitive: a query matches
    an actor whose country is the query ("RUS" matches RUS, RUSGOV, RUSMIL),
    whose code equals or starts with it ("RUSGOV"; "IGO" matches every IGO), or
    whose code is ``IGO`` + the query ("UNO" matches IGOUNO, the United Nations).
    """
    q = query.strip().upper()
    return f"({column}_country = ? OR starts_with({column}, ?) OR {column} = ?)", [q, q, "IGO" + q]


def site_of(document: Document) -> str:
    """Where a document was published, for counting distinct sources.

    The URL's host without ``www.``; else the source path without a JSONL line
    number (one file, one source); else ''.
    """
    host = urlsplit(document.url).hostname if document.url else None
    if host:
        return host.removeprefix("www.")
    return re.sub(r":\d+$", "", document.source or "")


DUCKDB_MEMORY_LIMIT = "512MB"  # beyond it DuckDB spills to a temporary directory
# How long opening a DuckDB file waits for another process's writing to end (REALPOLITIK_LOCK_WAIT overrides).
LOCK_WAIT_SECONDS = float(os.environ.get("REALPOLITIK_LOCK_WAIT", "10"))


class _Connection:
    """A DuckDB or psycopg connection behind the same few calls, in autocommit mode."""

    def __init__(self, url: str | Path, read_only: bool = False, conn: Any = None):
        self.postgres = str(url).startswith(POSTGRES_PREFIXES)
        self.url, self.read_only = str(url), read_only
        if conn is not None:  # a cursor of an open DuckDB connection (see ``cursor``)
            self._conn = conn
        elif self.postgres:
            import psycopg
            self._conn = psycopg.connect(str(url), autocommit=True, connect_timeout=10)
            if read_only:
                self._conn.execute("SET default_transaction_read_only = on")
        else:
            import duckdb
            # DuckDB caches up to 80 % of RAM by default; the store's working set is small
            self._conn = duckdb.connect(str(url), read_only=read_only, config={"memory_limit": DUCKDB_MEMORY_LIMIT})

    def cursor(self) -> _Connection:
        """A connection to the same DuckDB database for another thread (cheap; reads run in parallel)."""
        return _Connection(self.url, self.read_only, conn=self._conn.cursor())

    def interrupt(self) -> None:
        """Stop the query running on this connection, from another thread (it raises there)."""
        if self.postgres:
            self._conn.cancel_safe()
        else:
            self._conn.interrupt()

    def _sql(self, sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s") if self.postgres else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._conn.execute(self._sql(sql), params)

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert rows with multi-row VALUES statements (far faster than executemany on DuckDB)."""
        marks = f"({', '.join('?' * len(columns))})"
        for start in range(0, len(rows), INSERT_CHUNK_ROWS):
            chunk = rows[start:start + INSERT_CHUNK_ROWS]
            self.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([marks] * len(chunk))}",
                         [value for row in chunk for value in row])

    def fetch(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[tuple]]:
        """Column names and rows of a query."""
        cursor = self._conn.execute(self._sql(sql), params)
        return [d[0] for d in cursor.description], cursor.fetchall()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

    def close(self) -> None:
        self._conn.close()


class Store:
    """Coded events of many documents, deduplicated across stories, queryable as DataFrames."""

    def __init__(self, connection: _Connection, window_days: int):
        self._db = connection
        self.window_days = window_days
        self._gate: WriterGate | None = None

    @classmethod
    def open(cls, url: str | Path = DEFAULT_DB, window_days: int | None = None, read_only: bool = False,
             wait: float = LOCK_WAIT_SECONDS) -> Store:
        """Open or create a store: a DuckDB file path, or a ``postgresql://`` URL.

        `read_only` opens an existing store for queries only: it never changes the
        file (so a store on a read-only medium can be queried) and shares a DuckDB
        file with other readers. A DuckDB file another process writes is waited
        for up to `wait` seconds (writers take turns through :mod:`.gate`).
        Storage problems raise :class:`~.errors.StoreError` with a one-line message.
        The dedup window is fixed when the store is created (default
        :data:`~realpolitik.store.dedup.WINDOW_DAYS`); opening it with another raises ValueError.
        """
        postgres = str(url).startswith(POSTGRES_PREFIXES)
        if not postgres and not Path(url).parent.is_dir():
            raise StoreMissing(f"{Path(url).parent}: no such folder; create it, or give --db a file in an "
                               "existing folder")
        gate = None if postgres or read_only else WriterGate(url)
        if gate is not None and not gate.acquire(wait):
            raise StoreBusy(f"{url} is being written by another process; run this again when it has finished "
                            "(a DuckDB file takes one writer at a time)")
        try:
            db = _connect(url, read_only, time.monotonic() + wait)
            try:
                meta = _prepare(db, read_only, window_days)
            except BaseException:
                db.close()
                raise
        except Exception as exc:
            if gate is not None:
                gate.release()
            problem = store_error(exc, str(url))
            if problem is None:
                raise
            raise problem from None
        store = cls(db, int(meta["window_days"]))
        store._gate = gate
        if meta["schema_version"] != schema.SCHEMA_VERSION:
            store.close()
            raise ValueError(f"{url}: store schema version {meta['schema_version']}, "
                             f"this realpolitik reads version {schema.SCHEMA_VERSION}")
        if window_days is not None and window_days != store.window_days:
            store.close()
            raise ValueError(f"{url}: store was built with a {store.window_days}-day dedup window, "
                             f"not {window_days}")
        return store

    def close(self) -> None:
        self._db.close()
        if self._gate is not None:
            self._gate.release()
            self._gate = None

    def cursor(self) -> Store:
        """The same DuckDB store for another thread: queries on views of one connection run in parallel."""
        return Store(self._db.cursor(), self.window_days)

    def interrupt(self) -> None:
        """Stop the query this store runs (from another thread: the query raises there)."""
        self._db.interrupt()

    def version(self) -> str:
        """Changes whenever a document is stored (documents are only ever added, each in one transaction)."""
        count, last = self._db.fetch("SELECT COUNT(*), MAX(ingested_at) FROM documents")[1][0]
        return f"{count}:{last}"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ----------------------------------------------------------------

    def ingest(self, items: Iterable[Document | DocumentError], pipeline: Coder | None = None,
               workers: int = 1, gazetteer_files: Sequence[str | Path] = (),
               lexicon_files: Sequence[str | Path] = (), progress: Progress | None = None) -> IngestStats:
        """Code and store documents; idempotent. Read errors and coding errors go to the errors table.

        Documents already stored (by content hash) are skipped before coding.
        Coding uses `pipeline` when given, else ``run_parallel`` over `workers`
        processes (built only if there is something new to code).
        """
        from realpolitik.pipeline import run_parallel

        stats = IngestStats()
        report = progress or (lambda kind, label, totals: None)
        pending: set[str] = set()

        def fresh() -> Iterator[Document]:
            for item in items:
                if isinstance(item, DocumentError):
                    self._record_error(item)
                    stats.errors += 1
                    report("error", f"{item.source}: {item.error}", stats)
                elif item.content_hash in pending or self.has_document(item.content_hash):
                    stats.skipped_existing += 1
                    report("skipped", item.id, stats)
                else:
                    pending.add(item.content_hash)
                    yield item

        documents = fresh()
        first = next(documents, None)
        if first is None:
            return stats
        documents = chain([first], documents)
        results = (pipeline.run(documents) if pipeline is not None
                   else run_parallel(documents, workers, gazetteer_files, lexicon_files))
        for result in results:
            if result.error:
                self._record_error(result.error)
                stats.errors += 1
                report("error", f"{result.error.source}: {result.error.error}", stats)
                continue
            stored = self._write(result)
            if stored is None:
                stats.skipped_existing += 1
                report("skipped", result.document.id, stats)
            else:
                stats.new_documents += 1
                stats.events += stored
                report("stored", f"{result.document.id} ({stored} event mentions)", stats)
        return stats

    def has_document(self, content_hash: str) -> bool:
        """Whether a document with this content hash is stored."""
        return bool(self._db.fetch("SELECT 1 FROM documents WHERE content_hash = ?", [content_hash])[1])

    def _record_error(self, error: DocumentError) -> None:
        key = _hash(f"{error.source}|{error.doc_id or ''}|{error.error}")
        self._db.execute("INSERT INTO errors (error_key, source, doc_id, error, seen_at) VALUES (?, ?, ?, ?, ?) "
                         "ON CONFLICT (error_key) DO NOTHING",
                         [key, error.source, error.doc_id, error.error, _now()])

    def _write(self, result: Result) -> int | None:
        """Store one coded document and recluster what it touches, in one transaction; None if stored already."""
        doc, doc_hash = result.document, result.document.content_hash
        site = site_of(doc)
        mentions = {row["mention_id"]: row for row in (_mention_row(doc_hash, site, e) for e in result.events)}
        with self._db.transaction():
            if self.has_document(doc_hash):
                return None
            self._db.insert("documents", DOCUMENT_COLUMNS, [[
                doc_hash, doc.id, doc.source, site, doc.date, doc.title, doc.url, doc.text,
                json.dumps(doc.meta, sort_keys=True, ensure_ascii=False, default=str) if doc.meta else None,
                _now()]])
            self._db.insert("sentences", SENTENCE_COLUMNS, [
                (doc_hash, s.index, s.text, s.start, s.date, s.date_source, s.date_text) for s in result.sentences])
            self._db.insert("mentions", MENTION_COLUMNS, [[r[c] for c in MENTION_COLUMNS] for r in mentions.values()])
            if mentions:
                self._recluster(doc_hash, list(mentions.values()))
        return len(mentions)

    def _recluster(self, doc_hash: str, new: list[dict[str, Any]]) -> None:
        """Replace the clusters the new mentions can join by their groups' clusters recomputed.

        For each group, only clusters reaching within the window of a new
        mention's date are touched. With the new mentions they cover a date
        range that no other cluster of the group reaches, so reclustering that
        range alone gives the same result as reclustering the whole group.
        Undated mentions cluster within their own document only.
        """
        window = timedelta(days=self.window_days)
        dates: dict[str, list[date]] = {}
        for row in new:
            if row["event_date"] is not None:
                dates.setdefault(row["group_key"], []).append(row["event_date"])
        touched: list[tuple] = []
        if dates:
            _, touched = self._db.fetch(
                "SELECT group_key, event_key, event_date, last_date FROM events e WHERE "
                + " OR ".join(["(group_key = ? AND event_date <= ? AND last_date >= ?)"] * len(dates)),
                [v for g, ds in dates.items() for v in (g, max(ds) + window, min(ds) - window)])
        for group, _, first, last in touched:
            dates[group] += [first, last]
        ranges = ["(m.group_key = ? AND m.event_date BETWEEN ? AND ?)"] * len(dates)
        rows = self._cluster_rows(" OR ".join(ranges + ["(m.doc_hash = ? AND m.event_date IS NULL)"]),
                                  [v for g, ds in dates.items() for v in (g, min(ds), max(ds))] + [doc_hash])
        by_group: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            by_group.setdefault(row["group_key"], []).append(row)
        clusters = [(g, c) for g in sorted(by_group) for c in cluster(g, by_group[g], self.window_days)]
        stale = [key for _, key, _, _ in touched]
        if stale:
            marks = ", ".join("?" * len(stale))
            self._db.execute(f"DELETE FROM event_mentions WHERE event_key IN ({marks})", stale)
            self._db.execute(f"DELETE FROM events WHERE event_key IN ({marks})", stale)
        members = {row["mention_id"]: row for row in rows}
        self._db.insert("events", EVENT_COLUMNS, [_event_row(g, c, members) for g, c in clusters])
        self._db.insert("event_mentions", ("mention_id", "event_key"),
                        [(m, c.event_key) for _, c in clusters for m in c.mention_ids])

    def _cluster_rows(self, where: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        fields = ", ".join(f"m.{f}" for f in _REPRESENTATIVE_FIELDS)
        columns, rows = self._db.fetch(
            f"SELECT m.mention_id, m.group_key, m.doc_hash, m.site, m.event_date, m.code, m.confidence, {fields} "
            f"FROM mentions m WHERE {where}", params)
        return [dict(zip(columns, row)) for row in rows]

    # -- reading ----------------------------------------------------------------

    def events(self, actor: str | None = None, target: str | None = None, dyad: tuple[str, str] | None = None,
               code: str | None = None, quad_class: int | None = None, since: date | None = None,
               until: date | None = None, modalities: Sequence[str] | None = ("asserted",),
               text: str | None = None, limit: int | None = None, offset: int = 0,
               require_source: bool = False, mention: str | None = None,
               bbox: tuple[float, float, float, float] | None = None, sort: str = "oldest") -> pd.DataFrame:
        """Deduplicated events matching every filter given (columns: ``EVENT_FRAME_COLUMNS``).

        `actor` / `target` match the source / target by :func:`actor_filter`;
        `dyad` (A, B) matches A→B and B→A; `code` is a CAMEO prefix ("07"
        matches 07x); `since` / `until` bound the event date, inclusive;
        `modalities` None means all; `text` is a case-insensitive substring of
        any mention's sentence; `require_source` leaves out agentless events (source ``---``);
        `mention` is the ``event_id`` of a coded mention (``realpolitik code``): the event it is part of;
        `bbox` (west, south, east, north) keeps events placed inside it.
        `sort` is one of :data:`SORTS`: oldest first (the default), newest first, or most reported first.
        """
        where, params = _event_filters(actor, target, dyad, code, quad_class, since, until, modalities, text,
                                       require_source, mention, bbox)
        frame = pd.DataFrame(self._event_records(where, params, limit, offset, sort), columns=EVENT_FRAME_COLUMNS)
        for column in ("event_date", "doc_date"):
            frame[column] = pd.to_datetime(frame[column])
        return frame

    def count_events(self, actor: str | None = None, target: str | None = None,
                     dyad: tuple[str, str] | None = None, code: str | None = None, quad_class: int | None = None,
                     since: date | None = None, until: date | None = None,
                     modalities: Sequence[str] | None = ("asserted",), text: str | None = None,
                     require_source: bool = False, mention: str | None = None,
                     bbox: tuple[float, float, float, float] | None = None) -> int:
        """How many events ``events`` would return with these filters and no limit."""
        where, params = _event_filters(actor, target, dyad, code, quad_class, since, until, modalities, text,
                                       require_source, mention, bbox)
        return int(self._db.fetch(f"SELECT COUNT(*) FROM events e WHERE {where}", params)[1][0][0])

    def event_filter_sql(self, **filters: Any) -> tuple[str, list[Any]]:
        """The WHERE clause over ``events e`` (and its parameters) that ``events`` uses for these filters,
        for aggregate queries of one's own through :meth:`query`."""
        return _event_filters(**filters)

    def event(self, event_key: str) -> dict[str, Any] | None:
        """One event as a dict (the columns of ``events``; event_date a date), whatever its modality."""
        records = self._event_records("e.event_key = ?", [event_key])
        return records[0] if records else None

    def mentions(self, event_key: str) -> pd.DataFrame:
        """Every mention of an event with its document's id, source, site, url, title and date, oldest first."""
        fields = ", ".join(f"m.{c}" for c in MENTION_COLUMNS if c != "group_key")
        columns, rows = self._db.fetch(
            f"SELECT {fields}, d.source AS doc_source, d.url, d.title "
            "FROM event_mentions em JOIN mentions m ON m.mention_id = em.mention_id "
            "JOIN documents d ON d.content_hash = m.doc_hash WHERE em.event_key = ? "
            "ORDER BY m.event_date NULLS LAST, m.mention_id", [event_key])
        frame = pd.DataFrame([_with_spans(dict(zip(columns, row))) for row in rows],
                             columns=list(_with_spans(dict.fromkeys(columns))))
        frame["event_date"] = pd.to_datetime(frame["event_date"])
        return frame

    def actors(self, modalities: Sequence[str] | None = ("asserted",)) -> pd.DataFrame:
        """Every actor of the stored events: code, country, role, commonest name, events as source / target.

        The unknown source of agentless events (``---``) is not an actor and is left out.
        """
        where, params = _event_filters(modalities=modalities, require_source=True)
        sides = ("SELECT e.{side} AS actor, e.{side}_country AS country, e.{side}_role AS role, "
                 "m.{side}_name AS name, {src} AS as_source, {tgt} AS as_target FROM events e "
                 "JOIN mentions m ON m.mention_id = e.mention_id WHERE e.{side} IS NOT NULL AND " + where)
        columns, rows = self._db.fetch(
            f"WITH sides AS ({sides.format(side='source', src=1, tgt=0)} "
            f"UNION ALL {sides.format(side='target', src=0, tgt=1)}), "
            "names AS (SELECT actor, name, ROW_NUMBER() OVER (PARTITION BY actor ORDER BY COUNT(*) DESC, name) "
            "AS name_rank FROM sides GROUP BY actor, name) "
            "SELECT s.actor, MAX(s.country) AS country, MAX(s.role) AS role, n.name, "
            "SUM(s.as_source) AS as_source, SUM(s.as_target) AS as_target, COUNT(*) AS total "
            "FROM sides s JOIN names n ON n.actor = s.actor AND n.name_rank = 1 "
            "GROUP BY s.actor, n.name ORDER BY total DESC, s.actor", params * 2)
        frame = pd.DataFrame(rows, columns=columns)
        for column in ("as_source", "as_target", "total"):
            frame[column] = frame[column].astype("int64")
        return frame

    def query(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Any SQL over the store's tables (``?`` placeholders on both engines) as a DataFrame."""
        columns, rows = self._db.fetch(sql, params)
        return pd.DataFrame(rows, columns=columns)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[tuple]]:
        """Like :meth:`query`, as column names and plain Python rows (no pandas dtype guessing)."""
        return self._db.fetch(sql, params)

    def _event_records(self, where: str, params: list[Any], limit: int | None = None,
                       offset: int = 0, sort: str = "oldest") -> list[dict[str, Any]]:
        """Rows of ``events e`` joined to their representative mention, as dicts keyed by EVENT_FRAME_COLUMNS."""
        spans = ", ".join(f"m.{s}_start, m.{s}_end" for s in SPANS)
        places = ", ".join(f"e.{f}" for f in _PLACE_FIELDS)
        page = (" LIMIT ?" if limit is not None else "") + (" OFFSET ?" if offset else "")
        page_params = ([limit] if limit is not None else []) + ([offset] if offset else [])
        columns, rows = self._db.fetch(
            "SELECT e.event_key, e.event_date, e.date_precision, e.source, e.source_country, e.source_role, "
            "m.source_name, e.target, e.target_country, e.target_role, m.target_name, e.code, e.root_code, "
            "e.event_name, e.goldstein, e.quad_class, e.plover_type, e.plover_mode, e.modality, e.num_mentions, "
            "e.num_sources, e.num_documents, e.confidence, m.sentence_text, m.source_text, m.target_text, "
            f"m.trigger_text, {spans}, m.doc_id, {places}, m.event_id, m.sentence_index, m.date_source, "
            "m.date_text, m.modality_cue, m.doc_date, m.source_country_reason, m.target_country_reason "
            "FROM events e JOIN mentions m ON m.mention_id = e.mention_id "
            f"WHERE {where} ORDER BY {_ORDER[sort]}{page}", params + page_params)
        records = [_with_spans(dict(zip(columns, row))) for row in rows]
        return [{c: r[c] for c in EVENT_FRAME_COLUMNS} for r in records]


def _connect(url: str | Path, read_only: bool, deadline: float) -> _Connection:
    """A connection, retried until `deadline` while another process holds the DuckDB file."""
    readers = None if str(url).startswith(POSTGRES_PREFIXES) else ReaderCheck(url)
    try:
        while True:
            busy = readers is not None and read_only and readers.writer_waiting()
            if not busy:
                try:
                    return _Connection(url, read_only)
                except Exception as exc:
                    if not isinstance(store_error(exc, str(url)), StoreBusy) or time.monotonic() >= deadline:
                        raise
            elif time.monotonic() >= deadline:
                raise StoreBusy(f"{url} is being written by another process; run this again when it has "
                                "finished (a DuckDB file takes no readers while it is written)")
            time.sleep(0.05)
    finally:
        if readers is not None:
            readers.close()


def _prepare(db: _Connection, read_only: bool, window_days: int | None) -> dict[str, str]:
    """Create the tables (unless read-only) and return the store's meta (schema version, window)."""
    if read_only:
        try:
            return dict(db.fetch("SELECT key, value FROM store_meta")[1])
        except Exception as exc:
            if "store_meta" in str(exc):
                raise StoreDamaged(f"{store_name(db.url)} is not a realpolitik store (no store_meta table); "
                                   "give --db a store `realpolitik ingest` wrote, or fill this one with it first"
                                   ) from None
            raise
    with db.transaction():
        for statement in schema.statements():
            db.execute(statement)
        meta = dict(db.fetch("SELECT key, value FROM store_meta")[1])
        if not meta:
            meta = {"schema_version": schema.SCHEMA_VERSION,
                    "window_days": str(window_days if window_days is not None else WINDOW_DAYS)}
            db.insert("store_meta", ("key", "value"), sorted(meta.items()))
    return meta


def _event_filters(actor: str | None = None, target: str | None = None, dyad: tuple[str, str] | None = None,
                   code: str | None = None, quad_class: int | None = None, since: date | None = None,
                   until: date | None = None, modalities: Sequence[str] | None = ("asserted",),
                   text: str | None = None, require_source: bool = False,
                   mention: str | None = None,
                   bbox: tuple[float, float, float, float] | None = None) -> tuple[str, list[Any]]:
    """A WHERE clause over ``events e`` (and its parameters) for the filters of ``Store.events``."""
    clauses: list[str] = ["1 = 1"]
    params: list[Any] = []

    def add(clause: str, values: Sequence[Any]) -> None:
        clauses.append(clause)
        params.extend(values)

    if actor:
        add(*actor_filter("e.source", actor))
    if target:
        add(*actor_filter("e.target", target))
    if dyad:
        (a_src, a), (b_tgt, b) = actor_filter("e.source", dyad[0]), actor_filter("e.target", dyad[1])
        (b_src, b2), (a_tgt, a2) = actor_filter("e.source", dyad[1]), actor_filter("e.target", dyad[0])
        add(f"(({a_src} AND {b_tgt}) OR ({b_src} AND {a_tgt}))", a + b + b2 + a2)
    if code:
        add("starts_with(e.code, ?)", [code])
    if quad_class is not None:
        add("e.quad_class = ?", [quad_class])
    if since:
        add("e.event_date >= ?", [since])
    if until:
        add("e.event_date <= ?", [until])
    if modalities is not None:
        add(f"e.modality IN ({', '.join('?' * len(modalities))})" if modalities else "1 = 0", list(modalities))
    if require_source:
        add("e.source <> ?", [UNKNOWN_ACTOR])
    if text:
        add("EXISTS (SELECT 1 FROM event_mentions em JOIN mentions t ON t.mention_id = em.mention_id "
            "WHERE em.event_key = e.event_key AND strpos(lower(t.sentence_text), ?) > 0)", [text.lower()])
    if bbox:
        west, south, east, north = bbox
        add("e.location_latitude BETWEEN ? AND ?", [south, north])
        if west <= east:
            add("e.location_longitude BETWEEN ? AND ?", [west, east])
        else:  # a box across the antimeridian
            add("(e.location_longitude >= ? OR e.location_longitude <= ?)", [west, east])
    if mention:
        add("EXISTS (SELECT 1 FROM event_mentions em JOIN mentions t ON t.mention_id = em.mention_id "
            "WHERE em.event_key = e.event_key AND t.event_id = ?)", [mention])
    return " AND ".join(clauses), params


def _mention_row(doc_hash: str, site: str, event: Event) -> dict[str, Any]:
    """A mentions-table row for one coded event: ``Event.to_dict`` with spans split and dates as dates."""
    row = event.to_dict()
    for name in SPANS:
        span = row.pop(f"{name}_span")
        row[f"{name}_start"], row[f"{name}_end"] = span if span else (None, None)
    row.update(mention_id=_hash(f"{doc_hash}|{event.event_id}"), doc_hash=doc_hash, site=site,
               group_key=group_key(row["source"], row["target"], row["root_code"], row["modality"]),
               event_date=event.event_date, doc_date=event.doc_date)
    return row


def _event_row(group: str, c: Cluster, members: dict[str, dict[str, Any]]) -> list[Any]:
    rep = c.representative
    values = {**{f: rep[f] for f in _REPRESENTATIVE_FIELDS}, "event_key": c.event_key, "group_key": group,
              "code": c.code, "event_date": c.first_date, "last_date": c.last_date,
              "date_precision": _first_date_precision(c, members),
              "num_mentions": len(c.mention_ids), "num_sources": c.num_sources,
              "num_documents": c.num_documents, "confidence": c.confidence, "mention_id": rep["mention_id"]}
    return [values[column] for column in EVENT_COLUMNS]


def _first_date_precision(c: Cluster, members: dict[str, dict[str, Any]]) -> str | None:
    """The finest precision among the mentions dated on the cluster's first date (None when undated)."""
    if c.first_date is None:
        return None
    found = {members[m]["date_precision"] for m in c.mention_ids if members[m]["event_date"] == c.first_date}
    return next((p for p in DATE_PRECISIONS if p in found), "day")


def _with_spans(record: dict[str, Any]) -> dict[str, Any]:
    """Replace ``x_start`` / ``x_end`` pairs of a row by one ``x_span``: [start, end] or None."""
    for name in SPANS:
        if f"{name}_start" in record:
            start, end = record.pop(f"{name}_start"), record.pop(f"{name}_end")
            record[f"{name}_span"] = None if start is None else [start, end]
    return record


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _now() -> datetime:
    """The current UTC time, naive (TIMESTAMP columns)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
