"""``annotate()``: a :class:`~analysis.corpus.Corpus` → one row per token (tidy), cached.

Per token: ``doc_id, para_id, sent_id, token_id, start, end, token, token_type, norm, lemma,
is_stop, is_negation, is_punct, is_content, compound, compound_head, compound_modifier`` plus the
paragraph's ``kind``, ``speaker`` and ``is_boilerplate``.

* Tokens and sentences: :mod:`analysis.tokenize` (web-aware regex tokenizer; German Punkt).
* Lemmas: simplemma 2 (MIT), looked up once per word type, with compounds lemmatised through
  their head (``Fachleute`` → ``Fachleute``), plural nouns kept (``Daten``) and ``ge…t``
  participles sent to the frequent verb (``gedacht`` → ``denken``), see :func:`_lemmatize`.
  Gender forms keep their suffix (``Empfänger:innen`` → ``Empfänger:in``); hashtags are
  lemmatised without ``#``.
* Stop words: the ``stop-words`` package's German list (BSD-3) minus negations
  (``resources/negations_de.txt``), which get ``is_negation``.
* Compounds: :mod:`analysis.compounds`.

Results are cached as Parquet, one file per document, keyed by a hash of the annotation code and
word lists (:func:`_code_fingerprint`) and the document's text and paragraph spans, so reruns and
notebooks do not redo the work and a code change never reads a stale entry.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import sys
import threading
import warnings
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..corpus.load import Corpus
from ..corpus.structure import PARAGRAPH_KINDS
from ..lang import read_bytes, read_entries
from .compounds import _lexicon, _plural_nouns, _zipf, compound_parts, split_compound
from .tokenize import TOKEN_TYPES, _tokenize_texts

__all__ = [
    "ANNOTATOR_VERSION",
    "TOKEN_COLUMNS",
    "annotate",
    "annotate_text",
    "annotate_texts",
    "default_cache_dir",
    "factorize_pairs",
    "stopwords",
    "word_rows",
]

ANNOTATOR_VERSION = "1"
TOKEN_COLUMNS = (
    "doc_id",
    "para_id",
    "sent_id",
    "token_id",
    "start",
    "end",
    "token",
    "token_type",
    "norm",
    "lemma",
    "is_stop",
    "is_negation",
    "is_punct",
    "is_content",
    "compound",
    "compound_head",
    "compound_modifier",
)
_FEATURES = TOKEN_COLUMNS[TOKEN_COLUMNS.index("norm") :]  # computed once per word type
_WORDLIKE = frozenset({"word", "hashtag"})
BATCH_CHARS = 500_000  # text per in-process annotation batch (~75k tokens): bounds the working memory
PIECE_ROWS = 250_000  # rows finished (paragraph columns, boilerplate dropped) at a time
PARALLEL_ROWS = 500_000  # an unbuilt table this long takes its string columns on several threads


@lru_cache(maxsize=1)
def negations() -> frozenset[str]:
    return frozenset(read_entries("negations_de.txt"))


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """German stop words (stop-words package, BSD-3-Clause) without the negations."""
    from stop_words import get_stop_words

    return frozenset(w.lower() for w in get_stop_words("german")) - negations()


MAX_LEMMA_WORD = 64  # longer strings are not words: simplemma's affix search on them is superlinear


def _simplemma(word: str) -> str:
    import simplemma

    if len(word) > MAX_LEMMA_WORD:  # a 40k-letter "word" (a URL-less blob, a spam line): look up only
        return _lexicon().get(word, word)
    return simplemma.lemmatize(word, lang="de")


def _lemmatize(word: str) -> str:
    """simplemma's lemma with three repairs of systematic errors (measured on UD German GSD in
    benchmarks/bench_annotation.py):

    * nouns used only or chiefly in the plural keep it (``Leute``, ``Daten`` "data"; list in
      ``resources/lemma_plural_nouns_de.txt``), also as the head of a compound;
    * a closed noun compound whose lemma simplemma guessed (the word is not in its dictionary) or
      took from a dictionary entry that is no word itself (``Fachleute`` → ``Fachleut``) is
      lemmatised through its head and rebuilt: ``Fachleute`` → ``Fach`` + ``Leute``,
      ``Kundendaten`` → ``Kunden`` + ``Daten``, ``Agrarbeschlüsse`` → ``Agrar`` + ``Beschluss``;
    * a participle ``ge…t`` that simplemma gives to a verb beginning with *ge-* goes to the far more
      frequent verb whose past tense it matches (``gedacht`` → ``denken``, not ``gedenken``).
    """
    if word in _plural_nouns():
        return word
    lemma = _simplemma(word)
    if word[:1].isupper() and lemma[:1].isupper() and "-" not in word and len(word) >= 7:
        parts = split_compound(word)
        if parts and word.lower().endswith(parts[-1].lower()):
            stem = word[: len(word) - len(parts[-1])]
            head_lemma = _head_lemma(parts[-1][:1].upper() + parts[-1][1:])
            # a word simplemma's dictionary knows is rebuilt only when its head is a lemma itself
            # and the dictionary's lemma does not end in a noun (Fachleute, not Interessenten)
            known = _lexicon().get(word) is not None and head_lemma.lower() != parts[-1].lower()
            if head_lemma[:1].isupper() and not known and not _tail_is_noun(lemma, stem, head_lemma):
                return stem + head_lemma.lower()
    elif (
        word.startswith("ge")
        and word.endswith(("t", "en"))
        and lemma.startswith("ge")
        and lemma != word
        and lemma.endswith("en")
    ):
        verb = _participle_verb(word)
        if verb and verb != lemma and _zipf(verb) > _zipf(lemma):
            return verb
    return lemma


def _tail_is_noun(lemma: str, stem: str, head_lemma: str) -> bool:
    """Whether simplemma's ``lemma`` of a compound ends in a noun lemma of the dictionary after the
    modifiers' ``stem`` (``Fahrzeug`` = Fahr + Zeug: trust it; ``Fachleut`` = Fach + *Leut*: do not),
    unless the head is a plural noun (``Kundendaten``)."""
    if head_lemma in _plural_nouns() or not lemma.lower().startswith(stem.lower()):
        return False
    tail = lemma[len(stem) :]
    noun = tail[:1].upper() + tail[1:]
    return bool(tail) and _lexicon().get(noun) == noun


def _head_lemma(head: str) -> str:
    return head if head in _plural_nouns() else _simplemma(head)


def _participle_verb(word: str) -> str | None:
    """``gedacht`` → ``denken`` (via the past tense ``dachte``), ``gebacken`` → ``backen``."""
    stem = word[2:]
    for form in (stem + "e", stem + "en", stem) if word.endswith("t") else (stem,):
        verb = _simplemma(form)
        if verb[:1].islower() and verb.endswith("en") and not verb.startswith("ge") and _lexicon().get(form):
            return verb
    return None


@lru_cache(maxsize=500_000)
def _features(surface: str, token_type: str) -> tuple:
    norm = surface.lower().replace("’", "'")
    if token_type == "punct" or token_type == "symbol":
        return (norm, surface, False, False, True, False, "", "", "")
    if token_type not in _WORDLIKE:
        return (
            norm,
            norm if token_type in ("url", "email", "mention") else surface,
            False,
            False,
            False,
            False,
            "",
            "",
            "",
        )
    word = surface.lstrip("#")
    gender = ""
    for sep in (":", "*", "_", "/"):
        if sep in word and word.rsplit(sep, 1)[-1].lower() in ("innen", "in"):
            word, gender = word.rsplit(sep, 1)[0], ":in"
            norm = word.lower() + ":" + surface.rsplit(sep, 1)[-1].lower()
            break
    lemma = _lemmatize(word) + gender
    lower = norm.lstrip("#")
    is_negation = lower in negations()
    is_stop = (lower in stopwords() or lemma.lower() in stopwords()) and not is_negation
    letters = sum(ch.isalpha() for ch in word)
    is_content = not is_stop and not is_negation and letters >= 2
    compound, head, modifier = ("", "", "")
    if is_content and (word[:1].isupper() or "-" in word) and len(word) >= 7:
        compound, head, modifier = compound_parts(word, _lemmatize)
    return (norm, lemma, is_stop, is_negation, False, is_content, compound, head, modifier)


def annotate_text(text: str, paragraph_spans: list[tuple[int, int]]) -> pd.DataFrame:
    """Annotate one document given its paragraph spans (no cache, no paragraph metadata)."""
    return _annotate_batch([(text, paragraph_spans)], doc_index=False)  # the table without a copy


def _gc_paused(func):
    """Run ``func`` with the cyclic garbage collector paused. Annotation creates millions of small
    acyclic objects (token tuples, strings); each of them counts towards a collection, and every
    full collection walks all live containers, the per-word caches included. Pausing it cuts the
    annotation time by about half (measured in benchmarks/bench_annotation.py) and cannot leak:
    reference counting still frees everything, and the collector resumes afterwards."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        enabled = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return wrapper


