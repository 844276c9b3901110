"""Tests for the CAMEO event codebook (coding/data/cameo.tsv and its loader)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest

from realpolitik.coding import codebook
from realpolitik.coding.codebook import CameoCode, default_codebook, root_code

ROOTS = [f"{n:02d}" for n in range(1, 21)]
PLOVER_08_TYPES = {
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "DEMAND",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
}


def gdelt_quad(root: str) -> int:
    n = int(root)
    return 1 if n <= 5 else 2 if n <= 8 else 3 if n <= 13 else 4


# --- the shipped table ------------------------------------------------------


def test_counts_and_roots() -> None:
    codes = list(default_codebook())
    assert len(codes) >= 280
    assert [c.code for c in codes if len(c.code) == 2] == ROOTS
    assert len({c.code for c in codes}) == len(codes)


def test_known_codes_at_every_level() -> None:
    for code in [
        "010",
        "019",
        "0211",
        "0256",
        "0314",
        "0356",
        "046",
        "057",
        "075",
        "0874",
        "094",
        "1056",
        "108",
        "1125",
        "1246",
        "129",
        "1385",
        "1454",
        "154",
        "1663",
        "1724",
        "175",
        "1833",
        "186",
        "196",
        "2042",
    ]:
        assert default_codebook().is_valid(code), code


@pytest.mark.parametrize(
    "code, goldstein, quad, plover_type, mode",
    [
        ("01", 0.0, 1, None, None),
        ("010", 0.0, 1, None, None),
        ("036", 4.0, 1, "AGREE", None),
        ("042", 1.9, 1, "CONSULT", "visit"),
        ("043", 2.8, 1, "CONSULT", "host"),
        ("051", 3.4, 1, "SUPPORT", None),
        ("057", 8.0, 1, "SUPPORT", None),
        ("064", 7.0, 2, "COOPERATE", None),
        ("071", 7.4, 2, "AID", "economic"),
        ("0831", 5.0, 2, "CONCEDE", None),
        ("0871", 9.0, 2, "RETREAT", "ceasefire"),
        ("0874", 10.0, 2, "RETREAT", "withdraw"),
        ("091", -2.0, 3, "ACCUSE", "investigate"),
        ("1053", -5.0, 3, "DEMAND", "yield"),
        ("112", -2.0, 3, "ACCUSE", "disapprove"),
        ("1243", -4.0, 3, "REJECT", "yield"),
        ("138", -7.0, 3, "THREATEN", "violence"),
        ("141", -6.5, 4, "PROTEST", "demo"),
        ("145", -7.5, 4, "PROTEST", "riot"),
        ("154", -7.2, 4, "MOBILIZE", "troops"),
        ("163", -8.0, 4, "SANCTION", "sever"),
        ("173", -5.0, 4, "COERCE", "arrest"),
        ("180", -9.0, 4, "ASSAULT", None),
        ("1822", -9.0, 4, "ASSAULT", "torture"),
        ("190", -10.0, 4, "ASSAULT", None),
        ("193", -10.0, 4, "ASSAULT", "firearms"),
        ("195", -10.0, 4, "ASSAULT", "aerial"),
        ("200", -10.0, 4, "ASSAULT", None),
        ("202", -10.0, 4, "ASSAULT", None),
        ("2041", -10.0, 4, "ASSAULT", "cbrn"),
    ],
)
def test_well_known_values(code: str, goldstein: float, quad: int, plover_type: str, mode: str | None) -> None:
    entry = default_codebook().lookup(code)
    assert (entry.goldstein, entry.quad_class, entry.plover_type, entry.plover_mode) == (
        goldstein,
        quad,
        plover_type,
        mode,
    )


def test_names() -> None:
    assert default_codebook().lookup("0871").name == "Declare truce, ceasefire"
    assert default_codebook().lookup("19").name == "Fight"
    assert default_codebook().lookup("173").name == "Arrest, detain, or charge with legal action"


def test_subcode_without_own_weight_takes_parents() -> None:
    assert default_codebook().lookup("106").goldstein == default_codebook().lookup("10").goldstein == -5.0
    assert default_codebook().lookup("1662").goldstein == default_codebook().lookup("166").goldstein == -7.0


def test_hierarchy() -> None:
    entry = default_codebook().lookup("0871")
    assert entry.parent == "087" and default_codebook().is_valid(entry.parent)
    assert default_codebook().lookup("087").parent == "08" and default_codebook().lookup("08").parent is None
    seen: set[str] = set()
    for c in list(default_codebook()):
        assert c.root == c.code[:2] == root_code(c.code)
        assert c.parent is None or c.parent in seen, f"{c.code} listed before its parent"
        seen.add(c.code)


def test_quad_class_follows_root() -> None:
    for c in list(default_codebook()):
        assert c.quad_class == gdelt_quad(c.root), c.code


def test_goldstein_sign_by_quad() -> None:
    for c in list(default_codebook()):
        assert -10.0 <= c.goldstein <= 10.0
        if c.quad_class == 2:
            assert c.goldstein > 0, c.code
        if c.quad_class == 4:
            assert c.goldstein < 0, c.code


def test_plover_vocabulary() -> None:
    assert codebook.PLOVER_TYPES == PLOVER_08_TYPES
    assert {c.plover_type for c in list(default_codebook())} - {None} == PLOVER_08_TYPES
    assert {c.code for c in list(default_codebook()) if c.plover_type is None} == {"01", "010", "014"}
    assert all(c.plover_mode is None or c.plover_mode.strip() == c.plover_mode != "" for c in list(default_codebook()))


# --- the API ----------------------------------------------------------------


def test_lookup_unknown_code() -> None:
    with pytest.raises(KeyError, match="871"):
        default_codebook().lookup("871")
    with pytest.raises(KeyError, match="unknown CAMEO event code"):
        default_codebook().lookup("21")


def test_is_valid() -> None:
    assert (
        default_codebook().is_valid("01") and default_codebook().is_valid("010") and default_codebook().is_valid("0871")
    )
    assert (
        not default_codebook().is_valid("1")
        and not default_codebook().is_valid("871")
        and not default_codebook().is_valid("99")
    )
    assert (
        not default_codebook().is_valid("0875")
        and not default_codebook().is_valid("")
        and not default_codebook().is_valid(871)
    )  # type: ignore[arg-type]


def test_root_code() -> None:
    assert root_code("0871") == "08"
    assert root_code("190") == "19"
    assert root_code("20") == "20"
    for bad in ["8", "871x", "21", "00", "12345"]:
        with pytest.raises(ValueError):
            root_code(bad)


def test_loaded_once() -> None:
    assert default_codebook().lookup("057") is default_codebook().lookup("057")
    assert isinstance(list(default_codebook())[0], CameoCode)


# --- validation on load -----------------------------------------------------

SHIPPED = (files("realpolitik.coding") / "data" / "cameo.tsv").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cameo.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def replace_row(code: str, new: str) -> str:
    lines = SHIPPED.splitlines()
    index = next(i for i, line in enumerate(lines) if line.split("\t")[0] == code)
    lines[index] = new
    return "\n".join(lines) + "\n"


def test_shipped_table_reloads_from_path(tmp_path: Path) -> None:
    codes = codebook._read_codebook(write(tmp_path, SHIPPED))
    assert list(codes) == [c.code for c in list(default_codebook())]


@pytest.mark.parametrize(
    "text, message",
    [
        (replace_row("0872", "0871\tDeclare truce, ceasefire\t9.0\t2\tRETREAT\tceasefire"), "duplicate code '0871'"),
        (replace_row("087", "088\tDe-escalate, renumbered\t9.0\t2\tRETREAT\t"), "'0871' has no parent row '087'"),
        (replace_row("190", "190\tUse conventional military force\t-10.0\t5\tASSAULT\t"), "quad_class 5 not in 1..4"),
        (
            replace_row("190", "190\tUse conventional military force\t-10.0\t3\tASSAULT\t"),
            "'190' has quad_class 3, its root '19' has 4",
        ),
        (
            replace_row("057", "057\tSign formal agreement\t12.0\t1\tSUPPORT\t"),
            r"code '057'\): goldstein 12.0 outside \[-10, 10\]",
        ),
        (replace_row("057", "057\tSign formal agreement\thigh\t1\tSUPPORT\t"), "goldstein 'high'"),
        (
            replace_row("193", "193\tFight with small arms\t-10.0\t4\tFIGHT\tfirearms"),
            "'FIGHT' is not a PLOVER event type",
        ),
        (replace_row("036", "36\tExpress intent to meet or negotiate\t4.0\t1\tAGREE\t"), "code '36'"),
        (replace_row("036", "0361\tExpress intent to meet\t4.0\t1\tAGREE\t"), "'0361' has no parent row '036'"),
        (
            replace_row("036", "036\tExpress intent to meet or negotiate\t4.0\t1"),
            "expected 6 tab-separated fields, got 4",
        ),
        (replace_row("036", "036\t\t4.0\t1\tAGREE\t"), "empty name"),
        (SHIPPED.replace("plover_mode", "mode", 1), "header must be"),
    ],
)
def test_broken_table_is_rejected(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        codebook._read_codebook(write(tmp_path, text))


def test_error_names_the_line(tmp_path: Path) -> None:
    text = replace_row("057", "057\tSign formal agreement\t12.0\t1\tSUPPORT\t")
    line = text.splitlines().index("057\tSign formal agreement\t12.0\t1\tSUPPORT\t") + 1
    with pytest.raises(ValueError, match=f"cameo.tsv line {line} "):
        codebook._read_codebook(write(tmp_path, text))
