"""Main text and metadata of a news web page, without the boilerplate.

trafilatura finds the article body; when it finds nothing (fragments, badly
broken markup) a plain lxml walk over the page body takes its place. Either
way the lines then pass through :func:`remove_boilerplate`, which drops the
ad labels, share buttons, cookie notices and photo credits that extractors
let through (patterns in ``data/boilerplate.yaml``, see :mod:`realpolitik.readers.clean`)
and repeated lines such as an image caption printed twice.

libxml2, under both, stops reading a page nested 256 elements deep and drops the rest
("Excessive depth in document"). Such a page (no real article is) is flattened, its elements
below ``FLAT_BELOW`` levels turned into line breaks and spaces, and its whole body read by the
lxml walk, so its text is kept.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import lxml.html
import trafilatura
from lxml import etree

from realpolitik.readers.clean import remove_boilerplate

# Elements that never hold article text in the lxml fallback.
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "select",
    "iframe",
    "svg",
    "figure",
)
# Elements that end a line of text in the lxml fallback.
_BLOCK_TAGS = (
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "tr",
    "td",
    "th",
    "section",
    "article",
    "main",
    "dd",
    "dt",
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_METADATA_FIELDS = ("title", "url", "author", "sitename", "description")
_CODE_ELEMENTS = re.compile(r"<(script|style|noscript|template)\b[^>]*>.*?(?:</\1\s*>|$)", re.S | re.I)
_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)(?:\s[^<>]*)?>")
_VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)
FLAT_BELOW = 100  # nesting level from which a too-deep page's elements are flattened


def html_to_text(html: str) -> tuple[str, dict[str, Any]]:
    """The main text of an HTML page (one paragraph a line) and its metadata.

    Metadata keys, present only when found: ``title``, ``date`` (a
    :class:`datetime.date`), ``url``, ``author``, ``sitename``, ``description``.
    The text is ``""`` when the page holds no main text.
    """
    html = _CONTROL_CHARS.sub("", html)  # lxml refuses control characters, surrogates, U+FFFE/FFFF
    if _too_deep(html):  # flattened, its elements no longer say what is article: read the whole body
        html = _flatten(html)
        return remove_boilerplate(_fallback_text(html)), _metadata(trafilatura.extract_metadata(html))
    extracted = trafilatura.bare_extraction(
        html, favor_precision=True, include_comments=False, include_tables=False, with_metadata=True
    )
    text = remove_boilerplate(getattr(extracted, "text", None) or "") if extracted else ""  # a trafilatura Document
    if not text:
        text = remove_boilerplate(_fallback_text(html))
        if not extracted:
            extracted = trafilatura.extract_metadata(html)
    return text, _metadata(extracted)


def _too_deep(html: str) -> bool:
    """Whether libxml2 gives up on the page for its nesting depth."""
    if html.count("<") < 250:  # cannot be nested that deep
        return False
    parser = lxml.html.HTMLParser()
    try:
        lxml.html.document_fromstring(_XML_DECLARATION.sub("", html, count=1), parser=parser)
    except (etree.ParserError, ValueError):
        return False
    return any("Excessive depth" in entry.message for entry in parser.error_log)


def _flatten(html: str) -> str:
    """The page, scripts and styles removed, with every element opened below ``FLAT_BELOW`` levels
    replaced by a line break or a space."""
    html = _CODE_ELEMENTS.sub(" ", html)
    out: list[str] = []
    depth = cursor = 0
    for tag in _TAG.finditer(html):
        closing, name = tag.group(1), tag.group(2).lower()
        if name in _VOID_TAGS or tag.group().endswith("/>"):
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        if depth + (1 if closing else 0) > FLAT_BELOW:
            out.append(html[cursor : tag.start()])
            out.append("\n" if name in _BLOCK_TAGS else " ")
            cursor = tag.end()
    out.append(html[cursor:])
    return "".join(out)


def _fallback_text(html: str) -> str:
    """Text of the page body, one block element a line, with non-content elements removed."""
    try:
        tree = lxml.html.document_fromstring(_XML_DECLARATION.sub("", html, count=1))
    except (etree.ParserError, ValueError):
        return ""
    for element in list(tree.iter(*_DROP_TAGS)):
        element.drop_tree()
    for element in tree.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
        previous, parent = element.getprevious(), element.getparent()
        if previous is not None:
            previous.tail = (previous.tail or "") + "\n"
        elif parent is not None:
            parent.text = (parent.text or "") + "\n"
    body = tree.find("body")
    return (body if body is not None else tree).text_content()


def _metadata(extracted: Any) -> dict[str, Any]:
    """The useful, non-empty metadata fields of a trafilatura result."""
    if extracted is None:
        return {}
    meta = {name: value for name in _METADATA_FIELDS if (value := getattr(extracted, name, None))}
    try:
        meta["date"] = date.fromisoformat(extracted.date)
    except (TypeError, ValueError):  # no date found, or not in trafilatura's usual %Y-%m-%d
        pass
    return meta