def annotate_texts(items: list[tuple[str, list[tuple[int, int]]]]) -> pd.DataFrame:
    """Annotate many documents at once: one table, ``doc_index`` = position in ``items``.

    ``para_id``, ``sent_id`` and ``token_id`` restart at 0 in every document. Word-level features
    are computed once per distinct word (surface and token type) and spread to the tokens with vectorised
    ``take``s; the DataFrame is built once for the whole batch (its fixed cost would otherwise
    dominate short documents such as tweets).
    """
    return _annotate_batch(items, doc_index=True)


@_gc_paused
def _annotate_batch(items: list[tuple[str, list[tuple[int, int]]]], *, doc_index: bool) -> pd.DataFrame:
    batch = _batch_tokens(items)
    columns = _FEATURE_STORE.columns(batch.surfaces, batch.unique_ids, batch.word_kind)  # per distinct word
    numeric = batch.numeric if doc_index else {k: v for k, v in batch.numeric.items() if k != "doc_index"}
    return _token_frame(numeric, batch.kind, batch.codes, columns)


@dataclass(frozen=True, slots=True)
class _BatchTokens:
    """The tokens of a batch of documents before the word features: ``numeric`` (the id and offset
    columns ``doc_index`` … ``end``), each token's type code ``kind`` and ``codes`` into the batch's
    distinct words, in order of first appearance. A word is a surface with a token type (the same
    string can be a word and a number: ``Band II ist`` / ``Band II.``); the words' surfaces are
    ``unique_ids`` (ids into ``surfaces``, repeated for such a string) and their types ``word_kind``."""

    numeric: dict[str, np.ndarray]
    kind: np.ndarray
    codes: np.ndarray
    unique_ids: np.ndarray
    word_kind: np.ndarray
    surfaces: list[str]


