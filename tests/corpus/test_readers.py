"""decode_bytes() / read_text_file(): encodings, binary detection, normalisation."""

from __future__ import annotations

import codecs
import unicodedata

import pytest

from analysis.corpus.readers import ReadError, decode_bytes, read_text_file

TEXT = "Größere Märkte sind Gespräche – „Zitat“ über Öffentlichkeit."


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-be"), None),  # no BOM: NUL bytes make it look binary
        (TEXT.encode("cp1252"), "cp1252"),
    ],
)
def test_decoding(raw, encoding):
    if encoding is None:
        with pytest.raises(ReadError, match="binary"):
            decode_bytes(raw)
        return
    text, got = decode_bytes(raw)
    assert (text.lstrip("\ufeff"), got) == (TEXT, encoding)


def test_decomposed_umlauts_are_composed_and_line_endings_unified(tmp_path):
    path = tmp_path / "nfd.txt"
    path.write_bytes(unicodedata.normalize("NFD", "Gespräch\r\nÜber\rEnde").encode("utf-8"))
    tf = read_text_file(path)
    assert tf.text == "Gespräch\nÜber\nEnde"


def test_pdf_is_refused(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    with pytest.raises(ReadError, match="PDF"):
        read_text_file(path)
