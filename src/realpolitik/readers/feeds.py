"""Read RSS and Atom feeds, over HTTP(S) or from a file, into Documents.

Each feed item becomes one :class:`Document`: its id is the entry's id (RSS
``guid``, Atom ``id``), else its link, else a hash of its title and text; its
date the published (else updated) date; its text the entry's content (else
its summary, else its title) run through the same HTML extraction and
clean-up as web pages; ``url`` the entry's http(s) link and ``source`` the feed.

A fetch has one deadline for everything (connecting, redirects, every read): a server
that trickles a byte every few seconds is cut off when it is up. :func:`read_feeds`
fetches several feeds at once, so one slow feed never holds up the others.

Like the file readers, nothing here raises for bad input: a feed that cannot
be fetched, is not a feed (an HTML page, garbage) or is cut off becomes one
:class:`DocumentError` for the feed, and a bad item one for the item. A feed
that is not well-formed XML but complete (an undefined ``&nbsp;`` entity, a
stray ``&``) is read by feedparser's lenient parser; one that stops before
its closing tag is rejected whole, so no half-read item is ever stored.
"""

from __future__ import annotations

import calendar
import codecs
import email.utils
import hashlib
import re
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import feedparser

from realpolitik.readers.files import decode_bytes, make_document
from realpolitik.readers.html import html_to_text
from realpolitik.types import Document, DocumentError

FETCH_TIMEOUT_SECONDS: float = 30.0  # for the whole fetch of one feed: connect, redirects and reading
FETCH_THREADS = 8  # feeds fetched at once
MAX_FEED_BYTES: int = 20_000_000
USER_AGENT = "realpolitik-feed-reader/0.1"

_URL_PREFIXES = ("http://", "https://")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CLOSING_TAG = re.compile(rb"</(?:[\w-]+:)?(?:rss|feed|rdf)\s*>", re.IGNORECASE)  # the root element's end
_TAIL_BYTES = 4_096  # where the closing tag is looked for
_READ_BYTES = 65_536


def read_feed(
    location: str,
    default_date: date | None = None,
    timeout: float = FETCH_TIMEOUT_SECONDS,
    max_bytes: int = MAX_FEED_BYTES,
) -> Iterator[Document | DocumentError]:
    """Every item of the feed at `location` (an http(s) URL or a file path), or the errors; never raises.

    Items without a date get `default_date`.
    """
    try:
        data = fetch(location, timeout, max_bytes)
    except (OSError, ValueError) as exc:
        yield DocumentError(source=location, error=_fetch_message(exc))
        return
    yield from parse_feed(data, location, default_date)


def read_feeds(
    locations: Sequence[str],
    default_date: date | None = None,
    timeout: float = FETCH_TIMEOUT_SECONDS,
    max_bytes: int = MAX_FEED_BYTES,
) -> Iterator[tuple[str, Document | DocumentError]]:
    """(feed, item) for every item of every feed, feed by feed in the order given; never raises.

    The feeds are fetched at the same time (up to ``FETCH_THREADS`` at once), each within
    its own `timeout`, so the whole takes about as long as the slowest feed, never longer
    than its deadline.
    """
    if not locations:
        return
    with ThreadPoolExecutor(max_workers=min(FETCH_THREADS, len(locations))) as pool:
        jobs = [
            pool.submit(lambda loc: list(read_feed(loc, default_date, timeout, max_bytes)), location)
            for location in locations
        ]
        for location, job in zip(locations, jobs):
            for item in job.result():
                yield location, item


def fetch(location: str, timeout: float = FETCH_TIMEOUT_SECONDS, max_bytes: int = MAX_FEED_BYTES) -> bytes:
    """The bytes of a URL or file, at most `max_bytes`; raises OSError or ValueError.

    `timeout` bounds the whole fetch of a URL, not each read: TimeoutError when it is up.
    """
    if location.lower().startswith(_URL_PREFIXES):
        data = _download(location, time.monotonic() + timeout, timeout, max_bytes)
    else:
        with Path(location).open("rb") as handle:
            data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"feed is over {max_bytes:,} bytes")
    return data


def _download(url: str, deadline: float, timeout: float, max_bytes: int) -> bytes:
    """At most `max_bytes` + 1 bytes of `url`, every read waiting only for the time left before `deadline`."""

    def left() -> float:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        return remaining

    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    parts: list[bytes] = []
    try:
        with urllib.request.urlopen(request, timeout=left()) as response:
            sock = _socket(response)
            size = 0
            while size <= max_bytes:
                if sock is not None:
                    sock.settimeout(left())
                part = response.read1(min(_READ_BYTES, max_bytes + 1 - size))
                if not part:
                    break
                parts.append(part)
                size += len(part)
                left()
    except urllib.error.URLError as exc:
        if not isinstance(exc.reason, TimeoutError):
            raise
        raise TimeoutError(f"timed out after {timeout:g} s") from None
    except TimeoutError:
        raise TimeoutError(f"timed out after {timeout:g} s") from None
    return b"".join(parts)


