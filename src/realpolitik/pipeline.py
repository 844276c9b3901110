"""The pipeline: Document -> structure -> parse -> time -> actors -> pronouns -> events.

Stages, in order, each a module of its own:

1. ``structure.layout`` headline, headings, captions, paragraphs and dateline; markup masked
2. ``nlp.parse``       spaCy tokens, tags, dependency parse, entities (block by block)
3. ``time.resolve``    the event date of each sentence
4. ``actors.matcher``  actor mentions (leaders resolved by that date)
5. ``actors.coref``    pronouns back to earlier actors
6. ``events.coder``    triggers, source/target, CAMEO code, modality, place name
7. ``geo.geocode``     each event's place (else the dateline) as coordinates, country, region, precision

Every block is parsed on its own, so a headline or caption never joins the next
sentence. Offsets always point into the document's own text: the structure stage
masks what it removes with spaces instead of cutting it out. Long blocks are parsed
in chunks of at most ``CHUNK_CHARS`` characters cut at paragraph or sentence ends,
and documents are parsed in batches of at most ``BATCH_SIZE`` documents and
``BATCH_CHARS`` characters, so memory stays bounded whatever the input size.
"""
from __future__ import annotations

import os
import re
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Protocol, Sequence

from spacy.tokens import Doc

from realpolitik.actors.context import DocumentContext
from realpolitik.actors.coref import PronounResolver
from realpolitik.actors.entities import EntityTable
from realpolitik.actors.gazetteer import Gazetteer
from realpolitik.actors.matcher import ActorMatcher
from realpolitik.actors.names import GazetteerNames
from realpolitik.events.coder import EventCoder
from realpolitik.events.lexicon import Lexicon
from realpolitik.geo.geocode import Geocoder
from realpolitik.geo.places import city_index
from realpolitik.nlp.parse import load_model
from realpolitik.structure.layout import Dateline, Layout, LayoutRules, layout
from realpolitik.time.assign import NarrativeTime, sentence_time
from realpolitik.types import Document, DocumentError, Event, Sentence

CHUNK_CHARS = 100_000
BATCH_SIZE = 32
BATCH_CHARS = 100_000  # a batch's parses are held together: long documents make smaller batches
MAX_SENTENCE_TOKENS = 300  # longer parser "sentences" are tables, lists or unpunctuated text: not coded
_BREAK = re.compile(r"\n\s*\n|(?<=[.!?])\s+")
_SPACE = re.compile(r"\s+")


@dataclass
class Result:
    """What coding one document gave: its sentences and events, or an error."""

    document: Document
    events: list[Event]
    sentences: list[Sentence]
    error: DocumentError | None = None
    dateline: Dateline | None = None  # the place the article is filed from, when it says


class Coder(Protocol):
    """What ``Store.ingest`` codes with: a :class:`Pipeline`, or a stand-in handing back work done elsewhere."""

    def run(self, documents: Iterable[Document]) -> Iterator[Result]:
        """One Result per document, in order."""
        ...


