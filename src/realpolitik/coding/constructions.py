"""Constructions: an action under an intention, threat, appeal, demand or refusal, coded as CAMEO does.

"Finland will give Tanzania a grant" is not a grant (071) that may happen: it is
Finland expressing its intent to give aid (0331). "Iran threatened to cut off
electricity" is a threat (1311), "the EU urged Iran to halt" an appeal (0242), "Chad
said Sudan must return the helicopter" a demand (1053), "Iran refused to release the
sailors" a rejection (1243). :func:`find_folds` finds these constructions on the
parse; the coder then emits one event with the family's sub-code for the action, and
does not code the embedded action on its own.

The families, their governing words and the code mappings are data
(``data/constructions.yaml``, its header documents the schema), extendable with a
``constructions:`` section in a ``--lexicon`` file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Token

from realpolitik.coding.codebook import Codebook
from realpolitik.datafiles import package_table

ACT_TYPES = {"cooperative": (1, 2), "conflictual": (3, 4)}
TARGETS = ("act", "addressee")
# Verbal families never fold into one another: "threatened to demand" keeps both words' own codes.
_VERBAL_FAMILY_ROOTS = ("01", "02", "03", "10", "11", "12", "13")
_COMPLEMENT_DEPS = ("xcomp", "ccomp")
_NOUN_OBJECT_DEPS = ("dobj", "nsubjpass")
_LIST_KEYS = ("governors", "auxiliaries", "reported_auxiliaries", "negated_auxiliaries")


@dataclass(frozen=True)
class Family:
    """One verbal family (intent, threat, appeal, demand, rejection) and how actions fold into it."""

    name: str
    default: str
    governors: frozenset[str]
    auxiliaries: frozenset[str]
    reported_auxiliaries: frozenset[str]
    negated_auxiliaries: frozenset[str]
    acts: tuple[int, ...]  # QuadClasses of the actions that fold
    target: str  # "act" | "addressee"
    fold_unmapped: bool
    mapping: Mapping[str, str]

    def code_for(self, action_code: str) -> str | None:
        """The family code for an action code (longest mapped prefix), the default, or None."""
        for n in range(len(action_code), 1, -1):
            if action_code[:n] in self.mapping:
                return self.mapping[action_code[:n]]
        return self.default if self.fold_unmapped else None


@dataclass(frozen=True)
class Fold:
    """An action folded into a verbal family's event."""

    family: Family
    code: str
    action: Token  # the embedded action's trigger
    governor: Token | None  # the governing word; None when a modal auxiliary governs ("will give")
    cue: Token  # the word that makes it the family's event (the governor or the auxiliary)
    reporter: Token | None  # the reporting verb of reported speech ("said it would"), if any


@dataclass(frozen=True)
class Constructions:
    """All families plus the reporting verbs."""

    families: tuple[Family, ...]
    reporting_verbs: frozenset[str]
    carriers: frozenset[str]  # verbs that carry an event noun to a governor: "promised to continue aid"

    @classmethod
    def build(cls, sections: Iterable[tuple[str, Mapping[str, Any]]], codebook: Codebook) -> Constructions:
        """Merge sections in order (lists extended, maps updated, the rest replaced); ValueError names the fault
        (a code not in `codebook` among them)."""
        families: dict[str, dict[str, Any]] = {}
        reporting: list[str] = []
        carriers: list[str] = []
        for name, section in sections:
            if not isinstance(section, Mapping):
                raise ValueError(f"{name}: 'constructions' must be a mapping")
            for key in section:
                if key not in ("version", "reporting_verbs", "carriers", "families"):
                    raise ValueError(f"{name}: unknown constructions key {key!r}")
            reporting += _words(section.get("reporting_verbs", []), f"{name}: reporting_verbs")
            carriers += _words(section.get("carriers", []), f"{name}: carriers")
            for fam, spec in (section.get("families") or {}).items():
                where = f"{name}: families.{fam}"
                if not isinstance(spec, Mapping):
                    raise ValueError(f"{where} must be a mapping")
                merged = families.setdefault(fam, {k: [] for k in _LIST_KEYS} | {"map": {}})
                for key, value in spec.items():
                    if key in _LIST_KEYS:
                        merged[key] += _words(value, f"{where}.{key}")
                    elif key == "map":
                        merged["map"].update(_mapping(value, where, codebook))
                    elif key in ("default", "acts", "target", "fold_unmapped"):
                        merged[key] = value
                    else:
                        raise ValueError(f"{where}: unknown field {key!r}")
        return cls(
            tuple(_family(n, spec, f"families.{n}", codebook) for n, spec in families.items()),
            frozenset(reporting),
            frozenset(carriers),
        )

    def family_of_governor(self, governor: Token, quad: int) -> Family | None:
        """The family a governing word sets up for an action of this QuadClass."""
        keys = _keys(governor)
        return next((f for f in self.families if quad in f.acts and keys & f.governors), None)

    def family_of_auxiliary(self, aux: str, quad: int, reported: bool, negated: bool) -> Family | None:
        for f in self.families:
            if negated:
                if aux in f.negated_auxiliaries and quad in f.acts:
                    return f
            elif quad in f.acts and (aux in f.auxiliaries or (reported and aux in f.reported_auxiliaries)):
                return f
        return None


