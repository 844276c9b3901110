"""Build data/gold/ from the sentence sample and the annotators' files.

    python scripts/gold/assemble.py data/gold/sample.jsonl RAW_DIR data/gold

RAW_DIR holds the annotators' own files, as they wrote them (docs/annotation.md,
section 11): ``first/A<n>.jsonl`` for the first pass over every article, ``second/B<n>.jsonl``
for the independent second pass over a quarter of the sentences, and
``adjudicated.jsonl`` with the decision for every sentence the two passes coded
differently. The script

1. turns every annotation into a gold record (the texts' character spans found, the
   record validated exactly as ``realpolitik evaluate`` validates it),
2. writes both passes (``passes/first.jsonl``, ``passes/second.jsonl``) and the
   adjudication (``passes/adjudicated.jsonl``),
3. writes the final gold: the adjudicated decision where there is one, the agreed
   annotation where the passes agree, the first pass elsewhere; split by article into
   ``dev.jsonl`` (two thirds) and ``test.jsonl`` (one third) with a fixed seed, each stratum
   (2004-2009, 2019-2021, commentary) split alike,
4. writes ``agreement.json`` (realpolitik.evaluation.agreement) over the doubly annotated
   sentences, before adjudication.
"""

from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from realpolitik.evaluation.agreement import agreement
from realpolitik.evaluation.gold import SCHEME, parse_sentence, with_spans

SEED = 20261204
LICENSE = "CC BY 2.5 (Wikinews)"
# What annotators wrote for IGO codes with digits before the checker accepted them.
CODE_FIXES = {"IGOGSV": "IGOG07"}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def record(skeleton: dict[str, Any], annotation: dict[str, Any], annotator: str) -> dict[str, Any]:
    """A gold record for one sentence from one annotator's line; ValueError when it does not validate."""
    events = []
    for raw in annotation.get("expected") or []:
        raw = {k: CODE_FIXES.get(v, v) if k in ("source", "target") else v for k, v in raw.items()}
        events.append(with_spans(raw, skeleton["text"]))
    out = {
        k: skeleton[k]
        for k in ("id", "article_id", "sentence_index", "start", "end", "sep", "kind", "date", "text", "stratum")
    }
    out.update(
        scheme=SCHEME, expected=events, notes=annotation.get("notes") or "", annotator=annotator, license=LICENSE
    )
    parse_sentence(out)
    return out


def passes(raw_dir: Path, folder: str, skeleton: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for path in sorted((raw_dir / folder).glob("*.jsonl")):
        annotator = path.stem
        for line in read_jsonl(path):
            out[line["id"]] = record(skeleton[line["id"]], line, annotator)
    return out


def same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two records with the same events (order aside), ignoring notes, names and how much text the trigger spans."""

    def key(e: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(e.get(k) for k in ("code", "source", "target", "modality", "date", "date_precision"))

    return sorted(map(key, a["expected"]), key=repr) == sorted(map(key, b["expected"]), key=repr)


def write(path: Path, records: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def main(sample: str, raw: str, out: str) -> None:
    skeleton = {r["id"]: r for r in read_jsonl(Path(sample))}
    raw_dir, out_dir = Path(raw), Path(out)
    first = passes(raw_dir, "first", skeleton)
    second = passes(raw_dir, "second", skeleton)
    missing = [i for i in skeleton if i not in first]
    if missing:
        raise SystemExit(f"{len(missing)} sentences have no first-pass annotation, e.g. {missing[:3]}")
    decisions = (
        {r["id"]: r for r in read_jsonl(raw_dir / "adjudicated.jsonl")}
        if (raw_dir / "adjudicated.jsonl").exists()
        else {}
    )
    adjudicated = {i: record(skeleton[i], d, "adjudicated") for i, d in decisions.items()}
    disputed = [i for i in second if not same(first[i], second[i])]
    undecided = [i for i in disputed if i not in adjudicated]
    if undecided:
        raise SystemExit(f"{len(undecided)} disputed sentences have no adjudication, e.g. {undecided[:3]}")
    order = list(skeleton)
    write(out_dir / "passes" / "first.jsonl", [first[i] for i in order])
    write(out_dir / "passes" / "second.jsonl", [second[i] for i in order if i in second])
    write(out_dir / "passes" / "adjudicated.jsonl", [adjudicated[i] for i in order if i in adjudicated])
    final = {i: adjudicated.get(i) or first[i] for i in order}
    for i in final:
        final[i] = {**final[i], "double_annotated": i in second}
    by_article: dict[str, list[str]] = defaultdict(list)
    for i in order:
        by_article[skeleton[i]["article_id"]].append(i)
    strata: dict[str, list[str]] = defaultdict(list)
    for article, ids in by_article.items():
        stratum = skeleton[ids[0]]["stratum"]
        period = (
            "commentary" if stratum == "commentary" else ("2019-2021" if int(stratum[-4:]) >= 2019 else "2004-2009")
        )
        strata[period].append(article)
    rng = random.Random(SEED)
    test_articles: set[str] = set()
    for period in sorted(strata):
        articles = sorted(strata[period])
        rng.shuffle(articles)
        test_articles.update(articles[: round(len(articles) / 3)])
    dev = [dict(final[i], split="dev") for i in order if skeleton[i]["article_id"] not in test_articles]
    test = [dict(final[i], split="test") for i in order if skeleton[i]["article_id"] in test_articles]
    write(out_dir / "dev.jsonl", dev)
    write(out_dir / "test.jsonl", test)
    report = agreement({i: parse_sentence(first[i]) for i in second}, {i: parse_sentence(second[i]) for i in second})
    report.update(
        sentences_total=len(order),
        share_double_annotated=len(second) / len(order),
        disputed_sentences=len(disputed),
        adjudicated_sentences=len(adjudicated),
    )
    (out_dir / "agreement.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(
        f"{len(by_article)} articles, {len(order)} sentences: dev {len(dev)}, test {len(test)}; "
        f"{len(second)} doubly annotated ({len(disputed)} disputed, {len(adjudicated)} adjudicated); "
        f"alpha(root sets) {report['alpha_root_sets_masi']:.3f}"
    )


if __name__ == "__main__":
    main(*sys.argv[1:4])
