"""Read one text file safely: encoding detection, binary and size checks, HTML main-text extraction.

Every failure is a :class:`ReadError` whose message is one line naming the problem; the caller
adds the file name. Files are opened read-only; nothing is ever written back.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
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
    if path.suffix.lower() in (".html", ".htm"):
        try:
            text = extract_html(text)
        except ImportError as exc:  # trafilatura or lxml_html_clean missing: one clear line, not a traceback
            raise ReadError(
                f"is HTML, but the HTML reader cannot be loaded ({exc}); install the project's "
                "dependencies (pip install -e .)"
            ) from None
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    if not text.strip():
        raise ReadError("is empty" if not raw else "contains no text (only whitespace)")
    return TextFile(text=text, encoding=encoding, n_bytes=size)


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


def extract_html(html: str) -> str:
    """Main text of a web page (trafilatura), paragraphs separated by blank lines."""
    import trafilatura

    extracted = trafilatura.extract(
        html,
        include_comments=False,
        include_tables=False,
        favor_recall=True,
        deduplicate=False,
        with_metadata=False,
    )
    if not extracted or not extracted.strip():
        raise ReadError("is an HTML page without extractable main text")
    title = trafilatura.extract_metadata(html)
    lines = [line.strip() for line in extracted.splitlines() if line.strip()]
    if title is not None and title.title and (not lines or lines[0] != title.title.strip()):
        lines.insert(0, title.title.strip())
    return "\n\n".join(lines) + "\n"
