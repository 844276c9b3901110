"""Fuzzing the coder: generated texts through the whole pipeline, plus giant and strange inputs.

Properties checked on every generated document:

* ``Pipeline.run`` never raises, within a CPU-time limit, and returns one
  Result per document, in order, carrying that document;
* a Result has an error only when the text cannot be parsed at all (lone
  surrogates): any other error is a crash the pipeline caught;
* sentences are slices of the document text, in order; mention, trigger,
  source, target and location spans are slices of their sentence text equal
  to the recorded text;
* event codes are in the CAMEO codebook with the codebook's name, weight and
  quad class; confidence lies in [0, 1]; every record can be written as JSON
  in UTF-8.

The texts are bounded (about 2,000 characters) so that hundreds of them fit
in the suite's time; the giant inputs are the targeted cases at the end.
"""

from __future__ import annotations

import json
import math
import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from realpolitik.cli.main import main
from realpolitik.coding.codebook import default_codebook
from realpolitik.pipeline import Pipeline, Result
from realpolitik.readers.files import read_paths
from realpolitik.types import Document, DocumentError, EventMention, Modality, Span

from . import fuzz_settings, tally, time_limit
from .test_fuzz_readers import EDGE_TEXT, LONE_SURROGATES, NEWS, html_pages, jsonl_lines, unicode_texts

CODE_LIMIT = 15.0  # CPU seconds for one generated document of at most MAX_CHARS
GIANT_LIMIT = 60.0  # CPU seconds for one 200,000-character input
MAX_CHARS = 2_000
MAX_FILE_BYTES = 20_000  # reader limit in the files-to-pipeline test, to keep documents small

ACTORS = [
    "Russia",
    "Ukraine",
    "Iran",
    "the United States",
    "China",
    "NATO",
    "the European Union",
    "Israel",
    "Hamas",
    "Vladimir Putin",
    "Joe Biden",
    "the Kremlin",
    "Beijing",
    "Washington",
    "Moscow",
    "the UN Security Council",
    "police",
    "protesters",
    "rebels",
    "Turkey",
    "India",
    "Pakistan",
    "North Korea",
    "the Taliban",
    "Russian troops",
    "the Iranian foreign minister",
    "he",
    "she",
    "they",
    "it",
    "Russia and China",
    "France, Germany and Italy",
]
ACTIONS = [
    "attacked",
    "condemned",
    "met",
    "accused",
    "threatened to invade",
    "signed an agreement with",
    "imposed sanctions on",
    "urged",
    "did not attack",
    "may visit",
    "will visit",
    "denied attacking",
    "arrested",
    "was attacked by",
    "expelled diplomats from",
    "praised",
    "rejected",
    "called for talks with",
    "deployed troops to",
    "sent aid to",
    "is said to have shelled",
    "pulled out of",
    "would never recognise",
    "launched an invasion of",
    "'s invasion of",
]
TAILS = [
    "",
    " on Monday",
    " in Geneva",
    " last week",
    " in 1950",
    " yesterday",
    " next year",
    " a decade ago",
    " on 31 February 2024",
    " in the year 99999",
    " after the summit",
    ", officials said",
    " according to state media",
    " if talks fail",
    " in Kyiv and Kharkiv",
]
SEPARATORS = [". ", ". ", "! ", "? ", "\n", "\n\n", "\r\n", ", and ", "; ", " \u2014 ", " ", "", "...", "\u2029"]
TIME_SENSITIVE = ["yesterday", "last week", "next year", "a decade ago", "on Monday", "in two days"]


@st.composite
def clauses(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(NEWS))
    return (
        draw(st.sampled_from(ACTORS))
        + " "
        + draw(st.sampled_from(ACTIONS))
        + " "
        + draw(st.sampled_from(ACTORS))
        + draw(st.sampled_from(TAILS))
    )


