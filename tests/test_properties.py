"""Property tests (Hypothesis): arbitrary Unicode never breaks loading, structure, annotation,
vocabulary or sentiment, and the token table stays consistent.

Profiles (tests/conftest.py): ``ci`` runs a bounded, derandomised number of examples; ``make fuzz``
(``HYPOTHESIS_PROFILE=fuzz``) runs 10,000.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from analysis import annotate, load_corpus
from analysis.annotate.tokenize import sentence_starts, split_sentences, tokenize
from analysis.corpus.load import CorpusError
from analysis.corpus.structure import segment

GERMAN_BITS = [
    "Märkte sind Gespräche.",
    "„Zitat“, so Anna.",
    "Empfänger:innen",
    "#Dialogmarketing",
    "@handle",
    "https://example.de/x",
    "6.938 mal gelesen",
    "z.B.",
    "Social-Media-Team",
    "nicht gut!",
    ":-)",
    "😀👍🏽",
    "Ü",
    unicodedata.normalize("NFD", "Gespräch über Öl"),
    "שלום עולם",  # RTL
    "مرحبا",
    "\u200f\u202e",  # RTL marks / override
    "\x00\x01\x07\x1b",  # control characters
    "x" * 10_000,  # a 10,000-character token
    "?!…—–-«»‹›",  # punctuation only
    "\r\n",
    "\n\n",
    "Hallo Ben,",
    "Was meinst Du?",
    "ERIKA MUSTER: Ja.",
    "3 Kommentare",
]
texts = st.lists(st.one_of(st.sampled_from(GERMAN_BITS), st.text(max_size=60)), max_size=25).map(" ".join)


def check_tokens(tokens: pd.DataFrame, corpus) -> None:
    docs = corpus.documents.set_index("doc_id")["text"]
    paras = corpus.paragraphs.set_index(["doc_id", "para_id"])
    for doc_id, doc in tokens.groupby("doc_id"):
        text = docs[doc_id]
        assert doc["token_id"].tolist() == list(range(len(doc)))
        assert (doc["start"] >= 0).all() and (doc["end"] <= len(text)).all() and (doc["start"] < doc["end"]).all()
        for row in doc.itertuples():
            assert text[row.start : row.end] == row.token
            p = paras.loc[(doc_id, row.para_id)]
            assert p["start"] <= row.start and row.end <= p["end"]
        assert (doc.groupby("sent_id")["para_id"].nunique() == 1).all()


@given(texts)
def test_tokenize_and_sentences_cover_the_text(text):
    for start, end, surface, _ in tokenize(text):
        assert text[start:end] == surface and surface.strip() == surface and surface
    for start, end in split_sentences(text):
        assert 0 <= start < end <= len(text)


@given(texts, st.lists(st.sampled_from(["Anna Beispiel", "Ben Muster"]), max_size=2, unique=True))
def test_segment_never_raises_and_spans_point_into_the_text(text, speakers):
    paras, quotes = segment(text, speakers=speakers, genre="blog dialogue" if len(speakers) == 2 else "")
    for p in paras:
        assert text[p.start : p.end] == p.text
    for q in quotes:
        assert q.text in text[q.start : q.end]


@given(st.lists(texts, min_size=1, max_size=3))
def test_load_annotate_vocabulary_sentiment_never_raise(tmp_path_factory, docs):
    folder: Path = tmp_path_factory.mktemp("fuzz")
    for i, text in enumerate(docs):
        (folder / f"d{i}.txt").write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        corpus = load_corpus(folder, quiet=True)
    except CorpusError as exc:  # nothing usable: a one-line error is the documented outcome
        assert "\n" not in str(exc)
        return
    tokens = annotate(corpus, cache=False, boilerplate=True)
    check_tokens(tokens, corpus)

    from analysis.sentiment import engine as sentiment
    from analysis.textstats import diversity, frequencies

    content = tokens[~tokens["is_boilerplate"]]
    frequencies(content)
    diversity(content)
    sentiment.score_sentences(content)


# -- the vectorised tokenizer against the plain per-token reference (tests/tokenize_reference.py) --

TOKENIZER_BITS = [
    *GERMAN_BITS[:13],
    "am 24. Januar",
    "am 24.",
    "24.\x00Januar",
    "IV. Teil",
    "Platz 3.",
    "3. platz",
    "1.000er",
    "bspw...",
    "Max-Planck-Str. 39",
    "usw. Und",
    "etc.",
    "Co.)",
    "„Ja.“ Nein",
    "(so!) Gut",
    "Toll :) Super",
    "Na 😀 Klar",
    "…",
    "?!",
    "• Punkt",
    "- Liste",
    "Mitarbeiter- und",
    "#1",
    "www.example.de.",
    "a@b.de",
    "ÄRGER",
    "\u00a0",
    "\u2009",
    "\u3000",
    "\u2028",
    "\u0085",
    "\x1c",
    "\x0b",
    "\x7f",
    "\r\n",
    "\n",
    "\n\n",
    "\t",
    "Eine Zeile aus Wörtern, die fast fünfzig Zeichen lang",  # line breaks after ~50 characters
    "x" * 44,
]
SEPARATORS = st.sampled_from(["", " ", "  ", "\n", "\n\n", " \n ", "\t", "\u00a0", "\x00", "\x85", "\u2029"])
tokenizer_texts = st.lists(
    st.tuples(st.one_of(st.sampled_from(TOKENIZER_BITS), st.text(max_size=20)), SEPARATORS), max_size=30
).map(lambda parts: "".join(bit + sep for bit, sep in parts))


@given(tokenizer_texts, st.integers(0, 1000))
def test_tokenize_and_sentence_starts_match_the_plain_reference(text, offset):
    import tokenize_reference as ref

    toks = tokenize(text, offset=offset)
    assert toks == ref.tokenize(text, offset=offset)
    assert sentence_starts(toks, text, offset=offset) == ref.sentence_starts(toks, text, offset=offset)
    assert sentence_starts(toks) == ref.sentence_starts(toks)
    assert split_sentences(text) == ref.split_sentences(text)


@st.composite
def batches(draw):
    """Documents with paragraph spans: from the segmenter, or arbitrary (empty, overlapping, cut
    inside a word)."""
    from analysis.corpus.structure import split_paragraphs

    items = []
    for text in draw(st.lists(tokenizer_texts, min_size=1, max_size=4)):
        if draw(st.booleans()):
            spans = split_paragraphs(text)
        else:
            cuts = st.integers(0, len(text))
            spans = [tuple(sorted(pair)) for pair in draw(st.lists(st.tuples(cuts, cuts), max_size=5))]
        items.append((text, spans))
    return items


@given(batches())
def test_annotate_texts_matches_the_plain_reference(items):
    import tokenize_reference as ref

    from analysis.annotate.pipeline import annotate_texts

    pd.testing.assert_frame_equal(annotate_texts(items), ref.annotate_texts(items), check_exact=True)
