"""Reading a folder of texts into a :class:`Corpus`: file readers, metadata, language, document structure
(paragraph kinds, speakers, quotes) and the reference texts."""

from __future__ import annotations

from .language import LANGUAGES, detect_language
from .load import METADATA_COLUMNS, Corpus, CorpusError, load_corpus, slugify
from .readers import DEFAULT_MAX_BYTES, TEXT_SUFFIXES, ReadError, TextFile, read_text_file
from .references import MAX_REFERENCE_BYTES, MAX_STATEMENTS, REFERENCES_FILE, find_references, load_references
from .structure import BOILERPLATE_KINDS, PARAGRAPH_KINDS, Paragraph, Quote, segment, split_paragraphs

__all__ = [
    "BOILERPLATE_KINDS",
    "Corpus",
    "CorpusError",
    "DEFAULT_MAX_BYTES",
    "LANGUAGES",
    "MAX_REFERENCE_BYTES",
    "MAX_STATEMENTS",
    "METADATA_COLUMNS",
    "PARAGRAPH_KINDS",
    "Paragraph",
    "Quote",
    "REFERENCES_FILE",
    "ReadError",
    "TEXT_SUFFIXES",
    "TextFile",
    "detect_language",
    "find_references",
    "load_corpus",
    "load_references",
    "read_text_file",
    "segment",
    "slugify",
    "split_paragraphs",
]
