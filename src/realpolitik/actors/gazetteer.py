"""The actor gazetteer: names of countries, IGOs, NGOs, leaders and role nouns.

The tables are YAML files under ``actors/data`` (``countries.yaml``,
``igos.yaml``, ``roles.yaml``, ``leaders.yaml``; see their headers for the
fields). Every file may hold any of the top-level keys ``countries``, ``igos``,
``ngos``, ``groups``, ``roles`` and ``leaders``. User files with the same keys are read
after the packaged ones: a record with the same key (a country's iso3, an
IGO's or NGO's id, a role's code, a leader's name and country) replaces the
earlier record, a new key adds an actor (any three capital letters make a
country code, so fictional or sub-national actors work too).

Every surface form becomes one :class:`Entry`. Validity dates are inclusive.
When several entries share a phrase and are valid on a date, the narrower
validity comes first ("Moscow" in 1950 is the Soviet Union, in 2000 Russia).

NGOs have no IGO code: their entries have kind ``"ngo"``, no country, and the
record's role, so Amnesty International codes as ``HRI``. Armed groups,
movements and parties (``groups.yaml``) have kind ``"group"``, their role and,
when they have one, their country: Hamas codes as ``PSEINS``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from realpolitik.datafiles import data_file, read_yaml

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

PACKAGE_FILES = ("countries.yaml", "igos.yaml", "groups.yaml", "roles.yaml", "leaders.yaml")
SECTIONS = {"countries": "iso3", "igos": "id", "ngos": "id", "groups": "id", "roles": "role", "leaders": "name"}
NAME_LISTS = {"aliases": "country", "demonyms": "demonym", "capitals": "capital", "metonyms": "metonym"}
_FIELDS = {
    "countries": {
        "iso3",
        "name",
        "aliases",
        "demonyms",
        "capitals",
        "metonyms",
        "case_sensitive",
        "valid_from",
        "valid_to",
    },
    "igos": {"id", "name", "aliases", "case_sensitive", "valid_from", "valid_to"},
    "ngos": {"id", "name", "aliases", "case_sensitive", "role", "valid_from", "valid_to"},
    "groups": {"id", "name", "aliases", "case_sensitive", "role", "country", "valid_from", "valid_to"},
    "roles": {"role", "description", "nouns"},
    "leaders": {"name", "aliases", "country", "role", "terms"},
}
_CODE = re.compile(r"[A-Z]{3}")
_ORG_ID = re.compile(r"[A-Z0-9]{2,6}")
_THE = re.compile(r"^the\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Entry:
    """One surface form of an actor, with what it codes to and when it is valid."""

    phrase: str  # surface form to match, e.g. "the Kremlin", "Moscow", "Stalin"
    kind: str  # country|demonym|capital|metonym|leader|igo|ngo|group|role
    country: str | None  # ISO3
    role: str | None  # role code or None
    igo: str | None  # IGO id for kind == "igo"
    name: str  # canonical name: "Russia", "Joseph Stalin", "United Nations"
    start: date | None = None  # validity start (inclusive)
    end: date | None = None  # validity end (inclusive; None = still valid)
    case_sensitive: bool = False

    def valid_on(self, when: date | None) -> bool:
        """True if the entry is valid on ``when`` (today when None)."""
        day = when or date.today()
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def _key(phrase: str) -> str:
    """Lookup key: lower case, single spaces, no leading "the"."""
    return _THE.sub("", " ".join(phrase.split())).lower()


def _bare(phrase: str) -> str:
    """The phrase without a leading "the", case kept (for case-sensitive comparison)."""
    return _THE.sub("", " ".join(phrase.split()))


def _narrowness(entry: Entry) -> tuple[int, int]:
    """Sort key putting the entries with the narrowest validity first."""
    if entry.start and entry.end:
        return (0, (entry.end - entry.start).days)
    return (1 if entry.start or entry.end else 2, 0)


class Gazetteer:
    """Entries for every actor name and role noun, with case-aware lookup."""

    def __init__(self, entries: list[Entry]):
        self.entries: list[Entry] = sorted(entries, key=_narrowness)
        self._index: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.entries:
            self._index[_key(entry.phrase)].append(entry)

    @classmethod
    def load(cls, extra: Sequence[str | Path] = ()) -> Gazetteer:
        """The packaged tables plus user YAML files; later files override earlier ones."""
        if not extra:
            return _default()
        tables = [*_package_tables(), *(_read(Path(p)) for p in extra)]
        return cls(_entries(_merge(tables)))

    def lookup(self, phrase: str) -> list[Entry]:
        """Entries for a phrase, ignoring case (except case-sensitive entries) and a leading "the"."""
        bare = _bare(phrase)
        return [e for e in self._index.get(_key(phrase), []) if not e.case_sensitive or _bare(e.phrase) == bare]

    def role_nouns(self) -> dict[str, str]:
        """Lower-cased role noun -> role code."""
        return {e.phrase.lower(): e.role or "" for e in self.entries if e.kind == "role"}

    def countries(self) -> dict[str, str]:
        """ISO3 -> canonical name, for every country including historical states."""
        return {e.country: e.name for e in self.entries if e.kind == "country" and e.country}


# -- loading ----------------------------------------------------------------------

# section -> record key -> (file name, entries of the record)
Table = dict[str, dict[str, tuple[str, list[Entry]]]]
Parser = Callable[[dict[str, Any], str], tuple[str, list[Entry]]]


@lru_cache(maxsize=1)
def _package_tables() -> tuple[Table, ...]:
    return tuple(_read(data_file("actors", name)) for name in PACKAGE_FILES)


@lru_cache(maxsize=1)
def _default() -> Gazetteer:
    return Gazetteer(_entries(_merge(_package_tables())))


def _read(source: Path | Traversable) -> Table:
    """Parse and validate one YAML file; ValueError names the file and the record."""
    name = str(source) if isinstance(source, Path) else source.name
    doc = read_yaml(source, SECTIONS)
    table: Table = {}
    for section, records in doc.items():
        if not isinstance(records, list):
            raise ValueError(f"{name}: {section!r} must be a list of records")
        parsed: dict[str, tuple[str, list[Entry]]] = {}
        for i, record in enumerate(records):
            where = f"{name}: {section}[{i}]"
            if not isinstance(record, dict):
                raise ValueError(f"{where}: expected a mapping, got {record!r}")
            where = f"{where} ({SECTIONS[section]}={record.get(SECTIONS[section])!r})"
            extra = set(record) - _FIELDS[section]
            if extra:
                raise ValueError(f"{where}: unknown field(s) {sorted(map(str, extra))}")
            key, entries = _PARSERS[section](record, where)
            if key in parsed:
                raise ValueError(f"{where}: duplicate {SECTIONS[section]} {key!r} in the same file")
            parsed[key] = (name, entries)
        table[section] = parsed
    return table


def _merge(tables: Sequence[Table]) -> Table:
    """Later tables replace earlier records with the same key; then check cross-references."""
    merged: Table = {section: {} for section in SECTIONS}
    for table in tables:
        for section, records in table.items():
            merged[section].update(records)
    roles = set(merged["roles"])
    countries = set(merged["countries"])
    owner: dict[str, tuple[str, str]] = {}  # role noun -> (role, file)
    for section, records in merged.items():
        for key, (source, entries) in records.items():
            for e in entries:
                if e.kind == "role":
                    prior = owner.setdefault(e.phrase, (key, source))
                    if prior[0] != key:
                        raise ValueError(
                            f"{source}: role noun {e.phrase!r} of {key} is already a noun of {prior[0]} ({prior[1]})"
                        )
                elif e.kind != "igo" and e.role is not None and e.role not in roles:
                    raise ValueError(f"{source}: {section} {key!r}: unknown role {e.role!r} for {e.phrase!r}")
                if e.kind == "leader" and e.country not in countries:
                    raise ValueError(f"{source}: leaders {key!r}: unknown country {e.country!r}")
    return merged


def _entries(table: Table) -> list[Entry]:
    return [e for section in SECTIONS for _, entries in table[section].values() for e in entries]


# -- record parsers -----------------------------------------------------------------


@dataclass(frozen=True)
class _Name:
    text: str
    role: str | None
    start: date | None
    end: date | None


def _parse_country(rec: dict[str, Any], where: str) -> tuple[str, list[Entry]]:
    iso3 = _code(rec, "iso3", _CODE, where)
    name = _text(rec.get("name"), "name", where)
    start, end = _span(rec, "valid_from", "valid_to", where)
    lists = [("country", [_Name(name, None, None, None)])]
    lists += [(kind, _names(rec, field, where)) for field, kind in NAME_LISTS.items()]
    entries = _expand(
        lists, _strings(rec, "case_sensitive", where), start, end, where, country=iso3, igo=None, role=None, name=name
    )
    return iso3, entries


def _parse_org(kind: str) -> Parser:
    def parse(rec: dict[str, Any], where: str) -> tuple[str, list[Entry]]:
        org_id = _code(rec, "id", _ORG_ID, where)
        name = _text(rec.get("name"), "name", where)
        start, end = _span(rec, "valid_from", "valid_to", where)
        role = "IGO" if kind == "igo" else _code(rec, "role", _CODE, where)
        country = _code(rec, "country", _CODE, where) if kind == "group" and "country" in rec else None
        lists = [(kind, [_Name(name, None, None, None), *_names(rec, "aliases", where)])]
        entries = _expand(
            lists,
            _strings(rec, "case_sensitive", where),
            start,
            end,
            where,
            country=country,
            igo=org_id if kind == "igo" else None,
            role=role,
            name=name,
        )
        return org_id, entries

    return parse


def _parse_role(rec: dict[str, Any], where: str) -> tuple[str, list[Entry]]:
    code = _code(rec, "role", _CODE, where)
    _text(rec.get("description"), "description", where)
    nouns = list(dict.fromkeys(" ".join(n.split()).lower() for n in _strings(rec, "nouns", where)))
    if not nouns:
        raise ValueError(f"{where}: a role needs at least one noun")
    return code, [Entry(phrase=n, kind="role", country=None, role=code, igo=None, name=n) for n in nouns]


def _parse_leader(rec: dict[str, Any], where: str) -> tuple[str, list[Entry]]:
    name = _text(rec.get("name"), "name", where)
    country = _code(rec, "country", _CODE, where)
    role = _code(rec, "role", _CODE, where)
    phrases = list(dict.fromkeys([name, *_strings(rec, "aliases", where)]))
    terms = rec.get("terms")
    if not isinstance(terms, list) or not terms:
        raise ValueError(f"{where}: 'terms' must be a non-empty list of {{office, start, end}}")
    entries = []
    for i, term in enumerate(terms):
        at = f"{where} term {i}"
        if not isinstance(term, dict) or set(term) - {"office", "start", "end"}:
            raise ValueError(f"{at}: expected a mapping with office, start, end; got {term!r}")
        _text(term.get("office"), "office", at)
        start, end = _span(term, "start", "end", at)
        if start is None:
            raise ValueError(f"{at}: missing start date")
        entries += [
            Entry(phrase=p, kind="leader", country=country, role=role, igo=None, name=name, start=start, end=end)
            for p in phrases
        ]
    return f"{name} ({country})", entries  # a person may lead several states (Havel: CSK, CZE)


_PARSERS: dict[str, Parser] = {
    "countries": _parse_country,
    "igos": _parse_org("igo"),
    "ngos": _parse_org("ngo"),
    "groups": _parse_org("group"),
    "roles": _parse_role,
    "leaders": _parse_leader,
}


def _expand(
    lists: list[tuple[str, list[_Name]]],
    case_sensitive: list[str],
    start: date | None,
    end: date | None,
    where: str,
    *,
    country: str | None,
    igo: str | None,
    role: str | None,
    name: str,
) -> list[Entry]:
    """One entry per distinct (kind, phrase); forms only in case_sensitive are added to the first kind."""
    exact = set(case_sensitive)
    listed = {n.text for _, names in lists for n in names}
    lists[0][1].extend(_Name(t, None, None, None) for t in case_sensitive if t not in listed)
    entries: list[Entry] = []
    seen: set[tuple[str, str, str | None, date | None, date | None]] = set()
    for kind, names in lists:
        for n in names:
            s = max((d for d in (start, n.start) if d), default=None)
            e = min((d for d in (end, n.end) if d), default=None)
            if s and e and s > e:
                raise ValueError(
                    f"{where}: {n.text!r} is valid {n.start}..{n.end}, outside the record's {start}..{end}"
                )
            mark = (kind, _key(n.text) if n.text not in exact else n.text, n.role, n.start, n.end)
            if mark in seen:
                continue
            seen.add(mark)
            entries.append(
                Entry(
                    phrase=n.text,
                    kind=kind,
                    country=country,
                    role=n.role or role,
                    igo=igo,
                    name=name,
                    start=s,
                    end=e,
                    case_sensitive=n.text in exact,
                )
            )
    return entries


# -- field validators ---------------------------------------------------------------


def _text(value: Any, field: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: {field!r} must be a non-empty string, got {value!r}")
    return " ".join(value.split())


def _code(rec: dict[str, Any], field: str, pattern: re.Pattern[str], where: str) -> str:
    value = rec.get(field)
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise ValueError(f"{where}: {field!r} must match {pattern.pattern}, got {value!r}")
    return value


def _strings(rec: dict[str, Any], field: str, where: str) -> list[str]:
    value = rec.get(field) or []
    if not isinstance(value, list):
        raise ValueError(f"{where}: {field!r} must be a list, got {value!r}")
    return [_text(v, field, where) for v in value]


def _names(rec: dict[str, Any], field: str, where: str) -> list[_Name]:
    """A name list: strings, or mappings {text, role, valid_from, valid_to}."""
    value = rec.get(field) or []
    if not isinstance(value, list):
        raise ValueError(f"{where}: {field!r} must be a list, got {value!r}")
    names = []
    for item in value:
        if isinstance(item, str):
            names.append(_Name(_text(item, field, where), None, None, None))
            continue
        if not isinstance(item, dict) or set(item) - {"text", "role", "valid_from", "valid_to"}:
            raise ValueError(
                f"{where}: {field!r} items must be strings or "
                f"{{text, role, valid_from, valid_to}} mappings, got {item!r}"
            )
        role = _code(item, "role", _CODE, f"{where} {field}") if item.get("role") is not None else None
        start, end = _span(item, "valid_from", "valid_to", f"{where} {field}")
        names.append(_Name(_text(item.get("text"), "text", where), role, start, end))
    return names


def _span(rec: dict[str, Any], first: str, last: str, where: str) -> tuple[date | None, date | None]:
    start, end = _date(rec.get(first), first, where), _date(rec.get(last), last, where)
    if start and end and start > end:
        raise ValueError(f"{where}: {first} {start} is after {last} {end}")
    return start, end


def _date(value: Any, field: str, where: str) -> date | None:
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{where}: {field} {value!r} is not an ISO date (YYYY-MM-DD)")
