"""The REST API under load: 50 concurrent clients on loopback over a store of 300 articles.

    python benchmarks/api_load.py [--corpus ../shared/data/news_wikinews.jsonl] [--db STORE]
                                  [--clients 50] [--seconds 30] [--server-src SRC] [--label NAME]

Builds the store once with ``realpolitik ingest`` (the first 300 articles; kept at ``--db``
for later runs), starts ``realpolitik serve`` on it in its own process, and sends it the
dashboard's read requests (events pages and filters, single events, dyad series, alerts
for the store, for actors and for dyads, graph, places, actors, autocomplete, info), about
130 distinct ones built from the store's own actors and dyads. Two phases:

* **first answers**: every distinct request once, all clients at once: each answer is
  computed (nothing cached yet, alerts over the whole store included);
* **steady load**: for ``--seconds``, each client sends requests drawn at random from the
  same set, one after the other.

It reports requests per second, latency percentiles (all requests, and alerts alone),
errors (any status but 200, or no answer) and the server's RSS sampled every second.
``--server-src`` runs the server from another source tree (e.g. an older checkout) for a
before/after comparison on the same machine and store. Appends to ``benchmarks/api_load.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx
import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from realpolitik.store import EventFilter, Store  # noqa: E402
from run import DEFAULT_CORPUS, machine  # noqa: E402


@dataclass
class Phase:
    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    alert_latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    server_cpu: float = 0.0  # CPU seconds the server used in the phase
    client_cpu: float = 0.0  # and this process (the clients)

    def row(self, label: str, rss: list[float]) -> str:
        n = len(self.latencies)
        return (
            f"| {label} | {self.name} | {n:,} | {n / self.seconds:,.0f} | {_ms(self.latencies, 50)} | "
            f"{_ms(self.latencies, 99)} | {_ms(self.latencies, 100)} | {_ms(self.alert_latencies, 99)} | "
            f"{len(self.errors)} | {rss[0]:.0f} → {max(rss):.0f} → {rss[-1]:.0f} | "
            f"{self.server_cpu / max(1, n) * 1000:.1f} | {self.client_cpu / max(1, n) * 1000:.1f} |"
        )


def _ms(values: list[float], q: int) -> str:
    if not values:
        return ""
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(len(ordered) * q / 100))] * 1000:,.0f}"


def build_store(corpus: Path, db: Path, articles: int) -> None:
    if db.exists():
        return
    db.parent.mkdir(parents=True, exist_ok=True)
    sample = db.with_suffix(".jsonl")
    with corpus.open(encoding="utf-8") as src, sample.open("w", encoding="utf-8") as out:
        for _, line in zip(range(articles), src):
            out.write(line)
    subprocess.run([sys.executable, "-m", "realpolitik.cli.main", "ingest", str(sample), "--db", str(db)], check=False)
    sample.unlink()


def requests_for(db: Path) -> list[str]:
    """The distinct requests of the run, from the store's own actors, dyads and events."""
    with Store.open(db, read_only=True) as store:
        actors = list(store.actors()["actor"].head(12))
        pairs = store.query(
            "SELECT source_country AS a, target_country AS b, COUNT(*) AS n FROM events WHERE modality = 'asserted' "
            "AND source_country IS NOT NULL AND target_country IS NOT NULL AND source_country <> target_country "
            "GROUP BY 1, 2 ORDER BY n DESC, a, b LIMIT 12"
        )
        keys = list(store.events(limit=15, sort="reports")["event_key"])
    paths = [
        "/api/info",
        "/api/graph",
        "/api/places",
        "/api/actors",
        "/api/alerts",
        "/api/alerts?by=year",
        "/api/events?modality=all",
        "/api/events?sort=reports",
        "/api/graph?modality=all",
    ]
    paths += [f"/api/events?limit=50&offset={50 * k}" for k in range(10)]
    paths += [f"/api/events/{key}" for key in keys]
    for actor in actors:
        paths += [
            f"/api/events?actor={actor}",
            f"/api/alerts?actor={actor}",
            f"/api/places?actor={actor}",
            f"/api/actors?q={actor[:2]}",
        ]
    for a, b in zip(pairs["a"], pairs["b"]):
        paths += [
            f"/api/dyad?a={a}&b={b}",
            f"/api/dyad?a={a}&b={b}&by=auto",
            f"/api/alerts?dyad={a},{b}",
            f"/api/events?dyad={a},{b}",
        ]
    paths += [f"/api/actors/suggest?q={q}" for q in ("ru", "ch", "un", "is", "ir", "pa", "ge", "fr", "us", "ki")]
    return paths


