"""The event store: documents, sentences, event mentions and deduplicated events.

``Store.open("events.duckdb")`` opens (or creates) a DuckDB file;
``Store.open("postgresql://user@host/db")`` a PostgreSQL database. Both run
the same DDL (:mod:`.schema`) and the same SQL, written with ``?``
placeholders; the only dialect difference is that psycopg wants ``%s``.

The store stores: it writes what was coded elsewhere (:meth:`Store.write`, a
batch of finished results and errors) and answers queries through its
methods; the SQL over its tables is written here and nowhere else. Coding,
batching and progress are the jobs' (:mod:`realpolitik.jobs.ingest`); the
store never runs the coder and imports no pipeline.

Crash safety: each :meth:`Store.write` is one transaction holding its
documents, their sentences, their mentions, its errors and every event
cluster it changes, and a document whose content hash is stored already is
skipped. A run killed at any point leaves whole writes only, so running it
again ends in the same database as a run that was never interrupted
(clusters depend only on the set of mentions, see :mod:`.dedup`).

Concurrency: a DuckDB file has one writing process at a time (DuckDB's own
file lock). A PostgreSQL store takes any number of writers: schema creation
and each write hold a transaction-scoped advisory lock, so writes happen
one after another, each seeing every write committed before it, and
the database ends as one sequential run over the same documents would leave it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import pandas as pd

from realpolitik.record import FIELDS, join_spans, stored_row
from realpolitik.store import schema
from realpolitik.store.dedup import WINDOW_DAYS, Cluster, cluster, group_key
from realpolitik.store.errors import StoreBusy, StoreDamaged, StoreMissing, store_error, store_name
from realpolitik.store.gate import ReaderCheck, WriterGate
from realpolitik.types import Document, DocumentError, EventMention, Sentence

DEFAULT_DB = "realpolitik.duckdb"
POSTGRES_PREFIXES = ("postgresql://", "postgres://")
WRITER_LOCK = 0x7265616C  # PostgreSQL advisory lock key the writers of one database take turns on ("real")
DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file
KEPT_MENTIONS = 50_000  # clustering rows a store keeps between writes (about 1 KB each) before starting afresh

DOCUMENT_COLUMNS = (
    "content_hash",
    "doc_id",
    "source",
    "site",
    "doc_date",
    "title",
    "url",
    "text",
    "meta",
    "ingested_at",
)
SENTENCE_COLUMNS = ("doc_hash", "sentence_index", "text", "start_char", "sentence_date", "date_source", "date_text")
MENTION_COLUMNS, EVENT_COLUMNS = schema.MENTION_COLUMNS, schema.EVENT_COLUMNS
_PLACE_FIELDS = tuple(f.name for f in FIELDS if f.event and f.name.startswith("location"))
# What ``Store.events`` returns, in order (a contract for the analysis code). The columns after doc_id
# come from the representative mention (its sentence, date expression, modality cue, document date).
EVENT_FRAME_COLUMNS = (
    "event_key",
    "event_date",
    "date_precision",
    "source",
    "source_country",
    "source_role",
    "source_name",
    "target",
    "target_country",
    "target_role",
    "target_name",
    "code",
    "root_code",
    "event_name",
    "goldstein",
    "quad_class",
    "plover_type",
    "plover_mode",
    "modality",
    "num_mentions",
    "num_sources",
    "num_documents",
    "confidence",
    "sentence_text",
    "source_text",
    "target_text",
    "trigger_text",
    "source_span",
    "target_span",
    "trigger_span",
    "doc_id",
    *_PLACE_FIELDS,
    "location_span",
    "mention_id",
    "sentence_index",
    "date_source",
    "date_text",
    "modality_cue",
    "doc_date",
    "source_country_reason",
    "target_country_reason",
)
_EVENT_TABLE = set(EVENT_COLUMNS)
# Each frame column from the event, else from its representative mention (spans as their two columns)
_EVENT_FRAME_SELECT = ", ".join(
    f"e.{c}" if c in _EVENT_TABLE else f"m.{c[:-5]}_start, m.{c[:-5]}_end" if c.endswith("_span") else f"m.{c}"
    for c in EVENT_FRAME_COLUMNS
)
# The store's tables a copy of it holds (``Store.table_rows``), with their primary keys
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "documents": ("content_hash",),
    "sentences": ("doc_hash", "sentence_index"),
    "mentions": ("mention_key",),
    "events": ("event_key",),
    "event_mentions": ("mention_key",),
    "errors": ("error_key",),
    "store_meta": ("key",),
}
TABLE_CHUNK = 2_000  # rows ``Store.table_rows`` reads at a time
ACTOR_FRAME_COLUMNS = ("actor", "country", "role", "name", "as_source", "as_target", "total")
# Representative-mention fields an event row copies (dedup.Row keys beyond the clustering ones): the
# record fields an event carries, but for those computed over the cluster (code, first date, confidence)
_REPRESENTATIVE_FIELDS = tuple(f.name for f in FIELDS if f.event and f.name not in ("code", "event_date", "confidence"))
DATE_PRECISIONS = ("day", "month", "year", "decade")  # finest first
# What reclustering reads of a stored mention
_CLUSTER_FIELDS = (
    "mention_key",
    "group_key",
    "doc_hash",
    "site",
    "event_date",
    "code",
    "confidence",
    *_REPRESENTATIVE_FIELDS,
)


class Coded(Protocol):
    """What :meth:`Store.write` stores of one coded document (a pipeline ``Result`` is one)."""

    @property
    def document(self) -> Document: ...

    @property
    def sentences(self) -> Sequence[Sentence]: ...

    @property
    def mentions(self) -> Sequence[EventMention]: ...

    @property
    def error(self) -> DocumentError | None:
        """Why coding failed (then the error is recorded and the document is not stored)."""
        ...


@dataclass(frozen=True)
class Outcome:
    """What :meth:`Store.write` did with one result or error."""

    kind: str  # "stored", "skipped" (its content hash was stored already) or "error" (recorded)
    label: str  # "doc-id (3 event mentions)", "doc-id", or "source: message"
    mentions: int = 0  # event mentions stored
    earliest: date | None = None  # the earliest date of those mentions (event date, else document date)


class NotAStoreError(StoreDamaged):
    """``--db`` names something that is not a store (an existing file that is no DuckDB database, a directory)."""


def check_target(url: str | Path) -> None:
    """Raise NotAStoreError unless `url` is a PostgreSQL URL, a new path or an existing DuckDB database.

    Nothing is written to a file that is refused.
    """
    text = str(url)
    if text.startswith(POSTGRES_PREFIXES) or text == ":memory:":
        return
    path = Path(url)
    if path.is_dir():
        raise NotAStoreError(
            f"store: {text} is a directory, not a store: give --db a file name "
            f"(such as {path / DEFAULT_DB}) or a postgresql:// URL"
        )
    if not path.exists():
        return
    with open(path, "rb") as handle:
        head = handle.read(12)
    if head[8:12] != DUCKDB_MAGIC:
        kind = "an empty file" if not head else f"a {path.suffix} file" if path.suffix else "another kind of file"
        raise NotAStoreError(
            f"store: {text} is not a DuckDB database ({kind}); it was left untouched. "
            f"Give --db a new file name (such as {DEFAULT_DB}), an existing store "
            "or a postgresql:// URL"
        )


def normalise_source(source: str) -> str:
    """One spelling of an error's source: a file path made absolute and resolved (a JSONL line number kept).

    URLs and names that are no path ("api") stay as they are.
    """
    match = re.fullmatch(r"(.*?)(:\d+)?", source)
    base, line = (match.group(1), match.group(2) or "") if match else (source, "")
    if "://" in source or not base or not (os.sep in base or os.path.exists(base)):
        return source
    return os.path.realpath(base) + line


# A list parameter as a table ``k (key)``, to join with: one statement for any number of keys, which
# PostgreSQL answers through its indexes and DuckDB with one hash join.
_KEYS = "(SELECT unnest(?::TEXT[]) AS key) k"


SORTS = ("oldest", "newest", "reports")
_ORDER = {
    "oldest": "e.event_date NULLS LAST, e.event_key",
    "newest": "e.event_date DESC NULLS LAST, e.event_key",
    "reports": "e.num_mentions DESC, e.event_date DESC NULLS LAST, e.event_key",
}
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


@dataclass(frozen=True)
class EventFilter:
    """Which deduplicated events a query selects: every filter given must hold.

    `actor` / `target` match the source / target by :func:`actor_filter`;
    `dyad` (A, B) matches A→B and B→A; `code` is a CAMEO prefix ("07"
    matches 07x); `since` / `until` bound the event date, inclusive;
    `modalities` None means all; `text` is a case-insensitive substring of
    any mention's sentence; `require_source` leaves out agentless events (source ``---``);
    `mention` is the ``mention_id`` of a coded mention (``realpolitik code``): the event it is part of;
    `bbox` (west, south, east, north) keeps events placed inside it.
    """

    actor: str | None = None
    target: str | None = None
    dyad: tuple[str, str] | None = None
    code: str | None = None
    quad_class: int | None = None
    since: date | None = None
    until: date | None = None
    modalities: Sequence[str] | None = ("asserted",)
    text: str | None = None
    require_source: bool = False
    mention: str | None = None
    bbox: tuple[float, float, float, float] | None = None

    def sql(self) -> tuple[str, list[Any]]:
        """A WHERE clause over ``events e`` and its parameters."""
        clauses: list[str] = ["1 = 1"]
        params: list[Any] = []

        def add(clause: str, values: Sequence[Any]) -> None:
            clauses.append(clause)
            params.extend(values)

        if self.actor:
            add(*actor_filter("e.source", self.actor))
        if self.target:
            add(*actor_filter("e.target", self.target))
        if self.dyad:
            (a_src, a), (b_tgt, b) = actor_filter("e.source", self.dyad[0]), actor_filter("e.target", self.dyad[1])
            (b_src, b2), (a_tgt, a2) = actor_filter("e.source", self.dyad[1]), actor_filter("e.target", self.dyad[0])
            add(f"(({a_src} AND {b_tgt}) OR ({b_src} AND {a_tgt}))", a + b + b2 + a2)
        if self.code:
            add("starts_with(e.code, ?)", [self.code])
        if self.quad_class is not None:
            add("e.quad_class = ?", [self.quad_class])
        if self.since:
            add("e.event_date >= ?", [self.since])
        if self.until:
            add("e.event_date <= ?", [self.until])
        if self.modalities is not None:
            modalities = list(self.modalities)
            add(f"e.modality IN ({', '.join('?' * len(modalities))})" if modalities else "1 = 0", modalities)
        if self.require_source:
            add("e.source <> ?", [UNKNOWN_ACTOR])
        if self.text:
            add(
                "EXISTS (SELECT 1 FROM event_mentions em JOIN mentions t ON t.mention_key = em.mention_key "
                "WHERE em.event_key = e.event_key AND strpos(lower(t.sentence_text), ?) > 0)",
                [self.text.lower()],
            )
        if self.bbox:
            west, south, east, north = self.bbox
            add("e.location_latitude BETWEEN ? AND ?", [south, north])
            if west <= east:
                add("e.location_longitude BETWEEN ? AND ?", [west, east])
            else:  # a box across the antimeridian
                add("(e.location_longitude >= ? OR e.location_longitude <= ?)", [west, east])
        if self.mention:
            add(
                "EXISTS (SELECT 1 FROM event_mentions em JOIN mentions t ON t.mention_key = em.mention_key "
                "WHERE em.event_key = e.event_key AND t.mention_id = ?)",
                [self.mention],
            )
        return " AND ".join(clauses), params


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
        """Insert rows in bulk: PostgreSQL's COPY, or an Arrow table DuckDB reads in one statement."""
        if not rows:
            return
        names = ", ".join(columns)
        if self.postgres:
            with self._conn.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        import pyarrow as pa

        frame = pa.Table.from_arrays([pa.array(list(values)) for values in zip(*rows)], names=list(columns))
        self._conn.register("_rows", frame)
        try:
            self._conn.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM _rows")
        finally:
            self._conn.unregister("_rows")

    def lock_writers(self) -> None:
        """In a transaction: wait for the other writers of a PostgreSQL database; released at commit."""
        if self.postgres:
            self.execute("SELECT pg_advisory_xact_lock(?)", [WRITER_LOCK])

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
        self._clusters = _StoredClusters(connection)  # what writes read of the stored clusters, kept between them

    @classmethod
    def open(
        cls,
        url: str | Path = DEFAULT_DB,
        window_days: int | None = None,
        read_only: bool = False,
        wait: float = LOCK_WAIT_SECONDS,
    ) -> Store:
        """Open or create a store: a DuckDB file path, or a ``postgresql://`` URL.

        `read_only` opens an existing store for queries only: it never changes the
        file (so a store on a read-only medium can be queried) and shares a DuckDB
        file with other readers. A store an earlier release made (an earlier schema
        version, :data:`~.schema.UPGRADABLE`) is brought up to date on opening, read-only
        or not: its renamed columns renamed (:func:`~.schema.upgrade`), once. A DuckDB
        file another process writes is waited for up to `wait` seconds (writers take turns through :mod:`.gate`).
        Storage problems raise :class:`~.errors.StoreError` with a one-line message.
        The dedup window is fixed when the store is created (default
        :data:`~realpolitik.store.dedup.WINDOW_DAYS`); opening it with another raises ValueError.
        """
        check_target(url)
        postgres = str(url).startswith(POSTGRES_PREFIXES)
        if not postgres and not Path(url).parent.is_dir():
            raise StoreMissing(
                f"{Path(url).parent}: no such folder; create it, or give --db a file in an existing folder"
            )
        gate = None if postgres or read_only else WriterGate(url)
        if gate is not None and not gate.acquire(wait):
            raise StoreBusy(
                f"{url} is being written by another process; run this again when it has finished "
                "(a DuckDB file takes one writer at a time)"
            )
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
        if read_only and meta["schema_version"] in schema.UPGRADABLE:
            db.close()
            _upgrade(url, wait)
            return cls.open(url, window_days, read_only=True, wait=wait)
        store = cls(db, int(meta["window_days"]))
        store._gate = gate
        if meta["schema_version"] != schema.SCHEMA_VERSION:
            store.close()
            raise ValueError(
                f"{url}: store schema version {meta['schema_version']}, "
                f"this realpolitik reads version {schema.SCHEMA_VERSION}"
            )
        if window_days is not None and window_days != store.window_days:
            store.close()
            raise ValueError(f"{url}: store was built with a {store.window_days}-day dedup window, not {window_days}")
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

    def stored(self, hashes: Iterable[str]) -> set[str]:
        """Which of these content hashes are stored (one query for any number)."""
        return {
            h
            for (h,) in self._db.fetch(
                f"SELECT d.content_hash FROM {_KEYS} JOIN documents d ON d.content_hash = k.key", [list(hashes)]
            )[1]
        }

    def write(self, results: Iterable[Coded] = (), errors: Iterable[DocumentError] = ()) -> list[Outcome]:
        """Store coded documents and errors in one transaction, reclustering the events they touch.

        Idempotent: a document whose content hash is stored already (by an earlier
        write, by another writer meanwhile, or earlier in this call) is skipped, and an
        error is recorded once. A result whose coding failed (``error`` set) is
        recorded as that error. Returns one :class:`Outcome` per result, in order, then
        one per error. On PostgreSQL, concurrent writers take turns (an advisory lock
        held until commit).
        """
        coded: list[Coded] = []
        failed: list[Coded] = []
        for result in results:
            (failed if result.error is not None else coded).append(result)
        errors = [*(r.error for r in failed if r.error is not None), *errors]
        if not coded and not errors:
            return []
        try:
            return self._write(coded, errors)
        except BaseException:
            self._clusters.forget(everything=True)  # it may hold what the rolled-back transaction wrote
            raise

    def _write(self, coded: Sequence[Coded], errors: Sequence[DocumentError]) -> list[Outcome]:
        with self._db.transaction():
            self._db.lock_writers()
            self._clusters.forget()
            stored = self.stored(r.document.content_hash for r in coded)
            done: list[Outcome] = []
            documents, sentences, mentions = [], [], {}
            for result in coded:
                doc, doc_hash = result.document, result.document.content_hash
                if doc_hash in stored:
                    done.append(Outcome("skipped", doc.id))
                    continue
                stored.add(doc_hash)
                site = site_of(doc)
                rows = {row["mention_key"]: row for row in (_mention_row(doc_hash, site, e) for e in result.mentions)}
                documents.append(
                    [
                        doc_hash,
                        doc.id,
                        doc.source,
                        site,
                        doc.date,
                        doc.title,
                        doc.url,
                        doc.text,
                        json.dumps(doc.meta, sort_keys=True, ensure_ascii=False, default=str) if doc.meta else None,
                        _now(),
                    ]
                )
                sentences += [
                    (doc_hash, s.index, s.text, s.start, s.date, s.date_source, s.date_text) for s in result.sentences
                ]
                mentions.update(rows)
                dates = [d for d in (r["event_date"] or r["doc_date"] for r in rows.values()) if d is not None]
                done.append(
                    Outcome("stored", f"{doc.id} ({len(rows)} event mentions)", len(rows), min(dates, default=None))
                )
            self._db.insert("documents", DOCUMENT_COLUMNS, documents)
            self._db.insert("sentences", SENTENCE_COLUMNS, sentences)
            self._db.insert("mentions", MENTION_COLUMNS, [[r[c] for c in MENTION_COLUMNS] for r in mentions.values()])
            if mentions:
                self._recluster(list(mentions.values()), self._clusters)
            for error in errors:
                self._record_error(error)
                done.append(Outcome("error", f"{error.source}: {error.error}"))
        return done

    # -- the watch's state --------------------------------------------------------

    def feed_items(self, feed: str) -> set[str]:
        """The entry ids (or links) of a feed that ``watch`` has stored or recorded as errors."""
        return {key for (key,) in self._db.fetch("SELECT item_key FROM feed_items WHERE feed = ?", [feed])[1]}

    def set_feed_items(self, feed: str, keys: Iterable[str]) -> None:
        """Make `keys` the feed's seen items (those it no longer lists are forgotten), in one transaction."""
        with self._db.transaction():
            self._db.lock_writers()
            self._db.execute("DELETE FROM feed_items WHERE feed = ?", [feed])
            self._db.insert("feed_items", ("feed", "item_key"), [(feed, key) for key in sorted(set(keys))])

    def watch_alerts(self) -> set[str]:
        """The keys of the alerts ``watch`` has printed (or noted as older than the watch)."""
        return {key for (key,) in self._db.fetch("SELECT alert_key FROM watch_alerts")[1]}

    def add_watch_alerts(self, keys: Iterable[str]) -> None:
        """Note alerts as printed."""
        with self._db.transaction():
            self._db.lock_writers()
            known = self.watch_alerts()
            self._db.insert("watch_alerts", ("alert_key",), [(k,) for k in sorted(set(keys) - known)])

    def has_document(self, content_hash: str) -> bool:
        """Whether a document with this content hash is stored."""
        return bool(self._db.fetch("SELECT 1 FROM documents WHERE content_hash = ?", [content_hash])[1])

    def _record_error(self, error: DocumentError) -> None:
        source = normalise_source(error.source)
        key = _hash(f"{source}|{error.doc_id or ''}|{error.error}")
        self._db.execute(
            "INSERT INTO errors (error_key, source, doc_id, error, seen_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (error_key) DO NOTHING",
            [key, source, error.doc_id, error.error, _now()],
        )

    def _recluster(self, new: list[dict[str, Any]], stored: _StoredClusters) -> None:
        """Replace the clusters the new mentions can join by their groups' clusters recomputed.

        For each group, only clusters reaching within the window of a new
        mention's date are touched. With the new mentions they cover a date
        range that no other cluster of the group reaches, so reclustering
        their mentions alone gives the same result as reclustering the whole
        group. Undated mentions cluster within their own document only, so
        they are all new. Stored clusters are read in one join per kind (events by group,
        their mentions by event) through `stored`; only event-mention links that change are rewritten.
        """
        window = timedelta(days=self.window_days)
        dates: dict[str, list[date]] = {}
        for row in new:
            if row["event_date"] is not None:
                dates.setdefault(row["group_key"], []).append(row["event_date"])
        touched = [
            (group, key)
            for group, spans in stored.spans(sorted(dates)).items()
            for key, (first, last) in spans.items()
            if first <= max(dates[group]) + window and last >= min(dates[group]) - window
        ]
        stale = [key for _, key in touched]
        old = {row["mention_key"]: key for key, rows in stored.members(stale).items() for row in rows}
        rows = {row["mention_key"]: {f: row[f] for f in _CLUSTER_FIELDS} for row in new}
        rows.update((row["mention_key"], row) for key in stale for row in stored.members([key])[key])
        by_group: dict[str, list[dict[str, Any]]] = {}
        for row in rows.values():
            by_group.setdefault(row["group_key"], []).append(row)
        clusters = [(g, c) for g in sorted(by_group) for c in cluster(g, by_group[g], self.window_days)]
        links = {m: c.event_key for _, c in clusters for m in c.mention_keys}
        moved = [m for m, key in links.items() if old.get(m) != key]
        if stale:
            self._db.execute("DELETE FROM events WHERE event_key IN (SELECT unnest(?::TEXT[]))", [stale])
        relinked = [m for m in moved if m in old]
        if relinked:
            self._db.execute("DELETE FROM event_mentions WHERE mention_key IN (SELECT unnest(?::TEXT[]))", [relinked])
        self._db.insert("events", EVENT_COLUMNS, [_event_row(g, c, rows) for g, c in clusters])
        self._db.insert("event_mentions", ("mention_key", "event_key"), [(m, links[m]) for m in moved])
        stored.replace(touched, clusters, rows)

    # -- reading ----------------------------------------------------------------

    def events(
        self, where: EventFilter = EventFilter(), limit: int | None = None, offset: int = 0, sort: str = "oldest"
    ) -> pd.DataFrame:
        """Deduplicated events `where` selects (columns: ``EVENT_FRAME_COLUMNS``), a page of them.

        `sort` is one of :data:`SORTS`: oldest first (the default), newest first, or most reported first.
        """
        clause, params = where.sql()
        frame = pd.DataFrame(self._event_records(clause, params, limit, offset, sort), columns=EVENT_FRAME_COLUMNS)
        for column in ("event_date", "doc_date"):
            frame[column] = pd.to_datetime(frame[column])
        return frame

    def count_events(self, where: EventFilter = EventFilter()) -> int:
        """How many events ``events`` would return for `where` with no limit."""
        clause, params = where.sql()
        return int(self._db.fetch(f"SELECT COUNT(*) FROM events e WHERE {clause}", params)[1][0][0])

    def event(self, event_key: str) -> dict[str, Any] | None:
        """One event as a dict (the columns of ``events``; event_date a date), whatever its modality."""
        records = self._event_records("e.event_key = ?", [event_key])
        return records[0] if records else None

    def mentions(self, event_key: str) -> pd.DataFrame:
        """Every mention of an event with its document's id, source, site, url, title and date, oldest first."""
        fields = ", ".join(f"m.{c}" for c in MENTION_COLUMNS if c != "group_key")
        columns, rows = self._db.fetch(
            f"SELECT {fields}, d.source AS doc_source, d.url, d.title "
            "FROM event_mentions em JOIN mentions m ON m.mention_key = em.mention_key "
            "JOIN documents d ON d.content_hash = m.doc_hash WHERE em.event_key = ? "
            "ORDER BY m.event_date NULLS LAST, m.mention_key",
            [event_key],
        )
        frame = pd.DataFrame(
            [join_spans(dict(zip(columns, row))) for row in rows], columns=list(join_spans(dict.fromkeys(columns)))
        )
        frame["event_date"] = pd.to_datetime(frame["event_date"])
        return frame

    def actors(self, modalities: Sequence[str] | None = ("asserted",)) -> pd.DataFrame:
        """Every actor of the stored events: code, country, role, commonest name, events as source / target.

        The unknown source of agentless events (``---``) is not an actor and is left out.
        """
        where, params = EventFilter(modalities=modalities, require_source=True).sql()
        sides = (
            "SELECT e.{side} AS actor, e.{side}_country AS country, e.{side}_role AS role, "
            "m.{side}_name AS name, {src} AS as_source, {tgt} AS as_target FROM events e "
            "JOIN mentions m ON m.mention_key = e.mention_key WHERE e.{side} IS NOT NULL AND " + where
        )
        columns, rows = self._db.fetch(
            f"WITH sides AS ({sides.format(side='source', src=1, tgt=0)} "
            f"UNION ALL {sides.format(side='target', src=0, tgt=1)}), "
            "names AS (SELECT actor, name, ROW_NUMBER() OVER (PARTITION BY actor ORDER BY COUNT(*) DESC, name) "
            "AS name_rank FROM sides GROUP BY actor, name) "
            "SELECT s.actor, MAX(s.country) AS country, MAX(s.role) AS role, n.name, "
            "SUM(s.as_source) AS as_source, SUM(s.as_target) AS as_target, COUNT(*) AS total "
            "FROM sides s JOIN names n ON n.actor = s.actor AND n.name_rank = 1 "
            "GROUP BY s.actor, n.name ORDER BY total DESC, s.actor",
            params * 2,
        )
        frame = pd.DataFrame(rows, columns=columns)
        for column in ("as_source", "as_target", "total"):
            frame[column] = frame[column].astype("int64")
        return frame

    def document_count(self) -> int:
        """How many documents the store holds."""
        return int(self._db.fetch("SELECT COUNT(*) FROM documents")[1][0][0])

    def date_range(self) -> tuple[date | None, date | None]:
        """First and last event date of the whole store: the time the data covers."""
        first, last = self._frame("SELECT MIN(event_date) AS first, MAX(event_date) AS last FROM events").iloc[0]
        return (
            None if pd.isna(first) else pd.Timestamp(first).date(),
            None if pd.isna(last) else pd.Timestamp(last).date(),
        )

    def places(self, where: EventFilter = EventFilter()) -> pd.DataFrame:
        """Geocoded places of the events `where` selects: one row per place and QuadClass, busiest first."""
        clause, params = where.sql()
        return self._frame(
            "SELECT e.location_latitude AS latitude, e.location_longitude AS longitude, "
            "MIN(e.location) AS name, MIN(e.location_country) AS country, MIN(e.location_region) AS region, "
            "MIN(e.location_precision) AS precision, e.quad_class, COUNT(*) AS events FROM events e "
            f"WHERE {clause} AND e.location_latitude IS NOT NULL AND e.location_longitude IS NOT NULL "
            "GROUP BY e.location_latitude, e.location_longitude, e.quad_class "
            "ORDER BY events DESC, latitude, longitude, e.quad_class",
            params,
        )

    def unit_pair_counts(
        self, since: date | None = None, until: date | None = None, modalities: Sequence[str] | None = ("asserted",)
    ) -> pd.DataFrame:
        """Events with a target per (source unit, target unit, QuadClass), with their Goldstein sum;
        a unit is an actor's country, or its IGO code."""
        where, params = EventFilter(since=since, until=until, modalities=modalities).sql()
        unit = "CASE WHEN starts_with(e.{0}, 'IGO') THEN e.{0} ELSE e.{0}_country END"
        return self._frame(
            f"SELECT {unit.format('source')} AS source, {unit.format('target')} AS target, e.quad_class, "
            "COUNT(*) AS n, SUM(e.goldstein) AS goldstein FROM events e "
            f"WHERE e.target IS NOT NULL AND {where} GROUP BY 1, 2, 3",
            params,
        )

    def provenance(self) -> pd.DataFrame:
        """Each event's representative document: event_key, source_url, meta, date_added (ingest time)."""
        return self._frame(
            "SELECT e.event_key, d.url AS source_url, d.meta AS meta, d.ingested_at AS date_added FROM events e "
            "JOIN mentions m ON m.mention_key = e.mention_key JOIN documents d ON d.content_hash = m.doc_hash"
        )

    def table_columns(self, table: str) -> list[str]:
        """The columns of one of the store's tables (a key of :data:`TABLE_KEYS`), in order."""
        return self._db.fetch(f"SELECT * FROM {_table(table)} LIMIT 0")[0]

    def table_rows(
        self, table: str, event_keys: Sequence[str] | None = None, chunk: int = TABLE_CHUNK
    ) -> Iterator[list[tuple]]:
        """The rows of one of the store's tables (:data:`TABLE_KEYS`), as plain Python values, in lists of
        at most `chunk` rows ordered by its primary key (the columns of :meth:`table_columns`).

        With `event_keys`, only what these events need: their events rows and event-mention
        links, their mentions, and the documents and sentences of those mentions (``errors``
        and ``store_meta`` whole).
        """
        name = _table(table)
        where, params = "", []
        if event_keys is not None and name not in ("errors", "store_meta"):
            chosen = "SELECT unnest(?::TEXT[])"
            in_events = f"SELECT mention_key FROM event_mentions WHERE event_key IN ({chosen})"
            docs = f"SELECT doc_hash FROM mentions WHERE mention_key IN ({in_events})"
            where = (
                " WHERE "
                + {
                    "events": f"event_key IN ({chosen})",
                    "event_mentions": f"event_key IN ({chosen})",
                    "mentions": f"mention_key IN ({in_events})",
                    "documents": f"content_hash IN ({docs})",
                    "sentences": f"doc_hash IN ({docs})",
                }[name]
            )
            params = [list(event_keys)]
        order = ", ".join(TABLE_KEYS[name])
        offset = 0
        while True:
            _, rows = self._db.fetch(
                f"SELECT * FROM {name}{where} ORDER BY {order} LIMIT ? OFFSET ?", [*params, chunk, offset]
            )
            if not rows:
                return
            yield rows
            offset += chunk

    def query(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Any read-only SQL over the store's tables (``?`` placeholders on both engines) as a DataFrame.

        The escape hatch for questions no method answers (notebooks, tests, one-off checks);
        realpolitik itself asks through the methods above. Writing the tables through it is not
        supported: only :meth:`write` keeps documents, mentions and event clusters consistent.
        """
        return self._frame(sql, params)

    def _frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        columns, rows = self._db.fetch(sql, params)
        return pd.DataFrame(rows, columns=columns)

    def _event_records(
        self, where: str, params: list[Any], limit: int | None = None, offset: int = 0, sort: str = "oldest"
    ) -> list[dict[str, Any]]:
        """Rows of ``events e`` joined to their representative mention, as dicts keyed by EVENT_FRAME_COLUMNS."""
        page = (" LIMIT ?" if limit is not None else "") + (" OFFSET ?" if offset else "")
        page_params = ([limit] if limit is not None else []) + ([offset] if offset else [])
        columns, rows = self._db.fetch(
            f"SELECT {_EVENT_FRAME_SELECT} FROM events e JOIN mentions m ON m.mention_key = e.mention_key "
            f"WHERE {where} ORDER BY {_ORDER[sort]}{page}",
            params + page_params,
        )
        records = [join_spans(dict(zip(columns, row))) for row in rows]
        return [{c: r[c] for c in EVENT_FRAME_COLUMNS} for r in records]


def _table(name: str) -> str:
    """`name` if it is one of the tables a copy of the store holds; else ValueError (no SQL is built from it)."""
    if name not in TABLE_KEYS:
        raise ValueError(f"no store table {name!r}; the tables are {', '.join(TABLE_KEYS)}")
    return name


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
                raise StoreBusy(
                    f"{url} is being written by another process; run this again when it has "
                    "finished (a DuckDB file takes no readers while it is written)"
                )
            time.sleep(0.05)
    finally:
        if readers is not None:
            readers.close()


def _upgrade(url: str | Path, wait: float) -> None:
    """Open a store of an earlier schema version for writing once, which brings it up to date.

    A store that cannot be written (a read-only medium) raises the writer's StoreError here.
    """
    Store.open(url, wait=wait).close()


def _prepare(db: _Connection, read_only: bool, window_days: int | None) -> dict[str, str]:
    """Create the tables (unless read-only) and return the store's meta (schema version, window)."""
    if read_only:
        try:
            return dict(db.fetch("SELECT key, value FROM store_meta")[1])
        except Exception as exc:
            if "store_meta" in str(exc):
                raise StoreDamaged(
                    f"{store_name(db.url)} is not a realpolitik store (no store_meta table); "
                    "give --db a store `realpolitik ingest` wrote, or fill this one with it first"
                ) from None
            raise
    with db.transaction():
        db.lock_writers()  # concurrent openers of a new PostgreSQL database would race to create it
        for statement in schema.statements():
            db.execute(statement)
        meta = dict(db.fetch("SELECT key, value FROM store_meta")[1])
        if not meta:
            meta = {
                "schema_version": schema.SCHEMA_VERSION,
                "window_days": str(window_days if window_days is not None else WINDOW_DAYS),
            }
            db.insert("store_meta", ("key", "value"), sorted(meta.items()))
        elif meta["schema_version"] in schema.UPGRADABLE:  # made by an earlier release: brought up to date
            for statement in schema.upgrade(meta["schema_version"]):
                db.execute(statement)
            meta["schema_version"] = schema.SCHEMA_VERSION
    return meta


def _mention_row(doc_hash: str, site: str, mention: EventMention) -> dict[str, Any]:
    """A mentions-table row for one coded event mention: its stored record fields and the store's keys."""
    row = stored_row(mention)
    row.update(
        mention_key=_hash(f"{doc_hash}|{row['mention_id']}"),
        doc_hash=doc_hash,
        site=site,
        group_key=group_key(row["source"], row["target"], row["root_code"], row["modality"]),
    )
    return row


def _event_row(group: str, c: Cluster, members: dict[str, dict[str, Any]]) -> list[Any]:
    rep = c.representative
    values = {
        **{f: rep[f] for f in _REPRESENTATIVE_FIELDS},
        "event_key": c.event_key,
        "group_key": group,
        "code": c.code,
        "event_date": c.first_date,
        "last_date": c.last_date,
        "date_precision": _first_date_precision(c, members),
        "num_mentions": len(c.mention_keys),
        "num_sources": c.num_sources,
        "num_documents": c.num_documents,
        "confidence": c.confidence,
        "mention_key": rep["mention_key"],
    }
    return [values[column] for column in EVENT_COLUMNS]


def _first_date_precision(c: Cluster, members: dict[str, dict[str, Any]]) -> str | None:
    """The finest precision among the mentions dated on the cluster's first date (None when undated)."""
    if c.first_date is None:
        return None
    found = {members[m]["date_precision"] for m in c.mention_keys if members[m]["event_date"] == c.first_date}
    return next((p for p in DATE_PRECISIONS if p in found), "day")


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _now() -> datetime:
    """The current UTC time, naive (TIMESTAMP columns)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class _StoredClusters:
    """The stored clusters a write touches: each group's cluster spans and each cluster's mentions, by index.

    On DuckDB a store opened for writing is the only writer of its file while it
    is open (its gate and DuckDB's lock), so what its writes have read or written
    stays true until it is closed and is kept (up to :data:`KEPT_MENTIONS` mentions,
    then it starts afresh, so memory stays bounded): a cluster that grows write after
    write is read once. On PostgreSQL other writers may change any cluster between
    two writes, so each write reads afresh (:meth:`forget`, called once the writers'
    lock is held), as does a write after one that failed.
    """

    def __init__(self, db: _Connection):
        self._db = db
        self._spans: dict[str, dict[str, tuple[date, date]]] = {}  # group -> event key -> (first, last date)
        self._members: dict[str, list[dict[str, Any]]] = {}  # event key -> clustering rows of its mentions
        self._kept = 0  # rows in _members

    def forget(self, everything: bool = False) -> None:
        """Drop what was read, unless this connection is the only writer (DuckDB) and it is not too much."""
        if everything or self._db.postgres or self._kept > KEPT_MENTIONS:
            self._spans.clear()
            self._members.clear()
            self._kept = 0

    def spans(self, groups: Sequence[str]) -> dict[str, dict[str, tuple[date, date]]]:
        """Event key -> (first, last date) of the dated clusters of each group."""
        missing = [g for g in groups if g not in self._spans]
        self._spans.update((g, {}) for g in missing)
        if missing:
            for group, key, first, last in self._db.fetch(
                f"SELECT e.group_key, e.event_key, e.event_date, e.last_date FROM {_KEYS} "
                "JOIN events e ON e.group_key = k.key WHERE e.event_date IS NOT NULL",
                [missing],
            )[1]:
                self._spans[group][key] = (first, last)
        return {g: self._spans[g] for g in groups}

    def members(self, keys: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """The clustering rows of each stored cluster's mentions."""
        missing = [k for k in keys if k not in self._members]
        self._members.update((k, []) for k in missing)
        if missing:
            fields = ", ".join(f"m.{f}" for f in _CLUSTER_FIELDS)
            columns, rows = self._db.fetch(
                f"SELECT em.event_key, {fields} FROM {_KEYS} JOIN event_mentions em ON em.event_key = k.key "
                "JOIN mentions m ON m.mention_key = em.mention_key",
                [missing],
            )
            for row in rows:
                self._members[row[0]].append(dict(zip(columns[1:], row[1:])))
            self._kept += len(rows)
        return {k: self._members[k] for k in keys}

    def replace(
        self, stale: Sequence[tuple[str, str]], clusters: Sequence[tuple[str, Cluster]], rows: dict[str, dict[str, Any]]
    ) -> None:
        """Note what a write changed: the stale (group, event key) clusters gone, the new ones in."""
        for group, key in stale:
            self._kept -= len(self._members.pop(key, ()))
            self._spans[group].pop(key, None)
        for group, c in clusters:
            if c.first_date is not None:
                if group in self._spans:
                    self._spans[group][c.event_key] = (c.first_date, c.last_date)  # type: ignore[assignment]
                self._members[c.event_key] = [rows[m] for m in c.mention_keys]
                self._kept += len(c.mention_keys)
