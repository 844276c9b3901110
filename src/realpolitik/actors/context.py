"""What the actor stage knows about the article as a whole.

A sentence alone rarely says everything about its actors: "police said" has no
country, "Kurtz said" no title, "the North" no referent. The context of the article
supplies them, in this order of trust:

1. the dateline's country ("NAIROBI, Kenya —");
2. the article's dominant country: the only one it names, or the one it names most (twice or more);
3. what earlier sentences said: a person introduced with a title ("Interior Minister
   Erich Kurtz") keeps it in later mentions ("Kurtz said").

Every country given to an actor from context carries its reason
(:data:`COUNTRY_REASONS`), so a consumer can tell a country read in the sentence from
one inferred from the article.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from realpolitik.types import ActorMention

# Why an actor has its country: read in the name itself, in a modifier of the phrase, from the
# organisation a person belongs to, from an earlier mention, from the place of the event, from the
# dateline, from the article.
COUNTRY_REASONS = ("name", "modifier", "organisation", "earlier mention", "place", "dateline", "article")
INFERRED_REASONS = ("dateline", "article")  # a guess from the story, which the event's own place overrides


@dataclass
class DocumentContext:
    """Per-article state for the actor stage; one per document."""

    dateline_country: str | None = None
    countries: Counter[str] = field(default_factory=Counter)  # country mentions in the whole article
    mentioned: set[str] = field(default_factory=set)  # countries met so far (leaders who share a name)
    people: dict[str, ActorMention] = field(default_factory=dict)  # a name or surname -> its first titled mention
    regions: dict[str, str] = field(default_factory=dict)  # "north"/"south" -> ISO3, when the article says
    names: dict[str, list[tuple[tuple[str, ...], ActorMention]]] = field(default_factory=dict)  # first word -> names

    @property
    def dominant_country(self) -> str | None:
        """The country the article mentions most, if it leads: the only one named, or named twice or more."""
        ranked = self.countries.most_common(2)
        if not ranked:
            return None
        if len(ranked) == 1:
            return ranked[0][0]
        (top, n), (_, second) = ranked
        return top if n >= 2 and n > second else None

    def default_country(self) -> tuple[str, str] | None:
        """(ISO3, reason) for an actor whose sentence names no country: the dateline's, else the article's."""
        if self.dateline_country:
            return self.dateline_country, "dateline"
        dominant = self.dominant_country
        return (dominant, "article") if dominant else None

    def localize(self, mention: ActorMention, domestic_roles: frozenset[str]) -> ActorMention:
        """A country-less mention of a domestic role ("police", "officials") with the article's country."""
        actor = mention.actor
        if actor.country or actor.igo or actor.role not in domestic_roles or mention.kind == "pronoun":
            return mention
        found = self.default_country()
        if found is None:
            return mention
        country, reason = found
        return replace(
            mention, actor=replace(actor, country=country), country_reason=reason, confidence=mention.confidence * 0.8
        )

    def remember_person(self, mention: ActorMention, keys: list[str]) -> None:
        """Keep a titled person's actor under their full name and surname, first mention winning."""
        for key in keys:
            if key and key not in self.people:
                self.people[key] = mention

    def remember_name(self, text: str, mention: ActorMention) -> None:
        """Keep a multiword name of a person or body an entity gave, to find it again unrecognised."""
        words = tuple(text.split())
        known = self.names.setdefault(words[0], [])
        if all(w != words for w, _ in known):
            known.append((words, mention))
            known.sort(key=lambda item: -len(item[0]))  # the longest name first

    def names_from(self, first_word: str) -> list[tuple[tuple[str, ...], ActorMention]]:
        """Remembered names starting with this word, longest first."""
        return self.names.get(first_word, [])

    def person(self, keys: list[str]) -> ActorMention | None:
        """The earlier titled mention of a person, by full name first, then surname."""
        for key in keys:
            if key in self.people:
                return self.people[key]
        return None
