"""The realpolitik gold format: loading, validation with file and line, agreement, scoring."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from realpolitik.evaluation.agreement import agreement, krippendorff_alpha, masi_distance, nominal_distance
from realpolitik.evaluation.gold import GoldError, article_documents, load_gold, with_spans
from realpolitik.evaluation.gold_score import Predicted, score_gold
from realpolitik.types import Actor, EventMention, Modality

# A Wikinews story (CC BY 2.5, Wikinews), headline and three sentences.
ARTICLE = (
    "Police arrest opposition leader in Nairobi\n\n"
    "Kenyan police arrested opposition leader Raila Odinga on Tuesday, a spokesman said. "
    "The government denied ordering the arrest.\n\n"
    "Odinga had met the British ambassador in 1998."
)
SENTENCES = [
    "Police arrest opposition leader in Nairobi",
    "Kenyan police arrested opposition leader Raila Odinga on Tuesday, a spokesman said.",
    "The government denied ordering the arrest.",
    "Odinga had met the British ambassador in 1998.",
]
ANNOTATIONS = [
    [
        {
            "code": "173",
            "trigger_text": "arrest",
            "source": "KENCOP",
            "source_text": "Police",
            "target": "KENOPP",
            "target_text": "opposition leader",
            "modality": "asserted",
            "date": "2008-01-17",
            "date_precision": "day",
        }
    ],
    [
        {
            "code": "173",
            "trigger_text": "arrested",
            "source": "KENCOP",
            "source_text": "Kenyan police",
            "target": "KENOPP",
            "target_text": "opposition leader Raila Odinga",
            "modality": "asserted",
            "date": "2008-01-15",
            "date_precision": "day",
        },
        {
            "code": "010",
            "trigger_text": "said",
            "source": "KENCOP",
            "source_text": "a spokesman",
            "target": None,
            "target_text": None,
            "modality": "asserted",
            "date": "2008-01-17",
            "date_precision": "day",
        },
    ],
    [
        {
            "code": "016",
            "trigger_text": "denied",
            "source": "KENGOV",
            "source_text": "The government",
            "target": None,
            "target_text": None,
            "modality": "asserted",
            "date": "2008-01-17",
            "date_precision": "day",
        }
    ],
    [
        {
            "code": "040",
            "trigger_text": "met",
            "source": "KENOPP",
            "source_text": "Odinga",
            "target": "GBRGOV",
            "target_text": "the British ambassador",
            "modality": "asserted",
            "date": "1998",
            "date_precision": "year",
        }
    ],
]


def gold_records(article_id: str = "wikinews-test-1") -> list[dict]:
    records, at = [], 0
    for i, (text, events) in enumerate(zip(SENTENCES, ANNOTATIONS)):
        start = ARTICLE.index(text, at)
        records.append(
            {
                "id": f"{article_id}#{i}",
                "article_id": article_id,
                "sentence_index": i,
                "start": start,
                "end": start + len(text),
                "sep": ARTICLE[at:start],
                "kind": "headline" if i == 0 else "body",
                "date": "2008-01-17",
                "text": text,
                "scheme": "realpolitik",
                "expected": [with_spans(e, text) for e in events],
            }
        )
        at = start + len(text)
    return records


def write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_a_valid_file_loads_and_rebuilds_its_article_exactly(tmp_path):
    sentences = load_gold(write(tmp_path / "g.jsonl", gold_records()))
    assert [len(s.expected) for s in sentences] == [1, 2, 1, 1]
    ((doc, records),) = article_documents(sentences)
    assert doc.text == ARTICLE and doc.date == date(2008, 1, 17)
    assert [doc.text[r.start : r.end] for r in records] == SENTENCES
    met = sentences[3].expected[0]
    assert (
        met.date.precision == "year" and met.date.matches(date(1998, 1, 1)) and not met.date.matches(date(1999, 1, 1))
    )
    assert met.target is not None and met.target.span == (15, 37)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda r: r["expected"][0].update(code="999"), "code '999' is not a CAMEO code"),
        (lambda r: r["expected"][0].update(source="RUSXYZ"), "unknown role 'XYZ'"),
        (lambda r: r["expected"][0].update(source="ZZZGOV"), "unknown country 'ZZZ'"),
        (lambda r: r["expected"][0].update(target="kenopp"), "not COUNTRY[ROLE]"),
        (lambda r: r["expected"][0].update(target="IGO"), "needs an organisation id"),
        (lambda r: r["expected"][0].update(trigger_span=[0, 500]), "outside the sentence"),
        (lambda r: r["expected"][0].update(source_span=[0, 3]), "not source_text"),
        (lambda r: r["expected"][0].update(modality="probable"), "modality 'probable'"),
        (lambda r: r["expected"][0].update(date="2008-01"), "not written at precision 'day'"),
        (lambda r: r["expected"][0].update(date="2008-02-30"), "day is out of range"),
        (lambda r: r.update(start=r["start"] + 1, end=r["end"] + 1), "does not follow"),
        (lambda r: r.update(end=r["end"] + 4), "do not fit"),
    ],
)
def test_a_bad_record_is_named_by_file_and_line(tmp_path, change, message):
    records = gold_records()
    change(records[1])
    path = write(tmp_path / "bad.jsonl", records)
    with pytest.raises(GoldError) as err:
        load_gold(path)
    assert f"{path}:2:" in str(err.value) and message in str(err.value)


def test_broken_json_and_repeated_ids_are_reported_together(tmp_path):
    records = gold_records()
    path = tmp_path / "bad.jsonl"
    lines = [json.dumps(r) for r in records] + ["{not json", json.dumps(records[0])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(GoldError) as err:
        load_gold(path)
    assert f"{path}:5: not JSON" in str(err.value)
    assert f"{path}:6: id 'wikinews-test-1#0' already used on line 1" in str(err.value)


def test_an_annotators_text_must_occur_in_the_sentence():
    with pytest.raises(ValueError, match="does not occur"):
        with_spans({"trigger_text": "arrests", "source_text": None}, SENTENCES[1])
    second = with_spans(
        {"trigger_text": "police", "trigger_occurrence": 1, "source_text": None}, "Police said police fired."
    )
    assert second["trigger_span"] == [12, 18]


def test_masi_distance_and_nominal_alpha_match_the_literature():
    a, b = frozenset({"01", "17"}), frozenset({"17"})
    assert masi_distance(a, a) == 0 and masi_distance(frozenset(), frozenset()) == 0
    assert masi_distance(a, b) == pytest.approx(1 - 0.5 * 2 / 3)
    assert masi_distance(a, frozenset({"17", "19"})) == pytest.approx(1 - (1 / 3) / 3)
    assert masi_distance(a, frozenset({"19"})) == 1
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", nominal example: 0.743
    coders = [
        "1 2 3 3 2 1 4 1 2 . . .",
        "1 2 3 3 2 2 4 1 2 5 . 3",
        ". 3 3 3 2 3 4 2 2 5 1 .",
        "1 2 3 3 2 4 4 1 2 5 1 .",
    ]
    rows = [c.split() for c in coders]
    units = [[r[u] for r in rows if r[u] != "."] for u in range(12)]
    assert krippendorff_alpha(units, nominal_distance) == pytest.approx(0.743, abs=5e-4)


def test_agreement_between_two_passes(tmp_path):
    first = {s.id: s for s in load_gold(write(tmp_path / "a.jsonl", gold_records()))}
    records = gold_records()
    records[2]["expected"] = []  # the second annotator saw no event in the denial
    records[3]["expected"][0]["target"] = "GBR"  # and coded the ambassador as the country
    second = {s.id: s for s in load_gold(write(tmp_path / "b.jsonl", records))}
    report = agreement(first, second)
    assert report["sentences"] == 4
    assert report["f1_second_vs_first"]["root"]["recall"] == pytest.approx(4 / 5)
    assert report["f1_second_vs_first"]["root"]["precision"] == 1.0
    pairs = report["on_same_root_pairs"]
    assert report["same_root_pairs"] == 4
    assert pairs["target_country"]["agree"] == 4 and pairs["target_full"]["agree"] == 3
    assert 0 < report["alpha_root_sets_masi"] < 1


def _event(
    code: str,
    source: Actor,
    target: Actor | None,
    sentence: str,
    trigger: str,
    modality: Modality = Modality.ASSERTED,
    day: date = date(2008, 1, 17),
    source_text: str | None = None,
    target_text: str | None = None,
) -> EventMention:
    def span(text: str | None) -> tuple[int, int] | None:
        if text is None:
            return None
        at = sentence.index(text)
        return (at, at + len(text))

    t0 = sentence.index(trigger)
    return EventMention(
        doc_id="wikinews-test-1",
        sentence_index=0,
        sentence_text=sentence,
        source=source,
        target=target,
        code=code,
        root_code=code[:2],
        event_name="",
        goldstein=0.0,
        quad_class=1,
        plover_type=None,
        plover_mode=None,
        modality=modality,
        trigger_text=trigger,
        trigger_span=(t0, t0 + len(trigger)),
        source_text=source_text or "",
        source_span=span(source_text) or (0, 0),
        target_text=target_text,
        target_span=span(target_text),
        event_date=day,
    )


def test_scoring_roots_codes_actors_spans_modality_and_dates(tmp_path):
    sentences = load_gold(write(tmp_path / "g.jsonl", gold_records()))
    s1, s2, s3 = SENTENCES[1], SENTENCES[2], SENTENCES[3]
    police, odinga = Actor("KEN", "COP"), Actor("KEN", "OPP")
    predicted = {
        1: [
            _event(
                "173",
                police,
                odinga,
                s1,
                "arrested",
                day=date(2008, 1, 15),
                source_text="Kenyan police",
                target_text="opposition leader Raila Odinga",
            ),
            _event("010", Actor("KEN", "GOV"), None, s1, "said", source_text="a spokesman"),
        ],
        2: [_event("173", Actor("KEN", "GOV"), None, s2, "arrest", Modality.DENIED, source_text="The government")],
        3: [
            _event(
                "043",
                odinga,
                Actor("GBR", None),
                s3,
                "met",
                day=date(2008, 1, 17),
                source_text="Odinga",
                target_text="British",
            )
        ],
    }
    scored = [(s, [Predicted(e, s.start) for e in predicted.get(s.sentence_index, [])]) for s in sentences]
    report = score_gold(scored).to_dict()
    root = report["levels"]["root"]
    assert (root["tp"], root["predicted"], root["expected"]) == (3, 3, 5)  # the denied arrest is not scored
    assert report["levels"]["code"]["tp"] == 2  # 043 is the right root, not the right code
    actors = report["actors"]
    assert actors["pairs"] == 3
    assert actors["source_country"]["matches"] == 3 and actors["source_full"]["matches"] == 2  # GOV for COP
    assert actors["target_full"]["matches"] == 2  # no target for the statement; GBR is not GBRGOV
    assert actors["target_country_span"]["matches"] == 3  # "British" lies inside "the British ambassador"
    assert report["date"]["correct"] == 2 and report["date"]["by_precision"]["year"]["correct"] == 0
    # the denied arrest shares neither root nor trigger with the gold denial, so it pairs with nothing
    assert report["modality"]["accuracy"] == 1.0
    assert report["no_event_sentences"]["sentences"] == 0


def test_evaluate_scheme_realpolitik_end_to_end(tmp_path, capsys):
    from realpolitik.cli.main import main

    gold = write(tmp_path / "g.jsonl", gold_records())
    out = tmp_path / "scores.json"
    assert main(["evaluate", str(gold), "--scheme", "realpolitik", "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["scheme"] == "realpolitik"
    assert report["counts"]["records_scored"] == 4 and report["counts"]["mentions_expected"] == 5
    scores = report["scores"]
    assert scores["levels"]["root"]["expected"] == 5
    assert scores["levels"]["root"]["tp"] >= 1  # "Kenyan police arrested ..." is an arrest
    assert set(scores["actors"]) >= {"source_country", "target_full_span"}
    assert "date" in scores and "modality" in scores and "no_event_sentences" in scores
    assert "Actors on" in capsys.readouterr().out
    # without --scheme, the records' own "scheme" field decides
    assert main(["evaluate", str(gold), "--json", str(out)]) == 0
    assert json.loads(out.read_text())["scheme"] == "realpolitik"


def test_evaluate_rejects_a_bad_gold_file_in_one_clear_message(tmp_path, capsys):
    from realpolitik.cli.main import main

    records = gold_records()
    records[3]["expected"][0]["code"] = "0999"
    gold = write(tmp_path / "g.jsonl", records)
    assert main(["evaluate", str(gold), "--scheme", "realpolitik"]) == 2
    err = capsys.readouterr().err
    assert f"{gold}:4:" in err and "Traceback" not in err


GOLD = Path(__file__).resolve().parents[1] / "data" / "gold"


def test_the_committed_gold_is_valid_and_large_enough():
    dev, test = load_gold(GOLD / "dev.jsonl"), load_gold(GOLD / "test.jsonl")
    sentences = dev + test
    articles = {s.article_id for s in sentences}
    assert len(sentences) >= 500 and len(articles) >= 60
    assert not {s.article_id for s in dev} & {s.article_id for s in test}  # split by article
    assert abs(len({s.article_id for s in dev}) - 2 * len({s.article_id for s in test})) <= 2
    assert sum(s.raw["double_annotated"] for s in sentences) >= 0.25 * len(sentences)
    assert sum(not s.expected for s in sentences) > 100  # explicit no-event sentences
    assert {s.raw["stratum"] for s in sentences} >= {"commentary", "year 2005", "year 2019"}


def test_agreement_is_what_the_two_passes_give():
    first = {s.id: s for s in load_gold(GOLD / "passes" / "first.jsonl")}
    second = {s.id: s for s in load_gold(GOLD / "passes" / "second.jsonl")}
    stored = json.loads((GOLD / "agreement.json").read_text())
    report = agreement(first, second)
    assert report["sentences"] == stored["sentences"] == len(second)
    assert report["alpha_root_sets_masi"] == pytest.approx(stored["alpha_root_sets_masi"])
    assert report["f1_second_vs_first"]["root"]["f1"] == pytest.approx(stored["f1_second_vs_first"]["root"]["f1"])