def _batch_tokens(items: list[tuple[str, list[tuple[int, int]]]]) -> _BatchTokens:
    texts: list[str] = []
    text_offset: list[int] = []
    paras_per_doc: list[int] = []
    for text, paragraph_spans in items:
        for a, b in paragraph_spans:
            texts.append(text[a:b])
            text_offset.append(a)
        paras_per_doc.append(len(paragraph_spans))
    tok = _tokenize_texts(texts)  # every paragraph at once, as arrays (no Python work per token)
    n = len(tok.start)
    paras_arr = np.asarray(paras_per_doc, dtype=np.int64)
    para_doc = np.repeat(np.arange(len(items), dtype=np.int64), paras_arr)
    para_in_doc = np.arange(len(texts), dtype=np.int64) - np.repeat(np.cumsum(paras_arr) - paras_arr, paras_arr)
    doc_of = para_doc[tok.text]
    doc_lengths_arr = np.bincount(doc_of, minlength=len(items)).astype(np.int64)
    doc_first = np.cumsum(doc_lengths_arr) - doc_lengths_arr
    sentence_no = np.cumsum(tok.sentence_start)  # a document's first token always starts a sentence
    offsets = np.asarray(text_offset, dtype=np.int64)[tok.text]
    # a token's features depend on its surface and its type only, never on the other tokens of the
    # batch: the distinct (surface, type) pairs are looked up, not the distinct surfaces
    width = len(TOKEN_TYPES)
    pair = tok.surface.astype(np.int64) * width + tok.kind
    codes, pairs = pd.factorize(pair) if n else (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
    longest = max((len(text) for text, _ in items), default=0)
    offset_dtype = np.int32 if longest < 2**31 else np.int64
    numeric = {
        "doc_index": doc_of.astype(np.int32),
        "para_id": para_in_doc[tok.text].astype(np.int32),
        "sent_id": (sentence_no - sentence_no[doc_first[doc_of]]).astype(np.int32),
        "token_id": (np.arange(n, dtype=np.int64) - doc_first[doc_of]).astype(np.int32),
        "start": (tok.start + offsets).astype(offset_dtype),
        "end": (tok.end + offsets).astype(offset_dtype),
    }
    return _BatchTokens(
        numeric=numeric,
        kind=tok.kind,
        codes=codes,
        unique_ids=pairs // width,
        word_kind=(pairs % width).astype(np.int8),
        surfaces=tok.surfaces,
    )


def _token_frame(
    numeric: dict[str, np.ndarray],
    kind: np.ndarray,
    codes: np.ndarray,
    columns: dict[str, np.ndarray],
    *,
    threads: int = 1,
) -> pd.DataFrame:
    """The token table from its ``numeric`` columns, token type codes ``kind`` and the word columns
    (``token`` and ``_FEATURES``, one value per distinct word) picked per token by ``codes``. With
    ``threads`` > 1 the string columns are taken on that many threads (Arrow's ``take`` releases the
    GIL; worth it for millions of rows)."""
    frame: dict[str, object] = dict(numeric)
    names = ("token", *_FEATURES)
    strings = [name for name in names if columns[name].dtype != bool]
    if threads > 1 and len(strings) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="annotate-take") as pool:
            taken = dict(zip(strings, pool.map(lambda name: _strings(columns[name], codes), strings)))
    else:
        taken = {name: _strings(columns[name], codes) for name in strings}
    frame["token"] = taken["token"]
    frame["token_type"] = pd.Categorical.from_codes(kind, categories=TOKEN_TYPES)
    for name in _FEATURES:
        frame[name] = taken[name] if name in taken else columns[name].take(codes)
    return pd.DataFrame(frame)


def _strings(values: list[str] | np.ndarray, codes: np.ndarray):
    """A string column from its distinct values and the codes that pick them."""
    return pd.array(values, dtype="str").take(codes) if len(codes) else pd.array([], dtype="str")


