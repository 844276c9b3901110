"""Coding on several processes of this machine: ``run_parallel``, the process pool of ``code`` and ``ingest``.

Each worker process builds its own :class:`~realpolitik.pipeline.Pipeline` once and codes
batches of documents (the pipeline's own batches) sent to it; results come back in input
order, with at most two batches per worker in flight, so memory stays bounded. A worker
ends by itself within a second when its parent is gone, so a parent killed with SIGKILL
leaves no orphan workers behind.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from realpolitik.pipeline import BATCH_CHARS, BATCH_SIZE, Pipeline, Result, _batches
from realpolitik.types import Document

_worker: Pipeline | None = None


def _init_worker(gazetteer_files: Sequence[str], lexicon_files: Sequence[str]) -> None:
    global _worker
    _exit_with_parent(os.getppid())
    _worker = Pipeline(gazetteer_files, lexicon_files)


def _exit_with_parent(parent: int, every: float = 0.5) -> None:
    """End this worker process once `parent` is gone (killed with SIGKILL, it cannot tell its pool)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _run_batch(batch: list[Document]) -> list[Result]:
    assert _worker is not None
    return list(_worker.run(batch))


def run_parallel(
    documents: Iterable[Document],
    workers: int,
    gazetteer_files: Sequence[str | Path] = (),
    lexicon_files: Sequence[str | Path] = (),
    batch_size: int = BATCH_SIZE,
) -> Iterator[Result]:
    """Like ``Pipeline.run`` over `workers` processes, results in input order, memory bounded."""
    if workers <= 1:
        yield from Pipeline(gazetteer_files, lexicon_files).run(documents, batch_size)
        return
    batches = _batches(documents, batch_size, BATCH_CHARS)
    args = ([str(p) for p in gazetteer_files], [str(p) for p in lexicon_files])
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=args) as pool:
        pending: list[Future[list[Result]]] = []
        while True:
            while len(pending) < workers * 2:
                batch = next(batches, None)
                if batch is None:
                    break
                pending.append(pool.submit(_run_batch, batch))
            if not pending:
                return
            yield from pending.pop(0).result()