def _family(name: str, spec: Mapping[str, Any], where: str, codebook: Codebook) -> Family:
    default = spec.get("default")
    if not (isinstance(default, str) and codebook.is_valid(default)):
        raise ValueError(f"{where}: default {default!r} is not a CAMEO code")
    acts = spec.get("acts")
    if acts not in ACT_TYPES:
        raise ValueError(f"{where}: acts must be one of {', '.join(ACT_TYPES)}")
    target = spec.get("target")
    if target not in TARGETS:
        raise ValueError(f"{where}: target must be one of {', '.join(TARGETS)}")
    return Family(
        name=name,
        default=default,
        governors=frozenset(spec["governors"]),
        auxiliaries=frozenset(spec["auxiliaries"]),
        reported_auxiliaries=frozenset(spec["reported_auxiliaries"]),
        negated_auxiliaries=frozenset(spec["negated_auxiliaries"]),
        acts=ACT_TYPES[acts],
        target=target,
        fold_unmapped=bool(spec.get("fold_unmapped", False)),
        mapping=dict(spec["map"]),
    )


def _words(value: Any, where: str) -> list[str]:
    if not (isinstance(value, list) and all(isinstance(w, str) and w and w == w.lower() for w in value)):
        raise ValueError(f"{where} must be a list of lower-case words")
    return value


def _mapping(value: Any, where: str, codebook: Codebook) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{where}.map must map code prefixes to codes")
    for prefix, code in value.items():
        if not (isinstance(prefix, str) and prefix.isdigit() and isinstance(code, str) and codebook.is_valid(code)):
            raise ValueError(f"{where}.map: {prefix!r}: {code!r} must map a quoted code prefix to a CAMEO code")
    return dict(value)


def _keys(governor: Token) -> set[str]:
    """ "threaten", "be willing" (is willing to), "rule out" (ruled out), "call" ..."""
    lemma = governor.lemma_.lower()
    keys = {lemma, governor.lower_}
    for c in governor.children:
        if c.dep_ in ("aux", "auxpass", "cop") and c.lemma_.lower() == "be":
            keys.add(f"be {lemma}")
        if c.dep_ == "prt":
            keys.add(f"{lemma} {c.lower_}")
    if governor.dep_ in ("acomp", "oprd"):
        keys.add(f"{governor.head.lemma_.lower()} {lemma}")
    return keys


def find_folds(
    actions: Iterable[tuple[Token, str]], constructions: Constructions, codebook: Codebook
) -> dict[int, Fold]:
    """Constructions over the sentence's triggers: action token index -> its fold.

    `actions` are (trigger token, CAMEO code) pairs, their quad classes read in `codebook`. A trigger of a verbal family itself
    (a statement, appeal, intent, demand, accusation, rejection, threat) is never folded.
    """
    folds: dict[int, Fold] = {}
    for tok, code in actions:
        if code.startswith(_VERBAL_FAMILY_ROOTS):
            continue
        quad = codebook.lookup(code).quad_class
        fold = _governed(tok, code, quad, constructions) or _auxiliary(tok, code, quad, constructions)
        if fold is not None:
            folds[tok.i] = fold
    return folds


