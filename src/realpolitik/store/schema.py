"""The store's tables: one DDL for DuckDB and PostgreSQL alike.

Only portable SQL is used (TEXT, INTEGER, DOUBLE PRECISION, DATE, TIMESTAMP,
``IF NOT EXISTS``), so the same statements run on both engines. There are no
foreign keys (DuckDB cannot delete rows that others reference); the store
keeps the references consistent itself, one document per transaction.

``mentions`` holds one row per coded event mention: the store's own columns
(:data:`MENTION_STORE_FIELDS`) and the stored fields of the record
(:data:`realpolitik.record.FIELDS`), spans as ``*_start`` / ``*_end`` integer
pairs. Its key ``mention_key`` hashes the document's content with the record's
``mention_id`` (two documents with the same id never collide); ``site`` copies
its document's site (the outlet, for counting sources); ``group_key`` is the
dedup group ``source|target|root_code|modality`` (see :mod:`.dedup`). ``events``
holds one row per deduplicated event (:data:`EVENT_STORE_FIELDS` and the record
fields an event carries): ``event_date`` / ``last_date`` are the first and last
mention dates of the cluster (both NULL for an undated cluster),
``date_precision`` the precision of its first date, ``code`` its mentions'
commonest code, ``confidence`` the highest, and the rest (actors, ``location*``)
those of its representative mention ``mention_key``. ``event_mentions`` links
each mention to its event. ``feed_items`` are the entries each watched feed
lists (by entry id or link), and ``watch_alerts`` the alerts ``watch`` has
printed (see :mod:`realpolitik.jobs.watch`).

Stores made before a column existed get it on opening (:data:`ADDED_COLUMNS`,
``ALTER TABLE ... ADD COLUMN IF NOT EXISTS``, NULL in old rows); stores of an
earlier schema version are brought to this one on opening (:func:`upgrade`).
"""

from __future__ import annotations

from realpolitik.record import BY_NAME, Field

SCHEMA_VERSION = "2"  # 2: mentions.mention_id -> mention_key, mentions.event_id -> mention_id (issue 15)

# The store's own columns, beside the record's fields
MENTION_STORE_FIELDS: tuple[Field, ...] = (
    Field("mention_key", "text", True, "the store's key of a mention: a hash of its document's content and mention_id"),
    Field("doc_hash", "text", True, "the content hash of the mention's document (documents.content_hash)"),
    Field("group_key", "text", True, "the dedup group: source|target|root_code|modality"),
    Field("site", "text", True, "where the document was published (URL host, else source file), for NumSources"),
)
EVENT_STORE_FIELDS: tuple[Field, ...] = (
    Field("event_key", "text", True, "the deduplicated event's key (16 hex digits)"),
    MENTION_STORE_FIELDS[2],
    Field("last_date", "date", False, "the date of the event's last mention"),
    Field("num_mentions", "integer", True, "how many mentions the event has (GDELT NumMentions)"),
    Field("num_sources", "integer", True, "how many distinct sites report it (GDELT NumSources)"),
    Field("num_documents", "integer", True, "how many documents report it (GDELT NumArticles)"),
    Field("mention_key", "text", True, "the key of the event's representative mention"),
)
_STORE_FIELDS = {f.name: f for f in MENTION_STORE_FIELDS}

# The column layouts of the two tables (as earlier releases made them); types from the declarations above
_MENTIONS_LAYOUT = (
    "mention_key doc_hash group_key mention_id doc_id site sentence_index sentence_text "
    "source source_country source_role source_name source_text source_span "
    "target target_country target_role target_name target_text target_span "
    "code root_code event_name goldstein quad_class plover_type plover_mode modality modality_cue "
    "trigger_text trigger_span event_date date_source date_text date_precision doc_date "
    "location location_country location_latitude location_longitude location_region location_precision "
    "location_span confidence source_country_reason target_country_reason date_end"
).split()
_EVENTS_LAYOUT = (
    "event_key group_key source source_country source_role target target_country target_role "
    "code root_code event_name goldstein quad_class plover_type plover_mode modality "
    "event_date last_date date_precision location location_country location_latitude location_longitude "
    "location_region location_precision num_mentions num_sources num_documents confidence mention_key"
).split()
MENTION_FIELDS: tuple[Field, ...] = tuple(_STORE_FIELDS.get(n) or BY_NAME[n] for n in _MENTIONS_LAYOUT)
EVENT_FIELDS: tuple[Field, ...] = tuple(
    next((f for f in EVENT_STORE_FIELDS if f.name == n), None) or BY_NAME[n] for n in _EVENTS_LAYOUT
)
MENTION_COLUMNS: tuple[str, ...] = tuple(c for f in MENTION_FIELDS for c in f.columns())
EVENT_COLUMNS: tuple[str, ...] = tuple(c for f in EVENT_FIELDS for c in f.columns())


