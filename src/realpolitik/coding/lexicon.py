"""The trigger lexicon: verb and noun lemmas that signal CAMEO events, with the event language around them.

Entries come from ``data/triggers.yaml`` (its header documents the schema) plus
any user YAML files with the same schema, which add entries. A lexicon also holds
the argument rules (``coding.rules``), the constructions (``coding.constructions``),
the modality cues (``coding.modality``) and the statement cues (``coding.statements``)
the event stages read; user files extend all four with sections of those names (``rules:``,
``constructions:``, ``modality:``, ``statements:``). A verb entry may
require a phrasal-verb particle ("write off") and/or one of a set of object
lemmas ("sign" only an agreement); the most specific matching entry wins.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from realpolitik.coding.codebook import PLOVER_TYPES, Codebook, default_codebook
from realpolitik.coding.constructions import Constructions, package_constructions
from realpolitik.coding.modality import ModalityCues, package_modality
from realpolitik.coding.rules import CodingRules, package_rules
from realpolitik.coding.statements import StatementCues, package_statements
from realpolitik.datafiles import data_file, read_yaml

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

_FIELDS = frozenset(
    {
        "verb",
        "noun",
        "code",
        "particle",
        "object",
        "modifier",
        "target_prep",
        "reverse_code",
        "passive_only",
        "not_object",
        "not_modifier",
        "requires_target",
        "not_target_roles",
        "plover",
        "actor_object_code",
        "note",
    }
)
_VERB_ONLY = ("particle", "passive_only")
_TOP_LEVEL = frozenset({"triggers", "word_classes", "lemma_fixes", "rules", "constructions", "modality", "statements"})
_Section = tuple[str, dict[str, Any]]  # (file name, the section)
# A parsed YAML file: its (location, Trigger) entries, lemma fixes, and its rules, constructions,
# modality and statements sections.
_ParsedFile = tuple[
    list[tuple[str, "Trigger"]], dict[str, str], _Section | None, _Section | None, _Section | None, _Section | None
]


@dataclass(frozen=True)
class Trigger:
    """One lexicon entry: a verb or noun lemma, the CAMEO code it signals, and its conditions."""

    lemma: str
    pos: str  # "VERB" | "NOUN"
    code: str
    particle: str | None = None
    objects: frozenset[str] = frozenset()  # verbs: object lemmas; nouns: lemmas of the "of" object
    modifiers: frozenset[str] = frozenset()  # nouns: a compound or adjective lemma ("hunger strike")
    target_preps: tuple[str, ...] = ()
    reverse_code: str | None = None
    passive_only: bool = False
    not_objects: frozenset[str] = frozenset()  # sense exclusions: "demonstrated its resolve"
    not_modifiers: frozenset[str] = frozenset()  # "a sales offensive", "a charm offensive"
    requires_target: bool = False  # "arrived" is a visit only with a host or counterpart
    not_target_roles: frozenset[str] = frozenset()  # "spoke to reporters" is no consultation
    plover: str | None = None  # the PLOVER type where it is not the code's: "resigned" is 0831 but RETREAT
    actor_object_code: str | None = None  # the code when an actor is the bare object: "called McCain" is 041

    @property
    def specificity(self) -> int:
        """How constrained the entry is: particle, object set and modifier set count one each."""
        return int(self.particle is not None) + int(bool(self.objects)) + int(bool(self.modifiers))

    def excluded(self, objects: Iterable[str], modifiers: Iterable[str]) -> bool:
        """Whether an object or modifier rules this sense out."""
        return bool(self.not_objects.intersection(objects) or self.not_modifiers.intersection(modifiers))


class Lexicon:
    """Verb and noun triggers, indexed for lookup by lemma."""

    def __init__(
        self,
        triggers: Iterable[Trigger],
        lemma_fixes: dict[str, str],
        rules: CodingRules,
        constructions: Constructions,
        modality: ModalityCues,
        statements: StatementCues,
    ):
        self.rules = rules
        self.constructions = constructions
        self.modality = modality
        self.statements = statements
        self._verbs: dict[tuple[str, str | None], list[Trigger]] = defaultdict(list)
        self._nouns: dict[str, list[Trigger]] = defaultdict(list)
        self._all: list[Trigger] = []
        self._fixes = dict(lemma_fixes or {})
        for trig in triggers:
            self._all.append(trig)
            if trig.pos == "VERB":
                self._verbs[(trig.lemma, trig.particle)].append(trig)
            else:
                self._nouns[trig.lemma].append(trig)

    @classmethod
    def load(cls, extra: Sequence[str | Path] = (), codebook: Codebook | None = None) -> Lexicon:
        """The package lexicon plus entries from the user YAML files in ``extra``.

        Raises ValueError (naming the file and entry) on a malformed entry, a code
        not in `codebook` (default: the packaged one), or an entry whose lemma, part of
        speech, particle and object set repeat an earlier one.
        """
        codebook = codebook or default_codebook()
        if not extra and codebook is default_codebook():
            return _default()
        user = [_parse_file(str(p), _read(p), codebook) for p in extra]
        return cls._from_files([*_package_files(), *user], codebook)

    @classmethod
    def _from_files(cls, parsed: list[_ParsedFile], codebook: Codebook) -> Lexicon:
        triggers: list[Trigger] = []
        fixes: dict[str, str] = {}
        seen: dict[tuple[Any, ...], str] = {}
        rule_sections = [package_rules()]
        construction_sections = [package_constructions()]
        modality_sections = [package_modality()]
        statement_sections = [package_statements()]
        for entries, file_fixes, rules, constructions, modality, statements in parsed:
            fixes.update(file_fixes)
            if rules is not None:
                rule_sections.append(rules)
            if constructions is not None:
                construction_sections.append(constructions)
            if modality is not None:
                modality_sections.append(modality)
            if statements is not None:
                statement_sections.append(statements)
            for where, trig in entries:
                key = (trig.lemma, trig.pos, trig.particle, trig.objects, trig.modifiers)
                if key in seen:
                    raise ValueError(f"{where}: duplicates the entry at {seen[key]}")
                seen[key] = where
                triggers.append(trig)
        return cls(
            triggers,
            fixes,
            CodingRules.build(rule_sections, codebook),
            Constructions.build(construction_sections, codebook),
            ModalityCues.build(modality_sections),
            StatementCues.build(statement_sections),
        )

    def verb_candidates(self, lemma: str, particle: str | None) -> list[Trigger]:
        """Entries for a verb lemma (+ particle), most specific first.

        A phrasal verb with entries of its own uses only those; one without
        ("fight back") uses the bare verb's entries.
        """
        lemma = self._fix(lemma)
        particle = particle.lower() if particle else None
        group = self._verbs.get((lemma, particle)) if particle else None
        if group is None:
            group = self._verbs.get((lemma, None), [])
        return sorted(group, key=lambda t: -t.specificity)

    def match_verb(self, lemma: str, particle: str | None, object_lemmas: Iterable[str]) -> Trigger | None:
        """The best entry for a verb with this particle and these object lemmas, or None.

        Entries with an object set match only when one of ``object_lemmas`` is in
        it. Ties between equally specific entries go to the one matching the
        earliest object, then to file order. An entry whose ``not_object`` holds one
        of the objects is a different sense and never matches.
        """
        return _best(self.verb_candidates(lemma, particle), [o.lower() for o in object_lemmas], [])

    def match_noun(
        self, lemma: str, modifier_lemmas: Iterable[str] = (), object_lemmas: Iterable[str] = ()
    ) -> Trigger | None:
        """The best entry for an event noun ("invasion", "hunger strike"), or None.

        `modifier_lemmas` are its compound and adjective modifiers, `object_lemmas` the
        nouns after its "of"; entries requiring either match only when one is present.
        """
        group = sorted(self._nouns.get(lemma.lower(), []), key=lambda t: -t.specificity)
        return _best(group, [o.lower() for o in object_lemmas], [m.lower() for m in modifier_lemmas])

    def noun_entries(self, lemma: str) -> list[Trigger]:
        """Every entry for a noun lemma, whatever its conditions."""
        return list(self._nouns.get(lemma.lower(), []))

    def _fix(self, lemma: str) -> str:
        lemma = lemma.lower()
        return self._fixes.get(lemma, lemma)

    def __iter__(self) -> Iterator[Trigger]:
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._all)


def _best(candidates: list[Trigger], objects: list[str], modifiers: list[str]) -> Trigger | None:
    """The most specific candidate whose conditions hold, earliest matching object first."""
    best: Trigger | None = None
    best_rank = len(objects) + 1
    for trig in candidates:
        if best is not None and trig.specificity < best.specificity:
            break
        if trig.excluded(objects, modifiers):
            continue
        if trig.modifiers and not trig.modifiers.intersection(modifiers):
            continue
        if trig.objects:
            rank = next((i for i, o in enumerate(objects) if o in trig.objects), None)
            if rank is None:
                continue
        else:
            rank = len(objects)
        if rank < best_rank:
            best, best_rank = trig, rank
    return best


PACKAGE_FILES = ("triggers.yaml", "phrases.yaml")  # one-word triggers; multiword and idiomatic ones


@lru_cache(maxsize=1)
def _default() -> Lexicon:
    return Lexicon._from_files(list(_package_files()), default_codebook())


@lru_cache(maxsize=1)
def _package_files() -> tuple[_ParsedFile, ...]:
    resources = [data_file("coding", name) for name in PACKAGE_FILES]
    return tuple(_parse_file(str(r), _read(r), default_codebook()) for r in resources)


def _read(source: str | Path | Traversable) -> dict[str, Any]:
    return read_yaml(source, _TOP_LEVEL, expected="a mapping with a 'triggers' list")


def _parse_file(name: str, data: dict[str, Any], codebook: Codebook) -> _ParsedFile:
    """(location, Trigger) pairs and lemma fixes of one file's mapping; ValueError names the bad part."""
    if not isinstance(data.get("triggers", []), list):
        raise ValueError(f"{name}: expected a mapping with a 'triggers' list")
    fixes = data.get("lemma_fixes") or {}
    if not (isinstance(fixes, dict) and all(_is_word(k) and _is_word(v) for k, v in fixes.items())):
        raise ValueError(f"{name}: lemma_fixes must map lower-case words to lower-case words")
    entries = []
    for i, raw in enumerate(data.get("triggers") or [], start=1):
        where = f"{name}: trigger #{i} {raw!r}"
        entries.append((where, _parse_entry(raw, where, codebook)))
    rules = (name, data["rules"]) if "rules" in data else None
    if rules is not None:
        CodingRules.build([rules], codebook)  # validate now, naming this file
    constructions = (name, data["constructions"]) if "constructions" in data else None
    if constructions is not None:
        Constructions.build([package_constructions(), constructions], codebook)  # validate now, naming this file
    modality = (name, data["modality"]) if "modality" in data else None
    if modality is not None:
        ModalityCues.build([package_modality(), modality])  # validate now, naming this file
    statements = (name, data["statements"]) if "statements" in data else None
    if statements is not None:
        StatementCues.build([package_statements(), statements])  # validate now, naming this file
    return entries, fixes, rules, constructions, modality, statements