class _Connection:
    """One keep-alive HTTP/1.1 connection, plain asyncio streams: a client far lighter than the server,
    so the figures are the server's (httpx costs the clients 5-6 ms of CPU per request)."""

    def __init__(self, port: int):
        self.port = port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, path: str) -> tuple[int, bytes]:
        if self.streams is None:
            self.streams = await asyncio.open_connection("127.0.0.1", self.port)
        reader, writer = self.streams
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        headers = dict(line.split(": ", 1) for line in head[1:] if ": " in line)
        length = int(next(v for k, v in headers.items() if k.lower() == "content-length"))
        return int(head[0].split()[1]), await reader.readexactly(length)

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()


async def load(port: int, paths: list[str], clients: int, seconds: float | None, phase: Phase) -> None:
    """`clients` concurrent clients: every path once (seconds None), or random paths for `seconds`."""
    queue = list(paths)
    random.Random(1).shuffle(queue)
    deadline = time.perf_counter() + (seconds or 0)
    chooser = random.Random(2)

    async def client() -> None:
        connection = _Connection(port)
        while True:
            if seconds is None:
                if not queue:
                    break
                path = queue.pop()
            elif time.perf_counter() >= deadline:
                break
            else:
                path = chooser.choice(paths)
            started = time.perf_counter()
            try:
                status, body = await asyncio.wait_for(connection.get(path), 120)
                if status != 200:
                    phase.errors.append(f"{path}: {status} {body[:100]!r}")
            except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, StopIteration) as exc:
                phase.errors.append(f"{path}: {type(exc).__name__}")
                connection.close()
                connection = _Connection(port)
            took = time.perf_counter() - started
            phase.latencies.append(took)
            if path.startswith("/api/alerts"):
                phase.alert_latencies.append(took)
        connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    phase.seconds = time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--db", type=Path, default=HERE / ".cache" / "api_load_300.duckdb")
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--server-src", type=Path, help="run the server from this source tree")
    parser.add_argument("--label", default="this tree")
    parser.add_argument("--out", type=Path, default=HERE / "api_load.md")
    args = parser.parse_args()

    build_store(args.corpus, args.db, args.articles)
    paths = requests_for(args.db)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ)
    if args.server_src:
        env["PYTHONPATH"] = str(args.server_src)
    server = subprocess.Popen(
        [sys.executable, "-m", "realpolitik.cli.main", "serve", "--db", str(args.db), "--port", str(port)],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    rss: list[float] = []
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/api/info", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        process = psutil.Process(server.pid)
        rss.append(process.memory_info().rss / 2**20)

        async def sampled(phase: Phase, coro: object) -> None:
            async def sample() -> None:
                while True:
                    await asyncio.sleep(1)
                    rss.append(process.memory_info().rss / 2**20)

            sampler = asyncio.ensure_future(sample())
            server_cpu, client_cpu = sum(process.cpu_times()[:2]), time.process_time()
            await coro  # type: ignore[misc]
            sampler.cancel()
            phase.server_cpu = sum(process.cpu_times()[:2]) - server_cpu
            phase.client_cpu = time.process_time() - client_cpu

        first, steady = Phase("first answers"), Phase(f"steady load, {args.seconds:g} s")
        asyncio.run(sampled(first, load(port, paths, args.clients, None, first)))
        first_rss = list(rss)
        asyncio.run(sampled(steady, load(port, paths, args.clients, args.seconds, steady)))
        steady_rss = rss[len(first_rss) - 1 :]
    finally:
        server.terminate()
        server.wait(30)
    with Store.open(args.db, read_only=True) as store:
        documents = int(store.query("SELECT COUNT(*) AS n FROM documents")["n"].iloc[0])
        events = store.count_events(EventFilter(modalities=None))
    header = not args.out.exists()
    with args.out.open("a", encoding="utf-8") as out:
        if header:
            out.write(
                "| server | phase | requests | requests/s | p50 ms | p99 ms | max ms | alerts p99 ms | errors "
                "| server RSS MB (start → max → end) | server CPU ms/request | client CPU ms/request |\n"
                "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
            )
        out.write(first.row(args.label, first_rss) + "\n")
        out.write(steady.row(args.label, steady_rss) + "\n")
    print(
        f"{date.today()}: {machine()}; load average {os.getloadavg()[0]:.1f}; store of {documents} documents, "
        f"{events} events; {len(paths)} distinct requests, {args.clients} clients"
    )
    for phase in (first, steady):
        print(phase.row(args.label, first_rss if phase is first else steady_rss))
        for error in phase.errors[:5]:
            print("  ", error)
    print(f"p50 alerts: {statistics.median(steady.alert_latencies) * 1000:.0f} ms" if steady.alert_latencies else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