class _FeatureStore:
    """The word features (``_FEATURES``) of every surface the tokenizer has seen, as arrays indexed by
    its surface ids, so a batch gathers them with NumPy instead of a Python call per distinct word.

    A surface's features depend on its token type. The store keeps them for the type the surface
    first came with; a word whose surface comes with another type (rare: the same string as a word
    and as a number) is computed apart, so every token gets the features of its own surface and
    type whatever else the batch holds. The store starts afresh when the tokenizer's surface table
    does (its ids are then reused)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.owner: list[str] | None = None
        self.kind = np.zeros(0, dtype=np.int16)
        self.values: dict[str, np.ndarray] = {}

    def columns(self, surfaces: list[str], ids: np.ndarray, kinds: np.ndarray) -> dict[str, np.ndarray]:
        """``token`` and the ``_FEATURES`` of the words with surfaces ``ids`` and token types ``kinds``."""
        if not len(ids):
            return _feature_columns(surfaces, ids, kinds)
        with self.lock:
            if self.owner is not surfaces:  # a new surface table: its ids mean other strings
                self.owner, self.kind, self.values = surfaces, np.zeros(0, dtype=np.int16), {}
            size = len(surfaces)
            if size > len(self.kind):
                grow = max(size, 2 * len(self.kind)) - len(self.kind)
                self.kind = np.concatenate([self.kind, np.full(grow, -1, dtype=np.int16)])
                for name in ("token", *_FEATURES):
                    old = self.values.get(name)
                    dtype = bool if name.startswith("is_") else object
                    extra = np.zeros(grow, dtype=dtype) if dtype is bool else np.full(grow, "", dtype=object)
                    self.values[name] = extra if old is None else np.concatenate([old, extra])
            new = np.flatnonzero(self.kind[ids] < 0)
            if len(new):  # a surface that comes with two types in this batch is stored with the first
                _, first = np.unique(ids[new], return_index=True)
                self._compute(surfaces, ids[new[first]], kinds[new[first]])
            out = {name: values[ids] for name, values in self.values.items()}
            other = np.flatnonzero(self.kind[ids] != kinds)
        if len(other):  # surfaces stored with another type
            for name, values in _feature_columns(surfaces, ids[other], kinds[other]).items():
                out[name][other] = values
        return out

    def _compute(self, surfaces: list[str], ids: np.ndarray, kinds: np.ndarray) -> None:
        self.kind[ids] = kinds
        for name, values in _feature_columns(surfaces, ids, kinds).items():
            self.values[name][ids] = values


def _feature_columns(surfaces: list[str], ids: np.ndarray, kinds: np.ndarray) -> dict[str, np.ndarray]:
    """``token`` and the ``_FEATURES`` of the surfaces ``ids`` (token type codes ``kinds``), computed
    with :func:`_features`: one array per column (bool for ``is_*``, else object)."""
    words = [surfaces[i] for i in ids.tolist()]
    feats = [_features(surface, TOKEN_TYPES[k]) for surface, k in zip(words, kinds.tolist())]
    out = {"token": np.empty(len(words), dtype=object)}
    out["token"][:] = words
    for k, name in enumerate(_FEATURES):
        if name.startswith("is_"):
            out[name] = np.array([f[k] for f in feats], dtype=bool)
        else:
            out[name] = np.empty(len(feats), dtype=object)
            out[name][:] = [f[k] for f in feats]
    return out


_FEATURE_STORE = _FeatureStore()


def word_rows(tokens: pd.DataFrame, *, content_only: bool, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The word and hashtag rows of a token table (content words only with ``content_only``); only
    ``columns`` (those present) when given, which keeps the copy small on large tables."""
    mask = tokens["token_type"].isin(tuple(_WORDLIKE)).to_numpy()
    if content_only:
        mask = mask & tokens["is_content"].to_numpy(dtype=bool)
    if columns is not None:
        return tokens.loc[mask, list(dict.fromkeys(c for c in columns if c in tokens.columns))]
    return tokens[mask]


