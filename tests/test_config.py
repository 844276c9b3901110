"""The configuration: user files over the packaged language data change the coding, bad ones are clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from realpolitik.config import Config, DataFiles, default_config
from realpolitik.jobs.dask_engine import CodingSpec
from realpolitik.jobs.pool import run_parallel
from realpolitik.pipeline import Pipeline, default_pipeline
from realpolitik.readers.clean import Boilerplate
from realpolitik.readers.files import read_paths
from realpolitik.types import Document

CONDEMN = "Russia condemned the attack on the embassy."
STORY = f"{CONDEMN}\n\nMOST READ: Iran threatened to attack Israel.\n"
HEADER = "code\tname\tgoldstein\tquad_class\tplover_type\tplover_mode\n"
HARSHER = HEADER + "111\tCriticize or denounce\t-5.0\t3\tACCUSE\tdisapprove\n"  # the packaged row says -2.0


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def harsher(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("codebook") / "harsher.tsv", HARSHER)


def goldstein(events: list) -> set[tuple[str, float]]:
    return {(e.code, e.goldstein) for e in events}


def test_the_pipeline_lists_its_stages_in_order() -> None:
    stages = default_pipeline().stages
    assert [s.name for s in stages] == [
        "time",
        "actors",
        "pronouns",
        "context",
        "triggers",
        "modality",
        "mentions",
        "geo",
    ]
    assert [s.name for s in stages if not s.per_sentence] == ["geo"]  # the story's countries place each mention


def test_a_codebook_override_changes_the_goldstein_weight(harsher: Path) -> None:
    pipe = Pipeline(Config.load(DataFiles(codebook=[harsher])))
    assert goldstein(pipe.code_text(CONDEMN)) == {("111", -5.0)}
    assert goldstein(default_pipeline().code_text(CONDEMN)) == {("111", -2.0)}  # the packaged data is untouched
    assert pipe.config.codebook.lookup("112").goldstein == -2.0  # rows not in the file stay


def test_a_codebook_override_may_add_a_code_a_lexicon_uses(tmp_path: Path) -> None:
    codes = write(tmp_path / "codes.tsv", HEADER + "1119\tCondemn an embassy attack\t-4.5\t3\tACCUSE\tdisapprove\n")
    lexicon = write(tmp_path / "mine.yaml", "triggers:\n- {verb: condemn, code: '1119', object: [attack]}\n")
    with pytest.raises(ValueError, match="'1119' is not a code in the CAMEO codebook"):
        Config.load(DataFiles(lexicon=[lexicon]))
    pipe = Pipeline(Config.load(DataFiles(codebook=[codes], lexicon=[lexicon])))
    [event] = pipe.code_text(CONDEMN)
    assert (event.code, event.event_name, event.goldstein, event.root_code) == (
        "1119",
        "Condemn an embassy attack",
        -4.5,
        "11",
    )


@pytest.mark.parametrize(
    "text, message",
    [
        ("code\tname\tgoldstein\n111\tCriticize\t-5.0\n", "bad.tsv: header must be"),
        (HEADER + "111\tCriticize or denounce\t-12.0\t3\tACCUSE\t\n", r"bad.tsv line 2 \(code '111'\): goldstein"),
        (HEADER + "111\tCriticize or denounce\t-5.0\t2\tACCUSE\t\n", "bad.tsv: code '111' has quad_class 2"),
        (HEADER + "2991\tA code of no root\t-5.0\t4\t\t\n", r"bad.tsv line 2 \(code '2991'\): not a CAMEO event code"),
        (HEADER + "1991\tA code without its parent\t-5.0\t4\t\t\n", "bad.tsv: code '1991' has no parent row '199'"),
    ],
)
def test_a_bad_codebook_file_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Config.load(DataFiles(codebook=[write(tmp_path / "bad.tsv", text)]))


def test_a_boilerplate_override_removes_a_line(tmp_path: Path) -> None:
    story = write(tmp_path / "story.txt", STORY)
    mine = write(tmp_path / "mine.yaml", "patterns:\n  promotion:\n    - most read:.*\n")
    [packaged] = read_paths([story])
    [cleaned] = read_paths([story], boilerplate=Boilerplate.load([mine]))
    assert isinstance(packaged, Document) and isinstance(cleaned, Document)
    assert "MOST READ" in packaged.text and cleaned.text == CONDEMN
    assert {e.code for e in default_pipeline().code_text(packaged.text)} == {"111", "1384"}
    assert {e.code for e in default_pipeline().code_text(cleaned.text)} == {"111"}


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "patterns:\n  promotion:\n    - most read:(.*\n",
            r"bad.yaml: patterns.promotion: 'most read:\(.\*' is not a regular",
        ),
        ("patterns:\n  promotion: most read\n", "bad.yaml: patterns.promotion must be a list of regular expressions"),
        ("patterns: [most read]\n", "bad.yaml: 'patterns' must map group names"),
        ("pattern:\n  promotion: [most read]\n", r"bad.yaml: unknown top-level key\(s\) \['pattern'\]"),
    ],
)
def test_a_bad_boilerplate_file_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Config.load(DataFiles(boilerplate=[write(tmp_path / "bad.yaml", text)]))


def test_the_cli_reads_codebook_and_boilerplate_files(tmp_path: Path, harsher: Path) -> None:
    story = write(tmp_path / "story.txt", STORY)
    mine = write(tmp_path / "mine.yaml", "patterns:\n  promotion:\n    - most read:.*\n")

    def code(*flags: str) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "realpolitik.cli.main", "code", str(story), "--date", "2024-05-01", *flags]
        return subprocess.run(argv, capture_output=True, text=True, timeout=600)

    plain = code()
    assert {(r["code"], r["goldstein"]) for r in map(json.loads, plain.stdout.splitlines())} == {
        ("111", -2.0),
        ("1384", -7.0),
    }
    changed = code("--codebook", str(harsher), "--boilerplate", str(mine), "--workers", "2")
    assert changed.returncode == 0, changed.stderr
    assert {(r["code"], r["goldstein"]) for r in map(json.loads, changed.stdout.splitlines())} == {("111", -5.0)}
    bad = code("--codebook", str(write(tmp_path / "bad.tsv", HEADER + "111\tCriticize\tsevere\t3\t\t\n")))
    assert bad.returncode == 2 and not bad.stdout
    assert "error:" in bad.stderr and "bad.tsv line 2 (code '111'): goldstein 'severe'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_worker_processes_code_with_the_config_they_are_given(harsher: Path) -> None:
    config = Config.load(DataFiles(codebook=[harsher]))
    documents = [Document(id=str(n), text=CONDEMN) for n in range(3)]
    results = list(run_parallel(documents, 2, config, batch_size=1))
    assert [goldstein(r.mentions) for r in results] == [{("111", -5.0)}] * 3


def test_the_dask_coding_spec_carries_every_kind_of_file(tmp_path: Path, harsher: Path) -> None:
    referents = write(tmp_path / "referents.yaml", "fixed:\n- {text: the Bear, code: RUS}\n")
    periods = write(tmp_path / "periods.yaml", "periods:\n- {names: [emergency], start: 1975, end: 1977}\n")
    spec = CodingSpec.from_files(DataFiles(codebook=[harsher], referents=[referents], periods=[periods]))
    assert [(kind, name) for kind, name, _ in spec.files] == [
        ("codebook", "harsher.tsv"),
        ("referents", "referents.yaml"),
        ("periods", "periods.yaml"),
    ]
    pipe = spec.build()  # as a worker builds it: from the files' contents
    assert goldstein(pipe.code_text(CONDEMN)) == {("111", -5.0)}
    assert {e.source.code for e in pipe.code_text("The Bear condemned the attack on the embassy.")} == {"RUS"}
    assert {e.event_date for e in pipe.code_text("During the Emergency, police arrested opposition leaders.")} == {
        date(1975, 1, 1)
    }
    assert CodingSpec.from_files(DataFiles()).build() is default_pipeline()


def test_data_files_keep_each_kind_in_order() -> None:
    files = DataFiles(lexicon=[Path("a.yaml"), "b.yaml"], codebook=("c.tsv",))
    assert files.lexicon == ("a.yaml", "b.yaml") and not DataFiles()
    assert list(files.paths()) == [("lexicon", "a.yaml"), ("lexicon", "b.yaml"), ("codebook", "c.tsv")]
    assert Config.load() is default_config() and Config.load(DataFiles()) is default_config()


def coded(pipe: Pipeline, text: str) -> set[tuple]:
    """(source, code, target, event year, location) of each mention of `text`, dated 2024-03-05."""
    return {
        (e.source.code, e.code, e.target.code if e.target else None, e.event_date.year, e.location_country)
        for e in pipe.code_text(text, date=date(2024, 3, 5))
    }


def test_a_statements_section_adds_words_that_make_a_statement_criticism(tmp_path: Path) -> None:
    text = "Russia said the Ukrainian plan was treacherous."
    mine = write(tmp_path / "mine.yaml", "statements:\n  critical: [treacherous]\n")
    assert coded(default_pipeline(), text) == {("RUS", "010", None, 2024, None)}
    assert coded(Pipeline(Config.load(DataFiles(lexicon=[mine]))), text) == {("RUS", "111", "UKR", 2024, None)}


def test_a_coref_file_adds_role_nouns_that_name_one_person(tmp_path: Path) -> None:
    text = "The Iranian negotiator arrived in Vienna on Monday. He accused the United States of bad faith."
    mine = write(tmp_path / "coref.yaml", "person_words: [negotiator]\n")
    accusations = {c for c in coded(Pipeline(Config.load(DataFiles(coref=[mine]))), text) if c[1].startswith("11")}
    assert accusations == {("IRNGOV", "112", "USA", 2024, None)}
    assert not {c for c in coded(default_pipeline(), text) if c[1].startswith("11")}


def test_a_periods_file_adds_a_named_period(tmp_path: Path) -> None:
    text = "During the Emergency, Indian police arrested opposition leaders."
    mine = write(tmp_path / "periods.yaml", "periods:\n- {names: [emergency, the emergency], start: 1975, end: 1977}\n")
    [arrest] = Pipeline(Config.load(DataFiles(periods=[mine]))).code_text(text, date=date(2024, 3, 5))
    assert (arrest.code, arrest.event_date, arrest.date_end, arrest.date_precision) == (
        "173",
        date(1975, 1, 1),
        date(1977, 12, 31),
        "year",
    )
    assert coded(default_pipeline(), text) == {("INDCOP", "173", "INDOPP", 2024, None)}


def test_a_geo_file_adds_a_region(tmp_path: Path) -> None:
    text = "Rebels attacked a convoy in the Liptako-Gourma region."
    mine = write(
        tmp_path / "geo.yaml",
        "regions:\n- {name: Liptako-Gourma, countries: [MLI, BFA, NER], latitude: 14.6, longitude: 0.9, kind: region}\n",
    )
    [attack] = Pipeline(Config.load(DataFiles(geo=[mine]))).code_text(text, date=date(2024, 3, 5))
    assert (attack.location_latitude, attack.location_longitude, attack.location_precision) == (14.6, 0.9, "region")
    [packaged] = default_pipeline().code_text(text, date=date(2024, 3, 5))
    assert packaged.location_latitude is None


@pytest.mark.parametrize(
    "kind, text, message",
    [
        ("lexicon", "statements:\n  critical: treacherous\n", r"bad.yaml: statements.critical must be a list"),
        ("lexicon", "statements:\n  scathing: [treacherous]\n", r"bad.yaml: unknown key statements.scathing"),
        ("coref", "pronouns:\n  robot: [it]\n", r"bad.yaml: unknown key coref.pronouns.robot"),
        ("coref", "persons: [negotiator]\n", r"bad.yaml: unknown top-level key\(s\) \['persons'\]"),
        ("periods", "periods:\n- {names: emergency, start: 1975, end: 1977}\n", r"bad.yaml: period #1: needs names"),
        ("periods", "periods:\n- {names: [emergency], start: 1977, end: 1975}\n", "ends before it starts"),
        ("geo", "successors: [SUN]\n", "bad.yaml: successors must map historical ISO3 codes"),
        (
            "geo",
            "regions:\n- {name: Sahel, latitude: 95, longitude: 0}\n",
            r"bad.yaml: region 1 \(Sahel\): coordinates",
        ),
    ],
)
def test_a_bad_word_list_period_or_geo_file_is_a_clear_error(
    tmp_path: Path, kind: str, text: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Config.load(DataFiles(**{kind: [write(tmp_path / "bad.yaml", text)]}))
