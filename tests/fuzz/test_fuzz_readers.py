"""Fuzzing the readers: random bytes, broken encodings, malformed HTML, feeds and JSONL.

Properties checked on every generated input:

* no reader raises, and none stops early (each JSONL line gives exactly one
  Document or one DocumentError, blank lines none; each other file one item);
* an error names its file (``path``, or ``path:line`` for JSONL) and says what
  is wrong in one printable line; the "unexpected error" safety net of
  ``read_paths`` never fires (that message means a parser crashed);
* a Document is clean: stripped, NFC, no carriage returns, and every string
  on it can be written out as UTF-8 (no lone surrogates);
* where the right answer is known (English text in a Unicode encoding or
  Latin-1, well-formed JSONL records), the reader gives exactly that.

Feeds: ``realpolitik.readers.feeds`` does not exist yet, so RSS/Atom documents
(well-formed and broken) go through the text and HTML readers here.
"""

from __future__ import annotations

import html as html_lib
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from realpolitik.readers.clean import normalize_paragraphs
from realpolitik.readers.files import (
    HTML_SUFFIXES,
    JSONL_SUFFIXES,
    TEXT_SUFFIXES,
    decode_bytes,
    read_jsonl,
    read_paths,
)
from realpolitik.types import Document, DocumentError

from . import GENERATED, MIN_GENERATED, fuzz_settings, tally, time_limit

READ_LIMIT = 5.0  # CPU seconds for reading one generated file
DEFAULT_DATE = date(2024, 1, 1)

# -- inputs ---------------------------------------------------------------------------

NEWS = [
    "Iran summoned the British ambassador in Tehran on Friday to protest against new sanctions.",
    "Russian forces shelled the Ukrainian city of Kharkiv overnight, regional officials said.",
    "China and the Philippines traded accusations after a collision near the Second Thomas Shoal.",
    (
        "The United Nations Security Council condemned the coup in Niger and called for the release "
        "of President Mohamed Bazoum."
    ),
    "Israeli warplanes struck targets in southern Lebanon after rockets were fired across the border.",
    "German Chancellor Olaf Scholz met French President Emmanuel Macron in Paris to discuss defence spending.",
    "North Korea fired a ballistic missile into the sea off its east coast, Japan's defence ministry said.",
    "Police in Nairobi arrested dozens of protesters demonstrating against a proposed tax increase.",
    "Turkey agreed to ratify Sweden's membership of NATO after months of negotiations.",
    "The European Union imposed new sanctions on Belarus over the detention of opposition activists.",
    "Venezuela and Guyana pledged not to use force in their dispute over the Essequibo region.",
    "India and Pakistan exchanged fire along the Line of Control in Kashmir on Sunday.",
    "Saudi Arabia restored diplomatic relations with Iran in a deal brokered by China.",
    "Sudan's army accused the Rapid Support Forces of attacking civilians in Khartoum.",
    "The United States will send additional air defence systems to Ukraine, the Pentagon said.",
    "Ethiopia denied reports that its troops had crossed into Eritrea.",
    "Mexico expelled a Russian diplomat accused of spying, the foreign ministry said on Tuesday.",
    "South Korea and Japan held their first security talks in five years in Tokyo on Thursday.",
    "Protesters in Tbilisi clashed with police outside the Georgian parliament late on Wednesday.",
    "The president of Colombia said his government would resume peace talks with the rebels next month.",
]
# Sentences with Latin-1 letters (all in U+00A0..U+00FF), for the Latin-1/cp1252 round trip.
LATIN1_NEWS = [
    "Talks on the Øresund bridge toll resumed in Malmö and København after the summer break.",
    "The mayor of São Paulo met the governor of Paraná to discuss the drought.",
    "Swiss voters in Zürich and Genève backed the proposal by a narrow margin.",
    "Protesters gathered outside a café near the presidential palace in Tunis on Friday.",
    "The minister said the façade of the old customs house in Reykjavík was damaged.",
]
# Characters that break naive text handling: invisible, bidirectional, combining,
# compatibility forms, astral planes, line separators, noncharacters, other scripts.
EDGE_TEXT = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2069",
    "e\u0301",
    "o\u0308\u0336",
    "a" + "\u0300" * 50,
    "\u00a0",
    "\u2028",
    "\u2029",
    "\u3000",
    "\u0085",
    "\t",
    "\x0b",
    "\x0c",
    "\u00df",
    "\ufb01",
    "\u216b",
    "\uff32\uff55\uff53\uff53\uff49\uff41",
    "\u0430\u0442\u0442\u0430\u0441k",
    "\u0130",
    "\u01c5",
    "\U0001f600",
    "\U0001f1fa\U0001f1e6",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "\U0001f3f3\ufe0f\u200d\U0001f308",
    "\U0001d400\U0001d401",
    "\U000e0041",
    "\ufffd",
    "\ufffe",
    "\uffff",
    "\U0010ffff",
    "\u0625\u064a\u0631\u0627\u0646",
    "\u05e9\u05dc\u05d5\u05dd",
    "\u4e2d\u56fd",
    "\ud55c\uad6d",
    "\u0e44\u0e17\u0e22",
    "\u0928\u092e\u0938\u094d\u0924\u0947",
    "\r\n",
    "\r",
    "\n\n",
    "  ",
    "...",
    "\u2014",
    "\u201cquoted\u201d",
    "2024-03-14",
    "12:30",
]
INVISIBLE = "\u200b\u2060\ufeff\u00ad"  # the readers remove these: they would hide names from the matcher


