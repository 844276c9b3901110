"""The event store: coded documents and cross-story deduplicated events in DuckDB or PostgreSQL."""

from realpolitik.store.db import DEFAULT_DB, EventFilter, Outcome, Store, actor_filter
from realpolitik.store.dedup import WINDOW_DAYS

__all__ = ["DEFAULT_DB", "EventFilter", "Outcome", "Store", "WINDOW_DAYS", "actor_filter"]