@st.composite
def news_texts(draw: st.DrawFn) -> str:
    """News-like clauses with odd separators, edge characters spliced in anywhere, odd casing."""
    parts = draw(
        st.lists(
            st.one_of(clauses(), st.sampled_from(EDGE_TEXT), st.sampled_from(LONE_SURROGATES), st.text(max_size=15)),
            min_size=1,
            max_size=14,
        )
    )
    text = "".join(part + draw(st.sampled_from(SEPARATORS)) for part in parts)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(EDGE_TEXT + LONE_SURROGATES)) + text[at:]
    text = draw(st.sampled_from([str, str, str, str.lower, str.upper]))(text)
    return text[:MAX_CHARS]


documents_dates = st.one_of(st.none(), st.dates(), st.sampled_from([date(1, 1, 1), date(9999, 12, 31)]))


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


# -- checks -----------------------------------------------------------------------------


def writable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_span(sentence: str, span: Span, text: str | None, what: str) -> None:
    start, end = span
    assert 0 <= start < end <= len(sentence), f"{what} span {span} outside a sentence of {len(sentence)} chars"
    assert sentence[start:end] == text, f"{what} span {span} gives {sentence[start:end]!r}, recorded {text!r}"


def check_event(event: EventMention, doc: Document, result: Result) -> None:
    assert event.doc_id == doc.id
    assert 0 <= event.sentence_index < len(result.sentences)
    sentence = event.sentence_text
    assert sentence == result.sentences[event.sentence_index].text
    check_span(sentence, event.trigger_span, event.trigger_text, "trigger")
    if event.agentless:  # a material event with no doer in the text: the unknown source, no evidence
        assert event.source.code == "---" and event.source_text is None and event.target is not None
    else:
        check_span(sentence, event.source_span, event.source_text, "source")
    if event.target is None:
        assert event.target_span is None and event.target_text is None
    else:
        check_span(sentence, event.target_span, event.target_text, "target")
    if event.location_span is not None:
        check_span(sentence, event.location_span, event.location, "location")
    assert default_codebook().is_valid(event.code), event.code
    entry = default_codebook().lookup(event.code)
    assert (event.root_code, event.event_name, event.goldstein, event.quad_class, event.plover_type) == (
        entry.root,
        entry.name,
        entry.goldstein,
        entry.quad_class,
        entry.plover_type,
    )
    assert math.isfinite(event.confidence) and 0.0 <= event.confidence <= 1.0, event.confidence
    assert isinstance(event.modality, Modality)
    assert event.source.code and (event.target is None or event.target.code)
    assert event.event_date is None or isinstance(event.event_date, date)
    record = event.to_dict()
    assert len(record["mention_id"]) == 16
    json.dumps(record, ensure_ascii=False).encode("utf-8")


def check_result(result: Result, doc: Document) -> None:
    assert result.document is doc
    if result.error is not None:
        assert isinstance(result.error, DocumentError)
        assert result.mentions == [] and result.sentences == []
        assert result.error.doc_id == doc.id and result.error.error.strip()
        assert not writable(doc.text), f"coding crashed on a readable text: {result.error.error}"
        return
    end = 0
    for i, sentence in enumerate(result.sentences):
        assert (sentence.index, sentence.doc_id) == (i, doc.id)
        assert sentence.start >= end, "sentences overlap or go backwards"
        end = sentence.start + len(sentence.text)
        assert doc.text[sentence.start : end] == sentence.text, f"sentence {i} is not a slice of the document"
        assert sentence.text.strip() and sentence.span is None
        for mention in sentence.actors:
            check_span(sentence.text, mention.span, mention.text, "mention")
            assert 0.0 <= mention.confidence <= 1.0
    for event in result.mentions:
        check_event(event, doc, result)


def code_checked(pipeline: Pipeline, docs: list[Document], limit: float, batch_size: int = 32) -> list[Result]:
    with time_limit(limit, f"coding {len(docs)} documents of {sum(len(d.text) for d in docs):,} chars"):
        results = list(pipeline.run(docs, batch_size=batch_size))
    assert len(results) == len(docs)
    for result, doc in zip(results, docs):
        check_result(result, doc)
    return results


# -- generated documents ----------------------------------------------------------------


@fuzz_settings(500)
@given(text=news_texts(), when=documents_dates)
def test_pipeline_codes_any_text(pipeline: Pipeline, text: str, when: date | None) -> None:
    tally("pipeline")
    note(f"dated {when}: {text!r}")
    code_checked(pipeline, [Document(id="fuzz", text=text, date=when)], CODE_LIMIT)


