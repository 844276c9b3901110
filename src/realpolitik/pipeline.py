"""The pipeline: Document -> structure -> parse -> time -> actors -> pronouns -> context -> triggers
-> modality -> mentions -> geo.

Stages, in order, each a module of its own:

1. ``structure.layout``  headline, headings, captions, paragraphs and dateline; markup masked
2. ``nlp.parse``         spaCy tokens, tags, dependency parse, entities (block by block, in batches)
3. ``time.assign``       the event date of each sentence and clause              }
4. ``actors.matcher``    actor mentions (leaders resolved by that date)          }
5. ``actors.coref``      pronouns back to earlier actors                         }  ``Pipeline.stages``,
6. ``actors.context``    generic actors take the article's country               }  each called as
7. ``coding.coder``      triggers: event words and constructions on the parse    }  ``stage.run(reading)``:
8. ``coding.modality``   how the text presents each trigger (negated, future...) }  3-9 on each sentence
9. ``coding.coder``      mentions: source/target, CAMEO code, place name         }  in turn, 10 once per
10. ``geo.geocode``      each mention's place (else the dateline) as coordinates   }  document

Structure and parse run first, over batches of documents; the stages of
``Pipeline.stages`` then share one :class:`Reading` per document (the sentence being
read, the context of countries, pronoun history, narrative time, the event mentions so far)
and fill in its :class:`Sentence` s and event mentions. The language data every stage reads
comes from one :class:`~realpolitik.config.Config`, passed in.

Every block is parsed on its own, so a headline or caption never joins the next
sentence. Offsets always point into the document's own text: the structure stage
masks what it removes with spaces instead of cutting it out. Long blocks are parsed
in chunks of at most ``CHUNK_CHARS`` characters cut at paragraph or sentence ends,
and documents are parsed in batches of at most ``BATCH_SIZE`` documents and
``BATCH_CHARS`` characters. A document longer than ``BATCH_CHARS`` is parsed chunk by
chunk, each parse kept only as compact bytes (counting its countries on the way) and
read back one at a time to be coded, so memory stays bounded whatever the input size.

Coding takes time linear in the text (see ``nlp.parse.RunSafeTokenizer``); a
:class:`TimeBudget` still turns a document that takes too long into an error for
that document, checked between chunks and sentences.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from spacy.tokens import Doc

from realpolitik.actors.context import DocumentContext
from realpolitik.actors.coref import PronounResolver
from realpolitik.actors.matcher import ActorMatcher
from realpolitik.actors.names import GazetteerNames
from realpolitik.coding.coder import EventCoder
from realpolitik.coding.modality import predicate_modality
from realpolitik.config import Config, default_config
from realpolitik.geo.geocode import Geocoder
from realpolitik.geo.places import city_index
from realpolitik.nlp.parse import load_model
from realpolitik.structure.layout import Block, Dateline, Layout, layout
from realpolitik.time.assign import NarrativeTime, sentence_time
from realpolitik.types import Document, DocumentError, EventMention, Sentence

CHUNK_CHARS = 100_000
BATCH_SIZE = 32
BATCH_CHARS = 100_000  # a batch's parses are held together: long documents make smaller batches
MAX_SENTENCE_TOKENS = 300  # longer parser "sentences" are tables, lists or unpunctuated text: not coded
_BREAK = re.compile(r"\n\s*\n|(?<=[.!?])\s+")
_SPACE = re.compile(r"\s+")
_SERIALIZED = ["tensor", "user_data"]  # what a parse kept as bytes leaves out: the coder reads neither


@dataclass(frozen=True)
class TimeBudget:
    """How long coding one document may take: ``seconds`` plus ``per_char`` for each character."""

    seconds: float = 60.0
    per_char: float = 0.002  # 500 characters a second; news codes at 13,000, the slowest text at 8,000

    def for_text(self, text: str) -> float:
        """The budget in seconds for a document of this text."""
        return self.seconds + self.per_char * len(text)


class OverBudget(Exception):
    """Coding a document took longer than its time budget."""


@dataclass
class Result:
    """What coding one document gave: its sentences and event mentions, or an error."""

    document: Document
    mentions: list[EventMention]
    sentences: list[Sentence]
    error: DocumentError | None = None
    dateline: Dateline | None = None  # the place the article is filed from, when it says


@dataclass
class Reading:
    """What the stages share while reading one document."""

    document: Document
    lowercase: bool  # the whole text is in lower case (archives): names matched without case
    ctx: DocumentContext
    resolver: PronounResolver
    dateline: Dateline | None = None
    narrative: NarrativeTime = field(default_factory=NarrativeTime)
    mentions: list[EventMention] = field(default_factory=list)
    sentence: Sentence = field(init=False)  # the sentence being read (for the sentence stages)


@dataclass(frozen=True)
class Stage:
    """A named stage: ``run(reading)`` reads the document's :class:`Reading` and adds to it.

    A sentence stage runs on ``reading.sentence``, on each sentence in reading order; a
    document stage (``per_sentence=False``) runs once, after the last sentence.
    """

    name: str
    run: Callable[[Reading], None]
    per_sentence: bool = True


class Pipeline:
    """Codes documents into event mentions. Build once; reuse for many documents."""

    def __init__(self, config: Config | None = None, time_budget: TimeBudget = TimeBudget()):
        """A pipeline reading the language data of `config` (default: the packaged data)."""
        self.config = config or default_config()
        self.time_budget = time_budget
        self.clock: Callable[[], float] = time.monotonic
        self.nlp = load_model()
        cities = city_index()
        self.names = GazetteerNames(self.config.gazetteer, cities)
        self.actors = ActorMatcher(self.nlp, self.config.gazetteer, self.config.entities, cities, self.config.referents)
        self.coder = EventCoder(self.config.lexicon, self.config.codebook)
        self.geocoder = Geocoder(self.config.gazetteer, cities, self.config.geo)
        # After structure and parse, in order: the sentence stages on each sentence, then geo once.
        self.stages: list[Stage] = [
            Stage("time", self._time),
            Stage("actors", self._actors),
            Stage("pronouns", self._pronouns),
            Stage("context", self._context),
            Stage("triggers", self._triggers),
            Stage("modality", self._modality),
            Stage("mentions", self._mentions),
            Stage("geo", self._geo, per_sentence=False),
        ]

    def code_text(self, text: str, date: date | None = None, doc_id: str = "text") -> list[EventMention]:
        """The event mentions of one text; raises ValueError for an empty text."""
        if not text or not text.strip():
            raise ValueError("empty document")
        result = next(self.run([Document(id=doc_id, text=text, date=date)]))
        if result.error:
            raise ValueError(result.error.error)
        return result.mentions

    def code_doc(self, doc: Doc, date: date | None = None, doc_id: str = "doc") -> Result:
        """Code a Doc parsed elsewhere, or built by hand as the rule tests do, with the stages after parsing.

        The Doc holds the document's whole text as one block and must use this pipeline's
        vocabulary (``pipeline.nlp.vocab``); the structure stage does not run, so there is no
        dateline. Errors are raised, not turned into ``Result.error``.
        """
        if doc.vocab is not self.nlp.vocab:
            raise ValueError("the Doc must be built with the pipeline's vocabulary (pipeline.nlp.vocab)")
        document = Document(id=doc_id, text=doc.text, date=date)
        lay = Layout([Block(0, doc.text, doc.text, "body")], dateline=None)
        sentences, mentions = self._code_parsed(document, lay, [(0, doc)], self._deadline(document, self.clock()))
        return Result(document, mentions, sentences)

    def run(self, documents: Iterable[Document], batch_size: int = BATCH_SIZE) -> Iterator[Result]:
        """Code documents in order, streaming; a document that fails gives a Result with its error."""
        for batch in _batches(documents, batch_size, BATCH_CHARS):
            started = self.clock()
            layouts = [self._layout(d) for d in batch]
            if len(batch) == 1 and len(batch[0].text) > BATCH_CHARS:
                yield self._code_long(batch[0], layouts[0], started)
                continue
            pieces = [(chunk, (n, offset)) for n, lay in enumerate(layouts) for offset, chunk in _pieces(lay)]
            parsed: list[list[tuple[int, Doc | None]]] = [[] for _ in batch]
            try:
                for spacy_doc, (n, offset) in self.nlp.pipe(pieces, as_tuples=True, batch_size=batch_size):
                    parsed[n].append((offset, spacy_doc))
            except Exception:  # one bad text must not sink the batch: parse them one by one
                parsed = [[(o, self._parse_one(c)) for o, c in _pieces(lay)] for lay in layouts]
            parse_seconds = self.clock() - started
            total = sum(len(d.text) for d in batch) or 1
            for document, lay, chunks in zip(batch, layouts, parsed):
                spent = parse_seconds * len(document.text) / total  # the document's share of the batch
                yield self._code(document, lay, chunks, self._deadline(document, self.clock() - spent))

    def _deadline(self, document: Document, started: float) -> tuple[float, float]:
        """(clock time by which coding must be done, the budget in seconds)."""
        budget = self.time_budget.for_text(document.text)
        return started + budget, budget

    def _layout(self, document: Document) -> Layout | None:
        try:
            return layout(document.text, self.config.layout, self.names)
        except Exception:  # noqa: BLE001 - reported by _code as this document's error
            return None

    def _parse_one(self, text: str) -> Doc | None:
        try:
            return self.nlp(text)
        except Exception:
            return None

    def _code_long(self, document: Document, lay: Layout | None, started: float) -> Result:
        """A long document: each chunk parsed, its countries counted, kept as bytes; then coded one by one."""
        deadline = self._deadline(document, started)
        lowercase = self.actors.is_lowercase(document.text)
        countries: Counter[str] = Counter()
        stored: list[tuple[int, bytes | None]] = []
        try:
            for offset, chunk in _pieces(lay):
                spacy_doc = self._parse_one(chunk)
                if spacy_doc is not None:
                    countries += self.actors.country_counts([spacy_doc], lowercase, document.date)
                stored.append((offset, None if spacy_doc is None else spacy_doc.to_bytes(exclude=_SERIALIZED)))
                self._check(deadline)
        except OverBudget as exc:
            return self._failed(document, str(exc))
        except Exception as exc:  # noqa: BLE001 - reported per document, the batch goes on
            return self._failed(document, f"coding failed: {type(exc).__name__}: {exc}")
        chunks = (
            (offset, None if data is None else Doc(self.nlp.vocab).from_bytes(data, exclude=_SERIALIZED))
            for offset, data in stored
        )
        return self._code(document, lay, chunks, deadline, countries)

    def _code(
        self,
        document: Document,
        lay: Layout | None,
        chunks: Iterable[tuple[int, Doc | None]],
        deadline: tuple[float, float],
        countries: Counter[str] | None = None,
    ) -> Result:
        try:
            if lay is None:
                raise ValueError("the structure stage failed on this text")
            sentences, mentions = self._code_parsed(document, lay, chunks, deadline, countries)
            return Result(document, mentions, sentences, dateline=lay.dateline)
        except OverBudget as exc:
            return self._failed(document, str(exc))
        except Exception as exc:  # noqa: BLE001 - reported per document, the batch goes on
            return self._failed(document, f"coding failed: {type(exc).__name__}: {exc}")

    def _failed(self, document: Document, message: str) -> Result:
        return Result(
            document, [], [], DocumentError(source=document.source or document.id, doc_id=document.id, error=message)
        )

    def _check(self, deadline: tuple[float, float]) -> None:
        """Raise OverBudget when the document's time is up."""
        until, budget = deadline
        if self.clock() > until:
            raise OverBudget(
                f"coding stopped: over its time budget of {budget:,.0f} s; the text is not prose "
                "the coder can read in time (a table, a listing, symbols?)"
            )

    def _code_parsed(
        self,
        document: Document,
        lay: Layout,
        chunks: Iterable[tuple[int, Doc | None]],
        deadline: tuple[float, float],
        countries: Counter[str] | None = None,
    ) -> tuple[list[Sentence], list[EventMention]]:
        """Sentences and event mentions of the parsed chunks, in order, through ``self.stages``; each chunk's
        parse is let go once coded.

        ``countries`` are the article's country mentions when already counted; else they are
        counted here, which needs every parse at once (a short document's).
        """
        lowercase = self.actors.is_lowercase(document.text)
        if countries is None:
            chunks = list(chunks)
            if any(d is None for _, d in chunks):
                raise ValueError("the parser failed on this text")
            countries = self.actors.country_counts([d for _, d in chunks if d is not None], lowercase, document.date)
        reading = Reading(
            document,
            lowercase,
            DocumentContext(dateline_country=lay.dateline.country if lay.dateline else None, countries=countries),
            PronounResolver(self.config.coref),
            lay.dateline,
        )
        per_sentence = [s for s in self.stages if s.per_sentence]
        sentences: list[Sentence] = []
        for paragraph, (offset, spacy_doc) in enumerate(chunks):
            if spacy_doc is None:
                raise ValueError("the parser failed on this text")
            reading.narrative.enter(paragraph)
            first = len(sentences)
            for sent in spacy_doc.sents:
                self._check(deadline)
                if not sent.text.strip() or len(sent) > MAX_SENTENCE_TOKENS:
                    continue  # blank, or a run-on "sentence" (a list, a table) no event grammar applies to
                start = offset + sent.start_char
                text = document.text[start : offset + sent.end_char]  # the document's words (the parse may be recased)
                sentence = Sentence(doc_id=document.id, index=len(sentences), text=text, start=start, span=sent)
                reading.sentence = sentence
                for stage in per_sentence:
                    stage.run(reading)
                sentences.append(sentence)
            for s in sentences[first:]:
                s.span = s.time = s.triggers = s.modality = None  # free the parse; records keep only plain data
            spacy_doc.user_data.pop("realpolitik.ents", None)  # cached spans point back at the Doc: a cycle
        for stage in self.stages:
            if not stage.per_sentence:
                stage.run(reading)
        return sentences, reading.mentions

    # -- the stages: each reads the document's reading (the sentence stages its sentence) and adds to it --

    def _time(self, reading: Reading) -> None:
        """``time``: the sentence's date (and each clause's, for the coder) from its words and narrative time."""
        sentence = reading.sentence
        when, sentence.time = sentence_time(
            sentence.span, reading.document.date, reading.narrative, self.config.periods, self.actors.tenure
        )
        sentence.date, sentence.date_source, sentence.date_text = when.date, when.source, when.text
        sentence.date_precision = when.granularity if when.date else None

    def _actors(self, reading: Reading) -> None:
        """``actors``: actor mentions, leaders resolved by the sentence's date."""
        sentence = reading.sentence
        sentence.actors = self.actors.find(
            sentence.span, sentence.date or reading.document.date, reading.lowercase, reading.ctx
        )
        reading.ctx.mentioned.update(m.actor.country for m in sentence.actors if m.actor.country)

    def _pronouns(self, reading: Reading) -> None:
        """``pronouns``: "he", "it", "they", "its" back to earlier actors."""
        sentence = reading.sentence
        sentence.actors += reading.resolver.resolve(sentence.span, sentence.actors)

    def _context(self, reading: Reading) -> None:
        """``context``: generic actors take the article's country; mentions read in the document's own words."""
        sentence = reading.sentence
        mentions = [reading.ctx.localize(m, self.config.entities.domestic_roles) for m in sentence.actors]
        for m in mentions:
            m.text = sentence.text[m.start : m.end]
        sentence.actors = sorted(mentions, key=lambda m: (m.start, m.end))

    def _triggers(self, reading: Reading) -> None:
        """``triggers``: the event words of the lexicon and the constructions over them, on the parse."""
        reading.sentence.triggers = self.coder.triggers(reading.sentence.span)

    def _modality(self, reading: Reading) -> None:
        """``modality``: how the text presents each trigger and governing word (asserted, negated, ...)."""
        sentence = reading.sentence
        sentence.modality = predicate_modality(sentence.triggers.predicates(), self.config.modality)

    def _mentions(self, reading: Reading) -> None:
        """``mentions``: the event mentions of the sentence: source and target of each trigger, CAMEO code, place name."""
        reading.mentions += self.coder.code(reading.sentence, reading.document, reading.ctx)

    def _geo(self, reading: Reading) -> None:
        """``geo`` (once per document): each mention's place, else the dateline, as coordinates, country, region."""
        reading.mentions = self.geocoder.place(reading.mentions, reading.dateline)


