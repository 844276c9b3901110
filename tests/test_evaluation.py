"""Tests for ``realpolitik evaluate``: the scorer on hand-built events, the gold reader, and one run end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from realpolitik.coding.codebook import default_codebook
from realpolitik.evaluation.cli import documents, load_ipe_rules, load_legacy_codes, read_gold
from realpolitik.evaluation.score import (
    NO_ACTOR,
    ActorKey,
    GoldRecord,
    IpeRules,
    counted,
    mentions_by_record,
    parse_actor_code,
    parse_record,
    predicted_items,
    score_events,
    score_ipe,
)
from realpolitik.types import Actor, EventMention, Modality, Sentence

DATA = Path("/work/shared/data")
RUS, UKR, USA = Actor("RUS", name="Russia"), Actor("UKR", name="Ukraine"), Actor("USA", name="United States")
POLICE = Actor(None, "COP", name="police")


def ev(
    code: str,
    source: Actor,
    target: Actor | None = None,
    modality: Modality = Modality.ASSERTED,
    confidence: float = 0.5,
    trigger: tuple[int, int] = (7, 16),
    sentence_index: int = 0,
) -> EventMention:
    """A hand-built event with codebook-consistent fields."""
    entry = default_codebook().lookup(code)
    return EventMention(
        doc_id="d",
        sentence_index=sentence_index,
        sentence_text="",
        source=source,
        target=target,
        code=code,
        root_code=code[:2],
        event_name=entry.name,
        goldstein=entry.goldstein,
        quad_class=entry.quad_class,
        plover_type=entry.plover_type,
        plover_mode=entry.plover_mode,
        modality=modality,
        trigger_text="",
        trigger_span=trigger,
        source_text="",
        source_span=(0, 6),
        confidence=confidence,
    )


def cameo_record(*expected: tuple[str, str, str], **extra: object) -> GoldRecord:
    raw = {
        "id": "r",
        "date": "2014-03-01",
        "text": "Russia condemned Ukraine.",
        "expected": [{"source": s, "target": t, "code": c} for s, t, c in expected],
        **extra,
    }
    return parse_record(raw, "cameo", load_legacy_codes())


def cameo_scores(pairs: list[tuple[GoldRecord, list[EventMention]]]):
    return score_events([(g, predicted_items(p, "cameo")) for g, p in pairs], "cameo")


# -- event types ----------------------------------------------------------------


def test_perfect_match() -> None:
    s = cameo_scores([(cameo_record(("RUS", "UKR", "111")), [ev("111", RUS, UKR)])])
    for level in ("code", "root", "quad"):
        assert (s.levels[level].precision, s.levels[level].recall, s.levels[level].f1) == (1.0, 1.0, 1.0)
    assert s.pairs == 1
    assert all(s.actor_rate(m) == 1.0 for m in ("source_full", "target_full", "dyad_country"))


def test_one_miss() -> None:
    gold = cameo_record(("RUS", "UKR", "111"), ("USA", "RUS", "036"))
    s = cameo_scores([(gold, [ev("111", RUS, UKR)])])
    code = s.levels["code"]
    assert (code.tp, code.n_pred, code.n_gold) == (1, 1, 2)
    assert code.precision == 1.0 and code.recall == 0.5
    assert code.f1 == pytest.approx(2 / 3)
    assert s.per_type["03"].recall == 0.0 and s.per_type["11"].f1 == 1.0


def test_one_false_positive_and_levels() -> None:
    gold = cameo_record(("RUS", "UKR", "111"))
    s = cameo_scores([(gold, [ev("112", RUS, UKR, confidence=0.9), ev("190", RUS, UKR, confidence=0.4)])])
    assert s.levels["code"].tp == 0  # 112 is not 111
    root, quad = s.levels["root"], s.levels["quad"]
    assert (root.precision, root.recall) == (0.5, 1.0)
    assert root.f1 == pytest.approx(2 / 3)
    assert (quad.tp, quad.n_pred, quad.n_gold) == (1, 2, 1)  # 190 is quad 4, 111 quad 3
    assert s.confusion == {("11", "11"): 1}  # the most confident prediction


def test_actor_mismatch_country_vs_full_code() -> None:
    gold = cameo_record(("RUSGOV", "UKR", "111"))
    s = cameo_scores([(gold, [ev("111", Actor("RUS", "MIL"), Actor("UKR", "GOV"))])])
    assert s.pairs == 1
    assert s.actor_hits == {
        "source_country": 1,
        "target_country": 1,
        "source_full": 0,
        "target_full": 0,
        "dyad_country": 1,
        "dyad_full": 0,
    }


def test_wrong_source_country_and_missing_target() -> None:
    gold = cameo_record(("RUS", "---", "111"))  # PETRARCH writes --- for no target
    s = cameo_scores([(gold, [ev("111", USA, None)])])
    assert s.actor_rate("source_country") == 0.0
    assert s.actor_rate("target_full") == 1.0


def test_igo_matches_any_igo_at_country_level_only() -> None:
    gold = cameo_record(("IGOEEU", "RUS", "111"))
    eu = Actor(role="IGO", igo="EUR", name="European Union")
    s = cameo_scores([(gold, [ev("111", eu, RUS)])])
    assert s.actor_hits["source_country"] == 1 and s.actor_hits["source_full"] == 0


def test_no_event_records_false_positive_rate() -> None:
    empty = cameo_record(expect_no_events=True)
    s = cameo_scores([(empty, [ev("111", RUS, UKR), ev("112", RUS, UKR)]), (empty, [])])
    assert (s.no_event_records, s.no_event_records_with_predictions, s.no_event_false_positives) == (2, 1, 2)
    assert s.false_positive_rate == 0.5
    assert s.levels["code"].precision == 0.0


def test_confusion_none_when_nothing_predicted() -> None:
    s = cameo_scores([(cameo_record(("RUS", "UKR", "111")), [])])
    assert s.confusion == {("11", "none"): 1}


def test_modalities_counted() -> None:
    assert counted(ev("111", RUS, modality=Modality.HYPOTHETICAL))
    assert counted(ev("111", RUS, modality=Modality.REPORTED))
    assert not counted(ev("111", RUS, modality=Modality.NEGATED))
    assert not counted(ev("111", RUS, modality=Modality.DENIED))
    assert not counted(ev("111", RUS, modality=Modality.FUTURE), asserted_only=True)
    assert counted(ev("111", RUS), asserted_only=True)


# -- PLOVER ---------------------------------------------------------------------


def plover_record(code: str, sources: list[dict], targets: list[dict]) -> GoldRecord:
    raw = {
        "id": "p",
        "date": "2000-01-01",
        "text": "x",
        "scheme": "PLOVER",
        "expected": [{"code": code, "source_actors": sources, "target_actors": targets}],
    }
    return parse_record(raw, "plover", load_legacy_codes())


def test_plover_compound_source_merges_events_of_one_trigger() -> None:
    gold = plover_record("AGREE", [{"code": "HUN", "sector": "GOV"}, {"code": "ROU", "sector": "GOV"}], [])
    hun, rou = Actor("HUN", "GOV"), Actor("ROU", "GOV")
    s = score_events([(gold, predicted_items([ev("030", hun), ev("030", rou)], "plover"))], "plover")
    assert default_codebook().lookup("030").plover_type == "AGREE"
    assert (s.levels["type"].tp, s.levels["type"].n_pred, s.levels["type"].n_gold) == (1, 1, 1)
    assert s.actor_rate("source_full") == 1.0 and s.actor_rate("target_full") == 1.0


def test_plover_old_types_renamed_and_odd_sectors() -> None:
    gold = plover_record(
        "FIGHT", [{"code": "SRB", "sector": "MILsrp"}], [{"code": "IGO"}, {"code": "ALB", "sector": "***"}]
    )
    assert gold.expected[0].labels == {"type": "ASSAULT"}
    assert gold.expected[0].sources == (ActorKey("SRB", "MIL"),)
    assert gold.expected[0].targets == (ActorKey("IGO", None), ActorKey("ALB", None))
    assert ActorKey("IGO").matches_full(ActorKey("IGO", "UNO"))
    assert plover_record("DISAPPROVE", [], []).expected[0].labels == {"type": "ACCUSE"}
    assert plover_record("DISAPPROVE", [], []).expected[0].sources == (NO_ACTOR,)


# -- gold codes -----------------------------------------------------------------


def test_legacy_country_codes() -> None:
    legacy = load_legacy_codes()
    assert parse_actor_code("JAPGOV", legacy) == ActorKey("JPN", "GOV")
    assert parse_actor_code("ROM", legacy) == ActorKey("ROU", None)
    assert parse_actor_code("DAGGOV", legacy) == ActorKey("DAG", "GOV")
    assert parse_actor_code("---GOV", legacy) == ActorKey(None, "GOV")
    assert parse_actor_code("---", legacy) == NO_ACTOR
    quoted = parse_actor_code('"THE MINISTRY OF MAGIC"', legacy)
    assert not quoted.matches_country(NO_ACTOR) and quoted.top == '"THE MINISTRY OF MAGIC"'
    assert plover_record("AGREE", [{"code": "JAP"}], []).expected[0].sources == (ActorKey("JPN"),)


def test_skipped_records() -> None:
    assert cameo_record(("ARN", "GON", "064"), valid=False).skip == "marked invalid"
    assert cameo_record(("ARN", "GON", "064"), skip=True).skip == "marked skip"
    assert cameo_record(("ARN", "GON", "903")).skip == "non-CAMEO event codes"
    assert cameo_record(("ARN", "GON", "064")).skip is None
    assert plover_record("SHOUT", [], []).skip == "unknown PLOVER type"


# -- IndiaPoliceEvents ------------------------------------------------------------


def test_ipe_class_mapping() -> None:
    rules = load_ipe_rules()
    crowd = Actor("IND", "CVL", name="protesters")
    assert rules.labels([ev("173", POLICE, crowd)]) == {"ARREST", "ANY_ACTION"}
    assert rules.labels([ev("1823", POLICE, crowd)]) == {"KILL", "FORCE", "ANY_ACTION"}
    assert rules.labels([ev("175", POLICE, crowd)]) == {"FORCE", "ANY_ACTION"}
    assert rules.labels([ev("173", POLICE, crowd, Modality.NEGATED)]) == {"FAIL"}
    assert rules.labels([ev("124", POLICE)]) == {"FAIL", "ANY_ACTION"}
    assert rules.labels([ev("173", crowd, POLICE)]) == set()  # police on the receiving end
    assert rules.labels([ev("173", POLICE, crowd, Modality.FUTURE)]) == {"ARREST", "ANY_ACTION"}
    assert rules.labels([ev("173", POLICE, crowd, Modality.FUTURE)], asserted_only=True) == set()
    assert rules.labels([ev("173", POLICE, crowd, Modality.DENIED)]) == set()


def test_ipe_rules_validation() -> None:
    with pytest.raises(ValueError, match="KILL"):
        IpeRules.from_dict({"police_roles": ["COP"], "classes": {"KILL": {"codes": [1823]}}})
    with pytest.raises(ValueError, match="police_roles"):
        IpeRules.from_dict({"classes": {"KILL": {"codes": ["1823"]}}})


def test_ipe_sentence_scores() -> None:
    def rec(labels: list[str]) -> GoldRecord:
        raw = {"id": "s", "text": "x", "expected": [{"code": c, "source": "police"} for c in labels]}
        return parse_record(raw, "ipe", {})

    s = score_ipe(
        [
            (rec(["ARREST", "ANY_ACTION"]), {"ARREST", "ANY_ACTION"}),
            (rec(["KILL", "ANY_ACTION"]), {"ANY_ACTION"}),
            (rec([]), {"FORCE", "ANY_ACTION"}),
            (rec([]), set()),
        ],
        ["ARREST", "KILL", "FORCE", "ANY_ACTION"],
    )
    assert s.classes["ANY_ACTION"] == {"tp": 2, "fp": 1, "fn": 0, "tn": 1}
    assert s.class_scores("ANY_ACTION")["precision"] == pytest.approx(2 / 3)
    assert s.class_scores("KILL") == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert s.classes["KILL"]["fn"] == 1 and s.classes["ARREST"]["tn"] == 3
    assert s.micro["precision"] == pytest.approx(3 / 5) and s.micro["recall"] == pytest.approx(3 / 4)
    assert (s.no_label_records, s.no_label_with_predictions) == (2, 1)


def test_events_go_back_to_their_sentence_record(tmp_path: Path) -> None:
    lines = [
        {
            "id": f"ipe-7-{i}",
            "date": "2002-03-10",
            "text": t,
            "expected": [],
            "scheme": "IndiaPoliceEvents",
            "doc_id": 7,
            "sent_id": i,
        }
        for i, t in [(1, "police arrested him."), (0, "a mob gathered.")]
    ]
    path = tmp_path / "ipe.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    gold = read_gold(path)
    [(doc, records, starts)] = list(documents(gold))
    assert doc.text == "a mob gathered. police arrested him." and starts == [0, 16]
    assert [r.id for r in records] == ["ipe-7-0", "ipe-7-1"]
    # spaCy may keep both records in one sentence; offsets still split them
    one = [Sentence("d", 0, doc.text, 0)]
    split = mentions_by_record([ev("173", POLICE, trigger=(23, 31)), ev("010", RUS, trigger=(6, 14))], one, starts)
    assert [[e.code for e in part] for part in split] == [["010"], ["173"]]
    two = [Sentence("d", 0, "a mob gathered.", 0), Sentence("d", 1, "police arrested him.", 16)]
    split = mentions_by_record([ev("173", POLICE, trigger=(7, 15), sentence_index=1)], two, starts)
    assert [len(part) for part in split] == [0, 1]


# -- reading gold files -------------------------------------------------------------


def test_read_gold_filter_and_limit(tmp_path: Path) -> None:
    rows = [
        {
            "id": f"r{i}",
            "date": "1995-01-01",
            "text": "Arnor met Gondor.",
            "scheme": "CAMEO",
            "expected": [{"source": "ARN", "target": "GON", "code": "040"}],
            "uses_fictional_actors": i % 2 == 0,
        }
        for i in range(6)
    ]
    path = tmp_path / "g.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + "not json\n")
    gold = read_gold(path)
    assert gold.scheme == "cameo" and len(gold.records) == 6 and gold.skipped == {"unreadable": 1}
    real = read_gold(path, real_only=True, limit=2)
    assert [r.id for r in real.records] == ["r1", "r3"] and real.filtered == 3


@pytest.mark.skipif(not (DATA / "plover_gsr.jsonl").exists(), reason="gold data not present")
def test_shared_gold_files_parse() -> None:
    plover = read_gold(DATA / "plover_gsr.jsonl")
    assert plover.scheme == "plover" and len(plover.records) == 316 and not plover.skipped
    petrarch = read_gold(DATA / "petrarch2_unittests.jsonl", real_only=True)
    assert petrarch.scheme == "cameo" and petrarch.filtered > 0
    assert petrarch.read == len(petrarch.records) + sum(petrarch.skipped.values())


# -- end to end -------------------------------------------------------------------

try:
    import realpolitik.pipeline  # noqa: F401

    PIPELINE_ERROR = None
except ImportError as exc:  # other stages still being written
    PIPELINE_ERROR = f"the pipeline cannot be imported yet: {exc}"


@pytest.mark.skipif(PIPELINE_ERROR is not None, reason=PIPELINE_ERROR or "")
def test_evaluate_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from realpolitik.cli.main import main

    rows = [
        ("Russia condemned Ukraine on Monday.", [("RUS", "UKR", "111")]),
        ("North Korea fired artillery shells at South Korea.", [("PRK", "KOR", "194")]),
        ("The weather in Paris was mild on Sunday.", []),
    ]
    path = tmp_path / "gold.jsonl"
    path.write_text(
        "".join(
            json.dumps(
                {
                    "id": f"t{i}",
                    "date": "2014-03-03",
                    "text": text,
                    "scheme": "CAMEO",
                    "uses_fictional_actors": False,
                    "expect_no_events": not exp,
                    "expected": [{"source": s, "target": t, "code": c} for s, t, c in exp],
                }
            )
            + "\n"
            for i, (text, exp) in enumerate(rows)
        )
    )
    out = tmp_path / "scores.json"
    assert main(["evaluate", str(path), "--filter", "real", "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["scheme"] == "cameo"
    assert report["counts"]["records_scored"] == 3 and report["counts"]["documents_failed"] == 0
    scores = report["scores"]
    assert scores["levels"]["quad"]["expected"] == 2
    assert scores["levels"]["root"]["tp"] >= 1
    assert scores["actors"]["source_country"]["rate"] > 0
    assert scores["no_event_records"]["records"] == 1
    assert "Event types" in capsys.readouterr().out
