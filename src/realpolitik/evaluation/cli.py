"""``realpolitik evaluate``: code a gold-standard JSONL file and score the events.

Records are coded through :class:`realpolitik.pipeline.Pipeline`. For the
IndiaPoliceEvents scheme, where each record is one sentence of an article,
the records sharing a ``doc_id`` are joined (in ``sent_id`` order, separated by
one space) into one document, so pronouns and context work as in an article;
each event goes back to the record holding the first character of its trigger.
For the realpolitik gold (``data/gold/``), each article is rebuilt exactly from its
records' offsets and coded whole, and scored by :mod:`realpolitik.evaluation.gold_score`.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from realpolitik.cli.args import console, positive
from realpolitik.datafiles import data_file, read_yaml
from realpolitik.evaluation.gold import SCHEME as GOLD_SCHEME
from realpolitik.evaluation.gold import GoldError, GoldSentence, article_documents, load_gold
from realpolitik.evaluation.gold_score import GoldScores, Predicted, score_gold
from realpolitik.evaluation.score import (
    NONE,
    SCHEMES,
    EventScores,
    GoldRecord,
    IpeRules,
    IpeScores,
    counted,
    detect_scheme,
    mentions_by_record,
    parse_record,
    predicted_items,
    score_events,
    score_ipe,
)
from realpolitik.types import Document, EventMention

CONFUSION_ROWS = 12
stdout = console()
stderr = console(stderr=True)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``evaluate`` subcommand on the top-level CLI's subparsers."""
    p = subparsers.add_parser(
        "evaluate",
        help="score the coder against a gold-standard JSONL file",
        description="Code the records of a gold-standard JSONL file and print precision, recall and F1 "
        "of event types, actor agreement, false positives and a confusion table. Events of "
        "every modality except negated and denied are scored (gold coders code 'would' and "
        "'about to' events too); --asserted-only scores asserted events only.",
    )
    p.add_argument("gold", help="gold JSONL: records {id, date, text, expected: [...], scheme, ...}")
    p.add_argument(
        "--scheme",
        choices=(*SCHEMES, GOLD_SCHEME),
        help="how to read 'expected' (default: from the first record's 'scheme' field)",
    )
    p.add_argument("--limit", type=positive, metavar="N", help="score only the first N records")
    p.add_argument(
        "--asserted-only", action="store_true", help="score only asserted events (default: all but negated and denied)"
    )
    p.add_argument("--json", metavar="OUT", help="also write every number as JSON here")
    p.add_argument(
        "--filter",
        choices=("real",),
        help="'real': keep only records without fictional actors (uses_fictional_actors false)",
    )
    p.set_defaults(func=cmd_evaluate)
    return p


@lru_cache(maxsize=1)
def load_legacy_codes() -> dict[str, str]:
    """Legacy CAMEO country codes -> ISO3, from ``data/actor_codes.yaml``."""
    data = read_yaml(data_file("evaluation", "actor_codes.yaml"))
    return {str(k): str(v) for k, v in (data.get("countries") or {}).items()}


@lru_cache(maxsize=1)
def load_ipe_rules() -> IpeRules:
    """The IndiaPoliceEvents class rules, from ``data/ipe.yaml``."""
    return IpeRules.from_dict(read_yaml(data_file("evaluation", "ipe.yaml")))


# -- reading gold -----------------------------------------------------------------


@dataclass
class Gold:
    """The records of a gold file, ready to code."""

    scheme: str
    records: list[GoldRecord] = field(default_factory=list)  # to score
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> records
    filtered: int = 0  # left out by --filter
    read: int = 0


def read_gold(path: str | Path, scheme: str | None = None, limit: int | None = None, real_only: bool = False) -> Gold:
    """Parse a gold JSONL file; ValueError if the scheme is neither given nor detectable."""
    legacy = load_legacy_codes()
    gold: Gold | None = None
    unreadable = 0
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError:
                stderr.print(f"[yellow]skipped[/] {path} line {n}: not JSON", highlight=False)
                unreadable += 1
                continue
            if gold is None:
                found = scheme or detect_scheme(raw)
                if found is None:
                    raise ValueError(
                        f"{path}: cannot tell the scheme from {raw.get('scheme')!r}; "
                        f"pass --scheme ({'|'.join(SCHEMES)})"
                    )
                gold = Gold(found)
            if real_only and raw.get("uses_fictional_actors"):
                gold.filtered += 1
                continue
            if limit is not None and gold.read >= limit:
                break
            gold.read += 1
            try:
                record = parse_record(raw, gold.scheme, legacy)
            except (ValueError, KeyError, TypeError) as exc:
                stderr.print(f"[yellow]skipped[/] {path} line {n}: {exc}", highlight=False)
                unreadable += 1
                continue
            if record.skip:
                gold.skipped[record.skip] += 1
            else:
                gold.records.append(record)
    if gold is None:
        raise ValueError(f"{path}: no records")
    if unreadable:
        gold.skipped["unreadable"] = unreadable
    return gold


