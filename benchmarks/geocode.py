"""What the geocoding stage costs, against the rest of the pipeline, in one process.

    python benchmarks/geocode.py [--corpus ../shared/data/news_wikinews.jsonl] [--limit 500]

Codes the documents once with the ordinary pipeline (warm-up: loads the model and builds
the geocoder), then again timing the whole pipeline and, inside it, the geocoding stage
(``Geocoder.place``) alone, so the stage's share of the coding time is a ratio measured in
the same run. It also reports how many events got a place and at which precision, the
time to build the geocoder, and the memory its indexes take (tracemalloc, while building
them). Writes a Markdown summary to ``benchmarks/geocode.md``.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
import tracemalloc
from collections import Counter
from itertools import islice
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from realpolitik.actors.gazetteer import Gazetteer  # noqa: E402
from realpolitik.geo.geocode import Geocoder, default_tables  # noqa: E402
from realpolitik.geo.places import CityIndex  # noqa: E402
from realpolitik.pipeline import Pipeline  # noqa: E402
from realpolitik.types import Document  # noqa: E402
from run import DEFAULT_CORPUS, machine  # noqa: E402


def documents(path: Path, limit: int) -> list[Document]:
    from datetime import date

    rows = [json.loads(line) for line in islice(path.open(encoding="utf-8"), limit)]
    return [
        Document(
            id=r.get("id", str(n)), text=r["text"], date=date.fromisoformat(r["date"][:10]) if r.get("date") else None
        )
        for n, r in enumerate(rows)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=500)
    args = parser.parse_args()
    docs = documents(args.corpus, args.limit)

    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    cities = CityIndex()
    city_seconds = time.perf_counter() - started
    city_mb = tracemalloc.get_traced_memory()[0] / 2**20
    started = time.perf_counter()
    geocoder = Geocoder(Gazetteer.load(), cities, default_tables())  # the packaged gazetteer and tables
    geocoder_seconds = time.perf_counter() - started
    total_mb = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()

    pipeline = Pipeline()
    pipeline.geocoder = geocoder
    list(pipeline.run(docs[:20]))  # warm-up
    spent = 0.0
    place = geocoder.place

    def timed(events, dateline=None):  # type: ignore[no-untyped-def]
        nonlocal spent
        start = time.perf_counter()
        try:
            return place(events, dateline)
        finally:
            spent += time.perf_counter() - start

    pipeline.geocoder.place = timed  # type: ignore[method-assign]
    started = time.perf_counter()
    results = list(pipeline.run(docs))
    total = time.perf_counter() - started
    events = [e for r in results for e in r.mentions]
    precision = Counter(e.location_precision or "none" for e in events)
    named = sum(1 for e in events if e.location)
    lines = [
        f"Corpus: the first {len(docs)} documents of {args.corpus.name}. Machine: {machine()}.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| coding time, whole pipeline | {total:.1f} s |",
        f"| of which the geocoding stage | {spent:.2f} s ({100 * spent / total:.2f} %) |",
        f"| events | {len(events):,} |",
        f"| events with a place name | {named:,} ({100 * named / max(len(events), 1):.1f} %) |",
        *(
            f"| events placed at {p} precision | {precision[p]:,} ({100 * precision[p] / max(len(events), 1):.1f} %) |"
            for p in ("point", "region", "country")
        ),
        f"| events with a place name not resolved | {named - sum(precision[p] for p in ('point', 'region', 'country')):,} |",
        f"| building the city index (shared with the actor stage) | {city_seconds:.1f} s, {city_mb:.0f} MB |",
        f"| building the rest of the geocoder | {geocoder_seconds:.2f} s, {total_mb - city_mb:.1f} MB |",
    ]
    text = "\n".join(lines) + "\n"
    (HERE / "geocode.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
