"""The CAMEO 1.1b3 event codebook, loaded from ``data/cameo.tsv`` (user TSV files change or add rows).

Each row gives a CAMEO event code (a string with leading zeros: ``"01"``,
``"010"``, ``"0871"``), its name, its Goldstein-scale weight, its quad class
and its PLOVER event type and mode.

* Goldstein weights are the standard ones used with CAMEO; a sub-code without
  a published weight of its own (e.g. ``106``) takes its parent's.
* Quad class follows the GDELT convention by root code: 01-05 verbal
  cooperation (1), 06-08 material cooperation (2), 09-13 verbal conflict (3),
  14-20 material conflict (4).

PLOVER mapping: follows PLOVER Draft 0.8 (Open Event Data Alliance, 2021), its
16 event types and its CAMEO-to-PLOVER conversion table. Version notes:

* 0.8 has no INVESTIGATE, DISAPPROVE or FIGHT (present in earlier drafts):
  09x and 11x are ACCUSE (modes ``investigate`` / ``disapprove``), and 18x-20x
  are ASSAULT. 0.8 calls the type for 10x DEMAND; POLECAT-era PLOVER renamed it
  REQUEST.
* Modes come from the 0.8 manual's per-type mode tables (DEMAND/REJECT share
  ``assist``/``change``/``yield``/``meet``). Extensions where CAMEO carries
  detail those tables lack: CONSULT ``host`` (043) and ASSAULT ``cleansing``
  (201, 203), both from the 0.8 conversion table, and ASSAULT ``aerial`` (195)
  and ``cbrn`` (204x). Codes "not specified below" whose children differ in
  mode have no mode.

Judgement calls (PLOVER drops CAMEO 01 and 02 but every row needs a type):

* 01x: plain statements (01, 010) and 014 (consider a policy option) have no
  PLOVER type, as PLOVER does not code statements; the rest map to the nearest
  type: 011/016 to REJECT, 012 to ACCUSE, 013/017/018 to
  SUPPORT, 015 to CONCEDE, 019 to AGREE.
* 02x (appeals) is DEMAND with the same modes as 10x.
* 055 (apologize) is CONCEDE, as the manual says for regret; 057 (sign
  agreement) is SUPPORT, as the manual's SUPPORT includes signing.
* 116 (find guilty) is SANCTION ``convict``, following the manual.
* 081x is CONCEDE throughout and 084-087 RETREAT (the conversion table moves
  0813/0814 to RETREAT with a mode the manual does not have).
* Following the conversion table: 1712 and 175 are ASSAULT, 191 and 192 COERCE.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from realpolitik.datafiles import data_file

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

PLOVER_TYPES: frozenset[str] = frozenset(
    {
        "AGREE",
        "CONSULT",
        "SUPPORT",
        "CONCEDE",  # verbal cooperation
        "COOPERATE",
        "AID",
        "RETREAT",  # material cooperation
        "DEMAND",
        "ACCUSE",
        "REJECT",
        "THREATEN",  # verbal conflict
        "PROTEST",
        "SANCTION",
        "MOBILIZE",
        "COERCE",
        "ASSAULT",  # material conflict
    }
)

_COLUMNS = ["code", "name", "goldstein", "quad_class", "plover_type", "plover_mode"]


@dataclass(frozen=True)
class CameoCode:
    """One CAMEO event code with its weights and PLOVER equivalent."""

    code: str
    name: str
    goldstein: float
    quad_class: int
    plover_type: str | None  # None for plain statements, which PLOVER does not code
    plover_mode: str | None

    @property
    def root(self) -> str:
        """The 2-digit root code: ``"0871"`` -> ``"08"``."""
        return self.code[:2]

    @property
    def parent(self) -> str | None:
        """The code one level up (``"0871"`` -> ``"087"``), ``None`` for a root."""
        return self.code[:-1] if len(self.code) > 2 else None


def _check_syntax(code: str) -> None:
    if not (
        isinstance(code, str) and 2 <= len(code) <= 4 and code.isascii() and code.isdigit() and 1 <= int(code[:2]) <= 20
    ):
        raise ValueError(
            f"not a CAMEO event code: {code!r} (expected 2-4 digits as a string with a root of 01-20, e.g. '0871')"
        )


def _parse_row(fields: list[str], where: str) -> CameoCode:
    if len(fields) != len(_COLUMNS):
        raise ValueError(f"{where}: expected {len(_COLUMNS)} tab-separated fields, got {len(fields)}")
    code, name, goldstein, quad_class, plover_type, plover_mode = (f.strip() for f in fields)
    where = f"{where} (code {code!r})"
    try:
        _check_syntax(code)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    if not name:
        raise ValueError(f"{where}: empty name")
    try:
        weight = float(goldstein)
        quad = int(quad_class)
    except ValueError:
        raise ValueError(f"{where}: goldstein {goldstein!r} / quad_class {quad_class!r} is not a number") from None
    if not -10.0 <= weight <= 10.0:
        raise ValueError(f"{where}: goldstein {weight} outside [-10, 10]")
    if quad not in (1, 2, 3, 4):
        raise ValueError(f"{where}: quad_class {quad} not in 1..4")
    if plover_type and plover_type not in PLOVER_TYPES:
        raise ValueError(f"{where}: {plover_type!r} is not a PLOVER event type")
    if not plover_type and plover_mode:
        raise ValueError(f"{where}: a PLOVER mode without a type")
    return CameoCode(code, name, weight, quad, plover_type or None, plover_mode or None)


def _read_rows(source: Path | Traversable) -> dict[str, CameoCode]:
    """The rows of one codebook TSV, each checked; ValueError names the file and the first bad line."""
    name = str(source) if isinstance(source, Path) else source.name
    try:
        text = source.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{name}: not UTF-8 text: {exc}") from None
    reader = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header != _COLUMNS:
        raise ValueError(f"{name}: header must be {_COLUMNS} (tab-separated), got {header}")
    codes: dict[str, CameoCode] = {}
    for fields in reader:
        if not fields:
            continue
        entry = _parse_row(fields, f"{name} line {reader.line_num}")
        if entry.code in codes:
            raise ValueError(f"{name} line {reader.line_num}: duplicate code {entry.code!r}")
        codes[entry.code] = entry
    return codes


def _check_tree(codes: dict[str, CameoCode], name: str) -> None:
    """Every code has its parent, and the quad class of its root."""
    for entry in codes.values():
        if entry.parent is not None and entry.parent not in codes:
            raise ValueError(f"{name}: code {entry.code!r} has no parent row {entry.parent!r}")
        root = codes.get(entry.root)
        if root is not None and root.quad_class != entry.quad_class:
            raise ValueError(
                f"{name}: code {entry.code!r} has quad_class {entry.quad_class}, "
                f"its root {entry.root!r} has {root.quad_class}"
            )


def _read_codebook(source: Path | Traversable) -> dict[str, CameoCode]:
    """Parse and validate a whole codebook TSV; ValueError names the first bad row."""
    codes = _read_rows(source)
    _check_tree(codes, str(source) if isinstance(source, Path) else source.name)
    return codes


class Codebook:
    """The CAMEO codes with their names, weights and PLOVER types, in codebook order."""

    def __init__(self, codes: dict[str, CameoCode]):
        self._codes = dict(codes)

    @classmethod
    def load(cls, extra: Sequence[str | Path] = ()) -> Codebook:
        """The packaged codebook, changed by user TSV files with its header (``cameo.tsv``).

        A user row replaces the packaged row of its code (a new Goldstein weight, name,
        quad class or PLOVER type) or adds a code, which needs its parent. ValueError
        names the file and line of a bad row, a code without its parent, or a quad class
        that differs from its root's.
        """
        if not extra:
            return default_codebook()
        codes = dict(default_codebook()._codes)
        for path in extra:
            codes.update(_read_rows(Path(path)))
            _check_tree(codes, str(path))
        return cls(codes)

    def lookup(self, code: str) -> CameoCode:
        """The entry for ``code`` (e.g. ``"0871"``); KeyError if there is none."""
        try:
            return self._codes[code]
        except KeyError:
            raise KeyError(
                f"unknown CAMEO event code {code!r}; codes are strings with leading zeros, e.g. '01', '010', '0871'"
            ) from None

    def is_valid(self, code: str) -> bool:
        """True if ``code`` is in the codebook."""
        return isinstance(code, str) and code in self._codes

    def __iter__(self) -> Iterator[CameoCode]:
        """Every code, in codebook order (each code follows its parent)."""
        return iter(self._codes.values())

    def __len__(self) -> int:
        return len(self._codes)


@lru_cache(maxsize=1)
def default_codebook() -> Codebook:
    """The packaged ``data/cameo.tsv``, read once per process."""
    return Codebook(_read_codebook(data_file("coding", "cameo.tsv")))


def root_code(code: str) -> str:
    """The 2-digit root of a code: ``"0871"`` -> ``"08"``; ValueError if malformed."""
    _check_syntax(code)
    return code[:2]
