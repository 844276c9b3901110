"""Ingest: text, HTML and JSONL files into Documents; every bad item an error, the batch goes on."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from realpolitik.readers.clean import boilerplate_pattern, remove_boilerplate
from realpolitik.readers.files import (
    MAX_DOCUMENT_BYTES,
    decode_bytes,
    read_html,
    read_jsonl,
    read_paths,
    read_text,
)
from realpolitik.readers.html import html_to_text
from realpolitik.types import Document, DocumentError

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
LATIN1_TEXT = (
    "Protesters gathered outside a caf\u00e9 near the presidential palace in Tunis on Friday, "
    "demanding the release of detained opposition leaders.\n"
)
GARBAGE = bytes(range(0x80, 0x100)) * 4  # high bytes only, no NUL: no encoding reads this as text
COASTGUARD_CAPTION = "A Greek coastguard vessel patrols near the island of Lesbos"
DEFAULT_DATE = date(2024, 1, 1)


def _jsonl(*lines: str) -> str:
    return "\n".join(lines) + "\n"


GOOD_RECORD = json.dumps(
    {
        "id": "afp-0412",
        "date": "2024-04-12T08:15:00Z",
        "title": "Iran summons UK envoy",
        "url": "https://news.example/iran-uk",
        "text": "Iran summoned the British ambassador in Tehran "
        "on Friday to protest against new sanctions announced by London.",
        "outlet": "AFP",
        "tags": ["iran"],
    }
)
UNDATED_RECORD = json.dumps(
    {"text": "Chile and Argentina signed an agreement on Tuesday to build a new road tunnel through the Andes."}
)


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """A folder with good files, bad files and files that must be skipped."""
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / ".git").mkdir()
    shutil.copy(FIXTURES / "wire_report.txt", root / "a_wire.txt")
    shutil.copy(FIXTURES / "news_article.html", root / "b_article.html")
    (root / "c_feed.jsonl").write_text(
        _jsonl(
            GOOD_RECORD,
            '{"id": "broken", "text": "Sudan\'s army said',  # cut off mid-record
            json.dumps({"id": "blank", "text": "   "}),
            "",
            UNDATED_RECORD,
        )
    )
    (root / "d_scan.txt").write_bytes(PNG_HEADER)
    (root / "e_empty.txt").write_bytes(b"")
    (root / "f_latin1.txt").write_bytes(LATIN1_TEXT.encode("latin-1"))
    (root / "g_garbage.txt").write_bytes(GARBAGE)
    with open(root / "h_huge.txt", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing on disk
    shutil.copy(FIXTURES / "german_article.txt", root / "i_german.txt")
    (root / "sub" / "k_nested.md").write_text(
        "Japan and South Korea held their first security talks in five years in Tokyo on Thursday.\n"
    )
    (root / "photo.png").write_bytes(PNG_HEADER)  # not a text extension: skipped
    (root / "notes.docx").write_bytes(b"PK\x03\x04")  # skipped
    (root / ".hidden.txt").write_text("A hidden file is never read.")  # skipped
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")  # hidden folder: skipped
    return root


def _summary(items: list[Document | DocumentError]) -> list[tuple[str, str, str]]:
    return [
        ("doc", item.id, item.source) if isinstance(item, Document) else ("error", item.source, item.error)
        for item in items
    ]


def test_directory_batch_reads_good_files_reports_bad_ones_in_stable_order(corpus: Path) -> None:
    items = list(read_paths([corpus], default_date=DEFAULT_DATE))
    r = str(corpus)
    assert _summary(items) == [
        ("doc", "a_wire.txt", f"{r}/a_wire.txt"),
        ("doc", "b_article.html", f"{r}/b_article.html"),
        ("doc", "afp-0412", f"{r}/c_feed.jsonl:1"),
        ("error", f"{r}/c_feed.jsonl:2", "invalid JSON: Unterminated string starting (column 26)"),
        ("error", f"{r}/c_feed.jsonl:3", "empty document"),
        ("doc", "c_feed:5", f"{r}/c_feed.jsonl:5"),
        ("error", f"{r}/d_scan.txt", "binary file, not text"),
        ("error", f"{r}/e_empty.txt", "empty document"),
        ("doc", "f_latin1.txt", f"{r}/f_latin1.txt"),
        ("error", f"{r}/g_garbage.txt", "cannot decode: not UTF-8, and no other text encoding fits"),
        ("error", f"{r}/h_huge.txt", "document is 52,428,800 bytes; the limit is 5,000,000"),
        ("error", f"{r}/i_german.txt", "not English (detected 'de')"),
        ("doc", "sub/k_nested.md", f"{r}/sub/k_nested.md"),
        # what the walk left out is reported, per kind of file, after what it read
        ("error", r, "1 image file not read: images hold no text to code"),
        ("error", r, "1 word-processor file not read: save them as text or HTML first"),
    ]
    assert sum(isinstance(i, Document) for i in items) == 6
    assert sum(isinstance(i, DocumentError) for i in items) == 9
    assert _summary(list(read_paths([corpus], default_date=DEFAULT_DATE))) == _summary(items)


def test_directory_batch_document_contents(corpus: Path) -> None:
    docs = {d.id: d for d in read_paths([corpus], default_date=DEFAULT_DATE) if isinstance(d, Document)}
    wire = docs["a_wire.txt"]
    assert wire.text.startswith("NAIROBI, June 3 - Kenya and Somalia agreed on Monday")
    assert wire.date == DEFAULT_DATE and wire.title is None
    assert docs["f_latin1.txt"].text == LATIN1_TEXT.strip()
    assert "caf\u00e9" in docs["f_latin1.txt"].text
    article = docs["b_article.html"]
    assert article.date == date(2024, 3, 14)  # from the page, not the default
    assert article.title == "Greece and Turkey agree to resume Aegean talks"
    errors = [i for i in read_paths([corpus]) if isinstance(i, DocumentError)]
    assert {e.doc_id for e in errors if e.source.endswith(".txt")} == {
        "d_scan.txt",
        "e_empty.txt",
        "g_garbage.txt",
        "h_huge.txt",
        "i_german.txt",
    }


def test_html_boilerplate_removed_captions_deduplicated_main_text_kept() -> None:
    text, meta = html_to_text((FIXTURES / "news_article.html").read_text(encoding="utf-8"))
    lines = text.splitlines()
    assert lines[0] == (
        "Greece and Turkey have agreed to resume formal talks over their maritime "
        "borders in the Aegean Sea, ending a pause of almost two years."
    )
    assert lines[-1] == "The European Union welcomed the agreement and urged both governments to build on it."
    assert (
        'Mr Fidan said Ankara wanted the two countries to turn the Aegean into "a sea of peace", '
        "and invited his Greek counterpart to visit Istanbul in the spring." in lines
    )
    for junk in (
        "ARTICLE AD BOX",
        "Advertisement",
        "Image source",
        "Image caption",
        "Skip to content",
        "cookies",
        "Subscribe",
        "Read more",
        "Click here",
        "Home",
    ):
        assert junk not in text, junk
    assert sum(COASTGUARD_CAPTION in line for line in lines) == 1  # printed twice on the page
    assert len(lines) == 9
    assert meta == {
        "title": "Greece and Turkey agree to resume Aegean talks",
        "url": "https://www.worlddeskdaily.example/news/world-europe-68412345",
        "author": "Helen Marsh",
        "sitename": "World Desk Daily",
        "description": "Foreign ministers of the two Nato neighbours met in Athens on Thursday.",
        "date": date(2024, 3, 14),
    }


def test_read_html_document_fields() -> None:
    doc = read_html(FIXTURES / "news_article.html", default_date=DEFAULT_DATE)
    assert isinstance(doc, Document)
    assert doc.id == "news_article.html"
    assert doc.url == "https://www.worlddeskdaily.example/news/world-europe-68412345"
    assert doc.meta == {
        "author": "Helen Marsh",
        "sitename": "World Desk Daily",
        "description": "Foreign ministers of the two Nato neighbours met in Athens on Thursday.",
    }
    assert doc.source == str(FIXTURES / "news_article.html")


def test_malformed_html_still_gives_text(tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text(
        "<html><body><div><p>Greece and Turkey agreed to resume talks over the Aegean on "
        "Thursday, officials said.<p>The two ministers met in Athens <b>for three hours"
        "</div></span></html"
    )
    doc = read_html(page)
    assert isinstance(doc, Document)
    assert doc.text == (
        "Greece and Turkey agreed to resume talks over the Aegean on Thursday, officials said.\n\n"
        "The two ministers met in Athens for three hours"
    )


def test_html_fragment_without_page_markup_gives_text() -> None:
    text, meta = html_to_text("<p>Russia and Ukraine exchanged prisoners on Friday, the first such swap in months.</p>")
    assert text == "Russia and Ukraine exchanged prisoners on Friday, the first such swap in months."
    assert meta == {}


def test_html_page_without_main_text_is_an_error(tmp_path: Path) -> None:
    page = tmp_path / "shell.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>World Desk Daily</title><script>var ads = 1;"
        "</script></head><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        "<p>Advertisement</p><footer>&copy; 2024 World Desk Daily</footer></body></html>"
    )
    error = read_html(page)
    assert error == DocumentError(source=str(page), error="no main text found in HTML", doc_id="shell.html")


def test_txt_file_that_is_an_html_page_is_read_as_html(tmp_path: Path) -> None:
    saved = tmp_path / "saved_page.txt"
    shutil.copy(FIXTURES / "news_article.html", saved)
    doc = read_text(saved)
    assert isinstance(doc, Document)
    assert doc.title == "Greece and Turkey agree to resume Aegean talks"
    assert "<p>" not in doc.text and "ARTICLE AD BOX" not in doc.text


def test_jsonl_records_ids_dates_meta_and_errors(tmp_path: Path) -> None:
    feed = tmp_path / "wire.ndjson"
    feed.write_text(
        _jsonl(
            GOOD_RECORD,
            UNDATED_RECORD,
            "[1, 2, 3]",
            json.dumps({"id": 7, "text": 42}),
            json.dumps({"id": "no-text", "title": "Headline only"}),
            json.dumps({"text": "Egypt reopened the Rafah crossing on Monday.", "date": "14/03/2024"}),
            json.dumps(
                {
                    "id": "d2",
                    "date": "2023-11-05 17:45:00+02:00",
                    "text": "Poland and Lithuania held joint military exercises near the Suwalki gap on Sunday.",
                }
            ),
        )
    )
    items = list(read_jsonl(feed, default_date=DEFAULT_DATE))
    src = str(feed)
    assert _summary(items) == [
        ("doc", "afp-0412", f"{src}:1"),
        ("doc", "wire:2", f"{src}:2"),
        ("error", f"{src}:3", "expected a JSON object, got list"),
        ("error", f"{src}:4", "'text' must be a string, got int"),
        ("error", f"{src}:5", "missing 'text' field"),
        ("error", f"{src}:6", "unreadable date '14/03/2024': expected ISO 8601 such as 2024-03-14"),
        ("doc", "d2", f"{src}:7"),
    ]
    first, undated, last = (i for i in items if isinstance(i, Document))
    assert first.date == date(2024, 4, 12)
    assert (first.title, first.url) == ("Iran summons UK envoy", "https://news.example/iran-uk")
    assert first.meta == {"outlet": "AFP", "tags": ["iran"]}
    assert undated.date == DEFAULT_DATE and undated.meta == {}
    assert last.date == date(2023, 11, 5)
    assert items[3].doc_id == "7" and items[4].doc_id == "no-text"


def test_jsonl_line_over_the_limit_is_skipped_and_the_next_line_read(tmp_path: Path) -> None:
    feed = tmp_path / "big.jsonl"
    long_text = "The Security Council met in New York. " * 100
    feed.write_text(_jsonl(json.dumps({"id": "long", "text": long_text}), UNDATED_RECORD))
    items = list(read_jsonl(feed, max_bytes=500))
    size = len(json.dumps({"id": "long", "text": long_text}).encode())
    assert _summary(items) == [
        ("error", f"{feed}:1", f"document is {size:,} bytes; the limit is 500"),
        ("doc", "big:2", f"{feed}:2"),
    ]


def test_explicit_paths_keep_their_order_and_bad_ones_become_errors(tmp_path: Path) -> None:
    report = tmp_path / "report.log"  # unknown extension named explicitly: attempted as text
    report.write_text("Ethiopia and Eritrea restored direct flights between Addis Ababa and Asmara.\n")
    missing = tmp_path / "missing.txt"
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # reading it would block forever; it must be refused, not opened
    items = list(read_paths([report, missing, fifo, FIXTURES / "wire_report.txt"]))
    assert _summary(items) == [
        ("doc", "report.log", str(report)),
        ("error", str(missing), "cannot read: no such file or directory"),
        ("error", str(fifo), "not a regular file"),
        ("doc", "wire_report.txt", str(FIXTURES / "wire_report.txt")),
    ]


def test_whitespace_only_and_oversize_files(tmp_path: Path) -> None:
    blank = tmp_path / "blank.txt"
    blank.write_text(" \n\t\r\n  \n")
    assert read_text(blank).error == "empty document"
    small_limit = tmp_path / "wire.txt"
    shutil.copy(FIXTURES / "wire_report.txt", small_limit)
    assert read_text(small_limit, max_bytes=100).error == "document is 579 bytes; the limit is 100"
    assert MAX_DOCUMENT_BYTES == 5_000_000


def test_language_check(tmp_path: Path) -> None:
    def read(name: str, text: str) -> Document | DocumentError:
        (tmp_path / name).write_text(text, encoding="utf-8")
        return read_text(tmp_path / name)

    german = (FIXTURES / "german_article.txt").read_text(encoding="utf-8")
    assert read("de.txt", german).error == "not English (detected 'de')"
    french = (
        "Le président de la République a reçu lundi à l'Élysée le chancelier allemand pour "
        "discuter de la guerre en Ukraine et de la défense européenne."
    )
    assert read("fr.txt", french).error == "not English (detected 'fr')"
    assert isinstance(read("short.txt", "Merkel trifft Macron in Paris"), Document)  # < 40 chars: unchecked
    # A short English headline full of names is not taken for another language.
    assert isinstance(read("kim.txt", "Kim Jong Un oversees missile test, KCNA says"), Document)
    # An English report that quotes German is still English.
    wire = (FIXTURES / "wire_report.txt").read_text(encoding="utf-8")
    assert isinstance(read("mixed.txt", wire + german[:120]), Document)


def test_decode_bytes() -> None:
    assert decode_bytes("Kyiv \u2013 talks".encode()) == "Kyiv \u2013 talks"
    assert decode_bytes(b"\xef\xbb\xbfKyiv talks") == "Kyiv talks"
    assert decode_bytes("Kyiv \u2013 talks".encode("utf-16")) == "Kyiv \u2013 talks"
    # UTF-16 without a byte-order mark (what some Windows tools write): NUL at every other byte.
    assert decode_bytes("Kyiv \u2013 talks resumed".encode("utf-16-le")) == "Kyiv \u2013 talks resumed"
    assert decode_bytes("Kyiv \u2013 talks resumed".encode("utf-16-be")) == "Kyiv \u2013 talks resumed"
    assert decode_bytes("Le caf\u00e9".encode("latin-1")) == "Le caf\u00e9"
    assert (
        decode_bytes("He said \u201cno\u201d \u2013 twice.".encode("cp1252")) == "He said \u201cno\u201d \u2013 twice."
    )
    # UTF-8 with one stray Windows byte: the UTF-8 parts stay UTF-8.
    assert decode_bytes("Mr O\u2019Neill visited the caf".encode() + b"\xe9") == "Mr O\u2019Neill visited the caf\u00e9"
    russian = "Министр иностранных дел России заявил в понедельник."
    assert decode_bytes(russian.encode("cp1251")) == russian
    with pytest.raises(ValueError, match="^binary file, not text$"):
        decode_bytes(PNG_HEADER)
    with pytest.raises(ValueError, match="^binary file, not text$"):
        decode_bytes(b"\x1b\x02\x03\x04 header \x05\x06\x07\x08\x0e\x0f")  # control characters, no NUL
    with pytest.raises(ValueError, match="^cannot decode: "):
        decode_bytes(GARBAGE)


def test_invisible_characters_are_removed_so_names_stay_whole(tmp_path: Path) -> None:
    """Zero-width spaces, stray byte-order marks, word joiners and soft hyphens (pasted from the web) go."""
    path = tmp_path / "pasted.txt"
    path.write_text(
        "\ufeffRussia con\u00addemned the strike. Officials in Bei\u200bjing met \u2060Japan\u2060's envoy on Monday.",
        encoding="utf-8",
    )
    [doc] = read_paths([path])
    assert doc.text == "Russia condemned the strike. Officials in Beijing met Japan's envoy on Monday."


def test_mojibake_is_repaired(tmp_path: Path) -> None:
    path = tmp_path / "double_encoded.txt"
    original = "The minister\u2019s caf\u00e9 meeting in Bogot\u00e1 ended without a deal."
    path.write_text(original.encode("utf-8").decode("cp1252"), encoding="utf-8")  # "ministerâ€™s cafÃ©"
    assert read_text(path).text == original


def test_remove_boilerplate_keeps_sentences_that_only_mention_the_words() -> None:
    text = "\n".join(
        [
            "Advertisement",
            "Opposition parties said they would not subscribe to the government's plan.",
            "Image caption, Troops patrol the border",
            "Getty Images",
            "We use cookies to improve your experience on our site.",
            "The EU is investigating whether the site uses cookies to track voters.",
            "Read more: Five things to know about the summit",
            "Opposition parties said they would not subscribe to the government's plan.",
            "----",
        ]
    )
    assert remove_boilerplate(text) == (
        "Opposition parties said they would not subscribe to the government's plan.\n"
        "The EU is investigating whether the site uses cookies to track voters."
    )


def test_boilerplate_patterns_are_loaded_from_data() -> None:
    pattern = boilerplate_pattern()
    assert pattern.fullmatch("ARTICLE AD BOX")
    assert pattern.fullmatch("Image source, Getty Images")
    assert not pattern.fullmatch("Advertising revenue at the state broadcaster fell by a third.")


@pytest.mark.parametrize("depth", [253, 254, 300, 5_000])
def test_html_nested_past_the_parsers_depth_limit_keeps_its_text(depth: int) -> None:
    # libxml2 stops at 256 levels ("Excessive depth in document") and drops everything after
    html = (
        "<html><head><title>Kharkiv</title></head><body>"
        + "<div>" * depth
        + "<p>Russian troops attacked Ukrainian positions near Kharkiv on Monday, officials said.</p>"
        + "</div>" * depth
        + "<p>The Ukrainian army said it had repelled the assault after hours of fighting.</p>"
        + "</body></html>"
    )
    text, meta = html_to_text(html)
    assert text.splitlines() == [
        "Russian troops attacked Ukrainian positions near Kharkiv on Monday, officials said.",
        "The Ukrainian army said it had repelled the assault after hours of fighting.",
    ]
    assert meta["title"] == "Kharkiv"