def factorize_pairs(a: pd.Series, b: pd.Series) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Codes of the distinct ``(a, b)`` string pairs of two columns (missing values as ``""``) and the
    pairs themselves, in order of first appearance: per-pair work then runs once per distinct pair
    and is spread to the rows with ``codes``, without building millions of Python tuples."""
    a_codes, a_values = pd.factorize(a.fillna("").astype(str))
    b_codes, b_values = pd.factorize(b.fillna("").astype(str))
    width = max(len(b_values), 1)
    codes, keys = pd.factorize(a_codes.astype(np.int64) * width + b_codes)
    keys = np.asarray(keys, dtype=np.int64)
    pairs = list(
        zip(np.asarray(a_values, dtype=object)[keys // width], np.asarray(b_values, dtype=object)[keys % width])
    )
    return codes, pairs


def default_cache_dir() -> Path:
    """``$ANALYSIS_CACHE_DIR`` or ``~/.cache/german-discourse-analysis``."""
    env = os.environ.get("ANALYSIS_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "german-discourse-analysis"


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """Hash of everything that decides an annotation: this module, the Dask engine's annotation, the
    tokenizer, the compound splitter, their word lists, and the versions of simplemma, wordfreq and stop-words. Any change
    to them makes old cache entries unreachable, so a stale cache can never be read."""
    from importlib import metadata

    h = hashlib.sha256(f"annotate-v{ANNOTATOR_VERSION}".encode())
    here = Path(__file__).resolve().parent
    for name in ("pipeline.py", "dask_pipeline.py", "tokenize.py", "compounds.py"):
        h.update((here / name).read_bytes())
    for name in (
        "abbreviations_de.txt",
        "negations_de.txt",
        "lemma_plural_nouns_de.txt",
        "compound_particles_de.txt",
        "compound_affixes_de.txt",
        "place_names_de.txt",
    ):
        h.update(read_bytes(name))
    for dist in ("simplemma", "wordfreq", "stop-words", "babel"):
        try:
            h.update(f"{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=?".encode())
    return h.hexdigest()


def _cache_key(text: str, spans: list[tuple[int, int]]) -> str:
    h = hashlib.sha256()
    h.update(_code_fingerprint().encode())
    h.update(repr(spans).encode())
    h.update(text.encode("utf-8"))
    return h.hexdigest()[:32]


def annotate(
    corpus: Corpus,
    *,
    boilerplate: bool = False,
    cache: bool | str | os.PathLike[str] = True,
    progress: bool = False,
    engine: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """One row per token for every document of ``corpus``.

    Boilerplate paragraphs (bylines, comments, share buttons …) are left out unless
    ``boilerplate=True``; the ``is_boilerplate`` column says which rows they are. ``cache`` is
    ``True`` (default folder, see :func:`default_cache_dir`), a folder, or ``False``. Documents not
    in the cache are annotated by :func:`analysis.engine.map_documents` (``engine="local"`` with
    ``workers`` processes, or ``engine="dask"`` on a local or remote ``scheduler``); the result is
    the same whichever engine runs.

    The table is kept compact for large corpora: ids and offsets are ``int32``; ``doc_id``,
    ``token_type``, ``kind`` and ``speaker`` are categoricals (``doc_id`` categories sorted, so
    grouping and sorting order equal those of plain strings); the in-process engine annotates
    in batches of about :data:`BATCH_CHARS` characters, so its working memory does not grow with
    the corpus.
    """
    cache_dir = None if cache is False else (default_cache_dir() if cache is True else Path(cache))
    if cache_dir is not None:
        _remove_stale_temporaries(str(cache_dir))
    paragraphs = corpus.paragraphs
    spans_by_doc = _spans_by_doc(paragraphs)
    docs = corpus.documents
    frames: dict[str, pd.DataFrame | pa.Table] = {}
    todo: list[tuple[str, str, list[tuple[int, int]], Path | None]] = []
    for doc_id, text in zip(docs["doc_id"], docs["text"]):
        spans = spans_by_doc.get(doc_id, [])
        path = _cache_path(cache_dir, text, spans)  # hashed once, used to read and to write
        cached = _read_arrow_cache(path, text_length=len(text))  # Arrow: converted to pandas in runs
        if cached is not None:
            frames[doc_id] = cached
        else:
            todo.append((doc_id, text, spans, path))
    if todo:
        items = [(text, spans) for _, text, spans, _ in todo]
        results = _annotated_batches(
            todo, items, engine=engine, workers=workers, scheduler=scheduler, progress=progress
        )
        # back to one row range per document (no copies), cached one file per document as each
        # batch is done: the batch converted to Arrow once (not once per document: its fixed cost
        # was most of the writing), the files written by a thread while the next batch is annotated
        with _CacheWriter(cache_dir is not None) as writer:
            for batch_todo, body, lengths in results:
                if writer.enabled and isinstance(body, _LazyTokens):
                    body = body.frame()  # built once, for the cache files and for the table below
                table = writer.arrow(body)
                stops = np.cumsum(lengths).tolist()
                for (doc_id, _, _, path), stop, length in zip(batch_todo, stops, lengths.tolist()):
                    frames[doc_id] = _Rows(body, stop - length, stop)
                    writer.write(path, None if table is None else table.slice(stop - length, length))
    doc_ids = docs["doc_id"].tolist()
    finish = _ParagraphColumns(doc_ids, paragraphs, boilerplate=boilerplate)
    pieces: list[pd.DataFrame] = []
    group: list[_Rows | pa.Table] = []
    size = first = 0
    for pos, doc_id in enumerate(doc_ids):  # in corpus order, ~PIECE_ROWS rows at a time
        entry = frames.pop(doc_id)
        group.append(entry)
        size += len(entry)
        last = pos == len(doc_ids) - 1
        # an unbuilt table is not cut: its rows are built once, in a piece of their own
        if last or (size >= PIECE_ROWS and not _continues(entry, frames.get(doc_ids[pos + 1]))):
            parts = _as_frames(group)
            if len(parts) == 1:
                piece = parts[0] if isinstance(parts[0], _LazyTokens) else parts[0].reset_index(drop=True)
            else:
                piece = pd.concat([p.frame() if isinstance(p, _LazyTokens) else p for p in parts], ignore_index=True)
            pieces.append(finish(piece, first, [len(f) for f in group]))
            group, size, first = [], 0, pos + 1
    if not pieces:
        return finish(annotate_text("", []), 0, [])
    return pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else pieces[0]


def _spans_by_doc(paragraphs: pd.DataFrame) -> dict[str, list[tuple[int, int]]]:
    """``doc_id`` → its paragraphs' ``(start, end)`` in ``para_id`` order."""
    p = paragraphs.sort_values(["doc_id", "para_id"], kind="stable")
    doc_ids = p["doc_id"].astype(str).to_numpy()
    starts, ends = p["start"].tolist(), p["end"].tolist()
    out: dict[str, list[tuple[int, int]]] = {}
    if not len(p):
        return out
    cuts = np.flatnonzero(doc_ids[1:] != doc_ids[:-1]) + 1
    bounds = [0, *cuts.tolist(), len(p)]
    for a, b in zip(bounds, bounds[1:]):
        out[doc_ids[a]] = list(zip(starts[a:b], ends[a:b]))
    return out


