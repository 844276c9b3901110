"""What can go wrong with a store's file or server, said in one line with what to do.

:func:`store_error` turns an exception of DuckDB, psycopg or the file system
into a :class:`StoreError` (or None when it is no storage problem, a bug), so
the command line prints one line and exits with the status of its kind, and
the API answers 503. Passwords in PostgreSQL URLs are never repeated.
"""

from __future__ import annotations

import errno
import re
from urllib.parse import urlsplit

# Exit statuses of the command line, after BSD's sysexits.h (1 stays "some items failed", 2 a usage error).
EXIT_STORE = 74  # EX_IOERR: the store cannot be read or written as asked (full, read-only, damaged, unreachable)
EXIT_STORE_BUSY = 75  # EX_TEMPFAIL: another process is writing the store; the same command works later


class StoreError(Exception):
    """The store cannot be used as asked; ``str()`` is one line naming the problem and what to do."""

    kind = "store"
    exit_status = EXIT_STORE


class StoreBusy(StoreError):
    """Another process holds the store for writing (a DuckDB file takes one writer and no readers meanwhile)."""

    kind = "busy"
    exit_status = EXIT_STORE_BUSY


class StoreFull(StoreError):
    kind = "full"


class StoreReadOnly(StoreError):
    kind = "read-only"


class StoreDamaged(StoreError):
    kind = "damaged"


class StoreMissing(StoreError):
    kind = "missing"


class StoreUnreachable(StoreError):
    kind = "unreachable"


_LOCK_PID = re.compile(r"\(PID (\d+)\)")


def store_error(exc: BaseException, url: str | None = None) -> StoreError | None:
    """The storage problem behind `exc` as a StoreError with its one-line message; None for anything else.

    An OSError counts only with the store's `url` (it came from opening the store, not from another file)."""
    if isinstance(exc, StoreError):
        return exc
    module = type(exc).__module__.split(".")[0]
    text = " ".join(str(exc).split())
    where = store_name(url) if url else _quoted_path(text) or "the store"
    low = text.lower()
    if module in ("duckdb", "_duckdb") or isinstance(exc, OSError) and url is not None:
        code = getattr(exc, "errno", None)
        if "conflicting lock" in low or "could not set lock" in low or "different configuration" in low:
            # (the last: this process has the file open read-only, as `serve` does, and steps aside soon)
            pid = _LOCK_PID.search(text)
            by = f" (process {pid.group(1)})" if pid else ""
            return StoreBusy(
                f"{where} is being written by another process{by}; run this again when it has "
                "finished (a DuckDB file takes one writer at a time, and no readers while it writes)"
            )
        if code == errno.ENOSPC or "no space left" in low:
            return StoreFull(
                f"{where}: the disk is full; nothing was stored past the last whole document. "
                "Free some space and run the same command again"
            )
        if (
            code in (errno.EROFS, errno.EACCES, errno.EPERM)
            or "read-only file system" in low
            or "permission denied" in low
            or "read-only mode" in low
            and "does not exist" not in low
        ):
            return StoreReadOnly(
                f"{where} cannot be written (read-only file or medium, or no permission); "
                "it can still be queried and served: ingest into a writable copy instead"
            )
        if (
            "not a valid duckdb database" in low
            or "corrupt" in low
            or "checksum" in low
            or "serialization error" in low
            or "invalid database" in low
        ):
            return StoreDamaged(
                f"{where} is not a realpolitik store or is damaged (it was left untouched); "
                "restore it from a copy, or give --db a new file and ingest again"
            )
        if code == errno.ENOENT or "does not exist" in low or "no such file" in low:
            return StoreMissing(
                f"{where} does not exist: check the path, or create the store with `realpolitik ingest PATH --db FILE`"
            )
        if module in ("duckdb", "_duckdb"):
            return StoreError(f"{where}: {_first_line(exc)}")
        return None
    if module in ("psycopg", "psycopg_pool"):
        server = store_name(url) if url else "the PostgreSQL server"
        if type(exc).__name__ in ("OperationalError", "ProgrammingError", "InterfaceError") and (
            "connection" in low
            or "dsn" in low
            or "conninfo" in low
            or "url" in low
            or "spaces" in low
            or "password" in low
            or "database" in low
        ):
            reason = _first_line(exc).removeprefix("connection failed: ")
            return StoreUnreachable(
                f"cannot connect to {server}: {reason}; check the URL "
                "(postgresql://USER@HOST:PORT/DATABASE) and that the server is running"
            )
        if "read-only" in low:
            return StoreReadOnly(f"{server} is read-only for this user: it can be queried, not written")
        if "no space left" in low or "disk full" in low:
            return StoreFull(f"{server}: the server's disk is full; free space and run the same command again")
        return StoreError(f"{server}: {_first_line(exc)}")
    return None


def store_name(url: str) -> str:
    """A store's name for messages: a DuckDB path as given, a PostgreSQL URL without its password."""
    if not str(url).startswith(("postgresql://", "postgres://")):
        return str(url)
    parts = urlsplit(str(url))
    try:
        host = parts.hostname or "localhost"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # an unparsable port: say the URL is wrong without repeating it
        return "PostgreSQL (the URL given)"
    return f"PostgreSQL at {host}{port}{parts.path or ''}"


def _quoted_path(text: str) -> str | None:
    found = re.search(r'"([^"]+)"', text)
    return found.group(1) if found else None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__