def _socket(response: Any) -> socket.socket | None:
    """The socket an http.client response reads from (to shorten its timeout as the deadline nears)."""
    raw = getattr(getattr(response, "fp", None), "raw", None)
    sock = getattr(raw, "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def parse_feed(data: bytes, source: str, default_date: date | None = None) -> Iterator[Document | DocumentError]:
    """The items of a feed given as bytes; `source` names the feed in documents and errors."""
    try:
        parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    except Exception as exc:  # noqa: BLE001 - feedparser bugs must not end a watch
        yield DocumentError(source=source, error=f"malformed feed: {type(exc).__name__}: {exc}")
        return
    problem = _feed_problem(parsed, data)
    if problem:
        yield DocumentError(source=source, error=problem)
        return
    for entry in parsed.entries:
        try:
            yield entry_document(entry, source, default_date)
        except Exception as exc:  # noqa: BLE001 - one odd item must not sink the feed
            yield DocumentError(
                source=source, doc_id=entry_id(entry), error=f"unreadable feed item: {type(exc).__name__}: {exc}"
            )


def entry_document(entry: Any, source: str, default_date: date | None = None) -> Document | DocumentError:
    """One feed entry (a feedparser dict) as a Document, or an error when it holds no English text."""
    doc_id = entry_id(entry)
    text = _entry_text(entry)
    title = _clean(entry.get("title"))
    link = str(entry.get("link") or "").strip()
    return make_document(
        doc_id,
        text or title or "",
        source,
        date=entry_date(entry) or default_date,
        title=title,
        url=link if link.lower().startswith(_URL_PREFIXES) else None,
    )


def entry_id(entry: Any) -> str:
    """The entry's id, else its link, else a hash of its title and text (stable across polls)."""
    given = entry.get("id") or entry.get("link")
    if given:
        return str(given).strip()
    body = "\n".join(str(entry.get(key) or "") for key in ("title", "summary"))
    return "sha1:" + hashlib.sha1(body.encode("utf-8", "replace")).hexdigest()[:16]


def entry_date(entry: Any) -> date | None:
    """The published date, else the updated date, in the publisher's own time zone; else None."""
    for key in ("published", "updated"):
        written = _written_date(entry.get(key))
        if written:
            return written
        parsed = entry.get(f"{key}_parsed")  # feedparser's reading of other formats, in UTC
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), timezone.utc).date()
    return None


def _written_date(value: Any) -> date | None:
    """The calendar date of an RFC 822 (RSS) or ISO 8601 (Atom) timestamp as written, offset ignored."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _entry_text(entry: Any) -> str:
    """The longest content block, else the summary, as plain text (HTML extracted)."""
    blocks = [block for block in entry.get("content") or [] if block.get("value")]
    if blocks:
        block = max(blocks, key=lambda b: len(b["value"]))
        return _block_text(block["value"], block.get("type", "text/html"))
    detail = entry.get("summary_detail") or {}
    summary = entry.get("summary") or ""
    return _block_text(summary, detail.get("type", "text/html")) if summary else ""


def _block_text(value: str, mime: str) -> str:
    if mime in _HTML_TYPES:
        text, _ = html_to_text(value)
        return text
    return value.strip()


def _clean(value: Any) -> str | None:
    text = " ".join(str(value or "").split())
    return text or None


def _feed_problem(parsed: Any, data: bytes) -> str | None:
    """Why the parsed bytes are not a usable feed, or None."""
    if parsed.get("version"):
        if parsed.get("bozo") and not _CLOSING_TAG.search(data[-_TAIL_BYTES:]):
            return (
                f"malformed feed: {_exception_text(parsed, data)}; it stops before its closing tag "
                f"(cut off?), nothing read"
            )
        return None
    head = _text_head(data)
    if not head.strip():
        return "not an RSS or Atom feed: the response is empty"
    if head.lstrip().lower().startswith(("<!doctype html", "<html")):
        return "not an RSS or Atom feed: this is an HTML page (look for its feed link)"
    if parsed.get("bozo"):
        return f"not an RSS or Atom feed: malformed XML ({_exception_text(parsed, data)})"
    return "not an RSS or Atom feed: no <rss>, <feed> or <rdf:RDF> element"


def _text_head(data: bytes) -> str:
    try:
        return decode_bytes(data[:1_000])
    except ValueError:
        return "?"  # binary or undecodable: not empty, not HTML


def _exception_text(parsed: Any, data: bytes) -> str:
    """The XML parser's complaint, at the line of the bytes given (feedparser adds an XML declaration line)."""
    exc = parsed.get("bozo_exception")
    message = getattr(exc, "getMessage", lambda: str(exc))()
    line = getattr(exc, "getLineNumber", lambda: None)()
    column = getattr(exc, "getColumnNumber", lambda: None)()
    if line is None:
        return message
    if not data.removeprefix(codecs.BOM_UTF8).startswith(b"<?xml"):
        line -= 1
    return f"{message} at line {line}, column {column}"


def _fetch_message(exc: OSError | ValueError) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"cannot fetch: HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return f"cannot fetch: {exc.reason}"
    if isinstance(exc, TimeoutError):
        return f"cannot fetch: {exc}" if str(exc) else "cannot fetch: timed out"
    if isinstance(exc, OSError):
        return f"cannot read: {(exc.strerror or str(exc)).lower()}"
    return str(exc)
