"""How the API reads its store while others write to it, and how it keeps answering quickly.

* **One read-only connection, no lock.** Requests share one read-only connection
  (each on its own DuckDB cursor, so queries run in parallel; on PostgreSQL each
  takes a connection from a small pool). Nothing a request does holds up another.
* **Writers come first.** A DuckDB file takes one writer and no readers meanwhile.
  When ``ingest`` or ``watch`` wants the file (its gate, :mod:`realpolitik.store.gate`),
  no new request uses the connection, and it is closed as soon as the requests on
  it are done; requests then wait up to ``read_wait`` seconds and, if the writer
  is still at it, get a JSON 503 with ``Retry-After``. The server's own
  ``POST /api/ingest`` takes the file the same way.
* **Answers cached per store version.** A GET's answer (its JSON) is kept per store
  version and query string: repeated dashboard requests, alerts and dyad series
  included, cost a dictionary lookup until a write changes the version. Requests
  asking what another is computing wait for it instead of computing it again.
* **Time limits and clients that go away.** Each request runs in a worker thread
  with a deadline: past it the request gets a JSON 503 and its work is stopped
  (the running query is interrupted); so is the work of a client that disconnects.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel

from realpolitik.actors.gazetteer import Gazetteer
from realpolitik.analysis.names import ActorNames
from realpolitik.store.db import POSTGRES_PREFIXES, Store
from realpolitik.store.errors import StoreBusy, StoreError
from realpolitik.store.gate import ReaderCheck

READ_WAIT = 2.0  # seconds a request waits for a writer to finish before it gets a 503
RETRY_AFTER = 5  # seconds, in the Retry-After header of a 503
REQUEST_TIMEOUT = 30.0  # seconds a request may take; then a 503 and its work is stopped
POOL_SIZE = 8  # idle PostgreSQL connections kept
CACHE_ENTRIES = 1024
CACHE_BYTES = 64 * 1024 * 1024


class RequestTimeout(Exception):
    """A request ran out of time (its work was stopped)."""


class Cancelled(Exception):
    """The work of a request whose client went away, or whose time ran out."""


@dataclass
class View:
    """What one request reads through: a store (a cursor or a pooled connection) and its version."""

    store: Store
    version: str
    _names: dict[str, ActorNames] = field(default_factory=dict)


class StoreAccess:
    """The API's read-only view of one store, shared by concurrent requests, stepping aside for writers."""

    def __init__(self, url: str, read_wait: float = READ_WAIT):
        self.url = url
        self.postgres = url.startswith(POSTGRES_PREFIXES)
        self.read_wait = read_wait
        self._cond = threading.Condition()
        self._shared: Store | None = None  # DuckDB: the read-only connection
        self._version = ""
        self._users = 0
        self._writers = 0  # this process's own writes (POST /api/ingest) in progress
        self._idle: list[Store] = []  # PostgreSQL: pooled read-only connections
        self._gate = None if self.postgres else ReaderCheck(url)
        self._names: tuple[str, ActorNames] | None = None
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    # -- reading ---------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[View]:
        """A view of the store for one request; raises StoreBusy while a writer keeps the file."""
        if self.postgres:
            try:
                store = self._idle.pop()
            except IndexError:
                store = Store.open(self.url, read_only=True)
            healthy = False
            try:
                view = View(store, store.version())
                yield view
                healthy = True
            finally:
                if healthy and len(self._idle) < POOL_SIZE:
                    self._idle.append(store)
                else:
                    store.close()
            return
        shared, version = self._checkout()
        cursor = shared.cursor()
        try:
            yield View(cursor, version)
        finally:
            cursor.close()
            self._checkin()

    def _writer_waiting(self) -> bool:
        return self._gate is not None and self._gate.writer_waiting()

    def current_version(self) -> str | None:
        """The version of the open DuckDB connection, if requests may use it now (None: ask :meth:`read`)."""
        with self._cond:
            if self.postgres or self._shared is None or self._writers or self._writer_waiting():
                return None
            return self._version

    def names(self, view: View) -> ActorNames:
        """Actor names for queries over this version of the store (built once per version)."""
        with self._cond:
            if self._names is not None and self._names[0] == view.version:
                return self._names[1]
        frame = view.store.actors(modalities=None)
        names = ActorNames(Gazetteer.load(), list(zip(frame["actor"], frame["name"])))
        with self._cond:
            self._names = (view.version, names)
        return names

    def _checkout(self) -> tuple[Store, str]:
        if not Path(self.url).exists():  # a new store (serve with an ingest token): create its tables
            with self.write():
                pass
        deadline = time.monotonic() + self.read_wait
        with self._cond:
            while True:
                writer = self._writers > 0 or self._writer_waiting()
                if self._shared is not None and not writer:
                    break
                if self._shared is not None and self._users == 0:
                    self._close_shared()
                if self._shared is None and not writer:
                    try:
                        self._shared = Store.open(self.url, read_only=True, wait=0)
                    except StoreBusy:  # another process still has the file open for writing
                        pass
                    else:
                        self._version = self._shared.version()
                        self._start_watcher()
                        break
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StoreBusy(
                        f"{Path(self.url).name} is being written by another process "
                        f"(ingest or watch); try again in a few seconds"
                    )
                self._cond.wait(min(0.05, left))
            self._users += 1
            return self._shared, self._version

    def _checkin(self) -> None:
        with self._cond:
            self._users -= 1
            if self._users == 0 and (self._writers or self._writer_waiting()):
                self._close_shared()
            self._cond.notify_all()

    def _close_shared(self) -> None:
        if self._shared is not None:
            self._shared.close()
            self._shared = None
        self._cond.notify_all()

    def _start_watcher(self) -> None:
        """Close the idle connection when a writer asks for the file, even if no request comes."""
        if self._watcher is None:
            self._watcher = threading.Thread(target=self._watch, name="realpolitik-store-watch", daemon=True)
            self._watcher.start()

    def _watch(self) -> None:
        while not self._stop.wait(0.1):
            with self._cond:
                if self._shared is not None and self._users == 0 and self._writer_waiting():
                    self._close_shared()

    # -- writing ---------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[Store]:
        """The store opened for writing by this process; its readers wait (or get 503) meanwhile."""
        with self._cond:
            self._writers += 1
            while self._users:
                self._cond.wait(0.05)
            self._close_shared()
        try:
            with Store.open(self.url) as store:
                yield store
        finally:
            with self._cond:
                self._writers -= 1
                self._cond.notify_all()

    def close(self) -> None:
        self._stop.set()
        with self._cond:
            try:
                self._close_shared()
            except Exception:  # noqa: BLE001 - a query still running as the server stops: the process ends anyway
                self._shared = None
            while self._idle:
                self._idle.pop().close()
            if self._gate is not None:
                self._gate.close()


