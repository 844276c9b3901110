"""Which date each event gets: its own clause's, the story's narrative time, or its actor's tenure.

1. **A date belongs to its clause.** An event takes the date expression attached to its
   trigger or to a word above it in the same clause: "In 1950 Stalin sanctioned an
   invasion" dates the invasion 1950; in "The president, who took office in 2010, met Xi
   on Monday" the meeting is Monday and the taking of office 2010. The walk up the parse
   stops at a clause boundary (relative, adverbial, complement clauses), so "officials said
   on Monday that police arrested 20 people" dates the statement, not the arrest; a "when"
   clause shares the date it hangs on ("in June 2000, when Kim met Kim Dae-jung").
2. **Narrative time.** Within a paragraph, a past-tense clause without a date of its own
   (statements aside: "he said" is the reporter's present) takes the last explicit historical
   date of the paragraph (a year before the story's, or a day more than a month before it) ("In 1961 the army seized power. The
   following year it banned the parties. It then jailed their leaders." are 1961, 1962,
   1962), until a new date, a present-tense sentence ("Today ...", "The party says ...") or
   the next paragraph. Such dates have ``date_source`` "context".
3. **Tenure bounds.** An event whose actor is a leader long out of office on the story
   date (``TENURE_GAP_YEARS`` or more: Stalin in a 2019 article) and that has no date of
   its own is dated inside the tenure: the narrative date when it falls in the tenure,
   else the tenure itself (its first year, ending with its last), with ``date_source``
   "tenure". A leader named as "former" or "the late" acts today and is left alone, and so
   does a leader who left office less than ``TENURE_GAP_YEARS`` before the story (Lech
   Walesa quitting Solidarity in 2006, eleven years after his presidency: ex-leaders are in
   the news as themselves).

Otherwise an event has the story's (publication) date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Span, Token

from realpolitik.time.resolve import (
    DateExpression,
    Periods,
    ResolvedDate,
    Tenure,
    date_expressions,
    resolve_sentence_date,
)

# Dependencies that open a clause of its own: its events do not take the dates above it.
CLAUSE_BOUNDARIES = frozenset({"relcl", "advcl", "ccomp", "acl", "csubj", "csubjpass", "parataxis", "appos"})
_PAST_TAGS = frozenset({"VBD"})
_PRESENT_TAGS = frozenset({"VBZ", "VBP"})


@dataclass
class NarrativeTime:
    """The last explicit past date of the paragraph being read."""

    date: ResolvedDate | None = None
    paragraph: int = -1

    def enter(self, paragraph: int) -> None:
        """A new paragraph resets narrative time."""
        if paragraph != self.paragraph:
            self.paragraph, self.date = paragraph, None

    def read(self, sentence: Span, main: ResolvedDate, doc_date: dt.date | None) -> None:
        """Update from a sentence: an explicit historical date sets it, a present-tense frame clears it."""
        if main.source in ("sentence", "context") and _historical(main, doc_date):
            self.date = main
        elif _tense(sentence.root) == "present":
            self.date = None


@dataclass
class SentenceTime:
    """The dates of one sentence: its expressions, its narrative date and the story date."""

    expressions: list[DateExpression] = field(default_factory=list)
    narrative: ResolvedDate | None = None
    story: ResolvedDate = field(default_factory=lambda: ResolvedDate(None, "none", None, "none"))

    def for_trigger(self, trigger: Token, statement: bool = False) -> ResolvedDate:
        """The date of the event `trigger` names (see the module docstring, rules 1 and 2).

        A `statement` ("said", "told") is the reporter's present, so narrative time does not reach it.
        """
        anchors = {e.anchor: e.resolved for e in self.expressions}
        tok = trigger
        while True:
            if tok.i in anchors:
                return anchors[tok.i]
            if tok.head.i == tok.i or (tok.dep_ in CLAUSE_BOUNDARIES and not _when_clause(tok)):
                break
            tok = tok.head
        if self.narrative is not None and not statement and _tense(_clause_verb(trigger)) == "past":
            n = self.narrative
            return ResolvedDate(n.date, "context", n.text, n.granularity, n.end)
        return self.story


TENURE_GAP_YEARS = 20  # a leader out of office this long acts in history, not in the news (rule 3)


def within_tenure(
    resolved: ResolvedDate,
    tenure: tuple[date, date | None],
    narrative: ResolvedDate | None,
    doc_date: date | None,
) -> ResolvedDate:
    """An undated event of a leader long out of office by the story date, dated inside the tenure (rule 3)."""
    start, end = tenure
    if resolved.source not in ("document", "none") or end is None:
        return resolved
    if doc_date is not None and (end >= doc_date or doc_date.year - end.year < TENURE_GAP_YEARS):
        return resolved
    if narrative is not None and narrative.date is not None and start <= narrative.date <= end:
        return ResolvedDate(narrative.date, "tenure", narrative.text, narrative.granularity, narrative.end)
    return ResolvedDate(date(start.year, 1, 1), "tenure", None, "year", date(end.year, 12, 31))


HISTORICAL_DAYS = 31  # a date this much older than the story (or of an earlier year) is history, not news


def _historical(resolved: ResolvedDate, doc_date: date | None) -> bool:
    """ "In 1961", "last year", "in March 2003"; not "yesterday" or "on Monday" (the news itself)."""
    if resolved.date is None:
        return False
    if doc_date is None:
        return True
    if resolved.granularity in ("year", "decade"):
        return resolved.date.year < doc_date.year
    return (doc_date - resolved.date).days > HISTORICAL_DAYS


def _when_clause(tok: Token) -> bool:
    """A clause of "when": "in June 2000, when Kim met Kim Dae-jung" shares the date it hangs on."""
    return any(c.dep_ in ("advmod", "mark") and c.lower_ in ("when", "as", "while") for c in tok.children)


def _clause_verb(tok: Token) -> Token:
    while tok.pos_ not in ("VERB", "AUX") and tok.head.i != tok.i:
        tok = tok.head
    return tok


def _tense(verb: Token) -> str | None:
    """ "past" for "seized", "had seized", "was seized"; "present" for "says", "is", "has seized"."""
    if verb.tag_ in _PAST_TAGS:
        return "past"
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(a.tag_ in _PAST_TAGS for a in auxes):
        return "past"
    if verb.tag_ in _PRESENT_TAGS or any(a.tag_ in _PRESENT_TAGS for a in auxes):
        return "present"
    return None


def sentence_time(
    sentence: Span, doc_date: date | None, narrative: NarrativeTime, periods: Periods, tenure: Tenure | None = None
) -> tuple[ResolvedDate, SentenceTime]:
    """The sentence's main date (for its record and its leaders) and the dates its events draw on.

    Call once per sentence in reading order; it advances `narrative`. `periods` are the named
    periods ("the Cold War"), `tenure` a leader's time in office.
    """
    if _tense(sentence.root) == "present":  # "The party says ...": the story is back in the present
        narrative.date = None
    context = narrative.date.date if narrative.date is not None else None
    expressions = date_expressions(sentence, doc_date, periods, context, tenure)
    main = next((e.resolved for e in expressions if e.anchor == sentence.root.i), None)
    if main is None:
        main = resolve_sentence_date(sentence, doc_date)
    story = (
        ResolvedDate(doc_date, "document", None, "day")
        if doc_date is not None
        else ResolvedDate(None, "none", None, "none")
    )
    time = SentenceTime(expressions, narrative.date, story)
    narrative.read(sentence, main, doc_date)
    return main, time
