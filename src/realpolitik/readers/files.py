"""Read plain text, HTML and JSONL files, or directories of them, into Documents.

A bad item (binary, empty, undecodable, too large, not English, unreadable)
becomes a :class:`DocumentError` with a reason a person can act on, and the
batch goes on: no reader raises for bad input.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
import unicodedata
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import charset_normalizer
from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from realpolitik.readers.clean import normalize_paragraphs
from realpolitik.readers.html import html_to_text
from realpolitik.types import Document, DocumentError

MAX_DOCUMENT_BYTES: int = 5_000_000

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ""})
# Files a directory walk does not read, by kind, with what to do about them.
UNSUPPORTED: dict[str, tuple[frozenset[str], str]] = {
    "PDF": (frozenset({".pdf"}), "extract their text first (pdftotext)"),
    "image": (
        frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".tif", ".tiff", ".bmp", ".svg", ".heic"}),
        "images hold no text to code",
    ),
    "word-processor": (frozenset({".doc", ".docx", ".odt", ".rtf", ".pages"}), "save them as text or HTML first"),
    "spreadsheet": (frozenset({".xls", ".xlsx", ".ods", ".csv", ".tsv"}), "put each article in a line of a JSONL file"),
    "archive": (frozenset({".zip", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".7z", ".rar"}), "unpack them first"),
}

LANGUAGE_SAMPLE_CHARS = 2_000  # only the start of a document is checked
MIN_LANGUAGE_CHARS = 40  # shorter texts are accepted unchecked
MIN_ENGLISH_PROBABILITY = 0.25  # below this a text is "not English"

_BINARY_SAMPLE_BYTES = 8_192
_MAX_CONTROL_SHARE = 0.05  # of the sample; more control bytes than this is binary
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32)])  # C0 controls except \t \n \v \f \r
_MAX_NON_ASCII_SHARE = 0.3  # of the non-space characters of Western (cp1252) text
_MIN_TEXTLIKE_SHARE = 0.85  # letters, digits, punctuation, spaces in a guessed decoding
_MIN_UTF16_ZERO_SHARE = 0.5  # of the high (or low) bytes: UTF-16 without a byte-order mark
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ISO_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})(?:$|[T ])")
_HTML_START = ("<!doctype html", "<html")
# A UTF-8 lead byte then a continuation byte, both read as cp1252: "Ã©", "â€™", "Â£".
_MOJIBAKE = re.compile(
    "[ÃÂâ][\u0080-\u00bf\u2010-\u203a\u20ac\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2122]"
)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"))  # removed from texts (see make_document)
_JSONL_RESERVED = ("id", "date", "text", "title", "url")

_WORD = re.compile(r"[^\W\d_]+")
# The commonest English function words: a quarter of running English text, rare elsewhere.
_ENGLISH_FUNCTION_WORDS = frozenset(
    "the of and to in a is that for on was with as by at from it his her their its said has have had "
    "were be been are not this which who will would an or but after".split()
)

DetectorFactory.seed = 0  # langdetect is random without a seed


def _cp1252_for_invalid_utf8(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: decode the bytes that are not valid UTF-8 as cp1252."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("cp1252"), error.end


codecs.register_error("realpolitik-cp1252", _cp1252_for_invalid_utf8)


def read_paths(
    paths: Sequence[str | Path], default_date: date | None = None, max_bytes: int = MAX_DOCUMENT_BYTES
) -> Iterator[Document | DocumentError]:
    """Every document under ``paths``, or an error for each item that cannot be read.

    Directories are walked recursively in sorted order, skipping hidden entries
    and files whose extension is not a known text, HTML or JSONL one; files named
    directly are always attempted (as text when the extension is unknown).
    """
    for given in paths:
        root = Path(given)
        if root.is_dir():
            for item in _walk(root):
                if isinstance(item, DocumentError):
                    yield item
                else:
                    yield from _read_file(item, item.relative_to(root).as_posix(), default_date, max_bytes)
        else:
            yield from _read_file(root, root.name, default_date, max_bytes)


def read_jsonl(
    path: Path, default_date: date | None = None, max_bytes: int = MAX_DOCUMENT_BYTES
) -> Iterator[Document | DocumentError]:
    """One document per line of a JSONL file, read in constant memory.

    Each line is an object with ``text`` and optionally ``id`` (default
    ``"<file stem>:<line number>"``), ``date`` (ISO 8601 date or datetime),
    ``title`` and ``url``; other keys go to ``Document.meta``. Blank lines are skipped.
    """
    path = Path(path)
    if path.exists() and not path.is_file():  # a named pipe or device would block or never end
        yield DocumentError(source=_safe(str(path)), error="not a regular file")
        return
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield DocumentError(source=str(path), error=_os_message(exc))
        return
    with handle:
        lineno = 0
        answered = 0  # lines that gave a document or an error
        while True:
            lineno += 1
            source = f"{path}:{lineno}"
            try:
                line = handle.readline(max_bytes + 1)
                if len(line) > max_bytes and not line.endswith(b"\n"):
                    size = len(line) + _rest_of_line_size(handle)
                    answered += 1
                    yield DocumentError(source=source, error=_size_message(size, max_bytes))
                    continue
            except OSError as exc:
                yield DocumentError(source=source, error=_os_message(exc))
                return
            if not line:
                if answered == 0:  # like an empty text file: nothing to code is worth saying
                    yield DocumentError(source=str(path), error="empty document (no JSON lines)")
                return
            if line.strip():
                answered += 1
                yield _jsonl_document(line, path, lineno, default_date)


def read_text(
    path: Path, default_date: date | None = None, max_bytes: int = MAX_DOCUMENT_BYTES, doc_id: str | None = None
) -> Document | DocumentError:
    """A plain text file as one document (read as HTML if its content is an HTML page)."""
    path = Path(path)
    doc_id = doc_id or path.name
    try:
        text = decode_bytes(_read_bytes(path, max_bytes))
    except (OSError, ValueError) as exc:
        return DocumentError(source=str(path), error=_error_message(exc), doc_id=doc_id)
    if text[:1_000].lstrip()[:20].lower().startswith(_HTML_START):
        return _html_document(text, path, doc_id, default_date)
    return make_document(doc_id, text, str(path), date=default_date)


def read_html(
    path: Path, default_date: date | None = None, max_bytes: int = MAX_DOCUMENT_BYTES, doc_id: str | None = None
) -> Document | DocumentError:
    """The main text of an HTML page as one document, dated from the page when it says."""
    path = Path(path)
    doc_id = doc_id or path.name
    try:
        html = decode_bytes(_read_bytes(path, max_bytes))
    except (OSError, ValueError) as exc:
        return DocumentError(source=str(path), error=_error_message(exc), doc_id=doc_id)
    return _html_document(html, path, doc_id, default_date)


def decode_bytes(data: bytes) -> str:
    """Bytes as text: UTF-8 (or UTF-8/16/32 with a byte-order mark), else a best guess.

    Bytes that are not valid UTF-8 are read as cp1252 when the result looks like
    Western text, otherwise charset-normalizer guesses the encoding. Raises
    ``ValueError("binary file, not text")`` for NUL bytes or many control
    characters and ``ValueError("cannot decode: ...")`` when no encoding fits.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ValueError(
                    f"cannot decode: invalid {encoding} after its byte-order mark ({exc.reason} at byte {exc.start})"
                ) from None
    utf16 = _bomless_utf16(data)
    if utf16 is not None:
        return utf16
    if _looks_binary(data):
        raise ValueError("binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("utf-8", errors="realpolitik-cp1252")
        if _non_ascii_share(text) <= _MAX_NON_ASCII_SHARE:
            return text
    except UnicodeDecodeError:  # a byte that cp1252 leaves undefined
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None or _textlike_share(str(best)) < _MIN_TEXTLIKE_SHARE:
        raise ValueError("cannot decode: not UTF-8, and no other text encoding fits")
    return str(best)


def _walk(root: Path) -> list[Path | DocumentError]:
    """Readable-looking files under ``root`` and errors for unlistable folders, sorted by path."""
    found: list[tuple[tuple[str, ...], Path | DocumentError]] = []

    def on_error(exc: OSError) -> None:
        where = Path(exc.filename or root)
        key = where.relative_to(root).parts if where.is_relative_to(root) else ()
        found.append(
            (
                key,
                DocumentError(source=str(where), error=f"cannot read directory: {(exc.strerror or str(exc)).lower()}"),
            )
        )

    skipped: dict[str, list[str]] = {}  # kind of file -> suffixes met
    for folder, dirnames, filenames in os.walk(root, onerror=on_error):
        dirnames[:] = [name for name in dirnames if not name.startswith(".")]
        for name in filenames:
            path = Path(folder, name)
            suffix = path.suffix.lower()
            if name.startswith("."):
                continue
            if suffix in JSONL_SUFFIXES | HTML_SUFFIXES | TEXT_SUFFIXES:
                found.append((path.relative_to(root).parts, path))
            else:
                kind = next((k for k, (suffixes, _) in UNSUPPORTED.items() if suffix in suffixes), "other")
                skipped.setdefault(kind, []).append(suffix)
    found.sort(key=lambda pair: pair[0])
    return [item for _, item in found] + [
        DocumentError(source=str(root), error=_skipped_message(kind, suffixes))
        for kind, suffixes in sorted(skipped.items())
    ]


def _skipped_message(kind: str, suffixes: list[str]) -> str:
    """What a directory walk left out ("12 PDF files: extract their text first"), reported as the folder's error."""
    n = len(suffixes)
    if kind in UNSUPPORTED:
        return f"{n:,} {kind} file{'s' * (n != 1)} not read: {UNSUPPORTED[kind][1]}"
    shown = ", ".join(sorted(set(suffixes))[:5])
    return f"{n:,} file{'s' * (n != 1)} of other types ({shown}) not read: only .txt, .md, .html and .jsonl are"


def _read_file(
    path: Path, doc_id: str, default_date: date | None, max_bytes: int
) -> Iterator[Document | DocumentError]:
    """The documents of one file, by its extension; never raises."""
    suffix = path.suffix.lower()
    try:
        if suffix in JSONL_SUFFIXES:
            yield from read_jsonl(path, default_date, max_bytes)
        elif suffix in HTML_SUFFIXES:
            yield read_html(path, default_date, max_bytes, doc_id=doc_id)
        else:
            yield read_text(path, default_date, max_bytes, doc_id=doc_id)
    except Exception as exc:  # a bug in a parser must not end the batch
        yield DocumentError(source=str(path), error=f"unexpected error: {type(exc).__name__}: {exc}", doc_id=doc_id)


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file no larger than ``max_bytes``; the size is checked before reading."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise ValueError("not a regular file")
    if info.st_size > max_bytes:
        raise ValueError(_size_message(info.st_size, max_bytes))
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:  # the file grew after the stat
            raise ValueError(_size_message(os.fstat(handle.fileno()).st_size, max_bytes))
    return data


def _rest_of_line_size(handle: Any) -> int:
    """Read past the end of the current line in 1 MB steps; the bytes skipped, newline excluded."""
    skipped = 0
    while chunk := handle.readline(1 << 20):
        if chunk.endswith(b"\n"):
            return skipped + len(chunk.rstrip(b"\r\n"))
        skipped += len(chunk)
    return skipped


def _jsonl_document(line: bytes, path: Path, lineno: int, default_date: date | None) -> Document | DocumentError:
    """The document on one JSONL line, or the reason it cannot be read."""
    source = f"{path}:{lineno}"
    try:
        record = json.loads(decode_bytes(line).strip())
    except json.JSONDecodeError as exc:
        return DocumentError(source=source, error=f"invalid JSON: {exc.msg.removesuffix(' at')} (column {exc.colno})")
    except RecursionError:
        return DocumentError(source=source, error="invalid JSON: nested too deeply")
    except ValueError as exc:
        return DocumentError(source=source, error=str(exc))
    if not isinstance(record, dict):
        return DocumentError(source=source, error=f"expected a JSON object, got {type(record).__name__}")
    raw_id = record.get("id")
    doc_id = f"{path.stem}:{lineno}" if raw_id in (None, "") else str(raw_id)
    text = record.get("text")
    if "text" not in record:
        return DocumentError(source=source, error="missing 'text' field", doc_id=doc_id)
    if not isinstance(text, str):
        return DocumentError(source=source, doc_id=doc_id, error=f"'text' must be a string, got {type(text).__name__}")
    try:
        doc_date = _parse_date(record.get("date")) or default_date
    except ValueError as exc:
        return DocumentError(source=source, error=str(exc), doc_id=doc_id)
    meta = {key: value for key, value in record.items() if key not in _JSONL_RESERVED}
    return make_document(
        doc_id,
        text,
        source,
        date=doc_date,
        title=_optional_str(record.get("title")),
        url=_optional_str(record.get("url")),
        meta=meta,
    )


def _html_document(html: str, path: Path, doc_id: str, default_date: date | None) -> Document | DocumentError:
    """A document from the main text of an HTML page."""
    text, meta = html_to_text(html)
    if not text:
        return DocumentError(source=str(path), error="no main text found in HTML", doc_id=doc_id)
    return make_document(
        doc_id,
        text,
        str(path),
        date=meta.pop("date", None) or default_date,
        title=meta.pop("title", None),
        url=meta.pop("url", None),
        meta=meta,
    )


def make_document(doc_id: str, text: str, source: str, **fields: Any) -> Document | DocumentError:
    """A Document with cleaned-up text, or an error when the text is empty or not English.

    Every reader (files, feeds, the API) makes its documents here: lone
    surrogates become U+FFFD, mojibake is repaired, the text is NFC,
    invisible format characters (zero-width space, byte-order mark, word
    joiner, soft hyphen) are removed so that they cannot hide a name from the
    matcher, and boilerplate lines go while paragraphs become one line each
    (:func:`realpolitik.readers.clean.normalize_paragraphs`), so one article
    gives one document whatever its format. `fields` go to :class:`Document`.
    """
    doc_id, text, source = _safe(doc_id), _safe(text), _safe(source)
    fields = {k: _safe(v) if isinstance(v, str) else v for k, v in fields.items()}
    text = unicodedata.normalize("NFC", _fix_mojibake(text).translate(_INVISIBLE))
    text = normalize_paragraphs(text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text:
        return DocumentError(source=source, error="empty document", doc_id=doc_id)
    language = _language(text)
    if language is not None:
        return DocumentError(source=source, error=f"not English (detected '{language}')", doc_id=doc_id)
    return Document(id=doc_id, text=text, source=source, **fields)


def _safe(value: str) -> str:
    """The string with lone surrogates (from JSON escapes or undecodable file names) as U+FFFD."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _language(text: str) -> str | None:
    """The detected language when the text is clearly not English, else None."""
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    if len(sample) < MIN_LANGUAGE_CHARS or _plainly_english(sample):
        return None
    try:
        guesses = detect_langs(sample)
    except LangDetectException:  # no letters to go on
        return None
    english = sum(guess.prob for guess in guesses if guess.lang == "en")
    return guesses[0].lang if english < MIN_ENGLISH_PROBABILITY else None


def _plainly_english(sample: str) -> bool:
    """A fast path before langdetect (~10 ms a call): English prose is full of its function words."""
    words = _WORD.findall(sample.lower())
    return len(words) >= 20 and sum(w in _ENGLISH_FUNCTION_WORDS for w in words) / len(words) >= 0.25


def _fix_mojibake(text: str) -> str:
    """Undo UTF-8 read as cp1252 ("cafÃ©" -> "café") when the whole text round-trips."""
    if not _MOJIBAKE.search(text):
        return text
    try:
        return text.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return text


def _parse_date(value: Any) -> date | None:
    """A date from an ISO 8601 date or datetime string; None for a missing value."""
    if value is None or value == "":
        return None
    match = _ISO_DATE.match(value.strip()) if isinstance(value, str) else None
    try:
        if match:
            return date(*(int(part) for part in match.groups()))
    except ValueError:
        pass
    raise ValueError(f"unreadable date {value!r}: expected ISO 8601 such as 2024-03-14")


def _optional_str(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _bomless_utf16(data: bytes) -> str | None:
    """The text of UTF-16 without a byte-order mark (NUL bytes at every other position), else None."""
    sample = data[:_BINARY_SAMPLE_BYTES]
    if len(data) % 2 or len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0) / (len(sample) // 2), sample[1::2].count(0) / (len(sample) // 2)
    for zeros, other, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros >= _MIN_UTF16_ZERO_SHARE and other == 0:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return text if _textlike_share(text) >= _MIN_TEXTLIKE_SHARE else None
    return None


def _looks_binary(data: bytes) -> bool:
    """True for NUL bytes anywhere or many control characters at the start."""
    if b"\x00" in data:
        return True
    sample = data[:_BINARY_SAMPLE_BYTES]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return bool(sample) and controls / len(sample) > _MAX_CONTROL_SHARE


def _non_ascii_share(text: str) -> float:
    visible = [ch for ch in text if not ch.isspace()]
    return sum(1 for ch in visible if ord(ch) > 127) / len(visible) if visible else 0.0


def _textlike_share(text: str) -> float:
    textlike = sum(1 for ch in text if ch.isspace() or unicodedata.category(ch)[0] in "LMNP")
    return textlike / len(text) if text else 0.0


def _size_message(size: int, max_bytes: int) -> str:
    return f"document is {size:,} bytes; the limit is {max_bytes:,}"


def _os_message(exc: OSError) -> str:
    return f"cannot read: {(exc.strerror or str(exc)).lower()}"


def _error_message(exc: OSError | ValueError) -> str:
    return _os_message(exc) if isinstance(exc, OSError) else str(exc)