def _batches(items: list, limit: int) -> list[list]:
    """Consecutive items grouped into batches of about ``limit`` characters of text."""
    out: list[list] = []
    batch: list = []
    size = 0
    for item in items:
        batch.append(item)
        size += len(item[0])
        if size >= limit:
            out.append(batch)
            batch, size = [], 0
    if batch:
        out.append(batch)
    return out


class _LazyTokens:
    """A token table (without ``doc_index``) kept as its numeric columns, token type codes and codes
    into the word columns (``token`` and ``_FEATURES``, one value per distinct word), built as a
    DataFrame when needed with the rows wanted only: each string column is then taken once."""

    __slots__ = ("codes", "columns", "kind", "numeric")

    def __init__(
        self, numeric: dict[str, np.ndarray], kind: np.ndarray, codes: np.ndarray, columns: dict[str, np.ndarray]
    ) -> None:
        self.numeric, self.kind, self.codes, self.columns = numeric, kind, codes, columns

    def __len__(self) -> int:
        return len(self.kind)

    def rows(self, start: int, stop: int) -> _LazyTokens:
        numeric = {name: values[start:stop] for name, values in self.numeric.items()}
        return _LazyTokens(numeric, self.kind[start:stop], self.codes[start:stop], self.columns)

    def frame(self, keep: np.ndarray | None = None) -> pd.DataFrame:
        """The table (0-based index), of the rows where ``keep`` is true when given."""
        threads = min(4, os.cpu_count() or 1) if len(self.kind) >= PARALLEL_ROWS else 1
        if keep is None:
            return _token_frame(self.numeric, self.kind, self.codes, self.columns, threads=threads)
        numeric = {name: values[keep] for name, values in self.numeric.items()}
        return _token_frame(numeric, self.kind[keep], self.codes[keep], self.columns, threads=threads)


@dataclass(frozen=True, slots=True)
class _Rows:
    """Rows ``start:stop`` of a batch's token table (one document's, without ``doc_index``)."""

    frame: pd.DataFrame | _LazyTokens
    start: int
    stop: int

    def __len__(self) -> int:
        return self.stop - self.start


def _annotated_batches(
    todo: list, items: list, *, engine: str, workers: int | None, scheduler: str | None, progress: bool
):
    """``(todo entries, token table without doc_index, tokens per entry)`` for the documents to
    annotate, batch by batch, on the chosen engine."""
    from .engine import ENGINES, map_documents

    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if engine == "dask":
        from .dask_pipeline import annotate_on_dask

        if progress:
            print(f"annotating {len(items)} documents (dask engine)", file=sys.stderr, flush=True)
        body, lengths = annotate_on_dask(items, workers=workers, scheduler=scheduler)
        yield todo, body, lengths
        return
    if not workers or workers <= 1:
        batches = _batches(items, BATCH_CHARS)
        iterable = batches
        if progress and len(batches) > 1:
            from tqdm.auto import tqdm

            iterable = tqdm(batches, desc="annotate", unit="batch", file=sys.stderr)
        done = 0
        for batch in iterable:  # one batch in memory at a time
            df = annotate_texts(batch)
            yield todo[done : done + len(batch)], *_without_doc_index(df, len(batch))
            done += len(batch)
        return
    n_batches = min(len(items), max(1, workers * 4))
    batches = [items[i::n_batches] for i in range(n_batches)]
    if progress:
        print(f"annotating {len(items)} documents ({engine} engine)", file=sys.stderr, flush=True)
    results = map_documents(annotate_texts, batches, engine=engine, workers=workers, scheduler=scheduler)
    for i, df in enumerate(results):
        yield todo[i::n_batches], *_without_doc_index(df, len(batches[i]))


def _without_doc_index(df: pd.DataFrame, n_docs: int) -> tuple[pd.DataFrame, np.ndarray]:
    """A batch table without its ``doc_index`` column, and its tokens per document."""
    lengths = np.bincount(df["doc_index"].to_numpy(), minlength=n_docs)
    return df.drop(columns="doc_index"), lengths


