"""Code a corpus on a Dask cluster into partitioned Parquet, and load that Parquet into the store.

The client (the machine running ``realpolitik ingest --engine dask``) reads
the input, streaming, and cuts it into partitions of at most
``partition_docs`` items. Each partition is one Dask task: a worker codes it
with the ordinary :class:`~realpolitik.pipeline.Pipeline` (built once per
worker process) and sends back three Arrow tables, which the client writes as
Parquet. At most two partitions per worker thread are in flight, so memory
stays bounded on both sides whatever the corpus size. Workers need
realpolitik installed, but no shared file system: documents travel with the
tasks, the user files over the packaged language data (``--gazetteer``,
``--lexicon``, ``--codebook``, ...) by content.

A document that fails on the worker becomes an error row and its partition
goes on; a partition whose task fails as a whole (a worker died) is coded
again one document at a time, so only the culprit ends up an error row.

Layout of the output directory (one dataset, partitioned by input chunk)::

    manifest.json                  written last: partitions and counts
    documents/part-00000.parquet   one row per input item, in input order (``seq``):
                                   the document, or its read or coding error
    sentences/part-00000.parquet   the sentences of each coded document
    mentions/part-00000.parquet    each coded event mention, all its fields (record.state: spans split)

:func:`load_parquet` turns the rows back into coded results (documents with their
sentences and event mentions) and writes them in input order as a local ingest writes what
it codes (:func:`~realpolitik.jobs.ingest.store_results`: same batches, same rows,
same dedup, same skips by content hash, idempotent), without coding anything.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from realpolitik.record import KINDS, STATE, from_state, state
from realpolitik.types import Document, DocumentError, EventMention, Sentence

if TYPE_CHECKING:
    from distributed import Client, Future

    from realpolitik.config import DataFiles
    from realpolitik.jobs.ingest import IngestStats, Progress
    from realpolitik.pipeline import Pipeline, Result
    from realpolitik.store.db import Store

FORMAT_VERSION = 2  # 2: date precision, country reasons and geocoded places in mentions (date_end: null if older)
PARTITION_DOCS = 100  # items per partition (one Dask task): ~10 s of coding for news articles
PARTITION_CHARS = 8_000_000  # a partition also closes when its texts reach this many characters
TASKS_PER_THREAD = 2  # partitions in flight per worker thread
WAIT_FOR_WORKERS_SECONDS = 120
MANIFEST = "manifest.json"
TABLES = ("documents", "sentences", "mentions")
_MESSAGE_CHARS = 300  # longest cluster error message kept in an error row

DOCUMENT_SCHEMA = pa.schema(
    [
        ("seq", pa.int64()),
        ("doc_id", pa.string()),
        ("source", pa.string()),
        ("url", pa.string()),
        ("title", pa.string()),
        ("doc_date", pa.date32()),
        ("text", pa.string()),
        ("meta", pa.string()),
        ("content_hash", pa.string()),
        ("error", pa.string()),
    ]
)
SENTENCE_SCHEMA = pa.schema(
    [
        ("seq", pa.int64()),
        ("sentence_index", pa.int32()),
        ("text", pa.string()),
        ("start_char", pa.int64()),
        ("sentence_date", pa.date32()),
        ("date_source", pa.string()),
        ("date_text", pa.string()),
    ]
)
# Each mention with everything needed to rebuild it exactly (record.state), spans split
MENTION_SCHEMA = pa.schema(
    [("seq", pa.int64())] + [(c, getattr(pa, KINDS[f.kind][2])()) for f in STATE for c in f.columns()]
)
SCHEMAS = dict(zip(TABLES, (DOCUMENT_SCHEMA, SENTENCE_SCHEMA, MENTION_SCHEMA)))


class ClusterError(RuntimeError):
    """The Dask scheduler cannot be reached, has no workers, or a task failed for a reason no retry can fix."""


@dataclass
class ParquetManifest:
    """What a Parquet dataset holds; saved as ``manifest.json`` once every partition is written."""

    directory: Path
    partitions: int = 0
    documents: int = 0  # rows of the documents table: coded documents plus errors
    errors: int = 0  # read errors and coding errors among them
    mentions: int = 0  # rows of the mentions table
    skipped: int = 0  # items left out before coding because the store held them already

    def save(self) -> None:
        record = {
            "format": FORMAT_VERSION,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            **{k: v for k, v in asdict(self).items() if k != "directory"},
        }
        (self.directory / MANIFEST).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: str | Path) -> ParquetManifest:
        """The manifest of a finished dataset; ValueError when there is none (coding did not finish)."""
        directory = Path(directory)
        try:
            record = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ValueError(f"{directory}: no {MANIFEST}; not a finished realpolitik Parquet dataset") from None
        if record.get("format") != FORMAT_VERSION:
            raise ValueError(
                f"{directory}: Parquet format {record.get('format')!r}, this realpolitik reads {FORMAT_VERSION}"
            )
        if "mentions" not in record:  # written before 0.2.0
            record["mentions"] = record.get("events", 0)
        return cls(directory, **{k: record[k] for k in ("partitions", "documents", "errors", "mentions", "skipped")})


@dataclass(frozen=True)
class CodingSpec:
    """The pipeline to code with: the user files over the packaged language data (``--gazetteer``,
    ``--lexicon``, ``--codebook``, ...), carried by content to the workers."""

    files: tuple[tuple[str, str, str], ...] = ()  # (kind of DataFiles, file name, text)

    @classmethod
    def from_files(cls, files: DataFiles) -> CodingSpec:
        """Read the files, and check them here (ValueError naming the file) rather than on every worker."""
        from realpolitik.config import Config

        Config.load(files)
        return cls(tuple((kind, Path(p).name, Path(p).read_text(encoding="utf-8")) for kind, p in files.paths()))

    def build(self) -> Pipeline:
        from realpolitik.config import Config, DataFiles
        from realpolitik.pipeline import Pipeline, default_pipeline

        if not self.files:
            return default_pipeline()
        paths: dict[str, list[Path]] = {kind: [] for kind in DataFiles.kinds()}
        with tempfile.TemporaryDirectory(prefix="realpolitik-") as tmp:
            for n, (kind, name, text) in enumerate(self.files):
                path = Path(tmp, f"{n}-{name}")
                path.write_text(text, encoding="utf-8")
                paths[kind].append(path)
            return Pipeline(Config.load(DataFiles(**paths)))


# -- coding ---------------------------------------------------------------------------------


def code_to_parquet(
    paths: Sequence[str | Path],
    out_dir: str | Path,
    scheduler: str | None = None,
    partition_docs: int = PARTITION_DOCS,
    *,
    workers: int | None = None,
    default_date: date | None = None,
    files: DataFiles | None = None,
    skip: Callable[[str], bool] | None = None,
    progress: Callable[[ParquetManifest], None] | None = None,
) -> ParquetManifest:
    """Code the files under `paths` on a Dask cluster into a Parquet dataset in `out_dir` (new or empty).

    `scheduler` is a scheduler address (``tcp://host:8786``); without one a
    local cluster of `workers` processes (default: one per CPU) is started.
    `files` are the user files over the packaged language data (read here, coded with
    on the workers). `skip(content_hash)` leaves out documents already stored.
    """
    from realpolitik.config import DataFiles
    from realpolitik.readers.clean import Boilerplate
    from realpolitik.readers.files import read_paths

    files = files or DataFiles()
    spec = CodingSpec.from_files(files)
    return code_items_to_parquet(
        read_paths(paths, default_date, boilerplate=Boilerplate.load(files.boilerplate)),
        out_dir,
        scheduler,
        partition_docs,
        workers=workers,
        spec=spec,
        skip=skip,
        progress=progress,
    )


def code_items_to_parquet(
    items: Iterable[Document | DocumentError],
    out_dir: str | Path,
    scheduler: str | None = None,
    partition_docs: int = PARTITION_DOCS,
    *,
    workers: int | None = None,
    spec: CodingSpec = CodingSpec(),
    skip: Callable[[str], bool] | None = None,
    progress: Callable[[ParquetManifest], None] | None = None,
) -> ParquetManifest:
    """Like :func:`code_to_parquet`, for documents and read errors already in hand."""
    manifest = ParquetManifest(_empty_directory(out_dir))
    with dask_client(scheduler, workers) as client:
        in_flight: dict[Future, tuple[int, list[Document | DocumentError], int]] = {}

        def finish(future: Future) -> None:
            index, batch, first_seq = in_flight.pop(future)
            try:
                tables = _result(future)
            except _WorkerDied:  # find the culprit document by document
                tables = _one_by_one(client, batch, first_seq, spec)
            _write_partition(manifest, index, tables)
            if progress:
                progress(manifest)

        seq = 0
        for index, batch in enumerate(_partitions(items, partition_docs, skip, manifest)):
            while len(in_flight) >= TASKS_PER_THREAD * max(1, sum(client.nthreads().values())):
                finish(_first_done(in_flight))
            in_flight[client.submit(code_partition, batch, seq, spec, pure=False)] = (index, batch, seq)
            seq += len(batch)
        while in_flight:
            finish(_first_done(in_flight))
    manifest.save()
    return manifest


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Client]:
    """A client of the scheduler at `scheduler`, or of a new local cluster of `workers` processes."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler is None:
        # On one machine a dead worker means the document killed it (memory, native crash): give up on the
        # task at once and isolate the culprit, rather than let the scheduler retry it on other workers.
        with (
            dask.config.set({"distributed.scheduler.allowed-failures": 0}),
            LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = Client(scheduler, timeout=30)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        try:
            client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS_SECONDS)
        except TimeoutError:
            raise ClusterError(f"no Dask worker joined {scheduler} within {WAIT_FOR_WORKERS_SECONDS} s") from None
        yield client
    finally:
        client.close()


def code_partition(items: list[Document | DocumentError], first_seq: int, spec: CodingSpec) -> dict[str, pa.Table]:
    """Code one partition on a worker: its documents, sentences and mentions tables.

    Items are numbered ``first_seq``, ``first_seq + 1``, ... A document that
    fails (in coding, or in becoming Arrow rows) gives an error row instead.
    """
    pipeline = _worker_pipeline(spec)
    results = pipeline.run(item for item in items if isinstance(item, Document))
    parts: dict[str, list[pa.Table]] = {name: [] for name in TABLES}
    for seq, item in enumerate(items, first_seq):
        if isinstance(item, DocumentError):
            tables = _error_tables(seq, item)
        else:
            result = next(results)
            try:
                tables = _result_tables(seq, result)
            except Exception as exc:  # noqa: BLE001 - one document, not the partition
                tables = _error_tables(
                    seq, DocumentError(source=item.source or item.id, doc_id=item.id, error=_failure(exc))
                )
        for name in TABLES:
            parts[name].append(tables[name])
    return {name: pa.concat_tables(parts[name]) if parts[name] else SCHEMAS[name].empty_table() for name in TABLES}


_cached: tuple[CodingSpec, Pipeline] | None = None
_cache_lock = threading.Lock()


def _worker_pipeline(spec: CodingSpec) -> Pipeline:
    """The pipeline for `spec`, built once per worker process (kept while the spec stays the same)."""
    global _cached
    with _cache_lock:
        if _cached is None or _cached[0] != spec:
            _cached = (spec, spec.build())
        return _cached[1]


def _partitions(
    items: Iterable[Document | DocumentError], size: int, skip: Callable[[str], bool] | None, manifest: ParquetManifest
) -> Iterator[list[Document | DocumentError]]:
    """Items in lists of at most `size` items and PARTITION_CHARS characters, stored ones left out."""
    batch: list[Document | DocumentError] = []
    chars = 0
    for item in items:
        if isinstance(item, Document):
            if skip is not None and _stored(item, skip):
                manifest.skipped += 1
                continue
            chars += len(item.text)
        batch.append(item)
        if len(batch) >= size or chars >= PARTITION_CHARS:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def _stored(document: Document, skip: Callable[[str], bool]) -> bool:
    try:
        content_hash = document.content_hash
    except UnicodeEncodeError:  # not valid Unicode: the worker reports it
        return False
    return skip(content_hash)


class _WorkerDied(Exception):
    """A task's worker died while running it, as often as the scheduler allows."""


def _result(future: Future) -> dict[str, pa.Table]:
    """A task's tables; _WorkerDied when its worker died, ClusterError for any other failure (nothing to retry)."""
    from distributed import KilledWorker

    try:
        return future.result()
    except KilledWorker:
        raise _WorkerDied from None
    except Exception as exc:  # noqa: BLE001 - lost scheduler, worker without the model, ...: the run stops
        raise ClusterError(f"a Dask task failed: {type(exc).__name__}: {exc}"[:_MESSAGE_CHARS]) from exc


def _first_done(in_flight: dict[Future, Any]) -> Future:
    from distributed import wait

    done, _ = wait(list(in_flight), return_when="FIRST_COMPLETED")
    return next(iter(done))


def _one_by_one(
    client: Client, batch: list[Document | DocumentError], first_seq: int, spec: CodingSpec
) -> dict[str, pa.Table]:
    """Code a failed partition again one item at a time, so the item that kills its worker takes no other along.

    An item whose own task fails becomes an error row.
    """
    parts: dict[str, list[pa.Table]] = {name: [] for name in TABLES}
    for seq, item in enumerate(batch, first_seq):
        try:
            tables = _result(client.submit(code_partition, [item], seq, spec, pure=False))
        except _WorkerDied:
            source = item.source if isinstance(item, DocumentError) else item.source or item.id
            doc_id = item.doc_id if isinstance(item, DocumentError) else item.id
            tables = _error_tables(
                seq,
                DocumentError(
                    source=source,
                    doc_id=doc_id,
                    error="a Dask worker died while coding this document (out of memory, or a crash in native code)",
                ),
            )
        for name in TABLES:
            parts[name].append(tables[name])
    return {name: pa.concat_tables(parts[name]) for name in TABLES}


def _write_partition(manifest: ParquetManifest, index: int, tables: dict[str, pa.Table]) -> None:
    for name in TABLES:
        pq.write_table(tables[name], manifest.directory / name / f"part-{index:05d}.parquet", compression="zstd")
    documents = tables["documents"]
    manifest.partitions += 1
    manifest.documents += documents.num_rows
    manifest.errors += documents.num_rows - documents["error"].null_count
    manifest.mentions += tables["mentions"].num_rows


def _empty_directory(out_dir: str | Path) -> Path:
    """`out_dir` with its table folders, created; ValueError if it holds anything already."""
    directory = Path(out_dir)
    if directory.exists() and any(directory.iterdir()):
        raise ValueError(f"{directory} is not empty; give a new or empty directory for the Parquet dataset")
    for name in TABLES:
        (directory / name).mkdir(parents=True, exist_ok=True)
    return directory


def _failure(exc: BaseException) -> str:
    if isinstance(exc, UnicodeEncodeError):
        return f"text is not valid Unicode: {exc.reason} at character {exc.start}"
    return f"coding failed: {type(exc).__name__}: {exc}"[:_MESSAGE_CHARS]


# -- rows -----------------------------------------------------------------------------------


def _error_tables(seq: int, error: DocumentError) -> dict[str, pa.Table]:
    row = {"seq": seq, "doc_id": error.doc_id, "source": error.source, "error": error.error}
    return {
        "documents": pa.Table.from_pylist([row], DOCUMENT_SCHEMA),
        "sentences": SENTENCE_SCHEMA.empty_table(),
        "mentions": MENTION_SCHEMA.empty_table(),
    }


def _result_tables(seq: int, result: Result) -> dict[str, pa.Table]:
    """One coded document as Arrow rows (raises when a value cannot be stored, e.g. invalid Unicode)."""
    doc = result.document
    meta = json.dumps(doc.meta, sort_keys=True, ensure_ascii=False, default=str) if doc.meta else None
    document = {
        "seq": seq,
        "doc_id": doc.id,
        "source": doc.source,
        "url": doc.url,
        "title": doc.title,
        "doc_date": doc.date,
        "text": doc.text,
        "meta": meta,
        "content_hash": doc.content_hash,
        "error": result.error.error if result.error else None,
    }
    sentences = [
        {
            "seq": seq,
            "sentence_index": s.index,
            "text": s.text,
            "start_char": s.start,
            "sentence_date": s.date,
            "date_source": s.date_source,
            "date_text": s.date_text,
        }
        for s in result.sentences
    ]
    return {
        "documents": pa.Table.from_pylist([document], DOCUMENT_SCHEMA),
        "sentences": pa.Table.from_pylist(sentences, SENTENCE_SCHEMA),
        "mentions": pa.Table.from_pylist([{"seq": seq, **state(e)} for e in result.mentions], MENTION_SCHEMA),
    }


# -- loading --------------------------------------------------------------------------------


def load_parquet(store: Store, directory: str | Path, progress: Progress | None = None) -> IngestStats:
    """Store a Parquet dataset written by :func:`code_to_parquet`; idempotent, nothing is coded again."""
    from realpolitik.jobs.ingest import store_results

    manifest = ParquetManifest.load(directory)
    return store_results(store, read_parquet(manifest), progress)


def read_parquet(manifest: ParquetManifest) -> Iterator[Result | DocumentError]:
    """The dataset's items in input order, one partition in memory at a time.

    Coded documents come back as Results (their sentences and event mentions, or their coding
    error); read errors as DocumentErrors.
    """
    for index in range(manifest.partitions):
        name = f"part-{index:05d}.parquet"
        tables = {t: pq.read_table(manifest.directory / t / name, schema=SCHEMAS[t]).to_pylist() for t in TABLES}
        sentences: dict[int, list[Sentence]] = {}
        for s in tables["sentences"]:
            sentences.setdefault(s["seq"], []).append(
                Sentence(
                    doc_id="",
                    index=s["sentence_index"],
                    text=s["text"],
                    start=s["start_char"],
                    date=s["sentence_date"],
                    date_source=s["date_source"],
                    date_text=s["date_text"],
                )
            )
        mentions: dict[int, list[EventMention]] = {}
        for m in tables["mentions"]:
            mentions.setdefault(m["seq"], []).append(from_state(m))
        for row in sorted(tables["documents"], key=lambda r: r["seq"]):
            yield _item(row, sentences.get(row["seq"], []), mentions.get(row["seq"], []))


def _item(row: dict[str, Any], sentences: list[Sentence], mentions: list[EventMention]) -> Result | DocumentError:
    from realpolitik.pipeline import Result

    if row["text"] is None:
        return DocumentError(source=row["source"], error=row["error"], doc_id=row["doc_id"])
    for sentence in sentences:
        sentence.doc_id = row["doc_id"]
    error = (
        DocumentError(source=row["source"] or row["doc_id"], doc_id=row["doc_id"], error=row["error"])
        if row["error"]
        else None
    )
    document = Document(
        id=row["doc_id"],
        text=row["text"],
        date=row["doc_date"],
        title=row["title"],
        url=row["url"],
        source=row["source"],
        meta=json.loads(row["meta"]) if row["meta"] else {},
    )
    return Result(document, mentions, sorted(sentences, key=lambda s: s.index), error)


# -- code and load ----------------------------------------------------------------------------


def ingest_with_dask(
    store: Store,
    paths: Sequence[str | Path],
    scheduler: str | None = None,
    parquet_dir: str | Path | None = None,
    *,
    workers: int | None = None,
    partition_docs: int = PARTITION_DOCS,
    default_date: date | None = None,
    files: DataFiles | None = None,
    coded: Callable[[ParquetManifest], None] | None = None,
    progress: Progress | None = None,
) -> IngestStats:
    """``realpolitik ingest --engine dask``: code what the store lacks on the cluster, then load it.

    The Parquet dataset is kept in `parquet_dir` when given (for ``ingest
    --from-parquet`` into other stores), else written to a temporary directory.
    `coded` is called after each partition, `progress` for each item loaded.
    """
    with tempfile.TemporaryDirectory(prefix="realpolitik-parquet-") as tmp:
        manifest = code_to_parquet(
            paths,
            parquet_dir or tmp,
            scheduler,
            partition_docs,
            workers=workers,
            default_date=default_date,
            files=files,
            skip=store.has_document,
            progress=coded,
        )
        stats = load_parquet(store, manifest.directory, progress)
    stats.skipped_existing += manifest.skipped
    return stats