def cleaned(text: str) -> str:
    """What a reader makes of a document's text (before its line ends and outer spaces are tidied)."""
    return unicodedata.normalize("NFC", text.translate(dict.fromkeys(map(ord, INVISIBLE))))


LONE_SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff", "\ud83d"]
CODECS = [
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "latin-1",
    "cp1252",
    "shift_jis",
    "gb18030",
    "koi8-r",
    "mac_roman",
    "iso-8859-7",
]
MAGIC = [
    b"",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xff\xfe\x00\x00",
    b"<html>",
    b"<!DOCTYPE html>",
    b"<?xml version='1.0'?>",
    b"\x89PNG\r\n\x1a\n",
    b"%PDF-1.7\n",
    b"\x1f\x8b\x08",
    b"PK\x03\x04",
    b"\x7fELF",
    b'{"text": "',
    b"\xc3\xa9",
    b"\xe2\x80",
]

edge_char = st.sampled_from(EDGE_TEXT)
text_piece = st.one_of(
    st.sampled_from(NEWS),
    edge_char,
    st.text(max_size=30),
    st.text(st.characters(max_codepoint=0x7F), max_size=30),
    st.sampled_from(LONE_SURROGATES),
    st.sampled_from(["<p>", "</div>", "&amp;", "&#0;", "{", "}", "\\u0000"]),
)


@st.composite
def unicode_texts(draw: st.DrawFn) -> str:
    """Text from news sentences and edge cases; sometimes repeated into a long text."""
    text = "".join(draw(st.lists(text_piece, max_size=25)))
    repeat = draw(st.sampled_from([1, 1, 1, 1, 2, 50, 2_000]))
    return (text * repeat)[:300_000]


@st.composite
def encoded_texts(draw: st.DrawFn) -> bytes:
    """A text in some encoding, maybe truncated, maybe with stray bytes inserted."""
    text = draw(unicode_texts())
    codec = draw(st.sampled_from(CODECS))
    errors = "surrogatepass" if codec.startswith("utf") else "replace"
    try:
        data = text.encode(codec, errors=errors)
    except UnicodeError:  # utf-8-sig and friends refuse surrogates whatever the handler
        data = text.encode(codec, errors="replace")
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    if draw(st.integers(0, 3)) == 0:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    return draw(st.sampled_from(MAGIC)) + data if draw(st.integers(0, 4)) == 0 else data


def english_paragraph(sentences: list[str], noise: list[str]) -> str:
    """Sentences with noise between them; the noise is at most a small share of the text."""
    parts = []
    for i, sentence in enumerate(sentences):
        parts.append(sentence)
        if i < len(noise):
            parts.append(noise[i])
    return " ".join(parts)


# -- checks -----------------------------------------------------------------------------

SAFETY_NET = "unexpected error"  # read_paths's message when a parser raised: a bug, never a reason


def names(actual: str, source: str) -> bool:
    """True if ``actual`` is ``source``, or ``source`` made writable: a file name that is not UTF-8
    (``os.fsdecode`` gives lone surrogates) may come back with each bad byte replaced or escaped."""
    if actual == source:
        return True
    parts = re.split("[\ud800-\udfff]", source)
    return len(parts) > 1 and re.fullmatch(".{1,4}".join(map(re.escape, parts)), actual, re.DOTALL) is not None


def check_error(error: DocumentError, source: str) -> None:
    """A clear error: it names its file (and line) and says what is wrong, in one printable line."""
    assert names(error.source, source), (error.source, source)
    message = error.error
    assert isinstance(message, str) and message.strip() == message and 3 <= len(message) <= 300, repr(message)
    assert message.isprintable(), f"error message is not one printable line: {message!r}"
    assert not message.startswith(SAFETY_NET), f"a reader crashed on {source}: {message}"
    assert "Traceback" not in message


def check_document(doc: Document, source: str) -> None:
    """A clean Document that can be written out as UTF-8."""
    assert names(doc.source, source), (doc.source, source)
    assert isinstance(doc.id, str) and doc.id
    assert doc.text and doc.text == doc.text.strip()
    assert "\r" not in doc.text
    assert unicodedata.is_normalized("NFC", doc.text)
    assert doc.date is None or isinstance(doc.date, date)
    for name, value in (
        ("id", doc.id),
        ("text", doc.text),
        ("source", doc.source),
        ("title", doc.title),
        ("url", doc.url),
    ):
        if value is not None:
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise AssertionError(
                    f"Document.{name} cannot be written as UTF-8 ({exc.reason} at "
                    f"{exc.start}): {value[max(0, exc.start - 20) : exc.end + 20]!r}"
                ) from None
    json.dumps(doc.meta, ensure_ascii=False, default=str).encode("utf-8")
    assert len(doc.content_hash) == 64


def check_item(item: object, source: str) -> None:
    assert isinstance(item, (Document, DocumentError)), type(item)
    if isinstance(item, DocumentError):
        check_error(item, source)
    else:
        check_document(item, source)


