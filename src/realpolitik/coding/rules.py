"""The coder's argument rules as data: ``data/rules.yaml`` plus ``rules:`` sections of user lexicons.

The rules say how the coder finds a trigger's actors on the dependency parse: which
dependencies hold the subject, the passive agent and patient, the objects and a noun's
own actor; which prepositions lead to a target, which to a place; which verbs pass their
subject to an event noun or their object to an embedded verb; which events go both ways;
which passive events have an implicit doer. The Python of :mod:`realpolitik.coding.coder`
is the generic machinery; the words are here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from realpolitik.coding.codebook import Codebook
from realpolitik.datafiles import data_file, read_yaml

_DEP_LISTS = (
    "subject_deps",
    "passive_source_deps",
    "passive_target_deps",
    "object_deps",
    "noun_source_deps",
    "content_deps",
)
_WORD_LISTS = (
    "default_target_preps",
    "noun_target_preps",
    "participant_preps",
    "locative_preps",
    "light_verbs",
    "object_control",
    "background_preps",
    "noun_carriers",
    "force_nouns",
    "receiving_verbs",
    "condition_marks",
    "purpose_verbs",
    "purpose_nouns",
    "content_nouns",
    "result_particles",
    "cause_preps",
)
_PHRASE_LISTS = ("background_phrases", "attribution_phrases")
_CODE_LISTS = (
    "symmetric_codes",
    "addressed_codes",
    "location_target_roots",
    "weapon_roots",
    "condition_target_roots",
    "purpose_target_roots",
    "place_people_codes",
    "content_roots",
)
# The dependency labels of the English parser (ClearNLP style, as spaCy's en_core_web models use).
DEPENDENCY_LABELS = frozenset(
    """ROOT acl acomp advcl advmod agent amod appos attr aux auxpass case cc ccomp compound conj
    csubj csubjpass dative dep det dobj expl intj mark meta neg nmod npadvmod nsubj nsubjpass nummod oprd parataxis pcomp
    pobj poss preconj predet prep prt punct quantmod relcl xcomp""".split()
)
_ACTOR_LISTS = ("implicit_actors", "implicit_noun_actors")
KEYS = frozenset(
    {
        *_DEP_LISTS,
        *_WORD_LISTS,
        *_PHRASE_LISTS,
        *_CODE_LISTS,
        *_ACTOR_LISTS,
        "agentless_quad_classes",
        "weapon_codes",
        "repression",
    }
)


@dataclass(frozen=True)
class Recode:
    """Events of `codes` by an actor of one of `sources` (roles) on one of `targets` (head lemmas of
    the target's phrase) are coded `code`: police shooting at protesters is repression (175)."""

    code: str
    codes: tuple[str, ...]
    sources: frozenset[str]
    targets: frozenset[str]


@dataclass(frozen=True)
class CodingRules:
    """Validated argument rules."""

    subject_deps: tuple[str, ...]
    passive_source_deps: tuple[str, ...]
    passive_target_deps: tuple[str, ...]
    object_deps: tuple[str, ...]
    noun_source_deps: tuple[str, ...]
    content_deps: tuple[str, ...]
    default_target_preps: tuple[str, ...]
    noun_target_preps: tuple[str, ...]
    participant_preps: tuple[str, ...]
    locative_preps: frozenset[str]
    light_verbs: frozenset[str]
    object_control: frozenset[str]
    background_preps: frozenset[str]
    noun_carriers: frozenset[str]
    force_nouns: frozenset[str]
    receiving_verbs: frozenset[str]
    condition_marks: frozenset[str]
    purpose_verbs: frozenset[str]
    purpose_nouns: frozenset[str]
    content_nouns: frozenset[str]
    result_particles: frozenset[str]
    cause_preps: frozenset[str]
    background_phrases: tuple[str, ...]
    attribution_phrases: tuple[str, ...]
    symmetric_codes: tuple[str, ...]
    implicit_actors: tuple[tuple[str, str], ...]  # (code prefix, role), longest prefix first
    implicit_noun_actors: tuple[tuple[str, str], ...]  # the same for event nouns ("the protests began")
    addressed_codes: tuple[str, ...]
    location_target_roots: tuple[str, ...]
    weapon_roots: tuple[str, ...]
    condition_target_roots: tuple[str, ...]
    purpose_target_roots: tuple[str, ...]
    place_people_codes: tuple[str, ...]
    content_roots: tuple[str, ...]
    weapon_codes: dict[str, str]  # weapon lemma -> the code of an act done with it
    agentless_quad_classes: frozenset[int]
    repression: tuple[Recode, ...] = ()

    def recoded(self, code: str, source_role: str | None, target_lemma: str | None) -> str:
        """The code of an event once its actors are known (``repression``), else `code`."""
        for rule in self.repression:
            if code in rule.codes and source_role in rule.sources and target_lemma in rule.targets:
                return rule.code
        return code

    def implicit_role(self, code: str, noun: bool = False) -> str | None:
        """The role that does a passive event (or, with ``noun``, an event noun) of this code when the
        text names no one: arrests are by the police, protests by civilians."""
        table = self.implicit_noun_actors if noun else self.implicit_actors
        return next((role for prefix, role in table if code.startswith(prefix)), None)

    def symmetric(self, code: str) -> bool:
        """Whether events of this code go both ways (a prefix of it is listed)."""
        return code.startswith(self.symmetric_codes)

    @classmethod
    def build(cls, sections: Iterable[tuple[str, Mapping[str, Any]]], codebook: Codebook) -> CodingRules:
        """Merge ``rules`` sections (name, mapping) in order: lists are added; ValueError names a bad key
        (or a code not in `codebook`)."""
        merged: dict[str, list[Any]] = {k: [] for k in KEYS}
        for name, section in sections:
            if not isinstance(section, Mapping):
                raise ValueError(f"{name}: 'rules' must be a mapping")
            for key, value in section.items():
                where = f"{name}: rules.{key}"
                if key not in KEYS:
                    raise ValueError(f"{name}: unknown rule {key!r}; allowed: {sorted(KEYS)}")
                if not isinstance(value, list):
                    raise ValueError(f"{where} must be a list")
                for item in value:
                    _check(key, item, where, codebook)
                merged[key].extend(value)
        deps = {k: tuple(dict.fromkeys(merged[k])) for k in _DEP_LISTS}
        return cls(
            **deps,
            default_target_preps=tuple(dict.fromkeys(merged["default_target_preps"])),
            noun_target_preps=tuple(dict.fromkeys(merged["noun_target_preps"])),
            participant_preps=tuple(dict.fromkeys(merged["participant_preps"])),
            locative_preps=frozenset(merged["locative_preps"]),
            light_verbs=frozenset(merged["light_verbs"]),
            object_control=frozenset(merged["object_control"]),
            background_preps=frozenset(merged["background_preps"]),
            noun_carriers=frozenset(merged["noun_carriers"]),
            force_nouns=frozenset(merged["force_nouns"]),
            receiving_verbs=frozenset(merged["receiving_verbs"]),
            condition_marks=frozenset(merged["condition_marks"]),
            purpose_verbs=frozenset(merged["purpose_verbs"]),
            purpose_nouns=frozenset(merged["purpose_nouns"]),
            content_nouns=frozenset(merged["content_nouns"]),
            result_particles=frozenset(merged["result_particles"]),
            cause_preps=frozenset(merged["cause_preps"]),
            background_phrases=tuple(dict.fromkeys(merged["background_phrases"])),
            attribution_phrases=tuple(dict.fromkeys(merged["attribution_phrases"])),
            symmetric_codes=tuple(dict.fromkeys(merged["symmetric_codes"])),
            implicit_actors=_by_prefix(merged["implicit_actors"]),
            implicit_noun_actors=_by_prefix(merged["implicit_noun_actors"]),
            addressed_codes=tuple(dict.fromkeys(merged["addressed_codes"])),
            location_target_roots=tuple(dict.fromkeys(merged["location_target_roots"])),
            weapon_roots=tuple(dict.fromkeys(merged["weapon_roots"])),
            condition_target_roots=tuple(dict.fromkeys(merged["condition_target_roots"])),
            purpose_target_roots=tuple(dict.fromkeys(merged["purpose_target_roots"])),
            place_people_codes=tuple(dict.fromkeys(merged["place_people_codes"])),
            content_roots=tuple(dict.fromkeys(merged["content_roots"])),
            weapon_codes={w: i["code"] for i in merged["weapon_codes"] for w in i["weapons"]},
            agentless_quad_classes=frozenset(merged["agentless_quad_classes"]),
            repression=tuple(
                Recode(i["code"], tuple(i["codes"]), frozenset(i["sources"]), frozenset(i["targets"]))
                for i in merged["repression"]
            ),
        )


def _by_prefix(items: list[dict[str, str]]) -> tuple[tuple[str, str], ...]:
    """(code prefix, role) pairs, longest prefix first."""
    return tuple(sorted({(i["code"], i["role"]) for i in items}, key=lambda pair: -len(pair[0])))


def _check(key: str, item: Any, where: str, codebook: Codebook) -> None:
    if key in _DEP_LISTS:
        if not (isinstance(item, str) and item in DEPENDENCY_LABELS):
            raise ValueError(
                f"{where}: {item!r} is not a dependency label of the parser ({', '.join(sorted(DEPENDENCY_LABELS))})"
            )
    elif key in _WORD_LISTS:
        if not (isinstance(item, str) and item and item == item.lower() and " " not in item):
            raise ValueError(f"{where}: {item!r} is not a single lower-case word")
    elif key in _PHRASE_LISTS:
        if not (isinstance(item, str) and item.strip() and item == item.lower()):
            raise ValueError(f"{where}: {item!r} is not a lower-case phrase")
    elif key in _CODE_LISTS:
        if not (isinstance(item, str) and (codebook.is_valid(item) or codebook.is_valid(item[:2]))):
            raise ValueError(f"{where}: {item!r} is not a quoted CAMEO code or prefix")
    elif key in _ACTOR_LISTS:
        if not (
            isinstance(item, dict)
            and set(item) == {"code", "role"}
            and isinstance(item["code"], str)
            and (codebook.is_valid(item["code"]) or codebook.is_valid(item["code"][:2]))
            and isinstance(item["role"], str)
            and len(item["role"]) == 3
        ):
            raise ValueError(f"{where}: {item!r} must be {{code: <CAMEO code>, role: <role code>}}")
    elif key == "weapon_codes":
        if not (
            isinstance(item, dict)
            and set(item) == {"weapons", "code"}
            and isinstance(item["code"], str)
            and codebook.is_valid(item["code"])
            and isinstance(item["weapons"], list)
            and all(isinstance(w, str) and w == w.lower() and " " not in w for w in item["weapons"])
        ):
            raise ValueError(f"{where}: {item!r} must be {{weapons: [<lower-case lemma>, ...], code: <CAMEO code>}}")
    elif key == "repression":
        if not (
            isinstance(item, dict)
            and set(item) == {"code", "codes", "sources", "targets"}
            and isinstance(item["code"], str)
            and codebook.is_valid(item["code"])
            and isinstance(item["codes"], list)
            and all(isinstance(c, str) and codebook.is_valid(c) for c in item["codes"])
            and isinstance(item["sources"], list)
            and all(isinstance(r, str) and len(r) == 3 and r.isupper() for r in item["sources"])
            and isinstance(item["targets"], list)
            and all(isinstance(w, str) and w == w.lower() and " " not in w for w in item["targets"])
        ):
            raise ValueError(
                f"{where}: {item!r} must be {{code: <CAMEO code>, codes: [<CAMEO code>, ...], "
                "sources: [<role code>, ...], targets: [<lower-case lemma>, ...]}"
            )
    elif not (isinstance(item, int) and 1 <= item <= 4):
        raise ValueError(f"{where}: {item!r} is not a QuadClass (1-4)")


@lru_cache(maxsize=1)
def package_rules() -> tuple[str, Mapping[str, Any]]:
    """(file name, the ``rules`` section) of the packaged ``data/rules.yaml``."""
    resource = data_file("coding", "rules.yaml")
    data = read_yaml(resource)
    return str(resource), data["rules"]