def _parse_entry(raw: Any, where: str, codebook: Codebook) -> Trigger:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: an entry must be a mapping")
    unknown = set(raw) - _FIELDS
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {sorted(unknown)}; allowed: {sorted(_FIELDS)}")
    if ("verb" in raw) == ("noun" in raw):
        raise ValueError(f"{where}: needs exactly one of 'verb' or 'noun'")
    pos = "VERB" if "verb" in raw else "NOUN"
    lemma = raw["verb" if pos == "VERB" else "noun"]
    if not _is_word(lemma):
        raise ValueError(f"{where}: the lemma must be a single lower-case word")
    if pos == "NOUN" and any(f in raw for f in _VERB_ONLY):
        raise ValueError(f"{where}: {', '.join(_VERB_ONLY)} apply to verbs only")
    if "code" not in raw:
        raise ValueError(f"{where}: missing 'code'")
    code = _code(raw["code"], "code", where, codebook)
    reverse = _code(raw["reverse_code"], "reverse_code", where, codebook) if "reverse_code" in raw else None
    particle = raw.get("particle")
    if particle is not None and not _is_word(particle):
        raise ValueError(f"{where}: 'particle' must be a single lower-case word")
    objects = _words(raw, "object", where)
    if "object" in raw and not objects:
        raise ValueError(f"{where}: 'object' must not be empty")
    modifiers = _words(raw, "modifier", where)
    if "modifier" in raw and (not modifiers or pos != "NOUN"):
        raise ValueError(f"{where}: 'modifier' must be a non-empty list, on a noun entry")
    for flag in ("passive_only", "requires_target"):
        if not isinstance(raw.get(flag, False), bool):
            raise ValueError(f"{where}: '{flag}' must be true or false")
    roles = raw.get("not_target_roles", [])
    if not (isinstance(roles, list) and all(isinstance(r, str) and re.fullmatch(r"[A-Z]{3}", r) for r in roles)):
        raise ValueError(f"{where}: 'not_target_roles' must be a list of role codes such as MED")
    if not isinstance(raw.get("note", ""), str):
        raise ValueError(f"{where}: 'note' must be text")
    actor_object = (
        _code(raw["actor_object_code"], "actor_object_code", where, codebook) if "actor_object_code" in raw else None
    )
    if actor_object is not None and pos != "VERB":
        raise ValueError(f"{where}: 'actor_object_code' applies to verbs only")
    plover = raw.get("plover")
    if plover is not None and plover not in PLOVER_TYPES:
        raise ValueError(f"{where}: 'plover' must be a PLOVER event type ({', '.join(sorted(PLOVER_TYPES))})")
    return Trigger(
        lemma=lemma,
        pos=pos,
        code=code,
        particle=particle,
        objects=frozenset(objects),
        modifiers=frozenset(modifiers),
        target_preps=tuple(_words(raw, "target_prep", where)),
        reverse_code=reverse,
        passive_only=raw.get("passive_only", False),
        not_objects=frozenset(_words(raw, "not_object", where)),
        not_modifiers=frozenset(_words(raw, "not_modifier", where)),
        requires_target=raw.get("requires_target", False),
        not_target_roles=frozenset(roles),
        plover=plover,
        actor_object_code=actor_object,
    )


def _code(value: Any, field: str, where: str, codebook: Codebook) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{where}: '{field}' must be a quoted string such as \"0871\", got {value!r}")
    if not codebook.is_valid(value):
        raise ValueError(f"{where}: '{field}' {value!r} is not a code in the CAMEO codebook")
    return value


def _words(raw: dict[str, Any], field: str, where: str) -> list[str]:
    value = raw.get(field, [])
    if not (isinstance(value, list) and all(_is_word(v) for v in value)):
        raise ValueError(f"{where}: '{field}' must be a list of single lower-case words")
    return value


def _is_word(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and value == value.lower() and not any(c.isspace() for c in value)
