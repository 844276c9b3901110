"""Actors by name in every filter: "North Korea", "Russian", "the Kremlin", "Putin", "UN", or a code.

Queries of the store match actor *codes* (:func:`realpolitik.store.db.actor_filter`:
``RUS`` matches every Russian actor, ``RUSGOV`` the government, ``UNO`` the United
Nations). :class:`ActorNames` turns what a person types into such a code, in this order:

1. a code: a country (``RUS``), an IGO id (``UNO``, ``IGOUNO``), a role (``COP``), a
   country or IGO with roles (``RUSGOV``, ``USAMIL``), or any code an actor of the store
   has, in any case (``rus``);
2. a name the actor gazetteer knows, through the gazetteer's own lookup (case, a leading
   "the"): a country's name or alias ("North Korea" -> ``PRK``), demonym ("Russian" ->
   ``RUS``), capital ("Moscow" -> ``RUS``), metonym with its role ("the Kremlin" ->
   ``RUSGOV``), a leader ("Putin" -> ``RUSGOV``: the government they lead), an IGO ("UN"
   -> ``IGOUNO``) or NGO; when several entries share the name, the one valid today
   ("Moscow" is Russia, not the Soviet Union), then the gazetteer's order;
3. a name an actor of the store carries ("Raila Odinga").

Anything else raises :class:`UnknownActor` with the closest names and codes as
suggestions (rapidfuzz), so a typo is an error a person can act on, not an empty result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rapidfuzz import fuzz, process

from realpolitik.actors.gazetteer import Entry, Gazetteer

SUGGESTIONS = 5
_MIN_SCORE = 80
_KIND_ORDER = {
    "actor": 0,
    "country": 1,
    "igo": 2,
    "capital": 3,
    "metonym": 3,
    "ngo": 4,
    "group": 4,
    "demonym": 5,
    "leader": 6,
}
_CODE = re.compile(r"^[A-Z]{3}(?:[A-Z]{3})*$")
_NAME_KINDS = ("country", "demonym", "capital", "metonym", "leader", "igo", "ngo", "group", "role")


class UnknownActor(ValueError):
    """A query that is neither an actor code nor a known name; carries the closest matches."""

    def __init__(self, query: str, suggestions: Sequence[str]):
        self.query = query
        self.suggestions = list(suggestions)
        hint = (
            f"; did you mean {', '.join(self.suggestions)}?"
            if self.suggestions
            else "; give a country (RUS, Russia), an actor code (RUSGOV) or a name (the Kremlin)"
        )
        super().__init__(f"unknown actor {query!r}{hint}")


@dataclass(frozen=True)
class Resolved:
    """What a query was taken to mean."""

    query: str
    code: str  # what the store is queried with: RUS, RUSGOV, IGOUNO
    name: str  # for people: "Russia", "the Kremlin (Russia, GOV)"
    how: str  # code | name | store

    @property
    def note(self) -> str | None:
        """ "'the Kremlin' is RUSGOV (Russia's government)", or None when the query was the code itself."""
        return None if self.how == "code" else f"{self.query!r} is {self.code} ({self.name})"


@dataclass(frozen=True)
class Suggestion:
    """One autocomplete entry."""

    label: str  # the name to show and send back: "North Korea"
    code: str  # what it resolves to: PRK
    kind: str  # country, demonym, leader, igo, ..., or "actor" for a stored actor's name


class ActorNames:
    """Resolves actor queries; build one per store view (it holds the store's actor codes and names)."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        stored: Iterable[tuple[str, str | None]] | Callable[[], Iterable[tuple[str, str | None]]] = (),
    ):
        """`stored`: (code, name) of the store's actors, as ``Store.actors()`` lists them, or a function
        giving them (called once, only when a query is neither a packaged code nor a gazetteer name)."""
        self.gazetteer = gazetteer
        self._countries = gazetteer.countries()
        self._igos = {e.igo: e.name for e in gazetteer.entries if e.kind == "igo" and e.igo}
        self._roles = {e.role for e in gazetteer.entries if e.role} | {"IGO"}
        self._source = stored
        self._loaded: tuple[dict[str, str], dict[str, str]] | None = None

    @classmethod
    def of_store(cls, store: Any, gazetteer: Gazetteer | None = None) -> ActorNames:
        """Names for queries over `store` (a :class:`~realpolitik.store.db.Store`), its actors read lazily."""

        def stored() -> list[tuple[str, str | None]]:
            frame = store.actors(modalities=None)
            return list(zip(frame["actor"], frame["name"]))

        return cls(gazetteer or Gazetteer.load(), stored)

    @property
    def _stored(self) -> dict[str, str]:
        return self._store_tables()[0]

    @property
    def _stored_names(self) -> dict[str, str]:
        return self._store_tables()[1]

    def _store_tables(self) -> tuple[dict[str, str], dict[str, str]]:
        if self._loaded is None:
            codes: dict[str, str] = {}
            names: dict[str, str] = {}
            for code, name in self._source() if callable(self._source) else self._source:
                codes[str(code).upper()] = name or code
                if name:
                    names.setdefault(str(name).lower(), str(code))
            self._loaded = (codes, names)
        return self._loaded

    def resolve(self, query: str) -> Resolved:
        """The code a query stands for; raises :class:`UnknownActor`."""
        text = " ".join(query.split())
        if not text:
            raise UnknownActor(query, [])
        upper = text.upper()
        if self._is_code(upper):
            return Resolved(text, upper, self._describe(upper), "code")
        entry = self._entry(text)
        if entry is not None:
            code = _code(entry)
            return Resolved(text, code, self._describe(code, entry), "name")
        stored = self._stored_names.get(text.lower())
        if stored is not None:
            return Resolved(text, stored, self._describe(stored), "store")
        raise UnknownActor(text, self.suggest_names(text))

    def resolve_all(self, queries: Sequence[str | None]) -> list[Resolved | None]:
        """Several queries at once (None stays None); the first unknown one raises."""
        return [None if q is None or not q.strip() else self.resolve(q) for q in queries]

    def suggest_names(self, text: str, limit: int = SUGGESTIONS) -> list[str]:
        """The closest names and codes to a query that matched nothing: "North Korea (PRK)"."""
        choices = self._choices()
        found = process.extract(text, list(choices), scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=_MIN_SCORE)
        out: dict[str, str] = {}  # one name per code, the closest
        for label, _, _ in found:
            code = choices[label]
            out.setdefault(code, f"{label} ({code})" if label != code else label)
        return list(out.values())[:limit]

    def complete(self, prefix: str, limit: int = 10, present: Iterable[str] | None = None) -> list[Suggestion]:
        """Autocomplete: names and codes starting with `prefix` (then containing it), stored actors first.

        With `present` (codes of the store's actors), only names resolving to an actor the
        store has, or to a country whose actors it has, are offered.
        """
        key = " ".join(prefix.split()).lower()
        if not key:
            return []
        have = {c.upper() for c in present} if present is not None else None
        ranked: list[tuple[tuple[int, int, int, str], Suggestion]] = []
        seen: set[str] = set()
        for label, _, kind in self._candidates():
            lower = label.lower()
            at = lower.find(key)
            if at < 0 or lower in seen:
                continue
            seen.add(lower)
            code = self.resolve(label).code  # what the server makes of the label when it comes back
            if have is not None and not any(h == code or h.startswith(code) for h in have):
                continue
            starts = 0 if at == 0 else 1 if lower[at - 1] == " " else 2
            ranked.append(((starts, _KIND_ORDER.get(kind, 7), len(label), label), Suggestion(label, code, kind)))
        return [s for _, s in sorted(ranked, key=lambda r: r[0])[:limit]]

    # -- internals --------------------------------------------------------------------------------

    def _is_code(self, upper: str) -> bool:
        if upper == "---" or (upper.startswith("IGO") and upper[3:] in self._igos):
            return True
        if upper in self._igos or upper in self._roles:
            return True
        if _CODE.match(upper):
            head, rest = upper[:3], [upper[i : i + 3] for i in range(3, len(upper), 3)]
            if (head in self._countries or head in self._roles) and all(r in self._roles for r in rest):
                return True
        return upper in self._stored if _CODE.match(upper) else False

    def _entry(self, text: str) -> Entry | None:
        entries = [e for e in self.gazetteer.lookup(text) if e.kind in _NAME_KINDS and _code(e) != "---"]
        if not entries:
            return None
        today = date.today()
        return next((e for e in entries if e.valid_on(today)), entries[0])

    def _describe(self, code: str, entry: Entry | None = None) -> str:
        if code.startswith("IGO") and code[3:] in self._igos:
            return self._igos[code[3:]]
        if code in self._igos:
            return self._igos[code]
        country = self._countries.get(code[:3])
        roles = [code[i : i + 3] for i in range(3, len(code), 3)] if country else []
        if entry is not None and entry.kind == "leader":
            return f"{entry.name}: {country}'s {'/'.join(roles) or 'actors'}" if country else entry.name
        if country:
            return f"{country}, {'/'.join(roles)}" if roles else country
        if entry is not None and entry.kind == "role":
            return f"{entry.phrase}, any country"
        return self._stored.get(code, code)

    def _choices(self) -> dict[str, str]:
        """Label -> code of everything a query may be near: names, codes, stored actor names."""
        choices: dict[str, str] = {}
        for label, code, _ in self._candidates():
            choices.setdefault(label, code)
        for code in [*self._countries, *self._stored]:
            choices.setdefault(code, code)
        return choices

    def _candidates(self) -> Iterable[tuple[str, str, str]]:
        for code, name in self._stored.items():
            if name and name != code and code != "---":
                yield name, code, "actor"
        for e in self.gazetteer.entries:
            if e.kind in _NAME_KINDS and e.kind != "role" and _code(e) != "---":
                yield e.phrase, _code(e), e.kind


def _code(entry: Entry) -> str:
    """The actor code a gazetteer entry codes to: IGOUNO, RUSGOV, RUS, COP."""
    if entry.igo:
        return f"IGO{entry.igo}"
    return f"{entry.country or ''}{entry.role or ''}" or "---"