@fuzz_settings(80)
@given(
    texts=st.lists(st.one_of(news_texts(), unicode_texts().map(lambda t: t[:MAX_CHARS])), min_size=1, max_size=6),
    batch_size=st.integers(1, 4),
)
def test_pipeline_batches_keep_one_result_per_document(pipeline: Pipeline, texts: list[str], batch_size: int) -> None:
    """A text that breaks the parser (lone surrogates) in a batch must not cost the others their events."""
    tally("pipeline_batches")
    note(f"batch size {batch_size}: {texts!r}")
    docs = [Document(id=f"doc-{i}", text=text) for i, text in enumerate(texts)]
    code_checked(pipeline, docs, CODE_LIMIT * len(docs), batch_size)


@fuzz_settings(80)
@given(lines=st.lists(jsonl_lines(), max_size=5), page=html_pages())
def test_files_to_pipeline(
    pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory, lines: list, page: str
) -> None:
    """Whatever the readers accept, the coder codes."""
    tally("files_to_pipeline")
    folder = tmp_path_factory.mktemp("files")
    (folder / "records.jsonl").write_bytes(b"\n".join(line.data for line in lines))
    (folder / "page.html").write_text(page, encoding="utf-8", errors="surrogatepass")
    docs = [item for item in read_paths([folder], max_bytes=MAX_FILE_BYTES) if isinstance(item, Document)]
    note(repr([(doc.id, doc.date, doc.text[:1_000]) for doc in docs]))
    code_checked(pipeline, docs, CODE_LIMIT * (1 + len(docs)))


# -- targeted edge cases ----------------------------------------------------------------

