"""Write throughput of the store as it grows: ``ingest`` against ``code``, and ``--from-parquet`` loads.

    python benchmarks/store.py [--corpus ../shared/data/news_wikinews.jsonl] [--slice 200] [--sizes 1 4 16]
                               [--out benchmarks/store.md]

All in one process, on the first ``--slice`` documents of the corpus:

* ``code``: the slice coded and every event serialised (what ``realpolitik code`` does), the baseline;
* ``ingest`` at N×: a DuckDB store already holding N copies of the slice (each copy's text given a last
  line "Copy N.", so the store keeps them all, with the same events: every event gets one more report
  per copy, the hardest case for the dedup) takes one more copy through ``realpolitik.jobs.ingest.ingest`` with the
  same pipeline. Its throughput against ``code``'s is the cost of storing, compared in CPU seconds of
  this process (DuckDB's threads included), which a shared machine disturbs less than wall time;
* ``write`` at N×: that copy's writing alone (coded results replayed), per document, with the store
  grown two ways: copies with the same dates (clusters grow with the store) and copies moved by
  ten years each (the store grows, its clusters do not);
* ``--from-parquet``: the slice repeated 16 times (3,200 documents) as a Parquet dataset of the
  Dask engine's layout, loaded into a new store (``load_parquet``), and one more copy of the slice
  loaded into the store at N×.

The Markdown table (with the machine and its load) goes to stdout and to ``--out``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date, timedelta
from itertools import islice
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import DEFAULT_CORPUS, machine  # noqa: E402

PARQUET_COPIES = 16


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--slice", type=int, default=200, help="documents in one copy (default 200)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 4, 16], help="copies in the store before a run")
    ap.add_argument("--out", type=Path, default=HERE / "store.md")
    args = ap.parse_args(argv)

    from realpolitik.jobs.dask_engine import load_parquet
    from realpolitik.jobs.ingest import ingest
    from realpolitik.pipeline import Pipeline
    from realpolitik.readers.files import read_paths
    from realpolitik.store import Store
    from realpolitik.types import Document

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        sample, others = Path(tmp) / "slice.jsonl", Path(tmp) / "warm-up.jsonl"
        with open(args.corpus, encoding="utf-8") as src:
            sample.write_text("".join(islice(src, args.slice)), encoding="utf-8")
            others.write_text("".join(islice(src, 20)), encoding="utf-8")
        documents = [d for d in read_paths([sample]) if isinstance(d, Document)]
        pipeline = Pipeline()
        list(pipeline.run(d for d in read_paths([others]) if isinstance(d, Document)))  # warm-up, other texts

        started, cpu = time.perf_counter(), time.process_time()
        results = []
        with open(os.devnull, "w") as sink:
            for result in pipeline.run(documents):
                results.append(result)
                for event in result.mentions:
                    sink.write(json.dumps(event.to_dict()) + "\n")
        code_s, code_cpu = time.perf_counter() - started, time.process_time() - cpu
        n = len(results)
        print(f"code: {code_s:.1f} s for {n} documents", file=sys.stderr)

        rows = []
        for size in args.sizes:
            with Store.open(Path(tmp) / f"ingest{size}.duckdb") as store:
                for copy in range(size):
                    replay(store, copied(results, copy))
                fresh = [r.document for r in copied(results, size)]
                started, cpu = time.perf_counter(), time.process_time()
                ingest(store, fresh, pipeline=pipeline)
                ingest_s, ingest_cpu = time.perf_counter() - started, time.process_time() - cpu
                same = replay(store, copied(results, size + 1))
            with Store.open(Path(tmp) / f"moved{size}.duckdb") as store:
                for copy in range(size):
                    replay(store, copied(results, copy, shift_years=10 * copy))
                moved = replay(store, copied(results, size, shift_years=10 * size))
            rows.append((size, ingest_s, ingest_cpu, same, moved))
            print(f"{size}x: ingest {ingest_s:.1f} s, write {same:.2f} s / {moved:.2f} s", file=sys.stderr)

        parquet = Path(tmp) / "parquet"
        write_parquet(parquet, [r for copy in range(PARQUET_COPIES) for r in copied(results, copy)])
        with Store.open(Path(tmp) / "parquet.duckdb") as store:
            started = time.perf_counter()
            stats = load_parquet(store, parquet)
            parquet_s = time.perf_counter() - started
        print(f"--from-parquet: {stats.new_documents} documents in {parquet_s:.1f} s", file=sys.stderr)
        loads = []
        for size in args.sizes:
            one_copy = Path(tmp) / f"parquet-copy{size}"
            write_parquet(one_copy, copied(results, size))
            with Store.open(Path(tmp) / f"parquet{size}.duckdb") as store:
                for copy in range(size):
                    replay(store, copied(results, copy))
                started = time.perf_counter()
                load_parquet(store, one_copy)
                loads.append((size, time.perf_counter() - started))

    text = report(args, n, code_s, code_cpu, rows, stats.new_documents, parquet_s, loads, load_before, os.getloadavg())
    print(text)
    args.out.write_text(text + "\n", encoding="utf-8")
    return 0


def copied(results: Sequence, copy: int, shift_years: int = 0) -> list:
    """The coded results as copy number `copy` of the slice: distinct texts (so distinct documents), same
    events, dates moved by `shift_years` years (about; 365 days each)."""
    shift = timedelta(days=365 * shift_years)

    def moved(day: date | None) -> date | None:
        return day + shift if day is not None else None

    out = []
    for r in results:
        doc = dataclasses.replace(
            r.document,
            id=f"{r.document.id}#{copy}",
            date=moved(r.document.date),
            text=r.document.text + (f"\n\nCopy {copy}." if copy else ""),
        )
        events = (
            [dataclasses.replace(e, event_date=moved(e.event_date), doc_date=moved(e.doc_date)) for e in r.mentions]
            if shift
            else r.mentions
        )
        out.append(dataclasses.replace(r, document=doc, events=events))
    return out


def replay(store, results: Sequence) -> float:
    """Seconds to write coded results into the store (as ingest writes what it codes)."""
    from realpolitik.jobs.ingest import store_results

    started = time.perf_counter()
    stats = store_results(store, results)
    assert stats.new_documents == len(results), stats
    return time.perf_counter() - started


def write_parquet(directory: Path, results: Sequence, partition: int = 100) -> None:
    """The results as the Dask engine writes them: partitions of `partition` documents, then the manifest."""
    import pyarrow as pa

    from realpolitik.jobs.dask_engine import TABLES, ParquetManifest, _result_tables, _write_partition

    for name in TABLES:
        (directory / name).mkdir(parents=True)
    manifest = ParquetManifest(directory)
    for index, start in enumerate(range(0, len(results), partition)):
        parts = [_result_tables(seq, r) for seq, r in enumerate(results[start : start + partition], start)]
        _write_partition(manifest, index, {t: pa.concat_tables([p[t] for p in parts]) for t in TABLES})
    manifest.save()


def report(
    args: argparse.Namespace,
    n: int,
    code_s: float,
    code_cpu: float,
    rows: list,
    parquet_docs: int,
    parquet_s: float,
    loads: list,
    load_before: tuple[float, ...],
    load_after: tuple[float, ...],
) -> str:
    lines = [
        (
            f"Corpus: the first {n} coded documents of {args.corpus.name}; store sizes in copies of them. "
            f"Machine: {machine()}. Load average before / after: {load_before[0]:.1f} / {load_after[0]:.1f}."
        ),
        "",
        "| store holds | ingest s (CPU s) | ingest vs code, CPU (wall) | write ms/doc, same dates "
        "| write ms/doc, moved dates | --from-parquet ms/doc |",
        "|---|---|---|---|---|---|",
    ]
    for (size, ingest_s, ingest_cpu, same, moved), (_, load) in zip(rows, loads):
        lines.append(
            f"| {size}× ({size * n:,} documents) | {ingest_s:.1f} ({ingest_cpu:.1f}) | "
            f"{code_cpu / ingest_cpu:.0%} ({code_s / ingest_s:.0%}) | "
            f"{same / n * 1000:.1f} | {moved / n * 1000:.1f} | {load / n * 1000:.1f} |"
        )
    lines += [
        "",
        f"`code` on the same {n} documents: {code_s:.1f} s, {code_cpu:.1f} CPU s "
        f"({code_s / n * 1000:.0f} ms/doc). "
        f"`--from-parquet` of {parquet_docs:,} documents ({PARQUET_COPIES} copies) into a new store: "
        f"{parquet_s:.1f} s.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