class _ParagraphColumns:
    """Adds ``doc_id`` and the paragraph's ``kind``, ``speaker``, ``is_boilerplate`` to pieces of the
    token table by array lookups (no merge, which would copy the whole table) and drops boilerplate
    rows unless they are wanted. Pieces are finished one at a time, so the full table exists once."""

    def __init__(self, doc_ids: list[str], paragraphs: pd.DataFrame, *, boilerplate: bool) -> None:
        self.boilerplate = boilerplate
        pos_of = {d: i for i, d in enumerate(doc_ids)}
        p_doc = np.asarray([pos_of.get(d, -1) for d in paragraphs["doc_id"].tolist()], dtype=np.int64)
        p_para = paragraphs["para_id"].to_numpy(dtype=np.int64)
        self.width = int(p_para.max(initial=0)) + 1
        p_key = p_doc * self.width + p_para
        self.order = np.argsort(p_key, kind="stable")
        self.sorted_keys = p_key[self.order]
        self.p_boiler = paragraphs["is_boilerplate"].to_numpy(dtype=bool)
        self.doc_categories = sorted(set(doc_ids))
        cat_pos = {d: i for i, d in enumerate(self.doc_categories)}
        self.doc_codes = np.asarray([cat_pos[d] for d in doc_ids], dtype=np.int32)
        kinds = paragraphs["kind"].astype(str).to_numpy()
        self.kind_categories = list(PARAGRAPH_KINDS) + sorted(set(kinds) - set(PARAGRAPH_KINDS))
        self.kind_codes = pd.Categorical(kinds, categories=self.kind_categories).codes
        speakers = pd.Categorical(paragraphs["speaker"].astype(object))  # sorted categories, -1 for none
        self.speaker_codes, self.speaker_categories = speakers.codes, speakers.categories

    def __call__(self, tokens: pd.DataFrame | _LazyTokens, first_doc: int, lengths: list[int]) -> pd.DataFrame:
        doc_pos = np.repeat(np.arange(first_doc, first_doc + len(lengths), dtype=np.int64), lengths)
        lazy = isinstance(tokens, _LazyTokens)
        para = np.asarray(tokens.numeric["para_id"] if lazy else tokens["para_id"], dtype=np.int64)
        if len(para) and (para.max() >= self.width or para.min() < 0):
            raise ValueError("annotate: a token's paragraph is missing from corpus.paragraphs")
        t_key = doc_pos * self.width + para
        hit = np.minimum(np.searchsorted(self.sorted_keys, t_key), max(len(self.sorted_keys) - 1, 0))
        if len(t_key) and not (len(self.sorted_keys) and np.array_equal(self.sorted_keys[hit], t_key)):
            raise ValueError("annotate: a token's paragraph is missing from corpus.paragraphs")
        p_row = self.order[hit] if len(t_key) else np.empty(0, dtype=np.int64)
        t_boiler = self.p_boiler[p_row]
        if not self.boilerplate and t_boiler.any():
            keep = ~t_boiler
            tokens = tokens.frame(keep) if lazy else tokens[keep].reset_index(drop=True)
            doc_pos, p_row, t_boiler = doc_pos[keep], p_row[keep], t_boiler[keep]
        else:
            tokens = tokens.frame() if lazy else tokens.copy(deep=False)
        tokens.insert(0, "doc_id", pd.Categorical.from_codes(self.doc_codes[doc_pos], categories=self.doc_categories))
        tokens["kind"] = pd.Categorical.from_codes(self.kind_codes[p_row], categories=self.kind_categories)
        tokens["speaker"] = pd.Categorical.from_codes(self.speaker_codes[p_row], categories=self.speaker_categories)
        tokens["is_boilerplate"] = t_boiler
        return tokens[list(TOKEN_COLUMNS) + ["kind", "speaker", "is_boilerplate"]]


def _cache_path(cache_dir: Path | None, text: str, spans: list[tuple[int, int]]) -> Path | None:
    return None if cache_dir is None else cache_dir / f"{_cache_key(text, spans)}.parquet"


_KEY_FIELD = b"analysis_cache_key"  # Parquet schema metadata of every annotation cache entry


def _read_arrow_cache(path: Path | None, *, text_length: int | None = None) -> pa.Table | None:
    """A cached annotation as an Arrow table (a third of the cost of ``pd.read_parquet`` per file),
    or ``None`` when there is none, it cannot be read, or it is not the entry it claims to be
    (recompute then): the key stored inside the entry must equal its file name, and every token
    offset must fit a text of ``text_length`` characters. A well-formed entry of another document
    copied under this name is thus never used."""
    if path is None or not path.is_file():
        return None
    try:
        table = pq.ParquetFile(path).read()
    except Exception:  # a truncated or foreign file: recompute and overwrite
        return None
    if table.column_names != list(TOKEN_COLUMNS[1:]):
        return None
    if (table.schema.metadata or {}).get(_KEY_FIELD) != path.stem.encode():
        return None
    if text_length is not None and table.num_rows:
        import pyarrow.compute as pc

        lo, hi = pc.min(table["start"]).as_py(), pc.max(table["end"]).as_py()
        if lo < 0 or hi > text_length:
            return None
    return table


