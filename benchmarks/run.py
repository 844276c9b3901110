"""End-to-end speed and memory of the coder against bare spaCy parsing, in one process.

    python benchmarks/run.py [--corpus ../shared/data/news_wikinews.jsonl] [--limit 1000] [--workers 1 2]

It times, on the same texts and in the same process, each run ``--repeat`` times keeping the fastest (the
machine may be shared): (1) bare spaCy parsing
with the same model (``nlp.pipe``, after one untimed warm-up pass over the same texts), (2) the whole pipeline from reading the
JSONL file to serialised event records, with 1 process and with N worker
processes. It prints a Markdown table (words/s, ratio to bare parsing, peak
RSS) with the machine it ran on, and writes it to ``benchmarks/results.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "data" / "news_wikinews.jsonl"


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor() or "unknown CPU",
    )
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, Python {platform.python_version()}, {platform.system()}"


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def _timed(run: Callable[[], T]) -> tuple[float, T]:
    t0 = time.perf_counter()
    result = run()
    return time.perf_counter() - t0, result


def _code(sample: Path, workers: int, read_paths: Callable, run_parallel: Callable) -> tuple[int, int]:
    """The whole `realpolitik code` path: read the JSONL file, code it, serialise every event."""
    events = errors = 0
    with open(os.devnull, "w") as sink:
        for result in run_parallel(read_paths([sample]), workers):
            errors += result.error is not None
            for e in result.mentions:
                sink.write(json.dumps(e.to_dict()) + "\n")
                events += 1
    return events, errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=1000, help="documents to use (0 = all)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=2, help="time each run this many times, keep the fastest")
    ap.add_argument("--out", type=Path, default=HERE / "results.md")
    args = ap.parse_args(argv)

    from realpolitik.jobs.pool import run_parallel
    from realpolitik.nlp.parse import load_model
    from realpolitik.pipeline import Pipeline
    from realpolitik.readers.files import read_paths

    with tempfile.TemporaryDirectory() as tmp:  # the same documents as a JSONL file, read the way users read
        sample = Path(tmp) / "sample.jsonl"
        with open(args.corpus, encoding="utf-8") as src, open(sample, "w", encoding="utf-8") as dst:
            lines = src if not args.limit else islice(src, args.limit)
            dst.writelines(lines)
        texts = [json.loads(line)["text"] for line in open(sample, encoding="utf-8")]
        words = sum(len(t.split()) for t in texts)
        print(f"{len(texts)} documents, {words:,} words; {machine()}", file=sys.stderr)

        nlp = load_model()
        Pipeline()  # load gazetteer and lexicon before timing
        rss_loaded = peak_rss_mb()
        for _ in nlp.pipe(texts, batch_size=32):  # warm-up: the first pass grows the vocabulary and
            pass  # lemma caches; without it the baseline is the slower one
        bare = min(_timed(lambda: [None for _ in nlp.pipe(texts, batch_size=32)])[0] for _ in range(args.repeat))
        rss_bare = peak_rss_mb()
        rows = [("bare spaCy parse (same model)", 1, bare, words / bare, 1.0, rss_bare, None)]

        for n in args.workers:
            took, (events, errors) = min(
                _timed(lambda n=n: _code(sample, n, read_paths, run_parallel)) for _ in range(args.repeat)
            )
            rss = peak_rss_mb() if n == 1 else peak_rss_mb(resource.RUSAGE_CHILDREN)
            rows.append(
                (
                    f"realpolitik code, {n} process{'es' if n > 1 else ''}",
                    n,
                    took,
                    words / took,
                    (words / took) / (words / bare),
                    rss,
                    events,
                )
            )
            print(f"workers={n}: {took:.1f}s, {events} events, {errors} errors", file=sys.stderr)

    table = [
        f"Corpus: {args.corpus.name}, {len(texts)} documents, {words:,} words. Machine: {machine()}.",
        f"Model and lexicons loaded: {rss_loaded:.0f} MB RSS.",
        "",
        "| run | processes | seconds | words/s | vs bare parse | peak RSS per process (MB) | events |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, n, took, wps, ratio, rss, events in rows:
        table.append(
            f"| {name} | {n} | {took:.1f} | {wps:,.0f} | {ratio:.0%} | {rss:.0f} | {'' if events is None else events} |"
        )
    text = "\n".join(table)
    print(text)
    args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
