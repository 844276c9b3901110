"""Taking turns on one DuckDB file: readers step aside when a writer wants it.

A DuckDB file is open either to one writing process or to any number of
reading ones. A reader that keeps its connection (``realpolitik serve``) would
keep writers out for ever, so a writer first says it wants the file: it holds
an exclusive ``flock`` on ``FILE.lock`` beside the store for as long as it
writes. Readers test that lock before they use their connection; while it is
held they close the connection and answer "busy" (the API's 503 with
Retry-After) until the writer is done. Where ``fcntl`` does not exist
(Windows) there is no gate and DuckDB's own lock alone decides.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

POLL_SECONDS = 0.05


def lock_path(db: str | Path) -> Path:
    """The gate file of a DuckDB store."""
    return Path(f"{db}.lock")


class WriterGate:
    """A writer's hold on a store's gate file (reentrant per process: one hold at a time)."""

    def __init__(self, db: str | Path):
        self.path = lock_path(db)
        self._fd: int | None = None

    def acquire(self, wait: float) -> bool:
        """Hold the gate, waiting up to `wait` seconds for another writer; False if it still holds it.

        A gate file that cannot be created (a read-only folder) is no gate: True, and
        the DuckDB open that follows says what is wrong.
        """
        if fcntl is None:
            return True
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return True
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._fd = fd
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(POLL_SECONDS)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the lock
            self._fd = None


class ReaderCheck:
    """A reader's view of the gate: is a writer waiting for, or holding, the store?"""

    def __init__(self, db: str | Path):
        self.path = lock_path(db)
        self._fd: int | None = None

    def writer_waiting(self) -> bool:
        if fcntl is None:
            return False
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_RDONLY)
            except OSError:
                return False  # no gate file: no writer has asked (or none can, on a read-only medium)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        return False

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