class Pipeline:
    """Codes documents into events. Build once; reuse for many documents."""

    def __init__(self, gazetteer_files: Sequence[str | Path] = (), lexicon_files: Sequence[str | Path] = (),
                 layout_files: Sequence[str | Path] = ()):
        self.nlp = load_model()
        self.gazetteer = Gazetteer.load(gazetteer_files)
        self.lexicon = Lexicon.load(lexicon_files)
        self.layout_rules = LayoutRules.load(layout_files)
        self.names = GazetteerNames(self.gazetteer, city_index())
        self.entities = EntityTable.load()
        self.actors = ActorMatcher(self.nlp, self.gazetteer, self.entities, city_index())
        self.coder = EventCoder(self.lexicon)
        self.geocoder = Geocoder(self.gazetteer, city_index())

    def code_text(self, text: str, date: date | None = None, doc_id: str = "text") -> list[Event]:
        """Events in one text; raises ValueError for an empty text."""
        if not text or not text.strip():
            raise ValueError("empty document")
        result = next(self.run([Document(id=doc_id, text=text, date=date)]))
        if result.error:
            raise ValueError(result.error.error)
        return result.events

    def run(self, documents: Iterable[Document], batch_size: int = BATCH_SIZE) -> Iterator[Result]:
        """Code documents in order, streaming; a document that fails gives a Result with its error."""
        for batch in _batches(documents, batch_size, BATCH_CHARS):
            layouts = [self._layout(d) for d in batch]
            pieces = [(chunk, (n, offset)) for n, lay in enumerate(layouts) for offset, chunk in _pieces(lay)]
            parsed: list[list[tuple[int, Doc | None]]] = [[] for _ in batch]
            try:
                for spacy_doc, (n, offset) in self.nlp.pipe(pieces, as_tuples=True, batch_size=batch_size):
                    parsed[n].append((offset, spacy_doc))
            except Exception:  # one bad text must not sink the batch: parse them one by one
                parsed = [[(o, self._parse_one(c)) for o, c in _pieces(lay)] for lay in layouts]
            for document, lay, chunks in zip(batch, layouts, parsed):
                yield self._code(document, lay, chunks)

    def _layout(self, document: Document) -> Layout | None:
        try:
            return layout(document.text, self.layout_rules, self.names)
        except Exception:  # noqa: BLE001 - reported by _code as this document's error
            return None

    def _parse_one(self, text: str) -> Doc | None:
        try:
            return self.nlp(text)
        except Exception:
            return None

    def _code(self, document: Document, lay: Layout | None, chunks: list[tuple[int, Doc | None]]) -> Result:
        try:
            if lay is None:
                raise ValueError("the structure stage failed on this text")
            if any(d is None for _, d in chunks):
                raise ValueError("the parser failed on this text")
            sentences, events = self._code_parsed(document, lay, [(o, d) for o, d in chunks if d is not None])
            events = self.geocoder.place(events, lay.dateline)
            return Result(document, events, sentences, dateline=lay.dateline)
        except Exception as exc:  # noqa: BLE001 - reported per document, the batch goes on
            error = DocumentError(source=document.source or document.id, doc_id=document.id,
                                  error=f"coding failed: {type(exc).__name__}: {exc}")
            return Result(document, [], [], error)

    def _code_parsed(self, document: Document, lay: Layout,
                     chunks: list[tuple[int, Doc]]) -> tuple[list[Sentence], list[Event]]:
        resolver = PronounResolver()
        lowercase = self.actors.is_lowercase(document.text)
        ctx = DocumentContext(dateline_country=lay.dateline.country if lay.dateline else None,
                              countries=self.actors.country_counts([d for _, d in chunks], lowercase))
        sentences: list[Sentence] = []
        events: list[Event] = []
        narrative = NarrativeTime()
        for paragraph, (offset, spacy_doc) in enumerate(chunks):
            narrative.enter(paragraph)
            for sent in spacy_doc.sents:
                if not sent.text.strip() or len(sent) > MAX_SENTENCE_TOKENS:
                    continue  # blank, or a run-on "sentence" (a list, a table) no event grammar applies to
                when, time = sentence_time(sent, document.date, narrative, self.actors.tenure)
                start = offset + sent.start_char
                text = document.text[start:offset + sent.end_char]  # the document's words (the parse may be recased)
                sentence = Sentence(doc_id=document.id, index=len(sentences), text=text,
                                    start=start, date=when.date, date_source=when.source, date_text=when.text,
                                    date_precision=when.granularity if when.date else None, span=sent, time=time)
                mentions = self.actors.find(sent, when.date or document.date, lowercase, ctx)
                ctx.mentioned.update(m.actor.country for m in mentions if m.actor.country)
                mentions += resolver.resolve(sent, mentions)
                mentions = [ctx.localize(m, self.entities.domestic_roles) for m in mentions]
                for m in mentions:
                    m.text = text[m.start:m.end]
                sentence.mentions = sorted(mentions, key=lambda m: (m.start, m.end))
                events += self.coder.code(sentence, document, ctx)
                sentences.append(sentence)
        for s in sentences:
            s.span = s.time = None  # free the parse; records keep only plain data
        for _, spacy_doc in chunks:  # cached entity spans point back at the Doc: a cycle only a full GC frees
            spacy_doc.user_data.pop("realpolitik.ents", None)
        return sentences, events


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
        window = text[start:start + limit]
        cut = max((m.end() for m in _BREAK.finditer(window, limit // 2)), default=0)
        cut = cut or max((m.end() for m in _SPACE.finditer(window, limit // 2)), default=limit)
        yield start, text[start:start + cut]
        start += cut
    yield start, text[start:]


@lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    """The shared pipeline with the packaged gazetteer and lexicon."""
    return Pipeline()


def code_text(text: str, date: date | None = None, doc_id: str = "text") -> list[Event]:
    """Code one text into events (the Python API's front door).

    >>> [e.code for e in code_text("Russia condemned the attack.")]  # doctest: +SKIP
    """
    return default_pipeline().code_text(text, date=date, doc_id=doc_id)


# -- several processes --------------------------------------------------------

_worker: Pipeline | None = None


def _init_worker(gazetteer_files: Sequence[str], lexicon_files: Sequence[str]) -> None:
    global _worker
    _exit_with_parent(os.getppid())
    _worker = Pipeline(gazetteer_files, lexicon_files)


def _exit_with_parent(parent: int, every: float = 0.5) -> None:
    """End this worker process once `parent` is gone (killed with SIGKILL, it cannot tell its pool)."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _run_batch(batch: list[Document]) -> list[Result]:
    assert _worker is not None
    return list(_worker.run(batch))


def run_parallel(documents: Iterable[Document], workers: int, gazetteer_files: Sequence[str | Path] = (),
                 lexicon_files: Sequence[str | Path] = (), batch_size: int = BATCH_SIZE) -> Iterator[Result]:
    """Like ``Pipeline.run`` over `workers` processes, results in input order, memory bounded."""
    if workers <= 1:
        yield from Pipeline(gazetteer_files, lexicon_files).run(documents, batch_size)
        return
    batches = _batches(documents, batch_size, BATCH_CHARS)
    args = ([str(p) for p in gazetteer_files], [str(p) for p in lexicon_files])
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=args) as pool:
        pending = []
        while True:
            while len(pending) < workers * 2:
                batch = next(batches, None)
                if batch is None:
                    break
                pending.append(pool.submit(_run_batch, batch))
            if not pending:
                return
            yield from pending.pop(0).result()
