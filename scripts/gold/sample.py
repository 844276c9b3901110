"""Draw the real-news gold sample from Wikinews and cut it into sentences.

    python scripts/gold/sample.py ../shared/data/news_wikinews.jsonl data/gold/sample.jsonl

The sample (seed 20261202) is stratified by year: 44 articles from 2004-2009 and 16 from
2019-2021, allocated to the years in proportion to the corpus (at least two per year with
enough articles), plus 6 pieces of analysis or commentary: articles whose title announces a prediction, a
hypothetical, an expert's or a report's assessment, or history recalled ("could", "would",
"might", "predicts", "analysts", "anniversary", "years after", a question ...) and whose body
is about politics (government, war, parties, treaties ...) with at least three modal or
history cues, obituaries left out. Articles are distinct texts of 400-5,000 characters with a date. Each article's
text is its title, a blank line and its body, exactly as in the corpus; sentences are cut with
pysbd after splitting off paragraphs and "==Heading==" lines. Every record keeps its offsets
in that text and the whitespace before it, so the article can be rebuilt exactly.

Only the sentence skeleton is written (no events): the annotators code it blind.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from collections import Counter, defaultdict

import pysbd

SEED = 20261202
OLD, NEW = range(2004, 2010), range(2019, 2022)
N_OLD, N_NEW, N_COMMENTARY = 44, 16, 6
MIN_CHARS, MAX_CHARS = 400, 5000
_HEADING = re.compile(r"==+[^=\n]{1,80}==+")
_PARA = re.compile(r"\n\s*\n|\n")
_QUOTE_END = re.compile(r"(?<=[.!?][\"\u201d])\s+(?=[\"\u201c]?[A-Z])")
_ANALYSIS_TITLE = re.compile(
    r"\b(?:could|would|might|predicts?|forecast|analy\w+|experts?|commentary|"
    r"report|anniversary|years after|histor\w*)\b|\?",
    re.I,
)
_POLITICS = re.compile(
    r"\b(?:government|minister|president|war|military|troops|party|parties|treaty|"
    r"sanctions?|invasion|election|parliament|congress)\b",
    re.I,
)
_CUES = re.compile(
    r"\b(?:would|could|might|analysts?|experts?|predict\w*|likely|unless|if)\b|"
    r"\b(?:1[89]\d\d)\b",
    re.I,
)
_OBITUARY = re.compile(r"\b(?:dies|died|dead at|funeral)\b", re.I)


def article_text(record: dict) -> str:
    """The text the gold is anchored to: title, blank line, body."""
    title = (record.get("title") or "").strip()
    return f"{title}\n\n{record['text']}" if title else record["text"]


def is_commentary(record: dict) -> bool:
    """An analysis piece: prediction, hypothetical, assessment or history, about politics."""
    title = record.get("title") or ""
    return bool(
        _ANALYSIS_TITLE.search(title)
        and not _OBITUARY.search(title)
        and len(_POLITICS.findall(record["text"])) >= 2
        and len(_CUES.findall(record["text"])) >= 3
    )


def pieces(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of paragraphs' sentences and headings, in order."""
    out: list[tuple[int, int, str]] = []
    seg = pysbd.Segmenter(language="en", clean=False, char_span=True)
    pos = 0
    paragraphs = []
    for m in _PARA.finditer(text):
        paragraphs.append((pos, m.start()))
        pos = m.end()
    paragraphs.append((pos, len(text)))
    for p0, p1 in paragraphs:
        if p0 >= p1:
            continue
        spans: list[tuple[int, int, str]] = []
        cursor = p0
        for h in _HEADING.finditer(text, p0, p1):
            spans.append((cursor, h.start(), "body"))
            spans.append((h.start(), h.end(), "heading"))
            cursor = h.end()
        spans.append((cursor, p1, "body"))
        for s0, s1, kind in spans:
            chunk = text[s0:s1]
            if not chunk.strip():
                continue
            if kind == "heading":
                out.append((s0, s1, kind))
                continue
            for sent in seg.segment(chunk):
                a, b = s0 + sent.start, s0 + sent.end
                sub = text[a:b]
                cuts = [0] + [m.end() for m in _QUOTE_END.finditer(sub)] + [len(sub)]
                for c0, c1 in zip(cuts, cuts[1:]):
                    piece = text[a + c0 : a + c1]
                    lead = len(piece) - len(piece.lstrip())
                    trail = len(piece) - len(piece.rstrip())
                    if piece.strip():
                        out.append((a + c0 + lead, a + c1 - trail, "body"))
    return out


def records_for(article: dict, stratum: str) -> list[dict]:
    text = article_text(article)
    title_len = len((article.get("title") or "").strip())
    recs = []
    prev_end = 0
    for i, (a, b, kind) in enumerate(pieces(text)):
        if title_len and a == 0:
            kind = "headline"
        sep = text[prev_end:a]
        assert not sep.strip(), (article["id"], sep)
        recs.append(
            {
                "id": f"{article['id']}#{i}",
                "article_id": article["id"],
                "sentence_index": i,
                "start": a,
                "end": b,
                "sep": sep,
                "kind": kind,
                "date": article["date"],
                "text": text[a:b],
                "stratum": stratum,
            }
        )
        prev_end = b
    assert not text[prev_end:].strip()
    return recs


def main(src: str, dst: str) -> None:
    seen, pool = set(), []
    for line in open(src, encoding="utf-8"):
        r = json.loads(line)
        h = hashlib.sha256(r["text"].encode()).hexdigest()
        if h in seen or not r.get("date") or not MIN_CHARS <= len(r["text"]) <= MAX_CHARS:
            continue
        seen.add(h)
        pool.append(r)
    rng = random.Random(SEED)
    by_year: dict[int, list[dict]] = defaultdict(list)
    for r in pool:
        by_year[int(r["date"][:4])].append(r)
    chosen: list[tuple[dict, str]] = []
    taken: set[str] = set()
    for years, n in ((OLD, N_OLD), (NEW, N_NEW)):
        sizes = {y: len(by_year[y]) for y in years if len(by_year[y]) >= 2}
        total = sum(sizes.values())
        quota = {y: max(2, round(n * k / total)) for y, k in sizes.items()}
        while sum(quota.values()) > n:  # trim the largest years back to n
            quota[max(quota, key=lambda y: quota[y])] -= 1
        while sum(quota.values()) < n:
            quota[max(sizes, key=lambda y: sizes[y] / quota[y])] += 1
        for y in sorted(quota):
            for r in rng.sample(by_year[y], quota[y]):
                chosen.append((r, f"year {y}"))
                taken.add(r["id"])
    analysis = [r for r in pool if r["id"] not in taken and is_commentary(r)]
    for r in rng.sample(analysis, N_COMMENTARY):
        chosen.append((r, "commentary"))
    out = [rec for r, stratum in chosen for rec in records_for(r, stratum)]
    with open(dst, "w", encoding="utf-8") as fh:
        for rec in out:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    counts = Counter(rec["stratum"] for rec in out)
    print(f"{len(chosen)} articles, {len(out)} sentences; by stratum: {dict(sorted(counts.items()))}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