def _governed(tok: Token, code: str, quad: int, constructions: Constructions) -> Fold | None:
    """ "threatened to cut", "urged Iran to halt", "demanded that Iran halt", "demanded the release"."""
    governor = None
    if tok.dep_ in _COMPLEMENT_DEPS or (tok.pos_ == "NOUN" and tok.dep_ in _NOUN_OBJECT_DEPS):
        governor = tok.head
        if (
            tok.pos_ == "NOUN"
            and governor.lemma_.lower() in constructions.carriers
            and governor.dep_ in _COMPLEMENT_DEPS
        ):
            governor = governor.head  # "promised to continue military aid": the aid is promised
    elif tok.dep_ == "pobj" and tok.head.dep_ == "prep" and tok.head.lower_ in ("for", "to", "on", "upon"):
        governor = tok.head.head  # "called for the release", "agreed to a ceasefire", "agreed upon a pact"
    if governor is None or governor.i == tok.i or governor.pos_ not in ("VERB", "AUX", "ADJ"):
        return None
    family = constructions.family_of_governor(governor, quad)
    if family is None:
        return None
    folded = family.code_for(code)
    return Fold(family, folded, tok, governor, governor, None) if folded else None


def _auxiliary(tok: Token, code: str, quad: int, constructions: Constructions) -> Fold | None:
    """ "Finland will give", "Russia said it would withdraw", "Sudan must return", "would not meet"."""
    if tok.pos_ not in ("VERB", "AUX"):
        return None
    auxes = [c for c in tok.children if c.dep_ == "aux" and c.tag_ == "MD"]
    if not auxes and _headline_infinitive(tok):
        auxes = [c for c in tok.children if c.dep_ == "aux" and c.tag_ == "TO"]
    if not auxes:
        return None
    aux = auxes[0]
    negated = any(c.dep_ == "neg" for c in tok.children)
    reporter = tok.head if tok.dep_ == "ccomp" and tok.head.lemma_.lower() in constructions.reporting_verbs else None
    word = "will" if aux.tag_ == "TO" else aux.lower_  # "Russia to withdraw troops": "Russia will withdraw"
    family = constructions.family_of_auxiliary(word, quad, reporter is not None, negated)
    if family is None:
        return None
    folded = family.code_for(code)
    return Fold(family, folded, tok, None, aux, reporter) if folded else None


def _headline_infinitive(tok: Token) -> bool:
    """A headline's "X to VERB" ("Russia to withdraw troops from Georgia"): the news of a plan."""
    return (
        tok.dep_ == "ROOT"
        and tok.tag_ == "VB"
        and any(c.dep_ == "nsubj" for c in tok.children)
        and any(c.dep_ == "aux" and c.tag_ == "TO" for c in tok.children)
    )


def bare_demands(sentence: Iterable[Token], taken: set[int], constructions: Constructions) -> list[Fold]:
    """Reported demands whose action the lexicon does not know: "the US declared that China must drop
    barriers" is a demand (100) from the US to China, whatever "drop barriers" is."""
    found = []
    for tok in sentence:
        if tok.i in taken or tok.pos_ not in ("VERB", "AUX") or tok.dep_ != "ccomp":
            continue
        if tok.head.lemma_.lower() not in constructions.reporting_verbs:
            continue
        aux = next((c for c in tok.children if c.dep_ == "aux" and c.tag_ == "MD"), None)
        if aux is None or any(c.dep_ == "neg" for c in tok.children):
            continue
        family = next(
            (f for f in constructions.families if f.target == "addressee" and aux.lower_ in f.reported_auxiliaries),
            None,
        )
        if family is not None:
            found.append(Fold(family, family.default, tok, None, aux, tok.head))
    return found


def package_constructions() -> tuple[str, Mapping[str, Any]]:
    """(file name, contents) of the packaged ``data/constructions.yaml``."""
    return package_table("coding", "constructions.yaml")