class AnswerCache:
    """JSON answers by (store version, path, query); least recently used dropped past the limits."""

    def __init__(self, entries: int = CACHE_ENTRIES, max_bytes: int = CACHE_BYTES):
        self.entries, self.max_bytes = entries, max_bytes
        self._answers: OrderedDict[Hashable, bytes] = OrderedDict()
        self._bytes = 0
        self._running: dict[Hashable, threading.Event] = {}
        self._lock = threading.Lock()

    def peek(self, key: Hashable) -> bytes | None:
        """The answer for `key` if it is cached."""
        with self._lock:
            found = self._answers.get(key)
            if found is not None:
                self._answers.move_to_end(key)
            return found

    def get(self, key: Hashable, compute: Callable[[], bytes], cancel: threading.Event) -> bytes:
        """The answer for `key`, computed once however many requests ask for it at the same time."""
        while True:
            with self._lock:
                if key in self._answers:
                    self._answers.move_to_end(key)
                    return self._answers[key]
                running = self._running.get(key)
                if running is None:
                    self._running[key] = threading.Event()
                    break
            while not running.wait(0.05):  # another request computes it: wait, unless this one is stopped
                if cancel.is_set():
                    raise Cancelled
        try:
            answer = compute()
            with self._lock:
                self._put(key, answer)
            return answer
        finally:
            with self._lock:
                self._running.pop(key).set()

    def _put(self, key: Hashable, answer: bytes) -> None:
        if len(answer) > self.max_bytes // 4:
            return  # one huge answer would push out everything else
        self._answers[key] = answer
        self._bytes += len(answer)
        while len(self._answers) > self.entries or self._bytes > self.max_bytes:
            _, dropped = self._answers.popitem(last=False)
            self._bytes -= len(dropped)


async def answer(
    request: Request,
    access: StoreAccess,
    cache: AnswerCache,
    model: type[BaseModel],
    compute: Callable[[View], dict[str, Any]],
    timeout: float,
) -> Response:
    """Run `compute` for a GET request in a worker thread and answer its result as `model`'s JSON.

    Cached per store version; stopped (query interrupted) when the client disconnects or `timeout`
    seconds pass, the latter answered by :class:`RequestTimeout` (a 503).
    """
    key_query = tuple(sorted(request.query_params.multi_items()))
    version = access.current_version()
    cached = cache.peek((version, request.url.path, key_query)) if version is not None else None
    if cached is not None:  # the common case: no thread, no connection
        return Response(cached, media_type="application/json")
    cancel = threading.Event()
    running: list[Store] = []

    done = threading.Event()

    def work() -> bytes:
        try:
            with access.read() as view:

                def build() -> bytes:
                    running.append(view.store)
                    if cancel.is_set():
                        raise Cancelled
                    return model.model_validate(compute(view)).model_dump_json().encode()

                return cache.get((view.version, request.url.path, key_query), build, cancel)
        finally:
            done.set()

    outcome: dict[str, Any] = {}

    async def run(scope: anyio.CancelScope) -> None:
        try:
            outcome["body"] = await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
        except Exception as exc:  # noqa: BLE001 - re-raised below, outside the task group
            outcome["error"] = exc
        scope.cancel()

    async def watch(scope: anyio.CancelScope) -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass
        outcome["gone"] = True
        scope.cancel()

    with anyio.move_on_after(timeout):
        async with anyio.create_task_group() as group:
            group.start_soon(run, group.cancel_scope)
            group.start_soon(watch, group.cancel_scope)
    if "error" in outcome:
        raise outcome["error"]
    if "body" in outcome:
        return Response(outcome["body"], media_type="application/json")
    cancel.set()
    threading.Thread(target=_stop, args=(running, done), name="realpolitik-stop", daemon=True).start()
    if outcome.get("gone"):
        return Response(status_code=499)  # nobody reads it
    raise RequestTimeout(
        f"the request took longer than {timeout:g} s and was stopped; narrow it (since, actor, dyad) or try again later"
    )


def _stop(running: list[Store], done: threading.Event) -> None:
    """Interrupt a request's queries until its work ends (a query may start just after an interrupt)."""
    while not done.wait(0.05):
        for store in running:
            try:
                store.interrupt()
            except Exception:  # noqa: BLE001 - its cursor closed as the work ended
                pass


def busy_headers(exc: StoreError) -> dict[str, str]:
    """Retry-After for a 503: soon while a writer works, later for other storage problems."""
    return {"Retry-After": str(RETRY_AFTER if isinstance(exc, StoreBusy) else 6 * RETRY_AFTER)}
