"""The store's tables: one DDL for DuckDB and PostgreSQL alike.

Only portable SQL is used (TEXT, INTEGER, DOUBLE PRECISION, DATE, TIMESTAMP,
``IF NOT EXISTS``), so the same statements run on both engines. There are no
foreign keys (DuckDB cannot delete rows that others reference); the store
keeps the references consistent itself, one document per transaction.

Spans are stored as ``*_start`` / ``*_end`` integer pairs. ``mentions.site`` copies
its document's site (the outlet, for counting sources). ``mentions.group_key``
is the dedup group ``source|target|root_code|modality`` (see :mod:`.dedup`);
``feed_items`` are the entries each watched feed lists (by entry id or link), and
``watch_alerts`` the alerts ``watch`` has printed (see :mod:`realpolitik.jobs.watch`).
``events.event_date`` / ``events.last_date`` are the first and last mention
dates of the cluster (both NULL for an undated cluster), ``events.date_precision``
the precision of its first date (day, month, year, decade) and ``events.location*``
the place of its representative mention.

Stores made before a column existed get it on opening (:data:`ADDED_COLUMNS`,
``ALTER TABLE ... ADD COLUMN IF NOT EXISTS``, NULL in old rows).
"""

from __future__ import annotations

SCHEMA_VERSION = "1"

DDL = """
CREATE TABLE IF NOT EXISTS store_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS documents (
    content_hash TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    source TEXT,
    site TEXT NOT NULL,
    doc_date DATE,
    title TEXT,
    url TEXT,
    text TEXT NOT NULL,
    meta TEXT,
    ingested_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS sentences (
    doc_hash TEXT NOT NULL,
    sentence_index INTEGER NOT NULL,
    text TEXT NOT NULL,
    start_char INTEGER NOT NULL,
    sentence_date DATE,
    date_source TEXT,
    date_text TEXT,
    PRIMARY KEY (doc_hash, sentence_index)
);

CREATE TABLE IF NOT EXISTS mentions (
    mention_id TEXT PRIMARY KEY,
    doc_hash TEXT NOT NULL,
    group_key TEXT NOT NULL,
    event_id TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    site TEXT NOT NULL,
    sentence_index INTEGER NOT NULL,
    sentence_text TEXT NOT NULL,
    source TEXT NOT NULL,
    source_country TEXT,
    source_role TEXT,
    source_name TEXT,
    source_text TEXT,
    source_start INTEGER,
    source_end INTEGER,
    target TEXT,
    target_country TEXT,
    target_role TEXT,
    target_name TEXT,
    target_text TEXT,
    target_start INTEGER,
    target_end INTEGER,
    code TEXT NOT NULL,
    root_code TEXT NOT NULL,
    event_name TEXT,
    goldstein DOUBLE PRECISION,
    quad_class INTEGER,
    plover_type TEXT,
    plover_mode TEXT,
    modality TEXT NOT NULL,
    modality_cue TEXT,
    trigger_text TEXT,
    trigger_start INTEGER,
    trigger_end INTEGER,
    event_date DATE,
    date_source TEXT,
    date_text TEXT,
    date_precision TEXT,
    doc_date DATE,
    location TEXT,
    location_country TEXT,
    location_latitude DOUBLE PRECISION,
    location_longitude DOUBLE PRECISION,
    location_region TEXT,
    location_precision TEXT,
    location_start INTEGER,
    location_end INTEGER,
    confidence DOUBLE PRECISION,
    source_country_reason TEXT,
    target_country_reason TEXT
);

CREATE TABLE IF NOT EXISTS events (
    event_key TEXT PRIMARY KEY,
    group_key TEXT NOT NULL,
    source TEXT NOT NULL,
    source_country TEXT,
    source_role TEXT,
    target TEXT,
    target_country TEXT,
    target_role TEXT,
    code TEXT NOT NULL,
    root_code TEXT NOT NULL,
    event_name TEXT,
    goldstein DOUBLE PRECISION,
    quad_class INTEGER,
    plover_type TEXT,
    plover_mode TEXT,
    modality TEXT NOT NULL,
    event_date DATE,
    last_date DATE,
    date_precision TEXT,
    location TEXT,
    location_country TEXT,
    location_latitude DOUBLE PRECISION,
    location_longitude DOUBLE PRECISION,
    location_region TEXT,
    location_precision TEXT,
    num_mentions INTEGER NOT NULL,
    num_sources INTEGER NOT NULL,
    num_documents INTEGER NOT NULL,
    confidence DOUBLE PRECISION,
    mention_id TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS events_group_key ON events (group_key);

CREATE TABLE IF NOT EXISTS event_mentions (
    mention_id TEXT PRIMARY KEY,
    event_key TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS event_mentions_event ON event_mentions (event_key);

CREATE TABLE IF NOT EXISTS errors (
    error_key TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    doc_id TEXT,
    error TEXT NOT NULL,
    seen_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS feed_items (
    feed TEXT NOT NULL,
    item_key TEXT NOT NULL,
    PRIMARY KEY (feed, item_key)
);

CREATE TABLE IF NOT EXISTS watch_alerts (
    alert_key TEXT PRIMARY KEY
)
"""

# Indexes of earlier releases, dropped on opening: the dedup looks events up by group alone
# (the one lookup DuckDB answers from an index), and mentions by id.
DROPPED_INDEXES = ("mentions_group", "mentions_doc", "events_group")


# Columns added after the tables were first released: (table, column, type).
ADDED_COLUMNS: tuple[tuple[str, str, str], ...] = (
    *(
        ("mentions", c, t)
        for c, t in (
            ("date_precision", "TEXT"),
            ("location_latitude", "DOUBLE PRECISION"),
            ("location_longitude", "DOUBLE PRECISION"),
            ("location_region", "TEXT"),
            ("location_precision", "TEXT"),
            ("source_country_reason", "TEXT"),
            ("target_country_reason", "TEXT"),
        )
    ),
    *(
        ("events", c, t)
        for c, t in (
            ("date_precision", "TEXT"),
            ("location", "TEXT"),
            ("location_country", "TEXT"),
            ("location_latitude", "DOUBLE PRECISION"),
            ("location_longitude", "DOUBLE PRECISION"),
            ("location_region", "TEXT"),
            ("location_precision", "TEXT"),
        )
    ),
)


def statements() -> list[str]:
    """The DDL as separate statements (each engine runs them one by one), then the added columns."""
    return (
        [s.strip() for s in DDL.split(";") if s.strip()]
        + [f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}" for table, column, kind in ADDED_COLUMNS]
        + [f"DROP INDEX IF EXISTS {index}" for index in DROPPED_INDEXES]
    )
