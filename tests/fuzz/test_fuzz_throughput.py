"""Coding time is linear in the text, whatever the text: hostile inputs against ordinary news.

Runs of punctuation, symbols and repeated characters used to take time growing with the
square of their length (16,000 "=" took 50 s; 6,000 took 18 times as long as news). Each
test codes a hostile text and news of the same length in this process, each the best of two
runs, and bounds the ratio of their characters per second: a ratio, so a loaded machine slows
both alike. Each run gets a text with one character changed, so that no cache of the tokenizer
hides the cost of the first reading. Symbols separated by spaces are the slowest text there is
(every other character a token for the parser, against one in six in news).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from realpolitik.nlp.parse import LONG_RUN, load_model
from realpolitik.pipeline import default_pipeline
from realpolitik.types import Document

from . import fuzz_settings, tally

NEWS_FILE = Path(__file__).resolve().parents[2] / "examples" / "wikinews.jsonl"
SIZE = 6_000  # characters of each text: at this size the old square law ran 18x slower than news
SLOWEST = 12.0  # a hostile text codes at least 1/SLOWEST as many characters a second as news (5x at worst)

HOSTILE = {
    "equals signs": lambda n: "=" * n,
    "curly apostrophes": lambda n: "’" * n,
    "mixed punctuation": lambda n: '=*!"[](){}<>…—' * n,
    "symbols and emoji": lambda n: "€©😀+%$" * n,
    "underscores": lambda n: "_" * n,
    "very long words": lambda n: ("Antidisestablishmentarianism" * 30 + " ") * (n // 841 + 1),
    "table rows": lambda n: "| Russia | 12 | 3.4 | Ukraine | -0.5 |\n" * (n // 38 + 1),
    "wiki headings": lambda n: "==" * (n // 4) + "Heading" + "==" * (n // 4),
    "blank lines": lambda n: " \n" * (n // 2),
    "symbols between spaces": lambda n: "= ! ? * ( ) “ ” — % " * n,
    "punctuation between words": lambda n: "Russia!!!!!!!!Ukraine;;;;;;;;" * (n // 29 + 1),
}


@pytest.fixture(scope="module")
def news_speed() -> float:
    """Characters a second of ordinary news."""
    news = "\n\n".join(json.loads(line)["text"] for line in NEWS_FILE.open(encoding="utf-8"))
    return speed(news[:SIZE])


def speed(text: str, runs: int = 2) -> float:
    """Characters a second coding `text`, the best of `runs`, each with a different letter in the middle."""
    best = float("inf")
    for run in range(runs):
        middle = len(text) // 2
        variant = text[:middle] + "!?#"[run % 3] + text[middle + 1 :]
        start = time.perf_counter()
        [result] = default_pipeline().run([Document("t", variant)])
        best = min(best, time.perf_counter() - start)
        assert result.error is None, result.error
    return len(text) / best


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_codes_within_a_fixed_factor_of_news(news_speed: float, name: str) -> None:
    ratio = speed(HOSTILE[name](SIZE)[:SIZE]) / news_speed
    assert ratio > 1 / SLOWEST, f"{name}: {1 / ratio:.1f}x slower than news"


@st.composite
def spaced_texts(draw: st.DrawFn) -> str:
    """Texts of words, punctuation and spaces, with space-free runs around the tokenizer's cut length."""
    pieces = st.one_of(
        st.sampled_from(["Russia", "attacked", "=", "!!", "’", "(", ")", ".", "a", "😀", "'s"]), st.text(max_size=4)
    )
    parts = draw(st.lists(st.one_of(pieces, st.sampled_from([" ", "  ", "\n", "\t", "\xa0"])), max_size=40))
    if draw(st.booleans()):
        at = draw(st.integers(0, len(parts)))
        run = draw(st.sampled_from(["=", "ab", "!a", "’"])) * draw(st.integers(LONG_RUN - 5, 3 * LONG_RUN))
        parts.insert(at, run)
    return "".join(parts)


@fuzz_settings(300)
@given(spaced_texts())
def test_the_tokenizer_keeps_every_character_and_spacys_tokens_for_ordinary_runs(text: str) -> None:
    tally("tokenizer")
    nlp = load_model()
    doc = nlp.tokenizer(text)
    assert doc.text == text
    if not re.search(rf"\S{{{LONG_RUN + 1},}}", text):
        spacy_doc = nlp.tokenizer.tokenizer(text)
        assert [(t.text, t.whitespace_) for t in doc] == [(t.text, t.whitespace_) for t in spacy_doc]
    else:
        assert max(len(t.text) for t in doc) <= LONG_RUN
