"""The one reader of the YAML data files (realpolitik.datafiles): what every table and user file goes through."""

from __future__ import annotations

from pathlib import Path

import pytest

from realpolitik.actors.entities import EntityTable
from realpolitik.actors.gazetteer import Gazetteer
from realpolitik.coding.lexicon import Lexicon
from realpolitik.datafiles import data_file, read_yaml

SRC = Path(__file__).resolve().parents[1] / "src" / "realpolitik"


def write(tmp_path: Path, text: str, name: str = "mine.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_words_stay_words_and_dates_stay_text(tmp_path: Path) -> None:
    path = write(tmp_path, "particles: [on, off, no, yes, y, n]\nflag: true\nother: False\nstart: 1950-01-01\n")
    assert read_yaml(path) == {
        "particles": ["on", "off", "no", "yes", "y", "n"],
        "flag": True,
        "other": False,
        "start": "1950-01-01",
    }


@pytest.mark.parametrize(
    "text, message",
    [
        ("countries: [iso3: ABC\n", r"mine\.yaml: invalid YAML"),
        ("- a list\n- not a mapping\n", r"mine\.yaml: expected a mapping with keys countries, leaders"),
        (
            "countries: []\nkingdoms: []\n",
            r"mine\.yaml: unknown top-level key\(s\) \['kingdoms'\]; allowed: countries, leaders",
        ),
    ],
)
def test_a_bad_file_is_named(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_yaml(write(tmp_path, text), keys=("countries", "leaders"))


def test_an_empty_file_adds_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "# every entry commented out\n# countries:\n")
    assert read_yaml(path) == {}
    assert EntityTable.load([path]) == EntityTable.load()
    assert len(Gazetteer.load([path]).entries) == len(Gazetteer.load().entries)


def test_a_missing_file_is_an_os_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    with pytest.raises(FileNotFoundError) as caught:
        Lexicon.load([missing])
    assert caught.value.filename == str(missing)  # the CLI prints "error: <file>: no such file or directory"


def test_a_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("countries:\n- {iso3: CIV, name: Côte d'Ivoire}\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin1\.yaml: not UTF-8 text"):
        Gazetteer.load([path])


def test_every_packaged_table_is_a_mapping() -> None:
    tables = sorted(SRC.glob("*/data/*.yaml"))
    assert len(tables) >= 20
    for path in tables:
        data = read_yaml(data_file(path.parent.parent.name, path.name))
        assert data and isinstance(data, dict), path


def test_no_module_parses_yaml_itself() -> None:
    """Every data-loading module reads through realpolitik.datafiles (one loader, one set of messages)."""
    own = [
        p.relative_to(SRC).as_posix()
        for p in sorted(SRC.rglob("*.py"))
        if "import yaml" in p.read_text(encoding="utf-8")
    ]
    assert own == ["datafiles.py"]
