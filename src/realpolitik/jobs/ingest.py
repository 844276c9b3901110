"""Ingesting: read items, leave out what the store holds, code the rest, write them in batches.

:func:`ingest` is what ``realpolitik ingest`` runs: documents whose content hash
is stored are skipped before coding (looked up :data:`LOOKAHEAD` items at a
time), the rest are coded by a given :class:`~realpolitik.pipeline.Pipeline` or
by the process pool (:func:`~realpolitik.jobs.pool.run_parallel`, built only
when there is something new to code), and the results and errors are written by
:meth:`Store.write <realpolitik.store.db.Store.write>` in batches of
:data:`WRITE_BATCH_DOCS` documents or :data:`WRITE_BATCH_SECONDS` of coding,
whichever comes first, each batch in one transaction. A run killed at any point
leaves whole batches only, and running it again finishes the job.
:func:`store_results` writes results coded elsewhere (a Parquet dataset) the
same way, without coding.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from typing import TYPE_CHECKING, TypeVar

from realpolitik.store.db import Outcome, Store
from realpolitik.types import Document, DocumentError

if TYPE_CHECKING:
    from realpolitik.config import Config
    from realpolitik.pipeline import Pipeline, Result

LOOKAHEAD = 500  # ingest looks up whether the next documents are stored all at once: at most this many ...
LOOKAHEAD_CHARS = 10_000_000  # ... and this much text
WRITE_BATCH_DOCS = 1000  # coded documents per write transaction ...
WRITE_BATCH_SECONDS = 5.0  # ... or fewer, when coding them took this long (a slow coder still commits often)


@dataclass
class IngestStats:
    """What one ingest did."""

    new_documents: int = 0
    skipped_existing: int = 0  # already stored (same content hash), not coded again
    mentions: int = 0  # event mentions stored
    errors: int = 0  # items that could not be read or coded (recorded in the errors table)
    earliest: date | None = None  # the earliest date of the event mentions stored (event date, else document date)

    def add(self, outcome: Outcome) -> None:
        """Count what :meth:`Store.write` did with one item."""
        if outcome.kind == "stored":
            self.new_documents += 1
            self.mentions += outcome.mentions
            if outcome.earliest is not None and (self.earliest is None or outcome.earliest < self.earliest):
                self.earliest = outcome.earliest
        elif outcome.kind == "skipped":
            self.skipped_existing += 1
        else:
            self.errors += 1


Progress = Callable[[str, str, IngestStats], None]  # (kind: stored|skipped|error, label, running totals)


def ingest(
    store: Store,
    items: Iterable[Document | DocumentError],
    pipeline: Pipeline | None = None,
    workers: int = 1,
    config: Config | None = None,
    progress: Progress | None = None,
) -> IngestStats:
    """Code and store documents; idempotent. Read errors and coding errors go to the errors table.

    Documents already stored (by content hash) are skipped before coding.
    Coding uses `pipeline` when given, else ``run_parallel`` over `workers`
    processes with the language data of `config` (started only if there is something new to code). `progress`
    hears of each item once its batch is committed (of a skipped one at once).
    """
    run = _Run(store, progress)
    documents = run.unstored(items)
    first = next(documents, None)
    if first is not None:
        fresh = chain([first], documents)
        if pipeline is not None:
            run.write(pipeline.run(fresh))
        else:
            from realpolitik.jobs.pool import run_parallel

            run.write(run_parallel(fresh, workers, config))
    return run.finish()


def store_results(
    store: Store, items: Iterable[Result | DocumentError], progress: Progress | None = None
) -> IngestStats:
    """Store results coded elsewhere (and read errors) as :func:`ingest` stores what it codes.

    The same skips by content hash, the same batches and progress reports; nothing is coded.
    """
    run = _Run(store, progress)
    run.write(run.unstored(items))
    return run.finish()


_Item = TypeVar("_Item", "Document", "Result")


@dataclass
class _Run:
    """One ingest: its totals and the batch waiting to be written."""

    store: Store
    progress: Progress | None
    stats: IngestStats = field(default_factory=IngestStats)
    results: list[Result] = field(default_factory=list)
    errors: list[DocumentError] = field(default_factory=list)  # read errors and coding errors
    started: float = field(default_factory=time.monotonic)
    _pending: set[str] = field(default_factory=set)  # content hashes passed on in this run

    def unstored(self, items: Iterable[_Item | DocumentError]) -> Iterator[_Item]:
        """The documents (or results) whose content hash is neither stored nor passed on before.

        Read errors join the batch; skipped items are counted and reported at once.
        """
        for chunk in _lookahead(items):  # one lookup for many documents
            docs = [_document(item) for item in chunk]
            stored = self.store.stored(doc.content_hash for doc in docs if doc is not None)
            for item, doc in zip(chunk, docs):
                if doc is None:
                    assert isinstance(item, DocumentError)
                    self.errors.append(item)
                elif doc.content_hash in self._pending or doc.content_hash in stored:
                    self.stats.skipped_existing += 1
                    self._report("skipped", doc.id)
                else:
                    self._pending.add(doc.content_hash)
                    yield item  # type: ignore[misc]

    def write(self, results: Iterable[Result]) -> None:
        """Write the results in batches (coding errors recorded as errors)."""
        for result in results:
            if result.error:
                self.errors.append(result.error)
            else:
                self.results.append(result)
            if len(self.results) >= WRITE_BATCH_DOCS or time.monotonic() - self.started >= WRITE_BATCH_SECONDS:
                self._flush()

    def finish(self) -> IngestStats:
        self._flush()
        return self.stats

    def _flush(self) -> None:
        outcomes = self.store.write(self.results, self.errors)
        self.results, self.errors, self.started = [], [], time.monotonic()
        for outcome in outcomes:
            self.stats.add(outcome)
            self._report(outcome.kind, outcome.label)

    def _report(self, kind: str, label: str) -> None:
        if self.progress is not None:
            self.progress(kind, label, self.stats)


def _document(item: Document | DocumentError | Result) -> Document | None:
    """The document of an item (a result's), None for a read error."""
    if isinstance(item, DocumentError):
        return None
    return item if isinstance(item, Document) else item.document


def _lookahead(items: Iterable[_Item | DocumentError]) -> Iterator[list[_Item | DocumentError]]:
    """The items in runs of at most LOOKAHEAD items and LOOKAHEAD_CHARS characters of text."""
    run: list[_Item | DocumentError] = []
    chars = 0
    for item in items:
        run.append(item)
        doc = _document(item)
        chars += len(doc.text) if doc is not None else 0
        if len(run) >= LOOKAHEAD or chars >= LOOKAHEAD_CHARS:
            yield run
            run, chars = [], 0
    if run:
        yield run
