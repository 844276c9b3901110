"""realpolitik: political event coding from news text.

>>> from realpolitik import code_text
>>> events = code_text("Putin has written off vast amounts of North Korean debt.")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from realpolitik.types import Actor, ActorMention, Document, DocumentError, EventMention, Modality, Sentence

__all__ = [
    "Actor",
    "Document",
    "DocumentError",
    "EventMention",
    "ActorMention",
    "Modality",
    "Sentence",
    "Config",
    "DataFiles",
    "Pipeline",
    "code_text",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Import the pipeline and its configuration (and spaCy) only when they are asked for."""
    if name in ("Pipeline", "code_text"):
        from realpolitik import pipeline

        return getattr(pipeline, name)
    if name in ("Config", "DataFiles"):
        from realpolitik import config

        return getattr(config, name)
    raise AttributeError(name)