def jsonl_line_numbers(data: bytes) -> list[int]:
    """The 1-based numbers of the lines the JSONL reader must answer for (blank lines excluded)."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [n for n, line in enumerate(lines, 1) if line.strip()]


def expected_sources(path: Path) -> list[str]:
    """What ``read_paths([path])`` must yield, as the source of each item, in order."""
    if path.suffix.lower() in JSONL_SUFFIXES and path.is_file():
        lines = [f"{path}:{n}" for n in jsonl_line_numbers(path.read_bytes())]
        return lines or [str(path)]  # a JSONL file without a line is reported once, like an empty text file
    return [str(path)]  # one document, or one error (also for a JSONL file that cannot be opened)


def read_checked(path: Path, what: str) -> list[Document | DocumentError]:
    """``read_paths([path])`` under a time limit, with every item checked against its expected source."""
    with time_limit(READ_LIMIT, what):
        items = list(read_paths([path], default_date=DEFAULT_DATE))
    sources = expected_sources(path)
    assert len(items) == len(sources), f"{len(items)} items for {len(sources)} inputs: {items!r:.500}"
    for item, source in zip(items, sources):
        check_item(item, source)
    return items


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], AbstractContextManager[Path]]:
    """A fresh empty folder per generated example (Hypothesis reuses function fixtures)."""
    base = tmp_path_factory.mktemp("fuzz-readers")

    @contextmanager
    def folder() -> Iterator[Path]:
        with tempfile.TemporaryDirectory(dir=base) as name:
            yield Path(name)

    return folder


# -- bytes and text ---------------------------------------------------------------------


@fuzz_settings(3_000)
@given(data=st.binary(max_size=2_000))
def test_decode_bytes_gives_text_or_says_why_not(data: bytes) -> None:
    tally("decode_bytes")
    note(repr(data))
    try:
        text = decode_bytes(data)
    except ValueError as exc:
        assert str(exc).startswith(("binary file", "cannot decode")), str(exc)
    else:
        text.encode("utf-8")  # no lone surrogates


@fuzz_settings(1_500)
@given(
    data=st.one_of(st.binary(max_size=4_000), encoded_texts()),
    suffix=st.sampled_from([".txt", ".md", "", ".text", ".html", ".htm", ".jsonl", ".ndjson", ".xml", ".bin"]),
)
def test_any_bytes_under_any_name(scratch: Callable, data: bytes, suffix: str) -> None:
    tally("any_bytes")
    note(f"input{suffix}: {data[:2_000]!r}")
    with scratch() as folder:
        path = folder / f"input{suffix}"
        path.write_bytes(data)
        read_checked(path, f"{len(data)} bytes as {suffix or 'no suffix'}")


@fuzz_settings(1_500)
@given(data=encoded_texts(), suffix=st.sampled_from([".txt", ".md", ""]))
def test_text_in_any_encoding(scratch: Callable, data: bytes, suffix: str) -> None:
    tally("encoded_text")
    note(f"article{suffix}: {data[:2_000]!r}")
    with scratch() as folder:
        path = folder / f"article{suffix}"
        path.write_bytes(data)
        read_checked(path, f"{len(data)} bytes of encoded text")


@fuzz_settings(600)
@given(
    sentences=st.lists(st.sampled_from(NEWS), min_size=3, max_size=8),
    noise=st.lists(st.lists(edge_char, max_size=3).map("".join), max_size=3),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    codec=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]),
)
def test_english_text_in_a_unicode_encoding_is_read_exactly(
    scratch: Callable, sentences: list[str], noise: list[str], newline: str, codec: str
) -> None:
    tally("unicode_round_trip")
    text = english_paragraph(sentences, noise).replace("\n", newline)
    note(f"{codec}: {text!r}")
    expected = normalize_paragraphs(cleaned(text).replace("\r\n", "\n").replace("\r", "\n"))
    with scratch() as folder:
        path = folder / "story.txt"
        path.write_bytes(text.encode(codec))
        [item] = read_checked(path, f"English text in {codec}")
    assert isinstance(item, Document), item
    assert item.text == expected


@fuzz_settings(500)
@given(
    sentences=st.lists(st.sampled_from(NEWS + LATIN1_NEWS), min_size=3, max_size=6),
    codec=st.sampled_from(["latin-1", "cp1252"]),
)
def test_latin1_text_is_read_exactly(scratch: Callable, sentences: list[str], codec: str) -> None:
    tally("latin1_round_trip")
    text = " ".join(sentences)
    note(f"{codec}: {text!r}")
    with scratch() as folder:
        path = folder / "story.txt"
        path.write_bytes(text.encode(codec))
        [item] = read_checked(path, f"English text in {codec}")
    assert isinstance(item, Document), item
    assert item.text == text


# -- HTML and feeds ---------------------------------------------------------------------

MARKER = "zqxscriptmarker"  # only ever inside <script>/<style>: must never reach a document's text
CONTAINER_TAGS = [
    "p",
    "div",
    "span",
    "article",
    "main",
    "section",
    "h1",
    "h2",
    "li",
    "ul",
    "ol",
    "table",
    "tr",
    "td",
    "a",
    "b",
    "i",
    "em",
    "blockquote",
    "pre",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "figure",
    "font",
    "center",
    "label",
    "body",
    "html",
    "head",
    "dl",
    "dd",
]
VOID_TAGS = ["br", "hr", "img", "meta", "input", "link", "wbr"]
ATTRIBUTES = [
    "",
    ' class="article-body"',
    ' id="main"',
    ' lang="ar" dir="rtl"',
    ' style="display:none"',
    " hidden",
    ' class="ad-banner"',
    ' href="javascript:alert(1)"',
    " data-x='<\"&>'",
    ' charset="utf-16"',
    ' itemprop="articleBody"',
    " class=unquoted",
    ' =""',
    ' a="',
]
JUNK_MARKUP = [
    "<",
    "</",
    "<p",
    "<div class='",
    "</div>",
    "</p></p>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<?php echo 1; ?>",
    "<<>>",
    "&",
    "&#",
    "&#x;",
    "&bogus;",
    "&#0;",
    "&#xD800;",
    "&#x110000;",
    "&#99999999;",
    "&nbsp;",
    "<br/>",
    "</body>",
    "</html>",
    "<html>",
    "<body>",
    "<head>",
    "<frameset>",
    "<table><tr><td>",
    "<select><option>",
    "</select>",
    "<svg><g>",
    "</svg>",
    "<math><mi>x</mi>",
    "\x00",
    "\x01",
    "<p/>",
    "<div/>",
    "</br>",
]


def _element(children: st.SearchStrategy[list[str]], attributes: list[str]) -> st.SearchStrategy[str]:
    @st.composite
    def build(draw: st.DrawFn) -> str:
        tag = draw(st.sampled_from(CONTAINER_TAGS))
        attrs = draw(st.sampled_from(attributes))
        inner = "".join(draw(children))
        ending = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", f"</{tag}>", "", "</div>", f"</{tag.upper()}>"]))
        return f"<{tag}{attrs}>{inner}{ending}"

    return build()


def html_nodes(junk: bool) -> st.SearchStrategy[str]:
    """Markup trees; with ``junk``, also broken markup (which may rightly turn a script into text)."""
    leaves = [
        st.sampled_from(NEWS),
        text_piece.map(html_lib.escape),
        st.sampled_from(VOID_TAGS).map(lambda t: f"<{t}>"),
        st.just(f"<script>var x = '{MARKER}';</script>"),
        st.just(f"<style>.{MARKER} {{}}</style>"),
        st.text(max_size=20).map(lambda t: f"<!-- {t.replace('-->', '')} -->"),
    ]
    attributes = ATTRIBUTES if junk else [a for a in ATTRIBUTES if a.count('"') % 2 == 0]
    return st.recursive(
        st.one_of(*leaves, *([st.sampled_from(JUNK_MARKUP)] if junk else [])),
        lambda children: _element(st.lists(children, max_size=4), attributes),
        max_leaves=20,
    )


HTML_NODES = {junk: html_nodes(junk) for junk in (False, True)}
PROLOGS = [
    "",
    "<!DOCTYPE html>",
    "<!doctype html><html>",
    "<?xml version='1.0'?>",
    '<?xml version="1.0" encoding="ISO-8859-1"?><html>',
    "\ufeff<!DOCTYPE html>",
    "   \n<html lang='en'>",
]
BROKEN_PROLOGS = ["<!DOCTYPE", "<html", "<?xml version='1.0'", "<!--"]


@st.composite
def html_pages(draw: st.DrawFn, junk: bool | None = None) -> str:
    """A page: maybe a doctype, XML declaration, head and deep wrapper, around generated markup.

    ``junk``: whether broken markup may appear (drawn when None).
    """
    junk = draw(st.booleans()) if junk is None else junk
    body = "".join(draw(st.lists(HTML_NODES[junk], max_size=5)))
    depth = draw(st.sampled_from([0, 0, 0, 3, 50, 300, 3_000]))
    closed = draw(st.booleans())
    body = "<div>" * depth + body + ("</div>" * depth if closed else "")
    head = draw(
        st.sampled_from(
            [
                "",
                "<head><title>Iran summons envoy</title></head>",
                '<head><meta charset="windows-1252"><title>T\u00e9st</title></head>',
                '<head><meta property="article:published_time" content="2024-03-14"></head>',
                '<head><meta name="date" content="not a date"></head>',
            ]
        )
    )
    prolog = draw(st.sampled_from(PROLOGS + BROKEN_PROLOGS if junk else PROLOGS))
    return f"{prolog}{head}<body>{body}</body></html>" if draw(st.booleans()) else prolog + head + body


BOMB_DTD = (
    '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]>'
)
FEED_DATES = [
    "Thu, 14 Mar 2024 08:15:00 GMT",
    "2024-03-14T08:15:00Z",
    "yesterday",
    "",
    "Thu, 31 Feb 2024",
    "9999-99-99",
    "\u0661\u0664 \u0645\u0627\u0631\u0633",
]


@st.composite
def feeds(draw: st.DrawFn) -> str:
    """An RSS 2.0 or Atom feed, well-formed or broken in one of the usual ways."""
    n_items = draw(st.sampled_from([0, 1, 3, 30]))
    entries = []
    for _ in range(n_items):
        title = html_lib.escape(draw(st.sampled_from(NEWS))[:60])
        body = draw(st.sampled_from(NEWS))
        when = draw(st.sampled_from(FEED_DATES))
        content = draw(
            st.sampled_from(
                [
                    f"<![CDATA[<p>{body}</p>]]>",
                    html_lib.escape(f"<p>{body}</p>"),
                    body,
                    f"<![CDATA[{body} ]]> ]]>",
                    f"{body} & more",
                    "&undefined;",
                ]
            )
        )
        if draw(st.booleans()):
            entries.append(
                f"<item><title>{title}</title><link>https://news.example/{len(entries)}</link>"
                f"<pubDate>{when}</pubDate><description>{content}</description></item>"
            )
        else:
            entries.append(
                f"<entry><title>{title}</title><updated>{when}</updated>"
                f'<content type="html">{content}</content></entry>'
            )
    declared = draw(st.sampled_from(["utf-8", "UTF-16", "iso-8859-1", "bogus-8"]))
    dtd = draw(st.sampled_from(["", BOMB_DTD, '<!DOCTYPE rss SYSTEM "file:///etc/passwd">']))
    bomb = "&d;" if dtd == BOMB_DTD and draw(st.booleans()) else ""
    if draw(st.booleans()):
        feed = (
            f'<?xml version="1.0" encoding="{declared}"?>{dtd}<rss version="2.0"><channel>'
            f"<title>World news {bomb}</title>{''.join(entries)}</channel></rss>"
        )
    else:
        feed = (
            f'<?xml version="1.0" encoding="{declared}"?>{dtd}<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>World news {bomb}</title>{''.join(entries)}</feed>"
        )
    if draw(st.integers(0, 3)) == 0:
        feed = feed[: draw(st.integers(0, len(feed)))]
    return feed


def encode_page(draw: st.DrawFn, page: str) -> bytes:
    codec = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-16", "latin-1", "utf-8-sig"]))
    data = page.encode(codec, errors="surrogatepass" if codec in ("utf-8", "utf-16") else "replace")
    return data[: draw(st.integers(0, len(data)))] if draw(st.integers(0, 5)) == 0 else data


@fuzz_settings(600)
@given(data=st.data(), junk=st.booleans(), suffix=st.sampled_from([".html", ".htm", ".xhtml", ".txt"]))
def test_html_pages(scratch: Callable, data: st.DataObject, junk: bool, suffix: str) -> None:
    tally("html")
    page = data.draw(html_pages(junk), "page")
    note(f"page{suffix}: {page[:3_000]!r}")
    with scratch() as folder:
        path = folder / f"page{suffix}"
        path.write_bytes(encode_page(data.draw, page))
        for item in read_checked(path, f"HTML page of {len(page)} chars"):
            # Broken markup can rightly make script code text ("<!DOCTYPE<script>"), and so can a .txt file.
            if isinstance(item, Document) and suffix in HTML_SUFFIXES and not junk:
                assert MARKER not in item.text, "script or style code leaked into the text"


@fuzz_settings(500)
@given(data=st.data(), suffix=st.sampled_from([".xml", ".rss", ".atom", ".html", ".txt"]))
def test_feeds(scratch: Callable, data: st.DataObject, suffix: str) -> None:
    tally("feeds")
    feed = data.draw(feeds(), "feed")
    note(f"feed{suffix}: {feed[:3_000]!r}")
    with scratch() as folder:
        path = folder / f"feed{suffix}"
        path.write_bytes(encode_page(data.draw, feed))
        read_checked(path, f"feed of {len(feed)} chars")


# -- JSONL ------------------------------------------------------------------------------

JSONL_LIMIT = 50_000  # max_bytes for the JSONL test, so over-long lines stay cheap to write


@dataclass
class Line:
    """One generated JSONL line and what the reader must make of it (None: anything clear)."""

    data: bytes
    text: str | None = None  # a Document with exactly this text ...
    date: date | None = None  # ... this date (the default date when None) ...
    id: str | None = None  # ... and this id (the default "<stem>:<line>" when None)
    error: str | None = None  # or an error matching this regex


def _json(record: object) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode("utf-8", errors="surrogatepass")


json_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20))
json_value = st.recursive(
    json_scalar,
    lambda c: st.one_of(st.lists(c, max_size=4), st.dictionaries(st.text(max_size=8), c, max_size=4)),
    max_leaves=12,
)
GOOD_DATES = [
    ("2024-03-14", date(2024, 3, 14)),
    ("2024-03-14T08:15:00Z", date(2024, 3, 14)),
    ("20240314", date(2024, 3, 14)),
    ("1999-12-31 23:59", date(1999, 12, 31)),
    ("", None),
    (None, None),
]
BAD_DATES = ["14/03/2024", "yesterday", "2024-13-01", "2024-02-30", "0000-01-01", "2024-03-14x", "March 2024"]
WRONG_TYPE_DATES = [20240314, 2024.5, True, ["2024-03-14"], {"y": 2024}]


@st.composite
def jsonl_lines(draw: st.DrawFn) -> Line:
    kind = draw(
        st.sampled_from(
            [
                "record",
                "record",
                "record",
                "bad_date",
                "wrong_type_date",
                "missing_text",
                "text_type",
                "not_object",
                "truncated",
                "random_bytes",
                "random_text",
                "blank",
                "huge",
                "deep",
                "surrogate",
                "bom",
                "latin1",
            ]
        )
    )
    text = " ".join(draw(st.lists(st.sampled_from(NEWS), min_size=2, max_size=4)))
    if kind == "latin1":  # a record whose non-ASCII letters are Latin-1 bytes, not UTF-8
        text = draw(st.sampled_from(LATIN1_NEWS)) + " " + text
        return Line(json.dumps({"text": text}, ensure_ascii=False).encode("latin-1"), text=text, date=DEFAULT_DATE)
    if kind in ("record", "bom"):
        raw_date, when = draw(st.sampled_from(GOOD_DATES))
        record: dict[str, object] = {"text": text}
        if raw_date is not None:
            record["date"] = raw_date
        raw_id = draw(st.sampled_from([None, "", "afp-1", 7, 0, False, ["a"], {"k": 1}, "\u00e9\u4e2d\U0001f600"]))
        if raw_id is not None:
            record["id"] = raw_id
        record.update(
            draw(st.dictionaries(st.sampled_from(["title", "url", "meta", "x", "\u00fc"]), json_value, max_size=3))
        )
        data = (b"\xef\xbb\xbf" if kind == "bom" else b"") + _json(record)
        return Line(data, text=text, date=when or DEFAULT_DATE, id=None if raw_id in (None, "") else str(raw_id))
    if kind == "bad_date":
        return Line(_json({"text": text, "date": draw(st.sampled_from(BAD_DATES))}), error="unreadable date .*")
    if kind == "wrong_type_date":
        return Line(_json({"text": text, "date": draw(st.sampled_from(WRONG_TYPE_DATES))}), error="unreadable date .*")
    if kind == "missing_text":
        return Line(
            _json(draw(st.dictionaries(st.sampled_from(["id", "body", "Text", "date"]), json_value))),
            error="missing 'text' field",
        )
    if kind == "text_type":
        value = draw(st.one_of(st.none(), st.booleans(), st.integers(), st.lists(st.text(max_size=5))))
        return Line(_json({"text": value}), error="'text' must be a string, got .*")
    if kind == "not_object":
        value = draw(st.one_of(json_scalar, st.lists(json_value, max_size=3)))
        return Line(_json(value), error="expected a JSON object, got .*")
    if kind == "truncated":
        full = json.dumps({"id": "cut", "text": text})
        return Line(
            full[: draw(st.integers(1, len(full) - 1))].rstrip().encode("utf-8") or b"{", error="invalid JSON: .*"
        )
    if kind == "random_bytes":
        return Line(draw(st.binary(min_size=1, max_size=300)).replace(b"\n", b" ") + b"x")
    if kind == "random_text":
        return Line(draw(st.text(max_size=200)).replace("\n", " ").encode("utf-8", "surrogatepass") + b"x")
    if kind == "blank":
        return Line(draw(st.text(" \t\r\x0b\x0c", max_size=5)).encode())
    if kind == "huge":
        data = b'{"text": "' + b"Iran protested. " * draw(st.integers(JSONL_LIMIT // 16, JSONL_LIMIT // 8)) + b'"}'
        return Line(data, error=re.escape(f"document is {len(data):,} bytes; the limit is {JSONL_LIMIT:,}"))
    if kind == "deep":
        n = draw(st.integers(10, 15_000))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
        return Line(((opener * n) + "1" + (closer * n)).encode())
    # kind == "surrogate": JSON escapes for lone surrogates and for a valid surrogate pair
    escape = draw(st.sampled_from(["\\ud800", "\\udfff", "\\ud83d\\ude00", "\\ud83d", "\\udc00\\ud800"]))
    field = draw(st.sampled_from(["text", "id", "title"]))
    record_text = f'"Iran condemned the strike {escape} on Friday. {text}"' if field == "text" else json.dumps(text)
    other = f', "{field}": "x{escape}"' if field != "text" else ""
    return Line(f'{{"text": {record_text}{other}}}'.encode())


@fuzz_settings(1_500)
@given(
    lines=st.lists(jsonl_lines(), max_size=12),
    crlf=st.lists(st.booleans(), max_size=12),
    final_newline=st.booleans(),
    name=st.sampled_from(["feed.jsonl", "wire.ndjson", "x.y.JSONL"]),
)
def test_jsonl_every_line_is_answered(
    scratch: Callable, lines: list[Line], crlf: list[bool], final_newline: bool, name: str
) -> None:
    tally("jsonl")
    endings = [b"\r\n" if i < len(crlf) and crlf[i] else b"\n" for i in range(len(lines))]
    data = b"".join(line.data + end for line, end in zip(lines, endings))
    if lines and not final_newline:
        data = data.removesuffix(endings[-1])
    note(repr(data[:2_000]))
    with scratch() as folder:
        path = folder / name
        path.write_bytes(data)
        with time_limit(READ_LIMIT, f"JSONL file of {len(lines)} lines"):
            items = list(read_jsonl(path, default_date=DEFAULT_DATE, max_bytes=JSONL_LIMIT))
    numbers = jsonl_line_numbers(data)
    if not numbers:  # no line at all: one error for the file, as for an empty text file
        assert [(type(i), i.source) for i in items] == [(DocumentError, str(path))]
        return
    assert [int(item.source.rsplit(":", 1)[1]) for item in items] == numbers
    for item, n in zip(items, numbers):
        check_item(item, f"{path}:{n}")
        expected = lines[n - 1]
        if expected.error is not None:
            assert isinstance(item, DocumentError) and re.fullmatch(expected.error, item.error), item
        if expected.text is not None:
            assert isinstance(item, Document), item
            assert item.text == cleaned(expected.text)
            assert item.date == expected.date
            assert item.id == (expected.id or f"{path.stem}:{n}")


# -- directories ------------------------------------------------------------------------

ENTRY_NAMES = [
    "a.txt",
    "b.html",
    "c.jsonl",
    "d.md",
    "e",
    "f.HTM",
    "g.ndjson",
    "h.png",
    "i.docx",
    ".hidden.txt",
    "sp ace.txt",
    "new\nline.txt",
    "caf\u00e9.txt",
    "cafe\u0301.txt",
    "\u4e2d\u6587.html",
    "\U0001f600.txt",
    "x" * 200 + ".txt",
    os.fsdecode(b"latin1-caf\xe9.txt"),
    os.fsdecode(b"\xff.jsonl"),
]


@st.composite
def trees(draw: st.DrawFn) -> list[tuple[str, str, bytes]]:
    """(relative path, kind, content) entries; kind is file, dangling (symlink) or dir.

    No FIFOs: a reader that waits on one waits until the time limit, for every
    shrinking step; ``test_fifo_is_an_error_not_a_wait`` covers them.
    """
    entries = []
    for _ in range(draw(st.integers(0, 8))):
        folder = draw(st.sampled_from(["", "sub/", "sub/deeper/", ".git/", "x.txt/"]))
        kind = draw(st.sampled_from(["file", "file", "file", "file", "dangling", "dir"]))
        content = draw(
            st.one_of(
                encoded_texts(),
                st.lists(jsonl_lines(), max_size=3).map(lambda ls: b"\n".join(line.data for line in ls)),
                html_pages().map(lambda p: p.encode("utf-8", "replace")),
            )
        )
        entries.append((folder + draw(st.sampled_from(ENTRY_NAMES)), kind, content))
    return entries


def _eligible(relative: Path) -> bool:
    known = JSONL_SUFFIXES | HTML_SUFFIXES | TEXT_SUFFIXES
    return not any(part.startswith(".") for part in relative.parts) and relative.suffix.lower() in known


@fuzz_settings(200)
@given(entries=trees())
def test_directory_walk(scratch: Callable, entries: list[tuple[str, str, bytes]]) -> None:
    tally("directory")
    note(repr([(name, kind, content[:200]) for name, kind, content in entries]))
    with scratch() as folder:
        root = folder / "corpus"
        root.mkdir()
        for relative, kind, content in entries:
            path = root / relative
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                if kind == "file":
                    path.write_bytes(content)
                elif kind == "dangling":
                    path.symlink_to(root / "nowhere")
                else:
                    path.mkdir()
            except (FileExistsError, NotADirectoryError, IsADirectoryError):
                continue  # the generated tree names a path twice, as a file and a folder
        files = sorted(
            (p for p in root.rglob("*") if (p.is_symlink() or not p.is_dir()) and _eligible(p.relative_to(root))),
            key=lambda p: p.relative_to(root).parts,
        )
        others = [
            p
            for p in root.rglob("*")
            if (p.is_symlink() or not p.is_dir())
            and not any(part.startswith(".") for part in p.relative_to(root).parts)
            and not _eligible(p.relative_to(root))
        ]
        with time_limit(READ_LIMIT * 4, f"directory of {len(files)} files"):
            items = list(read_paths([root], default_date=DEFAULT_DATE))
        sources = [source for path in files for source in expected_sources(path)]
    # files of kinds the walk does not read are reported at the end, one error per kind
    skipped = [i for i in items if isinstance(i, DocumentError) and i.source == str(root) and " not read: " in i.error]
    assert bool(skipped) == bool(others) and items[len(items) - len(skipped) :] == skipped
    assert sum(int(i.error.split()[0].replace(",", "")) for i in skipped) == len(others)
    items = items[: len(items) - len(skipped)]
    assert len(items) == len(sources), f"{len(items)} items for {len(sources)} inputs"
    for item, source in zip(items, sources):  # in order: each item names its own file
        check_item(item, source)


# -- targeted edge cases ----------------------------------------------------------------

STORY = " ".join(NEWS[:4])
NESTED = "<html><body>" + "<div>" * 10_000 + f"<p>{STORY}</p>" + "</div>" * 10_000 + "</body></html>"
EDGE_FILES: dict[str, bytes] = {
    "bom_utf8.txt": b"\xef\xbb\xbf" + STORY.encode(),
    "utf16_le_bom.txt": STORY.encode("utf-16"),
    "utf16_be_bom.txt": b"\xfe\xff" + STORY.encode("utf-16-be"),
    "utf32.txt": STORY.encode("utf-32"),
    "utf16_no_bom.txt": STORY.encode("utf-16-le"),
    "utf16_odd_length.txt": STORY.encode("utf-16")[:-1],
    "latin1.txt": LATIN1_NEWS[0].encode("latin-1") + b" " + STORY.encode(),
    "cp1252_quotes.txt": ("\u201cWe condemn this,\u201d the minister said \u2014 " + STORY).encode("cp1252"),
    "truncated_utf8.txt": (STORY + " Zürich €").encode()[:-2],
    "invalid_utf8_middle.txt": STORY.encode()[:40] + b"\xff\xfe\xc0\xaf" + STORY.encode()[40:],
    "cesu_surrogate.txt": STORY.encode() + "\ud800".encode("utf-8", "surrogatepass"),
    "nul_bytes.txt": STORY.encode().replace(b" ", b"\x00", 3),
    "crlf.txt": STORY.replace(". ", ".\r\n").encode(),
    "cr_only.txt": STORY.replace(". ", ".\r").encode(),
    "giant_line.txt": ("Iran condemned the attack and " * 7_000).encode(),
    "nested_divs.html": NESTED.encode(),
    "unclosed_divs.html": ("<div>" * 10_000 + STORY).encode(),
    "nested_divs_as_text.txt": NESTED.encode(),
    "scripts_only.html": b"<html><script>var a = 1;</script><style>p{}</style></html>",
    "control_character.html": f"<p>{STORY}</p>\x08".encode(),
    "empty.html": b"",
    "billion_laughs.html": (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY a "lollollollol">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
        + "]><html><body><p>&j;</p></body></html>"
    ).encode(),
    "billion_laughs.xml": (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY a "lol">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
        + "]><rss><channel><title>&j;</title></channel></rss>"
    ).encode(),
    "truncated_rss.xml": f'<?xml version="1.0"?><rss><channel><item><title>{STORY}'.encode(),
    "rss_as_html.html": f"<rss><channel><item><description><![CDATA[<p>{STORY}</p>]]></description></item>"
    f"</channel></rss>".encode(),
    "broken.jsonl": b'{"text": "Iran protested."\n[1, 2]\n"just a string"\n{"id": 5}\n\n{"text": 5}\n'
    b'{"text": "Iran protested.", "date": 20240314}\n{"text": "Iran protested.", "date": []}\n'
    b'not json at all\n\xff\xfe\x00garbage\n{"text": "ok"}',
    "crlf_bom.jsonl": b"\xef\xbb\xbf"
    + json.dumps({"text": STORY}).encode()
    + b"\r\n\r\n"
    + json.dumps({"text": STORY, "date": "2024-03-14"}).encode()
    + b"\r\n",
    "huge_line.jsonl": b'{"text": "' + b"a" * 5_100_000 + b'"}\n' + json.dumps({"text": STORY}).encode() + b"\n",
    "blank_lines_only.jsonl": b"\n\n  \n\t\r\n",
    "empty.jsonl": b"",
}


@pytest.mark.parametrize("name", sorted(EDGE_FILES))
def test_edge_case_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(EDGE_FILES[name])
    read_checked(path, name)


def test_edge_case_readings(tmp_path: Path) -> None:
    """Where the edge case has a right answer, the reader gives it."""

    def read(name: str) -> list[Document | DocumentError]:
        path = tmp_path / name
        path.write_bytes(EDGE_FILES[name])
        return list(read_paths([path]))

    for name in ("bom_utf8.txt", "utf16_le_bom.txt", "utf16_be_bom.txt", "utf32.txt", "utf16_no_bom.txt"):
        assert read(name)[0].text == STORY, name
    assert read("latin1.txt")[0].text.startswith("Talks on the Øresund bridge toll resumed in Malmö")
    assert read("cp1252_quotes.txt")[0].text.startswith("\u201cWe condemn this,\u201d the minister said \u2014")
    assert read("crlf.txt")[0].text == STORY.replace(". ", ".\n\n")  # one paragraph a line
    assert read("nul_bytes.txt")[0].error == "binary file, not text"
    assert read("empty.html")[0].error in ("empty document", "no main text found in HTML")
    jsonl = read("broken.jsonl")
    assert [type(i).__name__ for i in jsonl] == ["DocumentError"] * 9 + ["Document"]
    assert [i.source.rsplit(":", 1)[1] for i in jsonl] == [str(n) for n in (1, 2, 3, 4, 6, 7, 8, 9, 10, 11)]
    assert [i.error for i in jsonl[:5]] == [
        "invalid JSON: Expecting ',' delimiter (column 27)",
        "expected a JSON object, got list",
        "expected a JSON object, got str",
        "missing 'text' field",
        "'text' must be a string, got int",
    ]
    huge = read("huge_line.jsonl")
    assert huge[0].error == "document is 5,100,012 bytes; the limit is 5,000,000"
    assert huge[1].text == STORY
    assert [i.date for i in read("crlf_bom.jsonl")] == [None, date(2024, 3, 14)]
    for name in ("blank_lines_only.jsonl", "empty.jsonl"):  # reported once, like an empty text file
        assert [(i.source.rsplit("/", 1)[1], i.error) for i in read(name)] == [(name, "empty document (no JSON lines)")]


def test_jsonl_deeply_nested_line_is_one_error_and_the_file_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n" + json.dumps({"text": STORY}) + "\n")
    items = list(read_jsonl(path))
    assert [type(i) for i in items] == [DocumentError, Document]
    check_error(items[0], f"{path}:1")


@pytest.mark.parametrize("field", ["text", "id"])
def test_jsonl_lone_surrogate_escape_gives_no_unwritable_document(tmp_path: Path, field: str) -> None:
    path = tmp_path / "surrogate.jsonl"
    record = {"text": STORY, "id": "doc-1"}
    path.write_text(json.dumps(record).replace(f'"{field}": "', f'"{field}": "\\ud800', 1) + "\n")
    [item] = list(read_jsonl(path))
    check_item(item, f"{path}:1")


def test_file_name_that_is_not_utf8_gives_a_writable_document(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    path = root / os.fsdecode(b"caf\xe9.txt")
    path.write_text(STORY)
    [item] = list(read_paths([root]))
    check_item(item, str(path))


@pytest.mark.parametrize("name", ["pipe.txt", "pipe.html", "pipe.jsonl"])
def test_fifo_is_an_error_not_a_wait(tmp_path: Path, name: str) -> None:
    """A named pipe with nobody writing to it: reading it would block forever."""
    fifo = tmp_path / name
    os.mkfifo(fifo)
    with time_limit(READ_LIMIT, f"reading the FIFO {name}"):
        items = list(read_paths([fifo]))
    assert [(i.source, i.error) for i in items] == [(str(fifo), "not a regular file")]


# -- the total --------------------------------------------------------------------------


def test_suite_generated_enough_inputs(request: pytest.FixtureRequest) -> None:
    """A default run of the whole fuzz suite throws at least MIN_GENERATED generated inputs."""
    here = Path(__file__).parent
    fuzz_tests = {
        item.name
        for item in request.session.items
        if item.path.parent == here and getattr(item.obj, "is_hypothesis_test", False)
    }
    expected = {
        "decode_bytes",
        "any_bytes",
        "encoded_text",
        "unicode_round_trip",
        "latin1_round_trip",
        "html",
        "feeds",
        "jsonl",
        "directory",
        "pipeline",
        "pipeline_batches",
        "files_to_pipeline",
        "tokenizer",
    }
    if len(fuzz_tests) < len(expected):
        pytest.skip(f"only {len(fuzz_tests)} of the {len(expected)} fuzz tests were selected")
    total = sum(GENERATED.values())
    assert set(GENERATED) == expected, f"tests that generated nothing: {sorted(expected - set(GENERATED))}"
    assert total >= MIN_GENERATED, f"{total:,} generated inputs (some fuzz test failed early?)"