def _batches(documents: Iterable[Document], size: int, chars: int) -> Iterator[list[Document]]:
    """Lists of at most `size` documents and (unless one document is longer) `chars` characters."""
    batch: list[Document] = []
    total = 0
    for document in documents:
        if batch and (len(batch) >= size or total + len(document.text) > chars):
            yield batch
            batch, total = [], 0
        batch.append(document)
        total += len(document.text)
    if batch:
        yield batch


def _pieces(lay: Layout | None) -> Iterator[tuple[int, str]]:
    """(document offset, text) of everything to parse: each block, cut into chunks if long."""
    for block in lay.blocks if lay is not None else ():
        for offset, chunk in _chunks(block.parse_text):
            yield block.start + offset, chunk


def _chunks(text: str, limit: int = CHUNK_CHARS) -> Iterator[tuple[int, str]]:
    """(offset, piece) cuts of at most `limit` chars, at paragraph or sentence ends, else between words."""
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = max((m.end() for m in _BREAK.finditer(window, limit // 2)), default=0)
        cut = cut or max((m.end() for m in _SPACE.finditer(window, limit // 2)), default=limit)
        yield start, text[start : start + cut]
        start += cut
    yield start, text[start:]


@lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    """The shared pipeline with the packaged language data."""
    return Pipeline()


def code_text(text: str, date: date | None = None, doc_id: str = "text") -> list[EventMention]:
    """Code one text into event mentions (the Python API's front door).

    >>> [e.code for e in code_text("Russia condemned the attack.")]  # doctest: +SKIP
    """
    return default_pipeline().code_text(text, date=date, doc_id=doc_id)