def _create(table: str, fields: tuple[Field, ...]) -> str:
    columns = [column for n, f in enumerate(fields) for column in f.sql(primary_key=n == 0)]
    return f"CREATE TABLE IF NOT EXISTS {table} (\n    " + ",\n    ".join(columns) + "\n)"


_DDL = """
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

{mentions};

{events};

CREATE INDEX IF NOT EXISTS events_group_key ON events (group_key);

CREATE TABLE IF NOT EXISTS event_mentions (
    mention_key TEXT PRIMARY KEY,
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

DDL = _DDL.format(mentions=_create("mentions", MENTION_FIELDS), events=_create("events", EVENT_FIELDS))

# Indexes of earlier releases, dropped on opening: the dedup looks events up by group alone
# (the one lookup DuckDB answers from an index), and mentions by id.
DROPPED_INDEXES = ("mentions_group", "mentions_doc", "events_group")
INDEXES = ("events_group_key", "event_mentions_event")


def _kind(table: str, column: str) -> str:
    """The SQL type of a column of ``mentions`` or ``events``."""
    return next(f for f in (MENTION_FIELDS if table == "mentions" else EVENT_FIELDS) if f.name == column).sql()[0]


# Columns added after the tables were first released: (table, column, type).
ADDED_COLUMNS: tuple[tuple[str, str, str], ...] = tuple(
    (table, column, _kind(table, column).split(" ", 1)[1])
    for table, columns in (
        (
            "mentions",
            "date_precision location_latitude location_longitude location_region location_precision "
            "source_country_reason target_country_reason date_end",
        ),
        (
            "events",
            "date_precision location location_country location_latitude location_longitude location_region "
            "location_precision",
        ),
    )
    for column in columns.split()
)
UPGRADABLE = ("1",)  # earlier schema versions a store is brought up from on opening
# Columns renamed by each schema version, in order: version -> (table, old name, new name)
RENAMED_COLUMNS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "2": (
        ("mentions", "mention_id", "mention_key"),  # the store's row key
        ("mentions", "event_id", "mention_id"),  # the record's id of the coded mention
        ("events", "mention_id", "mention_key"),
        ("event_mentions", "mention_id", "mention_key"),
    ),
}


def statements() -> list[str]:
    """The DDL as separate statements (each engine runs them one by one), then the added columns."""
    return (
        [s.strip() for s in DDL.split(";") if s.strip()]
        + [f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}" for table, column, kind in ADDED_COLUMNS]
        + [f"DROP INDEX IF EXISTS {index}" for index in DROPPED_INDEXES]
    )


def upgrade(version: str) -> list[str]:
    """The statements that bring a store of schema `version` to :data:`SCHEMA_VERSION`, run after :func:`statements`.

    DuckDB renames no column of a table with an index, so the indexes are dropped first and made again.
    """
    renames = [r for v, columns in RENAMED_COLUMNS.items() if int(v) > int(version) for r in columns]
    if not renames:
        return []
    return (
        [f"DROP INDEX IF EXISTS {index}" for index in INDEXES]
        + [f"ALTER TABLE {table} RENAME COLUMN {old} TO {new}" for table, old, new in renames]
        + [s for s in statements() if s.startswith("CREATE INDEX")]
        + [f"UPDATE store_meta SET value = '{SCHEMA_VERSION}' WHERE key = 'schema_version'"]
    )