def _continues(entry: _Rows | pa.Table, following: _Rows | pa.Table | None) -> bool:
    """Whether ``following`` are the rows right after ``entry`` in the same unbuilt table."""
    return (
        isinstance(entry, _Rows)
        and isinstance(following, _Rows)
        and isinstance(entry.frame, _LazyTokens)
        and following.frame is entry.frame
        and following.start == entry.stop
    )


def _as_frames(group: list[_Rows | pa.Table]) -> list[pd.DataFrame | _LazyTokens]:
    """Tables for a run of per-document tables: consecutive Arrow tables (cache entries) become one
    frame, consecutive row ranges of one batch table one slice of it."""
    out: list[pd.DataFrame | _LazyTokens] = []
    run: list[pa.Table] = []
    rows: _Rows | None = None

    def flush_rows() -> None:
        frame = rows.frame
        out.append(
            frame.rows(rows.start, rows.stop) if isinstance(frame, _LazyTokens) else frame.iloc[rows.start : rows.stop]
        )

    for item in group:
        if isinstance(item, pa.Table):
            if rows is not None:
                flush_rows()
                rows = None
            run.append(item)
            continue
        if run:
            out.append(pa.concat_tables(run).to_pandas())
            run = []
        if rows is not None and rows.frame is item.frame and rows.stop == item.start:
            rows = _Rows(rows.frame, rows.start, item.stop)
            continue
        if rows is not None:
            flush_rows()
        rows = item
    if rows is not None:
        flush_rows()
    if run:
        out.append(pa.concat_tables(run).to_pandas())
    return out


def read_parquet_cache(path: Path | None) -> pd.DataFrame | None:
    """A cached table, or ``None`` when there is none or it cannot be read (recompute then)."""
    if path is None or not path.is_file():
        return None
    try:
        return pd.read_parquet(path)
    except Exception:  # a truncated or foreign file: recompute and overwrite
        return None


def write_parquet_atomic(df: pd.DataFrame, path: Path, *, index: bool = False) -> None:
    """Write ``df`` to ``path`` via a temporary file, so readers never see half a file (may raise OSError)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    df.to_parquet(tmp, index=index)
    os.replace(tmp, path)


_CACHE_BACKLOG = 256  # documents whose cache entries may wait to be written (their tables stay in memory)


class _CacheWriter:
    """Writes annotation cache entries on one background thread (Parquet encoding and the file
    system release the GIL), so they overlap the annotation of the next batch; leaving the
    ``with`` block waits for every file and re-raises a failure other than an unwritable folder."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.pool = None
        self.pending: deque = deque()

    def __enter__(self) -> _CacheWriter:
        if self.enabled:
            from concurrent.futures import ThreadPoolExecutor

            self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="annotation-cache")
        return self

    def arrow(self, batch: pd.DataFrame) -> pa.Table | None:
        """A batch table (without ``doc_index``) as Arrow, to be sliced per document."""
        if not self.enabled:
            return None
        return pa.Table.from_pandas(batch, preserve_index=False)

    def write(self, path: Path | None, table: pa.Table | None) -> None:
        if self.pool is None or path is None or table is None:
            return
        pending = self.pending
        while pending and (pending[0].done() or len(pending) >= _CACHE_BACKLOG):  # oldest first: O(1) a file
            pending.popleft().result()  # a failure shows here; a writer far behind is waited for
        pending.append(self.pool.submit(_write_cache, path, table))

    def __exit__(self, *exc) -> None:
        if self.pool is None:
            return
        self.pool.shutdown(wait=True)
        if exc[0] is None:
            for f in self.pending:
                f.result()


def _write_cache(path: Path | None, table: pa.Table) -> None:
    """Write one annotation cache entry (a document's slice of its batch's Arrow table) atomically,
    with its key (the file name) stored inside it."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), _KEY_FIELD: path.stem.encode()})
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        try:
            pq.write_table(table, tmp)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        warnings.warn(
            f"annotation cache {path.parent} is not writable ({exc.strerror}); continuing without it", stacklevel=3
        )


@lru_cache(maxsize=16)
def _remove_stale_temporaries(cache_dir: str) -> int:
    """Delete ``*.PID.tmp`` files that a killed run (SIGKILL, full disk) left in the cache folder,
    once per folder and process; files of a process that is still running are left alone.
    Returns how many were removed."""
    removed = 0
    try:
        entries = list(os.scandir(cache_dir))
    except OSError:
        return 0
    for entry in entries:
        if not entry.name.endswith(".tmp"):
            continue
        parts = entry.name.split(".")
        pid = int(parts[-2]) if len(parts) >= 3 and parts[-2].isdigit() else None
        if pid is not None and (pid == os.getpid() or _process_alive(pid)):
            continue
        try:
            os.unlink(entry.path)
            removed += 1
        except OSError:
            pass
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True
