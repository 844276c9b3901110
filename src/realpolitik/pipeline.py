"""The pipeline: Document -> parse -> time -> actors -> pronouns -> events.

Stages, in order, each a module of its own:

1. ``nlp.parse``       spaCy tokens, tags, dependency parse, entities
2. ``time.resolve``    the event date of each sentence
3. ``actors.matcher``  actor mentions (leaders resolved by that date)
4. ``actors.coref``    pronouns back to earlier actors
5. ``events.coder``    triggers, source/target, CAMEO code, modality, place

Long texts are parsed in chunks of at most ``CHUNK_CHARS`` characters cut at
paragraph or sentence ends, and documents are parsed in batches of at most
``BATCH_SIZE`` documents and ``BATCH_CHARS`` characters, so memory stays
bounded whatever the input size.
"""
from __future__ import annotations

import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Protocol, Sequence

from spacy.tokens import Doc

from realpolitik.actors.coref import PronounResolver
from realpolitik.actors.gazetteer import Gazetteer
from realpolitik.actors.matcher import ActorMatcher
from realpolitik.events.coder import EventCoder
from realpolitik.events.lexicon import Lexicon
from realpolitik.nlp.parse import load_model
from realpolitik.time.resolve import resolve_sentence_date
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


class Coder(Protocol):
    """What ``Store.ingest`` codes with: a :class:`Pipeline`, or a stand-in handing back work done elsewhere."""

    def run(self, documents: Iterable[Document]) -> Iterator[Result]:
        """One Result per document, in order."""
        ...


class Pipeline:
    """Codes documents into events. Build once; reuse for many documents."""

    def __init__(self, gazetteer_files: Sequence[str | Path] = (), lexicon_files: Sequence[str | Path] = ()):
        self.nlp = load_model()
        self.gazetteer = Gazetteer.load(gazetteer_files)
        self.lexicon = Lexicon.load(lexicon_files)
        self.actors = ActorMatcher(self.nlp, self.gazetteer)
        self.coder = EventCoder(self.lexicon)

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
            pieces = [(chunk, (n, offset)) for n, d in enumerate(batch) for offset, chunk in _chunks(d.text)]
            parsed: list[list[tuple[int, Doc]]] = [[] for _ in batch]
            try:
                for spacy_doc, (n, offset) in self.nlp.pipe(pieces, as_tuples=True, batch_size=batch_size):
                    parsed[n].append((offset, spacy_doc))
            except Exception:  # one bad text must not sink the batch: parse them one by one
                parsed = [[(o, self._parse_one(c)) for o, c in _chunks(d.text)] for d in batch]
            for document, chunks in zip(batch, parsed):
                yield self._code(document, chunks)

    def _parse_one(self, text: str) -> Doc | None:
        try:
            return self.nlp(text)
        except Exception:
            return None

    def _code(self, document: Document, chunks: list[tuple[int, Doc | None]]) -> Result:
        try:
            if any(d is None for _, d in chunks):
                raise ValueError("the parser failed on this text")
            sentences, events = self._code_parsed(document, chunks)
            return Result(document, events, sentences)
        except Exception as exc:  # noqa: BLE001 - reported per document, the batch goes on
            error = DocumentError(source=document.source or document.id, doc_id=document.id,
                                  error=f"coding failed: {type(exc).__name__}: {exc}")
            return Result(document, [], [], error)

    def _code_parsed(self, document: Document, chunks: list[tuple[int, Doc]]) -> tuple[list[Sentence], list[Event]]:
        resolver = PronounResolver()
        context: set[str] = set()
        sentences: list[Sentence] = []
        events: list[Event] = []
        lowercase = self.actors.is_lowercase(document.text)
        for offset, spacy_doc in chunks:
            for sent in spacy_doc.sents:
                if not sent.text.strip() or len(sent) > MAX_SENTENCE_TOKENS:
                    continue  # blank, or a run-on "sentence" (a list, a table) no event grammar applies to
                when = resolve_sentence_date(sent, document.date)
                sentence = Sentence(doc_id=document.id, index=len(sentences), text=sent.text,
                                    start=offset + sent.start_char, date=when.date,
                                    date_source=when.source, date_text=when.text, span=sent)
                mentions = self.actors.find(sent, when.date or document.date, lowercase, context)
                context.update(m.actor.country for m in mentions if m.actor.country)
                mentions += resolver.resolve(sent, mentions)
                sentence.mentions = sorted(mentions, key=lambda m: (m.start, m.end))
                events += self.coder.code(sentence, document)
                sentences.append(sentence)
        for s in sentences:
            s.span = None  # free the parse; records keep only plain data
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
    _worker = Pipeline(gazetteer_files, lexicon_files)


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
