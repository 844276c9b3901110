"""Time and memory as the corpus grows: 1x, 4x and 16x a slice of the Wikinews corpus.

    python benchmarks/scale.py [--corpus ../shared/data/news_wikinews.jsonl] [--slice 200] [--copies 1 4 16]
                               [--runs single two store dask] [--out benchmarks/scale.md]

The first ``--slice`` documents are repeated 1, 4 and 16 times into a JSONL
file (ids made unique, and each copy's text given a last line "Copy N." so
the store, which skips texts it holds, keeps them all) and coded four ways,
each run in a fresh process so its peak RSS is its own:

* ``single``: ``realpolitik code`` in one process (read, code, serialise events);
* ``two``: the same with 2 worker processes (``--workers 2``);
* ``store``: ``realpolitik ingest`` into a new DuckDB store, one process (code, dedup, write);
* ``dask``: ``ingest --engine dask`` on a local 2-process Dask cluster
  (``code_to_parquet``), then ``load_parquet`` into a new DuckDB store.

Seconds include start-up (loading the model, starting the pool or cluster).
Linearity: the marginal cost of each step up (extra seconds / extra documents
from 1x to 4x and from 4x to 16x) cancels the start-up; time grows linearly
when each step's marginal seconds per document is within +-25 % of their
mean (the start-up shown is what the first run took beyond its documents at
that mean cost). Memory is flat
when the 16x run's peak RSS (main process and workers) is within 25 % of the 1x run's. The Markdown table
(with the machine and its load) goes to stdout and to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from itertools import islice, pairwise
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import DEFAULT_CORPUS, machine, peak_rss_mb  # noqa: E402

RUNS = {
    "single": "realpolitik code, 1 process",
    "two": "realpolitik code, 2 processes",
    "store": "realpolitik ingest (DuckDB), 1 process",
    "dask": "ingest --engine dask, 2 workers",
}
TOLERANCE = 0.25


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--slice", type=int, default=200, help="documents in the 1x corpus (default 200)")
    ap.add_argument("--copies", type=int, nargs="+", default=[1, 4, 16])
    ap.add_argument("--runs", nargs="+", choices=list(RUNS), default=list(RUNS))
    ap.add_argument("--out", type=Path, default=HERE / "scale.md")
    ap.add_argument("--child", nargs=2, metavar=("RUN", "JSONL"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(*args.child)))
        return 0

    load_before = os.getloadavg()
    results: dict[str, list[dict]] = {run: [] for run in args.runs}
    with tempfile.TemporaryDirectory() as tmp:
        with open(args.corpus, encoding="utf-8") as source:
            lines = list(islice(source, args.slice))
        words = sum(len(json.loads(line)["text"].split()) for line in lines)
        for copies in args.copies:
            corpus = Path(tmp) / f"x{copies}.jsonl"
            with open(corpus, "w", encoding="utf-8") as out:
                for n in range(copies):
                    for line in lines:
                        record = json.loads(line)
                        record["id"] = f"{record['id']}#{n}"
                        if n:  # a distinct text, so the store keeps every copy (it skips texts it holds)
                            record["text"] += f"\n\nCopy {n}."
                        out.write(json.dumps(record, ensure_ascii=False) + "\n")
            for run in args.runs:
                done = subprocess.run(
                    [sys.executable, __file__, "--child", run, str(corpus)], check=True, capture_output=True, text=True
                )
                result = {**json.loads(done.stdout.strip().splitlines()[-1]), "copies": copies}
                results[run].append(result)
                print(f"{run} x{copies}: {result}", file=sys.stderr, flush=True)
    text = report(results, args, len(lines), words, load_before, os.getloadavg())
    print(text)
    args.out.write_text(text + "\n", encoding="utf-8")
    return 0


def child(run: str, corpus: str) -> dict:
    """One run in this (fresh) process: seconds, documents, events and peak RSS in MB."""
    from realpolitik.readers.files import read_paths

    started = time.perf_counter()
    if run == "dask":
        return _dask_child(Path(corpus), started)
    if run == "store":
        return _store_child(Path(corpus), started)
    from realpolitik.jobs.pool import run_parallel

    docs = events = 0
    with open(os.devnull, "w") as sink:
        for result in run_parallel(read_paths([corpus]), 1 if run == "single" else 2):
            docs += 1
            for event in result.mentions:
                sink.write(json.dumps(event.to_dict()) + "\n")
                events += 1
    seconds = time.perf_counter() - started
    workers = peak_rss_mb(resource.RUSAGE_CHILDREN) if run == "two" else None
    return {"seconds": seconds, "docs": docs, "events": events, "rss_main": peak_rss_mb(), "rss_worker": workers}


def _store_child(corpus: Path, started: float) -> dict:
    from realpolitik.jobs.ingest import ingest
    from realpolitik.readers.files import read_paths
    from realpolitik.store import Store

    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "events.duckdb") as store:
        stats = ingest(store, read_paths([corpus]))
    return {
        "seconds": time.perf_counter() - started,
        "docs": stats.new_documents,
        "events": stats.mentions,  # event mentions, as the other runs count
        "rss_main": peak_rss_mb(),
        "rss_worker": None,
    }


def _dask_child(corpus: Path, started: float) -> dict:
    from realpolitik.jobs.dask_engine import code_to_parquet, dask_client, load_parquet
    from realpolitik.store import Store

    with tempfile.TemporaryDirectory() as tmp, dask_client(None, 2) as client:
        manifest = code_to_parquet([corpus], Path(tmp) / "parquet", client.scheduler.address)
        coded = time.perf_counter()
        workers = max(client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024).values())
        with Store.open(Path(tmp) / "events.duckdb") as store:
            load_parquet(store, manifest.directory)
        loaded = time.perf_counter()
    return {
        "seconds": coded - started,
        "load_seconds": loaded - coded,
        "docs": manifest.documents,
        "events": manifest.mentions,
        "rss_main": peak_rss_mb(),
        "rss_worker": workers,
    }


def marginal_costs(rows: list[dict]) -> list[float]:
    """Extra seconds per extra document from each run to the next larger one."""
    return [(b["seconds"] - a["seconds"]) / (b["docs"] - a["docs"]) for a, b in pairwise(rows)]


def report(
    results: dict[str, list[dict]],
    args: argparse.Namespace,
    slice_docs: int,
    words: int,
    load_before: tuple[float, ...],
    load_after: tuple[float, ...],
) -> str:
    lines = [
        (
            f"Corpus: the first {slice_docs} documents of {args.corpus.name} ({words:,} words), repeated "
            f"{', '.join(f'{c}x' for c in args.copies)}. Machine: {machine()}. "
            f"Load average before / after: {load_before[0]:.1f} / {load_after[0]:.1f}."
        ),
        "",
        (
            "| run | corpus | documents | seconds | s/doc | marginal s/doc | peak RSS main process (MB) "
            "| peak RSS per worker (MB) | load into DuckDB (s) | events |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    verdicts = []
    for run, rows in results.items():
        costs = marginal_costs(rows)
        for r, cost in zip(rows, [None, *costs]):
            worker = "" if r["rss_worker"] is None else f"{r['rss_worker']:.0f}"
            load = f"{r['load_seconds']:.1f}" if "load_seconds" in r else ""
            lines.append(
                f"| {RUNS[run]} | {r['copies']}x | {r['docs']:,} | {r['seconds']:.1f} | "
                f"{r['seconds'] / r['docs']:.3f} | {'' if cost is None else f'{cost:.3f}'} | "
                f"{r['rss_main']:.0f} | {worker} | {load} | {r['events']:,} |"
            )
        if costs:
            mean = sum(costs) / len(costs)
            spread = max(abs(c / mean - 1) for c in costs)
            start = rows[0]["seconds"] - rows[0]["docs"] * mean
            growth = max(rows[-1][k] / rows[0][k] - 1 for k in ("rss_main", "rss_worker") if rows[0][k])
            verdicts.append(
                f"- {RUNS[run]}: {mean:.3f} s per extra document, start-up about {start:.0f} s; "
                f"each step within {spread:.0%} of that "
                f"({'linear' if spread <= TOLERANCE else 'NOT linear'}, limit ±{TOLERANCE:.0%}); "
                f"peak RSS {rows[-1]['copies']}x vs {rows[0]['copies']}x: {growth:+.0%} "
                f"({'flat' if abs(growth) <= TOLERANCE else 'NOT flat'})."
            )
    return "\n".join(lines + [""] + verdicts)


if __name__ == "__main__":
    sys.exit(main())
