"""What a plain statement says: "X said the plan was a mistake" is criticism (111), not just a statement.

CAMEO keeps 010 ("make statement") for statements that are nothing more specific. The
coder reads a statement's content (the clause it introduces, or the quotation) for the
evaluative words of ``data/statements.yaml`` in what the content predicates of its
subject (the clause heads and their predicates: "was a poor choice", "will be a strong
leader"; not a word in passing such as "the ceasefire violation was reported"), and
turns the statement into criticism (111), praise (051), a pessimistic (012) or an
optimistic (013) comment. Criticism and
praise need an actor in the content to be about, which becomes the target. A
``statements:`` section of a ``--lexicon`` file adds words to these lists.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.tokens import Token

from realpolitik.datafiles import merge_tables, package_table
from realpolitik.types import ActorMention

CATEGORIES = {"critical": "111", "approving": "051", "pessimistic": "012", "optimistic": "013"}
_TARGETED = ("critical", "approving")
_QUOTES = frozenset('"“”«»')


@dataclass(frozen=True)
class StatementCues:
    """Evaluative lemmas (single words) and phrases (tuples of lemmas) by category."""

    words: dict[str, frozenset[str]]
    phrases: dict[str, tuple[tuple[str, ...], ...]]
    naming_verbs: frozenset[str] = frozenset()

    def names(self, verb: Token) -> bool:
        """Whether the verb says what its object is: "called the plan a mistake", "described it as illegal"
        (also parsed as a clause: "considered [the intrusion an act of provocation]")."""
        return verb.lemma_.lower() in self.naming_verbs and (
            bool(_naming_predicate(verb)) or any(c.dep_ == "ccomp" for c in verb.children)
        )

    @classmethod
    def build(cls, sections: Iterable[tuple[str, Mapping[str, Any]]]) -> StatementCues:
        """Merge statement tables (name, mapping) in order: every list is added to the one before;
        ValueError names the file and the key that is unknown or not a list of lower-case words."""
        sections = list(sections)
        return cls.from_data(merge_tables(sections, "statements"), sections[-1][0] if sections else "statements.yaml")

    @classmethod
    def from_data(cls, data: dict[str, object], name: str = "statements.yaml") -> StatementCues:
        naming = data.get("naming_verbs", [])
        if not (isinstance(naming, list) and all(isinstance(w, str) and w == w.lower() for w in naming)):
            raise ValueError(f"{name}: 'naming_verbs' must be a list of lower-case verbs")
        words, phrases = {}, {}
        for category in CATEGORIES:
            items = data.get(category)
            if not (isinstance(items, list) and all(isinstance(w, str) and w == w.lower() for w in items)):
                raise ValueError(f"{name}: {category!r} must be a list of lower-case words")
            words[category] = frozenset(w for w in items if " " not in w)
            phrases[category] = tuple(tuple(w.split()) for w in items if " " in w)
        return cls(words, phrases, frozenset(naming))


def package_statements() -> tuple[str, Mapping[str, Any]]:
    """(file name, contents) of the packaged ``data/statements.yaml``, read once."""
    return package_table("coding", "statements.yaml")


@lru_cache(maxsize=1)
def default_cues() -> StatementCues:
    """The packaged statement cues, read once per process."""
    return StatementCues.build([package_statements()])


_PREDICATE_DEPS = frozenset({"attr", "acomp", "oprd", "amod", "dobj", "advmod", "xcomp", "conj", "compound"})


def content(trigger: Token) -> list[Token]:
    """The tokens of what a statement reports: its clausal complement, else the sentence's quotation."""
    clauses = [c for c in trigger.children if c.dep_ in ("ccomp", "xcomp", "parataxis")]
    if clauses:
        return sorted((t for c in clauses for t in c.subtree), key=lambda t: t.i)
    named = _naming_predicate(trigger)  # "called its coverage outrageous": the object and what it is called
    if named:
        objects = [c for c in trigger.children if c.dep_ == "dobj" and c not in named]
        return sorted((t for c in [*objects, *named] for t in c.subtree), key=lambda t: t.i)
    sent = trigger.sent
    inside, quoted = False, []
    for tok in sent:
        if tok.text in _QUOTES or (tok.text in ("'", "''", "``")):
            inside = not inside
            continue
        if inside:
            quoted.append(tok)
    return quoted


def _naming_predicate(verb: Token) -> list[Token]:
    """What a verb calls its object: an object predicate ("called it a mistake"), an "as" phrase
    ("described the sanctions as illegal"), or a second object ("branded the visit a provocation")."""
    found = [c for c in verb.children if c.dep_ == "oprd"]
    found += [c for c in verb.children if c.dep_ == "prep" and c.lower_ == "as"]
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    return found or objects[1:]


def predicate(tokens: list[Token]) -> list[Token]:
    """The words that say what the content says of its subject: the heads of its clauses and,
    two steps down, their predicates ("was [a poor choice]", "will be [a strong leader]")."""
    inside = {t.i for t in tokens}
    heads = [t for t in tokens if t.head.i not in inside or t.head.i == t.i]
    found, frontier = list(heads), list(heads)
    for _ in range(2):
        frontier = [c for t in frontier for c in t.children if c.dep_ in _PREDICATE_DEPS and c.i in inside]
        found += frontier
    return sorted(set(found), key=lambda t: t.i)


def classify(
    trigger: Token,
    cues: StatementCues,
    actors_at: Callable[[Token], list[ActorMention]],
    speaker: ActorMention,
    coded: Collection[int] = (),
) -> tuple[str, ActorMention | None] | None:
    """(CAMEO code, target mention or None) for a statement whose content evaluates, else None.

    ``coded`` holds the token indices of triggers coded as events of their own: "Portugal will
    support Turkey's bid, Soares said" is the support, not also praise.
    """
    tokens = content(trigger)
    if not tokens:
        return None
    said = [t for t in predicate(tokens) if t.i not in coded]
    found = _categories(said, cues)  # what is said of the subject, not any word in passing
    if not found:
        return None
    about = next((m for t in tokens for m in actors_at(t) if m.actor.code != speaker.actor.code), None)
    for category in ("critical", "approving", "pessimistic", "optimistic"):
        if category in found and (category not in _TARGETED or about is not None):
            return CATEGORIES[category], about if category in _TARGETED else None
    return None


def _categories(tokens: Iterable[Token], cues: StatementCues) -> set[str]:
    tokens = list(tokens)
    lemmas = [t.lemma_.lower() for t in tokens]
    found: set[str] = set()
    for i, tok in enumerate(tokens):
        for category, words in cues.words.items():
            if lemmas[i] in words or tok.lower_ in words:
                negated = any(child.dep_ == "neg" for word in (tok, tok.head) for child in word.children) or (
                    i > 0 and lemmas[i - 1] in ("not", "no", "never")
                )
                found.add("critical" if negated and category == "approving" else category)
    for category, phrases in cues.phrases.items():
        for phrase in phrases:
            n = len(phrase)
            if any(tuple(lemmas[i : i + n]) == phrase for i in range(len(lemmas) - n + 1)):
                found.add(category)
    return found
