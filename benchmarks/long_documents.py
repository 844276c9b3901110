"""Peak memory and time of coding one long document, and the speed of hostile text against news.

    python benchmarks/long_documents.py [--corpus ../shared/data/news_wikinews.jsonl] [--sizes 1 2 5]

(1) For each size (in MB) it writes one plain-text document of that many characters of Wikinews
text, as one paragraph (the worst case: no block breaks, so the parser gets 100,000-character
chunks) and runs ``realpolitik code`` on it in a fresh process, reporting wall time and that
process's peak RSS. (2) In this process, it codes ordinary news and texts made of runs of
punctuation, symbols, repeated characters, long words and tables, and reports characters per
second of each as a ratio to the news (the same ratios the fuzz suite bounds). Output is a
Markdown table, also written to ``benchmarks/long_documents.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import DEFAULT_CORPUS, machine  # noqa: E402

HOSTILE = {  # name -> text of about n characters
    "runs of '='": lambda n: "=" * n,
    "runs of mixed punctuation": lambda n: ('=*!"[]()’…' * n)[:n],
    "symbols and emoji": lambda n: ("€©😀+%$" * n)[:n],
    "repeated letter": lambda n: "a" * n,
    "very long words": lambda n: ("Antidisestablishmentarianism" * 40 + " ") * (n // 1121),
    "table rows": lambda n: "| Russia | 12 | 3.4 | Ukraine | -0.5 |\n" * (n // 38),
    "symbols between spaces": lambda n: "= ! ? * ( ) “ ” — % " * (n // 20),
}


def long_document(corpus: Path, chars: int) -> str:
    """`chars` characters of the corpus's texts as one paragraph, at most `chars` bytes in UTF-8."""
    parts: list[str] = []
    size = 0
    while size < chars:
        for line in open(corpus, encoding="utf-8"):
            text = " ".join(json.loads(line)["text"].split())
            parts.append(text)
            size += len(text) + 1
            if size >= chars:
                break
    return " ".join(parts).encode("utf-8")[:chars].decode("utf-8", "ignore")


def peak_rss_run(command: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of a command run in a fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if status:
        raise SystemExit(f"{' '.join(command)} failed with status {status}")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def hostile_ratios(chars: int, corpus: Path, repeat: int) -> list[tuple[str, float, float]]:
    """(name, characters/s, ratio to news) for news and each hostile text, best of `repeat` runs."""
    from realpolitik.pipeline import Pipeline
    from realpolitik.types import Document

    pipe = Pipeline()
    news = long_document(corpus, chars)
    texts = {"news (baseline)": news, **{name: make(chars) for name, make in HOSTILE.items()}}
    speeds = {}
    for name, text in texts.items():
        best = float("inf")
        for run in range(repeat):  # each run one character changed, so no tokenizer cache hides the first reading
            variant = text[: len(text) // 2] + "!?#"[run % 3] + text[len(text) // 2 + 1 :]
            start = time.perf_counter()
            next(pipe.run([Document("x", variant)]))
            best = min(best, time.perf_counter() - start)
        speeds[name] = len(text) / best
    return [(name, speed, speed / speeds["news (baseline)"]) for name, speed in speeds.items()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--sizes", type=float, nargs="*", default=[1, 2, 5], help="document sizes in MB (none: skip)")
    ap.add_argument("--hostile-chars", type=int, default=20_000, help="size of each hostile text (0: skip them)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=HERE / "long_documents.md")
    args = ap.parse_args(argv)

    lines = [f"Machine: {machine()}.", "", "| document | characters | seconds | peak RSS (MB) |", "|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for mb in args.sizes:
            path = Path(tmp) / f"long_{mb:g}mb.txt"
            text = long_document(args.corpus, int(mb * 1_000_000))
            path.write_text(text, encoding="utf-8")
            seconds, rss = peak_rss_run(
                [sys.executable, "-m", "realpolitik.cli.main", "code", str(path), "-o", os.devnull]
            )
            lines.append(f"| {mb:g} MB of news, one paragraph | {len(text):,} | {seconds:.0f} | {rss:.0f} |")
            print(lines[-1], file=sys.stderr)
    if not args.hostile_chars:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return 0
    lines += [
        "",
        f"Hostile texts of {args.hostile_chars:,} characters, coded in one process (best of {args.repeat}):",
        "",
        "| text | characters/s | vs news |",
        "|---|---|---|",
    ]
    for name, speed, ratio in hostile_ratios(args.hostile_chars, args.corpus, args.repeat):
        lines.append(f"| {name} | {speed:,.0f} | {ratio:.2f} |")
    text = "\n".join(lines)
    print(text)
    args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