def documents(gold: Gold) -> Iterator[tuple[Document, list[GoldRecord], list[int]]]:
    """(document, its records, where each record starts in the document text)."""
    if gold.scheme != "ipe":
        for r in gold.records:
            yield Document(id=r.id, text=r.text, date=r.date), [r], [0]
        return
    groups: dict[str, list[GoldRecord]] = {}
    for r in gold.records:
        groups.setdefault(r.group or r.id, []).append(r)
    for key, records in groups.items():
        records.sort(key=lambda r: r.order)
        starts, offset = [], 0
        for r in records:
            starts.append(offset)
            offset += len(r.text) + 1
        yield Document(id=f"doc-{key}", text=" ".join(r.text for r in records), date=records[0].date), records, starts


# -- the command ------------------------------------------------------------------


def _first_scheme(path: str | Path) -> str | None:
    """The ``scheme`` field of a file's first JSON record, or None."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                try:
                    raw = json.loads(line)
                except json.JSONDecodeError:
                    return None
                return str(raw.get("scheme", "")) if isinstance(raw, dict) else None
    return None


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Code the gold file, score it, print tables and optionally write JSON."""
    from realpolitik.pipeline import Pipeline

    try:
        if args.scheme == GOLD_SCHEME or (args.scheme is None and _first_scheme(args.gold) == GOLD_SCHEME):
            return _evaluate_gold(args)
    except OSError as exc:
        stderr.print(f"[red]error:[/] {exc}", highlight=False)
        return 2
    try:
        gold = read_gold(args.gold, args.scheme, args.limit, args.filter == "real")
    except (OSError, ValueError) as exc:
        stderr.print(f"[red]error:[/] {exc}", highlight=False)
        return 2
    started = time.monotonic()
    per_record: dict[int, list[EventMention]] = {}
    failed = n_mentions = n_scored = 0
    docs = list(documents(gold))
    pipeline = Pipeline()
    with Progress(
        TextColumn("coding"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=stderr, transient=True
    ) as progress:
        task = progress.add_task("coding", total=len(docs))
        for (doc, records, starts), result in zip(docs, pipeline.run(d for d, _, _ in docs)):
            progress.advance(task)
            if result.error:
                failed += 1
                stderr.print(f"[yellow]failed[/] {doc.id}: {result.error.error}", highlight=False)
            n_mentions += len(result.mentions)
            kept = [
                e
                for e in result.mentions  # IPE rules look at modality themselves
                if gold.scheme == "ipe" or counted(e, args.asserted_only)
            ]
            n_scored += len(kept)
            for record, mentions in zip(records, mentions_by_record(kept, result.sentences, starts)):
                per_record[id(record)] = mentions
    seconds = time.monotonic() - started

    scores: EventScores | IpeScores
    if gold.scheme == "ipe":
        rules = load_ipe_rules()
        scores = score_ipe(
            [(r, rules.labels(per_record[id(r)], args.asserted_only)) for r in gold.records], list(rules.classes)
        )
    else:
        scores = score_events([(r, predicted_items(per_record[id(r)], gold.scheme)) for r in gold.records], gold.scheme)
    counts = {
        "records_read": gold.read,
        "filtered_out": gold.filtered,
        "records_scored": len(gold.records),
        "skipped": dict(gold.skipped),
        "documents": len(docs),
        "documents_failed": failed,
        "mentions_coded": n_mentions,
        "mentions_scored": n_scored,
    }
    _print_summary(args, gold, counts, seconds)
    if isinstance(scores, IpeScores):
        _print_ipe(scores)
    else:
        _print_events(scores)
    if args.json:
        report = {
            "gold": str(args.gold),
            "scheme": gold.scheme,
            "filter": args.filter,
            "asserted_only": args.asserted_only,
            "limit": args.limit,
            "seconds": round(seconds, 1),
            "counts": counts,
            "scores": scores.to_dict(),
        }
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


def _evaluate_gold(args: argparse.Namespace) -> int:
    """``evaluate --scheme realpolitik``: code each gold article whole and score its sentences."""
    from realpolitik.pipeline import Pipeline

    try:
        sentences = load_gold(args.gold)
    except GoldError as exc:
        stderr.print(f"[red]error:[/] {args.gold}: {exc}", highlight=False, markup=False)
        return 2
    if args.limit is not None:
        sentences = sentences[: args.limit]
    articles = article_documents(sentences)
    started = time.monotonic()
    scored: list[tuple[GoldSentence, list[Predicted]]] = []
    failed = n_mentions = 0
    with Progress(
        TextColumn("coding"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=stderr, transient=True
    ) as progress:
        task = progress.add_task("coding", total=len(articles))
        for (doc, records), result in zip(articles, Pipeline().run(d for d, _ in articles)):
            progress.advance(task)
            if result.error:
                failed += 1
                stderr.print(f"[yellow]failed[/] {doc.id}: {result.error.error}", highlight=False)
            n_mentions += len(result.mentions)
            split = mentions_by_record(result.mentions, result.sentences, [r.start for r in records])
            for record, mentions in zip(records, split):
                scored.append((record, [Predicted(e, result.sentences[e.sentence_index].start) for e in mentions]))
    seconds = time.monotonic() - started
    scores = score_gold(scored, args.asserted_only)
    counts = {
        "records_scored": len(sentences),
        "articles": len(articles),
        "articles_failed": failed,
        "mentions_coded": n_mentions,
        "mentions_expected": sum(len(s.expected) for s in sentences),
    }
    t = Table(title=f"evaluate {args.gold} (realpolitik gold)", show_header=False)
    for row in (
        ("sentences scored", str(len(sentences))),
        ("articles coded", f"{len(articles)} ({failed} failed)"),
        ("mentions expected / coded", f"{counts['mentions_expected']} / {n_mentions}"),
        ("modalities scored", "asserted only" if args.asserted_only else "all but negated and denied"),
        ("time", f"{seconds:.1f} s"),
    ):
        t.add_row(*row)
    stdout.print(t)
    _print_gold(scores)
    if args.json:
        report = {
            "gold": str(args.gold),
            "scheme": GOLD_SCHEME,
            "asserted_only": args.asserted_only,
            "limit": args.limit,
            "seconds": round(seconds, 1),
            "counts": counts,
            "scores": scores.to_dict(),
        }
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


# -- tables -----------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def _print_summary(args: argparse.Namespace, gold: Gold, counts: dict[str, Any], seconds: float) -> None:
    t = Table(title=f"evaluate {args.gold} ({gold.scheme})", show_header=False)
    skipped = ", ".join(f"{n} {why}" for why, n in gold.skipped.most_common()) or "0"
    rows = [
        ("records read", str(counts["records_read"])),
        ("left out by --filter real", str(gold.filtered)) if args.filter else None,
        ("skipped", skipped),
        ("records scored", str(counts["records_scored"])),
        ("documents coded", f"{counts['documents']} ({counts['documents_failed']} failed)"),
        ("mentions coded (scored)", f"{counts['mentions_coded']} ({counts['mentions_scored']})"),
        ("modalities scored", "asserted only" if args.asserted_only else "all but negated and denied"),
        ("time", f"{seconds:.1f} s"),
    ]
    for row in rows:
        if row:
            t.add_row(*row)
    stdout.print(t)


def _print_events(s: EventScores) -> None:
    t = Table(title="Event types (micro over records)")
    for col in ("level", "P %", "R %", "F1 %", "TP", "predicted", "expected"):
        t.add_column(col, justify="left" if col == "level" else "right")
    for level, prf in s.levels.items():
        t.add_row(
            level, _pct(prf.precision), _pct(prf.recall), _pct(prf.f1), str(prf.tp), str(prf.n_pred), str(prf.n_gold)
        )
    stdout.print(t)

    t = Table(title=f"Actor match: {s.pairs} pairs matched at {s.pair_level} level")
    for col in ("actor", "country %", "country + role %"):
        t.add_column(col, justify="left" if col == "actor" else "right")
    for who in ("source", "target", "dyad"):
        t.add_row(who, _pct(s.actor_rate(f"{who}_country")), _pct(s.actor_rate(f"{who}_full")))
    stdout.print(t)

    stdout.print(
        f"Records expecting no events: {s.no_event_records}; with a prediction: "
        f"{s.no_event_records_with_predictions} ({_pct(s.false_positive_rate)} %), "
        f"{s.no_event_false_positives} false-positive events",
        highlight=False,
    )

    t = Table(title=f"Per {s.pair_level}")
    for col in (s.pair_level, "expected", "predicted", "TP", "P %", "R %", "F1 %"):
        t.add_column(col, justify="left" if col == s.pair_level else "right")
    for name, prf in sorted(s.per_type.items(), key=lambda kv: (-kv[1].n_gold, -kv[1].n_pred, kv[0])):
        t.add_row(
            name, str(prf.n_gold), str(prf.n_pred), str(prf.tp), _pct(prf.precision), _pct(prf.recall), _pct(prf.f1)
        )
    stdout.print(t)

    rows: dict[str, Counter[str]] = {}
    for (exp, pred), n in s.confusion.items():
        rows.setdefault(exp, Counter())[pred] += n
    t = Table(title=f"Confusion, records with one expected event (top {CONFUSION_ROWS} {s.pair_level}s)")
    for col in ("expected", "records", "correct", NONE, "most often predicted instead"):
        t.add_column(col, justify="left" if col in ("expected", "most often predicted instead") else "right")
    for exp, preds in sorted(rows.items(), key=lambda kv: -sum(kv[1].values()))[:CONFUSION_ROWS]:
        wrong = [(p, n) for p, n in preds.most_common() if p not in (exp, NONE)][:3]
        t.add_row(
            exp, str(sum(preds.values())), str(preds[exp]), str(preds[NONE]), ", ".join(f"{p} {n}" for p, n in wrong)
        )
    stdout.print(t)


def _print_ipe(s: IpeScores) -> None:
    t = Table(title="IndiaPoliceEvents classes (sentence level)")
    for col in ("class", "expected", "predicted", "TP", "FP", "FN", "P %", "R %", "F1 %"):
        t.add_column(col, justify="left" if col == "class" else "right")
    for name, c in s.classes.items():
        prf = s.class_scores(name)
        t.add_row(
            name,
            str(c["tp"] + c["fn"]),
            str(c["tp"] + c["fp"]),
            str(c["tp"]),
            str(c["fp"]),
            str(c["fn"]),
            _pct(prf["precision"]),
            _pct(prf["recall"]),
            _pct(prf["f1"]),
        )
    micro = s.micro
    t.add_row("micro", "", "", "", "", "", _pct(micro["precision"]), _pct(micro["recall"]), _pct(micro["f1"]))
    stdout.print(t)
    stdout.print(
        f"Macro F1: {_pct(s.macro_f1)} %. Sentences with no class: {s.no_label_records}; "
        f"given a class: {s.no_label_with_predictions} ({_pct(s.false_positive_rate)} %)",
        highlight=False,
    )


def _print_gold(s: GoldScores) -> None:
    t = Table(title="Events (micro over sentences)")
    for col in ("level", "P %", "R %", "F1 %", "TP", "predicted", "expected"):
        t.add_column(col, justify="left" if col == "level" else "right")
    for level, prf in s.levels.items():
        t.add_row(
            level, _pct(prf.precision), _pct(prf.recall), _pct(prf.f1), str(prf.tp), str(prf.n_pred), str(prf.n_gold)
        )
    stdout.print(t)
    t = Table(title=f"Actors on {s.pairs} root-matched pairs")
    for col in ("actor", "country %", "country + role %", "country, span %", "country + role, span %"):
        t.add_column(col, justify="left" if col == "actor" else "right")
    for who in ("source", "target"):
        t.add_row(who, *(_pct(s.rate(f"{who}_{m}")) for m in ("country", "full", "country_span", "full_span")))
    stdout.print(t)
    stdout.print(
        f"Modality accuracy: {_pct(s.modality_accuracy)} % of {s.modality_pairs} pairs. "
        f"Date accuracy at the gold's precision: {_pct(s.date_accuracy)} % of {s.pairs} pairs. "
        f"No-event sentences: {s.no_event_sentences}, given an event: {s.no_event_with_predictions} "
        f"({_pct(s.false_positive_rate)} %).",
        highlight=False,
    )
    t = Table(title="Per root")
    for col in ("root", "expected", "predicted", "TP", "P %", "R %", "F1 %"):
        t.add_column(col, justify="left" if col == "root" else "right")
    for name, prf in sorted(s.per_root.items(), key=lambda kv: (-kv[1].n_gold, -kv[1].n_pred, kv[0])):
        t.add_row(
            name, str(prf.n_gold), str(prf.n_pred), str(prf.tp), _pct(prf.precision), _pct(prf.recall), _pct(prf.f1)
        )
    stdout.print(t)