RUN_ON = (
    "Russia attacked Ukraine and Iran condemned Israel while China urged restraint and the United States "
    "imposed sanctions on North Korea as protesters clashed with police in Tbilisi and "
)
NESTED_HTML = "<html><body>" + "<div>" * 10_000 + f"<p>{NEWS[0]}</p>" + "</div>" * 10_000 + "</body></html>"
ACTOR_LIST = ", ".join(ACTORS[:24])
EDGE_TEXTS = {
    "giant_run_on_sentence": (RUN_ON * (200_000 // len(RUN_ON) + 1))[:200_000],
    "giant_single_word": "a" * 200_000,
    "html_markup_as_text": NESTED_HTML,
    "null_bytes": "Russia\x00 attacked Ukraine\x00 on Monday.\x00 Iran condemned\x00the strike.",
    "lone_surrogates": "Russia attacked \ud800 Ukraine. Iran \udfff condemned Israel.",
    "right_to_left": "\u202eRussia attacked Ukraine\u202c. \u200f\u0625\u064a\u0631\u0627\u0646\u200f condemned "
    "Israel. \u2067Iran\u2069 met Iraq.",
    "zero_width": "Rus\u200bsia atta\u200dcked Ukr\u200caine. \u2060China\u2060 condemned Japan.",
    "combining": "Russia\u0301 attacked U\u0308kraine. Iran\u0336\u0336 condemned Israel" + "\u0300" * 500 + ".",
    "emoji": "\U0001f1f7\U0001f1fa Russia \U0001f680 attacked Ukraine \U0001f4a5. \U0001f468\u200d\U0001f469"
    "\u200d\U0001f467 Iran condemned Israel \U0001f621.",
    "crlf": "Russia attacked Ukraine.\r\n\r\nIran condemned Israel.\r\nChina met Japan.\r\n",
    "bom": "\ufeffRussia attacked Ukraine. \ufeffIran condemned Israel.",
    "line_separators": "Russia attacked Ukraine.\u2028Iran condemned Israel.\u2029China met Japan.\x85Iran met Iraq.",
    "only_punctuation": "?!.,;:-\u2014\u2026" * 500,
    "only_whitespace": " \t\n\r\x0b\x0c\u00a0\u2028\u3000" * 100,
    "many_newlines": "\n" * 20_000 + "Russia attacked Ukraine." + "\n" * 20_000,
    "all_caps": " ".join(NEWS).upper(),
    "all_lowercase": " ".join(NEWS).lower(),
    "actor_lists": f"{ACTOR_LIST} and Japan attacked {ACTOR_LIST} and Brazil on Monday.",
    "strange_dates": "On 31 February 2024 Russia attacked Ukraine. In the year 99999 Iran will visit Iraq. "
    "On 0000-00-00 China met Japan. Yesterday, 10 days ago and in 1e309 years Israel struck Gaza.",
    "fullwidth": "\uff32\uff55\uff53\uff53\uff49\uff41 attacked \uff35\uff4b\uff52\uff41\uff49\uff4e\uff45.",
    "repeated_pronouns": "Russia said it would attack. " + "It said they attacked it. " * 300,
}
GIANT = {"giant_run_on_sentence", "giant_single_word", "html_markup_as_text"}


@pytest.mark.parametrize("name", sorted(EDGE_TEXTS))
def test_edge_case_text(pipeline: Pipeline, name: str) -> None:
    for when in (None, date(1, 1, 1), date(9999, 12, 31)) if name not in GIANT else (date(2024, 3, 14),):
        doc = Document(id=name, text=EDGE_TEXTS[name], date=when)
        code_checked(pipeline, [doc], GIANT_LIMIT if name in GIANT else CODE_LIMIT)


def test_edge_case_results(pipeline: Pipeline) -> None:
    """Edge cases with a known answer: line breaks and emoji do not hide the event."""

    def codes(name: str) -> list[tuple[str, str, str | None]]:
        [result] = pipeline.run([Document(id=name, text=EDGE_TEXTS[name])])
        return [(e.source.code, e.code, e.target.code if e.target else None) for e in result.mentions]

    assert ("RUS", "190", "UKR") in codes("crlf")
    assert ("RUS", "190", "UKR") in codes("emoji")
    assert ("RUS", "190", "UKR") in codes("line_separators")
    [result] = pipeline.run([Document(id="s", text=EDGE_TEXTS["lone_surrogates"])])
    assert result.error is not None and result.mentions == []


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("Russia attacked Ukraine yesterday.", date(1, 1, 1)),
        ("Russia will attack Ukraine next year.", date(9999, 12, 31)),
    ],
)
def test_relative_dates_at_the_ends_of_the_calendar(pipeline: Pipeline, text: str, when: date) -> None:
    """A JSONL record may be dated 0001-01-01 or 9999-12-31; "yesterday" must not overflow."""
    code_checked(pipeline, [Document(id="edge", text=text, date=when)], CODE_LIMIT)


def test_code_text_rejects_empty_text(pipeline: Pipeline) -> None:
    for text in ("", "   \n\t "):
        with pytest.raises(ValueError, match="empty document"):
            pipeline.code_text(text)


def test_cli_codes_a_folder_of_bad_files(tmp_path: Path) -> None:
    """``realpolitik code`` over a folder of broken and odd files: exit 1, every record and error written."""
    root = tmp_path / "corpus"
    root.mkdir()
    story = " ".join(NEWS[:3])
    (root / "good.txt").write_text(story)
    (root / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (root / "nested.html").write_text(NESTED_HTML)
    (root / "records.jsonl").write_bytes(
        b"\n".join(
            [
                json.dumps({"id": "ok", "text": story}).encode(),
                b'{"text": ',
                b"[1]",
                b'{"id": "odd-\\ud800", "text": "Russia attacked Ukraine on Monday."}',
                b'{"text": "Iran \\udfff condemned Israel."}',
            ]
        )
    )
    (root / os.fsdecode(b"caf\xe9.txt")).write_text(story)
    out, errors = tmp_path / "events.jsonl", tmp_path / "errors.jsonl"
    with time_limit(GIANT_LIMIT, "realpolitik code"):
        status = main(["code", str(root), "-o", str(out), "--errors", str(errors)])
    assert status == 1
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert records and all(r["doc_id"] and r["code"] and r["source"] for r in records)
    assert {"ok", "good.txt", "nested.html"} <= {r["doc_id"] for r in records}  # 10,000 divs deep: text kept
    failures = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    assert len(failures) >= 3 and all(f["source"] and f["error"] for f in failures)
