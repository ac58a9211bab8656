"""Read one text file safely: encoding detection, binary and size checks, HTML main-text extraction.

Every failure is a :class:`ReadError` whose message is one line naming the problem; the caller
adds the file name. Files are opened read-only; nothing is ever written back.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["DEFAULT_MAX_BYTES", "TEXT_SUFFIXES", "ReadError", "TextFile", "read_text_file"]

TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")
DEFAULT_MAX_BYTES = 20_000_000

_BINARY_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (e.g. .docx)",
    b"\x1f\x8b": "a gzip archive",
    b"\x7fELF": "an executable",
}


class ReadError(Exception):
    """A file that cannot be used; the message is one line without the file name."""


@dataclass(frozen=True)
class TextFile:
    text: str
    encoding: str
    n_bytes: int
    # structure the page's markup gives away: ``(start, end, kind)`` spans of ``text`` (HTML only)
    hints: tuple[tuple[int, int, str], ...] = ()


def read_text_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> TextFile:
    """Decode ``path`` to text with ``\\n`` line endings and NFC normalisation.

    Order of attempts: byte-order marks (UTF-8/16/32), strict UTF-8, then charset-normalizer
    restricted to the encodings German web texts use, then cp1252. HTML files are reduced to their
    main text with trafilatura.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReadError(f"cannot be read ({exc.strerror or exc})") from None
    if size > max_bytes:
        raise ReadError(
            f"is {size / 1e6:.1f} MB, above the limit of {max_bytes / 1e6:.1f} MB "
            "(raise it with max_bytes= or --max-mb)"
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot be read ({exc.strerror or exc})") from None
    text, encoding = decode_bytes(raw)
    hints: tuple[tuple[int, int, str], ...] = ()
    if path.suffix.lower() in (".html", ".htm"):
        try:
            text, hints = _join_blocks(extract_html_blocks(text))
        except ImportError as exc:  # trafilatura or lxml_html_clean missing: one clear line, not a traceback
            raise ReadError(
                f"is HTML, but the HTML reader cannot be loaded ({exc}); install the project's "
                "dependencies (pip install -e .)"
            ) from None
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    if not text.strip():
        raise ReadError("is empty" if not raw else "contains no text (only whitespace)")
    return TextFile(text=text, encoding=encoding, n_bytes=size, hints=hints)


def decode_bytes(raw: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise :class:`ReadError` for binary content."""
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            try:
                return raw.decode(name), name
            except UnicodeDecodeError:
                raise ReadError(f"starts with a {name} byte-order mark but is not valid {name}") from None
    for magic, what in _BINARY_MAGIC.items():
        if raw.startswith(magic):
            raise ReadError(f"is binary ({what}), not text")
    if b"\x00" in raw[:4096]:
        raise ReadError("is binary (contains NUL bytes), not text")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=["cp1252", "latin_1", "iso8859_15", "mac_roman", "cp850"]).best()
    encoding = best.encoding if best is not None else "cp1252"
    # German texts in a single-byte encoding are nearly always Windows-1252; it is a superset of
    # latin-1 for printable characters, so prefer it unless the detector is sure of something else.
    if encoding in ("latin_1", "iso8859_15"):
        encoding = "cp1252"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        text = raw.decode("latin_1")
        encoding = "latin_1"
    if _control_share(text) > 0.01:
        raise ReadError("is binary (many control characters), not text")
    return text, encoding


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    return controls / len(text)


def _clean_block(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\u2028", " ").replace("\u2029", " ")
    return " ".join(text.split())


def _join_blocks(blocks: list[tuple[str, str | None]]) -> tuple[str, tuple[tuple[int, int, str], ...]]:
    """Blocks separated by blank lines, and the ``(start, end, kind)`` span of every hinted block."""
    parts: list[str] = []
    hints: list[tuple[int, int, str]] = []
    pos = 0
    for text, kind in blocks:
        text = _clean_block(text)
        if not text:
            continue
        if parts:
            pos += 2
        if kind:
            hints.append((pos, pos + len(text), kind))
        parts.append(text)
        pos += len(text)
    return "\n\n".join(parts) + "\n", tuple(hints)


_BYLINE_CLASS = ("byline", "author", "autor", "dateline", "publish", "meta-date", "article-date")
_VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())


class _ElementCollector(HTMLParser):
    """A light element list of an HTML page (tag, attributes, text, document order, extent)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self.stack: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = {"tag": tag, "attrs": {k: v or "" for k, v in attrs}, "text": [], "order": len(self.elements)}
        el["end"] = el["order"] + 1
        self.elements.append(el)
        if tag not in _VOID_TAGS:
            self.stack.append(el)

    def handle_endtag(self, tag: str) -> None:
        if not any(el["tag"] == tag for el in self.stack):
            return
        while self.stack:
            el = self.stack.pop()
            el["end"] = len(self.elements)
            if el["tag"] == tag:
                break

    def handle_data(self, data: str) -> None:
        if any(el["tag"] in ("script", "style", "noscript") for el in self.stack):
            return
        for el in self.stack:
            el["text"].append(data)


def _markup_hints(html: str) -> tuple[dict[str, str], list[tuple[int, str, str, str]]]:
    """Text of elements whose tag or class says what they are: captions, pull quotes, boxes,
    bylines; and for captions and bylines the start of the text block that follows them."""
    parser = _ElementCollector()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):
        return {}, []
    els = parser.elements
    out: dict[str, str] = {}
    anchored: list[tuple[int, str, str, str]] = []

    def put(el: dict, kind: str) -> None:
        text = _clean_block("".join(el["text"]))
        if not text or len(text) > 2000:
            return
        out.setdefault(text, kind)
        if kind in ("photo_caption", "byline"):
            for nxt in els[el["end"] :]:
                if nxt["tag"] not in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li"):
                    continue
                follow = _clean_block("".join(nxt["text"]))
                if len(follow) >= 20:
                    anchored.append((el["order"], text, kind, follow[:40]))
                    break

    for el in els:
        tag = el["tag"]
        if tag == "figcaption":
            put(el, "photo_caption")
        elif tag == "blockquote":
            put(el, "quote")
        elif tag == "aside":
            put(el, "boilerplate_other")
        elif tag == "time":
            put(el, "byline")
        elif tag not in ("article", "main", "body", "section", "html"):
            cls = " ".join(el["attrs"].get(k, "") for k in ("class", "itemprop", "rel")).casefold()
            if cls.strip() and any(k in cls for k in _BYLINE_CLASS):
                text = _clean_block("".join(el["text"]))
                if text and len(text.split()) <= 15:
                    put(el, "byline")
    return out, anchored


def extract_html_blocks(html: str) -> list[tuple[str, str | None]]:
    """Main text of a web page as blocks ``(text, kind)`` in reading order.

    trafilatura finds the main text and keeps its markup as XML; headings, list items, block
    quotes and the comment section give the kind (the first heading is the title), and elements
    whose tag or class names a caption, pull quote, box or byline in the page itself (``<figcaption>``,
    ``<blockquote>``, ``<aside>``, ``<time>``, ``class="byline"``) mark the blocks with their text.
    ``kind`` is ``None`` where the markup says nothing beyond "paragraph".
    """
    import xml.etree.ElementTree as ET

    import trafilatura

    xml = trafilatura.extract(
        html,
        output_format="xml",
        include_comments=True,
        include_tables=False,
        favor_recall=True,
        deduplicate=False,
        with_metadata=False,
    )
    if not xml or not xml.strip():
        raise ReadError("is an HTML page without extractable main text")
    root = ET.fromstring(xml)
    marked, anchored = _markup_hints(html)
    blocks: list[tuple[str, str | None]] = []
    for section in root:
        in_comments = section.tag == "comments"
        nested = {
            id(p) for outer in section.iter() if outer.tag in ("item", "quote") for p in outer.iter() if p is not outer
        }
        for el in section.iter():
            if el.tag not in ("head", "p", "item", "quote") or id(el) in nested:
                continue
            text = _clean_block("".join(el.itertext()))
            if not text:
                continue
            if in_comments:
                kind = "comment_header" if el.tag == "head" else "comment"
            elif el.tag == "head":
                kind = "heading"
            elif el.tag == "item":
                kind = "list_item"
            elif el.tag == "quote":
                kind = "quote"
            else:
                kind = marked.get(text)
            blocks.append((text, kind))
    if not any(text for text, _ in blocks):
        raise ReadError("is an HTML page without extractable main text")
    # captions and bylines the main-text extraction dropped go back in front of the block that
    # follows them on the page
    present = {text for text, _ in blocks}
    for _, text, kind, follow in sorted(anchored):
        if text in present:
            continue
        at = next((k for k, (b, _) in enumerate(blocks) if b.startswith(follow)), None)
        if at is not None:
            blocks.insert(at, (text, kind))
            present.add(text)
    title = trafilatura.extract_metadata(html)
    if title is not None and title.title and blocks[0][0] != _clean_block(title.title):
        blocks.insert(0, (title.title.strip(), "title"))
    elif blocks[0][1] == "heading":
        blocks[0] = (blocks[0][0], "title")
    return blocks
